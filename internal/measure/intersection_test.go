package measure

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

func TestIntersectionAreaM2EdgeCases(t *testing.T) {
	sq := mpoly(metreSquare(-1000, -1000, 1000, 1000))
	for _, tc := range edgeCases {
		for _, got := range []float64{
			IntersectionAreaM2(tc.mp, sq),
			IntersectionAreaM2(sq, tc.mp),
			IntersectionAreaM2(tc.mp, tc.mp),
		} {
			if got != 0 {
				t.Errorf("%s: IntersectionAreaM2 = %v, want 0", tc.name, got)
			}
		}
	}
	pole := orb.MultiPolygon{{{{0, 89.9999}, {1, 89.9999}, {1, 90}, {0, 90}}}}
	if got := IntersectionAreaM2(pole, pole); got != 0 {
		t.Errorf("at the pole: %v, want 0 (unsupported)", got)
	}
}

func TestIntersectionAreaM2(t *testing.T) {
	sq := func(x0, y0, x1, y1 float64) orb.MultiPolygon { return mpoly(metreSquare(x0, y0, x1, y1)) }
	a := sq(0, 0, 100, 100)
	holed := mpoly(metreSquare(0, 0, 100, 100), metreSquare(25, 25, 75, 75))
	l := mpoly(ring(0, 0, 100, 0, 100, 40, 40, 40, 40, 100, 0, 100))
	u := mpoly(ring(0, 0, 100, 0, 100, 100, 70, 100, 70, 30, 30, 30, 30, 100, 0, 100))
	two := orb.MultiPolygon{a[0], sq(200, 0, 300, 100)[0]}
	tests := []struct {
		name string
		a, b orb.MultiPolygon
		want orb.MultiPolygon // the intersection, measured with AreaM2
		m2   float64          // its area by hand, m² (±0.01%)
	}{
		{"half", a, sq(50, 0, 150, 100), sq(50, 0, 100, 100), 5000},
		{"quarter", a, sq(50, 50, 150, 150), sq(50, 50, 100, 100), 2500},
		{"touch edge", a, sq(100, 0, 200, 100), nil, 0},
		{"touch corner", a, sq(100, 100, 200, 200), nil, 0},
		{"touch part of edge", a, sq(100, 50, 200, 150), nil, 0},
		{"vertex on edge", a, mpoly(ring(100, 50, 150, 0, 150, 100)), nil, 0},
		{"T-junction on shared edge", a, mpoly(ring(100, 0, 200, 0, 200, 100, 100, 100, 100, 50)), nil, 0},
		{"disjoint", a, sq(200, 0, 300, 100), nil, 0},
		{"identical", a, a, a, 10000},
		{"identical, other winding", a, reversed(a), a, 10000},
		{"identical, open ring", a, opened(a), a, 10000},
		{"inside", a, sq(20, 20, 80, 80), sq(20, 20, 80, 80), 3600},
		{"inside, sharing part of an edge", a, sq(0, 20, 60, 80), sq(0, 20, 60, 80), 3600},
		{"inside, sharing a corner", a, sq(0, 0, 50, 50), sq(0, 0, 50, 50), 2500},
		{"collinear overlap, same side", a, sq(0, 50, 100, 150), sq(0, 50, 100, 100), 5000},
		{"collinear overlap, sideways", a, sq(-50, 0, 50, 100), sq(0, 0, 50, 100), 5000},
		{"collinear partial edges", a, sq(30, -20, 70, 100), sq(30, 0, 70, 100), 4000},
		{"hole: cover all", holed, sq(-10, -10, 110, 110), holed, 7500},
		{"hole: exactly the hole", holed, sq(25, 25, 75, 75), nil, 0},
		{"hole: inside the hole", holed, sq(30, 30, 70, 70), nil, 0},
		{"hole: same shell", holed, a, holed, 7500},
		{"hole: half", holed, sq(50, 0, 150, 100), mpoly(metreSquare(50, 0, 100, 100), metreSquare(50, 25, 75, 75)), 3750},
		{"hole vs hole", holed, holed, holed, 7500},
		{"multipolygon", two, sq(50, 0, 250, 100), orb.MultiPolygon{sq(50, 0, 100, 100)[0], sq(200, 0, 250, 100)[0]}, 10000},
		{"multipolygon vs itself", two, two, two, 20000},
		{"L ∩ square", l, sq(20, 20, 120, 120), mpoly(ring(20, 20, 100, 20, 100, 40, 40, 40, 40, 100, 20, 100)), 2800},
		{"L in its crook", l, sq(40, 40, 100, 100), nil, 0},
		{"U ∩ bar", u, sq(-10, 50, 110, 60), orb.MultiPolygon{sq(0, 50, 30, 60)[0], sq(70, 50, 100, 60)[0]}, 600},
		{"U ∩ its notch floor", u, sq(0, 0, 100, 30), sq(0, 0, 100, 30), 3000},
		{"U ∩ U shifted", u, translated(u, 0, ll(0, 10)[1]-hcmc[1]),
			mpoly(ring(0, 10, 100, 10, 100, 100, 70, 100, 70, 30, 30, 30, 30, 100, 0, 100)), 6200},
		{"diagonal cut", a, mpoly(ring(0, 0, 100, 0, 0, 100)), mpoly(ring(0, 0, 100, 0, 0, 100)), 5000},
		{"two triangles sharing the diagonal", mpoly(ring(0, 0, 100, 0, 100, 100)), mpoly(ring(0, 0, 100, 100, 0, 100)), nil, 0},
		{"diamond in square", a, mpoly(ring(50, 0, 100, 50, 50, 100, 0, 50)), mpoly(ring(50, 0, 100, 50, 50, 100, 0, 50)), 5000},
	}
	for _, tc := range tests {
		want := AreaM2(tc.want)
		for _, c := range []struct {
			how  string
			a, b orb.MultiPolygon
		}{
			{"a∩b", tc.a, tc.b},
			{"b∩a", tc.b, tc.a},
			{"reversed a∩b", reversed(tc.a), tc.b},
			{"a∩reversed b", tc.a, reversed(tc.b)},
		} {
			got := IntersectionAreaM2(c.a, c.b)
			if !near(got, want, 1e-6, 1e-6) {
				t.Errorf("%s, %s: IntersectionAreaM2 = %.6f, want %.6f", tc.name, c.how, got, want)
			}
			if !near(got, tc.m2, 1e-4, 1e-6) {
				t.Errorf("%s, %s: IntersectionAreaM2 = %.6f, by hand %.0f", tc.name, c.how, got, tc.m2)
			}
		}
	}
}

