package stats

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The investment statistics (GET /stats/investment): per group and period,
// the projects and the capital new and added, FDI and domestic.
//
// Definitions:
//   - new: a project counts in the period of its registration date (the
//     date of its investment registration certificate, IRC), with its
//     registered capital as first registered. A project counts whatever its
//     status now (a project licensed in 2020 and terminated in 2024 was
//     new in 2020).
//   - added: a capital adjustment ("tăng vốn") counts in the period of its
//     own date, with its own amount (negative when capital was reduced).
//   - FDI or domestic: the project's own classification.
//   - capital in its own currency: new_fdi_usd sums the capital of the FDI
//     projects registered in US dollars, in dollars; new_fdi_vnd that of
//     those registered in đồng, in đồng; they are never added to each
//     other. An adjustment is in its project's currency.
//   - capital in USD (names ending _in_usd): every amount in US dollars at
//     the exchange rate recorded with it — a project's registered capital at
//     the rate of its registration, an adjustment at the rate recorded with
//     the adjustment — never at today's rate, so a past figure does not
//     move with the exchange rate. capital_in_usd is new and added, FDI and
//     domestic; fdi_in_usd and domestic_in_usd split it.
//   - high-tech and supporting-industry share: the capital in USD (new and
//     added) of enterprises flagged high-tech (supporting industry), in
//     percent of capital_in_usd; computed from the figures the audience
//     sees (null when either is withheld).
//   - group: country is the enterprise's investor country (ISO 3166
//     alpha-2), sector the VSIC 2018 section (A-U) of its sector; board,
//     province and kind are the project's zone's; "all" is one group, key
//     "".
//   - workers, workers_foreign: the actual workers (Vietnamese and foreign;
//     foreign) the projects new in the period record now, projects
//     terminated since left out; the whole range's total is the workers of
//     the range's projects now. Workers are public per project, exact.
//   - exports_usd, budget_vnd: the export value (US dollars) and the
//     budget contribution (đồng) of the enterprise reports of the year
//     (yearly series only: reports are yearly), for the enterprises with a
//     project among the series' zones.
//   - plan: the plan_targets row of the year (yearly series) for the
//     series' scope: investment_usd (new and added capital, USD) and
//     projects (new projects); plan_investment_pct = capital_in_usd /
//     investment_usd and plan_projects_pct = projects_new / projects, in
//     percent.
//
// Disclosure: every money figure is an Amount, exact decimal text,
// disclosed by the rule of amount.go (enterprises for lessees); counts of
// projects and adjustments and workers are public and exact. A figure is
// exact to an audience that sees every board whose zones contribute to its
// group and period (registry.StatsAudience), as the other statistics are.

// InvestmentParams are the parameters of an InvestmentQuery.
var InvestmentParams = []string{"by", "group", "board", "zone", "province", "kind", "from", "to"}

// InvestmentGroups are the groupings of the investment statistics.
var InvestmentGroups = []string{"all", "country", "sector", "board", "province", "kind"}

// MaxInvestmentPeriods bounds a series: its periods between the first and
// the last.
const MaxInvestmentPeriods = 200

// InvestmentQuery selects an investment series.
type InvestmentQuery struct {
	By     string   // "year" (default) or "quarter"
	Groups []string // InvestmentGroups, each once; default ["all"]
	// Board id, zone (id or code), province (ignoring case and
	// diacritics), kind; "" for any.
	Board, Zone, Province, Kind string
	From, To                    string // "2025" or, by quarter, "2025-Q3"; "" leaves that end open
}

var periodText = regexp.MustCompile(`^([0-9]{4})(?:-Q([1-4]))?$`)

// ParseInvestmentQuery reads an InvestmentQuery with get (the text of a
// parameter, "" when absent). Errors: EINVALID naming the parameter.
func ParseInvestmentQuery(get func(name string) string) (InvestmentQuery, error) {
	q := InvestmentQuery{By: get("by"), Board: get("board"), Zone: get("zone"), Province: get("province"),
		From: get("from"), To: get("to")}
	if _, err := catalog.Enum("by", q.By, []string{"year", "quarter"}); err != nil {
		return q, err
	}
	kind, err := catalog.Enum("kind", get("kind"), zonegis.ZoneKinds)
	if err != nil {
		return q, err
	}
	q.Kind = kind
	if g := get("group"); g != "" {
		for _, name := range strings.Split(g, ",") {
			if _, err := catalog.Enum("group", name, InvestmentGroups); err != nil || name == "" {
				return q, zonegis.Errorf(zonegis.EINVALID, "group: %q is not one of %s (a comma-separated list)", name, strings.Join(InvestmentGroups, ", "))
			}
			if slices.Contains(q.Groups, name) {
				return q, zonegis.Errorf(zonegis.EINVALID, "group: %q is given twice", name)
			}
			q.Groups = append(q.Groups, name)
		}
	}
	for _, p := range []struct{ name, v string }{{"from", q.From}, {"to", q.To}} {
		if _, err := parsePeriod(p.name, p.v, q.By == "quarter", p.name == "to"); err != nil {
			return q, err
		}
	}
	return q, nil
}

