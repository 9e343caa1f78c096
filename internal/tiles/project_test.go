package tiles

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// TestProjectorMatchesExact holds the projector (the polynomial near the
// tile, the exact formula elsewhere) to the exact Web Mercator formula, at
// every zoom and at latitudes up to the edge of the square world, for
// points on the tile, around it and far away.
func TestProjectorMatchesExact(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	for _, lat := range []float64{0, 10.76, -33.9, 51.5, 70, -84.9} {
		for z := uint32(0); z <= MaxZoom; z++ {
			tl := At(orb.Point{106.74, lat}, z)
			pr, exact := newProjector(tl, DefaultExtent), newRefProjector(tl, DefaultExtent)
			b := tl.Bound(0)
			h := b.Max[1] - b.Min[1]
			ring := make(orb.Ring, 200)
			for i := range ring {
				switch i % 3 {
				case 0: // on the tile or its buffer
					ring[i] = orb.Point{b.Min[0] + r.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] - 0.1*h + r.Float64()*1.2*h}
				case 1: // up to five tiles away
					ring[i] = orb.Point{b.Min[0], b.Min[1] + (r.Float64()-0.5)*10*h}
				default: // anywhere
					ring[i] = orb.Point{r.Float64()*360 - 180, r.Float64()*170 - 85}
				}
			}
			got := make([]orb.Point, len(ring))
			bound, ok := pr.ring(got, ring)
			if !ok {
				t.Fatalf("z%d lat %v: not finite", z, lat)
			}
			for i, ll := range ring {
				// The exact formula itself is good to some 1e-16 of the
				// world side, worse towards the poles where 1 ± sin φ
				// cancels.
				tol := maxTaylorErrUnits + 4e-16*pr.scale/(1-math.Abs(math.Sin(ll[1]*math.Pi/180)))
				want := exact.point(ll)
				if math.Abs(got[i][0]-want[0]) > tol || math.Abs(got[i][1]-want[1]) > tol {
					t.Fatalf("z%d lat %v: %v projects to %v, exactly %v (window ±%v° about %v°)", z, lat, ll, got[i], want, pr.near, pr.lat0)
				}
				if !bound.Contains(got[i]) {
					t.Fatalf("z%d: bound %v leaves out %v", z, bound, got[i])
				}
			}
		}
	}
	// The polynomial serves the tiles the map reads most.
	for _, z := range []uint32{13, 15, 18, 22} {
		if pr := newProjector(At(orb.Point{106.74, 10.76}, z), DefaultExtent); pr.near <= 0 {
			t.Errorf("z%d: no polynomial window", z)
		}
	}
	if pr := newProjector(Tile{}, DefaultExtent); pr.near >= 0 {
		t.Errorf("z0: window ±%v°; the polynomial cannot cover the world", pr.near)
	}
	// Coordinates that are not finite are reported.
	pr := newProjector(At(orb.Point{106.74, 10.76}, 15), DefaultExtent)
	for _, bad := range []orb.Point{{math.NaN(), 10.76}, {106.74, math.NaN()}, {math.Inf(1), 10.76}} {
		if _, ok := pr.ring(make([]orb.Point, 2), orb.Ring{{106.74, 10.76}, bad}); ok {
			t.Errorf("%v: reported finite", bad)
		}
	}
}
