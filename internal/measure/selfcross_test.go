package measure

import (
	"testing"

	"github.com/paulmach/orb"
)

// TestSelfCrossing finds the crossing of bow-ties, holes through their
// shell and spikes, and none in squares, holes inside or touching at a
// point, separate parts and concave rings.
func TestSelfCrossing(t *testing.T) {
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	for _, c := range []struct {
		name string
		mp   orb.MultiPolygon
		bad  bool
		at   orb.Point
	}{
		{"square", orb.MultiPolygon{{square}}, false, orb.Point{}},
		{"bow-tie", orb.MultiPolygon{{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}, true, orb.Point{0.5, 0.5}},
		{"hole inside", orb.MultiPolygon{{square, {{0.2, 0.2}, {0.2, 0.8}, {0.8, 0.8}, {0.2, 0.2}}}}, false, orb.Point{}},
		{"hole through the shell", orb.MultiPolygon{{square, {{0.5, 0.5}, {0.5, 1.5}, {0.8, 1.5}, {0.5, 0.5}}}}, true, orb.Point{0.5, 1}},
		{"hole touching the shell at a point", orb.MultiPolygon{{square, {{0.5, 0}, {0.8, 0.5}, {0.2, 0.5}, {0.5, 0}}}}, false, orb.Point{}},
		{"spike back along an edge", orb.MultiPolygon{{{{0, 0}, {2, 0}, {1, 0}, {1, 1}, {0, 0}}}}, true, orb.Point{}},
		{"two separate squares", orb.MultiPolygon{{square}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}, false, orb.Point{}},
		{"concave L", orb.MultiPolygon{{{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}, {0, 0}}}}, false, orb.Point{}},
	} {
		_, p, bad, err := SelfCrossing(c.mp, nil)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if bad != c.bad {
			t.Errorf("%s: crossing = %v at %v, want %v", c.name, bad, p, c.bad)
		}
		if bad && c.at != (orb.Point{}) && p != c.at {
			t.Errorf("%s: at %v, want %v", c.name, p, c.at)
		}
	}
}
