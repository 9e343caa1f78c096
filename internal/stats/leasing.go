package stats

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// LeasingQuery selects a leasing series.
type LeasingQuery struct {
	By       string // "year" (default) or "quarter"
	Board    string // board id; "" for every board
	Province string // province, matched ignoring case and diacritics; "" for all
	From, To int    // first and last year to report; 0 leaves that end open
}

// Period is the leasing of one year or quarter: leases whose start date
// falls in it, the hectares of their parcels and their registered capital.
// Year-on-year change compares with the same period a year earlier (nil
// when that had nothing). Plan figures are set only for years with a
// target in plan_targets for the series' scope. Capital is disclosed to
// the series' audience (see Audience), and its change and percentage of
// plan are computed from the figures that audience sees.
type Period struct {
	Period         string   `json:"period"` // "2025" or "2025-Q3"
	Year           int      `json:"year"`
	Quarter        int      `json:"quarter,omitempty"` // 1-4; 0 in a yearly series
	Leases         int64    `json:"leases"`
	LeasedHa       float64  `json:"leased_ha"`
	Capital                 // capital_usd, capital_rounding_usd, capital_disclosure
	LeasedHaYoYPct *float64 `json:"leased_ha_yoy_pct"`
	CapitalYoYPct  *float64 `json:"capital_yoy_pct"`
	PlanHa         *float64 `json:"plan_ha"`
	PlanCapitalUSD *float64 `json:"plan_capital_usd"`
	PlanHaPct      *float64 `json:"plan_ha_pct"`      // leased_ha / plan_ha, percent
	PlanCapitalPct *float64 `json:"plan_capital_pct"` // capital_usd / plan_capital_usd, percent

	capital capitalSum
}

// Leasing is a series of periods, oldest first, without gaps between the
// first and the last (periods without leases have zeros).
type Leasing struct {
	By       string `json:"by"`
	Board    string `json:"board,omitempty"`
	Province string `json:"province,omitempty"`
	// PlanScope is the plan_targets scope the plan figures come from:
	// "all", "board" or "province"; "" when no target applies (both a board
	// and a province given, or a quarterly series: targets are annual).
	PlanScope string   `json:"plan_scope"`
	Periods   []Period `json:"periods"`
}

