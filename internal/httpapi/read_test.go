package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/vntext"
)

// tables maps each collection to its table.
var tables = map[string]string{"zones": "zones", "parcels": "parcels", "green-areas": "green_areas"}

// collectionIDs are the collections with geometry, in the order the API
// lists them; the investment collections (no geometry) follow them.
var collectionIDs = []string{"zones", "parcels", "green-areas"}

// all fetches every item of a collection matching query in one page
// (limit 10000) and checks the page's counts.
func (f *fixture) all(t *testing.T, collection string, query url.Values) featureCollection {
	t.Helper()
	q := url.Values{}
	for k, v := range query {
		q[k] = v
	}
	q.Set("limit", "10000")
	var fc featureCollection
	path := "/collections/" + collection + "/items?" + q.Encode()
	f.getJSON(t, path, &fc)
	if fc.NumberMatched == nil || fc.NumberReturned == nil {
		t.Fatalf("GET %s: numberMatched or numberReturned missing", path)
	}
	if *fc.NumberMatched != len(fc.Features) || *fc.NumberReturned != len(fc.Features) {
		t.Fatalf("GET %s: numberMatched %d, numberReturned %d, %d features; want all equal",
			path, *fc.NumberMatched, *fc.NumberReturned, len(fc.Features))
	}
	return fc
}

func TestReadLanding(t *testing.T) {
	f := seeded(t)
	var doc struct {
		Title string `json:"title"`
		Links []link `json:"links"`
	}
	r := f.getJSON(t, "/", &doc)
	if ct := r.contentType(); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
	rels := map[string]string{}
	for _, l := range doc.Links {
		rels[l.Rel] = l.Href
	}
	for rel, path := range map[string]string{"self": "/", "service-desc": "/api", "conformance": "/conformance", "data": "/collections"} {
		href, ok := rels[rel]
		if !ok {
			t.Errorf("landing page: no %q link in %v", rel, doc.Links)
			continue
		}
		if href != f.url+path {
			t.Errorf("landing page: %s link %q, want %q", rel, href, f.url+path)
		}
		if r := f.do(t, http.MethodGet, href, nil, nil); r.status != http.StatusOK {
			t.Errorf("GET %s (%s link): status %d", href, rel, r.status)
		}
	}
}

func TestReadConformance(t *testing.T) {
	f := seeded(t)
	var doc struct {
		ConformsTo []string `json:"conformsTo"`
	}
	f.getJSON(t, "/conformance", &doc)
	for _, c := range []string{
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
		"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	} {
		if !slices.Contains(doc.ConformsTo, c) {
			t.Errorf("conformsTo %v lacks %s", doc.ConformsTo, c)
		}
	}
}

type collectionDoc struct {
	ID    string `json:"id"`
	Title string `json:"title"`
	Links []link `json:"links"`
}

func TestReadCollections(t *testing.T) {
	f := seeded(t)
	var doc struct {
		Collections []collectionDoc `json:"collections"`
		Links       []link          `json:"links"`
	}
	f.getJSON(t, "/collections", &doc)
	var got []string
	for _, c := range doc.Collections {
		got = append(got, c.ID)
	}
	if want := append(slices.Clone(collectionIDs), "enterprises", "projects", "enterprise-reports"); !slices.Equal(got, want) {
		t.Fatalf("collections %v, want %v", got, want)
	}
	for _, c := range doc.Collections {
		var items string
		for _, l := range c.Links {
			if l.Rel == "items" {
				items = l.Href
				if l.Type != "application/geo+json" {
					t.Errorf("%s: items link type %q", c.ID, l.Type)
				}
			}
		}
		if want := f.url + "/collections/" + c.ID + "/items"; items != want {
			t.Errorf("%s: items link %q, want %q", c.ID, items, want)
		}
		if r := f.do(t, http.MethodGet, items, nil, nil); r.status != http.StatusOK {
			t.Errorf("GET %s: status %d", items, r.status)
		}
		var one collectionDoc
		f.getJSON(t, "/collections/"+c.ID, &one)
		if one.ID != c.ID || one.Title != c.Title || len(one.Links) != len(c.Links) {
			t.Errorf("/collections/%s = %+v, want as listed: %+v", c.ID, one, c)
		}
	}
}

