package tiles

import (
	"errors"
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// TestTileBoundMatchesOrb holds the tile maths to orb's maptile.
func TestTileBoundMatchesOrb(t *testing.T) {
	for _, tc := range []Tile{{0, 0, 0}, {1, 1, 0}, {5, 25, 14}, {15, 26098, 15399}, {22, 4194303, 4194303}, {22, 0, 0}} {
		got := tc.Bound(0)
		want := maptile.New(tc.X, tc.Y, maptile.Zoom(tc.Z)).Bound()
		if !near(got.Min, want.Min, 1e-9) || !near(got.Max, want.Max, 1e-9) {
			t.Errorf("%v.Bound(0) = %v; orb says %v", tc, got, want)
		}
		if at := At(got.Center(), tc.Z); at != tc {
			t.Errorf("At(centre of %v) = %v", tc, at)
		}
	}
	// A buffer widens every side by the fraction of a tile, cut at the world's edge.
	tl := Tile{Z: 3, X: 4, Y: 3}
	in, out := tl.Bound(0), tl.Bound(0.5)
	w := in.Max[0] - in.Min[0]
	if math.Abs((in.Min[0]-out.Min[0])-w/2) > 1e-9 || math.Abs((out.Max[0]-in.Max[0])-w/2) > 1e-9 {
		t.Errorf("Bound(0.5) = %v from %v: want half a tile more on each side", out, in)
	}
	if out.Max[1] <= in.Max[1] || out.Min[1] >= in.Min[1] {
		t.Errorf("Bound(0.5) = %v does not widen latitudes of %v", out, in)
	}
	world := Tile{}.Bound(1)
	if world.Min[0] != -180 || world.Max[0] != 180 || math.Abs(world.Max[1]-85.0511287798) > 1e-9 {
		t.Errorf("world tile with buffer = %v; want cut to the world", world)
	}
}

func TestTileAtClamps(t *testing.T) {
	for _, tc := range []struct {
		p    orb.Point
		z    uint32
		want Tile
	}{
		{orb.Point{-180, 90}, 2, Tile{2, 0, 0}},
		{orb.Point{180, -90}, 2, Tile{2, 3, 3}},
		{orb.Point{106.74, 10.76}, 15, Tile{15, 26099, 15398}},
		{orb.Point{0, 0}, 0, Tile{}},
	} {
		if got := At(tc.p, tc.z); got != tc.want {
			t.Errorf("At(%v, %d) = %v, want %v", tc.p, tc.z, got, tc.want)
		}
		if orbT := maptile.At(tc.p, maptile.Zoom(tc.z)); orbT.Valid() && (orbT.X != tc.want.X || orbT.Y != tc.want.Y) && math.Abs(tc.p[1]) < 85 {
			t.Errorf("At(%v, %d): orb says %v", tc.p, tc.z, orbT)
		}
	}
}

func TestTileParse(t *testing.T) {
	for _, tc := range []struct {
		z, x, y     string
		want        Tile
		bad, range_ bool
	}{
		{"0", "0", "0", Tile{}, false, false},
		{"15", "26099", "15398.mvt", Tile{15, 26099, 15398}, false, false},
		{"22", "4194303", "4194303", Tile{22, 4194303, 4194303}, false, false},
		{"23", "0", "0", Tile{}, true, false},
		{"-1", "0", "0", Tile{}, true, false},
		{"a", "0", "0", Tile{}, true, false},
		{"1", "0", "0.png", Tile{}, true, false},
		{"1", "1.5", "0", Tile{}, true, false},
		{"1", "", "0", Tile{}, true, false},
		{"1", "99999999999", "0", Tile{}, true, false},
		{"1", "2", "0", Tile{}, true, true},
		{"0", "0", "1.mvt", Tile{}, true, true},
		{"22", "4194304", "0", Tile{}, true, true},
	} {
		got, err := Parse(tc.z, tc.x, tc.y)
		if tc.bad {
			var pe *ParseError
			if !errors.As(err, &pe) || pe.OutOfRange != tc.range_ {
				t.Errorf("Parse(%q, %q, %q) = %v, %v; want a ParseError with OutOfRange %v", tc.z, tc.x, tc.y, got, err, tc.range_)
			}
			continue
		}
		if err != nil || got != tc.want || !got.Valid() {
			t.Errorf("Parse(%q, %q, %q) = %v, %v; want %v", tc.z, tc.x, tc.y, got, err, tc.want)
		}
	}
	if (Tile{Z: 23}).Valid() || (Tile{Z: 2, X: 4}).Valid() || (Tile{Z: 2, Y: 4}).Valid() {
		t.Error("Valid accepts a tile that does not exist")
	}
}

func near(a, b orb.Point, eps float64) bool {
	return math.Abs(a[0]-b[0]) <= eps && math.Abs(a[1]-b[1]) <= eps
}
