package httpapitest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestPart4Declared: /conformance declares OGC API - Features Part 4's
// create-replace-delete, update, optimistic-locking-etags and features
// classes, and each requirement they bring holds: a GeoJSON POST is 201
// with a Location that reads the new feature and its ETag; PUT and PATCH
// are 200 with the new ETag; an If-Match that is not the current ETag is
// 412 and writes nothing; DELETE is 204 and the feature is then 404.
func TestPart4Declared(t *testing.T) {
	a := newAPI(t)
	r := a.do("GET", "/conformance", "", "", "")
	a.want(r, http.StatusOK)
	var conf struct{ ConformsTo []string }
	if err := json.Unmarshal(r.body, &conf); err != nil {
		t.Fatal(err)
	}
	for _, c := range []string{"create-replace-delete", "update", "optimistic-locking-etags", "features"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/"+c) {
			t.Errorf("/conformance does not declare Part 4 %s: %v", c, conf.ConformsTo)
		}
	}

	// /req/features: the body is a GeoJSON Feature sent as application/geo+json.
	req := httptest.NewRequest("POST", "/collections/parcels/items", strings.NewReader(feature(square(106.72, 10.72, 0.004),
		map[string]any{"zone_id": a.zone, "lot_code": "P4", "land_use": "industrial"})))
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Authorization", "Bearer "+a.planner)
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	if w.Code != http.StatusCreated {
		t.Fatalf("POST: %d %s", w.Code, w.Body)
	}
	loc := w.Header().Get("Location")
	path := loc[strings.Index(loc, "/collections/"):]
	get := a.do("GET", path, "", "", "")
	a.want(get, http.StatusOK)
	tag := get.header.Get("ETag")
	if !strings.Contains(string(get.body), `"lot_code":"P4"`) || tag == "" {
		t.Fatalf("GET Location %s: ETag %q, %.300s", loc, tag, get.body)
	}
	// /req/optimistic-locking-etags: a tag other than the current one is 412.
	a.problem(a.do("PUT", path, a.planner, `"99-available"`, feature(square(106.72, 10.72, 0.003),
		map[string]any{"zone_id": a.zone, "lot_code": "P4", "land_use": "industrial"})), http.StatusPreconditionFailed, zonegis.EPRECONDITION)
	r = a.do("PUT", path, a.planner, tag, feature(square(106.72, 10.72, 0.003), map[string]any{"zone_id": a.zone, "lot_code": "P4", "land_use": "logistics"}))
	a.want(r, http.StatusOK)
	if r.header.Get("ETag") == tag || r.header.Get("ETag") == "" {
		t.Errorf("PUT: ETag %q, was %q", r.header.Get("ETag"), tag)
	}
	tag = r.header.Get("ETag")
	a.problem(a.do("PATCH", path, a.planner, `"1-available"`, `{"type":"Feature","properties":{"land_use":"warehouse"}}`), http.StatusPreconditionFailed, zonegis.EPRECONDITION)
	r = a.do("PATCH", path, a.planner, tag, `{"type":"Feature","properties":{"land_use":"warehouse"}}`)
	a.want(r, http.StatusOK)
	if g := a.do("GET", path, "", "", ""); g.header.Get("ETag") != r.header.Get("ETag") || !strings.Contains(string(g.body), `"land_use":"warehouse"`) {
		t.Errorf("GET after PATCH: ETag %q (PATCH said %q), %.300s", g.header.Get("ETag"), r.header.Get("ETag"), g.body)
	}
	a.problem(a.do("DELETE", path, a.planner, tag, ""), http.StatusPreconditionFailed, zonegis.EPRECONDITION)
	a.want(a.do("DELETE", path, a.planner, r.header.Get("ETag"), ""), http.StatusNoContent)
	a.want(a.do("GET", path, "", "", ""), http.StatusNotFound)
}
