package httpapitest_test

// Handler tests over the in-memory store: no PostGIS, no pgtest (this
// test binary never links it, so it cannot start a cluster). What needs
// the database's own rules (geometry, lineage, statistics, transforms)
// is tested against PostGIS in package httpapi.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

var _ httpapi.Store = (*httpapitest.Store)(nil)

var day = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// api is a server over a fresh fake with a planner, an admin, a zone
// and a parcel in it.
type api struct {
	t              *testing.T
	srv            http.Handler
	store          *httpapitest.Store
	planner, admin string
	zone, parcel   int64
}

func newAPI(t *testing.T) *api {
	t.Helper()
	ix := index.New()
	st := httpapitest.New(ix, day)
	a := &api{t: t, srv: httpapi.New(httpapi.Options{Index: ix, Store: st}), store: st,
		planner: st.AddKey("planner one", zonegis.RolePlanner), admin: st.AddKey("admin one", zonegis.RoleAdmin)}
	st.AddBoard(zonegis.Board{ID: "hepza", NameVI: "Ban quản lý HEPZA", NameEN: "HEPZA", Province: "Thành phố Hồ Chí Minh"})
	r := a.do("POST", "/collections/zones/items", a.planner, "", feature(square(106.70, 10.70, 0.05), map[string]any{
		"code": "KCN-FAKE", "name_vi": "Khu công nghiệp Thử", "name_en": "Test IP", "kind": "industrial_park",
		"province": "Thành phố Hồ Chí Minh", "board_id": "hepza"}))
	a.want(r, http.StatusCreated)
	a.zone = a.id(r)
	r = a.do("POST", "/collections/parcels/items", a.planner, "", feature(square(106.71, 10.71, 0.005), map[string]any{
		"zone_id": a.zone, "lot_code": "A1", "land_use": "industrial"}))
	a.want(r, http.StatusCreated)
	a.parcel = a.id(r)
	return a
}

func square(x, y, d float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][]float64{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

func feature(geom any, props map[string]any) string {
	b, _ := json.Marshal(map[string]any{"type": "Feature", "geometry": geom, "properties": props})
	return string(b)
}

type answer struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request; key "" sends none, ifMatch "" no If-Match.
func (a *api) do(method, path, key, ifMatch, body string) answer {
	a.t.Helper()
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	if ifMatch != "" {
		req.Header.Set("If-Match", ifMatch)
	}
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	return answer{w.Code, w.Header(), w.Body.Bytes()}
}

func (a *api) want(r answer, status int) {
	a.t.Helper()
	if r.status != status {
		a.t.Fatalf("status %d, want %d; body %.400s", r.status, status, r.body)
	}
}

func (a *api) id(r answer) int64 {
	a.t.Helper()
	var f struct{ ID int64 }
	if err := json.Unmarshal(r.body, &f); err != nil || f.ID == 0 {
		a.t.Fatalf("no id in %.300s (%v)", r.body, err)
	}
	return f.ID
}

// problem checks a problem+json answer: status, code and words of the
// detail.
func (a *api) problem(r answer, status int, code string, words ...string) map[string]any {
	a.t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/problem+json" {
		a.t.Fatalf("Content-Type %q, want application/problem+json; body %.300s", ct, r.body)
	}
	var p map[string]any
	if err := json.Unmarshal(r.body, &p); err != nil {
		a.t.Fatal(err)
	}
	if r.status != status || p["status"] != float64(status) || p["code"] != code {
		a.t.Fatalf("problem %v (HTTP %d), want status %d code %q", p, r.status, status, code)
	}
	d, _ := p["detail"].(string)
	for _, w := range words {
		if !strings.Contains(d, w) {
			a.t.Errorf("detail %q does not say %q", d, w)
		}
	}
	return p
}