// parsePeriod reads a period bound: a year (by year or quarter: its first
// quarter as a from, its last as a to) or a quarter (by quarter only).
func parsePeriod(name, v string, quarterly, last bool) (periodKey, error) {
	if v == "" {
		return periodKey{}, nil
	}
	m := periodText.FindStringSubmatch(v)
	if m == nil {
		return periodKey{}, zonegis.Errorf(zonegis.EINVALID, "%s: want a year (2025) or a quarter (2025-Q3), got %q", name, v)
	}
	y, _ := strconv.Atoi(m[1])
	if y < 1900 || y > 2200 {
		return periodKey{}, zonegis.Errorf(zonegis.EINVALID, "%s: want a year from 1900 to 2200, got %q", name, v)
	}
	k := periodKey{y: y}
	switch {
	case m[2] != "" && !quarterly:
		return k, zonegis.Errorf(zonegis.EINVALID, "%s: %q is a quarter; a yearly series takes a year (or by=quarter)", name, v)
	case m[2] != "":
		k.q, _ = strconv.Atoi(m[2])
	case quarterly && last:
		k.q = 4
	case quarterly:
		k.q = 1
	}
	return k, nil
}

// start is the first day of period k.
func (k periodKey) start() time.Time {
	m := time.January
	if k.q > 0 {
		m = time.Month(3*(k.q-1) + 1)
	}
	return time.Date(k.y, m, 1, 0, 0, 0, 0, time.UTC)
}

// InvestmentItem is the figures of one group in one period (or, in
// Investment.Totals, the whole range: period "total").
type InvestmentItem struct {
	Group   string `json:"group"` // the grouping: all, country, sector, board, province, kind
	Key     string `json:"key"`   // "" in group all, and for an enterprise without a country or sector
	Name    string `json:"name"`  // the board's or VSIC section's Vietnamese name; the key otherwise
	Period  string `json:"period"`
	Year    int    `json:"year,omitempty"`
	Quarter int    `json:"quarter,omitempty"`

	ProjectsNew         int64 `json:"projects_new"`
	ProjectsNewFDI      int64 `json:"projects_new_fdi"`
	ProjectsNewDomestic int64 `json:"projects_new_domestic"`
	Adjustments         int64 `json:"adjustments"`
	AdjustmentsFDI      int64 `json:"adjustments_fdi"`
	AdjustmentsDomestic int64 `json:"adjustments_domestic"`

	NewFDIUSD          Amount `json:"new_fdi_usd"`
	NewFDIVND          Amount `json:"new_fdi_vnd"`
	NewFDIInUSD        Amount `json:"new_fdi_in_usd"`
	NewDomesticUSD     Amount `json:"new_domestic_usd"`
	NewDomesticVND     Amount `json:"new_domestic_vnd"`
	NewDomesticInUSD   Amount `json:"new_domestic_in_usd"`
	AddedFDIUSD        Amount `json:"added_fdi_usd"`
	AddedFDIVND        Amount `json:"added_fdi_vnd"`
	AddedFDIInUSD      Amount `json:"added_fdi_in_usd"`
	AddedDomesticUSD   Amount `json:"added_domestic_usd"`
	AddedDomesticVND   Amount `json:"added_domestic_vnd"`
	AddedDomesticInUSD Amount `json:"added_domestic_in_usd"`
	FDIInUSD           Amount `json:"fdi_in_usd"`
	DomesticInUSD      Amount `json:"domestic_in_usd"`
	CapitalInUSD       Amount `json:"capital_in_usd"`
	HighTechInUSD      Amount `json:"high_tech_in_usd"`
	SupportingInUSD    Amount `json:"supporting_in_usd"`

	HighTechPct   *float64 `json:"high_tech_pct"`
	SupportingPct *float64 `json:"supporting_pct"`

	Workers        int64 `json:"workers"`
	WorkersForeign int64 `json:"workers_foreign"`

	ExportsUSD *Amount `json:"exports_usd"` // null in a quarterly series
	BudgetVND  *Amount `json:"budget_vnd"`

	PlanInvestmentUSD *float64 `json:"plan_investment_usd"`
	PlanProjects      *int64   `json:"plan_projects"`
	PlanInvestmentPct *float64 `json:"plan_investment_pct"`
	PlanProjectsPct   *float64 `json:"plan_projects_pct"`
}

