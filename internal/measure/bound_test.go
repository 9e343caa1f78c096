package measure

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

// boxOf returns the lon/lat box spanning two metre offsets from hcmc.
func boxOf(x0, y0, x1, y1 float64) orb.Bound {
	return orb.Bound{Min: ll(x0, y0), Max: ll(x1, y1)}
}

// boxPolygon is b as a polygon, for Intersects.
func boxPolygon(b orb.Bound) orb.MultiPolygon {
	return orb.MultiPolygon{{{b.Min, {b.Max[0], b.Min[1]}, b.Max, {b.Min[0], b.Max[1]}, b.Min}}}
}

func TestBoundEdgeCases(t *testing.T) {
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	for _, tc := range edgeCases {
		b, ok := Bound(tc.mp)
		hasPoint := false
		finiteAll := true
		for _, poly := range tc.mp {
			for _, r := range poly {
				for _, p := range r {
					hasPoint = true
					finiteAll = finiteAll && finite(p)
				}
			}
		}
		if ok != (hasPoint && finiteAll) {
			t.Errorf("%s: Bound ok = %v, want %v", tc.name, ok, hasPoint && finiteAll)
		}
		if ok && !BoundWithin(b, world) {
			t.Errorf("%s: Bound %v outside the world", tc.name, b)
		}
		// Nothing here encloses area, so only the vertices can meet a box;
		// the cases must not panic, and the non-finite ones meet nothing.
		if got := IntersectsBound(tc.mp, world); got != ok {
			t.Errorf("%s: IntersectsBound(world) = %v, want %v", tc.name, got, ok)
		}
	}
	sq := mpoly(metreSquare(0, 0, 100, 100))
	for _, b := range []orb.Bound{
		{Min: orb.Point{nan, 0}, Max: orb.Point{180, 90}},
		{Min: orb.Point{0, 0}, Max: orb.Point{math.Inf(1), 90}},
		{Min: ll(100, 100), Max: ll(0, 0)}, // inverted
	} {
		if IntersectsBound(sq, b) {
			t.Errorf("IntersectsBound(square, %v) = true", b)
		}
	}
}

// TestBoundEmptyFirst checks the bound is taken over the points only
// (orb's MultiPolygon.Bound widens to (1,1) when the first polygon is
// empty), holes included.
func TestBoundEmptyFirst(t *testing.T) {
	sq := orb.Ring{{106.7, 10.8}, {107.2, 10.8}, {107.2, 11.3}, {106.7, 11.3}, {106.7, 10.8}}
	b, ok := Bound(orb.MultiPolygon{{}, {sq}})
	if !ok || b != (orb.Bound{Min: orb.Point{106.7, 10.8}, Max: orb.Point{107.2, 11.3}}) {
		t.Errorf("Bound = %v, %v", b, ok)
	}
}