// TestReadItemsDefaultPage checks the first page of every collection: the
// default limit of 100, numberMatched against the database's count, the
// media type and the features' ids in ascending order.
func TestReadItemsDefaultPage(t *testing.T) {
	f := seeded(t)
	for _, c := range collectionIDs {
		var n int
		f.scalar(t, "SELECT count(*) FROM "+tables[c], nil, &n)
		if n == 0 {
			t.Fatalf("%s: the seeded table is empty", c)
		}
		var fc featureCollection
		r := f.getJSON(t, "/collections/"+c+"/items", &fc)
		if ct := r.contentType(); ct != "application/geo+json" {
			t.Errorf("%s: Content-Type %q, want application/geo+json", c, ct)
		}
		if fc.Type != "FeatureCollection" {
			t.Errorf("%s: type %q", c, fc.Type)
		}
		if fc.NumberMatched == nil || *fc.NumberMatched != n {
			t.Errorf("%s: numberMatched %v, want the database's count %d", c, fc.NumberMatched, n)
		}
		want := min(n, 100)
		if fc.NumberReturned == nil || *fc.NumberReturned != want || len(fc.Features) != want {
			t.Errorf("%s: numberReturned %v with %d features, want %d", c, fc.NumberReturned, len(fc.Features), want)
		}
		dbIDs := f.ids(t, "SELECT id FROM "+tables[c]+" ORDER BY id LIMIT 100")
		if got := fc.ids(); !slices.Equal(got, dbIDs) {
			t.Errorf("%s: first page ids %v, want %v", c, head(got), head(dbIDs))
		}
		if _, ok := fc.link("self"); !ok {
			t.Errorf("%s: no self link", c)
		}
		if _, ok := fc.link("next"); ok != (n > 100) {
			t.Errorf("%s: next link present = %v with %d items", c, ok, n)
		}
		if _, ok := fc.link("prev"); ok {
			t.Errorf("%s: prev link on the first page", c)
		}
	}
}

// walk follows rel links from the page at path and returns every page.
func (f *fixture) walk(t *testing.T, path, rel string) []featureCollection {
	t.Helper()
	var pages []featureCollection
	for next := path; ; {
		var fc featureCollection
		f.getJSON(t, next, &fc)
		pages = append(pages, fc)
		if len(pages) > 1000 {
			t.Fatalf("more than 1000 pages following %s links from %s", rel, path)
		}
		href, ok := fc.link(rel)
		if !ok {
			return pages
		}
		next = href
	}
}

// TestReadItemsPaging walks next links through every collection, alone and
// with a filter, and checks every item comes exactly once, in id order,
// numberMatched in total; then walks prev links back from the last page.
func TestReadItemsPaging(t *testing.T) {
	f := seeded(t)
	type walkCase struct {
		collection, query, sql string
	}
	cases := []walkCase{
		{"zones", "", "SELECT id FROM zones ORDER BY id"},
		{"parcels", "", "SELECT id FROM parcels ORDER BY id"},
		{"green-areas", "", "SELECT id FROM green_areas ORDER BY id"},
		{"parcels", "status=available", "SELECT id FROM parcels_now WHERE status = 'available' ORDER BY id"},
		{"zones", "kind=industrial_park", "SELECT id FROM zones WHERE kind = 'industrial_park' ORDER BY id"},
	}
	for _, c := range cases {
		for _, limit := range []int{500, 100, 37, 1} {
			name := fmt.Sprintf("%s?%s&limit=%d", c.collection, c.query, limit)
			if limit == 1 && c.collection != "green-areas" {
				continue // one item a page: only for the smallest collection
			}
			t.Run(name, func(t *testing.T) {
				want := f.ids(t, c.sql)
				path := fmt.Sprintf("/collections/%s/items?limit=%d", c.collection, limit)
				if c.query != "" {
					path += "&" + c.query
				}
				pages := f.walk(t, path, "next")
				var got []int64
				for i, p := range pages {
					if *p.NumberMatched != len(want) {
						t.Errorf("page %d: numberMatched %d, want %d", i, *p.NumberMatched, len(want))
					}
					if *p.NumberReturned != len(p.Features) || len(p.Features) > limit {
						t.Errorf("page %d: numberReturned %d, %d features, limit %d", i, *p.NumberReturned, len(p.Features), limit)
					}
					if i < len(pages)-1 && len(p.Features) != limit {
						t.Errorf("page %d of %d: %d features, want a full page of %d", i, len(pages), len(p.Features), limit)
					}
					got = append(got, p.ids()...)
				}
				if !slices.Equal(got, want) {
					t.Fatalf("walking next links: %s", sameIDs(got, want))
				}
				if !slices.IsSorted(got) {
					t.Errorf("ids not ascending")
				}
				// And back again from the last page.
				last, _ := pages[len(pages)-1].link("self")
				back := f.walk(t, last, "prev")
				var rev []int64
				for i := len(back) - 1; i >= 0; i-- {
					rev = append(rev, back[i].ids()...)
				}
				if !slices.Equal(rev, want) {
					t.Errorf("walking prev links: %s", sameIDs(rev, want))
				}
				// Every link keeps the filter.
				if c.query != "" {
					for _, p := range pages {
						for _, l := range p.Links {
							if !strings.Contains(l.Href, c.query) {
								t.Errorf("%s link %q lost the filter %q", l.Rel, l.Href, c.query)
							}
						}
					}
				}
			})
		}
	}
}