// amounts lists an item's money figures with their names, in the order
// of the CSV's columns.
func (it *InvestmentItem) amounts() []struct {
	name string
	a    *Amount
} {
	return []struct {
		name string
		a    *Amount
	}{
		{"new_fdi_usd", &it.NewFDIUSD}, {"new_fdi_vnd", &it.NewFDIVND}, {"new_fdi_in_usd", &it.NewFDIInUSD},
		{"new_domestic_usd", &it.NewDomesticUSD}, {"new_domestic_vnd", &it.NewDomesticVND}, {"new_domestic_in_usd", &it.NewDomesticInUSD},
		{"added_fdi_usd", &it.AddedFDIUSD}, {"added_fdi_vnd", &it.AddedFDIVND}, {"added_fdi_in_usd", &it.AddedFDIInUSD},
		{"added_domestic_usd", &it.AddedDomesticUSD}, {"added_domestic_vnd", &it.AddedDomesticVND}, {"added_domestic_in_usd", &it.AddedDomesticInUSD},
		{"fdi_in_usd", &it.FDIInUSD}, {"domestic_in_usd", &it.DomesticInUSD}, {zonegis.FigureCapitalInUSD, &it.CapitalInUSD},
		{zonegis.FigureHighTechInUSD, &it.HighTechInUSD}, {zonegis.FigureSupportingInUSD, &it.SupportingInUSD},
	}
}

// Investment is an investment series: per grouping, group and period the
// figures, and per group the whole range's (Totals).
type Investment struct {
	By       string   `json:"by"`
	Groups   []string `json:"groups"`
	Board    string   `json:"board,omitempty"`
	Zone     string   `json:"zone,omitempty"`
	Province string   `json:"province,omitempty"`
	Kind     string   `json:"kind,omitempty"`
	From     string   `json:"from"` // the first period reported ("" when there is none)
	To       string   `json:"to"`
	// PlanScope is where the plan figures come from: "all", "board" or
	// "province"; "" when no target applies (a quarterly series, a zone or
	// kind filter, a province and a board together, a grouping other than
	// all and board).
	PlanScope string           `json:"plan_scope"`
	Items     []InvestmentItem `json:"items"`
	Totals    []InvestmentItem `json:"totals"`
}

// Investment returns the investment series q, money as audience a may see
// it: from the cache when the same query was answered to an audience of the
// same class at the current data version (investcache.go), and then shared:
// callers do not modify it. A series not in the cache is computed only once
// heavy (if not nil: httpx.Limit.Acquire, the heavy requests' slots) gives
// a slot, released when it is done; an answer from the cache takes none.
// Errors: EINVALID (by, group, an unknown board, zone or province, from
// after to, more than MaxInvestmentPeriods periods), heavy's.
func (s *Service) Investment(ctx context.Context, q InvestmentQuery, a Audience, heavy func() (release func(), err error)) (*Investment, error) {
	version, err := s.store.InvestmentVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("stats: investment: %w", err)
	}
	key := investmentKey(q, a)
	if inv, ok := s.invest.get(key, version); ok {
		return inv, nil
	}
	if heavy != nil {
		release, err := heavy()
		if err != nil {
			return nil, err
		}
		defer release()
	}
	inv, err := s.investment(ctx, q, a)
	if err != nil {
		return nil, err
	}
	s.invest.put(key, version, inv)
	return inv, nil
}

