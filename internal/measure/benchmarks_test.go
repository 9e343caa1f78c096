package measure

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"

	"github.com/zonegis/zonegis/internal/fixedgeom"
)

// benchSet is a seeded batch of 13-vertex non-convex zone-sized polygons
// (radius 200 m – 3.2 km), overlapping partners for them, and query points
// around them (within ~10 km).
type benchSet struct {
	a, b   []orb.MultiPolygon
	points []orb.Point // within ~10 km of a[i]
	inner  []orb.Point // centre of a[i]'s bound, often inside
}

const benchN = 256

func newBenchSet() benchSet {
	g := newGen(42)
	var s benchSet
	for range benchN {
		c := g.centre()
		r := 200 + 3000*g.r.Float64()
		s.a = append(s.a, orb.MultiPolygon{{g.star(c, 13, r)}})
		c2 := orb.Point{c[0] + (g.r.Float64()-0.5)*r/1e5, c[1] + (g.r.Float64()-0.5)*r/1e5}
		s.b = append(s.b, orb.MultiPolygon{{g.star(c2, 13, r*(0.5+g.r.Float64()))}})
		s.points = append(s.points, orb.Point{c[0] + (g.r.Float64()-0.5)*0.2, c[1] + (g.r.Float64()-0.5)*0.2})
		s.inner = append(s.inner, s.a[len(s.a)-1].Bound().Center())
	}
	return s
}

func BenchmarkContains(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// Half the points near the polygon, so the bound check does not
		// decide them all.
		p := s.points[i%benchN]
		if i%2 == 0 {
			p = s.inner[i%benchN]
		}
		Contains(s.a[i%benchN], p)
		i++
	}
}

// BenchmarkContainsPlanarBaseline is orb/planar's test, without the
// on-boundary tolerance.
func BenchmarkContainsPlanarBaseline(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := s.points[i%benchN]
		if i%2 == 0 {
			p = s.inner[i%benchN]
		}
		planar.MultiPolygonContains(s.a[i%benchN], p)
		i++
	}
}

func BenchmarkDistanceM(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		DistanceM(s.points[i%benchN], s.a[i%benchN])
		i++
	}
}

// BenchmarkDistanceMHaversineBaseline is the naive alternative: haversine
// to every vertex (which also misses the nearest point inside an edge).
func BenchmarkDistanceMHaversineBaseline(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p, best := s.points[i%benchN], math.Inf(1)
		for _, q := range s.a[i%benchN][0][0] {
			best = math.Min(best, geo.DistanceHaversine(p, q))
		}
		_ = best
		i++
	}
}

func BenchmarkIntersectionAreaM2(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		IntersectionAreaM2(s.a[i%benchN], s.b[i%benchN])
		i++
	}
}

func BenchmarkIntersectionAreaM2Identical(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		IntersectionAreaM2(s.a[i%benchN], s.a[i%benchN])
		i++
	}
}

func BenchmarkIntersectionAreaM2Disjoint(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		IntersectionAreaM2(s.a[i%benchN], s.b[(i+1)%benchN])
		i++
	}
}

// BenchmarkIntersectionAreaM2Large overlaps the 375-vertex Saigon Hi-Tech
// Park with a shifted copy of itself.
func BenchmarkIntersectionAreaM2Large(b *testing.B) {
	shtp := zones(b)["relation/6289815"].mp
	moved := translated(shtp, 0.003, 0.002)
	b.ReportAllocs()
	for b.Loop() {
		IntersectionAreaM2(shtp, moved)
	}
}

// BenchmarkIntersectionAreaM2GridBaseline is the brute-force alternative:
// a 100×100 grid of Contains tests over the overlap of the bounds (still
// ~1% off, where IntersectionAreaM2 is exact).
func BenchmarkIntersectionAreaM2GridBaseline(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		pa, pb := s.a[i%benchN], s.b[i%benchN]
		ba, bb := pa.Bound(), pb.Bound()
		lon0, lon1 := math.Max(ba.Min[0], bb.Min[0]), math.Min(ba.Max[0], bb.Max[0])
		lat0, lat1 := math.Max(ba.Min[1], bb.Min[1]), math.Min(ba.Max[1], bb.Max[1])
		count := 0
		for y := range 100 {
			for x := range 100 {
				p := orb.Point{lon0 + (lon1-lon0)*(float64(x)+0.5)/100, lat0 + (lat1-lat0)*(float64(y)+0.5)/100}
				if Contains(pa, p) && Contains(pb, p) {
					count++
				}
			}
		}
		_ = count
		i++
	}
}

func BenchmarkIntersects(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		Intersects(s.a[i%benchN], s.b[i%benchN])
		i++
	}
}

func BenchmarkAreaM2(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		AreaM2(s.a[i%benchN])
		i++
	}
}

func BenchmarkBoundAroundM(b *testing.B) {
	s := newBenchSet()
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		BoundAroundM(s.points[i%benchN], 5000)
		i++
	}
}

// BenchmarkContainsFixed is the point lookup's test on an index entry's
// geometry (ContainsFixed); BenchmarkContainsDecoded what it did before,
// the geometry decoded into a reused buffer and then Contains.
func BenchmarkContainsFixed(b *testing.B) {
	s := newBenchSet()
	fs := make([]fixedgeom.Geometry, benchN)
	for i, mp := range s.a {
		fs[i] = fixedgeom.From(mp, nil)
	}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := s.points[i%benchN]
		if i%2 == 0 {
			p = s.inner[i%benchN]
		}
		ContainsFixed(&fs[i%benchN], p)
		i++
	}
}

func BenchmarkContainsDecoded(b *testing.B) {
	s := newBenchSet()
	fs := make([]fixedgeom.Geometry, benchN)
	for i, mp := range s.a {
		fs[i] = fixedgeom.From(mp, nil)
	}
	var buf fixedgeom.Buffer
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		p := s.points[i%benchN]
		if i%2 == 0 {
			p = s.inner[i%benchN]
		}
		Contains(fs[i%benchN].Decode(&buf), p)
		i++
	}
}
