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
		query(`WITH first AS (SELECT DISTINCT ON (enterprise_id) enterprise_id, zone_id FROM projects ORDER BY enterprise_id, irc_date, id)
		       SELECT `+key+`, r.year::text, sum(r.export_usd)::text, sum(r.budget_vnd)::text
		         FROM enterprise_reports r JOIN first p ON p.enterprise_id = r.enterprise_id`+join+`
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
	seen := 0
	for _, it := range append(slices.Clone(got.Items), got.Totals...) {
		if it.Group != group {
			continue
		}
		seen++
		w := want[it.Key][it.Period]
		for name, v := range itemFigures(t, it) {
			exp := w[name]
			if exp == nil {
				exp = new(big.Rat)
			}
			if v.Cmp(exp) != 0 {
				t.Errorf("%s: %s %q %s: %s = %s, SQL says %s", label, group, it.Key, it.Period, name, v.FloatString(2), exp.FloatString(2))
			}
		}
		for name := range w {
			if _, ok := itemFigures(t, it)[name]; !ok {
				t.Errorf("%s: %s %q %s: %s missing", label, group, it.Key, it.Period, name)
			}
		}
	}
	for k, periods := range want {
		for p := range periods {
			found := false
			for _, it := range append(slices.Clone(got.Items), got.Totals...) {
				found = found || it.Group == group && it.Key == k && it.Period == p
			}
			if !found {
				t.Errorf("%s: %s %q %s: in SQL, not in the answer", label, group, k, p)
			}
		}
	}
	if seen == 0 {
		t.Errorf("%s: no %s items", label, group)
	}
}

// Every aggregate of /stats/investment, exact (the ministry reader's and
// admins' view), against SQL written in the test: every grouping, yearly
// and quarterly, filtered by board, zone, province, kind and period.
func TestInvestmentCrossCheck(t *testing.T) {
	db := seeded(t)
	investFixture(t, db)
	pool := db.Pool()
	ctx := context.Background()
	svc := stats.New(db, stats.Options{})
	start := time.Now()
	groups := []string{"all", "country", "sector", "board", "province", "kind"}
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
		got, err := svc.Investment(ctx, q, stats.Confidential)
		if err != nil {
			t.Fatalf("%+v: %v", q, err)
		}
		for _, g := range groups {
			compareInvestment(t, fmt.Sprintf("%+v", c.q), got, investOracle(t, pool, g, q.By == "quarter", c.where, c.args...), g)
		}
	}
	t.Logf("6 series x 6 groupings in %v", time.Since(start))
}
