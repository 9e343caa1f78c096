package measure

import (
	"math"

	"github.com/paulmach/orb"
)

// Contains reports whether p lies inside mp or on its boundary (within
// 1e-9°, about 0.1 mm). Points inside a hole are outside; points on a
// hole's ring are on the boundary, hence contained. Empty mp or a
// non-finite p gives false.
//
// Method: crossing-number test on lon/lat treated as a plane, so an edge
// is the straight line between its vertices in lon/lat. A PostGIS
// geography edge is a geodesic instead; the two part by at most the
// sagitta, L²·tan φ/(8R) (7 mm for a 1 km edge at 21°N), which only
// matters for points that close to the boundary.
func Contains(mp orb.MultiPolygon, p orb.Point) bool {
	if !finite(p) {
		return false
	}
	for _, poly := range mp {
		if polygonCovers(poly, p) {
			return true
		}
	}
	return false
}

// Intersects reports whether a and b share at least one point; touching
// at a vertex or along an edge counts (within 1e-9°, about 0.1 mm). Empty
// input gives false. Same lon/lat-plane edge model as Contains.
func Intersects(a, b orb.MultiPolygon) bool {
	ba, bb := multiBound(a), multiBound(b)
	if !ba.Pad(onTolD).Intersects(bb) {
		return false
	}
	for _, pa := range a {
		if len(pa) == 0 {
			continue
		}
		boundA := ringBound(pa[0]).Pad(onTolD)
		for _, pb := range b {
			if len(pb) == 0 || !boundA.Intersects(ringBound(pb[0])) {
				continue
			}
			if polygonsIntersect(pa, pb) {
				return true
			}
		}
	}
	return false
}

// polygonsIntersect reports whether two non-empty polygons share a point.
func polygonsIntersect(pa, pb orb.Polygon) bool {
	for _, ra := range pa {
		for _, rb := range pb {
			if ringsTouch(ra, rb) {
				return true
			}
		}
	}
	// The boundaries are apart, so either one polygon lies inside the
	// other (any of its points decides) or they are disjoint.
	if p, ok := firstFinite(pa[0]); ok && polygonCovers(pb, p) {
		return true
	}
	if p, ok := firstFinite(pb[0]); ok && polygonCovers(pa, p) {
		return true
	}
	return false
}

// firstFinite returns the first finite vertex of r.
func firstFinite(r orb.Ring) (orb.Point, bool) {
	for _, p := range r {
		if finite(p) {
			return p, true
		}
	}
	return orb.Point{}, false
}

// polygonCovers reports whether p lies inside poly or on its boundary.
func polygonCovers(poly orb.Polygon, p orb.Point) bool {
	if len(poly) == 0 || len(poly[0]) == 0 { // no shell: holes alone cover nothing
		return false
	}
	inside := false
	for _, r := range poly {
		on, odd := ringParity(r, p)
		if on {
			return true
		}
		if odd {
			inside = !inside
		}
	}
	return inside
}

// ringParity reports whether p is on r (within onTolD) and whether a ray
// from p towards +x crosses r an odd number of times. r may be open or
// closed. One pass, no bound needed: most edges fail the first test.
func ringParity(r orb.Ring, p orb.Point) (on, odd bool) {
	n := len(r)
	if n == 0 {
		return false, false
	}
	x, y := p[0], p[1]
	a := r[n-1]
	for _, b := range r {
		ylo, yhi := a[1], b[1]
		if ylo > yhi {
			ylo, yhi = yhi, ylo
		}
		if y >= ylo-onTolD && y <= yhi+onTolD {
			xlo, xhi := a[0], b[0]
			if xlo > xhi {
				xlo, xhi = xhi, xlo
			}
			if x >= xlo-onTolD && x <= xhi+onTolD && onSegment(p, a, b, onTolD) {
				return true, false
			}
			if (a[1] > y) != (b[1] > y) && x < a[0]+(y-a[1])*(b[0]-a[0])/(b[1]-a[1]) {
				odd = !odd
			}
		}
		a = b
	}
	return false, odd
}

// onSegment reports whether p lies within tol of segment ab, assuming p is
// already inside ab's bound padded by tol.
func onSegment(p, a, b orb.Point, tol float64) bool {
	dx, dy := b[0]-a[0], b[1]-a[1]
	l2 := dx*dx + dy*dy
	px, py := p[0]-a[0], p[1]-a[1]
	if l2 == 0 {
		return px*px+py*py <= tol*tol
	}
	cross := dx*py - dy*px
	return cross*cross <= tol*tol*l2
}

// ringsTouch reports whether any edge of ra meets any edge of rb within
// onTolD.
func ringsTouch(ra, rb orb.Ring) bool {
	if len(ra) == 0 || len(rb) == 0 {
		return false
	}
	bb := ringBound(rb).Pad(onTolD)
	if bb.IsEmpty() {
		return false
	}
	p := ra[len(ra)-1]
	for _, q := range ra {
		if !(max(p[0], q[0]) < bb.Min[0] || min(p[0], q[0]) > bb.Max[0] ||
			max(p[1], q[1]) < bb.Min[1] || min(p[1], q[1]) > bb.Max[1]) {
			r := rb[len(rb)-1]
			for _, s := range rb {
				if segmentsTouch(p, q, r, s, onTolD) {
					return true
				}
				r = s
			}
		}
		p = q
	}
	return false
}

// segmentsTouch reports whether segments pq and rs come within about tol
// of each other (share a point, allowing tol for rounding).
func segmentsTouch(p, q, r, s orb.Point, tol float64) bool {
	if max(p[0], q[0])+tol < min(r[0], s[0]) || min(p[0], q[0])-tol > max(r[0], s[0]) ||
		max(p[1], q[1])+tol < min(r[1], s[1]) || min(p[1], q[1])-tol > max(r[1], s[1]) {
		return false
	}
	if p == q {
		return onSegment(p, r, s, tol)
	}
	if r == s {
		return onSegment(r, p, q, tol)
	}
	// Signed distances of r and s from line pq, and of p and q from line rs.
	dR, dS := lineDist(p, q, r), lineDist(p, q, s)
	if (dR > tol && dS > tol) || (dR < -tol && dS < -tol) {
		return false
	}
	dP, dQ := lineDist(r, s, p), lineDist(r, s, q)
	if (dP > tol && dQ > tol) || (dP < -tol && dQ < -tol) {
		return false
	}
	// Both straddle (or touch) the other's line. When all four are within
	// tol the segments are collinear and the padded bounds overlap, so they
	// overlap along the line.
	return true
}

// lineDist returns the signed distance of c from the line through a and b
// (a ≠ b), positive on the left of a→b.
func lineDist(a, b, c orb.Point) float64 {
	dx, dy := b[0]-a[0], b[1]-a[1]
	return (dx*(c[1]-a[1]) - dy*(c[0]-a[0])) / math.Hypot(dx, dy)
}
