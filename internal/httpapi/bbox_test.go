package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"maps"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
)

// intersectsSQL is the oracle of a bbox: PostGIS ST_Intersects of the
// geometry (not its bound) with the box, edges included. A degenerate box
// (a point, or a line when minLon = maxLon or minLat = maxLat) is given as
// what it is, by ST_Envelope of its diagonal (a POINT or a LINESTRING):
// ST_MakeEnvelope makes it a zero-area polygon, which GEOS finds to
// intersect nothing, not even the polygon it lies on. Otherwise the two are
// the same polygon.
const intersectsSQL = `SELECT id FROM %s, (SELECT $1::float8 AS x0, $2::float8 AS y0, $3::float8 AS x1, $4::float8 AS y1) b
	WHERE ST_Intersects(boundary, CASE WHEN x0 < x1 AND y0 < y1 THEN ST_MakeEnvelope(x0, y0, x1, y1, 4326)
		ELSE ST_SetSRID(ST_Envelope(ST_MakeLine(ST_MakePoint(x0, y0), ST_MakePoint(x1, y1))), 4326) END) ORDER BY id`

// envelopeSQL is what the bbox answered before it meant intersects: the
// features whose double-precision bound meets the box.
const envelopeSQL = `SELECT id FROM %s WHERE ST_XMin(boundary::box3d) <= $3 AND ST_XMax(boundary::box3d) >= $1
	AND ST_YMin(boundary::box3d) <= $4 AND ST_YMax(boundary::box3d) >= $2 ORDER BY id`

// irregular is a shape in unit coordinates ([0,1]², laid on a grid cell):
// polygons of rings, shells counter-clockwise, holes clockwise; empty
// lists spots (unit boxes) inside the shape's bound that it does not
// cover: a notch, a hole, the gap between members.
type irregular struct {
	name  string
	polys [][][]orb.Point
	empty []orb.Bound
}

func sq(x0, y0, x1, y1 float64) []orb.Point {
	return []orb.Point{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}}
}

func cw(r []orb.Point) []orb.Point { r = slices.Clone(r); slices.Reverse(r); return r }

func ub(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}

func star(n int, rOut, rIn float64) []orb.Point {
	var r []orb.Point
	for i := range 2 * n {
		rad := rOut
		if i%2 == 1 {
			rad = rIn
		}
		a := float64(i) * math.Pi / float64(n)
		r = append(r, orb.Point{0.5 + rad*math.Cos(a), 0.5 + rad*math.Sin(a)})
	}
	return r
}

