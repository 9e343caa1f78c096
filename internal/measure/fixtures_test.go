package measure

import (
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// hcmc is a point in Ho Chi Minh City; the hand-made shapes sit around it.
var hcmc = orb.Point{106.70, 10.78}

// nan is a coordinate that is not a number.
var nan = math.NaN()

// edgeCases is the shared fixture of awkward inputs every function must
// survive: empty, nil, empty members and rings, degenerate rings, and
// non-finite coordinates. None of them encloses any area.
var edgeCases = []struct {
	name string
	mp   orb.MultiPolygon
}{
	{"nil", nil},
	{"empty", orb.MultiPolygon{}},
	{"nil polygon", orb.MultiPolygon{nil}},
	{"empty polygon", orb.MultiPolygon{orb.Polygon{}}},
	{"empty ring", orb.MultiPolygon{{orb.Ring{}}}},
	{"one point", orb.MultiPolygon{{{hcmc}}}},
	{"two points", orb.MultiPolygon{{{hcmc, {106.71, 10.78}}}}},
	{"repeated point", orb.MultiPolygon{{{hcmc, hcmc, hcmc, hcmc}}}},
	// Along a meridian, which is straight in lon/lat and a geodesic too.
	// (Collinear along a parallel is not degenerate on the ellipsoid: see
	// TestAreaM2.)
	{"collinear", orb.MultiPolygon{{{hcmc, {106.70, 10.79}, {106.70, 10.80}, hcmc}}}},
	{"spike", orb.MultiPolygon{{{hcmc, {106.71, 10.79}, hcmc}}}},
	{"NaN vertex", orb.MultiPolygon{{{{nan, nan}, {nan, 10.78}, {106.71, nan}}}}},
	{"Inf vertex", orb.MultiPolygon{{{{math.Inf(1), 0}, {0, math.Inf(-1)}, {1, 1}}}}},
	{"hole only", orb.MultiPolygon{{orb.Ring{}, metreSquare(0, 0, 100, 100)}}},
}

// ll returns the point x metres east and y metres north of hcmc, using the
// radii of curvature there: the map is affine, so shapes built with it have
// straight lon/lat edges and their areas in m² are the plane's up to ~1e-5.
func ll(x, y float64) orb.Point {
	m, n := radii(hcmc[1] * radPerD)
	return orb.Point{
		hcmc[0] + x/(n*math.Cos(hcmc[1]*radPerD))/radPerD,
		hcmc[1] + y/m/radPerD,
	}
}

// ring returns the closed ring through the given (x, y) metre offsets from
// hcmc, in order.
func ring(xy ...float64) orb.Ring {
	r := make(orb.Ring, 0, len(xy)/2+1)
	for i := 0; i+1 < len(xy); i += 2 {
		r = append(r, ll(xy[i], xy[i+1]))
	}
	return append(r, r[0])
}

// metreSquare returns the counter-clockwise closed ring of the rectangle
// [x0, x1]×[y0, y1] in metres from hcmc.
func metreSquare(x0, y0, x1, y1 float64) orb.Ring {
	return ring(x0, y0, x1, y0, x1, y1, x0, y1)
}

// mpoly wraps rings into a multipolygon of one polygon (shell, holes...).
func mpoly(rings ...orb.Ring) orb.MultiPolygon {
	return orb.MultiPolygon{orb.Polygon(rings)}
}

// reversed returns a copy of mp with every ring's direction flipped.
func reversed(mp orb.MultiPolygon) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			slices.Reverse(r)
		}
	}
	return out
}

// opened returns a copy of mp with the closing vertex of each ring dropped.
func opened(mp orb.MultiPolygon) orb.MultiPolygon {
	out := mp.Clone()
	for i, p := range out {
		for j, r := range p {
			if len(r) > 1 && r[0] == r[len(r)-1] {
				out[i][j] = r[:len(r)-1]
			}
		}
	}
	return out
}

// translated returns a copy of mp moved by (dx, dy) degrees.
func translated(mp orb.MultiPolygon, dx, dy float64) orb.MultiPolygon {
	out := mp.Clone()
	for _, p := range out {
		for _, r := range p {
			for i := range r {
				r[i][0] += dx
				r[i][1] += dy
			}
		}
	}
	return out
}

