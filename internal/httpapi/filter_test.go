package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// items GETs the items of collection with the query q and every page at
// once (limit 10000).
func (f *fixture) filtered(t *testing.T, collection string, q url.Values) featureCollection {
	t.Helper()
	if q.Get("limit") == "" {
		q.Set("limit", "10000")
	}
	var fc featureCollection
	f.getJSON(t, "/collections/"+collection+"/items?"+q.Encode(), &fc)
	return fc
}

// TestFilterSpatialPostGIS holds each spatial function of a CQL2 filter to
// PostGIS's ST_ function of the same name over the real zones (OSM
// boundaries, © OpenStreetMap contributors: concave, many-vertexed) and
// the seeded parcels, with literals that cut through them.
func TestFilterSpatialPostGIS(t *testing.T) {
	f := seeded(t)
	// a concave hexagon over Hồ Chí Minh City's south, a line across the
	// Tân Thuận zone, a point inside it, a box around the city
	var tanThuan string
	f.scalar(t, `SELECT ST_AsText(ST_PointOnSurface(boundary)) FROM zones WHERE code = 'KCX-TAN-THUAN'`, nil, &tanThuan)
	var zoneWKT string
	f.scalar(t, `SELECT ST_AsText(ST_GeometryN(boundary, 1)) FROM zones WHERE code = 'KCX-TAN-THUAN'`, nil, &zoneWKT)
	literals := []string{
		"POLYGON((106.60 10.60, 106.80 10.62, 106.78 10.70, 106.72 10.66, 106.70 10.78, 106.62 10.74, 106.60 10.60))",
		"LINESTRING(106.70 10.74, 106.76 10.77, 106.80 10.90)",
		tanThuan,
		"MULTIPOINT((106.73 10.76), (106.80 10.85))",
		zoneWKT,
		// the other geometry types of basic-spatial-functions-plus (declared
		// in /conformance: S_INTERSECTS takes every geometry type; BBOX
		// literals are cql2's compile_test)
		"MULTILINESTRING((106.70 10.74, 106.76 10.77), (106.60 10.60, 106.62 10.74))",
		"MULTIPOLYGON(((106.70 10.74, 106.78 10.74, 106.78 10.78, 106.70 10.78, 106.70 10.74)), ((106.60 10.60, 106.64 10.60, 106.64 10.64, 106.60 10.60)))",
		"GEOMETRYCOLLECTION(POINT(106.73 10.76), LINESTRING(106.60 10.60, 106.80 10.90))",
	}
	fns := []string{"S_INTERSECTS", "S_EQUALS", "S_DISJOINT", "S_TOUCHES", "S_WITHIN", "S_OVERLAPS", "S_CROSSES", "S_CONTAINS"}
	nonEmpty := map[string]bool{}
	for _, col := range []struct{ name, table string }{{"zones", "zones"}, {"parcels", "parcels"}} {
		for _, lit := range literals {
			for _, fn := range fns {
				fc := f.filtered(t, col.name, url.Values{"filter": {fmt.Sprintf("%s(geometry, %s)", fn, lit)}})
				want := f.ids(t, fmt.Sprintf(`SELECT id FROM %s WHERE ST_%s(boundary, ST_GeomFromText($1, 4326)) ORDER BY id`, col.table, fn[2:]), lit)
				if d := sameIDs(fc.ids(), want); d != "" {
					t.Errorf("%s %s(geometry, %.60s…): %s", col.name, fn, lit, d)
				}
				if *fc.NumberMatched != len(want) {
					t.Errorf("%s %s: numberMatched %d, PostGIS %d", col.name, fn, *fc.NumberMatched, len(want))
				}
				if len(want) > 0 {
					nonEmpty[fn] = true
				}
			}
		}
	}
	for _, fn := range []string{"S_INTERSECTS", "S_EQUALS", "S_DISJOINT", "S_WITHIN", "S_CONTAINS", "S_CROSSES", "S_OVERLAPS"} {
		if !nonEmpty[fn] {
			t.Errorf("%s matched nothing in every case: the comparison proves little", fn)
		}
	}
}

