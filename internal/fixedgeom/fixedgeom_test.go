package fixedgeom

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestRoundTrip: a geometry comes back with its shape (polygons, rings,
// points) and each coordinate the double nearest its 1e-9° rounding,
// within half a nanodegree of the one given; its Bound is the decoded
// points' bound; one that does not fit comes back as given (Wide).
func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	slab := NewSlab(16)
	for trial := range 2000 {
		spread := 0.01
		if trial%10 == 0 {
			spread = 5 // wider than int32 offsets hold: Wide
		}
		cx, cy := -170+rng.Float64()*340, -80+rng.Float64()*160
		mp := make(orb.MultiPolygon, rng.IntN(3))
		for i := range mp {
			mp[i] = make(orb.Polygon, rng.IntN(3))
			for j := range mp[i] {
				r := make(orb.Ring, rng.IntN(7))
				for k := range r {
					r[k] = orb.Point{cx + (rng.Float64()-0.5)*spread, cy + (rng.Float64()-0.5)*spread}
				}
				mp[i][j] = r
			}
		}
		g := From(mp, slab)
		var buf Buffer
		got := g.Decode(&buf)
		if len(got) != len(mp) || g.Polygons() != len(mp) {
			t.Fatalf("%v: %d polygons back (%d)", mp, len(got), g.Polygons())
		}
		lo, hi := orb.Point{math.Inf(1), math.Inf(1)}, orb.Point{math.Inf(-1), math.Inf(-1)}
		for i := range mp {
			if len(got[i]) != len(mp[i]) {
				t.Fatalf("%v: polygon %d has %d rings back", mp, i, len(got[i]))
			}
			for j := range mp[i] {
				if len(got[i][j]) != len(mp[i][j]) {
					t.Fatalf("%v: ring %d.%d has %d points back", mp, i, j, len(got[i][j]))
				}
				for k, p := range mp[i][j] {
					q := got[i][j][k]
					for c := range 2 {
						if g.Wide() == nil && q[c] != math.Round(p[c]*Scale)/Scale || math.Abs(q[c]-p[c]) > 0.5e-9 {
							t.Fatalf("%v back as %v", p, q)
						}
					}
					lo = orb.Point{min(lo[0], q[0]), min(lo[1], q[1])}
					hi = orb.Point{max(hi[0], q[0]), max(hi[1], q[1])}
				}
			}
		}
		b, ok := g.Bound()
		if ok != (Points(mp) > 0) || ok && b != (orb.Bound{Min: lo, Max: hi}) {
			t.Fatalf("%v: bound %v %v, want %v %v", mp, b, ok, lo, hi)
		}
		if wide := g.Wide() != nil; wide != (offset(mp) > math.MaxInt32) {
			t.Fatalf("%v: wide %v", mp, wide)
		}
	}
}

// offset is the largest distance of a point of mp from its first, on
// either axis, in 1e-9 degrees.
func offset(mp orb.MultiPolygon) float64 {
	first, far := firstPoint(mp), 0.0
	for _, poly := range mp {
		for _, r := range poly {
			for _, p := range r {
				far = max(far, math.Abs(math.Round(p[0]*Scale)-math.Round(first[0]*Scale)), math.Abs(math.Round(p[1]*Scale)-math.Round(first[1]*Scale)))
			}
		}
	}
	return far
}

func TestNotFinite(t *testing.T) {
	for _, mp := range []orb.MultiPolygon{{{{{math.NaN(), 1}, {2, 2}}}}, {{{{1, math.Inf(1)}}}}, {{{{1e10, 0}}}}} {
		g := From(mp, nil)
		if g.Wide() == nil {
			t.Errorf("%v: kept in fixed point", mp)
		}
	}
	var zero Geometry
	if !zero.Empty() || zero.Decode(nil) != nil || zero.Polygons() != 0 {
		t.Error("the zero Geometry is not empty")
	}
	if _, ok := zero.Bound(); ok {
		t.Error("the zero Geometry has a bound")
	}
}