// investment computes the investment series q for audience a.
func (s *Service) investment(ctx context.Context, q InvestmentQuery, a Audience) (*Investment, error) {
	quarterly := false
	switch q.By {
	case "", "year":
		q.By = "year"
	case "quarter":
		quarterly = true
	default:
		return nil, zonegis.Errorf(zonegis.EINVALID, "by: %q is not one of year, quarter", q.By)
	}
	if len(q.Groups) == 0 {
		q.Groups = []string{"all"}
	}
	from, err := parsePeriod("from", q.From, quarterly, false)
	if err != nil {
		return nil, err
	}
	to, err := parsePeriod("to", q.To, quarterly, true)
	if err != nil {
		return nil, err
	}
	if q.From != "" && q.To != "" && after(from, to) {
		return nil, zonegis.Errorf(zonegis.EINVALID, "from %s is after to %s", q.From, q.To)
	}
	f := zonegis.InvestmentSeriesFilter{Quarterly: quarterly, Board: q.Board, Kind: q.Kind}
	for _, g := range q.Groups {
		if g == "all" {
			g = ""
		}
		f.Groups = append(f.Groups, g)
	}
	if err := s.checkBoard(ctx, q.Board); err != nil {
		return nil, err
	}
	if q.Province != "" {
		if f.Province, err = s.resolveProvince(ctx, q.Province); err != nil {
			return nil, err
		}
		q.Province = f.Province
	}
	if q.Zone != "" {
		if f.ZoneID, err = s.resolveZone(ctx, q.Zone); err != nil {
			return nil, err
		}
	}
	if q.From != "" {
		f.From = from.start()
	}
	if q.To != "" {
		f.To = next(to, quarterly).start()
	}
	raw, err := s.store.InvestmentFigures(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("stats: investment: %w", err)
	}
	out := &Investment{By: q.By, Groups: q.Groups, Board: q.Board, Zone: q.Zone, Province: q.Province, Kind: q.Kind,
		Items: []InvestmentItem{}, Totals: []InvestmentItem{}}
	cells := assembleCells(raw)
	// The range: the data's, narrowed or widened by from and to.
	first, last, have := periodKey{}, periodKey{}, false
	for k := range cells {
		if k.total {
			continue
		}
		p := periodKey{k.y, k.q}
		if !have || after(first, p) {
			first = p
		}
		if !have || after(p, last) {
			last = p
		}
		have = true
	}
	if q.From != "" {
		first = from
	}
	if q.To != "" {
		last = to
	}
	have = have || q.From != "" && q.To != ""
	var periods []periodKey
	for k := first; have && !after(k, last); k = next(k, quarterly) {
		if len(periods) == MaxInvestmentPeriods {
			return nil, zonegis.Errorf(zonegis.EINVALID, "from, to: the series spans more than %d periods; narrow from and to", MaxInvestmentPeriods)
		}
		periods = append(periods, k)
	}
	if len(periods) > 0 {
		out.From, out.To = periodName(periods[0], quarterly), periodName(periods[len(periods)-1], quarterly)
	}
	plans, err := s.investmentPlans(ctx, q, quarterly, groupKeys(cells, "board"), out)
	if err != nil {
		return nil, err
	}
	for _, g := range f.Groups {
		keys := groupKeys(cells, g)
		if g == "" && len(keys) == 0 {
			keys = []string{""}
		}
		for _, key := range keys {
			for _, p := range periods {
				it := cells[cellKey{g, key, p.y, p.q, false}].item(a, quarterly)
				it.Period, it.Year, it.Quarter = periodName(p, quarterly), p.y, p.q
				out.Items = append(out.Items, finish(it, g, key, raw.Names, plans[planKey{g, key, p.y}]))
			}
			it := cells[cellKey{g, key, 0, 0, true}].item(a, quarterly)
			it.Period = "total"
			out.Totals = append(out.Totals, finish(it, g, key, raw.Names, nil))
		}
	}
	return out, nil
}

// finish names an item and sets its derived figures: shares and plan.
func finish(it InvestmentItem, g, key string, names map[string]string, plan *zonegis.PlanTarget) InvestmentItem {
	it.Group, it.Key, it.Name = g, key, key
	if it.Group == "" {
		it.Group = "all"
	}
	if n, ok := names[g+"\x00"+key]; ok {
		it.Name = n
	}
	total, okTotal := it.CapitalInUSD.Float()
	if v, ok := it.HighTechInUSD.Float(); ok && okTotal {
		it.HighTechPct = ratioPct(v, total)
	}
	if v, ok := it.SupportingInUSD.Float(); ok && okTotal {
		it.SupportingPct = ratioPct(v, total)
	}
	if plan != nil {
		it.PlanInvestmentUSD, it.PlanProjects = plan.InvestmentUSD, plan.Projects
		if plan.InvestmentUSD != nil && okTotal {
			it.PlanInvestmentPct = ratioPct(total, *plan.InvestmentUSD)
		}
		if plan.Projects != nil {
			it.PlanProjectsPct = ratioPct(float64(it.ProjectsNew), float64(*plan.Projects))
		}
	}
	return it
}

// cellKey is a group's period (or its total over the range).
type cellKey struct {
	group, key string
	y, q       int
	total      bool
}

// cell is the raw figures of one group and period, by figure name.
type cell struct {
	sums map[string]amountSum
}