// TestIntersectionAreaM2PostGIS compares with
// ST_Area(ST_Intersection(a, b)::geography) on real zones: overlapping
// pairs, pairs sharing an edge, and zones against shifted copies.
func TestIntersectionAreaM2PostGIS(t *testing.T) {
	zs := zones(t)
	tests := []struct {
		a, b   string
		dx, dy float64 // shift of b, degrees
		want   float64
	}{
		{"way/319538031", "way/566708588", 0, 0, 0}, // shared edge
		{"way/516578005", "way/661016855", 0, 0, 0}, // shared edge
		{"way/783792019", "way/783794691", 0, 0, 15.4789},
		{"way/1193514671", "way/594483046", 0, 0, 10240.0078},
		{"way/1253667259", "way/598122602", 0, 0, 298887.3640}, // b inside a
		{"way/1257183934", "way/1257183941", 0, 0, 291.1338},
		{"way/377269911", "way/377269911", 0.003, 0.002, 1463957.4822},
		{"way/377269911", "way/377269911", -0.004, 0.0, 1248734.1040},
		{"way/377269911", "way/377269911", 0.001, -0.002, 1777845.5076},
		{"relation/19849694", "relation/19849694", 0.003, 0.002, 8263386.8900},
		{"relation/19849694", "relation/19849694", -0.004, 0.0, 7972907.6277},
		{"relation/19849694", "relation/19849694", 0.001, -0.002, 9215950.1136},
		{"relation/6289815", "relation/6289815", 0.003, 0.002, 7027008.8039},
		{"relation/6289815", "relation/6289815", -0.004, 0.0, 6870806.1906},
		{"relation/6289815", "relation/6289815", 0.001, -0.002, 7914187.5155},
	}
	for _, tc := range tests {
		a, b := zs[tc.a].mp, translated(zs[tc.b].mp, tc.dx, tc.dy)
		for _, got := range []float64{IntersectionAreaM2(a, b), IntersectionAreaM2(b, a)} {
			if !near(got, tc.want, 1e-5, 1e-4) {
				t.Errorf("%s ∩ %s%+v: %.4f, PostGIS %.4f", tc.a, tc.b, [2]float64{tc.dx, tc.dy}, got, tc.want)
			}
		}
	}
	for id, z := range zs {
		if got := IntersectionAreaM2(z.mp, z.mp); !near(got, z.areaM, 1e-6, 0) {
			t.Errorf("%s ∩ itself: %.4f, PostGIS area %.4f", id, got, z.areaM)
		}
	}
}

