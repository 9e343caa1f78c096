package measure

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// IntersectionAreaM2 returns the area in square metres of the intersection
// of a and b: 0 when they are disjoint or only touch (at points or along
// shared edges), the full area when they are identical. Both may be
// non-convex, have holes, be multipolygons and be wound either way; they
// are assumed valid. Empty or degenerate input gives 0.
//
// Method: both are projected into a local plane centred on the middle of
// the overlap of their bounds, affine in lon/lat (so edges are the straight
// lon/lat lines Contains uses, and shared or collinear edges stay exactly
// collinear). The boundary of a∩b consists of the parts of ∂a inside b and
// of ∂b inside a, with rings oriented interior-left. Every edge is cut where
// it meets the other polygon's edges; each piece is kept if its midpoint is
// inside the other polygon; a piece running along the other boundary is
// kept once if both boundaries run the same way there (taken from a) and
// dropped if they run opposite ways. The kept pieces enclose a∩b, and its
// area is summed piece by piece with the ellipsoid's area element, so the
// plane's scale distortion does not enter.
//
// Error: the result is the WGS84 area of a∩b with lon/lat-straight edges,
// to ~1e-8 for zone-sized overlaps; PostGIS's geodesic edges differ from
// those by a fraction of the sagitta, ~1e-5 of the area for km-long edges.
// Identical inputs give AreaM2 to within that. Edges closer than 1e-6 m
// are treated as collinear. Cost is O(n·m) edge pairs (pruned by bounds)
// plus O(m) per piece for the inside test.
func IntersectionAreaM2(a, b orb.MultiPolygon) float64 {
	ba, bb := multiBound(a), multiBound(b)
	if !ba.Intersects(bb) {
		return 0
	}
	overlap := orb.Bound{
		Min: orb.Point{math.Max(ba.Min[0], bb.Min[0]), math.Max(ba.Min[1], bb.Min[1])},
		Max: orb.Point{math.Min(ba.Max[0], bb.Max[0]), math.Min(ba.Max[1], bb.Max[1])},
	}
	pl, ok := newPlane(overlap.Center())
	if !ok {
		return 0
	}
	ea, buf := newEdgeSet(&pl, a, nil)
	eb, _ := newEdgeSet(&pl, b, buf)
	if len(ea.edges) == 0 || len(eb.edges) == 0 {
		return 0
	}
	var ov overlay
	ov.relateAll(&ea, &eb)
	area := ov.sum(&pl, &ea, &eb, true) + ov.sum(&pl, &eb, &ea, false)
	if !(area > 0) { // negative rounding noise, or NaN
		return 0
	}
	return area
}

// cut is a point where edge e (an index into its edge set) must be split,
// at parameter t in (0, 1).
type cut struct {
	e int
	t float64
}

// span marks the part [t0, t1] of edge e that runs along an edge of the
// other set, in the same direction or not.
type span struct {
	e      int
	t0, t1 float64
	same   bool
}

// overlay collects the cuts and collinear spans of both edge sets; index 0
// is for a, 1 for b.
type overlay struct {
	cuts  [2][]cut
	spans [2][]span
}

// relateAll records the cuts and spans for every pair of edges of ea and
// eb whose bounds meet.
func (ov *overlay) relateAll(ea, eb *edgeSet) {
	const tol = onTolM
	for i := range ea.edges {
		e := &ea.edges[i]
		if e.hi.x < eb.lo.x-tol || e.lo.x > eb.hi.x+tol || e.hi.y < eb.lo.y-tol || e.lo.y > eb.hi.y+tol {
			continue
		}
		for j := range eb.edges {
			f := &eb.edges[j]
			if e.hi.x < f.lo.x-tol || e.lo.x > f.hi.x+tol || e.hi.y < f.lo.y-tol || e.lo.y > f.hi.y+tol {
				continue
			}
			ov.relate(i, j, e, f)
		}
	}
	for k := range 2 {
		slices.SortFunc(ov.cuts[k], func(x, y cut) int {
			if c := cmp.Compare(x.e, y.e); c != 0 {
				return c
			}
			return cmp.Compare(x.t, y.t)
		})
		slices.SortFunc(ov.spans[k], func(x, y span) int { return cmp.Compare(x.e, y.e) })
	}
}

