package measure

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestDistanceMEdgeCases(t *testing.T) {
	for _, tc := range edgeCases {
		// Empty input gives 0 by the package's rule; degenerate input only
		// has to give a finite number.
		if got := DistanceM(hcmc, tc.mp); math.IsNaN(got) || math.IsInf(got, 0) || got < 0 {
			t.Errorf("%s: DistanceM = %v", tc.name, got)
		}
	}
	for _, mp := range []orb.MultiPolygon{nil, {}, {nil}, {{}}, {{{}}}} {
		if got := DistanceM(hcmc, mp); got != 0 {
			t.Errorf("DistanceM(%v) = %v, want 0", mp, got)
		}
	}
	if got := DistanceM(orb.Point{nan, 10}, mpoly(metreSquare(0, 0, 100, 100))); got != 0 {
		t.Errorf("DistanceM(NaN point) = %v, want 0", got)
	}
}

func TestDistanceM(t *testing.T) {
	holed := mpoly(metreSquare(0, 0, 100, 100), metreSquare(25, 25, 75, 75))
	two := orb.MultiPolygon{holed[0], mpoly(metreSquare(2000, 0, 2100, 100))[0]}
	tests := []struct {
		name string
		mp   orb.MultiPolygon
		p    orb.Point
		want float64
	}{
		{"inside", holed, ll(10, 10), 0},
		{"on edge", holed, ll(100, 50), 0},
		{"on vertex", holed, ll(100, 100), 0},
		{"on hole ring", holed, ll(25, 50), 0},
		{"in hole", holed, ll(50, 40), 15},
		{"north", holed, ll(50, 1100), 1000},
		{"east", holed, ll(1100, 50), 1000},
		{"south-west corner", holed, ll(-300, -400), 500},
		{"far north", holed, ll(50, 40100), 40000},
		{"nearest member", two, ll(1500, 50), 500},
		{"clockwise, open", reversed(opened(holed)), ll(50, 1100), 1000},
	}
	for _, tc := range tests {
		// ll is affine with the radii at hcmc, so metre offsets are exact
		// only to ~1e-5 at these sizes.
		if got := DistanceM(tc.p, tc.mp); !near(got, tc.want, 5e-5, 1e-6) {
			t.Errorf("%s: DistanceM = %.4f, want %.4f", tc.name, got, tc.want)
		}
		if got := DistanceM(tc.p, tc.mp); tc.want > 0 && !near(got, bruteDistanceM(tc.p, tc.mp), 2e-5, 1e-4) {
			t.Errorf("%s: DistanceM = %.4f, geodesic %.4f", tc.name, got, bruteDistanceM(tc.p, tc.mp))
		}
	}
}

// TestDistanceMPostGIS compares with ST_Distance(p::geography,
// g::geography). PostGIS's own result strays up to ~3e-4 from the geodesic
// distance, hence the loose tolerance; the geodesic check is the tight one.
func TestDistanceMPostGIS(t *testing.T) {
	zs := zones(t)
	tests := []struct {
		id   string
		p    orb.Point
		want float64
	}{
		{"way/377269911", orb.Point{106.7612103486597, 10.770901336624803}, 1394.271},
		{"way/377269911", orb.Point{106.64121034865971, 10.810901336624804}, 11515.150},
		{"way/377269911", orb.Point{107.0412103486597, 10.560901336624804}, 38754.442},
		{"relation/19849694", orb.Point{105.5582774529943, 21.01846828341503}, 888.278},
		{"relation/19849694", orb.Point{105.43827745299431, 21.058468283415028}, 9543.854},
		{"relation/19849694", orb.Point{105.8382774529943, 20.808468283415028}, 35702.020},
		{"relation/6289815", orb.Point{106.82230696544957, 10.846872731963604}, 831.863},
		{"relation/6289815", orb.Point{106.70230696544958, 10.886872731963605}, 9586.820},
		{"relation/6289815", orb.Point{107.10230696544957, 10.636872731963605}, 36762.727},
	}
	for _, tc := range tests {
		mp := zs[tc.id].mp
		got := DistanceM(tc.p, mp)
		if !near(got, tc.want, 1e-3, 0) {
			t.Errorf("%s %v: DistanceM = %.3f, PostGIS %.3f", tc.id, tc.p, got, tc.want)
		}
		if ref := bruteDistanceM(tc.p, mp); !near(got, ref, 2e-5, 1e-3) {
			t.Errorf("%s %v: DistanceM = %.3f, geodesic %.3f", tc.id, tc.p, got, ref)
		}
	}
}

