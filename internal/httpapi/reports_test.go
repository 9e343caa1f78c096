package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// reportsEnv is a peopleEnv with an enterprise on each board (hepza's and
// haiphong's) and a report of each for 2024.
type reportsEnv struct {
	*peopleEnv
	ent     map[string]int64 // enterprise id by board
	reports map[string]int64 // 2024 report id by board
}

func dec(s string) *zonegis.Decimal { d := zonegis.Decimal(s); return &d }

func newReportsEnv(t *testing.T) *reportsEnv {
	t.Helper()
	ctx := context.Background()
	e := &reportsEnv{peopleEnv: newPeopleEnv(t), ent: map[string]int64{}, reports: map[string]int64{}}
	for i, b := range []string{"hepza", "haiphong"} {
		en := &zonegis.Enterprise{BoardID: b, NameVI: "Công ty thử " + b, Country: "JP", VSIC: "2610"}
		if err := e.db.CreateEnterprise(ctx, zonegis.System, en); err != nil {
			t.Fatal(err)
		}
		e.ent[b] = en.ID
		w := int32(100 + i)
		r := &zonegis.EnterpriseReport{EnterpriseID: en.ID, Year: 2024, RevenueVND: dec(fmt.Sprint(5000000000 * (i + 1))),
			ExportUSD: dec("120000.50"), BudgetVND: dec("70000000"), WorkersVN: &w}
		probs, err := e.db.CreateEnterpriseReports(ctx, zonegis.System, []*zonegis.EnterpriseReport{r}, false,
			func(*zonegis.EnterpriseReport) error { return nil })
		if err != nil || len(probs) > 0 {
			t.Fatal(err, probs)
		}
		e.reports[b] = r.ID
	}
	return e
}

// as sends a request with key ("" for the public).
func (e *reportsEnv) as(t *testing.T, key, method, path string, body []byte, header ...string) response {
	t.Helper()
	h := map[string]string{}
	if key != "" {
		h["Authorization"] = "Bearer " + key
	}
	for i := 0; i+1 < len(header); i += 2 {
		h[header[i]] = header[i+1]
	}
	return e.do(t, method, path, bytes.NewReader(body), h)
}

