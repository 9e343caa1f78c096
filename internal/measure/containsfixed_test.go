package measure

import (
	"testing"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
)

// TestContainsFixedAsDecoded: ContainsFixed answers what Contains answers
// on the decoded geometry (the point lookup's test before it), for random
// polygons with and without holes, multipolygons of up to three members,
// the OSM zones (© OpenStreetMap contributors) and the edge cases, at
// every vertex, at edge midpoints and at 1 and 2 units (1e-9°) off them on
// each side, and at random points of the bound: on, just off and well
// inside or outside the boundary all occur (counted, so that the test
// cannot pass by never reaching one of them).
func TestContainsFixedAsDecoded(t *testing.T) {
	g := newGen(24)
	var shapes []orb.MultiPolygon
	for range 300 {
		var mp orb.MultiPolygon
		c := g.centre()
		for k := range 1 + g.r.IntN(3) {
			cc := orb.Point{c[0] + 0.03*float64(k), c[1]}
			mp = append(mp, g.polygon(cc, 8+g.r.IntN(20), 100+2000*g.r.Float64())...)
		}
		shapes = append(shapes, mp)
	}
	for _, z := range zones(t) {
		shapes = append(shapes, z.mp)
	}
	for _, tc := range edgeCases {
		shapes = append(shapes, tc.mp)
	}
	var in, out, vertices int
	check := func(fg *fixedgeom.Geometry, dec orb.MultiPolygon, p orb.Point) {
		want := Contains(dec, p)
		if got := ContainsFixed(fg, p); got != want {
			t.Fatalf("ContainsFixed(%v) = %v, Contains on the decoded geometry %v (%v)", p, got, want, dec)
		}
		if want {
			in++
		} else {
			out++
		}
	}
	for _, mp := range shapes {
		fg := fixedgeom.From(mp, nil)
		dec := fg.Decode(nil)
		var pts []orb.Point
		for _, poly := range dec {
			for _, r := range poly {
				for i, v := range r {
					pts = append(pts, v)
					vertices++
					if i > 0 {
						a := r[i-1]
						pts = append(pts, orb.Point{(a[0] + v[0]) / 2, (a[1] + v[1]) / 2})
					}
				}
			}
		}
		for _, v := range pts[:len(pts):len(pts)] {
			for _, du := range []float64{-2, -1, 1, 2} {
				pts = append(pts, orb.Point{v[0] + du*1e-9, v[1]}, orb.Point{v[0], v[1] + du*1e-9},
					orb.Point{v[0] + du*1e-9, v[1] - du*1e-9})
			}
		}
		if b, ok := fg.Bound(); ok {
			for range 200 {
				pts = append(pts, orb.Point{b.Min[0] + g.r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + g.r.Float64()*(b.Max[1]-b.Min[1])})
			}
		}
		pts = append(pts, orb.Point{nan, 10}, hcmc)
		for _, p := range pts {
			check(&fg, dec, p)
		}
	}
	// A Wide geometry (over 2.1° across) is tested in its orb form.
	wide := orb.MultiPolygon{{{{100, 10}, {104, 10}, {104, 14}, {100, 14}, {100, 10}}}}
	wg := fixedgeom.From(wide, nil)
	if wg.Wide() == nil {
		t.Fatal("a 4° square fits in fixed point: not the Wide case")
	}
	check(&wg, wide, orb.Point{102, 12})
	check(&wg, wide, orb.Point{105, 12})
	if in < 10000 || out < 10000 || vertices < 5000 {
		t.Fatalf("%d points inside, %d outside, %d vertices: too few of one kind", in, out, vertices)
	}
}