var irregulars = []irregular{
	{"U", [][][]orb.Point{{{{0, 0}, {1, 0}, {1, 1}, {0.7, 1}, {0.7, 0.3}, {0.3, 0.3}, {0.3, 1}, {0, 1}}}},
		[]orb.Bound{ub(0.4, 0.5, 0.6, 0.9), ub(0.31, 0.31, 0.69, 1)}},
	{"L", [][][]orb.Point{{{{0, 0}, {1, 0}, {1, 0.3}, {0.3, 0.3}, {0.3, 1}, {0, 1}}}},
		[]orb.Bound{ub(0.5, 0.5, 0.9, 0.9)}},
	{"comb", [][][]orb.Point{{{{0, 0}, {1, 0}, {1, 1}, {0.8, 1}, {0.8, 0.2}, {0.6, 0.2}, {0.6, 1}, {0.4, 1}, {0.4, 0.2},
		{0.2, 0.2}, {0.2, 1}, {0, 1}}}},
		[]orb.Bound{ub(0.25, 0.3, 0.35, 0.95), ub(0.65, 0.5, 0.75, 0.6)}},
	{"C", [][][]orb.Point{{{{0, 0}, {1, 0}, {1, 0.3}, {0.3, 0.3}, {0.3, 0.7}, {1, 0.7}, {1, 1}, {0, 1}}}},
		[]orb.Bound{ub(0.5, 0.4, 0.9, 0.6)}},
	{"holed square", [][][]orb.Point{{sq(0, 0, 1, 1), cw(sq(0.25, 0.25, 0.75, 0.75))}},
		[]orb.Bound{ub(0.3, 0.3, 0.7, 0.7), ub(0.5, 0.5, 0.5, 0.5)}},
	{"two holes", [][][]orb.Point{{sq(0, 0, 1, 1), cw(sq(0.1, 0.1, 0.4, 0.9)), cw(sq(0.6, 0.1, 0.9, 0.9))}},
		[]orb.Bound{ub(0.15, 0.2, 0.35, 0.8), ub(0.7, 0.4, 0.8, 0.5)}},
	{"three members", [][][]orb.Point{{sq(0, 0, 0.3, 0.3)}, {sq(0.7, 0, 1, 0.3)}, {sq(0.35, 0.7, 0.65, 1)}},
		[]orb.Bound{ub(0.35, 0.05, 0.65, 0.6), ub(0.05, 0.5, 0.25, 0.9)}},
	{"island in a hole", [][][]orb.Point{{sq(0, 0, 1, 1), cw(sq(0.2, 0.2, 0.8, 0.8))}, {sq(0.4, 0.4, 0.6, 0.6)}},
		[]orb.Bound{ub(0.25, 0.25, 0.35, 0.75), ub(0.65, 0.3, 0.75, 0.7)}},
	{"star", [][][]orb.Point{{star(9, 0.5, 0.12)}},
		[]orb.Bound{ub(0.9, 0.9, 1, 1), ub(0.02, 0.02, 0.1, 0.1)}},
	{"holed U", [][][]orb.Point{{{{0, 0}, {1, 0}, {1, 1}, {0.7, 1}, {0.7, 0.4}, {0.3, 0.4}, {0.3, 1}, {0, 1}},
		cw(sq(0.4, 0.1, 0.6, 0.3))}},
		[]orb.Bound{ub(0.45, 0.15, 0.55, 0.25), ub(0.4, 0.6, 0.6, 0.9)}},
	{"sliver", [][][]orb.Point{{{{0, 0}, {1, 0.9}, {0.95, 1}}}},
		[]orb.Bound{ub(0.6, 0.1, 0.9, 0.3), ub(0.05, 0.5, 0.3, 0.9)}},
}

// cellD is the side of a grid cell, in degrees (about 440 m).
const cellD = 0.004

// place lays s on the cell with lower-left corner o, mirrored when flip.
func (s irregular) place(o orb.Point, flip bool) orb.MultiPolygon {
	at := func(p orb.Point) orb.Point {
		if flip {
			p = orb.Point{1 - p[0], 1 - p[1]}
		}
		return orb.Point{o[0] + p[0]*cellD, o[1] + p[1]*cellD}
	}
	var mp orb.MultiPolygon // a point reflection keeps the rings' orientation
	for _, poly := range s.polys {
		var pg orb.Polygon
		for _, r := range poly {
			ring := make(orb.Ring, 0, len(r)+1)
			for _, p := range r {
				ring = append(ring, at(p))
			}
			pg = append(pg, append(ring, ring[0]))
		}
		mp = append(mp, pg)
	}
	return mp
}

// placed is one irregular feature of the test database.
type placed struct {
	collection string
	shape      irregular
	origin     orb.Point
	flip       bool
	geom       orb.MultiPolygon
}

// unitBox maps a unit box of p's shape to lon/lat.
func (p placed) unitBox(b orb.Bound) box {
	at := func(q orb.Point) orb.Point {
		if p.flip {
			q = orb.Point{1 - q[0], 1 - q[1]}
		}
		return orb.Point{p.origin[0] + q[0]*cellD, p.origin[1] + q[1]*cellD}
	}
	lo, hi := at(b.Min), at(b.Max)
	return box{min(lo[0], hi[0]), min(lo[1], hi[1]), max(lo[0], hi[0]), max(lo[1], hi[1])}
}

