package measure

import (
	"context"
	"errors"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
)

// TestPreparedAgrees checks the prepared tests against Intersects and
// IntersectionAreaM2 on random non-convex, holed pairs, small against a
// polygon of many vertices (so that the index and the ray casts are used)
// and the other way round, and on the shared edge cases.
func TestPreparedAgrees(t *testing.T) {
	g := newGen(11)
	for k := range 200 {
		n := 8 + g.r.IntN(200)
		if k%40 == 0 {
			n = 1500
		}
		a, b := g.pair(n)
		if k%2 == 1 {
			a, b = b, a
		}
		for _, pair := range [][2]orb.MultiPolygon{{a, b}, {b, a}} {
			q, err := Prepare(pair[1], nil)
			if err != nil {
				t.Fatal(err)
			}
			want := Intersects(pair[0], pair[1])
			got, err := q.Intersects(pair[0])
			if err != nil || got != want {
				t.Fatalf("case %d: prepared Intersects = %v, %v; want %v", k, got, err, want)
			}
			wantA := IntersectionAreaM2(pair[0], pair[1])
			gotA, err := q.IntersectionAreaM2(pair[0])
			if err != nil || !near(gotA, wantA, 1e-8, 1e-6) {
				t.Fatalf("case %d: prepared IntersectionAreaM2 = %v, %v; want %v", k, gotA, err, wantA)
			}
		}
	}
	for _, ec := range edgeCases {
		q, err := Prepare(ec.mp, nil)
		if err != nil {
			t.Fatal(err)
		}
		sq := mpoly(metreSquare(0, 0, 100, 100))
		if ok, err := q.Intersects(sq); ok || err != nil {
			t.Errorf("%s: Intersects = %v, %v", ec.name, ok, err)
		}
		if a, err := q.IntersectionAreaM2(sq); a != 0 || err != nil {
			t.Errorf("%s: IntersectionAreaM2 = %v, %v", ec.name, a, err)
		}
		p, _ := Prepare(sq, nil)
		if a, err := p.IntersectionAreaM2(ec.mp); a != 0 || err != nil {
			t.Errorf("square with %s: IntersectionAreaM2 = %v, %v", ec.name, a, err)
		}
	}
}

// comb returns a comb of teeth vertical teeth over [x0, x1] × [y0, y1]
// (lon/lat): a base strip along the bottom and teeth rising from it.
func comb(x0, y0, x1, y1 float64, teeth int) orb.MultiPolygon {
	w := (x1 - x0) / float64(teeth)
	base := y0 + (y1-y0)/50
	r := orb.Ring{{x0, y0}, {x1, y0}}
	for i := teeth - 1; i >= 0; i-- {
		l := x0 + float64(i)*w
		r = append(r, orb.Point{l + w, y1}, orb.Point{l + w/2, y1}, orb.Point{l + w/2, base}, orb.Point{l, base})
	}
	r[len(r)-1] = orb.Point{x0, y1}
	return orb.MultiPolygon{{append(r, r[0])}}
}

// TestPreparedComb checks a comb of many teeth against squares across it,
// against the plain functions, and that the budget stops the work.
func TestPreparedComb(t *testing.T) {
	c := comb(106.6, 10.7, 106.8, 10.8, 2000)
	q, err := Prepare(c, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		x := 106.6 + 0.2*float64(i)/40
		sq := orb.MultiPolygon{{{{x, 10.75}, {x + 0.0013, 10.75}, {x + 0.0013, 10.7513}, {x, 10.7513}, {x, 10.75}}}}
		want := IntersectionAreaM2(sq, c)
		got, err := q.IntersectionAreaM2(sq)
		if err != nil || !near(got, want, 1e-8, 1e-6) {
			t.Fatalf("square %d: %v, %v; want %v", i, got, err, want)
		}
	}
	bud := NewBudget(context.Background(), 1000)
	if _, err := Prepare(c, bud); !errors.Is(err, ErrBudget) {
		t.Fatalf("Prepare over budget: %v, want ErrBudget", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	bud = NewBudget(ctx, math.MaxInt64)
	start := time.Now()
	if _, err := Prepare(c, bud); err == nil {
		q, _ := Prepare(c, nil)
		q.bud, q.es.bud = bud, bud
		for err == nil {
			_, err = q.IntersectionAreaM2(c)
		}
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("cancelled: %v", err)
		}
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("cancelled work took %v", d)
	}
}

// TestPreparedTinyRing: a box of 1e-7° (about 1 cm) lying inside a
// concave polygon at lon 105.8 meets it, prepared or not, and overlaps it by
// its own area. The shoelace sum of such a ring about the origin cancels to
// exactly 0, which once made the prepared box an empty polygon.
func TestPreparedTinyRing(t *testing.T) {
	c := orb.MultiPolygon{{{{105.815, 21}, {105.819, 21}, {105.819, 21.0012}, {105.8162, 21.0012}, {105.8162, 21.0028},
		{105.819, 21.0028}, {105.819, 21.004}, {105.815, 21.004}, {105.815, 21}}}}
	x0, y0, x1, y1 := 105.81564304845645, 21.002128026151095, 105.81564313707123, 21.002128103006342
	box := orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	q, err := Prepare(box, nil)
	if err != nil {
		t.Fatal(err)
	}
	if ok, err := q.Intersects(c); !ok || err != nil {
		t.Fatalf("prepared box inside the C: Intersects %v, %v; plain Intersects %v", ok, err, Intersects(c, box))
	}
	got, err := q.IntersectionAreaM2(c)
	if want := AreaM2(box); err != nil || want <= 0 || math.Abs(got-want) > 1e-3*want {
		t.Fatalf("overlap %v m² (%v), want the box's %v m²", got, err, want)
	}
}