func TestFilterItems(t *testing.T) {
	f := seeded(t)
	// ACCENTI finds Tân Thuận from plain ASCII, in either encoding
	var tt int64
	f.scalar(t, `SELECT id FROM zones WHERE code = 'KCX-TAN-THUAN'`, nil, &tt)
	text := f.filtered(t, "zones", url.Values{"filter": {"ACCENTI(name_vi) LIKE ACCENTI('%tan thuan%')"}})
	js := f.filtered(t, "zones", url.Values{"filter-lang": {"cql2-json"},
		"filter": {`{"op":"like","args":[{"op":"accenti","args":[{"property":"name_vi"}]},{"op":"accenti","args":["%tan thuan%"]}]}`}})
	if len(text.Features) == 0 || !contains(text.ids(), tt) {
		t.Errorf("ACCENTI(name_vi) LIKE ACCENTI('%%tan thuan%%'): %v, want Tân Thuận (%d) among them", text.ids(), tt)
	}
	if d := sameIDs(js.ids(), text.ids()); d != "" {
		t.Errorf("cql2-json and cql2-text differ: %s", d)
	}
	want := f.ids(t, `SELECT id FROM zones WHERE name_vi ILIKE '%Tân Thuận%' ORDER BY id`)
	if d := sameIDs(text.ids(), want); d != "" {
		t.Errorf("ACCENTI: %s", d)
	}

	// comparisons, IN, BETWEEN, IS NULL, arithmetic and dates against SQL
	for _, c := range []struct{ collection, filter, sql string }{
		{"parcels", "status = 'leased'", `SELECT id FROM parcels_now WHERE status = 'leased'`},
		{"parcels", "land_use IN ('industrial', 'logistics') AND area_ha BETWEEN 0.5 AND 3", `SELECT id FROM parcels_now WHERE land_use IN ('industrial', 'logistics') AND area_m2 BETWEEN 5000 AND 30000`},
		{"parcels", "NOT (status = 'available') AND area_m2 / 10000 > 1", `SELECT id FROM parcels_now WHERE status <> 'available' AND area_m2 > 10000`},
		{"zones", "workers IS NULL", `SELECT id FROM zones WHERE workers IS NULL`},
		{"zones", "enterprises * 2 >= 100 OR kind = 'high_tech_park'", `SELECT id FROM zones WHERE enterprises * 2 >= 100 OR kind = 'high_tech_park'`},
		{"zones", "T_BEFORE(established, DATE('2000-01-01'))", `SELECT id FROM zones WHERE established < '2000-01-01'`},
		{"zones", "T_DURING(established, INTERVAL('2000-01-01', '..'))", `SELECT id FROM zones WHERE established > '2000-01-01'`},
		{"zones", "CASEI(province) = CASEI('hồ chí minh') AND S_INTERSECTS(geometry, BBOX(106.6, 10.6, 106.9, 10.9))",
			`SELECT id FROM zones WHERE lower(province) = 'hồ chí minh' AND ST_Intersects(boundary, ST_MakeEnvelope(106.6, 10.6, 106.9, 10.9, 4326))`},
		{"green-areas", "kind <> 'park' AND synthetic", `SELECT id FROM green_areas WHERE kind <> 'park' AND synthetic`},
	} {
		fc := f.filtered(t, c.collection, url.Values{"filter": {c.filter}})
		if d := sameIDs(fc.ids(), f.ids(t, c.sql+" ORDER BY id")); d != "" {
			t.Errorf("%s %s: %s", c.collection, c.filter, d)
		}
	}

	// with bbox, paging and numberMatched; the next link keeps the filter
	q := url.Values{"filter": {"land_use = 'industrial'"}, "bbox": {"106.6,10.6,106.9,10.9"}, "limit": {"7"}}
	all := f.ids(t, `SELECT id FROM parcels_now WHERE land_use = 'industrial' AND ST_Intersects(boundary, ST_MakeEnvelope(106.6, 10.6, 106.9, 10.9, 4326)) ORDER BY id`)
	var got []int64
	page := f.filtered(t, "parcels", q)
	for i := 0; ; i++ {
		if *page.NumberMatched != len(all) {
			t.Fatalf("numberMatched %d, want %d", *page.NumberMatched, len(all))
		}
		got = append(got, page.ids()...)
		next, ok := page.link("next")
		if !ok || i > 100 {
			break
		}
		if !strings.Contains(next, "filter=") {
			t.Fatalf("next link %s lost the filter", next)
		}
		page = featureCollection{}
		f.getJSON(t, next, &page)
	}
	if d := sameIDs(got, all); d != "" || len(got) != len(all) {
		t.Errorf("paged filter: %s (%d of %d)", d, len(got), len(all))
	}

	// filter-crs EPSG:4326 reads literals latitude first
	lonlat := f.filtered(t, "zones", url.Values{"filter": {"S_INTERSECTS(geometry, BBOX(106.6, 10.6, 106.9, 10.9))"}})
	latlon := f.filtered(t, "zones", url.Values{"filter": {"S_INTERSECTS(geometry, BBOX(10.6, 106.6, 10.9, 106.9))"},
		"filter-crs": {"http://www.opengis.net/def/crs/EPSG/0/4326"}})
	if len(lonlat.Features) == 0 || sameIDs(lonlat.ids(), latlon.ids()) != "" {
		t.Errorf("filter-crs EPSG:4326: %v, CRS84 %v", latlon.ids(), lonlat.ids())
	}
}

func contains(ids []int64, id int64) bool {
	for _, v := range ids {
		if v == id {
			return true
		}
	}
	return false
}