// TestDistanceMGeodesic checks random polygons and points up to 50 km away
// against the Vincenty geodesic distance (brief: 0.5%; actual ~1e-5).
func TestDistanceMGeodesic(t *testing.T) {
	g := newGen(3)
	worst := 0.0
	for range 30 {
		c := g.centre()
		mp := g.polygon(c, 8+g.r.IntN(10), 200+3000*g.r.Float64())
		for range 4 {
			p := destination(c, 2*math.Pi*g.r.Float64(), 50e3*g.r.Float64())
			got := DistanceM(p, mp)
			if Contains(mp, p) {
				if got != 0 {
					t.Errorf("inside but DistanceM = %v", got)
				}
				continue
			}
			ref := bruteDistanceM(p, mp)
			rel := math.Abs(got-ref) / ref
			worst = math.Max(worst, rel)
			if !near(got, ref, 2e-5, 1e-3) {
				t.Errorf("DistanceM(%v) = %.3f, geodesic %.3f (rel %.1e)", p, got, ref, rel)
			}
		}
	}
	t.Logf("worst relative error %.1e", worst)
}

// destination returns the point at geodesic distance dM from c along
// azimuth az (radians from north), found by bisection along a straight
// lon/lat ray with vincentyM.
func destination(c orb.Point, az, dM float64) orb.Point {
	m, n := radii(c[1] * radPerD)
	at := func(s float64) orb.Point {
		return orb.Point{
			c[0] + s*math.Sin(az)/(n*math.Cos(c[1]*radPerD))/radPerD,
			c[1] + s*math.Cos(az)/m/radPerD,
		}
	}
	lo, hi := 0.0, 2*dM+1
	for range 80 {
		mid := (lo + hi) / 2
		if vincentyM(c, at(mid)) < dM {
			lo = mid
		} else {
			hi = mid
		}
	}
	return at(hi)
}

func TestBoundAroundM(t *testing.T) {
	if b := BoundAroundM(hcmc, -1); !b.IsEmpty() {
		t.Errorf("r < 0: %v, want empty", b)
	}
	if b := BoundAroundM(hcmc, nan); !b.IsEmpty() {
		t.Errorf("r NaN: %v, want empty", b)
	}
	if b := BoundAroundM(orb.Point{nan, 0}, 10); !b.IsEmpty() {
		t.Errorf("p NaN: %v, want empty", b)
	}
	if b := BoundAroundM(hcmc, 0); b.Min != hcmc || b.Max != hcmc {
		t.Errorf("r = 0: %v, want the point", b)
	}
	if b := BoundAroundM(orb.Point{10, 89.9}, 50e3); b.Max[1] != 90 || b.Min[0] != -180 || b.Max[0] != 180 {
		t.Errorf("near pole: %v, want all longitudes up to 90", b)
	}
	if b := BoundAroundM(hcmc, math.Inf(1)); b.Min != (orb.Point{-180, -90}) || b.Max != (orb.Point{180, 90}) {
		t.Errorf("r = Inf: %v, want the world", b)
	}
	if b := BoundAroundM(orb.Point{179.99, 0}, 10e3); b.Max[0] != 180 {
		t.Errorf("antimeridian: %v, want lon clamped to 180", b)
	}
	// 1 km at the equator: ±1000/110574 m per degree of latitude, about
	// ±1000/111320 of longitude, plus at most 0.1% slack.
	b := BoundAroundM(orb.Point{0, 0}, 1000)
	if h := b.Max[1]; !near(h, 1000/110574.3, 1.2e-3, 0) || h < 1000/110574.3 {
		t.Errorf("equator: half height %v°", h)
	}
	if w := b.Max[0]; !near(w, 1000/111319.5, 1.2e-3, 0) || w < 1000/111319.5 {
		t.Errorf("equator: half width %v°", w)
	}
}

// TestBoundAroundMEncloses walks the geodesic circle of radius r and checks
// that the bound holds every point of it, and every point DistanceM puts
// within r.
func TestBoundAroundMEncloses(t *testing.T) {
	g := newGen(4)
	for range 40 {
		c := g.centre()
		r := math.Pow(10, 1+3.7*g.r.Float64()) // 10 m … 50 km
		b := BoundAroundM(c, r)
		for k := range 72 {
			az := 2 * math.Pi * float64(k) / 72
			p := destination(c, az, r)
			if !b.Contains(p) {
				t.Errorf("r=%.0f at %v: geodesic circle point %v outside %v", r, c, p, b)
			}
			// A point DistanceM puts at r·(1−1e-4) must be inside too.
			q := destination(c, az, r*(1-1e-4))
			tiny := orb.MultiPolygon{{{q, {q[0] + 1e-12, q[1]}, {q[0], q[1] + 1e-12}}}}
			if DistanceM(c, tiny) <= r && !b.Contains(q) {
				t.Errorf("r=%.0f at %v: %v within r by DistanceM but outside %v", r, c, q, b)
			}
		}
		// Slack: no more than 0.2% beyond the circle's extent.
		m, n := radii(c[1] * radPerD)
		if h := (b.Max[1] - b.Min[1]) / 2 * radPerD * m; h > r*1.002 {
			t.Errorf("r=%.0f: half height %.3f m", r, h)
		}
		if w := (b.Max[0] - b.Min[0]) / 2 * radPerD * n * math.Cos(c[1]*radPerD); w > r*1.003 {
			t.Errorf("r=%.0f: half width %.3f m", r, w)
		}
	}
}