// irregularFixture is a database holding the irregular shapes as zones (a
// row of them and a row of their mirror images, the two rows overlapping
// by half a cell), and as parcels and green areas of one rectangular zone
// further north, with the API over it.
func irregularFixture(t *testing.T) (*fixture, []placed) {
	t.Helper()
	ctx := context.Background()
	db := postgistest.Open(t)
	pool := db.Pool()
	exec := func(q string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := pool.QueryRow(ctx, q, args...).Scan(&id); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return id
	}
	wkbOf := func(mp orb.MultiPolygon) []byte {
		b, err := wkb.Marshal(mp)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	const zoneSQL = `INSERT INTO zones (code, name_vi, name_en, kind, province, boundary)
		VALUES ($1, $1, $1, 'industrial_park', 'Hà Nội', ST_GeomFromWKB($2, 4326)) RETURNING id`
	var all []placed
	x0, y0 := 105.80, 21.00
	step := 1.25 * cellD
	for i, s := range irregulars {
		for _, flip := range []bool{false, true} {
			o := orb.Point{x0 + float64(i)*step, y0}
			if flip {
				o = orb.Point{o[0] + step/2, y0 + 0.5*cellD}
			}
			p := placed{collection: "zones", shape: s, origin: o, flip: flip, geom: s.place(o, flip)}
			exec(zoneSQL, fmt.Sprintf("KCN-IRR-%d-%d", i, map[bool]int{false: 0, true: 1}[flip]), wkbOf(p.geom))
			all = append(all, p)
		}
	}
	// Parcels and green areas in a container zone: each in a cell of its
	// own, so that parcels do not overlap.
	py := y0 + 3*cellD
	container := orb.MultiPolygon{{{{x0 - cellD, py - cellD}, {x0 + float64(len(irregulars)+1)*step, py - cellD},
		{x0 + float64(len(irregulars)+1)*step, py + 4*cellD}, {x0 - cellD, py + 4*cellD}, {x0 - cellD, py - cellD}}}}
	zid := exec(zoneSQL, "KCN-IRR-CONTAINER", wkbOf(container))
	for i, s := range irregulars {
		o := orb.Point{x0 + float64(i)*step, py}
		p := placed{collection: "parcels", shape: s, origin: o, geom: s.place(o, false)}
		exec(`INSERT INTO parcels (zone_id, lot_code, land_use, boundary) VALUES ($1, $2, 'industrial', ST_GeomFromWKB($3, 4326)) RETURNING id`,
			zid, fmt.Sprintf("L%d", i), wkbOf(p.geom))
		all = append(all, p)
		o = orb.Point{o[0], py + 1.5*cellD}
		g := placed{collection: "green-areas", shape: s, origin: o, flip: true, geom: s.place(o, true)}
		exec(`INSERT INTO green_areas (zone_id, kind, boundary) VALUES ($1, 'park', ST_GeomFromWKB($2, 4326)) RETURNING id`,
			zid, wkbOf(g.geom))
		all = append(all, g)
	}
	logger := slog.New(slog.DiscardHandler)
	ix := index.New()
	fl := indexsync.New(db, ix, logger)
	if err := fl.Load(ctx); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger}))
	t.Cleanup(srv.Close)
	return &fixture{pool: pool, url: srv.URL}, all
}

