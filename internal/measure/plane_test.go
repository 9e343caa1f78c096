package measure

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestNewPlane(t *testing.T) {
	for _, c := range []orb.Point{{nan, 10}, {10, math.Inf(1)}, {0, 90}, {0, -89.9999}} {
		if _, ok := newPlane(c); ok {
			t.Errorf("newPlane(%v) ok, want refused", c)
		}
	}
	pl, ok := newPlane(hcmc)
	if !ok {
		t.Fatal("newPlane(hcmc) refused")
	}
	// True scale at the centre: one degree is 110.6 km north, 109.4 km east.
	if v := pl.project(orb.Point{hcmc[0] + 1, hcmc[1] + 1}); !near(v.x, 109357, 1e-3, 0) || !near(v.y, 110618, 1e-3, 0) {
		t.Errorf("project: %v", v)
	}
}

// TestPlaneWeight sums weight (and bulge) round lon/lat cells far from the
// plane's centre and compares with the exact cell area (and AreaM2).
func TestPlaneWeight(t *testing.T) {
	for _, lat := range []float64{8, 16, 24, -20} {
		pl, _ := newPlane(orb.Point{106, lat})
		for _, off := range []float64{-0.5, 0, 0.3} {
			c := orb.Ring{{106, lat + off}, {106.05, lat + off}, {106.05, lat + off + 0.05}, {106, lat + off + 0.05}}
			straight, gc := 0.0, 0.0
			for i := range c {
				u, v := pl.project(c[i]), pl.project(c[(i+1)%len(c)])
				straight += pl.weight(u, v)
				gc += pl.weight(u, v) + pl.bulge(u, v)
			}
			if want := cellAreaM2(0.05, lat+off, lat+off+0.05); !near(straight, want, 1e-7, 0) {
				t.Errorf("lat %v%+v: straight %.3f, exact %.3f", lat, off, straight, want)
			}
			if want := AreaM2(orb.MultiPolygon{{c}}); !near(gc, want, 1e-7, 0) {
				t.Errorf("lat %v%+v: great circles %.3f, AreaM2 %.3f", lat, off, gc, want)
			}
		}
	}
}
