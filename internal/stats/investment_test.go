package stats_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/stats"
)

// investOracle computes the investment figures straight from the tables,
// with SQL written here: one plain GROUP BY per source (projects,
// positive adjustments, reports in the zone of the enterprise's first
// project) by group key and period, the money summed as numeric; the
// range's totals are the periods' sums, added in Go. Keys of the result:
// group key, then period ("2024", "2024-Q3" or "total"), then the JSON
// name of the figure.
func investOracle(t *testing.T, pool *pgxpool.Pool, group string, quarterly bool, where string, args ...any) map[string]map[string]map[string]*big.Rat {
	t.Helper()
	key := map[string]string{"all": "''", "country": "e.country", "sector": "coalesce(d.section, '')",
		"board": "coalesce(z.board_id, '')", "province": "z.province", "kind": "z.kind"}[group]
	period := func(col string) string {
		if quarterly {
			return fmt.Sprintf("extract(year FROM %s)::int || '-Q' || extract(quarter FROM %s)::int", col, col)
		}
		return fmt.Sprintf("extract(year FROM %s)::int::text", col)
	}
	out := map[string]map[string]map[string]*big.Rat{}
	add := func(k, p, name, v string) {
		if v == "" {
			return
		}
		r, ok := new(big.Rat).SetString(v)
		if !ok {
			t.Fatalf("%s: %q", name, v)
		}
		for _, pp := range []string{p, "total"} {
			if out[k] == nil {
				out[k] = map[string]map[string]*big.Rat{}
			}
			if out[k][pp] == nil {
				out[k][pp] = map[string]*big.Rat{}
			}
			if out[k][pp][name] == nil {
				out[k][pp][name] = new(big.Rat)
			}
			out[k][pp][name].Add(out[k][pp][name], r)
		}
	}
	join := ` JOIN enterprises e ON e.id = p.enterprise_id JOIN zones z ON z.id = p.zone_id
	          LEFT JOIN vsic_divisions d ON d.code = left(e.vsic, 2) `
	query := func(q string, scan func(k, p string, vals []string)) {
		t.Helper()
		rows, err := pool.Query(context.Background(), q, args...)
		if err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
		defer rows.Close()
		for rows.Next() {
			vals, err := rows.Values()
			if err != nil {
				t.Fatal(err)
			}
			s := make([]string, len(vals))
			for i, v := range vals {
				if v != nil {
					s[i] = fmt.Sprint(v)
				}
			}
			scan(s[0], s[1], s[2:])
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
	}
	query(`SELECT `+key+`, `+period("p.irc_date")+`, p.origin, lower(p.currency), count(*)::text, sum(p.capital)::text,
	              sum(p.capital_usd)::text, sum(p.capital_usd) FILTER (WHERE e.high_tech)::text,
	              sum(p.capital_usd) FILTER (WHERE e.supporting_industry)::text,
	              sum(p.workers_vn + p.workers_foreign) FILTER (WHERE p.status <> 'terminated')::text,
	              sum(p.workers_foreign) FILTER (WHERE p.status <> 'terminated')::text
	         FROM projects p`+join+` WHERE `+where+` GROUP BY 1, 2, 3, 4`,
		func(k, p string, v []string) {
			origin, cur := v[0], v[1]
			add(k, p, "projects_new_"+origin, v[2])
			add(k, p, "projects_new", v[2])
			add(k, p, "new_"+origin+"_"+cur, v[3])
			for _, n := range []string{"new_" + origin + "_in_usd", origin + "_in_usd", "capital_in_usd"} {
				add(k, p, n, v[4])
			}
			add(k, p, "high_tech_in_usd", v[5])
			add(k, p, "supporting_in_usd", v[6])
			add(k, p, "workers", v[7])
			add(k, p, "workers_foreign", v[8])
		})
	query(`SELECT `+key+`, `+period("a.adjusted_on")+`, p.origin, lower(a.currency), count(*)::text, sum(a.amount)::text,
	              sum(a.amount_usd)::text, sum(a.amount_usd) FILTER (WHERE e.high_tech)::text,
	              sum(a.amount_usd) FILTER (WHERE e.supporting_industry)::text
	         FROM project_adjustments a JOIN projects p ON p.id = a.project_id`+join+`
	        WHERE a.amount > 0 AND `+strings.ReplaceAll(where, "p.irc_date", "a.adjusted_on")+` GROUP BY 1, 2, 3, 4`,
		func(k, p string, v []string) {
			origin, cur := v[0], v[1]
			add(k, p, "adjustments_"+origin, v[2])
			add(k, p, "adjustments", v[2])
			add(k, p, "added_"+origin+"_"+cur, v[3])
			for _, n := range []string{"added_" + origin + "_in_usd", origin + "_in_usd", "capital_in_usd"} {
				add(k, p, n, v[4])
			}
			add(k, p, "high_tech_in_usd", v[5])
			add(k, p, "supporting_in_usd", v[6])
		})
	if !quarterly {
		query(`WITH first AS (SELECT r.id, r.enterprise_id, (SELECT p.zone_id FROM projects p WHERE p.enterprise_id = r.enterprise_id
		                                                   AND NOT EXISTS (SELECT 1 FROM projects o WHERE o.enterprise_id = p.enterprise_id
		                                                                      AND (o.irc_date, o.id) < (p.irc_date, p.id))) AS zone_id
		                         FROM enterprise_reports r)
		       SELECT `+key+`, r.year::text, sum(r.export_usd)::text, sum(r.budget_vnd)::text
		         FROM enterprise_reports r JOIN first p ON p.id = r.id AND p.zone_id IS NOT NULL`+join+`
		        WHERE `+strings.ReplaceAll(where, "p.irc_date", "make_date(r.year, 1, 1)")+` GROUP BY 1, 2`,
			func(k, p string, v []string) {
				add(k, p, "exports_usd", v[0])
				add(k, p, "budget_vnd", v[1])
			})
	}
	return out
}

// itemFigures reads an item's figures by their JSON names: counts as
// numbers, money as the value of its Amount (absent when withheld).
func itemFigures(t *testing.T, it stats.InvestmentItem) map[string]*big.Rat {
	t.Helper()
	b, err := json.Marshal(it)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	out := map[string]*big.Rat{}
	for name, v := range m {
		var s string
		switch v := v.(type) {
		case float64:
			if strings.HasSuffix(name, "_pct") || strings.HasPrefix(name, "plan_") || name == "year" || name == "quarter" {
				continue
			}
			s = fmt.Sprint(v)
		case map[string]any:
			if v["value"] == nil {
				continue
			}
			s = v["value"].(string)
		default:
			continue
		}
		r, ok := new(big.Rat).SetString(s)
		if !ok {
			t.Fatalf("%s: %q", name, s)
		}
		out[name] = r
	}
	return out
}

// compareInvestment checks every item and total of an exact answer
// against the oracle: each figure equal, zero where the oracle has none.
func compareInvestment(t *testing.T, label string, got *stats.Investment, want map[string]map[string]map[string]*big.Rat, group string) {
	t.Helper()
	seen := map[[2]string]bool{}
	for _, it := range append(slices.Clone(got.Items), got.Totals...) {
		if it.Group != group {
			continue
		}
		seen[[2]string{it.Key, it.Period}] = true
		w := want[it.Key][it.Period]
		figs := itemFigures(t, it)
		for name, v := range figs {
			exp := w[name]
			if exp == nil {
				exp = new(big.Rat)
			}
			if v.Cmp(exp) != 0 {
				t.Errorf("%s: %s %q %s: %s = %s, SQL says %s", label, group, it.Key, it.Period, name, v.FloatString(2), exp.FloatString(2))
			}
		}
		for name := range w {
			if _, ok := figs[name]; !ok {
				t.Errorf("%s: %s %q %s: %s missing", label, group, it.Key, it.Period, name)
			}
		}
	}
	for k, periods := range want {
		for p := range periods {
			if !seen[[2]string{k, p}] {
				t.Errorf("%s: %s %q %s: in SQL, not in the answer", label, group, k, p)
			}
		}
	}
	if len(seen) == 0 {
		t.Errorf("%s: no %s items", label, group)
	}
}

// Every aggregate of /stats/investment, exact (the ministry reader's and
// admins' view), against SQL written in the test: every grouping, yearly
// and quarterly, filtered by board, zone, province, kind and period; on
// the seed (internal/seed's synthetic enterprises, projects and reports),
// then with the fixture's more irregular data added.
func TestInvestmentCrossCheck(t *testing.T) {
	db := seeded(t)
	pool := db.Pool()
	var projects int
	if err := pool.QueryRow(context.Background(), `SELECT count(*) FROM projects`).Scan(&projects); err != nil || projects == 0 {
		t.Fatalf("the seed has %d projects (%v)", projects, err)
	}
	crossCheck(t, db, "seed")
	investFixture(t, db)
	crossCheck(t, db, "seed and fixture")
}

func crossCheck(t *testing.T, db *postgis.DB, label string) {
	pool := db.Pool()
	ctx := context.Background()
	svc := stats.New(db, stats.Options{})
	start := time.Now()
	groups := []string{"all", "country", "sector", "board", "province", "kind"}
	var tSvc, tOracle, tCmp time.Duration
	for _, c := range []struct {
		q     stats.InvestmentQuery
		where string
		args  []any
	}{
		{stats.InvestmentQuery{}, "true", nil},
		{stats.InvestmentQuery{By: "quarter"}, "true", nil},
		{stats.InvestmentQuery{Board: "hepza", From: "2021", To: "2023"}, "z.board_id = $1 AND p.irc_date >= '2021-01-01' AND p.irc_date < '2024-01-01'", []any{"hepza"}},
		{stats.InvestmentQuery{By: "quarter", Province: "hai phong", From: "2020-Q2", To: "2024-Q3"},
			"z.province = $1 AND p.irc_date >= '2020-04-01' AND p.irc_date < '2024-10-01'", []any{"Hải Phòng"}},
		{stats.InvestmentQuery{Zone: "SHTP"}, "z.code = $1", []any{"SHTP"}},
		{stats.InvestmentQuery{Kind: "export_processing_zone", To: "2022"}, "z.kind = $1 AND p.irc_date < '2023-01-01'", []any{"export_processing_zone"}},
	} {
		q := c.q
		q.Groups = groups
		t0 := time.Now()
		got, err := svc.Investment(ctx, q, stats.Confidential, nil)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		tSvc += time.Since(t0)
		for _, g := range groups {
			t1 := time.Now()
			want := investOracle(t, pool, g, q.By == "quarter", c.where, c.args...)
			tOracle += time.Since(t1)
			t2 := time.Now()
			compareInvestment(t, fmt.Sprintf("%s %+v", label, c.q), got, want, g)
			tCmp += time.Since(t2)
		}
	}
	t.Logf("%s: 6 series x 6 groupings in %v: service %v, SQL oracle %v, comparison %v", label, time.Since(start), tSvc, tOracle, tCmp)
}

// addLone writes one enterprise (its country's only one, high-tech, section J)
// with one project of capital usd in KCN-HIEP-PHUOC (a HEPZA industrial
// park: the fixture's HEPZA zones are export processing zones) on day,
// and returns its capital in US dollars as the database computed it, and
// its country.
func addLone(t *testing.T, pool *pgxpool.Pool, day string, usd string) (*big.Rat, string) {
	t.Helper()
	var got, country string
	if err := pool.QueryRow(context.Background(), `SELECT c FROM unnest(ARRAY['IS', 'LI', 'MT', 'EE', 'LU']) AS c
		WHERE NOT EXISTS (SELECT 1 FROM enterprises WHERE country = c) LIMIT 1`).Scan(&country); err != nil {
		t.Fatal(err)
	}
	if err := pool.QueryRow(context.Background(), `
		WITH e AS (INSERT INTO enterprises (board_id, name_vi, country, vsic, high_tech)
		           VALUES ('hepza', 'Doanh nghiệp riêng', $3, '6201', true) RETURNING id)
		INSERT INTO projects (irc_number, irc_date, enterprise_id, zone_id, name_vi, origin, currency, capital, rate, rate_date, workers_vn)
		SELECT 'IRC-LONE', $1::date, e.id, z.id, 'Dự án riêng', 'fdi', 'USD', $2::numeric, 25000, $1::date, 40
		  FROM e, zones z WHERE z.code = 'KCN-HIEP-PHUOC'
		RETURNING capital_usd::text`, day, usd, country).Scan(&got); err != nil {
		t.Fatal(err)
	}
	r, _ := new(big.Rat).SetString(got)
	return r, country
}

// amountOf reads a published figure and its uncertainty: the value and
// the rounding unit (0 when exact), ok false when withheld.
func amountOf(a stats.Amount) (v, unit *big.Rat, ok bool) {
	if a.Value == nil {
		return nil, nil, false
	}
	v, _ = new(big.Rat).SetString(*a.Value)
	unit = new(big.Rat)
	if a.Rounding != nil {
		unit.SetString(*a.Rounding)
	}
	return v, unit, true
}

// checkDifference compares the public figures of two answers whose exact
// figures differ by one enterprise's part (the exact answers tell how
// much): wherever both are published, what their difference tells of that
// part must be an interval at least as wide as the part (U + U' >= |d|),
// so the part is never given, not even to its own size. It returns how
// many pairs were both published (the rule's rounding was exercised).
func checkDifference(t *testing.T, label string, pubA, pubB, exA, exB stats.InvestmentItem) int {
	t.Helper()
	both := 0
	a, b := investAmounts(pubA), investAmounts(pubB)
	ea, eb := investAmounts(exA), investAmounts(exB)
	for name := range a {
		xa, _, _ := amountOf(ea[name])
		xb, _, _ := amountOf(eb[name])
		d := new(big.Rat).Sub(xa, xb)
		if d.Sign() == 0 {
			continue
		}
		va, ua, okA := amountOf(a[name])
		vb, ub, okB := amountOf(b[name])
		if !okA || !okB {
			continue
		}
		both++
		width := new(big.Rat).Add(ua, ub)
		if width.Cmp(new(big.Rat).Abs(d)) < 0 {
			t.Errorf("%s: %s: public %s − %s (units %s, %s) pins the enterprise's %s",
				label, name, va.FloatString(2), vb.FloatString(2), ua.FloatString(0), ub.FloatString(0), d.FloatString(2))
		}
	}
	return both
}

// investAmounts are an item's money figures by JSON name.
func investAmounts(it stats.InvestmentItem) map[string]stats.Amount {
	b, _ := json.Marshal(it)
	var m map[string]json.RawMessage
	json.Unmarshal(b, &m) //nolint:errcheck // our own JSON
	out := map[string]stats.Amount{}
	for name, raw := range m {
		var a stats.Amount
		if len(raw) > 0 && raw[0] == '{' && json.Unmarshal(raw, &a) == nil && a.Disclosure != "" {
			out[name] = a
		}
	}
	return out
}

// The difference attacks on the public investment figures (on the seed
// and the fixture), around one enterprise that is alone in its year, its
// zone's kind and its country:
// year A..B minus A..B-1, the board minus a group of its zones, the
// enterprise's own groups; and the board's own people see the board's
// figures exactly, but not the sums that hold another board's.
func TestInvestmentDifferencing(t *testing.T) {
	db := seeded(t)
	investFixture(t, db)
	pool := db.Pool()
	ctx := context.Background()
	svc := stats.New(db, stats.Options{})
	x, country := addLone(t, pool, "2026-03-12", "64800000.00")
	answer := func(q stats.InvestmentQuery, a stats.Audience) *stats.Investment {
		t.Helper()
		got, err := svc.Investment(ctx, q, a, nil)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		return got
	}
	total := func(inv *stats.Investment, group, key string) stats.InvestmentItem {
		t.Helper()
		for _, it := range inv.Totals {
			if it.Group == group && it.Key == key {
				return it
			}
		}
		t.Fatalf("no total %s %q", group, key)
		return stats.InvestmentItem{}
	}
	published := 0
	for _, pair := range []struct {
		label string
		a, b  stats.InvestmentQuery
	}{
		{"2019..2026 minus 2019..2025", stats.InvestmentQuery{Board: "hepza", From: "2019", To: "2026"}, stats.InvestmentQuery{Board: "hepza", From: "2019", To: "2025"}},
		{"every year minus all but 2026", stats.InvestmentQuery{}, stats.InvestmentQuery{To: "2025"}},
		{"HEPZA minus its export processing zones", stats.InvestmentQuery{Board: "hepza"}, stats.InvestmentQuery{Board: "hepza", Kind: "export_processing_zone"}},
	} {
		pa, pb := answer(pair.a, stats.Public), answer(pair.b, stats.Public)
		ea, eb := answer(pair.a, stats.Confidential), answer(pair.b, stats.Confidential)
		if d := new(big.Rat).Sub(mustRat(t, total(ea, "all", "").FDIInUSD), mustRat(t, total(eb, "all", "").FDIInUSD)); d.Cmp(x) != 0 {
			t.Fatalf("%s: the exact difference is %s, not the lone enterprise's %s", pair.label, d.FloatString(2), x.FloatString(2))
		}
		published += checkDifference(t, pair.label, total(pa, "all", ""), total(pb, "all", ""), total(ea, "all", ""), total(eb, "all", ""))
	}
	if published == 0 {
		t.Error("no pair of figures was published in both answers: the test exercised no rounding")
	}
	// The enterprise's own groups: its year, its zone's kind within the
	// board, its country, its zone: withheld for the public (one enterprise).
	for _, c := range []struct {
		q          stats.InvestmentQuery
		group, key string
		period     string
	}{
		{stats.InvestmentQuery{Board: "hepza"}, "all", "", "2026"},
		{stats.InvestmentQuery{Board: "hepza", Groups: []string{"kind"}}, "kind", "industrial_park", "total"},
		{stats.InvestmentQuery{Groups: []string{"country"}}, "country", country, "total"},
		{stats.InvestmentQuery{Zone: "KCN-HIEP-PHUOC"}, "all", "", "total"},
	} {
		for _, it := range append(answer(c.q, stats.Public).Items, answer(c.q, stats.Public).Totals...) {
			if it.Group != c.group || it.Key != c.key || it.Period != c.period {
				continue
			}
			for name, a := range investAmounts(it) {
				if v, _, ok := amountOf(a); ok && v.Sign() != 0 {
					t.Errorf("%+v %s %s: %s is published (%s) for one enterprise", c.q, c.key, c.period, name, *a.Value)
				}
			}
			if it.ProjectsNew != 1 || it.Workers != 40 {
				t.Errorf("%+v: projects %d, workers %d: counts and workers are public", c.q, it.ProjectsNew, it.Workers)
			}
		}
	}
	// HEPZA's people see HEPZA's figures exactly, the others' as the
	// public does.
	hepza := stats.BoardsAudience("hepza")
	own, conf := answer(stats.InvestmentQuery{Board: "hepza", Groups: []string{"all", "country"}}, hepza),
		answer(stats.InvestmentQuery{Board: "hepza", Groups: []string{"all", "country"}}, stats.Confidential)
	if b1, b2 := jsonOf(t, own), jsonOf(t, conf); b1 != b2 {
		t.Error("HEPZA's own figures are not exact to HEPZA's people")
	}
	// Across boards, a figure is exact to them only when HEPZA's zones
	// alone contribute to it (it equals HEPZA's own), else as public.
	q := stats.InvestmentQuery{Groups: []string{"all", "board"}}
	mixed, pub, conf := answer(q, hepza), answer(q, stats.Public), answer(q, stats.Confidential)
	hepzaOnly := investAmounts(total(conf, "board", "hepza"))
	exactElsewhere := 0
	for i, it := range mixed.Totals {
		p, c := investAmounts(pub.Totals[i]), investAmounts(conf.Totals[i])
		for name, a := range investAmounts(it) {
			want := p[name]
			if it.Group == "board" && it.Key == "hepza" || a.Disclosure == stats.DisclosureExact && c[name].Disclosure == stats.DisclosureExact &&
				*c[name].Value == *hepzaOnly[name].Value && it.Group == "all" {
				want = c[name]
			}
			if it.Group == "all" && want == c[name] && *c[name].Value != "0" {
				exactElsewhere++
			}
			if jsonOf(t, a) != jsonOf(t, want) {
				t.Errorf("%s %q %s: HEPZA's people see %s, want %s", it.Group, it.Key, name, jsonOf(t, a), jsonOf(t, want))
			}
		}
	}
	if mixed.Totals[0].CapitalInUSD.Disclosure == stats.DisclosureExact {
		t.Error("every board's capital is exact to HEPZA's people")
	}
	t.Logf("%d figures of every board's total are HEPZA's alone, so exact to HEPZA", exactElsewhere)
}

func mustRat(t *testing.T, a stats.Amount) *big.Rat {
	t.Helper()
	v, _, ok := amountOf(a)
	if !ok {
		t.Fatalf("withheld: %+v", a)
	}
	return v
}

func jsonOf(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Percent of plan: plan_targets' investment_usd and projects (migration
// 0017) for the series' scope, per year; a board's targets on its group
// of group=board; none by quarter or for a zone.
func TestInvestmentPlan(t *testing.T) {
	db := seeded(t)
	investFixture(t, db)
	pool := db.Pool()
	ctx := context.Background()
	svc := stats.New(db, stats.Options{})
	if _, err := pool.Exec(ctx, `INSERT INTO plan_targets (scope, scope_id, year, investment_usd, projects) VALUES
		('all', '', 2022, 250000000, 20), ('board', 'hepza', 2023, 80000000.50, NULL), ('board', 'deza', 2023, NULL, 4),
		('province', 'Hải Phòng', 2023, 1000000, 1)`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO plan_targets (scope, scope_id, year, hectares) VALUES ('all', '', 2023, 10)`); err != nil {
		t.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `INSERT INTO plan_targets (scope, scope_id, year) VALUES ('all', '', 2024)`); err == nil {
		t.Error("a plan target without any target was accepted")
	}
	pct := func(got *float64, num float64, den float64) bool {
		return got != nil && near(*got, num/den*100)
	}
	item := func(inv *stats.Investment, group, key, period string) stats.InvestmentItem {
		for _, it := range inv.Items {
			if it.Group == group && it.Key == key && it.Period == period {
				return it
			}
		}
		t.Fatalf("no %s %q %s", group, key, period)
		return stats.InvestmentItem{}
	}
	all, err := svc.Investment(ctx, stats.InvestmentQuery{Groups: []string{"all", "board"}}, stats.Confidential, nil)
	if err != nil {
		t.Fatal(err)
	}
	if all.PlanScope != "all" {
		t.Errorf("plan scope %q", all.PlanScope)
	}
	y22 := item(all, "all", "", "2022")
	c22, _ := y22.CapitalInUSD.Float()
	if !pct(y22.PlanInvestmentPct, c22, 250000000) || !pct(y22.PlanProjectsPct, float64(y22.ProjectsNew), 20) || *y22.PlanProjects != 20 {
		t.Errorf("2022 of plan: %v %v", y22.PlanInvestmentPct, y22.PlanProjectsPct)
	}
	if y23 := item(all, "all", "", "2023"); y23.PlanInvestmentUSD != nil || y23.PlanProjectsPct != nil {
		t.Errorf("2023 has only a hectares target, yet %v %v", y23.PlanInvestmentUSD, y23.PlanProjectsPct)
	}
	h23 := item(all, "board", "hepza", "2023")
	c23, _ := h23.CapitalInUSD.Float()
	if !pct(h23.PlanInvestmentPct, c23, 80000000.50) || h23.PlanProjectsPct != nil {
		t.Errorf("HEPZA 2023 of plan: %v %v", h23.PlanInvestmentPct, h23.PlanProjectsPct)
	}
	if d23 := item(all, "board", "deza", "2023"); !pct(d23.PlanProjectsPct, float64(d23.ProjectsNew), 4) || d23.PlanInvestmentPct != nil {
		t.Errorf("DEZA 2023 of plan: %v %v", d23.PlanInvestmentPct, d23.PlanProjectsPct)
	}
	// A public caller's percentage is of the figure it sees: of the
	// rounded figure, none of a withheld one.
	if _, err := pool.Exec(ctx, `INSERT INTO plan_targets (scope, scope_id, year, investment_usd)
		SELECT 'all', '', y, 1e8 FROM generate_series(2019, 2021) AS y`); err != nil {
		t.Fatal(err)
	}
	pub, err := svc.Investment(ctx, stats.InvestmentQuery{From: "2019", To: "2022"}, stats.Public, nil)
	if err != nil {
		t.Fatal(err)
	}
	rounded := 0
	for _, p := range pub.Items {
		target := map[int]float64{2019: 1e8, 2020: 1e8, 2021: 1e8, 2022: 250000000}[p.Year]
		switch v, ok := p.CapitalInUSD.Float(); {
		case !ok && p.PlanInvestmentPct != nil:
			t.Errorf("public %s: %v of plan of a withheld figure", p.Period, *p.PlanInvestmentPct)
		case ok && !pct(p.PlanInvestmentPct, v, target):
			t.Errorf("public %s: %v of plan, want %v / %v", p.Period, p.PlanInvestmentPct, v, target)
		case ok:
			rounded++
		}
	}
	if rounded == 0 {
		t.Error("no public year had a published capital: the percentage of a rounded figure was not tried")
	}
	hp, err := svc.Investment(ctx, stats.InvestmentQuery{Province: "hai phong", From: "2023", To: "2023"}, stats.Confidential, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := item(hp, "all", "", "2023"); hp.PlanScope != "province" || p.PlanProjects == nil || *p.PlanProjects != 1 {
		t.Errorf("Hải Phòng 2023: scope %q, plan %v", hp.PlanScope, p.PlanProjects)
	}
	for _, q := range []stats.InvestmentQuery{{By: "quarter"}, {Zone: "SHTP"}, {Kind: "industrial_park"}} {
		inv, err := svc.Investment(ctx, q, stats.Confidential, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range inv.Items {
			if it.PlanInvestmentUSD != nil || it.PlanProjects != nil || inv.PlanScope != "" {
				t.Errorf("%+v %s: a plan applies", q, it.Period)
			}
		}
	}
}
