package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/httpapi"
)

// atAnswer is the answer of /query/at.
type atAnswer struct {
	Point      []float64         `json:"point"`
	Zones      featureCollection `json:"zones"`
	Parcels    featureCollection `json:"parcels"`
	GreenAreas featureCollection `json:"green_areas"`
}

func (a atAnswer) of(collection string) featureCollection {
	switch collection {
	case "zones":
		return a.Zones
	case "parcels":
		return a.Parcels
	}
	return a.GreenAreas
}

const atSQL = `SELECT id FROM %s WHERE ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326)) ORDER BY id`

type lonLat struct {
	lon, lat float64
	what     string
}

// points runs a query returning lon, lat and a description.
func (f *fixture) points(t *testing.T, query string, args ...any) []lonLat {
	t.Helper()
	rows, err := f.pool.Query(t.Context(), query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []lonLat
	for rows.Next() {
		var p lonLat
		if err := rows.Scan(&p.lon, &p.lat, &p.what); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestQueryAt compares /query/at with ST_Intersects for points inside
// parcels, green areas and zones, at vertices (the boundary counts), at
// random points around the seeded zones and far from any zone.
func TestQueryAt(t *testing.T) {
	f := seeded(t)
	type atCase struct {
		lonLat
		parcel, zone int64 // must be in the answer, when not 0
	}
	var cases []atCase
	rows, err := f.pool.Query(t.Context(), `SELECT ST_X(p), ST_Y(p), 'inside parcel ' || id, id, zone_id
		FROM (SELECT id, zone_id, ST_PointOnSurface(boundary) AS p FROM parcels WHERE id % 9 = 0) x ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var c atCase
		if err := rows.Scan(&c.lon, &c.lat, &c.what, &c.parcel, &c.zone); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, c)
	}
	rows.Close()
	if len(cases) < 20 {
		t.Fatalf("only %d parcels to test", len(cases))
	}
	for _, p := range f.points(t, `SELECT ST_X(p), ST_Y(p), w FROM (
			SELECT ST_PointOnSurface(boundary) AS p, 'inside green area ' || id AS w FROM green_areas
			UNION ALL SELECT ST_PointOnSurface(boundary), 'inside zone ' || code FROM zones WHERE id % 10 = 0
			UNION ALL SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(boundary, 1)), 1), 'first vertex of parcel ' || id FROM parcels WHERE id % 25 = 0
			UNION ALL SELECT ST_PointN(ST_ExteriorRing(ST_GeometryN(boundary, 1)), 1), 'first vertex of zone ' || code FROM zones WHERE id % 30 = 0
		) x`) {
		cases = append(cases, atCase{lonLat: p})
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 40 {
		cases = append(cases, atCase{lonLat: lonLat{106.72 + rng.Float64()*0.11, 10.74 + rng.Float64()*0.13, "random"}})
	}
	cases = append(cases, atCase{lonLat: lonLat{0, 0, "null island"}}, atCase{lonLat: lonLat{-180, 90, "corner of the world"}})

	found := 0
	for _, c := range cases {
		path := fmt.Sprintf("/query/at?lon=%s&lat=%s", ff(c.lon), ff(c.lat))
		var a atAnswer
		r := f.getJSON(t, path, &a)
		if ct := r.contentType(); !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		if len(a.Point) != 2 || a.Point[0] != c.lon || a.Point[1] != c.lat {
			t.Errorf("%s: point %v", path, a.Point)
		}
		for _, coll := range collectionIDs {
			got := a.of(coll).ids()
			want := f.ids(t, fmt.Sprintf(atSQL, tables[coll]), c.lon, c.lat)
			slices.Sort(got)
			if d := sameIDs(got, want); d != "" {
				t.Errorf("%s (%s): %s: %s", path, c.what, coll, d)
			}
			found += len(got)
		}
		if c.parcel != 0 && (!slices.Contains(a.Parcels.ids(), c.parcel) || !slices.Contains(a.Zones.ids(), c.zone)) {
			t.Errorf("%s (%s): parcels %v zones %v, want parcel %d in zone %d",
				path, c.what, a.Parcels.ids(), a.Zones.ids(), c.parcel, c.zone)
		}
	}
	if found < len(cases) {
		t.Errorf("only %d features found at %d points; the cases test little", found, len(cases))
	}
}

// ring is a closed GeoJSON ring.
type ring [][2]float64

// convexRing returns a closed convex ring of n vertices on an ellipse
// around (cx, cy) with radii rx, ry degrees, counter-clockwise, or clockwise
// when cw. The vertices are jittered around even spacing, so no two are
// more than 2·360°/n apart: with n >= 8 the ring contains the same ellipse
// scaled by 0.7, room for a hole.
func convexRing(rng *rand.Rand, cx, cy, rx, ry float64, n int, cw bool) ring {
	angles := make([]float64, n)
	for i := range angles {
		angles[i] = (float64(i) + 0.9*rng.Float64()) * 2 * math.Pi / float64(n)
	}
	if cw {
		slices.Reverse(angles)
	}
	r := make(ring, 0, n+1)
	for _, a := range angles {
		r = append(r, [2]float64{cx + rx*math.Cos(a), cy + ry*math.Sin(a)})
	}
	return append(r, r[0])
}

func polygonJSON(rings ...ring) string {
	b, _ := json.Marshal(map[string]any{"type": "Polygon", "coordinates": rings})
	return string(b)
}

func multiPolygonJSON(polys ...[]ring) string {
	b, _ := json.Marshal(map[string]any{"type": "MultiPolygon", "coordinates": polys})
	return string(b)
}

// intersectsAnswer is the answer of /query/intersects.
type intersectsAnswer struct {
	AreaM2     float64            `json:"area_m2"`
	Zones      *featureCollection `json:"zones"`
	Parcels    *featureCollection `json:"parcels"`
	GreenAreas *featureCollection `json:"green_areas"`
}

func (a intersectsAnswer) of(collection string) *featureCollection {
	switch collection {
	case "zones":
		return a.Zones
	case "parcels":
		return a.Parcels
	}
	return a.GreenAreas
}

// areaClose reports whether an area in m² is within 0.5% (or 1 m² for
// tiny areas) of PostGIS's.
func areaClose(got, want float64) bool {
	return math.Abs(got-want) <= max(1, 0.005*want)
}

// TestQueryIntersects posts polygons over parts of the seeded zones and
// compares the features found, and each overlap area, with PostGIS.
func TestQueryIntersects(t *testing.T) {
	f := seeded(t)
	type zoneBox struct{ cx, cy, rx, ry float64 }
	var zones []zoneBox
	rows, err := f.pool.Query(t.Context(), `SELECT (ST_XMin(b) + ST_XMax(b)) / 2, (ST_YMin(b) + ST_YMax(b)) / 2,
		(ST_XMax(b) - ST_XMin(b)) / 2, (ST_YMax(b) - ST_YMin(b)) / 2
		FROM (SELECT boundary::box3d AS b FROM zones WHERE code = ANY($1)) x`, seedZones)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var z zoneBox
		if err := rows.Scan(&z.cx, &z.cy, &z.rx, &z.ry); err != nil {
			t.Fatal(err)
		}
		zones = append(zones, z)
	}
	rows.Close()

	rng := rand.New(rand.NewPCG(5, 6))
	type body struct{ what, json string }
	var bodies []body
	for i := range 24 {
		z := zones[i%len(zones)]
		cx, cy := z.cx+(rng.Float64()-0.5)*z.rx, z.cy+(rng.Float64()-0.5)*z.ry
		rx, ry := z.rx*(0.05+0.5*rng.Float64()), z.ry*(0.05+0.5*rng.Float64())
		shell := convexRing(rng, cx, cy, rx, ry, 3+rng.IntN(10), i%2 == 1)
		switch i % 4 {
		case 0, 1:
			bodies = append(bodies, body{fmt.Sprintf("polygon %d", i), polygonJSON(shell)})
		case 2: // with a hole
			shell = convexRing(rng, cx, cy, rx, ry, 8+rng.IntN(5), false)
			hole := convexRing(rng, cx, cy, rx*0.4, ry*0.4, 6, true)
			bodies = append(bodies, body{fmt.Sprintf("polygon %d with a hole", i), polygonJSON(shell, hole)})
		case 3: // a Feature holding a MultiPolygon over two zones
			o := zones[(i+1)%len(zones)]
			other := convexRing(rng, o.cx, o.cy, o.rx*0.3, o.ry*0.3, 8, false)
			g := multiPolygonJSON([]ring{shell}, []ring{other})
			bodies = append(bodies, body{fmt.Sprintf("feature %d with a multipolygon", i),
				`{"type":"Feature","properties":{"name":"x"},"geometry":` + g + `}`})
		}
	}
	// All three zones at once.
	bodies = append(bodies, body{"a box over the seeded zones", polygonJSON(ring{
		{106.72, 10.74}, {106.83, 10.74}, {106.83, 10.88}, {106.72, 10.88}, {106.72, 10.74}})})

	hits := 0
	for _, b := range bodies {
		geom := b.json
		if strings.Contains(geom, `"Feature"`) {
			var ft struct{ Geometry json.RawMessage }
			if err := json.Unmarshal([]byte(geom), &ft); err != nil {
				t.Fatal(err)
			}
			geom = string(ft.Geometry)
		}
		r := f.do(t, http.MethodPost, "/query/intersects", strings.NewReader(b.json), map[string]string{"Content-Type": "application/geo+json"})
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d: %s", b.what, r.status, r.body)
		}
		var a intersectsAnswer
		if err := json.Unmarshal(r.body, &a); err != nil {
			t.Fatalf("%s: %v", b.what, err)
		}
		var wantArea float64
		var valid bool
		f.scalar(t, `SELECT ST_Area(g::geography), ST_IsValid(g) FROM ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g`,
			[]any{geom}, &wantArea, &valid)
		if !valid {
			t.Fatalf("%s: the test made an invalid polygon: %s", b.what, geom)
		}
		if !areaClose(a.AreaM2, wantArea) {
			t.Errorf("%s: area_m2 %.2f, PostGIS %.2f", b.what, a.AreaM2, wantArea)
		}
		for _, coll := range collectionIDs {
			fc := a.of(coll)
			if fc == nil {
				t.Errorf("%s: no %s in the answer", b.what, coll)
				continue
			}
			want := map[int64]float64{}
			rows, err := f.pool.Query(t.Context(), `SELECT id, ST_Area(ST_Intersection(boundary, g)::geography)
				FROM `+tables[coll]+`, (SELECT ST_SetSRID(ST_GeomFromGeoJSON($1), 4326) AS g) q
				WHERE ST_Intersects(boundary, g)`, geom)
			if err != nil {
				t.Fatal(err)
			}
			var wantIDs []int64
			for rows.Next() {
				var id int64
				var m2 float64
				if err := rows.Scan(&id, &m2); err != nil {
					t.Fatal(err)
				}
				want[id] = m2
				wantIDs = append(wantIDs, id)
			}
			rows.Close()
			if d := sameIDs(fc.ids(), wantIDs); d != "" {
				t.Errorf("%s: %s: %s", b.what, coll, d)
			}
			for _, ft := range fc.Features {
				w, ok := want[ft.ID]
				if !ok {
					continue
				}
				hits++
				if got := ft.num(t, "overlap_m2"); !areaClose(got, w) {
					t.Errorf("%s: %s %d: overlap_m2 %.2f, PostGIS %.2f (%+.3f%%)", b.what, coll, ft.ID, got, w, 100*(got-w)/w)
				}
			}
		}
	}
	if hits < 100 {
		t.Errorf("only %d features overlapped; the polygons test little", hits)
	}

	// collections= restricts the answer.
	r := f.do(t, http.MethodPost, "/query/intersects?collections=parcels", strings.NewReader(bodies[0].json), nil)
	var a intersectsAnswer
	if err := json.Unmarshal(r.body, &a); r.status != http.StatusOK || err != nil {
		t.Fatalf("collections=parcels: status %d, %v", r.status, err)
	}
	if a.Parcels == nil || a.Zones != nil || a.GreenAreas != nil {
		t.Errorf("collections=parcels: answer has zones %v, parcels %v, green areas %v", a.Zones != nil, a.Parcels != nil, a.GreenAreas != nil)
	}
}

// distTol is the tolerance of distances: 1%, or 1 m near zero.
func distTol(d float64) float64 { return max(1, 0.01*d) }

// TestQuerySites compares /query/sites with ST_DWithin and ST_Distance on
// geography: the set of parcels (status, land use and area filters, limit),
// each distance, and the order.
func TestQuerySites(t *testing.T) {
	f := seeded(t)
	type site struct {
		lonLat
		radius float64
		query  url.Values
	}
	var sites []site
	centres := f.points(t, `SELECT ST_X(c), ST_Y(c), code FROM (SELECT ST_Centroid(boundary) AS c, code FROM zones WHERE code = ANY($1)) x`, seedZones)
	inside := f.points(t, `SELECT ST_X(p), ST_Y(p), 'inside available parcel ' || id FROM
		(SELECT id, ST_PointOnSurface(boundary) AS p FROM parcels_now WHERE status = 'available' ORDER BY id LIMIT 3) x`)
	rng := rand.New(rand.NewPCG(7, 8))
	for _, c := range centres {
		sites = append(sites,
			site{c, 300, nil},
			site{c, 1000, nil},
			site{c, 5000, url.Values{"limit": {"1000"}}},
			site{c, 5000, nil}, // more than the default 50 available
			site{c, 2000, url.Values{"limit": {"7"}}},
			site{c, 3000, url.Values{"land_use": {"industrial"}}},
			site{c, 3000, url.Values{"min_area_ha": {"1.2"}, "max_area_ha": {"1.8"}, "limit": {"1000"}}},
			site{c, 3000, url.Values{"status": {"leased"}, "limit": {"1000"}}},
		)
	}
	for _, p := range inside {
		sites = append(sites, site{p, 100, nil}, site{p, 800, url.Values{"limit": {"3"}}})
	}
	for range 10 {
		p := lonLat{106.70 + rng.Float64()*0.15, 10.72 + rng.Float64()*0.18, "random"}
		sites = append(sites, site{p, 200 + rng.Float64()*4000, url.Values{"limit": {"1000"}}})
	}
	sites = append(sites, site{lonLat{105.85, 21.03, "Hà Nội"}, 200000, nil}, site{lonLat{106.75, 10.8, "default radius"}, 0, nil})

	var maxRel float64
	var limited, full int // answers cut by the limit; answers of everything in range
	for _, s := range sites {
		q := url.Values{"lon": {ff(s.lon)}, "lat": {ff(s.lat)}}
		for k, v := range s.query {
			q[k] = v
		}
		radius := s.radius
		if radius == 0 {
			radius = 5000 // the default
		} else {
			q.Set("radius_m", ff(radius))
		}
		path := "/query/sites?" + q.Encode()
		var fc featureCollection
		r := f.getJSON(t, path, &fc)
		if ct := r.contentType(); ct != "application/geo+json" {
			t.Errorf("%s: Content-Type %q", path, ct)
		}
		limit := 50
		if v := q.Get("limit"); v != "" {
			fmt.Sscan(v, &limit)
		}
		status := "available"
		if v := q.Get("status"); v != "" {
			status = v
		}
		minM2, maxM2 := 0.0, math.Inf(1)
		if v := q.Get("min_area_ha"); v != "" {
			fmt.Sscan(v, &minM2)
			minM2 *= 10000
		}
		if v := q.Get("max_area_ha"); v != "" {
			fmt.Sscan(v, &maxM2)
			maxM2 *= 10000
		}
		use := q.Get("land_use")

		// Every parcel passing the filters within radius plus the tolerance.
		rows, err := f.pool.Query(t.Context(), `SELECT p.id, ST_Distance(p.boundary::geography, pt::geography), z.code
			FROM parcels_now p JOIN zones z ON z.id = p.zone_id, (SELECT ST_SetSRID(ST_MakePoint($1, $2), 4326) AS pt) x
			WHERE ST_DWithin(p.boundary::geography, pt::geography, $3) AND p.status = $4
			  AND ($5 = '' OR p.land_use = $5) AND p.area_m2 >= $6 AND p.area_m2 <= $7
			ORDER BY 2, 1`, s.lon, s.lat, radius+distTol(radius), status, use, minM2, maxM2)
		if err != nil {
			t.Fatal(err)
		}
		dist, code := map[int64]float64{}, map[int64]string{}
		type ranked struct {
			id int64
			d  float64
		}
		var all []ranked
		for rows.Next() {
			var id int64
			var d float64
			var c string
			if err := rows.Scan(&id, &d, &c); err != nil {
				t.Fatal(err)
			}
			dist[id], code[id] = d, c
			all = append(all, ranked{id, d})
		}
		rows.Close()

		if fc.NumberReturned == nil || *fc.NumberReturned != len(fc.Features) || len(fc.Features) > limit {
			t.Errorf("%s: numberReturned %v, %d features, limit %d", path, fc.NumberReturned, len(fc.Features), limit)
		}
		prev := -1.0
		got := map[int64]bool{}
		for _, ft := range fc.Features {
			got[ft.ID] = true
			d := ft.num(t, "distance_m")
			if d < prev {
				t.Errorf("%s: parcel %d at %.1f m comes after one at %.1f m", path, ft.ID, d, prev)
			}
			prev = d
			w, ok := dist[ft.ID]
			if !ok {
				t.Errorf("%s: parcel %d (%.1f m, %v) is not within %.0f m with status %s, land use %q, area in [%v, %v]",
					path, ft.ID, d, ft.Properties, radius, status, use, minM2, maxM2)
				continue
			}
			if math.Abs(d-w) > distTol(w) {
				t.Errorf("%s: parcel %d: distance_m %.1f, PostGIS %.1f", path, ft.ID, d, w)
			}
			if w > 10 {
				maxRel = max(maxRel, math.Abs(d-w)/w)
			}
			if ft.Properties["zone_code"] != code[ft.ID] {
				t.Errorf("%s: parcel %d: zone_code %v, want %s", path, ft.ID, ft.Properties["zone_code"], code[ft.ID])
			}
		}
		// Completeness: everything PostGIS puts clearly nearer than the
		// farthest answer (or the radius, when the limit was not reached)
		// must be there.
		cut := radius
		if len(fc.Features) == limit && limit > 0 {
			cut = prev
		}
		for _, w := range all {
			if w.d < cut-distTol(cut) && !got[w.id] {
				t.Errorf("%s: parcel %d at %.1f m (PostGIS) is missing; %d answers, the farthest at %.1f m",
					path, w.id, w.d, len(fc.Features), prev)
			}
		}
		firm := 0
		for _, w := range all {
			if w.d <= radius-distTol(radius) {
				firm++
			}
		}
		if len(fc.Features) == limit {
			limited++
		} else if len(fc.Features) > 0 {
			full++
		}
		if len(fc.Features) < min(firm, limit) {
			t.Errorf("%s: %d answers; PostGIS has %d within %.0f m (limit %d)", path, len(fc.Features), firm, radius, limit)
		}
	}
	if limited < 3 || full < 10 {
		t.Errorf("%d answers cut by the limit, %d complete non-empty answers; the cases test little", limited, full)
	}
	t.Logf("largest relative distance error over 10 m: %.4f%%", 100*maxRel)
}

// TestQuerySitesInsideParcel: a point inside an available parcel finds it
// first, at distance 0.
func TestQuerySitesInsideParcel(t *testing.T) {
	f := seeded(t)
	rows, err := f.pool.Query(t.Context(), `SELECT id, ST_X(p), ST_Y(p) FROM
		(SELECT id, ST_PointOnSurface(boundary) AS p FROM parcels_now WHERE status = 'available' AND id % 7 = 0) x`)
	if err != nil {
		t.Fatal(err)
	}
	type in struct {
		id       int64
		lon, lat float64
	}
	var ins []in
	for rows.Next() {
		var p in
		if err := rows.Scan(&p.id, &p.lon, &p.lat); err != nil {
			t.Fatal(err)
		}
		ins = append(ins, p)
	}
	rows.Close()
	for _, p := range ins {
		var fc featureCollection
		f.getJSON(t, fmt.Sprintf("/query/sites?lon=%s&lat=%s&radius_m=50", ff(p.lon), ff(p.lat)), &fc)
		if len(fc.Features) == 0 || fc.Features[0].ID != p.id || fc.Features[0].num(t, "distance_m") != 0 {
			t.Errorf("inside parcel %d: answers %v", p.id, fc.ids())
		}
	}
}

// TestQueryIntersectsWhole checks a polygon equal to a parcel: that parcel
// overlaps by its whole area.
func TestQueryIntersectsWhole(t *testing.T) {
	f := seeded(t)
	var id int64
	var geom string
	var area float64
	f.scalar(t, `SELECT id, ST_AsGeoJSON(boundary, 17), area_m2 FROM parcels ORDER BY id LIMIT 1 OFFSET 10`, nil, &id, &geom, &area)
	r := f.do(t, http.MethodPost, "/query/intersects?collections=parcels", bytes.NewReader([]byte(geom)), nil)
	var a intersectsAnswer
	if err := json.Unmarshal(r.body, &a); r.status != http.StatusOK || err != nil || a.Parcels == nil {
		t.Fatalf("status %d, %v: %.300s", r.status, err, r.body)
	}
	for _, ft := range a.Parcels.Features {
		if ft.ID == id {
			if got := ft.num(t, "overlap_m2"); !areaClose(got, area) {
				t.Errorf("parcel %d with itself: overlap_m2 %.2f, area_m2 %.2f", id, got, area)
			}
			return
		}
	}
	t.Errorf("parcel %d does not intersect itself: %v", id, a.Parcels.ids())
}

// TestIntersectsRefusesCrossedPolygon: a bow-tie query polygon is a 400
// naming where its edges cross.
func TestIntersectsRefusesCrossedPolygon(t *testing.T) {
	s := httpapi.New(withMemStore(httpapi.Options{}))
	body := `{"type":"Polygon","coordinates":[[[106.70,10.75],[106.71,10.76],[106.71,10.75],[106.70,10.76],[106.70,10.75]]]}`
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/query/intersects", strings.NewReader(body)))
	if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(rec.Body.String(), "edges cross at [106.7050000, 10.7550000]") {
		t.Fatalf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}