// irregularBoxes draws the probes: for each feature, its empty spots
// (notch, hole, gap), tiny and small boxes anywhere in its bound, point
// boxes at vertices, boxes touching it from outside at a vertex or along
// its bound's edge; then boxes spanning several features.
func irregularBoxes(rng *rand.Rand, all []placed) map[string][]box {
	out := map[string][]box{}
	for _, p := range all {
		var bs []box
		for _, e := range p.shape.empty {
			bs = append(bs, p.unitBox(e))
		}
		pb := p.geom.Bound()
		for range 8 {
			side := cellD * math.Pow(10, -4+3.3*rng.Float64())
			x := pb.Min[0] - 0.05*cellD + rng.Float64()*(pb.Max[0]-pb.Min[0]+0.1*cellD)
			y := pb.Min[1] - 0.05*cellD + rng.Float64()*(pb.Max[1]-pb.Min[1]+0.1*cellD)
			bs = append(bs, box{x, y, x + side*rng.Float64(), y + side*rng.Float64()})
		}
		for range 2 {
			poly := p.geom[rng.IntN(len(p.geom))]
			r := poly[rng.IntN(len(poly))]
			v := r[rng.IntN(len(r))]
			d := cellD * 0.01 * (1 + rng.Float64())
			bs = append(bs,
				box{v[0], v[1], v[0], v[1]},                       // a point on the vertex
				box{v[0], v[1], v[0] + d, v[1] + d},               // a corner on it
				box{v[0] - d, v[1] - d, v[0], v[1]},               // the opposite corner
				box{pb.Max[0], v[1] - d, pb.Max[0] + d, v[1] + d}, // on the bound's east edge
			)
		}
		out[p.collection] = append(out[p.collection], bs...)
	}
	for _, c := range slices.Sorted(maps.Keys(out)) { // in order: the boxes are the seed's
		bs := out[c]
		var ext orb.Bound
		for i, b := range bs {
			bb := orb.Bound{Min: orb.Point{b.minLon, b.minLat}, Max: orb.Point{b.maxLon, b.maxLat}}
			if i == 0 {
				ext = bb
			}
			ext = ext.Union(bb)
		}
		for range 12 {
			w, h := cellD*(0.3+3*rng.Float64()), cellD*(0.3+rng.Float64())
			x := ext.Min[0] + rng.Float64()*(ext.Max[0]-ext.Min[0])
			y := ext.Min[1] + rng.Float64()*(ext.Max[1]-ext.Min[1])
			out[c] = append(out[c], box{x, y, x + w, y + h})
		}
		for range 6 { // strips across every feature: many hits, and misses between
			y := ext.Min[1] + rng.Float64()*(ext.Max[1]-ext.Min[1])
			out[c] = append(out[c], box{ext.Min[0], y, ext.Max[0], y + 0.05*cellD})
		}
	}
	return out
}

// TestBBoxIntersectsPostGIS checks that a bbox selects exactly the features
// whose geometry intersects the box, as PostGIS ST_Intersects does, on
// concave (U, L, C, comb, star, sliver), holed (one, two, an island in a
// hole) and multi-part shapes, for many small boxes in notches and holes
// and boxes touching vertices and edges: the items of every collection
// (numberMatched included), paging through them, the export and
// /query/intersects given the box as a polygon; and by name, a box in a
// U's notch.
func TestBBoxIntersectsPostGIS(t *testing.T) {
	f, all := irregularFixture(t)
	rng := rand.New(rand.NewPCG(11, 1))
	boxes := irregularBoxes(rng, all)
	differ, nonEmpty, n := 0, 0, 0
	var wide box // the zones box with the most hits and others in its bound
	var wideIDs []int64
	for _, c := range []string{"zones", "parcels", "green-areas"} {
		for i, b := range boxes[c] {
			want := f.ids(t, fmt.Sprintf(intersectsSQL, tables[c]), b.minLon, b.minLat, b.maxLon, b.maxLat)
			got := f.all(t, c, url.Values{"bbox": {b.String()}}).ids()
			n++
			if d := sameIDs(got, want); d != "" {
				t.Errorf("%s bbox=%s: %s", c, b, d)
			}
			if len(want) > 0 {
				nonEmpty++
			}
			env := f.ids(t, fmt.Sprintf(envelopeSQL, tables[c]), b.minLon, b.minLat, b.maxLon, b.maxLat)
			if !slices.Equal(env, want) {
				differ++
				if c == "zones" && len(want) > len(wideIDs) {
					wide, wideIDs = b, want
				}
			}
			if i%8 == 0 { // the export applies the same rule
				if got := exportIDs(t, f, c, b); !slices.Equal(got, want) {
					t.Errorf("%s export bbox=%s: %s", c, b, sameIDs(got, want))
				}
			}
			if i%8 == 4 && b.minLon < b.maxLon && b.minLat < b.maxLat { // and /query/intersects, given the box as a polygon
				if got := intersectsIDs(t, f, c, b); !slices.Equal(got, want) {
					t.Errorf("%s intersects box %s: %s", c, b, sameIDs(got, want))
				}
			}
		}
	}
	// The probes must be worth something: boxes where the bound and the
	// geometry disagree (the defect), and boxes that do find features.
	if differ < n/5 || nonEmpty < n/3 {
		t.Errorf("of %d boxes %d tell geometry from bound and %d find features; the boxes test little", n, differ, nonEmpty)
	}
	t.Logf("%d boxes, %d where bound and geometry differ, %d non-empty", n, differ, nonEmpty)

	// Paging: every page counts the same numberMatched, and the pages
	// together hold exactly the intersecting features, in id order.
	if len(wideIDs) < 5 {
		t.Fatalf("no box finds 5 zones with others in its bound (best %d)", len(wideIDs))
	}
	for _, limit := range []int{1, 2, 3} {
		pages := f.walk(t, fmt.Sprintf("/collections/zones/items?bbox=%s&limit=%d", wide, limit), "next")
		var got []int64
		for _, p := range pages {
			if p.NumberMatched == nil || *p.NumberMatched != len(wideIDs) {
				t.Errorf("bbox=%s limit=%d: numberMatched %v, want %d", wide, limit, p.NumberMatched, len(wideIDs))
			}
			got = append(got, p.ids()...)
		}
		if !slices.Equal(got, wideIDs) {
			t.Errorf("bbox=%s limit=%d: pages hold %v, want %v", wide, limit, got, wideIDs)
		}
	}

	// The defect by name: a small box in the notch of a U-shaped zone
	// (inside its bound, outside the polygon) finds no zone, in the items
	// and in the export, while a box on the U's floor finds it.
	var u placed
	for _, p := range all {
		if p.collection == "zones" && p.shape.name == "U" && !p.flip {
			u = p
		}
	}
	notch := u.unitBox(ub(0.45, 0.8, 0.55, 0.9)) // no other zone reaches it
	floor := u.unitBox(ub(0.45, 0.25, 0.55, 0.35))
	if ids := f.ids(t, fmt.Sprintf(intersectsSQL, "zones"), notch.minLon, notch.minLat, notch.maxLon, notch.maxLat); len(ids) != 0 {
		t.Fatalf("PostGIS finds zones %v in the notch; the fixture is not what the test assumes", ids)
	}
	for _, c := range []struct {
		b    box
		want int
	}{{notch, 0}, {floor, 1}} {
		if got := f.all(t, "zones", url.Values{"bbox": {c.b.String()}}); len(got.Features) != c.want {
			t.Errorf("items bbox=%s: zones %v, want %d", c.b, got.ids(), c.want)
		}
		if got := exportIDs(t, f, "zones", c.b); len(got) != c.want {
			t.Errorf("export bbox=%s: zones %v, want %d", c.b, got, c.want)
		}
	}
}

