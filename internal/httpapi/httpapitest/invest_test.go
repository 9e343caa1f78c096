package httpapitest_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestInvestmentOnFakes runs the investment collections over the
// in-memory store, no database: a project written by the board's planner
// with its equivalents (zonegis.Equivalents, pinned to PostgreSQL's in the
// postgis tests), its capital null to the public, a parcel of another zone
// refused, bad input a 400 problem naming the field, the list filtered.
func TestInvestmentOnFakes(t *testing.T) {
	a := newAPI(t)
	r := a.do("POST", "/collections/enterprises/items", a.planner, "",
		`{"type":"Feature","geometry":null,"properties":{"board_id":"hepza","name_vi":"Công ty May","country":"KR","vsic":"1410","contact":"x@y.kr"}}`)
	a.want(r, http.StatusCreated)
	ent := a.id(r)
	body := func(parcel int64, capital string) string {
		return fmt.Sprintf(`{"type":"Feature","properties":{"irc_number":"IRC-%s","irc_date":"2024-01-05","enterprise_id":%d,"zone_id":%d,"name_vi":"Nhà máy may",
			"origin":"fdi","currency":"VND","capital":%s,"rate":"24300","rate_date":"2024-01-05","parcel_ids":[%d]}}`, capital, ent, a.zone, capital, parcel)
	}
	r = a.do("POST", "/collections/projects/items", a.planner, "", body(a.parcel, "243000000000"))
	a.want(r, http.StatusCreated)
	if !strings.Contains(string(r.body), `"capital_usd":10000000.00`) || !strings.Contains(string(r.body), `"capital_vnd":243000000000`) {
		t.Fatalf("created: %s", r.body)
	}
	pub := a.do("GET", fmt.Sprintf("/collections/projects/items/%d", a.id(r)), "", "", "")
	a.want(pub, http.StatusOK)
	if strings.Contains(string(pub.body), `"capital_vnd":243000000000`) || !strings.Contains(string(pub.body), `"capital":null`) || !strings.Contains(string(pub.body), `"capital_usd":null`) {
		t.Fatalf("public: %s", pub.body)
	}
	a.problem(a.do("POST", "/collections/projects/items", a.planner, "", body(999, "1")), http.StatusBadRequest, zonegis.EINVALID, "parcel_ids")
	a.problem(a.do("POST", "/collections/projects/items", a.planner, "", strings.Replace(body(a.parcel, "2"), `"VND"`, `"EUR"`, 1)),
		http.StatusBadRequest, zonegis.EINVALID, "currency")
	a.problem(a.do("POST", "/collections/projects/items", "", "", body(a.parcel, "3")), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
	// What a caller sees depends on who it is: no shared cache may keep it.
	if cc := pub.header.Get("Cache-Control"); cc != "private" {
		t.Errorf("item Cache-Control %q, want private", cc)
	}
	req := httptest.NewRequest("GET", fmt.Sprintf("/collections/projects/items/%d", a.id(r)), nil)
	req.Header.Set("If-None-Match", pub.header.Get("ETag"))
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	if w.Code != http.StatusNotModified || pub.header.Get("ETag") == "" {
		t.Errorf("If-None-Match %q: status %d, want 304", pub.header.Get("ETag"), w.Code)
	}
	list := a.do("GET", "/collections/projects/items?country=KR&vsic_section=C", "", "", "")
	a.want(list, http.StatusOK)
	if cc := list.header.Get("Cache-Control"); cc != "private" {
		t.Errorf("items Cache-Control %q, want private", cc)
	}
	csv := a.do("GET", "/collections/projects/export?f=csv", "", "", "")
	a.want(csv, http.StatusOK)
	if !strings.HasPrefix(string(csv.body), "\uFEFFid,") || csv.header.Get("Cache-Control") != "private" || !strings.HasPrefix(csv.header.Get("Content-Type"), "text/csv") {
		t.Errorf("export: %v %.80q", csv.header, csv.body)
	}
	if !strings.Contains(string(list.body), `"numberMatched":1`) {
		t.Fatalf("list: %s", list.body)
	}
	// datetime selects by the last change (updated_at); a bbox selects no
	// feature without geometry; both are checked as the land records' are.
	for q, want := range map[string]string{"datetime=../2000-01-01": `"numberMatched":0`, "datetime=2000-01-01/..": `"numberMatched":1`,
		"bbox=100,8,110,24": `"numberMatched":0`, "datetime=../..": `"numberMatched":1`} {
		if r := a.do("GET", "/collections/projects/items?country=KR&"+q, "", "", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), want) {
			t.Errorf("%s: %d %.200s; want %s", q, r.status, r.body, want)
		}
	}
	a.problem(a.do("GET", "/collections/enterprises/items?datetime=yesterday", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "datetime")
	a.problem(a.do("GET", "/collections/enterprises/items?bbox=1,2,3", "", "", ""), http.StatusBadRequest, zonegis.EINVALID, "bbox")
	none := a.do("GET", "/collections/projects/items?country=JP", "", "", "")
	if !strings.Contains(string(none.body), `"numberMatched":0`) {
		t.Fatalf("list JP: %s", none.body)
	}
}