func assembleCells(raw *zonegis.InvestmentFigures) map[cellKey]*cell {
	cells := map[cellKey]*cell{}
	get := func(k cellKey) *cell {
		c := cells[k]
		if c == nil {
			c = &cell{sums: map[string]amountSum{}}
			cells[k] = c
		}
		return c
	}
	for _, f := range raw.Figures {
		get(cellKey{f.Group, f.Key, f.Year, f.Quarter, f.Total}).sums[f.Figure] = amountSum{sum: f.Sum, max: f.Max,
			enterprises: f.Enterprises, boards: f.Boards}
	}
	return cells
}

// groupKeys are the keys of grouping g that have figures, in order.
func groupKeys(cells map[cellKey]*cell, g string) []string {
	var keys []string
	for k := range cells {
		if k.group == g && !slices.Contains(keys, k.key) {
			keys = append(keys, k.key)
		}
	}
	slices.Sort(keys)
	return keys
}

// item is the cell's figures as audience a sees them (a nil cell: no
// figures, all zero).
func (c *cell) item(a Audience, quarterly bool) InvestmentItem {
	if c == nil {
		c = &cell{}
	}
	var it InvestmentItem
	for _, m := range it.amounts() {
		*m.a = c.sums[m.name].discloseTo(a)
	}
	count := func(name string) int64 {
		n, _ := strconv.ParseInt(c.sums[name].sum, 10, 64) // the store sums integers
		return n
	}
	it.ProjectsNewFDI, it.ProjectsNewDomestic = count("projects_new_fdi"), count("projects_new_domestic")
	it.ProjectsNew = it.ProjectsNewFDI + it.ProjectsNewDomestic
	it.AdjustmentsFDI, it.AdjustmentsDomestic = count("adjustments_fdi"), count("adjustments_domestic")
	it.Adjustments = it.AdjustmentsFDI + it.AdjustmentsDomestic
	it.Workers, it.WorkersForeign = count(zonegis.FigureWorkers), count(zonegis.FigureWorkersForeign)
	if !quarterly {
		e, b := c.sums[zonegis.FigureExportsUSD].discloseTo(a), c.sums[zonegis.FigureBudgetVND].discloseTo(a)
		it.ExportsUSD, it.BudgetVND = &e, &b
	}
	return it
}

// planKey finds the target of a grouping's group in a year.
type planKey struct {
	group, key string
	year       int
}

// investmentPlans reads the targets the series compares with, by grouping,
// key and year: a yearly series' group all takes the targets of its
// filter's scope (all, a board or a province); its group board, with no
// filter but board, those of each board with figures (boards).
func (s *Service) investmentPlans(ctx context.Context, q InvestmentQuery, quarterly bool, boards []string, out *Investment) (map[planKey]*zonegis.PlanTarget, error) {
	plans := map[planKey]*zonegis.PlanTarget{}
	if quarterly || q.Zone != "" || q.Kind != "" {
		return plans, nil
	}
	type scope struct{ group, key, scope, id string }
	var scopes []scope
	if slices.Contains(q.Groups, "all") {
		if sc, id := planScope(LeasingQuery{Board: q.Board, Province: q.Province}, false); sc != "" {
			scopes = append(scopes, scope{"", "", sc, id})
			out.PlanScope = sc
		}
	}
	if slices.Contains(q.Groups, "board") && q.Province == "" {
		for _, b := range boards {
			scopes = append(scopes, scope{"board", b, "board", b})
		}
		if out.PlanScope == "" {
			out.PlanScope = "board"
		}
	}
	for _, sc := range scopes {
		targets, err := s.store.PlanTargets(ctx, sc.scope, sc.id)
		if err != nil {
			return nil, fmt.Errorf("stats: plan targets: %w", err)
		}
		for _, t := range targets {
			if t.InvestmentUSD != nil || t.Projects != nil {
				plans[planKey{sc.group, sc.key, t.Year}] = &t
			}
		}
	}
	return plans, nil
}

// resolveZone finds a zone by id or code. Errors: EINVALID when none has
// it.
func (s *Service) resolveZone(ctx context.Context, ref string) (int64, error) {
	id, ok, err := s.store.ZoneByRef(ctx, ref)
	if err != nil {
		return 0, fmt.Errorf("stats: zone: %w", err)
	}
	if !ok {
		return 0, zonegis.Errorf(zonegis.EINVALID, "zone: no zone with id or code %q", ref)
	}
	return id, nil
}

func periodName(k periodKey, quarterly bool) string {
	s := strconv.Itoa(k.y)
	if quarterly {
		s += "-Q" + strconv.Itoa(k.q)
	}
	return s
}
