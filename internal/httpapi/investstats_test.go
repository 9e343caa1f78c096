package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"math/big"
	"net/http"
	"strings"
	"testing"
)

// GET /stats/investment over HTTP; the figures themselves are
// cross-checked against SQL in package stats (TestInvestmentCrossCheck).

// investItem is an item of /stats/investment as the JSON has it.
type investItem map[string]any

func (it investItem) amount(name string) (string, string) {
	a, _ := it[name].(map[string]any)
	v, _ := a["value"].(string)
	d, _ := a["disclosure"].(string)
	return v, d
}

type investDoc struct {
	Items  []investItem `json:"items"`
	Totals []investItem `json:"totals"`
}

// investHTTPFixture: HEPZA's 2025 as a board might report it (beside the
// seed's) — three Japanese and one New Zealand FDI project (that one
// registered in đồng, and the only New Zealand enterprise),
// three Vietnamese domestic ones in đồng and one in dollars, in VSIC
// sections C and J; and, to be left out, a 2024 project, a 2025 one of
// another board and a capital increase of 2026.
func investHTTPFixture(t *testing.T, e *writeEnv) {
	t.Helper()
	if _, err := e.pool.Exec(context.Background(), `
	WITH e(n, country, vsic, zone) AS (VALUES
	  (1, 'JP', '2610', 'KCX-TAN-THUAN'), (2, 'JP', '2610', 'KCX-TAN-THUAN'), (3, 'JP', '2599', 'KCX-LINH-TRUNG-1'),
	  (4, 'NZ', '2610', 'KCX-TAN-THUAN'), (5, 'VN', '6201', 'KCX-LINH-TRUNG-1'), (6, 'VN', '6201', 'KCX-TAN-THUAN'),
	  (7, 'VN', '6202', 'KCX-TAN-THUAN'), (8, 'VN', '1410', 'KCX-LINH-TRUNG-1'), (9, 'SG', '2610', 'SHTP')),
	ins AS (
	  INSERT INTO enterprises (board_id, name_vi, country, vsic)
	  SELECT z.board_id, 'DN ' || e.n, e.country, e.vsic FROM e JOIN zones z ON z.code = e.zone RETURNING id, name_vi)
	INSERT INTO projects (irc_number, irc_date, enterprise_id, zone_id, name_vi, origin, currency, capital, rate, rate_date)
	SELECT 'T-' || p.n || '-' || p.d, p.d::date, ins.id, z.id, 'DA ' || p.n, p.origin, p.cur, p.capital, p.rate, p.d::date
	  FROM (VALUES
	    (1, '2025-02-03', 'fdi', 'USD', 9500000.50, 25100),
	    (2, '2025-05-20', 'fdi', 'USD', 8500000.00, 25300),
	    (3, '2025-11-30', 'fdi', 'USD', 9000000.00, 25400),
	    (4, '2025-07-01', 'fdi', 'VND', 240000000000.00, 24000),
	    (5, '2025-03-15', 'domestic', 'VND', 50000000000.00, 25000),
	    (6, '2025-09-09', 'domestic', 'VND', 75000000000.00, 25000),
	    (7, '2025-12-31', 'domestic', 'VND', 120000000000.00, 25000),
	    (8, '2025-04-04', 'domestic', 'USD', 2000000.00, 25000),
	    (1, '2024-12-31', 'fdi', 'USD', 99000000.00, 24000),
	    (9, '2025-06-06', 'fdi', 'USD', 7000000.00, 25000)) AS p(n, d, origin, cur, capital, rate)
	  JOIN e ON e.n = p.n JOIN ins ON ins.name_vi = 'DN ' || p.n JOIN zones z ON z.code = e.zone;
	INSERT INTO project_adjustments (project_id, currency, adjusted_on, amount, rate, rate_date)
	SELECT id, currency, '2026-01-10', 5000000, 25500, '2026-01-10' FROM projects WHERE irc_number = 'T-1-2025-02-03'`); err != nil {
		t.Fatal(err)
	}
}