// exportIDs exports collection c within b as GeoJSON text sequences and
// returns the ids, in order.
func exportIDs(t *testing.T, f *fixture, c string, b box) []int64 {
	t.Helper()
	r := f.do(t, http.MethodGet, "/collections/"+c+"/export?f=geojsonseq&bbox="+b.String(), nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("export %s bbox=%s: status %d %s", c, b, r.status, r.body)
	}
	var ids []int64
	for _, rec := range bytes.Split(r.body, []byte{0x1e}) {
		if len(rec) == 0 {
			continue
		}
		var ft feature
		if err := json.Unmarshal(rec, &ft); err != nil {
			t.Fatalf("export %s: %v", c, err)
		}
		ids = append(ids, ft.ID)
	}
	return ids
}

// intersectsIDs posts b as a polygon to /query/intersects and returns the
// ids of collection c in the answer, sorted.
func intersectsIDs(t *testing.T, f *fixture, c string, b box) []int64 {
	t.Helper()
	ring := [][]float64{{b.minLon, b.minLat}, {b.maxLon, b.minLat}, {b.maxLon, b.maxLat}, {b.minLon, b.maxLat}, {b.minLon, b.minLat}}
	body, err := json.Marshal(map[string]any{"type": "Polygon", "coordinates": [][][]float64{ring}})
	if err != nil {
		t.Fatal(err)
	}
	r := f.do(t, http.MethodPost, "/query/intersects?collections="+c, bytes.NewReader(body), nil)
	if r.status != http.StatusOK {
		t.Fatalf("intersects %s: status %d %s", b, r.status, r.body)
	}
	var a intersectsAnswer
	if err := json.Unmarshal(r.body, &a); err != nil {
		t.Fatal(err)
	}
	fc := a.of(c)
	if fc == nil {
		t.Fatalf("intersects %s: no %s in the answer", b, c)
	}
	ids := fc.ids()
	slices.Sort(ids)
	return ids
}