// Leasing returns hectares leased and capital per year or quarter of lease
// start, capital as audience a may see it. Errors: EINVALID (by, an
// unknown board or province, from > to).
func (s *Service) Leasing(ctx context.Context, q LeasingQuery, a Audience) (*Leasing, error) {
	quarterly := false
	switch q.By {
	case "", "year":
		q.By = "year"
	case "quarter":
		quarterly = true
	default:
		return nil, zonegis.Errorf(zonegis.EINVALID, "by: %q is not one of year, quarter", q.By)
	}
	if q.From != 0 && q.To != 0 && q.From > q.To {
		return nil, zonegis.Errorf(zonegis.EINVALID, "from %d is after to %d", q.From, q.To)
	}
	if err := s.checkBoard(ctx, q.Board); err != nil {
		return nil, err
	}
	if q.Province != "" {
		p, err := s.resolveProvince(ctx, q.Province)
		if err != nil {
			return nil, err
		}
		q.Province = p
	}
	figures, err := s.store.Leasing(ctx, q.Board, q.Province, quarterly)
	if err != nil {
		return nil, fmt.Errorf("stats: leasing: %w", err)
	}
	// A series sums the leases of the board it names, or of every board
	// with zones in its province (every board without either): it is
	// exact to an audience of all of those boards.
	exact := a.all
	if !exact && q.Board != "" {
		exact = a.Sees(q.Board)
	} else if !exact && a.SeesAny() {
		snap, err := s.current(ctx)
		if err != nil {
			return nil, err
		}
		var boards []string
		for _, z := range snap.zones {
			if (q.Province == "" || z.Province == q.Province) && !slices.Contains(boards, z.BoardID) {
				boards = append(boards, z.BoardID)
			}
		}
		exact = a.Sees(boards...)
	}
	sums := map[periodKey]Period{}
	var first, last periodKey
	for _, f := range figures {
		p := Period{Year: f.Year, Quarter: f.Quarter, Leases: f.Leases, LeasedHa: f.AreaM2 / 1e4,
			capital: capitalSum{sumUSD: f.CapitalUSD, lessees: f.Lessees, maxUSD: f.CapitalMaxUSD}}
		p.Capital = p.capital.discloseExact(exact)
		k := periodKey{p.Year, p.Quarter}
		if len(sums) == 0 {
			first = k
		}
		last = k
		sums[k] = p
	}
	out := &Leasing{By: q.By, Board: q.Board, Province: q.Province, Periods: []Period{}}
	scope, scopeID := planScope(q, quarterly)
	out.PlanScope = scope
	if len(sums) == 0 && (q.From == 0 || q.To == 0) {
		return out, nil
	}
	// The range: the data's, narrowed or widened by from and to.
	if q.From != 0 {
		first = periodKey{q.From, 0}
		if quarterly {
			first.q = 1
		}
	}
	if q.To != 0 {
		last = periodKey{q.To, 0}
		if quarterly {
			last.q = 4
		}
	}
	plans := map[int][2]*float64{}
	if scope != "" {
		targets, err := s.store.PlanTargets(ctx, scope, scopeID)
		if err != nil {
			return nil, fmt.Errorf("stats: plan targets: %w", err)
		}
		for _, t := range targets {
			plans[t.Year] = [2]*float64{t.Hectares, t.CapitalUSD}
		}
	}
	for k := first; !after(k, last); k = next(k, quarterly) {
		p, ok := sums[k]
		if !ok {
			p = Period{Year: k.y, Quarter: k.q, Capital: capitalSum{}.discloseExact(exact)}
		}
		p.Period = strconv.Itoa(k.y)
		if quarterly {
			p.Period += "-Q" + strconv.Itoa(k.q)
		}
		prev, ok := sums[periodKey{k.y - 1, k.q}]
		if !ok {
			prev.Capital = capitalSum{}.discloseExact(exact)
		}
		p.LeasedHaYoYPct = changePct(p.LeasedHa, prev.LeasedHa)
		if p.CapitalUSD != nil && prev.CapitalUSD != nil {
			p.CapitalYoYPct = changePct(*p.CapitalUSD, *prev.CapitalUSD)
		}
		if t, ok := plans[k.y]; ok {
			p.PlanHa, p.PlanCapitalUSD = t[0], t[1]
			if t[0] != nil {
				p.PlanHaPct = ratioPct(p.LeasedHa, *t[0])
			}
			if t[1] != nil && p.CapitalUSD != nil {
				p.PlanCapitalPct = ratioPct(*p.CapitalUSD, *t[1])
			}
		}
		out.Periods = append(out.Periods, p)
	}
	return out, nil
}

// planScope picks the plan_targets row set a series is compared with.
func planScope(q LeasingQuery, quarterly bool) (scope, id string) {
	switch {
	case quarterly, q.Board != "" && q.Province != "":
		return "", ""
	case q.Board != "":
		return "board", q.Board
	case q.Province != "":
		return "province", q.Province
	}
	return "all", ""
}

// changePct is the change from prev to cur in percent, nil when prev is 0.
func changePct(cur, prev float64) *float64 {
	if prev == 0 {
		return nil
	}
	v := (cur - prev) / prev * 100
	return &v
}

// periodKey is a year and a quarter (0 in yearly series).
type periodKey struct{ y, q int }

func after(a, b periodKey) bool { return a.y > b.y || (a.y == b.y && a.q > b.q) }

func next(k periodKey, quarterly bool) periodKey {
	if !quarterly {
		return periodKey{k.y + 1, 0}
	}
	if k.q == 4 {
		return periodKey{k.y + 1, 1}
	}
	return periodKey{k.y, k.q + 1}
}