// The done-when question of issue 18, in one request: FDI vs domestic
// projects and capital, by country and by VSIC section, for a board and a
// year, in both currencies — checked figure by figure against SQL written
// here, exact to the board's people; public counts the same, money
// disclosed; the CSV the same figures.
func TestStatsInvestmentOneRequest(t *testing.T) {
	e := seededWriteEnv(t)
	investHTTPFixture(t, e)
	const path = "/stats/investment?board=hepza&from=2025&to=2025&group=all,country,sector"
	var exact, public investDoc
	r := e.send(t, http.MethodGet, path, e.planner, nil)
	if r.status != http.StatusOK || json.Unmarshal(r.body, &exact) != nil {
		t.Fatalf("GET %s: %d %.300s", path, r.status, r.body)
	}
	if r.header.Get("Cache-Control") != "private" {
		t.Errorf("an answer with exact figures is %q, not private", r.header.Get("Cache-Control"))
	}
	e.getJSON(t, path, &public)
	key := map[string]string{"all": "''", "country": "e.country", "sector": "d.section"}
	figures := map[string]string{
		"projects_new_fdi": "count(*) FILTER (WHERE p.origin = 'fdi')", "projects_new_domestic": "count(*) FILTER (WHERE p.origin = 'domestic')",
		"new_fdi_usd":      "sum(p.capital) FILTER (WHERE p.origin = 'fdi' AND p.currency = 'USD')",
		"new_fdi_vnd":      "sum(p.capital) FILTER (WHERE p.origin = 'fdi' AND p.currency = 'VND')",
		"new_domestic_usd": "sum(p.capital) FILTER (WHERE p.origin = 'domestic' AND p.currency = 'USD')",
		"new_domestic_vnd": "sum(p.capital) FILTER (WHERE p.origin = 'domestic' AND p.currency = 'VND')",
		"new_fdi_in_usd":   "sum(p.capital_usd) FILTER (WHERE p.origin = 'fdi')", "new_domestic_in_usd": "sum(p.capital_usd) FILTER (WHERE p.origin = 'domestic')",
	}
	checked := 0
	for g, k := range key {
		for name, expr := range figures {
			rows, err := e.pool.Query(context.Background(), `SELECT `+k+`, coalesce(`+expr+`, 0)::text
			  FROM projects p JOIN enterprises e ON e.id = p.enterprise_id JOIN zones z ON z.id = p.zone_id
			  JOIN vsic_divisions d ON d.code = e.vsic_division
			 WHERE z.board_id = 'hepza' AND p.irc_date BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY 1`)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{}
			for rows.Next() {
				var kv, v string
				if err := rows.Scan(&kv, &v); err != nil {
					t.Fatal(err)
				}
				want[kv] = v
			}
			rows.Close()
			for _, k := range map[string][]string{"all": {""}, "country": {"JP", "NZ", "VN"}, "sector": {"C", "J"}}[g] {
				if _, ok := want[k]; !ok {
					t.Fatalf("%s: no group %q in %v", g, k, want)
				}
			}
			for kv, w := range want {
				it := findItem(t, exact.Items, g, kv, "2025")
				got := ""
				if strings.HasPrefix(name, "projects_") {
					got = big.NewRat(int64(it[name].(float64)), 1).FloatString(0)
				} else {
					got, _ = it.amount(name)
				}
				if !sameDecimal(got, w) {
					t.Errorf("%s %q %s = %q, SQL says %s", g, kv, name, got, w)
				}
				if pub := findItem(t, public.Items, g, kv, "2025"); strings.HasPrefix(name, "projects_") && pub[name] != it[name] {
					t.Errorf("public %s %q %s = %v, not %v: counts are public", g, kv, name, pub[name], it[name])
				}
				checked++
			}
		}
	}
	if checked < 6*len(figures) {
		t.Errorf("checked %d figures", checked)
	}
	// Public: New Zealand's one project is one enterprise's: withheld;
	// every figure published is within half its unit of the exact one.
	if v, d := findItem(t, public.Items, "country", "NZ", "2025").amount("new_fdi_vnd"); v != "" || d != "withheld: fewer than 3 enterprises" {
		t.Errorf("New Zealand's one project in public: %q %s", v, d)
	}
	rounded := 0
	for i, it := range public.Items {
		for _, name := range []string{"new_fdi_usd", "new_fdi_vnd", "new_fdi_in_usd", "new_domestic_usd", "new_domestic_vnd", "new_domestic_in_usd"} {
			v, d := it.amount(name)
			x, _ := exact.Items[i].amount(name)
			if d != "rounded" {
				continue
			}
			rounded++
			unit, _ := new(big.Rat).SetString(it[name].(map[string]any)["rounding"].(string))
			diff := new(big.Rat).Sub(mustRatHTTP(t, v), mustRatHTTP(t, x))
			if diff.Abs(diff).Cmp(unit.Mul(unit, big.NewRat(1, 2))) > 0 {
				t.Errorf("public %s %q %s: %s is not the exact %s rounded", it["group"], it["key"], name, v, x)
			}
		}
	}
	if rounded == 0 {
		t.Error("no public figure was rounded")
	}
	// CSV: the same figures, one row per item and total.
	r = e.send(t, http.MethodGet, path+"&f=csv&bom=true", e.planner, nil)
	if r.status != http.StatusOK || !bytes.HasPrefix(r.body, []byte("\xef\xbb\xbf")) || r.contentType() != "text/csv; charset=utf-8" {
		t.Fatalf("CSV: %d %s %.100q", r.status, r.contentType(), r.body)
	}
	rows, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(r.body, []byte("\xef\xbb\xbf")))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1+len(exact.Items)+len(exact.Totals) {
		t.Fatalf("CSV: %d rows for %d items and %d totals", len(rows), len(exact.Items), len(exact.Totals))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, it := range append(exact.Items, exact.Totals...) {
		for _, name := range []string{"new_fdi_usd", "new_domestic_vnd", "capital_in_usd"} {
			v, d := it.amount(name)
			if rows[i+1][col[name]] != v || rows[i+1][col[name+"_disclosure"]] != d || rows[i+1][col["key"]] != it["key"] {
				t.Errorf("CSV row %d %s: %q %q, JSON %q %q", i+1, name, rows[i+1][col[name]], rows[i+1][col[name+"_disclosure"]], v, d)
			}
		}
	}
}