func TestNoDBWritesAndIfMatch(t *testing.T) {
	a := newAPI(t)
	path := fmt.Sprintf("/collections/parcels/items/%d", a.parcel)
	get := a.do("GET", path, "", "", "")
	a.want(get, http.StatusOK)
	if tag := get.header.Get("ETag"); tag != `"1-available"` {
		t.Fatalf("ETag %s, want \"1-available\"", tag)
	}

	// PATCH with the version read: 200, version 2, visible to the next read.
	r := a.do("PATCH", path, a.planner, `"1-available"`, `{"type":"Feature","properties":{"land_use":"warehouse"}}`)
	a.want(r, http.StatusOK)
	if tag := r.header.Get("ETag"); tag != `"2-available"` {
		t.Errorf("ETag after PATCH %s, want \"2-available\"", tag)
	}
	if g := a.do("GET", path, "", "", ""); !bytes.Contains(g.body, []byte(`"land_use":"warehouse"`)) {
		t.Errorf("read after PATCH: %.300s", g.body)
	}
	// A stale If-Match: 412 with the current version; nothing written.
	p := a.problem(a.do("PATCH", path, a.planner, `"1"`, `{"type":"Feature","properties":{"land_use":"logistics"}}`),
		http.StatusPreconditionFailed, zonegis.EPRECONDITION, "your version 1, current 2")
	if d, _ := p["details"].(map[string]any); d["current_version"] != float64(2) {
		t.Errorf("details %v, want current_version 2", p["details"])
	}
	// Without If-Match the last writer wins.
	a.want(a.do("PUT", path, a.planner, "", feature(square(106.71, 10.71, 0.004), map[string]any{
		"zone_id": a.zone, "lot_code": "A1", "land_use": "logistics"})), http.StatusOK)
	// The body's id must be the URL's.
	a.problem(a.do("PATCH", path, a.planner, "", `{"type":"Feature","id":999,"properties":{}}`),
		http.StatusBadRequest, zonegis.EINVALID, "id:", "URL names feature")
	// A status is not written; it follows from leases.
	a.problem(a.do("PATCH", path, a.planner, "", `{"type":"Feature","properties":{"status":"leased"}}`),
		http.StatusBadRequest, zonegis.EINVALID, "status:")
	// Unknown ids and collections: 404 problems.
	a.problem(a.do("PATCH", "/collections/parcels/items/424242", a.planner, "", `{"type":"Feature","properties":{}}`),
		http.StatusNotFound, zonegis.ENOTFOUND, "424242")
	a.problem(a.do("POST", "/collections/roads/items", a.planner, "", `{}`), http.StatusNotFound, zonegis.ENOTFOUND)
	// A lot code taken: 409.
	a.problem(a.do("POST", "/collections/parcels/items", a.planner, "", feature(square(106.72, 10.72, 0.005),
		map[string]any{"zone_id": a.zone, "lot_code": "A1", "land_use": "industrial"})), http.StatusConflict, zonegis.ECONFLICT, "A1")

	// DELETE: a stale version 412, the zone with a parcel refused, then gone.
	a.problem(a.do("DELETE", path, a.planner, `"2"`, ""), http.StatusPreconditionFailed, zonegis.EPRECONDITION)
	a.problem(a.do("DELETE", fmt.Sprintf("/collections/zones/items/%d", a.zone), a.planner, "", ""),
		http.StatusBadRequest, zonegis.EINVALID, "still has parcels")
	a.want(a.do("DELETE", path, a.planner, `"3"`, ""), http.StatusNoContent)
	a.problem(a.do("GET", path, "", "", ""), http.StatusNotFound, zonegis.ENOTFOUND)
	a.problem(a.do("DELETE", path, a.planner, "", ""), http.StatusNotFound, zonegis.ENOTFOUND)

	// The audit trail (admins) has every write, newest first.
	var audit struct {
		Entries []struct {
			A string `json:"action"`
			K string `json:"key_name"`
		}
	}
	r = a.do("GET", "/audit?collection=parcels", a.admin, "", "")
	a.want(r, http.StatusOK)
	if err := json.Unmarshal(r.body, &audit); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range audit.Entries {
		got = append(got, e.A)
	}
	if strings.Join(got, ",") != "delete,update,update,create" || audit.Entries[0].K != "planner one" {
		t.Errorf("audit %+v, want delete,update,update,create by planner one", audit.Entries)
	}
}

