package measure

import (
	"context"
	"errors"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// ErrBudget is returned by the prepared tests once a Budget is spent.
var ErrBudget = errors.New("measure: the work budget is spent")

// Budget bounds the work of one request and carries its context. A unit
// is about one edge looked at (a bound test, a crossing test, an edge
// projected or indexed): tens of nanoseconds. A nil *Budget is unlimited
// and never cancelled.
type Budget struct {
	ctx        context.Context
	limit      int64
	used       int64
	sinceCheck int64
}

// NewBudget returns a budget of units for work done on behalf of ctx.
func NewBudget(ctx context.Context, units int64) *Budget {
	return &Budget{ctx: ctx, limit: units}
}

// Used returns the units spent so far (0 for nil).
func (b *Budget) Used() int64 {
	if b == nil {
		return 0
	}
	return b.used
}

// Limit returns the budget's size in units (0 for nil, meaning unlimited).
func (b *Budget) Limit() int64 {
	if b == nil {
		return 0
	}
	return b.limit
}

// budgetCheckEvery is how many units may pass between two looks at the
// context: a few tens of microseconds of work.
const budgetCheckEvery = 2048

// Spend charges n units. It returns ErrBudget once the budget is
// exceeded, and the context's error once the context is done (looked at
// every budgetCheckEvery units, so within microseconds).
func (b *Budget) Spend(n int) error {
	if b == nil {
		return nil
	}
	b.used += int64(n)
	if b.used > b.limit {
		return ErrBudget
	}
	b.sinceCheck += int64(n)
	if b.sinceCheck >= budgetCheckEvery {
		b.sinceCheck = 0
		if b.ctx != nil {
			if err := b.ctx.Err(); err != nil {
				return err
			}
		}
	}
	return nil
}

// Prepared is a (multi)polygon made ready for many Intersects and
// IntersectionAreaM2 tests against other, small polygons: its edges are
// indexed once (a packed R-tree over their bounds), so a test costs about
// O(log n + k) for the k of its n edges near the other polygon, not O(n).
// Every test charges its Budget and stops when it is spent or its context
// is done. A Prepared is not safe for concurrent use (the budget is).
type Prepared struct {
	es     edgeSet  // lon/lat as (x, y), interior on the left
	tree   edgeTree // over es.edges
	bound  orb.Bound
	firsts []pedge  // one degenerate edge per polygon, at a vertex of its shell
	ftree  edgeTree // over firsts
	shells []orb.Point
	bud    *Budget
}

// lonLat is the identity plane: (x, y) = (lon, lat) in degrees.
var lonLat = plane{kx: 1, ky: 1}

// Prepare indexes mp for tests charged to bud (nil: unlimited). It fails
// only when bud is spent (ErrBudget) or its context is done. mp is assumed
// valid; empty input makes a Prepared that meets nothing.
func Prepare(mp orb.MultiPolygon, bud *Budget) (*Prepared, error) {
	n := 0
	for _, poly := range mp {
		for _, r := range poly {
			n += len(r)
		}
	}
	// Indexing sorts, which is cheap beside the tests: 2 units an edge.
	if err := bud.Spend(2 * n); err != nil {
		return nil, err
	}
	q := &Prepared{bud: bud, bound: multiBound(mp)}
	q.es = newEdgeSet(appendEdges(make([]pedge, 0, n), &lonLat, mp))
	q.es.bud = bud
	q.tree = newEdgeTree(q.es.edges)
	for _, poly := range mp {
		if len(poly) == 0 {
			continue
		}
		if p, ok := firstFinite(poly[0]); ok {
			v := vec{p[0], p[1]}
			q.firsts = append(q.firsts, pedge{a: v, b: v, lo: v, hi: v})
			q.shells = append(q.shells, p)
		}
	}
	q.ftree = newEdgeTree(q.firsts)
	return q, nil
}

func bitLen(n int) int {
	b := 0
	for n > 0 {
		b++
		n >>= 1
	}
	return b
}

// Budget returns the budget q charges.
func (q *Prepared) Budget() *Budget { return q.bud }

// Bound returns the lon/lat bound of the prepared polygon.
func (q *Prepared) Bound() orb.Bound { return q.bound }

// Intersects reports whether c shares at least one point with q, as
// Intersects(c, q's polygon) does.
func (q *Prepared) Intersects(c orb.MultiPolygon) (bool, error) {
	cb := multiBound(c)
	if len(q.es.edges) == 0 || !cb.Pad(onTolD).Intersects(q.bound) {
		return false, nil
	}
	// Does any edge of c touch an edge of q?
	touch := false
	var err error
	for _, poly := range c {
		for _, r := range poly {
			if len(r) == 0 {
				continue
			}
			if err = q.bud.Spend(len(r)); err != nil {
				return false, err
			}
			a := r[len(r)-1]
			for _, b := range r {
				lo := vec{min(a[0], b[0]) - onTolD, min(a[1], b[1]) - onTolD}
				hi := vec{max(a[0], b[0]) + onTolD, max(a[1], b[1]) + onTolD}
				tests := 0
				q.tree.search(lo, hi, &tests, func(i int) bool {
					if err = q.bud.Spend(1); err != nil {
						return false
					}
					e := &q.es.edges[i]
					touch = segmentsTouch(a, b, orb.Point{e.a.x, e.a.y}, orb.Point{e.b.x, e.b.y}, onTolD)
					return !touch
				})
				if err == nil {
					err = q.bud.Spend(tests / 4)
				}
				if err != nil {
					return false, err
				}
				if touch {
					return true, nil
				}
				a = b
			}
		}
	}
	// The boundaries are apart: one lies inside the other, or they are
	// disjoint. A vertex of each polygon decides.
	for _, poly := range c {
		if len(poly) == 0 {
			continue
		}
		if p, ok := firstFinite(poly[0]); ok {
			in, err := q.coversLonLat(vec{p[0], p[1]})
			if err != nil || in {
				return in, err
			}
		}
	}
	in := false
	tests := 0
	q.ftree.search(vec{cb.Min[0], cb.Min[1]}, vec{cb.Max[0], cb.Max[1]}, &tests, func(i int) bool {
		if err = q.bud.Spend(1); err != nil {
			return false
		}
		in = Contains(c, q.shells[i])
		return !in
	})
	if err == nil {
		err = q.bud.Spend(tests / 4)
	}
	return in, err
}

// IntersectionAreaM2 returns the area in m² of the intersection of c and
// q, as IntersectionAreaM2(c, q's polygon) does, looking only at q's edges
// near c.
func (q *Prepared) IntersectionAreaM2(c orb.MultiPolygon) (float64, error) {
	cb := multiBound(c)
	if len(q.es.edges) == 0 || !cb.Intersects(q.bound) {
		return 0, nil
	}
	overlap := orb.Bound{
		Min: orb.Point{max(cb.Min[0], q.bound.Min[0]), max(cb.Min[1], q.bound.Min[1])},
		Max: orb.Point{min(cb.Max[0], q.bound.Max[0]), min(cb.Max[1], q.bound.Max[1])},
	}
	pl, ok := newPlane(overlap.Center())
	if !ok {
		return 0, nil
	}
	nc := 0
	for _, poly := range c {
		for _, r := range poly {
			nc += len(r)
		}
	}
	if err := q.bud.Spend(nc); err != nil {
		return 0, err
	}
	ea := newEdgeSet(appendEdges(make([]pedge, 0, nc), &pl, c))
	if len(ea.edges) == 0 {
		return 0, nil
	}
	// q's edges whose bound meets c's (padded well beyond onTolM).
	const padD = 1e-9
	var near []int
	var err error
	tests := 0
	q.tree.search(vec{cb.Min[0] - padD, cb.Min[1] - padD}, vec{cb.Max[0] + padD, cb.Max[1] + padD}, &tests, func(i int) bool {
		if err = q.bud.Spend(3); err != nil {
			return false
		}
		near = append(near, i)
		return true
	})
	if err == nil {
		err = q.bud.Spend(tests / 4)
	}
	if err != nil {
		return 0, err
	}
	// In q's order, so that the sum runs as IntersectionAreaM2's does and
	// the two agree to the last bit.
	slices.Sort(near)
	local := make([]pedge, len(near))
	for k, i := range near {
		e := &q.es.edges[i]
		local[k] = makeEdge(pl.project(orb.Point{e.a.x, e.a.y}), pl.project(orb.Point{e.b.x, e.b.y}))
	}
	eb := newEdgeSet(local)
	// The bound of the whole of q, so that the pieces of c beyond the local
	// edges are still asked about (and answered by q's own index).
	eb.lo, eb.hi = pl.project(q.bound.Min), pl.project(q.bound.Max)
	eb.coverFn = func(p vec) bool {
		in, e := q.coversLonLat(vec{p.x/pl.kx + pl.lon0, p.y/pl.ky + pl.lat0})
		if e != nil && err == nil {
			err = e
		}
		return in
	}
	ea.bud, eb.bud = q.bud, q.bud
	ea.index()
	eb.index()
	var ov overlay
	if err := ov.relateAll(&ea, &eb); err != nil {
		return 0, err
	}
	area := ov.sum(&pl, &ea, &eb, 0, true) + ov.sum(&pl, &eb, &ea, 1, true)
	if err = errors.Join(err, ea.err, eb.err); err != nil {
		return 0, err
	}
	if !(area > 0) {
		return 0, nil
	}
	return area, nil
}

// coversLonLat reports whether p (lon, lat) is inside q; points on its
// boundary may go either way (the callers have looked for touching edges
// first, or do not ask about those).
func (q *Prepared) coversLonLat(p vec) (bool, error) {
	in := q.es.rayCovers(&q.tree, p)
	return in, q.es.err
}

// index gives es an edge tree when it has enough edges to repay one.
func (es *edgeSet) index() {
	if len(es.edges) > 32 && es.tree == nil {
		if es.spend(len(es.edges) * (1 + bitLen(len(es.edges)))) {
			t := newEdgeTree(es.edges)
			es.tree = &t
		}
	}
}

// spend charges es's budget; false (and es.err set) once it is spent.
func (es *edgeSet) spend(n int) bool {
	if es.err != nil {
		return false
	}
	if err := es.bud.Spend(n); err != nil {
		es.err = err
		return false
	}
	return true
}

// rayDirs: the four rays a point-in-polygon test may cast.
type rayDir int

const (
	rayRight rayDir = iota
	rayLeft
	rayUp
	rayDown
)

// rayCovers reports whether p is inside es, by the parity
// of the edges crossed by a ray from p, found through t. It tries the
// rays towards the nearest sides of es's bound first, each stopped after a
// few edges, so that a polygon dense in one direction (a comb) is crossed
// along its teeth; the nearest ray is then cast to the end. When the
// budget runs out it answers false with es.err set.
func (es *edgeSet) rayCovers(t *edgeTree, p vec) bool {
	if p.x < es.lo.x || p.x > es.hi.x || p.y < es.lo.y || p.y > es.hi.y || es.err != nil {
		return false
	}
	dirs := [4]rayDir{rayRight, rayLeft, rayUp, rayDown}
	dist := [4]float64{es.hi.x - p.x, p.x - es.lo.x, es.hi.y - p.y, p.y - es.lo.y}
	for i := 1; i < 4; i++ { // insertion sort by distance
		for j := i; j > 0 && dist[j] < dist[j-1]; j-- {
			dist[j], dist[j-1] = dist[j-1], dist[j]
			dirs[j], dirs[j-1] = dirs[j-1], dirs[j]
		}
	}
	const tryVisits = 48
	for _, d := range dirs {
		if in, done := es.ray(t, p, d, tryVisits); done {
			return in && es.err == nil
		}
		if es.err != nil {
			return false
		}
	}
	in, _ := es.ray(t, p, dirs[0], math.MaxInt)
	return in && es.err == nil
}

// ray casts one ray from p in direction d, looking at no more than limit
// edges; done is false when it stopped at the limit (or the budget).
func (es *edgeSet) ray(t *edgeTree, p vec, d rayDir, limit int) (odd, done bool) {
	lo, hi := p, p
	switch d {
	case rayRight:
		hi.x = es.hi.x
	case rayLeft:
		lo.x = es.lo.x
	case rayUp:
		hi.y = es.hi.y
	case rayDown:
		lo.y = es.lo.y
	}
	visits, tests := 0, 0
	done = t.search(lo, hi, &tests, func(i int) bool {
		visits++
		if visits > limit || !es.spend(1) {
			return false
		}
		e := &es.edges[i]
		switch d {
		case rayRight, rayLeft:
			if (e.a.y > p.y) != (e.b.y > p.y) {
				x := e.a.x + (p.y-e.a.y)*(e.b.x-e.a.x)/(e.b.y-e.a.y)
				if (d == rayRight && p.x < x) || (d == rayLeft && p.x > x) {
					odd = !odd
				}
			}
		default:
			if (e.a.x > p.x) != (e.b.x > p.x) {
				y := e.a.y + (p.x-e.a.x)*(e.b.y-e.a.y)/(e.b.x-e.a.x)
				if (d == rayUp && p.y < y) || (d == rayDown && p.y > y) {
					odd = !odd
				}
			}
		}
		return true
	})
	es.spend(tests / 4)
	return odd, done
}