// Bad parameters are 400 problems naming the parameter.
func TestStatsInvestmentBadInput(t *testing.T) {
	e := seededWriteEnv(t)
	for q, name := range map[string]string{
		"group=country,nation": "group", "group=country,country": "group", "by=month": "by", "from=2025-Q2": "from",
		"by=quarter&to=2025-Q5": "to", "from=25": "from", "from=2026&to=2025": "from", "board=nope": "board",
		"zone=NO-SUCH-ZONE": "zone", "province=atlantis": "province", "kind=castle": "kind", "f=xlsx": "f",
		"by=quarter&from=1900&to=2200": "from", "sector=C": "sector",
	} {
		r := e.do(t, http.MethodGet, "/stats/investment?"+q, nil, nil)
		var p struct{ Detail string }
		if r.status != http.StatusBadRequest || r.contentType() != "application/problem+json" || json.Unmarshal(r.body, &p) != nil ||
			!strings.Contains(p.Detail, name) {
			t.Errorf("%s: %d %s %.200s, want a 400 problem naming %s", q, r.status, r.contentType(), r.body, name)
		}
	}
}

func findItem(t *testing.T, items []investItem, group, key, period string) investItem {
	t.Helper()
	for _, it := range items {
		if it["group"] == group && it["key"] == key && it["period"] == period {
			return it
		}
	}
	t.Fatalf("no item %s %q %s", group, key, period)
	return nil
}

func mustRatHTTP(t *testing.T, s string) *big.Rat {
	t.Helper()
	r, ok := new(big.Rat).SetString(s)
	if !ok {
		t.Fatalf("not a decimal: %q", s)
	}
	return r
}

func sameDecimal(a, b string) bool {
	x, ok1 := new(big.Rat).SetString(a)
	y, ok2 := new(big.Rat).SetString(b)
	return ok1 && ok2 && x.Cmp(y) == 0
}