// relate records how edge e (index i of a) and edge f (index j of b) meet.
// It is the only place that decides collinearity, so both sides of the
// overlay always agree on it.
func (ov *overlay) relate(i, j int, e, f *pedge) {
	const tol = onTolM
	d := vec{e.b.x - e.a.x, e.b.y - e.a.y}
	g := vec{f.b.x - f.a.x, f.b.y - f.a.y}
	ld, lg := math.Hypot(d.x, d.y), math.Hypot(g.x, g.y)
	// Signed distances of f's ends from e's line and of e's ends from f's.
	dR := (d.x*(f.a.y-e.a.y) - d.y*(f.a.x-e.a.x)) / ld
	dS := (d.x*(f.b.y-e.a.y) - d.y*(f.b.x-e.a.x)) / ld
	dP := (g.x*(e.a.y-f.a.y) - g.y*(e.a.x-f.a.x)) / lg
	dQ := (g.x*(e.b.y-f.a.y) - g.y*(e.b.x-f.a.x)) / lg

	if (math.Abs(dR) <= tol && math.Abs(dS) <= tol) || (math.Abs(dP) <= tol && math.Abs(dQ) <= tol) {
		// Collinear: project each edge's ends onto the other.
		tR := ((f.a.x-e.a.x)*d.x + (f.a.y-e.a.y)*d.y) / (ld * ld)
		tS := ((f.b.x-e.a.x)*d.x + (f.b.y-e.a.y)*d.y) / (ld * ld)
		uP := ((e.a.x-f.a.x)*g.x + (e.a.y-f.a.y)*g.y) / (lg * lg)
		uQ := ((e.b.x-f.a.x)*g.x + (e.b.y-f.a.y)*g.y) / (lg * lg)
		t0, t1 := math.Max(0, math.Min(tR, tS)), math.Min(1, math.Max(tR, tS))
		u0, u1 := math.Max(0, math.Min(uP, uQ)), math.Min(1, math.Max(uP, uQ))
		if (t1-t0)*ld > tol && (u1-u0)*lg > tol {
			same := d.x*g.x+d.y*g.y > 0
			ov.spans[0] = append(ov.spans[0], span{i, t0, t1, same})
			ov.spans[1] = append(ov.spans[1], span{j, u0, u1, same})
			ov.addCut(0, i, t0, ld)
			ov.addCut(0, i, t1, ld)
			ov.addCut(1, j, u0, lg)
			ov.addCut(1, j, u1, lg)
			return
		}
		// They meet at most at a point: an end of one on the other.
		ov.addCut(0, i, tR, ld)
		ov.addCut(0, i, tS, ld)
		ov.addCut(1, j, uP, lg)
		ov.addCut(1, j, uQ, lg)
		return
	}
	if (dR > tol && dS > tol) || (dR < -tol && dS < -tol) ||
		(dP > tol && dQ > tol) || (dP < -tol && dQ < -tol) {
		return // one lies wholly on one side of the other's line
	}
	// They cross or touch. dP ≠ dQ and dR ≠ dS here, else the edges would
	// have been collinear or apart.
	ov.addCut(0, i, dP/(dP-dQ), ld)
	ov.addCut(1, j, dR/(dR-dS), lg)
}

// addCut records a cut of edge i of set k at t when it falls inside the
// edge, more than onTolM (in metres along an edge of length l) from its
// ends.
func (ov *overlay) addCut(k, i int, t, l float64) {
	if t*l > onTolM && (1-t)*l > onTolM {
		ov.cuts[k] = append(ov.cuts[k], cut{i, t})
	}
}

// sum returns the weighted area contributions of the pieces of es's edges
// that bound the intersection with other. first says whether es is a (the
// side that keeps same-direction collinear pieces).
func (ov *overlay) sum(pl *plane, es, other *edgeSet, first bool) float64 {
	const tol = onTolM
	k := 1
	if first {
		k = 0
	}
	cuts, spans := ov.cuts[k], ov.spans[k] // sorted by edge
	ci, si := 0, 0
	total := 0.0
	for i := range es.edges {
		e := &es.edges[i]
		c0 := ci
		for ci < len(cuts) && cuts[ci].e == i {
			ci++
		}
		s0 := si
		for si < len(spans) && spans[si].e == i {
			si++
		}
		myCuts, mySpans := cuts[c0:ci], spans[s0:si]
		if len(myCuts) == 0 && len(mySpans) == 0 &&
			(e.hi.x < other.lo.x-tol || e.lo.x > other.hi.x+tol || e.hi.y < other.lo.y-tol || e.lo.y > other.hi.y+tol) {
			continue // wholly outside the other set's bound
		}
		d := vec{e.b.x - e.a.x, e.b.y - e.a.y}
		at := func(t float64) vec { return vec{e.a.x + t*d.x, e.a.y + t*d.y} }
		t0 := 0.0
		for c := 0; c <= len(myCuts); c++ {
			t1 := 1.0
			if c < len(myCuts) {
				t1 = myCuts[c].t
			}
			if t1 <= t0 {
				continue
			}
			tm := (t0 + t1) / 2
			keep, along := false, false
			for _, s := range mySpans {
				if tm > s.t0 && tm < s.t1 {
					along = true
					keep = keep || (first && s.same)
				}
			}
			if !along {
				keep = other.covers(at(tm))
			}
			if keep {
				u, v := at(t0), at(t1)
				total += pl.weight(u, v) + pl.bulge(u, v)
			}
			t0 = t1
		}
	}
	return total
}
