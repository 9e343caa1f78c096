package measure

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

func TestContainsEdgeCases(t *testing.T) {
	sq := mpoly(metreSquare(0, 0, 100, 100))
	far := mpoly(metreSquare(3000, 0, 3100, 100))
	for _, tc := range edgeCases {
		// Nothing here encloses ll(50, 50) or reaches the far square; the
		// rest only has to run without panicking.
		if Contains(tc.mp, ll(50, 50)) {
			t.Errorf("%s: Contains = true", tc.name)
		}
		if Intersects(tc.mp, far) || Intersects(far, tc.mp) {
			t.Errorf("%s: Intersects(far square) = true", tc.name)
		}
		_ = Contains(tc.mp, hcmc)
		_ = Intersects(tc.mp, sq)
		_ = Intersects(sq, tc.mp)
		_ = Intersects(tc.mp, tc.mp)
	}
	if Contains(sq, orb.Point{nan, nan}) || Contains(sq, orb.Point{math.Inf(1), 10}) {
		t.Error("non-finite point contained")
	}
}

func TestContains(t *testing.T) {
	holed := mpoly(metreSquare(0, 0, 100, 100), metreSquare(25, 25, 75, 75))
	u := mpoly(ring(0, 0, 100, 0, 100, 100, 70, 100, 70, 30, 30, 30, 30, 100, 0, 100))
	two := orb.MultiPolygon{holed[0], mpoly(metreSquare(200, 0, 300, 100))[0]}
	edgeMid := orb.Point{(ll(100, 0)[0] + ll(100, 100)[0]) / 2, (ll(100, 0)[1] + ll(100, 100)[1]) / 2}
	tests := []struct {
		name string
		mp   orb.MultiPolygon
		p    orb.Point
		want bool
	}{
		{"inside", holed, ll(10, 10), true},
		{"outside", holed, ll(110, 10), false},
		{"in hole", holed, ll(50, 50), false},
		{"on hole ring", holed, ll(25, 50), true},
		{"on hole corner", holed, ll(75, 75), true},
		{"on shell vertex", holed, ll(0, 0), true},
		{"on shell edge", holed, edgeMid, true},
		{"just outside edge (1 mm)", holed, ll(100.001, 50), false},
		{"just inside edge (1 mm)", holed, ll(99.999, 50), true},
		{"in U notch", u, ll(50, 60), false},
		{"in U arm", u, ll(15, 90), true},
		{"on U notch floor", u, ll(50, 30), true},
		{"level with U arm tops", u, ll(50, 100), false},
		{"second member", two, ll(250, 50), true},
		{"between members", two, ll(150, 50), false},
		{"clockwise", reversed(holed), ll(10, 10), true},
		{"open rings", opened(holed), ll(50, 50), false},
		{"open rings inside", opened(holed), ll(90, 90), true},
	}
	for _, tc := range tests {
		if got := Contains(tc.mp, tc.p); got != tc.want {
			t.Errorf("%s: Contains = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestContainsMatchesPlanar checks random points against orb/planar, the
// baseline; the two only differ on the boundary, which random points miss.
func TestContainsMatchesPlanar(t *testing.T) {
	g := newGen(2)
	for range 100 {
		c := g.centre()
		mp := g.polygon(c, 8+g.r.IntN(20), 2000)
		b := mp.Bound()
		for range 100 {
			p := orb.Point{
				b.Min[0] + (b.Max[0]-b.Min[0])*(1.2*g.r.Float64()-0.1),
				b.Min[1] + (b.Max[1]-b.Min[1])*(1.2*g.r.Float64()-0.1),
			}
			if got, want := Contains(mp, p), planar.MultiPolygonContains(mp, p); got != want {
				t.Fatalf("Contains(%v) = %v, planar says %v", p, got, want)
			}
		}
	}
}

func TestIntersects(t *testing.T) {
	a := mpoly(metreSquare(0, 0, 100, 100))
	holed := mpoly(metreSquare(0, 0, 100, 100), metreSquare(25, 25, 75, 75))
	l := mpoly(ring(0, 0, 100, 0, 100, 40, 40, 40, 40, 100, 0, 100))
	tests := []struct {
		name string
		a, b orb.MultiPolygon
		want bool
	}{
		{"overlap", a, mpoly(metreSquare(50, 50, 150, 150)), true},
		{"touch edge", a, mpoly(metreSquare(100, 0, 200, 100)), true},
		{"touch part of edge", a, mpoly(metreSquare(100, 50, 200, 150)), true},
		{"touch corner", a, mpoly(metreSquare(100, 100, 200, 200)), true},
		{"vertex on edge", a, mpoly(ring(100, 50, 150, 0, 150, 100)), true},
		{"1 mm apart", a, mpoly(metreSquare(100.001, 0, 200, 100)), false},
		{"disjoint", a, mpoly(metreSquare(200, 0, 300, 100)), false},
		{"inside", a, mpoly(metreSquare(20, 20, 30, 30)), true},
		{"contains", mpoly(metreSquare(20, 20, 30, 30)), a, true},
		{"in hole", holed, mpoly(metreSquare(40, 40, 60, 60)), false},
		{"fills hole", holed, mpoly(metreSquare(25, 25, 75, 75)), true},
		{"in hole touching it", holed, mpoly(metreSquare(25, 40, 60, 60)), true},
		{"in L's crook", l, mpoly(metreSquare(60, 60, 90, 90)), false},
		{"in L's crook touching", l, mpoly(metreSquare(40, 40, 90, 90)), true},
		{"second member", orb.MultiPolygon{a[0], mpoly(metreSquare(200, 0, 300, 100))[0]}, mpoly(metreSquare(250, 50, 260, 60)), true},
	}
	for _, tc := range tests {
		if got := Intersects(tc.a, tc.b); got != tc.want {
			t.Errorf("%s: Intersects(a, b) = %v, want %v", tc.name, got, tc.want)
		}
		if got := Intersects(tc.b, tc.a); got != tc.want {
			t.Errorf("%s: Intersects(b, a) = %v, want %v", tc.name, got, tc.want)
		}
		if got := Intersects(reversed(opened(tc.a)), tc.b); got != tc.want {
			t.Errorf("%s: Intersects(reversed open a, b) = %v, want %v", tc.name, got, tc.want)
		}
	}
}
