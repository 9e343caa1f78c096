package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os/exec"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestInvestmentCollections writes an enterprise and a project through
// the generic Part 4 routes on real PostGIS and reads them back as OGC API
// collections without geometry: the database's rows and equivalents, the
// confidential figures null to the public and shown to the board's people,
// keyset pages with their next link, ETag and If-Match, bad input as a 400
// problem naming the field, the CSV export, an audit row per write.
func TestInvestmentCollections(t *testing.T) {
	e := newWriteEnv(t)
	var parcel int64
	if err := e.db.Pool().QueryRow(t.Context(), `INSERT INTO parcels (zone_id, lot_code, land_use, boundary)
		VALUES ($1, 'INV-1', 'industrial', ST_Multi(ST_MakeEnvelope($2, $3, $4, $5, 4326))) RETURNING id`,
		e.zone.ID, zx0+0.0002, zy0+0.0002, zx0+0.0008, zy0+0.0008).Scan(&parcel); err != nil {
		t.Fatal(err)
	}
	ent := `{"type":"Feature","geometry":null,"properties":{"board_id":"hepza","mst":"0100109106","name_vi":"Công ty TNHH Linh kiện","name_en":"Components Co",
		"country":"jp","vsic":"2610","high_tech":true,"contact":"ceo@example.jp"}}`
	want(t, e.send(t, http.MethodPost, "/collections/enterprises/items", "", ent), http.StatusUnauthorized, "create without key")
	r := e.send(t, http.MethodPost, "/collections/enterprises/items", e.planner, ent)
	want(t, r, http.StatusCreated, "create enterprise")
	var created struct {
		ID         int64          `json:"id"`
		Geometry   any            `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(r.body, &created); err != nil || created.ID == 0 || created.Geometry != nil ||
		created.Properties["country"] != "JP" || created.Properties["vsic_section"] != "C" || r.header.Get("ETag") != `"1"` {
		t.Fatalf("created %s (%v), ETag %q", r.body, err, r.header.Get("ETag"))
	}
	entID := created.ID

	// Bad input: a 400 problem naming the field, nothing written.
	wantProblem(t, e.send(t, http.MethodPost, "/collections/enterprises/items", e.planner,
		`{"type":"Feature","geometry":null,"properties":{"board_id":"hepza","name_vi":"X","country":"VN","mst":"0100109107"}}`),
		http.StatusBadRequest, zonegis.EINVALID, "mst 0100109107 has a wrong check digit")
	wantProblem(t, e.send(t, http.MethodPost, "/collections/enterprises/items", e.planner,
		`{"type":"Feature","geometry":null,"properties":{"board_id":"hepza","name_vi":"X","country":"VN","revenue":3}}`),
		http.StatusBadRequest, zonegis.EINVALID, "properties.revenue: no such property")
	wantProblem(t, e.send(t, http.MethodPost, "/collections/projects/items", e.planner,
		fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"irc_number":"1","irc_date":"2020-02-30","enterprise_id":%d,"zone_id":%d,"name_vi":"P","origin":"fdi","currency":"USD","capital":"1e9","rate":"23000","rate_date":"2020-01-01"}}`, entID, e.zone.ID)),
		http.StatusBadRequest, zonegis.EINVALID, "irc_date: want a date", "capital must be a decimal")
	wantProblem(t, e.send(t, http.MethodPost, "/collections/projects/items", e.planner,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{}}`),
		http.StatusBadRequest, zonegis.EINVALID, "geometry: must be null")
	var n int
	e.scalar(t, `SELECT count(*) FROM enterprises`, nil, &n)
	if n != 1 {
		t.Fatalf("%d enterprises after the refused writes", n)
	}

	proj := fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"irc_number":"2123456789","irc_date":"2021-06-01","enterprise_id":%d,"zone_id":%d,
		"name_vi":"Nhà máy linh kiện","origin":"fdi","currency":"USD","capital":12500000.25,"rate":"23150","rate_date":"2021-06-01",
		"workers_planned_vn":500,"workers_planned_foreign":12,"parcel_ids":[%d],
		"adjustments":[{"on":"2023-03-01","irc_number":"2123456789-A1","amount":"4000000","rate":"23500","rate_date":"2023-03-01"}],
		"disbursements":[{"year":2022,"amount":"6000000","rate":"23200","rate_date":"2022-12-31"}]}}`, entID, e.zone.ID, parcel)
	r = e.send(t, http.MethodPost, "/collections/projects/items", e.planner, proj)
	want(t, r, http.StatusCreated, "create project")
	var p struct {
		ID         int64 `json:"id"`
		Properties struct {
			BoardID     string   `json:"board_id"`
			Capital     *float64 `json:"capital"`
			CapitalVND  *json.Number
			ParcelIDs   []int64 `json:"parcel_ids"`
			Adjustments []struct {
				Amount    *json.Number `json:"amount"`
				AmountVND *json.Number `json:"amount_vnd"`
			} `json:"adjustments"`
		} `json:"properties"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil || p.Properties.BoardID != "hepza" || len(p.Properties.ParcelIDs) != 1 {
		t.Fatalf("created project %s (%v)", r.body, err)
	}
	// The equivalents are the database's, exact.
	var capUSD, capVND, adjVND string
	e.scalar(t, `SELECT p.capital_usd::text, p.capital_vnd::text, a.amount_vnd::text FROM projects p JOIN project_adjustments a ON a.project_id = p.id WHERE p.id = $1`,
		[]any{p.ID}, &capUSD, &capVND, &adjVND)
	if capUSD != "12500000.25" || capVND != "289375005788" || adjVND != "94000000000" {
		t.Fatalf("database: %s USD, %s VND, adjustment %s VND", capUSD, capVND, adjVND)
	}
	if !strings.Contains(string(r.body), `"capital_vnd":289375005788`) {
		t.Fatalf("the answer does not carry the exact VND equivalent: %s", r.body)
	}

	// The public sees no capital and no contact; the board's planner does.
	pub := e.do(t, http.MethodGet, fmt.Sprintf("/collections/projects/items/%d", p.ID), nil, nil)
	want(t, pub, http.StatusOK, "public project")
	if !strings.Contains(string(pub.body), `"capital":null`) || !strings.Contains(string(pub.body), `"amount":null`) ||
		strings.Contains(string(pub.body), "12500000") || strings.Contains(string(pub.body), "289375005788") {
		t.Fatalf("public project shows confidential figures: %s", pub.body)
	}
	if !strings.Contains(string(pub.body), `"workers_planned_vn":500`) {
		t.Fatalf("public project lacks its public fields: %s", pub.body)
	}
	pubE := e.do(t, http.MethodGet, fmt.Sprintf("/collections/enterprises/items/%d", entID), nil, nil)
	if strings.Contains(string(pubE.body), "ceo@example.jp") || !strings.Contains(string(pubE.body), `"contact":null`) {
		t.Fatalf("public enterprise shows its contact: %s", pubE.body)
	}
	own := e.send(t, http.MethodGet, fmt.Sprintf("/collections/projects/items/%d", p.ID), e.planner, nil)
	if !strings.Contains(string(own.body), `"capital":12500000.25`) {
		t.Fatalf("the board's planner does not see the capital: %s", own.body)
	}
	want(t, e.do(t, http.MethodGet, fmt.Sprintf("/collections/projects/items/%d", p.ID), nil, map[string]string{"If-None-Match": `"1"`}),
		http.StatusNotModified, "If-None-Match")

	// PATCH with a stale If-Match is 412; with the right one the status changes.
	wantProblem(t, e.send(t, http.MethodPatch, fmt.Sprintf("/collections/projects/items/%d", p.ID), e.planner,
		`{"type":"Feature","geometry":null,"properties":{"status":"operating"}}`, "If-Match", `"9"`), http.StatusPreconditionFailed, zonegis.EPRECONDITION)
	r = e.send(t, http.MethodPatch, fmt.Sprintf("/collections/projects/items/%d", p.ID), e.planner,
		`{"type":"Feature","geometry":null,"properties":{"status":"operating","workers_vn":480}}`, "If-Match", `"1"`)
	want(t, r, http.StatusOK, "patch project")
	var status string
	var workers, adjustments int
	e.scalar(t, `SELECT status, workers_vn, (SELECT count(*) FROM project_adjustments WHERE project_id = p.id) FROM projects p WHERE id = $1`, []any{p.ID}, &status, &workers, &adjustments)
	if status != "operating" || workers != 480 || adjustments != 1 || r.header.Get("ETag") != `"2"` {
		t.Fatalf("after the patch: %s, %d workers, %d adjustments, ETag %q", status, workers, adjustments, r.header.Get("ETag"))
	}

	// Pages: limit 1 has a next link with after=, which reaches the rest.
	for i := 0; i < 2; i++ {
		want(t, e.send(t, http.MethodPost, "/collections/enterprises/items", e.planner,
			fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"board_id":"hepza","name_vi":"DN %d","country":"KR","vsic":"14"}}`, i)),
			http.StatusCreated, "create another")
	}
	var fc featureCollection
	f1 := e.getJSON(t, "/collections/enterprises/items?limit=2&vsic_section=C", &fc)
	next, ok := fc.link("next")
	if fc.NumberMatched == nil || *fc.NumberMatched != 3 || len(fc.Features) != 2 || !ok || !strings.Contains(next, "after=") || f1.contentType() != "application/geo+json" {
		t.Fatalf("page: matched %v, %d features, next %q", fc.NumberMatched, len(fc.Features), next)
	}
	var rest featureCollection
	e.getJSON(t, next[strings.Index(next, "/collections"):], &rest)
	if len(rest.Features) != 1 {
		t.Fatalf("next page: %d features", len(rest.Features))
	}
	wantProblem(t, e.do(t, http.MethodGet, "/collections/projects/items?origin=foreign", nil, nil), http.StatusBadRequest, zonegis.EINVALID, "origin")
	// OGC API - Features Part 1's bbox and datetime hold here too: no
	// project is in a box (none has geometry); datetime is its last change.
	wantProblem(t, e.do(t, http.MethodGet, "/collections/projects/items?bbox=1,2,3", nil, nil), http.StatusBadRequest, zonegis.EINVALID, "bbox")
	var all struct{ NumberMatched int }
	e.getJSON(t, "/collections/projects/items", &all)
	for q, want := range map[string]int{"bbox=100,8,110,24": 0, "datetime=../2000-01-01": 0, "datetime=2000-01-01/..": all.NumberMatched, "datetime=../..": all.NumberMatched} {
		var page struct{ NumberMatched int }
		e.getJSON(t, "/collections/projects/items?"+q, &page)
		if page.NumberMatched != want {
			t.Errorf("projects ?%s: numberMatched %d, want %d", q, page.NumberMatched, want)
		} else if want == 0 && all.NumberMatched == 0 {
			t.Errorf("no projects to select from")
		}
	}

	// The CSV export, the contact empty to the public.
	csv := e.do(t, http.MethodGet, "/collections/enterprises/export?f=csv", nil, nil)
	want(t, csv, http.StatusOK, "export")
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(string(csv.body), "\uFEFF")), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "id,board_id,mst,") || strings.Contains(string(csv.body), "ceo@example.jp") {
		t.Fatalf("export:\n%s", csv.body)
	}
	wantProblem(t, e.do(t, http.MethodGet, "/collections/enterprises/export?f=gpkg", nil, nil), http.StatusBadRequest, zonegis.EINVALID, "csv only")

	// The lease API: a lease naming the enterprise takes its name and
	// country; one naming a lessee finds or registers its enterprise.
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", parcel), e.planner,
		fmt.Sprintf(`{"enterprise_id":%d,"start":"2021-07-01","end":"2071-07-01","capital_usd":1000}`, entID)), http.StatusCreated, "lease by enterprise")
	var lessee, country string
	var leaseEnt int64
	e.scalar(t, `SELECT lessee, country, enterprise_id FROM leases WHERE parcel_id = $1`, []any{parcel}, &lessee, &country, &leaseEnt)
	if lessee != "Công ty TNHH Linh kiện" || country != "JP" || leaseEnt != entID {
		t.Fatalf("lease by enterprise: %q %q %d", lessee, country, leaseEnt)
	}
	hist := e.do(t, http.MethodGet, fmt.Sprintf("/parcels/%d/leases", parcel), nil, nil)
	if !strings.Contains(string(hist.body), fmt.Sprintf(`"enterprise_id":%d`, entID)) {
		t.Fatalf("lease history lacks enterprise_id: %s", hist.body)
	}

	// GDAL's OGC API - Features driver reads the geometry-less layers
	// (the public's view: capital null).
	requireOGR(t)
	out, err := exec.Command("ogrinfo", "-ro", "-al", "-q", "OAPIF:"+e.url, "projects", "enterprises").CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, out)
	}
	for _, want := range []string{"irc_number (String) = 2123456789", "workers_planned_vn (Integer) = 500", "name_vi (String) = Công ty TNHH Linh kiện", "vsic_section (String) = C"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("ogrinfo lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(string(out), "12500000") || strings.Contains(string(out), "ceo@example.jp") {
		t.Errorf("ogrinfo, as the public, read confidential figures:\n%s", out)
	}

	// Delete: the enterprise is kept while its project refers to it.
	wantProblem(t, e.send(t, http.MethodDelete, fmt.Sprintf("/collections/enterprises/items/%d", entID), e.planner, nil), http.StatusConflict, zonegis.ECONFLICT, "1 projects")
	want(t, e.send(t, http.MethodDelete, fmt.Sprintf("/collections/projects/items/%d", p.ID), e.planner, nil), http.StatusNoContent, "delete project")
	var audits int
	e.scalar(t, `SELECT count(*) FROM audit_log WHERE collection IN ('enterprises','projects') AND board_id = 'hepza'`, nil, &audits)
	if audits != 6 { // 3 enterprises, project create, patch, delete
		t.Fatalf("%d audit rows", audits)
	}
}