func TestIntersectionAreaM2Properties(t *testing.T) {
	g := newGen(5)
	for i := range 300 {
		a, b := g.pair(8 + g.r.IntN(20))
		ab, ba := IntersectionAreaM2(a, b), IntersectionAreaM2(b, a)
		areaA, areaB := AreaM2(a), AreaM2(b)
		if !near(ab, ba, 1e-9, 1e-6) {
			t.Errorf("#%d: not symmetric: %v vs %v", i, ab, ba)
		}
		if ab < 0 || ab > math.Min(areaA, areaB)*(1+1e-7) {
			t.Errorf("#%d: %v outside [0, min(%v, %v)]", i, ab, areaA, areaB)
		}
		if aa := IntersectionAreaM2(a, a); !near(aa, areaA, 1e-6, 0) {
			t.Errorf("#%d: A∩A = %v, area %v", i, aa, areaA)
		}
		if (ab > 0) != Intersects(a, b) && ab > 1e-6 {
			t.Errorf("#%d: area %v but Intersects = %v", i, ab, Intersects(a, b))
		}
		if got := IntersectionAreaM2(reversed(opened(a)), b); !near(got, ab, 1e-9, 1e-6) {
			t.Errorf("#%d: winding/closure changes the result: %v vs %v", i, got, ab)
		}
	}
}