// TestFilterErrors: a filter that cannot be read, names an unknown
// queryable or compares wrongly is a 400 problem naming filter (and the
// offset, the token, the queryable).
func TestFilterErrors(t *testing.T) {
	f := seeded(t)
	for _, c := range []struct{ collection, query, detail string }{
		{"zones", "filter=colour%3D'red'", `filter: "colour" is not a queryable`},
		{"parcels", "filter=status%3D'leasedd'", "status is one of available, reserved, leased"},
		{"parcels", "filter=status%20%3D%3D%20'leased'", `at offset 8 ("=")`},
		{"parcels", "filter=S_INTERSECTS(geometry,POLYGON((0%200,1%201,1%200,0%201,0%200)))", "not valid"},
		{"parcels", "filter=a%3D1&filter-lang=ecql", "filter-lang:"},
		{"parcels", "filter-lang=cql2-text", "filter-lang and filter-crs go with a filter"},
		{"parcels", "filter=status%3D'leased'&filter-crs=EPSG:9210", "filter-crs:"},
		{"parcels", "filter=" + url.QueryEscape(strings.Repeat("(", 200)), "nested deeper"},
		{"parcels", "filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"=","args":[{"property":"status"}]}`), "= takes 2 arguments"},
	} {
		r := f.do(t, http.MethodGet, "/collections/"+c.collection+"/items?"+c.query, nil, nil)
		var p struct{ Detail string }
		_ = json.Unmarshal(r.body, &p)
		if r.status != http.StatusBadRequest || r.contentType() != "application/problem+json" || !strings.Contains(p.Detail, c.detail) {
			t.Errorf("%s: %d %s %q, want 400 naming %q", c.query, r.status, r.contentType(), p.Detail, c.detail)
		}
	}
}

// TestQueryables: each collection's queryables as JSON Schema, linked from
// the collection, with the domain's enums and date formats.
func TestQueryables(t *testing.T) {
	f := seeded(t)
	var enums struct{ ZoneKinds, LandUses, GreenKinds []string } // the lists; /enums also names provinces and regions
	f.getJSON(t, "/enums", &struct {
		ZoneKinds  *[]string `json:"zone_kinds"`
		LandUses   *[]string `json:"land_uses"`
		GreenKinds *[]string `json:"green_kinds"`
	}{&enums.ZoneKinds, &enums.LandUses, &enums.GreenKinds})
	lists := map[string][]string{"zone_kinds": enums.ZoneKinds, "land_uses": enums.LandUses, "green_kinds": enums.GreenKinds}
	for _, col := range []struct {
		name, enumProp, enumList string
	}{{"zones", "kind", "zone_kinds"}, {"parcels", "land_use", "land_uses"}, {"green-areas", "kind", "green_kinds"}} {
		var doc struct {
			Schema     string `json:"$schema"`
			ID         string `json:"$id"`
			Type       string
			Properties map[string]struct {
				Type   string
				Format string
				Enum   []string
				Ref    string `json:"$ref"`
			}
		}
		r := f.getJSON(t, "/collections/"+col.name+"/queryables", &doc)
		if r.contentType() != "application/schema+json" || doc.Schema != "https://json-schema.org/draft/2020-12/schema" || doc.Type != "object" {
			t.Errorf("%s: %s %q %q", col.name, r.contentType(), doc.Schema, doc.Type)
		}
		if got := strings.Join(doc.Properties[col.enumProp].Enum, ","); got != strings.Join(lists[col.enumList], ",") || got == "" {
			t.Errorf("%s.%s enum %s, /enums %v", col.name, col.enumProp, got, lists[col.enumList])
		}
		if p := doc.Properties["updated_at"]; p.Type != "string" || p.Format != "date-time" {
			t.Errorf("%s.updated_at: %+v", col.name, p)
		}
		if p := doc.Properties["geometry"]; p.Ref == "" {
			t.Errorf("%s: no geometry queryable", col.name)
		}
		var c struct{ Links []link }
		f.getJSON(t, "/collections/"+col.name, &c)
		found := false
		for _, l := range c.Links {
			found = found || l.Rel == "http://www.opengis.net/def/rel/ogc/1.0/queryables" && strings.HasSuffix(l.Href, "/collections/"+col.name+"/queryables")
		}
		if !found {
			t.Errorf("%s: no queryables link in %+v", col.name, c.Links)
		}
	}
	var zq struct {
		Properties map[string]struct{ Type, Format string }
	}
	f.getJSON(t, "/collections/zones/queryables", &zq)
	if p := zq.Properties["established"]; p.Type != "string" || p.Format != "date" {
		t.Errorf("zones.established: %+v", p)
	}
	if p := zq.Properties["workers"]; p.Type != "integer" {
		t.Errorf("zones.workers: %+v", p)
	}
	var conf struct{ ConformsTo []string }
	f.getJSON(t, "/conformance", &conf)
	for _, c := range []string{"ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/features-filter", "ogcapi-features-3/1.0/conf/queryables",
		"cql2/1.0/conf/basic-cql2", "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json", "cql2/1.0/conf/accent-insensitive-comparison", "cql2/1.0/conf/spatial-functions"} {
		if !strings.Contains(strings.Join(conf.ConformsTo, " "), "http://www.opengis.net/spec/"+c) {
			t.Errorf("conformance lacks %s", c)
		}
	}
}