func TestIntersectsBound(t *testing.T) {
	holed := mpoly(metreSquare(0, 0, 100, 100), metreSquare(25, 25, 75, 75))
	u := mpoly(ring(0, 0, 100, 0, 100, 100, 70, 100, 70, 30, 30, 30, 30, 100, 0, 100))
	comb := mpoly(ring(0, 0, 100, 0, 100, 100, 80, 100, 80, 20, 60, 20, 60, 100, 40, 100, 40, 20, 20, 20, 20, 100, 0, 100))
	two := orb.MultiPolygon{holed[0], mpoly(metreSquare(200, 0, 300, 100))[0]}
	corner := ll(100, 100)
	tests := []struct {
		name string
		mp   orb.MultiPolygon
		b    orb.Bound
		want bool
	}{
		{"covers all", holed, boxOf(-10, -10, 110, 110), true},
		{"inside", holed, boxOf(5, 5, 10, 10), true},
		{"overlaps an edge", holed, boxOf(90, 40, 110, 60), true},
		{"beside", holed, boxOf(110, 0, 120, 10), false},
		{"wholly in the hole", holed, boxOf(40, 40, 60, 60), false},
		{"hole-sized, touching the hole ring", holed, boxOf(25, 25, 75, 75), true},
		{"point in the hole", holed, orb.Bound{Min: ll(50, 50), Max: ll(50, 50)}, false},
		{"point on the shell corner", holed, orb.Bound{Min: corner, Max: corner}, true},
		{"touching the shell corner from outside", holed, orb.Bound{Min: corner, Max: ll(110, 110)}, true},
		{"1 mm past the corner", holed, boxOf(100.001, 100.001, 110, 110), false},
		{"straddling the hole, touching no ring", holed, boxOf(10, 10, 90, 90), true},
		{"in the U notch", u, boxOf(40, 50, 60, 90), false},
		{"in the U notch, up to the floor", u, boxOf(40, 30, 60, 90), true},
		{"across the U notch", u, boxOf(20, 50, 80, 60), true},
		{"in a comb gap", comb, boxOf(22, 30, 38, 99), false},
		{"a line across the comb gaps", comb, orb.Bound{Min: ll(21, 50), Max: ll(79, 50)}, true},
		{"a line in a comb gap", comb, orb.Bound{Min: ll(25, 30), Max: ll(35, 30)}, false},
		{"between members", two, boxOf(110, 10, 190, 90), false},
		{"second member", two, boxOf(250, 50, 260, 60), true},
		{"clockwise, in the hole", reversed(holed), boxOf(40, 40, 60, 60), false},
		{"open rings, in the hole", opened(holed), boxOf(40, 40, 60, 60), false},
		{"open rings, inside", opened(holed), boxOf(5, 5, 10, 10), true},
	}
	for _, tc := range tests {
		if got := IntersectsBound(tc.mp, tc.b); got != tc.want {
			t.Errorf("%s: IntersectsBound = %v, want %v", tc.name, got, tc.want)
		}
		// The box as a polygon: the same answer from the general predicate.
		if got := Intersects(tc.mp, boxPolygon(tc.b)); got != tc.want && tc.b.Min != tc.b.Max &&
			tc.b.Min[0] != tc.b.Max[0] && tc.b.Min[1] != tc.b.Max[1] {
			t.Errorf("%s: Intersects(box polygon) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestIntersectsBoundRandom compares IntersectsBound with Intersects on the
// box as a polygon, for random non-convex, holed polygons and boxes of every
// size around them (the PostGIS oracle is in the index and httpapi tests).
func TestIntersectsBoundRandom(t *testing.T) {
	g := newGen(11)
	m, n := radii(10.78 * radPerD)
	hits, misses := 0, 0
	for range 300 {
		c := g.centre()
		radius := 50 + 500*g.r.Float64()
		mp := g.polygon(c, 8+g.r.IntN(24), radius)
		if g.r.IntN(3) == 0 { // a second member, apart
			mp = append(mp, translated(g.polygon(c, 10, radius/2), 3*radius/(n*math.Cos(c[1]*radPerD))/radPerD, 0)...)
		}
		for range 40 {
			side := radius * math.Pow(10, -3+3.5*g.r.Float64())
			x := (g.r.Float64()*2 - 1) * 1.3 * radius
			y := (g.r.Float64()*2 - 1) * 1.3 * radius
			dLon := 1 / (n * math.Cos(c[1]*radPerD)) / radPerD
			dLat := 1 / m / radPerD
			b := orb.Bound{
				Min: orb.Point{c[0] + x*dLon, c[1] + y*dLat},
				Max: orb.Point{c[0] + (x+side*g.r.Float64())*dLon, c[1] + (y+side*g.r.Float64())*dLat},
			}
			got, want := IntersectsBound(mp, b), Intersects(mp, boxPolygon(b))
			if got != want {
				t.Fatalf("polygon %v, box %v: IntersectsBound = %v, Intersects(box polygon) = %v", mp, b, got, want)
			}
			if got {
				hits++
			} else {
				misses++
			}
		}
	}
	if hits < 1000 || misses < 1000 {
		t.Errorf("%d hits, %d misses: the boxes test little", hits, misses)
	}
}