// TestIntersectionAreaM2Additive splits a rectangle R into two pieces along
// a random line (vertical, or its diagonal) and checks
// area(A∩R) = area(A∩R1) + area(A∩R2), the split line being a shared edge.
// With straight lon/lat edges this is exact; with great-circle edges (the
// public function, like PostGIS) an edge of A cut by the line bulges less
// as two pieces than as one, a difference of ~1e-5 of A's area.
func TestIntersectionAreaM2Additive(t *testing.T) {
	g := newGen(6)
	worst := 0.0
	for i := range 200 {
		a, _ := g.pair(8 + g.r.IntN(20))
		bd := a.Bound()
		lerp := func(lo, hi, f float64) float64 { return lo + (hi-lo)*f }
		x0, x1 := lerp(bd.Min[0], bd.Max[0], -0.2+0.6*g.r.Float64()), lerp(bd.Min[0], bd.Max[0], 0.6+0.6*g.r.Float64())
		y0, y1 := lerp(bd.Min[1], bd.Max[1], -0.2+0.6*g.r.Float64()), lerp(bd.Min[1], bd.Max[1], 0.6+0.6*g.r.Float64())
		xs := lerp(x0, x1, g.r.Float64())
		// R carries the split's ends as vertices, so its edges are exactly
		// those of the two halves in either edge model.
		r := orb.MultiPolygon{{{{x0, y0}, {xs, y0}, {x1, y0}, {x1, y1}, {xs, y1}, {x0, y1}, {x0, y0}}}}
		left := orb.MultiPolygon{{{{x0, y0}, {xs, y0}, {xs, y1}, {x0, y1}, {x0, y0}}}}
		right := orb.MultiPolygon{{{{xs, y0}, {x1, y0}, {x1, y1}, {xs, y1}, {xs, y0}}}}
		rect := orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
		low := orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y0}}}}
		high := orb.MultiPolygon{{{{x0, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
		areaA := AreaM2(a)
		for _, gc := range []bool{false, true} {
			tol := 1e-9 * areaA
			if gc {
				tol = 1e-5 * areaA
			}
			whole := intersectionArea(a, r, gc)
			sum := intersectionArea(a, left, gc) + intersectionArea(right, a, gc)
			if !near(sum, whole, 0, tol) {
				t.Errorf("#%d gc=%v: vertical split sums to %v, whole %v", i, gc, sum, whole)
			}
			if gc {
				worst = math.Max(worst, math.Abs(sum-whole)/areaA)
			}
			whole = intersectionArea(a, rect, gc)
			sum = intersectionArea(low, a, gc) + intersectionArea(a, high, gc)
			if !near(sum, whole, 0, tol) {
				t.Errorf("#%d gc=%v: diagonal split sums to %v, whole %v", i, gc, sum, whole)
			}
		}
	}
	t.Logf("great-circle model: worst additivity gap %.1e of area(A)", worst)
}

// TestIntersectionAreaM2Grid checks random non-convex pairs against a
// brute-force count of lon/lat grid cells whose centres lie in both
// (Contains), each weighted by its exact ellipsoidal area.
func TestIntersectionAreaM2Grid(t *testing.T) {
	g := newGen(7)
	const n = 400
	worst := 0.0
	for i := range 25 {
		a, b := g.pair(8 + g.r.IntN(12))
		ba, bb := a.Bound(), b.Bound()
		lon0, lon1 := math.Max(ba.Min[0], bb.Min[0]), math.Min(ba.Max[0], bb.Max[0])
		lat0, lat1 := math.Max(ba.Min[1], bb.Min[1]), math.Min(ba.Max[1], bb.Max[1])
		got := IntersectionAreaM2(a, b)
		if lon1 <= lon0 || lat1 <= lat0 {
			if got != 0 {
				t.Errorf("#%d: bounds apart but area %v", i, got)
			}
			continue
		}
		dLon, dLat := (lon1-lon0)/n, (lat1-lat0)/n
		est := 0.0
		for row := range n {
			lat := lat0 + (float64(row)+0.5)*dLat
			count := 0
			for col := range n {
				p := orb.Point{lon0 + (float64(col)+0.5)*dLon, lat}
				if Contains(a, p) && Contains(b, p) {
					count++
				}
			}
			est += float64(count) * cellAreaM2(dLon, lat-dLat/2, lat+dLat/2)
		}
		// A grid count errs by about half a cell per boundary crossing of
		// each row: allow 2 cells per row over the 400 rows.
		cell := cellAreaM2(dLon, lat0, lat0+dLat)
		tol := 2 * n * cell
		worst = math.Max(worst, math.Abs(got-est)/tol)
		if math.Abs(got-est) > tol {
			t.Errorf("#%d: IntersectionAreaM2 = %.1f, grid %.1f (±%.1f)", i, got, est, tol)
		}
	}
	t.Logf("worst |exact−grid| is %.2f of the tolerance", worst)
}

// latticeShape returns a random rectilinear multipolygon on a 6×6 lattice
// of 0.001° cells at hcmc: a rectangle, an L, a rectangle with a hole, or
// two rectangles. Rings start at a random vertex, run either way and carry
// extra vertices on their edges, so pairs share edges, run collinear, touch
// at vertices and meet in T-junctions all the time.
func (g gen) latticeShape() orb.MultiPolygon {
	const unit = 0.001
	pt := func(x, y int) orb.Point { return orb.Point{hcmc[0] + float64(x)*unit, hcmc[1] + float64(y)*unit} }
	rect := func(w, h int) (x0, y0, x1, y1 int) {
		x0, y0 = g.r.IntN(6-w+1), g.r.IntN(6-h+1)
		return x0, y0, x0 + w, y0 + h
	}
	// walk builds a ring through lattice corners, adding every lattice
	// point along an edge with probability ½.
	walk := func(xy ...int) orb.Ring {
		var r orb.Ring
		n := len(xy) / 2
		for i := range n {
			x0, y0, x1, y1 := xy[2*i], xy[2*i+1], xy[2*((i+1)%n)], xy[2*((i+1)%n)+1]
			steps := max(abs(x1-x0), abs(y1-y0))
			r = append(r, pt(x0, y0))
			for s := 1; s < steps; s++ {
				if g.r.IntN(2) == 0 {
					r = append(r, pt(x0+(x1-x0)*s/steps, y0+(y1-y0)*s/steps))
				}
			}
		}
		k := g.r.IntN(len(r))
		r = append(r[k:], r[:k]...)
		if g.r.IntN(2) == 0 {
			slices.Reverse(r)
		}
		if g.r.IntN(2) == 0 {
			r = append(r, r[0])
		}
		return r
	}
	box := func(x0, y0, x1, y1 int) orb.Ring { return walk(x0, y0, x1, y0, x1, y1, x0, y1) }
	switch g.r.IntN(4) {
	case 0:
		return orb.MultiPolygon{{box(rect(1+g.r.IntN(6), 1+g.r.IntN(6)))}}
	case 1: // L: a rectangle with its top-right corner cut away
		x0, y0, x1, y1 := rect(2+g.r.IntN(5), 2+g.r.IntN(5))
		cx, cy := x0+1+g.r.IntN(x1-x0-1), y0+1+g.r.IntN(y1-y0-1)
		return orb.MultiPolygon{{walk(x0, y0, x1, y0, x1, cy, cx, cy, cx, y1, x0, y1)}}
	case 2: // rectangle with a hole strictly inside
		x0, y0, x1, y1 := rect(3+g.r.IntN(4), 3+g.r.IntN(4))
		hx0, hy0 := x0+1+g.r.IntN(x1-x0-2), y0+1+g.r.IntN(y1-y0-2)
		hx1, hy1 := hx0+1+g.r.IntN(x1-1-hx0), hy0+1+g.r.IntN(y1-1-hy0)
		return orb.MultiPolygon{{box(x0, y0, x1, y1), box(hx0, hy0, hx1, hy1)}}
	default:
		// Two rectangles: apart, touching at a corner, or sharing part of
		// an edge (not OGC-valid, but it must still come out right).
		w := 1 + g.r.IntN(2)
		a := box(0, 0, w, 2+g.r.IntN(4))
		if g.r.IntN(2) == 0 {
			return orb.MultiPolygon{{a}, {box(w, 3+g.r.IntN(1), w+1+g.r.IntN(6-w-1), 6)}}
		}
		return orb.MultiPolygon{{a}, {box(w+1, g.r.IntN(3), 6, 3+g.r.IntN(4))}}
	}
}

// TestIntersectionAreaM2Lattice checks rectilinear lattice shapes, full of
// shared and collinear edges, against the exact area: the sum of the
// lattice cells whose centres lie in both (cell areas exact on WGS84).
func TestIntersectionAreaM2Lattice(t *testing.T) {
	const unit = 0.001
	g := newGen(8)
	for i := range 2000 {
		a, b := g.latticeShape(), g.latticeShape()
		want := 0.0
		for y := range 6 {
			lat := hcmc[1] + float64(y)*unit
			for x := range 6 {
				c := orb.Point{hcmc[0] + (float64(x)+0.5)*unit, lat + unit/2}
				if Contains(a, c) && Contains(b, c) {
					want += cellAreaM2(unit, lat, lat+unit)
				}
			}
		}
		if got := intersectionArea(a, b, false); !near(got, want, 1e-9, 1e-6) {
			t.Fatalf("#%d: straight edges: %.6f, want %.6f\na = %v\nb = %v", i, got, want, a, b)
		}
		// Great circles bow the east–west edges, by ~1e-6 here.
		if got := IntersectionAreaM2(a, b); !near(got, want, 1e-5, 1e-6) {
			t.Fatalf("#%d: %.6f, want %.6f\na = %v\nb = %v", i, got, want, a, b)
		}
		if got, want := IntersectionAreaM2(a, b) > 0, Intersects(a, b); got && !want {
			t.Fatalf("#%d: area > 0 but Intersects false", i)
		}
	}
}

// TestIntersectionAreaM2StarSplit cuts a random star-shaped polygon A into
// two pieces along two spokes from its centre, which share those spokes
// (diagonal edges in lon/lat), and checks the pieces against each other, A,
// and a random B.
func TestIntersectionAreaM2StarSplit(t *testing.T) {
	g := newGen(9)
	for i := range 300 {
		c := g.centre()
		n := 8 + g.r.IntN(20)
		shell := g.star(c, n, 200+3000*g.r.Float64())[:n]
		j, k := g.r.IntN(n), g.r.IntN(n)
		if j == k {
			continue
		}
		var r1, r2 orb.Ring
		for m := j; ; m = (m + 1) % n { // j … k
			r1 = append(r1, shell[m])
			if m == k {
				break
			}
		}
		for m := k; ; m = (m + 1) % n { // k … j
			r2 = append(r2, shell[m])
			if m == j {
				break
			}
		}
		a := orb.MultiPolygon{{append(shell, shell[0])}}
		a1 := orb.MultiPolygon{{append(append(orb.Ring{c}, r1...), c)}}
		a2 := orb.MultiPolygon{{append(append(orb.Ring{c}, r2...), c)}}
		_, b := g.pair(8 + g.r.IntN(12))
		b = translated(b, c[0]-b.Bound().Center()[0], c[1]-b.Bound().Center()[1])
		if got := IntersectionAreaM2(a1, a2); got != 0 {
			t.Errorf("#%d: pieces overlap by %v", i, got)
		}
		if got, want := IntersectionAreaM2(a1, a), AreaM2(a1); !near(got, want, 1e-6, 1e-6) {
			t.Errorf("#%d: piece ∩ whole = %v, piece %v", i, got, want)
		}
		whole := intersectionArea(b, a, false)
		sum := intersectionArea(b, a1, false) + intersectionArea(a2, b, false)
		if !near(sum, whole, 1e-9, 1e-6) {
			t.Errorf("#%d: B∩A = %v but B∩A1 + B∩A2 = %v", i, whole, sum)
		}
	}
}

// FuzzMeasure feeds arbitrary (often invalid) small polygons to every
// function: none may panic or return NaN.
func FuzzMeasure(f *testing.F) {
	f.Add(106.70, 10.78, 0.01, 0.002, 0.5, 3.0, 106.705, 10.781, 0.003, -0.004, 2.0, 1.0)
	f.Add(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
	f.Add(179.9, 89.9, 1e-9, 1e300, -1.0, 7.0, nan, 0.0, 1.0, 1.0, 1.0, 1.0)
	f.Fuzz(func(t *testing.T, x0, y0, w0, h0, s0, k0, x1, y1, w1, h1, s1, k1 float64) {
		shape := func(x, y, w, h, skew, k float64) orb.MultiPolygon {
			// A pentagon with a notch and a sliver hole; k picks the winding.
			r := orb.Ring{{x, y}, {x + w, y + skew*h}, {x + w, y + h}, {x + w/2, y + h/2}, {x, y + h}}
			if k > 0 {
				slices.Reverse(r)
			}
			return orb.MultiPolygon{{r, {{x + w/4, y + h/8}, {x + w/3, y + h/8}, {x + w/4, y + h/7}}}}
		}
		a, b := shape(x0, y0, w0, h0, s0, k0), shape(x1, y1, w1, h1, s1, k1)
		for _, v := range []float64{
			AreaM2(a), IntersectionAreaM2(a, b), IntersectionAreaM2(a, a),
			DistanceM(orb.Point{x1, y1}, a),
		} {
			if math.IsNaN(v) || v < 0 {
				t.Fatalf("got %v for a=%v b=%v", v, a, b)
			}
		}
		Contains(a, orb.Point{x1, y1})
		Intersects(a, b)
		BoundAroundM(orb.Point{x0, y0}, w1)
	})
}
