package tiles

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
)

// TestKeepsAllAgreesWithDouglasPeucker checks keepsAll, the shortcut that
// skips Douglas–Peucker, against DP itself over rings made to sit on its
// edges: regular and jittered polygons whose points lie from half to twice
// the tolerance off their neighbours' line, polygons with dents, rings
// that wind twice, collinear and repeated points. Wherever keepsAll says
// DP would keep every point, DP must keep every point; and the shortcut
// must fire for most of the convex rings it is meant for.
func TestKeepsAllAgreesWithDouglasPeucker(t *testing.T) {
	r := rand.New(rand.NewPCG(17, 17))
	var s shaper
	s.reset(Tile{Z: 15}, DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	polygon := func(k int, radius float64, jitter float64, dent bool) orb.Ring {
		cx, cy := r.Float64()*4096, r.Float64()*4096
		a0 := r.Float64() * 2 * math.Pi
		ring := make(orb.Ring, 0, k+1)
		for i := range k {
			a := a0 + 2*math.Pi*float64(i)/float64(k) + jitter*(r.Float64()-0.5)/float64(k)
			rr := radius * (1 + jitter*(r.Float64()-0.5)/50)
			if dent && i == k/2 {
				rr *= 0.7
			}
			ring = append(ring, orb.Point{cx + rr*math.Cos(a), cy + rr*math.Sin(a)})
		}
		if r.IntN(2) == 0 {
			slices.Reverse(ring)
		}
		return append(ring, ring[0])
	}
	var rings []orb.Ring
	for range 20000 {
		k := 4 + r.IntN(40)
		// Distance of a vertex from its neighbours' chord: radius·(1 − cos 2π/k).
		sag := 0.5 + 1.5*r.Float64() // tolerance units
		radius := sag / (1 - math.Cos(2*math.Pi/float64(k)))
		if r.IntN(4) == 0 {
			radius = 5 + r.Float64()*300 // lots at z15 and deeper
		}
		rings = append(rings, polygon(k, radius, r.Float64(), r.IntN(8) == 0))
	}
	// Winding twice: every turn the same way, a star.
	star := orb.Ring{}
	for i := range 7 {
		a := 2 * math.Pi * float64(i*3) / 7
		star = append(star, orb.Point{2000 + 300*math.Cos(a), 2000 + 300*math.Sin(a)})
	}
	star = append(star, star[0])
	if s.keepsAll(slices.Clone(star)) {
		t.Error("keepsAll: a ring that winds twice is not convex")
	}
	rings = append(rings, star,
		orb.Ring{{0, 0}, {100, 0}, {200, 0}, {200, 100}, {0, 100}, {0, 0}},   // collinear
		orb.Ring{{0, 0}, {100, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}},   // repeated
		orb.Ring{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0.5}, {0, 0}},   // a point within the tolerance
		orb.Ring{{0, 0}, {100, 0}, {100, 100}, {50, 99.5}, {0, 100}, {0, 0}}, // another
		orb.Ring{{0, 0}, {100, 0}, {100, 100}, {0, 100}, {0, 0}, {0, 0.1}},   // not closed
	)
	var fired, convex, dropped int
	for _, ring := range rings {
		pts := slices.Clone(ring)
		keeps := s.keepsAll(pts)
		kept := s.douglasPeucker(slices.Clone(ring))
		if len(kept) < len(ring) {
			dropped++
		}
		if keeps {
			fired++
			if len(kept) != len(ring) {
				t.Fatalf("keepsAll says every point stays, DP keeps %d of %d: %v", len(kept), len(ring), ring)
			}
		}
		if !slices.Equal(pts, ring) {
			t.Fatal("keepsAll changed the ring")
		}
		if len(kept) == len(ring) {
			convex++
		}
	}
	t.Logf("%d rings: DP drops points of %d; keepsAll fired for %d of the %d that DP keeps whole", len(rings), dropped, fired, convex)
	if dropped < len(rings)/5 || fired < convex/2 {
		t.Error("the rings do not sit on both sides of the tolerance, or the shortcut rarely fires")
	}
}