func TestNoDBAuthAndRoles(t *testing.T) {
	a := newAPI(t)
	body := feature(square(106.72, 10.72, 0.005), map[string]any{"zone_id": a.zone, "lot_code": "B1", "land_use": "industrial"})
	r := a.do("POST", "/collections/parcels/items", "", "", body)
	a.problem(r, http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "role planner")
	if r.header.Get("WWW-Authenticate") == "" {
		t.Error("401 without WWW-Authenticate")
	}
	a.problem(a.do("POST", "/collections/parcels/items", "zg_nosuchke_00000000000000000000000000000000", "", body),
		http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "invalid API key")
	// A bad key is refused on public reads too.
	a.problem(a.do("GET", "/collections", "zg_bad", "", ""), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
	a.problem(a.do("GET", "/audit", a.planner, "", ""), http.StatusForbidden, zonegis.EFORBIDDEN, "needs role board_admin on the board, or admin", "planner one")
	a.problem(a.do("GET", "/audit", "", "", ""), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
	a.want(a.do("GET", "/audit", a.admin, "", ""), http.StatusOK)
	a.want(a.do("POST", "/collections/parcels/items", a.admin, "", body), http.StatusCreated) // admin outranks planner
	revoked := a.store.AddKey("gone", zonegis.RolePlanner)
	a.store.RevokeKey(revoked)
	a.problem(a.do("POST", "/collections/parcels/items", revoked, "", body), http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "revoked")
}

func TestNoDBLeasing(t *testing.T) {
	a := newAPI(t)
	leases := fmt.Sprintf("/parcels/%d/leases", a.parcel)
	// Validation: every problem of the lease named.
	a.problem(a.do("POST", leases, a.planner, "", `{"lessee":"","country":"vn"}`), http.StatusBadRequest, zonegis.EINVALID, "lessee", "start is required")
	a.problem(a.do("POST", leases, a.planner, "", `{"lessee":"X","surprise":1}`), http.StatusBadRequest, zonegis.EINVALID, "surprise")
	a.problem(a.do("POST", leases, a.planner, "", `{"lessee":"X","start":"2026-13-01"}`), http.StatusBadRequest, zonegis.EINVALID, `field "start" must be a date YYYY-MM-DD, not "2026-13-01"`)
	a.problem(a.do("POST", leases, a.planner, `"7"`, `{"lessee":"Công ty A","country":"VN","sector":"electronics","start":"2026-01-01","end":"2046-01-01","capital_usd":5e6,"workers":100,"contact":"a@example.com"}`),
		http.StatusPreconditionFailed, zonegis.EPRECONDITION)

	lease := `{"lessee":"Công ty A","country":"VN","sector":"electronics","start":"2026-01-01","end":"2046-01-01","capital_usd":5000000,"workers":100,"contact":"a@example.com"}`
	r := a.do("POST", leases, a.planner, `"1-available"`, lease)
	a.want(r, http.StatusCreated)
	var l struct {
		ID      int64    `json:"id"`
		InForce bool     `json:"in_force"`
		Capital *float64 `json:"capital_usd"`
	}
	if err := json.Unmarshal(r.body, &l); err != nil || !l.InForce || l.Capital == nil || *l.Capital != 5e6 {
		t.Fatalf("lease answer %s (%v)", r.body, err)
	}
	// The parcel is leased in the index at once; a second lease clashes.
	if g := a.do("GET", fmt.Sprintf("/collections/parcels/items/%d", a.parcel), "", "", ""); g.header.Get("ETag") != `"1-leased"` {
		t.Errorf("parcel ETag %s after the lease, want \"1-leased\"", g.header.Get("ETag"))
	}
	a.problem(a.do("POST", leases, a.planner, "", lease), http.StatusConflict, zonegis.ECONFLICT)
	a.problem(a.do("POST", fmt.Sprintf("/parcels/%d/reserve", a.parcel), a.planner, "", ""), http.StatusConflict, zonegis.ECONFLICT, "not available")
	// The public sees the history without capital or contact.
	pub := a.do("GET", leases, "", "", "")
	a.want(pub, http.StatusOK)
	if bytes.Contains(pub.body, []byte("capital_usd")) || bytes.Contains(pub.body, []byte("a@example.com")) {
		t.Errorf("public lease history shows confidential fields: %s", pub.body)
	}
	// Status on a date.
	var st struct {
		Leased bool `json:"leased"`
	}
	r = a.do("GET", fmt.Sprintf("/parcels/%d/status?date=2025-12-31", a.parcel), "", "", "")
	if a.want(r, http.StatusOK); json.Unmarshal(r.body, &st) != nil || st.Leased {
		t.Errorf("status before the lease: %s", r.body)
	}
	a.problem(a.do("GET", fmt.Sprintf("/parcels/%d/status?date=tomorrow", a.parcel), "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "date")
	a.problem(a.do("GET", "/parcels/424242/status", "", "", ""), http.StatusNotFound, zonegis.ENOTFOUND)

	// Ending: a day outside the lease is refused, no body ends it today,
	// a second end clashes; the parcel is available again.
	end := fmt.Sprintf("/leases/%d/end", l.ID)
	a.problem(a.do("POST", end, a.planner, "", `{"ended_on":"2050-01-01"}`), http.StatusBadRequest, zonegis.EINVALID, "ended_on")
	a.want(a.do("POST", end, a.planner, "", ""), http.StatusOK)
	a.problem(a.do("POST", end, a.planner, "", ""), http.StatusConflict, zonegis.ECONFLICT, "already ended")
	a.problem(a.do("POST", "/leases/424242/end", a.planner, "", ""), http.StatusNotFound, zonegis.ENOTFOUND)
	reserve := fmt.Sprintf("/parcels/%d/reserve", a.parcel)
	r = a.do("POST", reserve, a.planner, "", "")
	a.want(r, http.StatusOK)
	if r.header.Get("ETag") != `"1-reserved"` {
		t.Errorf("ETag after reserve %s, want \"1-reserved\"", r.header.Get("ETag"))
	}
	a.want(a.do("POST", fmt.Sprintf("/parcels/%d/release", a.parcel), a.planner, "", ""), http.StatusOK)
	a.problem(a.do("POST", fmt.Sprintf("/parcels/%d/release", a.parcel), a.planner, "", ""), http.StatusConflict, zonegis.ECONFLICT, "not held")
}

func TestNoDBReadsAndServices(t *testing.T) {
	a := newAPI(t)
	for i := range 5 {
		a.want(a.do("POST", "/collections/parcels/items", a.planner, "", feature(square(106.72+float64(i)*0.006, 10.72, 0.005),
			map[string]any{"zone_id": a.zone, "lot_code": fmt.Sprintf("C%d", i), "land_use": "industrial"})), http.StatusCreated)
	}
	// Items over the index, paged.
	var page struct {
		NumberMatched int `json:"numberMatched"`
		Features      []struct{ ID int64 }
		Links         []struct{ Rel, Href string }
	}
	r := a.do("GET", "/collections/parcels/items?limit=4", "", "", "")
	a.want(r, http.StatusOK)
	if err := json.Unmarshal(r.body, &page); err != nil || page.NumberMatched != 6 || len(page.Features) != 4 {
		t.Fatalf("page 1: %.400s (%v)", r.body, err)
	}
	next := ""
	for _, l := range page.Links {
		if l.Rel == "next" {
			next = strings.TrimPrefix(l.Href, "http://example.com")
		}
	}
	r = a.do("GET", next, "", "", "")
	if a.want(r, http.StatusOK); json.Unmarshal(r.body, &page) != nil || len(page.Features) != 2 {
		t.Errorf("page 2 (%s): %.400s", next, r.body)
	}
	a.problem(a.do("GET", "/collections/parcels/items?limit=0", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "limit")
	// Boards, lineage, health from the store.
	if r := a.do("GET", "/boards", "", "", ""); !bytes.Contains(r.body, []byte(`"id":"hepza"`)) {
		t.Errorf("boards: %s", r.body)
	}
	r = a.do("GET", fmt.Sprintf("/parcels/%d/lineage", a.parcel), "", "", "")
	if a.want(r, http.StatusOK); !bytes.Contains(r.body, []byte(`"parents":[]`)) {
		t.Errorf("lineage: %s", r.body)
	}
	if r := a.do("GET", "/healthz", "", "", ""); !bytes.Contains(r.body, []byte(`"database":"ok"`)) {
		t.Errorf("healthz: %s", r.body)
	}
	a.store.PingErr = fmt.Errorf("down")
	if r := a.do("GET", "/healthz", "", "", ""); r.status != http.StatusOK || !bytes.Contains(r.body, []byte(`"status":"degraded"`)) {
		t.Errorf("healthz with the store down: %d %s", r.status, r.body)
	}
	// What only PostGIS can answer is a 503 problem, never a 500.
	a.problem(a.do("GET", "/collections/parcels/export?crs=EPSG:3405", "", "", ""), http.StatusServiceUnavailable, zonegis.EUNAVAILABLE)
}

// TestNoDBStats runs the statistics routes over the fake's figures: the
// zone filter and lookup, groups, leasing by quarter, CSV, and capital
// exact for planners (marked private) but disclosed to the public.
func TestNoDBStats(t *testing.T) {
	a := newAPI(t)
	a.want(a.do("POST", fmt.Sprintf("/parcels/%d/leases", a.parcel), a.planner, "",
		`{"lessee":"Công ty A","country":"VN","sector":"electronics","start":"2026-02-01","end":"2046-01-01","capital_usd":5123456,"workers":100,"contact":"a@example.com"}`),
		http.StatusCreated)
	type zone struct {
		Code       string   `json:"code"`
		Parcels    int64    `json:"parcels"`
		LeasedHa   float64  `json:"leased_ha"`
		LeasableHa float64  `json:"leasable_ha"`
		Leases     int64    `json:"leases_in_force"`
		Capital    *float64 `json:"capital_usd"`
		Disclosure string   `json:"capital_disclosure"`
	}
	var rep struct {
		AsOf  string `json:"as_of"`
		Items []zone `json:"items"`
	}
	r := a.do("GET", "/stats/zones", a.planner, "", "")
	a.want(r, http.StatusOK)
	if err := json.Unmarshal(r.body, &rep); err != nil || rep.AsOf != "2026-06-01" || len(rep.Items) != 1 {
		t.Fatalf("stats/zones: %.500s (%v)", r.body, err)
	}
	z := rep.Items[0]
	if z.Code != "KCN-FAKE" || z.Parcels != 1 || z.Leases != 1 || z.LeasedHa <= 0 || z.LeasedHa != z.LeasableHa ||
		z.Capital == nil || *z.Capital != 5123456 || r.header.Get("Cache-Control") != "private" {
		t.Errorf("planner's zone figures %+v (Cache-Control %q)", z, r.header.Get("Cache-Control"))
	}
	// The public: one lease's capital is not disclosed exactly.
	r = a.do("GET", "/stats/zones", "", "", "")
	if a.want(r, http.StatusOK); json.Unmarshal(r.body, &rep) != nil || len(rep.Items) != 1 ||
		rep.Items[0].Capital != nil && *rep.Items[0].Capital == 5123456 || rep.Items[0].Disclosure == "" || r.header.Get("Cache-Control") == "private" {
		t.Errorf("public zone figures %.500s", r.body)
	}
	// Filters: province ignoring case and diacritics, board, kind.
	for q, n := range map[string]int{"province=thanh%20pho%20ho%20chi%20minh": 1, "board=elsewhere": 0, "kind=industrial_park": 1, "kind=economic_zone": 0} {
		r = a.do("GET", "/stats/zones?"+q, "", "", "")
		if a.want(r, http.StatusOK); json.Unmarshal(r.body, &rep) != nil || len(rep.Items) != n {
			t.Errorf("stats/zones?%s: %d zones, want %d", q, len(rep.Items), n)
		}
	}
	a.problem(a.do("GET", "/stats/zones?kind=castle", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "kind", "castle")
	a.problem(a.do("GET", "/stats/zones?f=xml", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "f")
	a.problem(a.do("GET", "/stats/zones?zone=1", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "zone")
	// One zone by id or code (any case); an unknown one is 404.
	for _, ref := range []string{fmt.Sprint(a.zone), "KCN-FAKE", "kcn-fake"} {
		r = a.do("GET", "/stats/zones/"+ref, "", "", "")
		if a.want(r, http.StatusOK); !bytes.Contains(r.body, []byte(`"code":"KCN-FAKE"`)) || !bytes.Contains(r.body, []byte(`"as_of":"2026-06-01"`)) {
			t.Errorf("stats/zones/%s: %.300s", ref, r.body)
		}
	}
	a.problem(a.do("GET", "/stats/zones/KCN-NONE", "", "", ""), http.StatusNotFound, zonegis.ENOTFOUND, `no zone with id or code "KCN-NONE"`)
	r = a.do("GET", "/stats/zones/KCN-FAKE?f=csv", "", "", "")
	if a.want(r, http.StatusOK); !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.header.Get("Content-Disposition"), "zone-stats-KCN-FAKE.csv") || bytes.Count(r.body, []byte("\n")) != 2 {
		t.Errorf("zone CSV %q %q: %s", r.header.Get("Content-Type"), r.header.Get("Content-Disposition"), r.body)
	}
	// Groups.
	for _, g := range []string{"boards", "provinces", "kinds"} {
		r = a.do("GET", "/stats/"+g, "", "", "")
		if a.want(r, http.StatusOK); !bytes.Contains(r.body, []byte(`"zones":1`)) {
			t.Errorf("stats/%s: %.400s", g, r.body)
		}
	}
	r = a.do("GET", "/stats/provinces?f=csv", "", "", "")
	if a.want(r, http.StatusOK); !strings.Contains(r.header.Get("Content-Disposition"), "province-stats.csv") || !bytes.Contains(r.body, []byte("Thành phố Hồ Chí Minh")) {
		t.Errorf("province CSV: %s", r.body)
	}
	// Leasing by quarter of start.
	var l struct {
		Periods []struct {
			Period string `json:"period"`
			Leases int64  `json:"leases"`
		} `json:"periods"`
	}
	r = a.do("GET", "/stats/leasing?by=quarter&from=2026&to=2026", a.planner, "", "")
	if a.want(r, http.StatusOK); json.Unmarshal(r.body, &l) != nil || len(l.Periods) == 0 || l.Periods[0].Period != "2026-Q1" || l.Periods[0].Leases != 1 {
		t.Errorf("stats/leasing: %.500s", r.body)
	}
	a.problem(a.do("GET", "/stats/leasing?by=week", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "by")
	a.problem(a.do("GET", "/stats/leasing?from=1800", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "from: want a year from 1900 to 2200")
	a.problem(a.do("GET", "/stats/leasing?to=soon", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "to: want a year")
}

// TestNoDBSplitAndMerge splits a parcel in two along a line, merges the
// lots back, and checks the answers, the index, the lineage and the
// refusals (role, If-Match, lots, leased parcels, not adjacent).
func TestNoDBSplitAndMerge(t *testing.T) {
	a := newAPI(t)
	split := fmt.Sprintf("/parcels/%d/split", a.parcel)
	body := func(lots ...string) string {
		var ls []map[string]string
		for _, l := range lots {
			ls = append(ls, map[string]string{"lot_code": l})
		}
		b, _ := json.Marshal(map[string]any{"lots": ls,
			"line": map[string]any{"type": "LineString", "coordinates": [][]float64{{106.7125, 10.70}, {106.7125, 10.72}}}})
		return string(b)
	}
	a.problem(a.do("POST", split, "", "", body("A1-1", "A1-2")), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
	a.problem(a.do("POST", split, a.planner, `"9"`, body("A1-1", "A1-2")), http.StatusPreconditionFailed, zonegis.EPRECONDITION)
	a.problem(a.do("POST", split, a.planner, "", body("A1-1", "A1-2", "A1-3")), http.StatusBadRequest, zonegis.EINVALID, "into 2 pieces, but 3 lots")
	a.problem(a.do("POST", split, a.planner, "", `{"lots":[{"lot_code":"X1"},{"lot_code":"X2"}],"line":{"type":"LineString","coordinates":[[106.0,10.0],[106.0,10.1]]}}`),
		http.StatusBadRequest, zonegis.EINVALID, "does not cut")
	a.problem(a.do("POST", "/parcels/424242/split", a.planner, "", body("A1-1", "A1-2")), http.StatusNotFound, zonegis.ENOTFOUND)

	r := a.do("POST", split, a.planner, `"1-available"`, body("A1-1", "A1-2"))
	a.want(r, http.StatusCreated)
	var fc struct {
		Type     string  `json:"type"`
		Retired  []int64 `json:"retired"`
		Features []struct {
			ID         int64
			Properties struct {
				LotCode string  `json:"lot_code"`
				AreaM2  float64 `json:"area_m2"`
			}
		}
	}
	if err := json.Unmarshal(r.body, &fc); err != nil || fc.Type != "FeatureCollection" || len(fc.Retired) != 1 || fc.Retired[0] != a.parcel ||
		len(fc.Features) != 2 || fc.Features[0].Properties.LotCode != "A1-1" || fc.Features[1].Properties.LotCode != "A1-2" {
		t.Fatalf("split answer: %.600s (%v)", r.body, err)
	}
	west, east := fc.Features[0], fc.Features[1]
	if ratio := west.Properties.AreaM2 / east.Properties.AreaM2; ratio < 0.99 || ratio > 1.01 {
		t.Errorf("the line halves the parcel; lots of %v and %v m²", west.Properties.AreaM2, east.Properties.AreaM2)
	}
	a.problem(a.do("GET", fmt.Sprintf("/collections/parcels/items/%d", a.parcel), "", "", ""), http.StatusNotFound, zonegis.ENOTFOUND)
	a.want(a.do("GET", fmt.Sprintf("/collections/parcels/items/%d", west.ID), "", "", ""), http.StatusOK)
	r = a.do("GET", fmt.Sprintf("/parcels/%d/lineage", a.parcel), "", "", "")
	if a.want(r, http.StatusOK); !bytes.Contains(r.body, []byte(`"current":false`)) || bytes.Count(r.body, []byte(`"op":"split"`)) != 2 {
		t.Errorf("lineage of the retired parcel: %s", r.body)
	}

	// Merge: not adjacent, leased, unknown; then the two lots.
	far := a.do("POST", "/collections/parcels/items", a.planner, "", feature(square(106.74, 10.74, 0.002), map[string]any{
		"zone_id": a.zone, "lot_code": "F1", "land_use": "industrial"}))
	a.want(far, http.StatusCreated)
	merge := func(lot string, ids ...int64) string {
		b, _ := json.Marshal(map[string]any{"ids": ids, "lot_code": lot})
		return string(b)
	}
	a.problem(a.do("POST", "/parcels/merge", a.planner, "", merge("M1", west.ID, a.id(far))), http.StatusBadRequest, zonegis.EINVALID, "not adjacent")
	a.problem(a.do("POST", "/parcels/merge", a.planner, "", merge("M1", west.ID, 424242)), http.StatusNotFound, zonegis.ENOTFOUND)
	a.problem(a.do("POST", "/parcels/merge", "", "", merge("M1", west.ID, east.ID)), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
	r = a.do("POST", "/parcels/merge", a.planner, "", merge("A1", west.ID, east.ID))
	a.want(r, http.StatusCreated)
	var merged struct {
		ID         int64
		Retired    []int64 `json:"retired"`
		Properties struct {
			LotCode string  `json:"lot_code"`
			AreaM2  float64 `json:"area_m2"`
		}
	}
	if err := json.Unmarshal(r.body, &merged); err != nil || len(merged.Retired) != 2 || merged.Properties.LotCode != "A1" ||
		r.header.Get("ETag") != `"1-available"` || !strings.HasSuffix(r.header.Get("Location"), fmt.Sprintf("/collections/parcels/items/%d", merged.ID)) {
		t.Fatalf("merge answer %s %q: %.500s (%v)", r.header.Get("ETag"), r.header.Get("Location"), r.body, err)
	}
	if sum := west.Properties.AreaM2 + east.Properties.AreaM2; merged.Properties.AreaM2 < sum*0.999 || merged.Properties.AreaM2 > sum*1.001 {
		t.Errorf("merged area %v m², want the lots' %v", merged.Properties.AreaM2, sum)
	}
	// A leased parcel can be neither split nor merged.
	a.want(a.do("POST", fmt.Sprintf("/parcels/%d/leases", merged.ID), a.planner, "",
		`{"lessee":"Công ty B","country":"VN","sector":"logistics","start":"2026-01-01","end":"2036-01-01","capital_usd":1,"workers":1,"contact":"b@example.com"}`), http.StatusCreated)
	a.problem(a.do("POST", fmt.Sprintf("/parcels/%d/split", merged.ID), a.planner, "", body("B1", "B2")), http.StatusConflict, zonegis.ECONFLICT, "leased")
}
