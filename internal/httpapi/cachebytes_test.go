package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/zonegis/zonegis/internal/encode"
)

// TestCachedBytesAfterUpdate: the index caches each record's GeoJSON when
// the record enters it (index.Entry). After a parcel's boundary and a
// zone's name are changed through the API, and so reach the index through
// the follower, every read must give the bytes encoding the database's
// rows from scratch gives: the items pages (bbox, zone and plain), the
// items, the point query; and the exports must equal those of an instance
// that loaded everything afresh. A cache that went stale, or was kept for
// the old record, fails here.
func TestCachedBytesAfterUpdate(t *testing.T) {
	e := newWriteEnv(t)
	ctx := context.Background()
	a := e.createParcel(t, "C-A", 106.701, 10.751, 106.702, 10.752)
	b := e.createParcel(t, "C-B", 106.703, 10.751, 106.704, 10.752)
	reads := []string{
		"/collections/parcels/items",
		"/collections/parcels/items?bbox=106.7,10.75,106.71,10.76",
		fmt.Sprintf("/collections/parcels/items?zone=%d", e.zone.ID),
		"/collections/zones/items",
		"/collections/zones/items?bbox=106.7,10.75,106.71,10.76",
	}
	for _, path := range reads { // the caches of the first versions are in use
		want(t, e.do(t, http.MethodGet, path, nil, nil), http.StatusOK, path)
	}

	// A new boundary for A, a new name for the zone.
	r := e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", a.ID), e.planner,
		map[string]any{"type": "Feature", "geometry": polygon(106.705, 10.755, 106.707, 10.758), "properties": map[string]any{}},
		"If-Match", `"1"`)
	want(t, r, http.StatusOK, "PATCH the parcel's boundary")
	r = e.send(t, http.MethodPatch, fmt.Sprintf("/collections/zones/items/%d", e.zone.ID), e.planner,
		map[string]any{"type": "Feature", "properties": map[string]any{"name_vi": "Khu chế xuất Đổi tên"}},
		"If-Match", e.get(t, "zones", e.zone.ID).header.Get("ETag"))
	want(t, r, http.StatusOK, "PATCH the zone's name")

	// The truth: the rows as the database has them now, encoded afresh.
	parcels, err := e.db.ParcelsByID(ctx, []int64{a.ID, b.ID})
	if err != nil {
		t.Fatal(err)
	}
	zones, err := e.db.ZonesByID(ctx, []int64{e.zone.ID})
	if err != nil {
		t.Fatal(err)
	}
	fresh := map[string][]byte{}
	for _, p := range parcels {
		fresh[fmt.Sprintf("parcels/items/%d", p.ID)] = encode.Parcel(nil, p)
	}
	for _, z := range zones {
		if z.NameVI != "Khu chế xuất Đổi tên" {
			t.Fatalf("zone name in the database %q: the PATCH did not land", z.NameVI)
		}
		fresh[fmt.Sprintf("zones/items/%d", z.ID)] = encode.Zone(nil, z)
	}

	for _, path := range reads {
		r := e.do(t, http.MethodGet, path, nil, nil)
		want(t, r, http.StatusOK, path)
		var fc struct {
			Features []json.RawMessage `json:"features"`
		}
		if err := json.Unmarshal(r.body, &fc); err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		coll := "parcels"
		if bytes.HasPrefix([]byte(path), []byte("/collections/zones")) {
			coll = "zones"
		}
		if len(fc.Features) == 0 {
			t.Fatalf("%s: no features", path)
		}
		for _, f := range fc.Features {
			var id struct{ ID int64 }
			if err := json.Unmarshal(f, &id); err != nil {
				t.Fatal(err)
			}
			if w := fresh[fmt.Sprintf("%s/items/%d", coll, id.ID)]; !bytes.Equal(f, w) {
				t.Errorf("%s: feature %d\n got %s\nwant %s", path, id.ID, f, w)
			}
		}
	}
	// One item: the Feature encoded afresh, then its links.
	for key, w := range fresh {
		r := e.do(t, http.MethodGet, "/collections/"+key, nil, nil)
		want(t, r, http.StatusOK, key)
		if !bytes.HasPrefix(r.body, append(w[:len(w)-1:len(w)-1], `,"links":[`...)) {
			t.Errorf("item %s\n got %s\nwant %s plus links", key, r.body, w)
		}
	}
	// The point query, inside A's new boundary.
	r = e.do(t, http.MethodGet, "/query/at?lon=106.706&lat=10.756", nil, nil)
	want(t, r, http.StatusOK, "query at")
	var at struct {
		Zones   struct{ Features []json.RawMessage } `json:"zones"`
		Parcels struct{ Features []json.RawMessage } `json:"parcels"`
	}
	if err := json.Unmarshal(r.body, &at); err != nil {
		t.Fatal(err)
	}
	if len(at.Zones.Features) != 1 || !bytes.Equal(at.Zones.Features[0], fresh[fmt.Sprintf("zones/items/%d", e.zone.ID)]) {
		t.Errorf("query at: zones %s", at.Zones.Features)
	}
	if len(at.Parcels.Features) != 1 || !bytes.Equal(at.Parcels.Features[0], fresh[fmt.Sprintf("parcels/items/%d", a.ID)]) {
		t.Errorf("query at: parcels %s", at.Parcels.Features)
	}

	// The exports, against an instance that loaded the rows afresh.
	other := startInstance(t, e.db)
	for _, path := range []string{"/collections/parcels/export?f=geojson", "/collections/zones/export?f=geojson",
		"/collections/parcels/export?f=csv", "/collections/zones/export?f=csv"} {
		got := e.do(t, http.MethodGet, path, nil, nil)
		want(t, got, http.StatusOK, path)
		w := e.do(t, http.MethodGet, other+path, nil, nil)
		want(t, w, http.StatusOK, path+" (fresh instance)")
		if !bytes.Equal(got.body, w.body) {
			t.Errorf("%s differs from a fresh load's\n got %s\nwant %s", path, got.body, w.body)
		}
		if !bytes.Contains(got.body, []byte("Đổi tên")) && path == "/collections/zones/export?f=geojson" {
			t.Errorf("%s: no new zone name in %s", path, got.body)
		}
	}
}