// cellAreaM2 returns the exact WGS84 area in m² of the lon/lat cell
// [lon, lon+dLon]×[lat0, lat1] bounded by meridians and parallels:
// a²·Δλ·(q(φ1)−q(φ0))/2.
func cellAreaM2(dLon, lat0, lat1 float64) float64 {
	return wgs84A * wgs84A * dLon * radPerD *
		(authQ(math.Sin(lat1*radPerD)) - authQ(math.Sin(lat0*radPerD))) / 2
}

// near reports whether got is within rel·|want| + abs of want.
func near(got, want, rel, abs float64) bool {
	return math.Abs(got-want) <= rel*math.Abs(want)+abs
}

// gen makes seeded random shapes in metres around random centres in Viet
// Nam (8–24°N, 102–110°E).
type gen struct{ r *rand.Rand }

func newGen(seed uint64) gen { return gen{rand.New(rand.NewPCG(seed, 0x5eed))} }

// centre returns a random point in Viet Nam's latitude band.
func (g gen) centre() orb.Point {
	return orb.Point{102 + 8*g.r.Float64(), 8 + 16*g.r.Float64()}
}

// star returns a closed, simple, usually non-convex ring of n vertices
// around c (lon/lat) with radii in [0.3R, R] metres, counter-clockwise.
// Angles are jittered from even spacing, so every gap is below 1.8·2π/n and
// the ring keeps a disc of radius 0.3R·cos(0.9·2π/n) around c free.
func (g gen) star(c orb.Point, n int, radiusM float64) orb.Ring {
	m, nn := radii(c[1] * radPerD)
	r := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * (float64(i) + 0.8*g.r.Float64()) / float64(n)
		rad := radiusM * (0.3 + 0.7*g.r.Float64())
		x, y := rad*math.Cos(a), rad*math.Sin(a)
		r = append(r, orb.Point{
			c[0] + x/(nn*math.Cos(c[1]*radPerD))/radPerD,
			c[1] + y/m/radPerD,
		})
	}
	return append(r, r[0])
}

// polygon returns a random non-convex polygon of n shell vertices around c,
// with a star-shaped hole (clockwise) half the time.
func (g gen) polygon(c orb.Point, n int, radiusM float64) orb.MultiPolygon {
	shell := g.star(c, n, radiusM)
	if g.r.IntN(2) == 0 {
		return orb.MultiPolygon{{shell}}
	}
	// The shell keeps a disc of 0.3R·cos(0.9·2π/n) ≥ 0.22R (n ≥ 8) free.
	hole := g.star(c, 5+g.r.IntN(4), 0.2*radiusM)
	slices.Reverse(hole)
	return orb.MultiPolygon{{shell, hole}}
}

// pair returns two random polygons whose centres lie within about one
// radius of each other, so they usually overlap.
func (g gen) pair(n int) (a, b orb.MultiPolygon) {
	c := g.centre()
	radius := 200 + 3000*g.r.Float64()
	m, nn := radii(c[1] * radPerD)
	off := func() float64 { return (g.r.Float64()*2 - 1) * radius }
	c2 := orb.Point{
		c[0] + off()/(nn*math.Cos(c[1]*radPerD))/radPerD,
		c[1] + off()/m/radPerD,
	}
	return g.polygon(c, n, radius), g.polygon(c2, n, radius*(0.5+g.r.Float64()))
}

// zones reads testdata/zones.geojson (15 OSM industrial zones with their
// PostGIS areas) keyed by osm_id.
func zones(t testing.TB) map[string]zone {
	t.Helper()
	raw, err := os.ReadFile("testdata/zones.geojson")
	if err != nil {
		t.Fatal(err)
	}
	return parseZones(t, raw)
}

// zone is a test polygon with its PostGIS area (0 when unknown).
type zone struct {
	name  string
	mp    orb.MultiPolygon
	areaM float64
}

func parseZones(t testing.TB, raw []byte) map[string]zone {
	t.Helper()
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	out := make(map[string]zone, len(fc.Features))
	for _, f := range fc.Features {
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		case orb.MultiPolygon:
			mp = g
		default:
			t.Fatalf("%v: unexpected geometry %T", f.ID, g)
		}
		out[f.Properties.MustString("osm_id")] = zone{
			name:  f.Properties.MustString("name", ""),
			mp:    mp,
			areaM: f.Properties.MustFloat64("postgis_area_m2", 0),
		}
	}
	return out
}