// TestReadItemsBeyondEnd checks an offset past the last item: an empty page
// that still counts every match and links back.
func TestReadItemsBeyondEnd(t *testing.T) {
	f := seeded(t)
	var n int
	f.scalar(t, "SELECT count(*) FROM parcels", nil, &n)
	var fc featureCollection
	f.getJSON(t, "/collections/parcels/items?offset=100000&limit=10", &fc)
	if len(fc.Features) != 0 || *fc.NumberReturned != 0 || *fc.NumberMatched != n {
		t.Errorf("offset past the end: %d features, numberReturned %d, numberMatched %d (want 0, 0, %d)",
			len(fc.Features), *fc.NumberReturned, *fc.NumberMatched, n)
	}
	if _, ok := fc.link("next"); ok {
		t.Errorf("next link past the end")
	}
}

// box is a lon/lat rectangle.
type box struct{ minLon, minLat, maxLon, maxLat float64 }

func (b box) String() string {
	return strings.Join([]string{ff(b.minLon), ff(b.minLat), ff(b.maxLon), ff(b.maxLat)}, ",")
}

func ff(v float64) string { return strconv.FormatFloat(v, 'g', -1, 64) }

// TestReadBBox compares bbox results with PostGIS ST_Intersects (see
// intersectsSQL) on the real zones and their parcels, for random boxes
// around the seeded zones, small boxes inside real zones' bounds (often
// off the zone: OSM outlines are concave), boxes equal to a parcel's own
// bounds, point-sized boxes at a vertex, the 6-number form and an
// antimeridian-crossing box.
func TestReadBBox(t *testing.T) {
	f := seeded(t)
	rng := rand.New(rand.NewPCG(1, 2))
	var boxes []box
	// Around the seeded zones (106.73..106.83 E, 10.74..10.87 N).
	for range 30 {
		cx, cy := 106.70+rng.Float64()*0.15, 10.72+rng.Float64()*0.18
		w, h := 0.0005+rng.Float64()*0.03, 0.0005+rng.Float64()*0.03
		boxes = append(boxes, box{cx - w, cy - h, cx + w, cy + h})
	}
	// A parcel's own bounds, and the point at one of its corners.
	rows, err := f.pool.Query(t.Context(), `SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM
		(SELECT boundary::box3d AS b FROM parcels ORDER BY id) x`)
	if err != nil {
		t.Fatal(err)
	}
	var own []box
	for rows.Next() {
		var b box
		if err := rows.Scan(&b.minLon, &b.minLat, &b.maxLon, &b.maxLat); err != nil {
			t.Fatal(err)
		}
		own = append(own, b)
	}
	rows.Close()
	for i := 0; i < len(own); i += 40 {
		b := own[i]
		boxes = append(boxes, b, box{b.minLon, b.minLat, b.minLon, b.minLat}, box{b.maxLon, b.maxLat, b.maxLon + 0.001, b.maxLat + 0.001})
	}
	around := len(boxes) // the boxes over the seeded parcels
	// Small boxes inside real zones' bounds, in every province.
	rows, err = f.pool.Query(t.Context(), `SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM
		(SELECT boundary::box3d AS b FROM zones ORDER BY id) x`)
	if err != nil {
		t.Fatal(err)
	}
	var zoneBounds []box
	for rows.Next() {
		var b box
		if err := rows.Scan(&b.minLon, &b.minLat, &b.maxLon, &b.maxLat); err != nil {
			t.Fatal(err)
		}
		zoneBounds = append(zoneBounds, b)
	}
	rows.Close()
	for i := 0; i < len(zoneBounds); i += 10 {
		zb := zoneBounds[i]
		w, h := zb.maxLon-zb.minLon, zb.maxLat-zb.minLat
		x, y := zb.minLon+rng.Float64()*w, zb.minLat+rng.Float64()*h
		s := 0.01 + 0.1*rng.Float64()
		boxes = append(boxes, box{x, y, x + s*w, y + s*h})
	}
	// All of Viet Nam, and far away from it.
	boxes = append(boxes, box{102, 8, 110, 24}, box{-10, -10, 10, 10})

	nonEmpty, differ := 0, 0
	for _, b := range boxes {
		for _, c := range collectionIDs {
			got := f.all(t, c, url.Values{"bbox": {b.String()}}).ids()
			if c == "parcels" && len(got) > 0 {
				nonEmpty++
			}
			want := f.ids(t, fmt.Sprintf(intersectsSQL, tables[c]), b.minLon, b.minLat, b.maxLon, b.maxLat)
			if d := sameIDs(got, want); d != "" {
				t.Errorf("%s bbox=%s: %s", c, b, d)
			}
			if env := f.ids(t, fmt.Sprintf(envelopeSQL, tables[c]), b.minLon, b.minLat, b.maxLon, b.maxLat); !slices.Equal(env, want) {
				differ++
			}
			if !slices.IsSorted(got) {
				t.Errorf("%s bbox=%s: ids not ascending", c, b)
			}
		}
	}

	if nonEmpty < around/2 {
		t.Errorf("only %d of %d boxes hold parcels; the boxes test little", nonEmpty, around)
	}
	// On real outlines a box's answer by bound differs from its answer by
	// geometry often: these are the queries that would catch the bound.
	if differ < 10 {
		t.Errorf("only %d box queries tell geometry from bound; the boxes test little", differ)
	}
	t.Logf("%d boxes × %d collections, %d queries where bound and geometry differ", len(boxes), len(collectionIDs), differ)

	// The 6-number form ignores heights.
	b := boxes[0]
	six := strings.Join([]string{ff(b.minLon), ff(b.minLat), "-100", ff(b.maxLon), ff(b.maxLat), "100"}, ",")
	got := f.all(t, "parcels", url.Values{"bbox": {six}}).ids()
	want := f.ids(t, fmt.Sprintf(intersectsSQL, "parcels"), b.minLon, b.minLat, b.maxLon, b.maxLat)
	if d := sameIDs(got, want); d != "" {
		t.Errorf("bbox=%s: %s", six, d)
	}

	// minLon > maxLon crosses the antimeridian: [179, 180] and [-180, 106.78].
	got = f.all(t, "parcels", url.Values{"bbox": {"179,10,106.78,11"}}).ids()
	want = f.ids(t, fmt.Sprintf(intersectsSQL, "parcels"), -180.0, 10.0, 106.78, 11.0)
	if d := sameIDs(got, want); d != "" || len(want) == 0 {
		t.Errorf("bbox=179,10,106.78,11: %s (%d expected)", d, len(want))
	}

	// A box combined with filters.
	b = box{106.72, 10.74, 106.80, 10.87}
	got = f.all(t, "parcels", url.Values{"bbox": {b.String()}, "status": {"leased"}, "zone": {"KCX-TAN-THUAN"}}).ids()
	want = f.ids(t, `SELECT id FROM (`+fmt.Sprintf(intersectsSQL, "parcels")+`) x JOIN parcels_now USING (id)
		WHERE status = 'leased' AND zone_id = (SELECT id FROM zones WHERE code = 'KCX-TAN-THUAN') ORDER BY id`,
		b.minLon, b.minLat, b.maxLon, b.maxLat)
	if d := sameIDs(got, want); d != "" || len(want) == 0 {
		t.Errorf("bbox with status and zone: %s (%d expected)", d, len(want))
	}
}