type reportPage struct {
	NumberMatched int `json:"numberMatched"`
	Features      []struct {
		ID         int64           `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	} `json:"features"`
}

func (e *reportsEnv) page(t *testing.T, key, query string) reportPage {
	t.Helper()
	r := e.as(t, key, http.MethodGet, "/collections/enterprise-reports/items"+query, nil)
	if r.status != http.StatusOK || r.header.Get("Cache-Control") != "private" {
		t.Fatalf("items%s as %q: %d %q %.300s", query, key, r.status, r.header.Get("Cache-Control"), r.body)
	}
	var p reportPage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func (p reportPage) ids() []int64 {
	var out []int64
	for _, f := range p.Features {
		out = append(out, f.ID)
	}
	return out
}

// TestEnterpriseReportsConfidential: a report's figures are shown to the
// roles of its enterprise's board, the ministry reader and admins, and to
// no one else (null, withheld), in the items and the item; and a filter or
// a sort on a figure the caller does not see gives the same answer
// whatever that figure is, so the difference of two answers around a
// change of it reveals nothing (while a caller who sees it is answered by
// it: the filters work).
func TestEnterpriseReportsConfidential(t *testing.T) {
	e := newReportsEnv(t)
	hp := e.reports["haiphong"] // hidden from HEPZA's people and the public
	for role, sees := range map[string][]string{"public": nil, "viewer": {"hepza"}, "planner": {"hepza"}, "board_admin": {"hepza"},
		"ministry": {"hepza", "haiphong"}, "admin": {"hepza", "haiphong"}} {
		p := e.page(t, e.keys[role], "")
		if p.NumberMatched != 2 || len(p.Features) != 2 {
			t.Fatalf("%s: %d of %d reports", role, len(p.Features), p.NumberMatched)
		}
		for _, f := range p.Features {
			board := f.Properties["board_id"].(string)
			want := slices.Contains(sees, board)
			if string(f.Geometry) != "null" || (f.Properties["revenue_vnd"] != nil) != want || f.Properties["withheld"] != !want ||
				(f.Properties["workers_vn"] != nil) != want || (f.Properties["export_usd"] != nil) != want {
				t.Errorf("%s sees %s's report as %v (want figures: %v)", role, board, f.Properties, want)
			}
		}
		r := e.as(t, e.keys[role], http.MethodGet, fmt.Sprintf("/collections/enterprise-reports/items/%d", hp), nil)
		var one struct{ Properties map[string]any }
		if err := json.Unmarshal(r.body, &one); err != nil || r.status != 200 || r.header.Get("ETag") == "" {
			t.Fatalf("%s item: %d %s", role, r.status, r.body)
		}
		if (one.Properties["revenue_vnd"] != nil) != slices.Contains(sees, "haiphong") {
			t.Errorf("%s sees the Hải Phòng report as %v", role, one.Properties)
		}
	}
	// Around a change of the hidden revenue (10 billion → 3 billion VND),
	// every filtered or sorted answer to those who do not see it is the same.
	queries := []string{"?min_revenue_vnd=4000000000", "?max_revenue_vnd=4000000000", "?min_revenue_vnd=0",
		"?sortby=-revenue_vnd", "?sortby=revenue_vnd", "?min_workers_vn=0&sortby=-workers_vn", "?max_budget_vnd=1&year=2024"}
	before := map[string]string{}
	answers := func(key string) map[string]string {
		out := map[string]string{}
		for _, q := range queries {
			p := e.page(t, key, q)
			out[q] = fmt.Sprint(p.NumberMatched, p.ids())
		}
		return out
	}
	for _, role := range []string{"public", "viewer", "planner", "admin"} {
		for q, a := range answers(e.keys[role]) {
			before[role+q] = a
		}
	}
	r := e.as(t, e.admin, http.MethodPatch, fmt.Sprintf("/collections/enterprise-reports/items/%d", hp),
		[]byte(`{"type":"Feature","geometry":null,"properties":{"revenue_vnd":3000000000,"workers_vn":5,"budget_vnd":0}}`),
		"Content-Type", "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	changed := 0
	for _, role := range []string{"public", "viewer", "planner", "admin"} {
		for q, a := range answers(e.keys[role]) {
			if a != before[role+q] {
				if role != "admin" {
					t.Errorf("%s: %s answered %s before and %s after a change of a figure it does not see", role, q, before[role+q], a)
				}
				changed++
			}
		}
	}
	if changed == 0 {
		t.Error("no answer to the admin changed with the figure: the filters and sorts do not filter")
	}
	// Hidden figures pass no bound: the public matches nothing by revenue.
	if p := e.page(t, "", "?min_revenue_vnd=0"); p.NumberMatched != 0 {
		t.Errorf("the public matched %d reports by revenue", p.NumberMatched)
	}
}

// TestEnterpriseReportsWrites: Part 4 through the generic routes: create
// (201, Location, ETag), replace and patch with If-Match, delete; only
// the roles that write the enterprise's board; bad input is a 4xx
// problem naming the member.
func TestEnterpriseReportsWrites(t *testing.T) {
	e := newReportsEnv(t)
	body := fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"enterprise_id":%d,"year":2025,"revenue_vnd":"987654321000","import_usd":15.25}}`, e.ent["hepza"])
	ct := []string{"Content-Type", "application/geo+json"}
	r := e.as(t, e.keys["viewer"], http.MethodPost, "/collections/enterprise-reports/items", []byte(body), ct...)
	wantProblem(t, r, http.StatusForbidden, "", "hepza")
	r = e.as(t, e.keys["planner"], http.MethodPost, "/collections/enterprise-reports/items", []byte(body), ct...)
	if r.status != http.StatusCreated || r.header.Get("Location") == "" || r.header.Get("ETag") != `"1"` {
		t.Fatalf("create: %d %v %s", r.status, r.header, r.body)
	}
	loc := r.header.Get("Location")
	var rev string
	e.scalar(t, `SELECT revenue_vnd::text FROM enterprise_reports WHERE enterprise_id = $1 AND year = 2025`, []any{e.ent["hepza"]}, &rev)
	if rev != "987654321000" {
		t.Fatalf("stored revenue %s", rev)
	}
	r = e.as(t, e.keys["planner"], http.MethodPost, "/collections/enterprise-reports/items", []byte(body), ct...)
	wantProblem(t, r, http.StatusConflict, "", "2025")
	r = e.as(t, e.keys["planner"], http.MethodPatch, loc, []byte(`{"type":"Feature","properties":{"export_usd":"1.5"}}`), append(ct, "If-Match", `"7"`)...)
	wantProblem(t, r, http.StatusPreconditionFailed, "", "")
	r = e.as(t, e.keys["planner"], http.MethodPatch, loc, []byte(`{"type":"Feature","properties":{"export_usd":"1.5","revenue_vnd":null}}`), append(ct, "If-Match", `"1"`)...)
	if r.status != http.StatusOK || !strings.Contains(string(r.body), `"export_usd":1.5`) || !strings.Contains(string(r.body), `"revenue_vnd":null`) {
		t.Fatalf("patch: %d %s", r.status, r.body)
	}
	// Another board's enterprise is not the planner's to write.
	other := fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"enterprise_id":%d,"year":2025}}`, e.ent["haiphong"])
	wantProblem(t, e.as(t, e.keys["planner"], http.MethodPost, "/collections/enterprise-reports/items", []byte(other), ct...), http.StatusForbidden, "", "haiphong")
	for bad, field := range map[string]string{
		`{"type":"Feature","properties":{"enterprise_id":1,"year":"2025"}}`:                             "properties.year",
		`{"type":"Feature","properties":{"year":2025}}`:                                                 "properties.enterprise_id",
		`{"type":"Feature","properties":{"enterprise_id":1,"year":2025,"revenue":5}}`:                   "properties.revenue",
		`{"type":"Feature","properties":{"enterprise_id":1,"year":2025,"export_usd":"abc"}}`:            "export_usd",
		`{"type":"Feature","properties":{"enterprise_id":1,"year":2025,"workers_vn":-3}}`:               "workers_vn",
		`{"type":"Feature","properties":{"enterprise_id":999999,"year":2025}}`:                          "enterprise_id",
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}`:            "geometry",
		fmt.Sprintf(`{"type":"Feature","properties":{"enterprise_id":%d,"year":1900}}`, e.ent["hepza"]): "year",
	} {
		r := e.as(t, e.admin, http.MethodPost, "/collections/enterprise-reports/items", []byte(bad), ct...)
		if r.status < 400 || r.status >= 500 {
			t.Errorf("%s: %d %s", bad, r.status, r.body)
			continue
		}
		wantProblem(t, r, r.status, "", field)
	}
	wantProblem(t, e.as(t, "", http.MethodGet, "/collections/enterprise-reports/items?sortby=revenue", nil), http.StatusBadRequest, "", "sortby")
	wantProblem(t, e.as(t, "", http.MethodGet, "/collections/enterprise-reports/items?min_revenue_vnd=lots", nil), http.StatusBadRequest, "", "min_revenue_vnd")
	wantProblem(t, e.as(t, "", http.MethodGet, "/collections/enterprise-reports/items?bbox=1,2,3", nil), http.StatusBadRequest, "", "bbox")
	wantProblem(t, e.as(t, "", http.MethodGet, "/collections/enterprise-reports/items?datetime=soon", nil), http.StatusBadRequest, "", "datetime")
	if r := e.as(t, "", http.MethodGet, "/collections/enterprise-reports/items?bbox=100,8,110,24", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"numberMatched":0`) {
		t.Errorf("bbox: %d %.200s; want 200 and none (a report has no geometry)", r.status, r.body)
	}
	if r := e.as(t, "", http.MethodGet, "/collections/enterprise-reports/items?datetime=../2000-01-01", nil); r.status != http.StatusOK || !strings.Contains(string(r.body), `"numberMatched":0`) {
		t.Errorf("datetime before any change: %d %.200s; want 200 and none", r.status, r.body)
	}
	if r := e.as(t, e.keys["planner"], http.MethodDelete, loc, nil); r.status != http.StatusNoContent {
		t.Fatalf("delete: %d %s", r.status, r.body)
	}
	var n int
	e.scalar(t, `SELECT count(*) FROM audit_log WHERE collection = 'enterprise-reports'`, nil, &n)
	if n != 3+2 { // create, patch, delete; the two of the env (as system)
		t.Errorf("%d audit rows of enterprise reports", n)
	}
}

// TestEnterpriseReportsImport imports reports from a CSV and from the
// same rows as an XLSX spreadsheet made by GDAL's ogr2ogr (XLSX driver)
// through POST /collections/enterprise-reports/import: one report a row;
// then a file with bad rows is refused whole, each problem naming its row
// and column, and nothing of it is written.
func TestEnterpriseReportsImport(t *testing.T) {
	e := newReportsEnv(t)
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	count := func() int {
		var n int
		e.scalar(t, `SELECT count(*) FROM enterprise_reports`, nil, &n)
		return n
	}
	h := e.ent["hepza"]
	good := write("good.csv", fmt.Sprintf("enterprise_id,year,revenue_vnd,export_usd,import_usd,budget_vnd,workers_vn,workers_foreign\n"+
		"%d,2021,1000000000,50000.25,20000,30000000,80,2\n%d,2022,1100000000,,,,85,\n", h, h))
	xlsx := filepath.Join(dir, "good.xlsx")
	csv2 := write("good2.csv", fmt.Sprintf("enterprise_id,year,revenue_vnd,export_usd,workers_vn\n%d,2023,1200000000,61000.75,90\n", h))
	if out, err := exec.Command("ogr2ogr", "-f", "XLSX", xlsx, csv2).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v: %s", err, out)
	}
	post := func(path, query, ctype string) response {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return e.as(t, e.keys["planner"], http.MethodPost, "/collections/enterprise-reports/import"+query, b, "Content-Type", ctype)
	}
	imported := func(r response) int {
		var rep struct{ Imported int }
		if err := json.Unmarshal(r.body, &rep); err != nil {
			t.Fatal(err)
		}
		return rep.Imported
	}
	r := post(good, "?format=csv", "text/csv")
	if r.status != http.StatusCreated || imported(r) != 2 {
		t.Fatalf("CSV import: %d %s", r.status, r.body)
	}
	r = post(xlsx, "", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	if r.status != http.StatusCreated || imported(r) != 1 {
		t.Fatalf("XLSX import: %d %s", r.status, r.body)
	}
	var got string
	e.scalar(t, `SELECT string_agg(concat_ws('|', year, revenue_vnd, export_usd, import_usd, budget_vnd, workers_vn, workers_foreign), ';' ORDER BY year)
		FROM enterprise_reports WHERE enterprise_id = $1 AND year < 2024`, []any{h}, &got)
	if want := "2021|1000000000|50000.25|20000.00|30000000|80|2;2022|1100000000|85;2023|1200000000|61000.75|90"; got != want {
		t.Errorf("imported rows %q, want %q", got, want)
	}
	n := count()
	bad := write("bad.csv", fmt.Sprintf("enterprise_id,year,revenue_vnd,workers_vn\n"+
		"%d,2019,abc,1\n999999,2019,5,1\n%d,2021,5,1\n%d,2018,5,1\n%d,2018,6,1\n", h, h, h, h))
	r = post(bad, "?format=csv", "text/csv")
	p := wantProblem(t, r, http.StatusBadRequest, "", "")
	text := string(r.body)
	for _, want := range []string{"row 2, revenue_vnd", "row 3, enterprise_id", "row 4, year", "row 6, year", `"skipped":4`} {
		if !strings.Contains(text, want) {
			t.Errorf("refusal lacks %q: %s", want, text)
		}
	}
	_ = p
	if count() != n {
		t.Fatalf("a refused import wrote %d reports", count()-n)
	}
	// A column that is not a report's is refused (nothing the file says is
	// dropped unread), once, at its first row.
	r = post(write("extra.csv", fmt.Sprintf("enterprise_id,year,ghi_chu\n%d,2019,a\n%d,2020,b\n", h, h)), "?format=csv", "text/csv")
	wantProblem(t, r, http.StatusBadRequest, "", "")
	if strings.Count(string(r.body), "ghi_chu: not a column") != 1 || count() != n {
		t.Errorf("unknown column: %s", r.body)
	}
	// The public may not import; a GeoJSON body is not a table.
	b, _ := os.ReadFile(good)
	wantProblem(t, e.as(t, "", http.MethodPost, "/collections/enterprise-reports/import?format=csv", b, "Content-Type", "text/csv"), http.StatusUnauthorized, "", "")
	wantProblem(t, e.as(t, e.keys["planner"], http.MethodPost, "/collections/enterprise-reports/import", []byte(`{"type":"FeatureCollection","features":[]}`),
		"Content-Type", "application/geo+json"), http.StatusBadRequest, "", "format")
}

// TestEnterpriseReportsImportByMST imports reports keyed by the
// enterprise's tax code (mst) instead of enterprise_id, from XLSX
// spreadsheets made by GDAL's ogr2ogr from CSV (the codes keep their
// leading zero as text): a code is resolved within the boards the caller
// may write (hepza's planner: the hepza enterprise, though haiphong's has
// the same code), a file with both columns must agree, and each problem
// (a wrong check digit, a code of no enterprise of the caller's boards, a
// disagreement, neither key) names its row and column; a refused file
// writes nothing.
func TestEnterpriseReportsImportByMST(t *testing.T) {
	e := newReportsEnv(t)
	ctx := context.Background()
	h := e.ent["hepza"]
	other := &zonegis.Enterprise{BoardID: "hepza", NameVI: "Công ty thử hai", Country: "VN", VSIC: "2610", MST: "0100047516"}
	if err := e.db.CreateEnterprise(ctx, zonegis.System, other); err != nil {
		t.Fatal(err)
	}
	for id, mst := range map[int64]string{h: "0100109106", e.ent["haiphong"]: "0100109106"} {
		if _, err := e.db.Pool().Exec(ctx, `UPDATE enterprises SET mst = $2 WHERE id = $1`, id, mst); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.db.Pool().Exec(ctx, `INSERT INTO enterprises (board_id, mst, name_vi, country) VALUES ('haiphong', '0301234562', 'Chỉ ở Hải Phòng', 'VN')`); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	xlsx := func(name, text string) []byte {
		t.Helper()
		csv := filepath.Join(dir, name+".csv")
		if err := os.WriteFile(csv, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		out := filepath.Join(dir, name+".xlsx")
		if b, err := exec.Command("ogr2ogr", "-f", "XLSX", out, csv).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr: %v: %s", err, b)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	post := func(b []byte) response {
		return e.as(t, e.keys["planner"], http.MethodPost, "/collections/enterprise-reports/import", b,
			"Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
	}
	count := func() int {
		var n int
		e.scalar(t, `SELECT count(*) FROM enterprise_reports`, nil, &n)
		return n
	}
	n := count()
	r := post(xlsx("bad", fmt.Sprintf("mst,enterprise_id,year,revenue_vnd\n"+
		"0100109107,,2019,5\n"+ // row 2: wrong check digit
		"0301234562,,2019,5\n"+ // row 3: haiphong's only
		"0100047516,%d,2019,5\n"+ // row 4: another hepza enterprise's code than enterprise_id's
		"0100109106,%d,2017,5\n"+ // row 5: agrees
		",,2016,5\n", h, h))) // row 6: neither key
	wantProblem(t, r, http.StatusBadRequest, "", "")
	for _, want := range []string{"row 2, mst: mst 0100109107 has a wrong check digit", "row 3, mst: no enterprise with tax code 0301234562 in a board you may write",
		fmt.Sprintf("row 4, mst: tax code 0100047516 is enterprise %d, not enterprise_id %d; the two must agree", other.ID, h),
		"row 6, enterprise_id: is required, or mst", `"skipped":4`} {
		if !strings.Contains(string(r.body), want) {
			t.Errorf("refusal lacks %q: %s", want, r.body)
		}
	}
	if strings.Contains(string(r.body), "row 5") || count() != n {
		t.Fatalf("row 5 refused, or %d reports written by a refused import: %s", count()-n, r.body)
	}
	r = post(xlsx("good", "mst,year,revenue_vnd,workers_vn\n0100109106,2019,1500000000,70\n0100047516,2020,900000000,\n"))
	var rep struct{ Imported int }
	if err := json.Unmarshal(r.body, &rep); err != nil || r.status != http.StatusCreated || rep.Imported != 2 {
		t.Fatalf("import by mst: %d %s", r.status, r.body)
	}
	var got string
	e.scalar(t, `SELECT string_agg(concat_ws('|', r.enterprise_id, e.board_id, r.year, r.revenue_vnd, r.workers_vn), ';' ORDER BY r.year)
		FROM enterprise_reports r JOIN enterprises e ON e.id = r.enterprise_id WHERE r.year IN (2019, 2020)`, nil, &got)
	if want := fmt.Sprintf("%d|hepza|2019|1500000000|70;%d|hepza|2020|900000000", h, other.ID); got != want {
		t.Errorf("imported %q, want %q", got, want)
	}
}
