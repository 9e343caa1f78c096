package measure

import (
	"math"

	"github.com/paulmach/orb"
)

// Bound returns the lon/lat bound (degrees) of every vertex of mp, holes
// included. ok is false when mp has no vertex or any coordinate is NaN or
// infinite: such a geometry has no place on the map (the index keeps it out
// of its R-tree, IntersectsBound finds it in no box, GeoJSON gives it no
// "bbox" member). orb's MultiPolygon.Bound is not used: it widens the bound
// to (1,1) when the first polygon is empty, and it walks the points through
// an interface.
func Bound(mp orb.MultiPolygon) (b orb.Bound, ok bool) {
	b = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, poly := range mp {
		for _, ring := range poly {
			for _, p := range ring {
				b.Min[0] = min(b.Min[0], p[0])
				b.Min[1] = min(b.Min[1], p[1])
				b.Max[0] = max(b.Max[0], p[0])
				b.Max[1] = max(b.Max[1], p[1])
			}
		}
	}
	// min and max propagate NaN; an empty mp leaves the infinities.
	return b, finite(b.Min) && finite(b.Max)
}

// BoundWithin reports whether bound a lies inside bound b, edges included.
func BoundWithin(a, b orb.Bound) bool {
	return a.Min[0] >= b.Min[0] && a.Max[0] <= b.Max[0] && a.Min[1] >= b.Min[1] && a.Max[1] <= b.Max[1]
}

// IntersectsBound reports whether mp and the closed lon/lat box b share at
// least one point: the geometry, not only its bound, must reach the box.
// Touching at a vertex or along an edge counts, within 1e-9° as in
// Intersects (it answers what Intersects(mp, b as a polygon) answers, and
// what PostGIS ST_Intersects(mp, ST_MakeEnvelope(b)) does up to that
// tolerance). A box in the notch of a concave polygon, or wholly inside a
// hole, does not intersect it; a box wholly inside the polygon does. A
// degenerate box (a point or a line) is allowed. An inverted or
// non-finite b, or an mp without a finite bound (see Bound), gives false.
//
// Cost: one pass over mp's vertices for its bound; when that bound is
// neither inside b (most hits of a box are) nor away from it, at most one
// more pass over the edges, and a point-in-polygon test of one corner when
// no edge reaches the box.
func IntersectsBound(mp orb.MultiPolygon, b orb.Bound) bool {
	e, ok := Bound(mp)
	return ok && IntersectsBoundOf(mp, e, b)
}

// IntersectsBoundOf is IntersectsBound for a caller that holds mp's bound
// already (as Bound gives it, finite): the index, whose R-tree keeps it.
// The bound decides when it lies inside b (true) or away from it (false),
// without reading mp's vertices; otherwise the vertices are read once, in
// order, and the first edge found in the box ends the test.
func IntersectsBoundOf(mp orb.MultiPolygon, mpBound, b orb.Bound) bool {
	if !finite(b.Min) || !finite(b.Max) || b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] {
		return false
	}
	if BoundWithin(mpBound, b) {
		return true // a geometry inside the box has its points there
	}
	w := b.Pad(onTolD)
	if !boundsMeet(mpBound, w) {
		return false
	}
	for _, poly := range mp {
		if polygonMeetsBox(poly, b, w, len(mp) > 1) {
			return true
		}
	}
	return false
}

// polygonMeetsBox reports whether poly shares a point with box b; w is b
// padded by the boundary tolerance. own says whether to test poly's own
// bound first (a member of several: the others may lie far away).
func polygonMeetsBox(poly orb.Polygon, b, w orb.Bound, own bool) bool {
	if len(poly) == 0 || len(poly[0]) == 0 { // no shell: holes alone cover nothing
		return false
	}
	if own {
		sb := ringBound(poly[0])
		if sb.IsEmpty() || !boundsMeet(sb, w) {
			return false
		}
		if BoundWithin(sb, b) {
			return true
		}
	}
	// A ring reaching the box puts a boundary point of poly in it. The
	// shell first: it is the ring most likely to.
	for _, r := range poly {
		if ringMeetsBox(r, w) {
			return true
		}
	}
	// No ring reaches the box, so the box lies wholly inside poly (in its
	// interior, off every hole) or wholly outside it (beside it, in a notch
	// or inside a hole): any point of the box decides.
	return polygonCovers(poly, b.Min)
}

// boundsMeet reports whether two bounds share a point, edges included.
func boundsMeet(a, b orb.Bound) bool {
	return a.Min[0] <= b.Max[0] && b.Min[0] <= a.Max[0] && a.Min[1] <= b.Max[1] && b.Min[1] <= a.Max[1]
}

// ringMeetsBox reports whether any edge of r meets the closed box w. r may
// be open or closed. An edge meets a box when their bounds meet and the
// edge's line does not leave all four corners strictly on one side
// (separating axes of a segment and a rectangle: x, y and the normal).
func ringMeetsBox(r orb.Ring, w orb.Bound) bool {
	n := len(r)
	if n == 0 {
		return false
	}
	// Edges in the order of the vertices in memory, the closing one last
	// (none when the ring is closed).
	for i := 1; i <= n; i++ {
		a, c := r[i-1], r[i%n]
		if max(a[0], c[0]) >= w.Min[0] && min(a[0], c[0]) <= w.Max[0] &&
			max(a[1], c[1]) >= w.Min[1] && min(a[1], c[1]) <= w.Max[1] {
			dx, dy := c[0]-a[0], c[1]-a[1]
			s1 := dx*(w.Min[1]-a[1]) - dy*(w.Min[0]-a[0])
			s2 := dx*(w.Min[1]-a[1]) - dy*(w.Max[0]-a[0])
			s3 := dx*(w.Max[1]-a[1]) - dy*(w.Min[0]-a[0])
			s4 := dx*(w.Max[1]-a[1]) - dy*(w.Max[0]-a[0])
			if !(s1 > 0 && s2 > 0 && s3 > 0 && s4 > 0) && !(s1 < 0 && s2 < 0 && s3 < 0 && s4 < 0) {
				return true
			}
		}
	}
	return false
}