// TestReadFilters checks each property filter against SQL.
func TestReadFilters(t *testing.T) {
	f := seeded(t)
	var tanThuan, shtp int64
	f.scalar(t, `SELECT id FROM zones WHERE code = 'KCX-TAN-THUAN'`, nil, &tanThuan)
	f.scalar(t, `SELECT id FROM zones WHERE code = 'SHTP'`, nil, &shtp)
	var province string
	f.scalar(t, `SELECT province FROM zones WHERE code = 'SHTP'`, nil, &province)
	folded := vntext.Fold(province)
	if folded == province {
		t.Fatalf("province %q has no diacritics to fold", province)
	}
	var otherProvince string // one with diacritics, no seeded parcels
	f.scalar(t, `SELECT province FROM zones WHERE province <> $1 GROUP BY province ORDER BY count(*) DESC LIMIT 1`,
		[]any{province}, &otherProvince)
	var parent int64
	f.scalar(t, `SELECT parent_id FROM zones WHERE parent_id IS NOT NULL LIMIT 1`, nil, &parent)

	cases := []struct {
		collection string
		query      url.Values
		sql        string
		args       []any
		empty      bool // the answer is expected to be empty
	}{
		{"parcels", url.Values{"zone": {ff(float64(tanThuan))}}, "SELECT id FROM parcels WHERE zone_id = $1", []any{tanThuan}, false},
		{"parcels", url.Values{"zone": {"KCX-TAN-THUAN"}}, "SELECT id FROM parcels WHERE zone_id = $1", []any{tanThuan}, false},
		{"parcels", url.Values{"zone": {"shtp"}}, "SELECT id FROM parcels WHERE zone_id = $1", []any{shtp}, false},
		{"green-areas", url.Values{"zone": {"SHTP"}}, "SELECT id FROM green_areas WHERE zone_id = $1", []any{shtp}, false},
		{"parcels", url.Values{"board": {"hepza"}}, "SELECT p.id FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE z.board_id = 'hepza'", nil, false},
		{"parcels", url.Values{"board": {"shtp"}}, "SELECT p.id FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE z.board_id = 'shtp'", nil, false},
		{"parcels", url.Values{"board": {"nobody"}}, "SELECT id FROM parcels WHERE false", nil, true},
		{"green-areas", url.Values{"board": {"hepza"}}, "SELECT g.id FROM green_areas g JOIN zones z ON z.id = g.zone_id WHERE z.board_id = 'hepza'", nil, false},
		{"zones", url.Values{"board": {"hepza"}}, "SELECT id FROM zones WHERE board_id = 'hepza'", nil, false},
		{"parcels", url.Values{"province": {province}}, "SELECT p.id FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE z.province = $1", []any{province}, false},
		{"parcels", url.Values{"province": {folded}}, "SELECT p.id FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE z.province = $1", []any{province}, false},
		{"parcels", url.Values{"province": {strings.ToUpper(folded)}}, "SELECT p.id FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE z.province = $1", []any{province}, false},
		{"parcels", url.Values{"province": {otherProvince}}, "SELECT id FROM parcels WHERE false", nil, true},
		{"zones", url.Values{"province": {province}}, "SELECT id FROM zones WHERE province = $1", []any{province}, false},
		{"zones", url.Values{"province": {folded}}, "SELECT id FROM zones WHERE province = $1", []any{province}, false},
		{"zones", url.Values{"province": {vntext.Fold(otherProvince)}}, "SELECT id FROM zones WHERE province = $1", []any{otherProvince}, false},
		{"green-areas", url.Values{"province": {folded}}, "SELECT g.id FROM green_areas g JOIN zones z ON z.id = g.zone_id WHERE z.province = $1", []any{province}, false},
		{"parcels", url.Values{"status": {"available"}}, "SELECT id FROM parcels_now WHERE status = 'available'", nil, false},
		{"parcels", url.Values{"status": {"reserved"}}, "SELECT id FROM parcels_now WHERE status = 'reserved'", nil, false},
		{"parcels", url.Values{"status": {"leased"}}, "SELECT id FROM parcels_now WHERE status = 'leased'", nil, false},
		{"parcels", url.Values{"land_use": {"research"}}, "SELECT id FROM parcels WHERE land_use = 'research'", nil, false},
		{"parcels", url.Values{"land_use": {"logistics"}, "status": {"available"}}, "SELECT id FROM parcels_now WHERE land_use = 'logistics' AND status = 'available'", nil, false},
		{"green-areas", url.Values{"kind": {"park"}}, "SELECT id FROM green_areas WHERE kind = 'park'", nil, false},
		{"green-areas", url.Values{"kind": {"water_surface"}}, "SELECT id FROM green_areas WHERE kind = 'water_surface'", nil, false},
		{"zones", url.Values{"kind": {"export_processing_zone"}}, "SELECT id FROM zones WHERE kind = 'export_processing_zone'", nil, false},
		{"zones", url.Values{"kind": {"economic_zone"}}, "SELECT id FROM zones WHERE kind = 'economic_zone'", nil, false},
		{"zones", url.Values{"status": {"under_construction"}}, "SELECT id FROM zones WHERE status = 'under_construction'", nil, false},
		{"zones", url.Values{"model": {"high_tech"}}, "SELECT id FROM zones WHERE model = 'high_tech'", nil, false},
		{"zones", url.Values{"parent": {ff(float64(parent))}}, "SELECT id FROM zones WHERE parent_id = $1", []any{parent}, false},
		{"parcels", url.Values{"min_area_ha": {"1.5"}}, "SELECT id FROM parcels WHERE area_m2 >= 1.5::float8 * 10000", nil, false},
		{"parcels", url.Values{"max_area_ha": {"1.2"}}, "SELECT id FROM parcels WHERE area_m2 <= 1.2::float8 * 10000", nil, false},
		{"parcels", url.Values{"min_area_ha": {"1"}, "max_area_ha": {"2"}, "zone": {"SHTP"}},
			"SELECT id FROM parcels WHERE area_m2 BETWEEN 10000 AND 20000 AND zone_id = $1", []any{shtp}, false},
		{"parcels", url.Values{"min_area_ha": {"3"}}, "SELECT id FROM parcels WHERE area_m2 >= 30000", nil, true},
		{"green-areas", url.Values{"min_area_ha": {"5"}}, "SELECT id FROM green_areas WHERE area_m2 >= 50000", nil, false},
		{"zones", url.Values{"min_area_ha": {"500"}, "max_area_ha": {"1000"}}, "SELECT id FROM zones WHERE area_m2 BETWEEN 5000000 AND 10000000", nil, false},
		{"zones", url.Values{"min_area_ha": {"0"}, "max_area_ha": {"0"}}, "SELECT id FROM zones WHERE area_m2 = 0", nil, true},
	}
	for _, c := range cases {
		t.Run(c.collection+"?"+c.query.Encode(), func(t *testing.T) {
			got := f.all(t, c.collection, c.query).ids()
			want := f.ids(t, c.sql+" ORDER BY 1", c.args...)
			if !slices.Equal(got, want) {
				t.Errorf("%s", sameIDs(got, want))
			}
			if (len(want) == 0) != c.empty {
				t.Errorf("the database has %d matches; the case expects empty = %v", len(want), c.empty)
			}
		})
	}
}

