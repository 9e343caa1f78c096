package tiles

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
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

// TestShapeFixedAgreesWithShape: the commands shapeFixed writes from an
// entry's 1e-9° integers are those shape writes from the entry decoded
// to orb rings (the path before), feature by feature, over randomIndex's
// awkward shapes (multi-part, holed, collapsing, off the tile) and the
// bench lots at every zoom, with and without simplification, and for a
// Wide geometry.
func TestShapeFixedAgreesWithShape(t *testing.T) {
	ix, span := randomIndex(5, 1500)
	lots, lotTiles := lotsIndex(2, 30)
	pick := rand.New(rand.NewPCG(3, 3))
	var a, b shaper
	var buf fixedgeom.Buffer
	compared, drawn := 0, 0
	check := func(tl Tile, g *fixedgeom.Geometry) {
		t.Helper()
		okB := b.shape(g.Decode(&buf))
		okA := a.shapeFixed(g)
		compared++
		if okA {
			drawn++
		}
		if okA != okB || string(a.geom) != string(b.geom) {
			t.Fatalf("tile %s: shapeFixed %v %x, shape %v %x", tl, okA, a.geom, okB, b.geom)
		}
	}
	for _, tol := range []float64{DefaultToleranceUnits, 0} {
		for z := uint32(0); z <= 19; z++ {
			tls := tilesOver(pick, z, span, 4)
			if z == 15 {
				tls = append(tls, lotTiles...)
			}
			for _, tl := range tls {
				a.reset(tl, DefaultExtent, DefaultBufferUnits, tol)
				b.reset(tl, DefaultExtent, DefaultBufferUnits, tol)
				for _, snap := range []*index.Snapshot{ix.Snapshot(), lots.Snapshot()} {
					q := tl.Bound(DefaultBufferUnits / DefaultExtent)
					snap.ZoneEntries().InBound(q, func(e *index.Entry[zonegis.Zone]) bool { check(tl, e.Geometry()); return true })
					snap.ParcelEntries().InBound(q, func(e *index.Entry[zonegis.Parcel]) bool { check(tl, e.Geometry()); return true })
					snap.GreenAreaEntries().InBound(q, func(e *index.Entry[zonegis.GreenArea]) bool { check(tl, e.Geometry()); return true })
				}
			}
		}
	}
	// A geometry too wide for fixed point keeps its orb form; an exterior
	// ring that collapses takes its holes with it, and the next polygon's
	// rings are still found.
	wide := fixedgeom.From(orb.MultiPolygon{{rect(100, 10, 104, 14)}}, nil)
	if wide.Wide() == nil {
		t.Fatal("the 4° square fits in fixed point")
	}
	tl := At(orb.Point{102, 12}, 6)
	a.reset(tl, DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	b.reset(tl, DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	check(tl, &wide)
	tl = At(orb.Point{106.7, 10.8}, 14)
	a.reset(tl, DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	b.reset(tl, DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	c := tl.Bound(0).Center()
	sq := func(d float64) orb.Ring { return rect(c[0]-d, c[1]-d, c[0]+d, c[1]+d) }
	collapsed := orb.Ring{{c[0], c[1]}, {c[0] + 1e-9, c[1]}, {c[0], c[1]}} // too few points
	for _, mp := range []orb.MultiPolygon{
		{{collapsed, sq(0.001)}},
		{{collapsed, sq(0.001)}, {sq(0.003), sq(0.002)}},
		{{sq(0.003), collapsed, sq(0.002)}, {collapsed}, {sq(0.004)}},
	} {
		g := fixedgeom.From(mp, nil)
		check(tl, &g)
	}
	if compared < 5000 || drawn < 5000 {
		t.Fatalf("%d geometries compared, %d drawn: too few to tell", compared, drawn)
	}
	t.Logf("%d geometries compared, %d drawn", compared, drawn)
}

// TestRoundUnit: roundUnit is int32(math.Round(v)) for tile units,
// halves, the doubles next to them and the float just below 0.5 (which
// floor(v+0.5) gets wrong) included.
func TestRoundUnit(t *testing.T) {
	vals := []float64{0, math.Copysign(0, -1), 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 0.49999999999999994, -0.49999999999999994,
		4160, -64, 4095.5, -63.5, 1e9 + 0.5, -1e9 - 0.5}
	for _, v := range vals[:len(vals):len(vals)] {
		vals = append(vals, math.Nextafter(v, math.Inf(1)), math.Nextafter(v, math.Inf(-1)))
	}
	r := rand.New(rand.NewPCG(9, 9))
	for range 200000 {
		vals = append(vals, (r.Float64()-0.1)*5000, float64(r.IntN(8000)-2000)+0.5)
	}
	for _, v := range vals {
		if got, want := roundUnit(v), int32(math.Round(v)); got != want {
			t.Fatalf("roundUnit(%v) = %d, want %d", v, got, want)
		}
	}
}