// TestReadZoneSearch checks q, the accent-insensitive text search of zones.
func TestReadZoneSearch(t *testing.T) {
	f := seeded(t)
	type zoneRow struct {
		id                   int64
		code, nameVI, nameEN string
	}
	rows, err := f.pool.Query(t.Context(), `SELECT id, code, name_vi, name_en FROM zones ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	var zones []zoneRow
	for rows.Next() {
		var z zoneRow
		if err := rows.Scan(&z.id, &z.code, &z.nameVI, &z.nameEN); err != nil {
			t.Fatal(err)
		}
		zones = append(zones, z)
	}
	rows.Close()
	var tanThuan int64
	f.scalar(t, `SELECT id FROM zones WHERE code = 'KCX-TAN-THUAN'`, nil, &tanThuan)

	for _, q := range []string{"tan thuan", "Tân Thuận", "TAN THUAN", "tân thuận", "kcx-tan-thuan", "Khu chế xuất Tân"} {
		got := f.all(t, "zones", url.Values{"q": {q}}).ids()
		if !slices.Contains(got, tanThuan) {
			t.Errorf("q=%q: %v lacks Tân Thuận (%d)", q, got, tanThuan)
		}
		var want []int64
		for _, z := range zones {
			if strings.Contains(vntext.Fold(z.nameVI+" "+z.nameEN+" "+z.code), vntext.Fold(q)) {
				want = append(want, z.id)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("q=%q: %s", q, sameIDs(got, want))
		}
	}
	if got := f.all(t, "zones", url.Values{"q": {"no such zone anywhere"}}).ids(); len(got) != 0 {
		t.Errorf("q for nothing: %v", got)
	}
}

// geoJSONMultiPolygon is the coordinates of a MultiPolygon.
type geoJSONMultiPolygon struct {
	Type        string          `json:"type"`
	Coordinates [][][][]float64 `json:"coordinates"`
}

// sameCoordinates compares two MultiPolygons position by position within tol degrees.
func sameCoordinates(a, b geoJSONMultiPolygon, tol float64) string {
	if a.Type != b.Type {
		return fmt.Sprintf("type %s, want %s", a.Type, b.Type)
	}
	if len(a.Coordinates) != len(b.Coordinates) {
		return fmt.Sprintf("%d polygons, want %d", len(a.Coordinates), len(b.Coordinates))
	}
	for i := range a.Coordinates {
		if len(a.Coordinates[i]) != len(b.Coordinates[i]) {
			return fmt.Sprintf("polygon %d: %d rings, want %d", i, len(a.Coordinates[i]), len(b.Coordinates[i]))
		}
		for j := range a.Coordinates[i] {
			ra, rb := a.Coordinates[i][j], b.Coordinates[i][j]
			if len(ra) != len(rb) {
				return fmt.Sprintf("polygon %d ring %d: %d positions, want %d", i, j, len(ra), len(rb))
			}
			for k := range ra {
				if len(ra[k]) != 2 || len(rb[k]) < 2 ||
					math.Abs(ra[k][0]-rb[k][0]) > tol || math.Abs(ra[k][1]-rb[k][1]) > tol {
					return fmt.Sprintf("polygon %d ring %d position %d: %v, want %v", i, j, k, ra[k], rb[k])
				}
			}
		}
	}
	return ""
}

// TestReadItem checks single features against their rows: geometry, bbox,
// area, version as ETag, conditional GET and links.
func TestReadItem(t *testing.T) {
	f := seeded(t)
	for _, c := range collectionIDs {
		ids := f.ids(t, "SELECT id FROM "+tables[c]+" ORDER BY id")
		for i := 0; i < len(ids); i += max(1, len(ids)/12) {
			id := ids[i]
			path := fmt.Sprintf("/collections/%s/items/%d", c, id)
			var (
				geom, status           string
				area                   float64
				version                int64
				minX, minY, maxX, maxY float64
			)
			f.scalar(t, `SELECT ST_AsGeoJSON(boundary, 17), area_m2, version,
				ST_XMin(boundary::box3d), ST_YMin(boundary::box3d), ST_XMax(boundary::box3d), ST_YMax(boundary::box3d)
				FROM `+tables[c]+` WHERE id = $1`, []any{id}, &geom, &area, &version, &minX, &minY, &maxX, &maxY)
			if c == "parcels" {
				f.scalar(t, `SELECT status FROM parcels_now WHERE id = $1`, []any{id}, &status)
			}

			var ft feature
			r := f.getJSON(t, path, &ft)
			if ct := r.contentType(); ct != "application/geo+json" {
				t.Errorf("%s: Content-Type %q", path, ct)
			}
			if ft.Type != "Feature" || ft.ID != id {
				t.Errorf("%s: type %q id %d", path, ft.Type, ft.ID)
			}
			var got, want geoJSONMultiPolygon
			if err := json.Unmarshal(ft.Geometry, &got); err != nil {
				t.Fatalf("%s: geometry: %v", path, err)
			}
			if err := json.Unmarshal([]byte(geom), &want); err != nil {
				t.Fatal(err)
			}
			if d := sameCoordinates(got, want, 1e-9); d != "" {
				t.Errorf("%s: geometry differs from ST_AsGeoJSON: %s", path, d)
			}
			wantBBox := []float64{minX, minY, maxX, maxY}
			if len(ft.BBox) != 4 {
				t.Errorf("%s: bbox %v", path, ft.BBox)
			} else {
				for k := range 4 {
					if math.Abs(ft.BBox[k]-wantBBox[k]) > 1e-9 {
						t.Errorf("%s: bbox %v, want %v", path, ft.BBox, wantBBox)
						break
					}
				}
			}
			// area_m2 is sent rounded to the centimetre².
			if a := ft.num(t, "area_m2"); math.Abs(a-area) > 0.005+1e-9*area {
				t.Errorf("%s: area_m2 %v, database %v", path, a, area)
			}
			if ha := ft.num(t, "area_ha"); math.Abs(ha-area/10000) > 0.00005+1e-12*area {
				t.Errorf("%s: area_ha %v, database %v m²", path, ha, area)
			}
			if v := ft.num(t, "version"); int64(v) != version {
				t.Errorf("%s: version %v, database %d", path, v, version)
			}
			// A parcel's ETag carries its status too: it changes by the
			// calendar alone, without a new version.
			etag := `"` + strconv.FormatInt(version, 10) + `"`
			if c == "parcels" {
				etag = `"` + strconv.FormatInt(version, 10) + "-" + status + `"`
			}
			if got := r.header.Get("ETag"); got != etag {
				t.Errorf("%s: ETag %q, want %q", path, got, etag)
			}
			self := false
			for _, l := range ft.Links {
				self = self || l.Rel == "self" && l.Href == f.url+path
			}
			if !self {
				t.Errorf("%s: no self link in %v", path, ft.Links)
			}

			for _, inm := range []string{etag, "W/" + etag, "*"} {
				r := f.do(t, http.MethodGet, path, nil, map[string]string{"If-None-Match": inm})
				if r.status != http.StatusNotModified || len(r.body) != 0 {
					t.Errorf("%s If-None-Match %s: status %d, %d bytes; want 304, empty", path, inm, r.status, len(r.body))
				}
			}
			r = f.do(t, http.MethodGet, path, nil, map[string]string{"If-None-Match": `"` + strconv.FormatInt(version+1, 10) + `"`})
			if r.status != http.StatusOK {
				t.Errorf("%s If-None-Match another version: status %d, want 200", path, r.status)
			}
		}
	}
}

// TestReadItemETagList checks If-None-Match with a list of entity tags
// (RFC 9110 §13.1.2): any one matching means 304.
func TestReadItemETagList(t *testing.T) {
	f := seeded(t)
	id := f.ids(t, "SELECT id FROM parcels ORDER BY id LIMIT 1")[0]
	var version int64
	var status string
	f.scalar(t, "SELECT version, status FROM parcels_now WHERE id = $1", []any{id}, &version, &status)
	path := fmt.Sprintf("/collections/parcels/items/%d", id)
	inm := fmt.Sprintf(`"%d-%s", "%d-%s"`, version+7, status, version, status)
	if r := f.do(t, http.MethodGet, path, nil, map[string]string{"If-None-Match": inm}); r.status != http.StatusNotModified {
		t.Errorf("%s If-None-Match %s: status %d, want 304", path, inm, r.status)
	}
}

// TestReadItemsMatchRows checks every parcel on the items pages against its
// row: zone, lot code, land use, status, area.
func TestReadItemsMatchRows(t *testing.T) {
	f := seeded(t)
	rows, err := f.pool.Query(t.Context(), `SELECT id, zone_id, lot_code, land_use, status, area_m2 FROM parcels_now ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		zone             int64
		lot, use, status string
		area             float64
	}
	want := map[int64]row{}
	for rows.Next() {
		var id int64
		var r row
		if err := rows.Scan(&id, &r.zone, &r.lot, &r.use, &r.status, &r.area); err != nil {
			t.Fatal(err)
		}
		want[id] = r
	}
	rows.Close()
	for _, ft := range f.all(t, "parcels", nil).Features {
		w, ok := want[ft.ID]
		if !ok {
			t.Errorf("parcel %d is not in the database", ft.ID)
			continue
		}
		p := ft.Properties
		if int64(ft.num(t, "zone_id")) != w.zone || p["lot_code"] != w.lot || p["land_use"] != w.use || p["status"] != w.status ||
			math.Abs(ft.num(t, "area_m2")-w.area) > 0.005+1e-9*w.area {
			t.Errorf("parcel %d: properties %v, database %+v", ft.ID, p, w)
		}
	}
}
