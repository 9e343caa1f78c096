package measure

import (
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// vec is a point of a local plane, in metres.
type vec struct{ x, y float64 }

// plane is a local plane, affine in lon/lat, centred on (lon0, lat0):
//
//	x = (λ−λ0)·kx,  y = (φ−φ0)·ky   (metres; true scale at the centre)
//
// Being affine, it keeps lon/lat-collinear points collinear and maps a
// polygon with straight lon/lat edges to a polygon with straight edges, so
// overlays done here are exact in lon/lat. It is not equal-area away from
// φ0; weight corrects for that.
type plane struct {
	lon0, lat0 float64
	kx, ky     float64 // metres per degree of longitude and of latitude
	// The ellipsoid's area element relative to the plane's, as a function
	// of y: w(φ)/w(φ0) ≈ 1 + s1·y + s2·y² (y in metres).
	s1, s2 float64
	// Great-circle bulge: the authalic great circle through two points
	// bulges poleward of the straight lon/lat line between them; gcA, gcB
	// turn a piece's Δx², Δy² (m²) into the bulge at its middle, in metres
	// of y (see bulge).
	gcA, gcB float64
}

// newPlane returns the plane centred on c, or false where it is undefined
// (non-finite c, or a pole).
func newPlane(c orb.Point) (plane, bool) {
	if !finite(c) || math.Abs(c[1]) >= 89.999 {
		return plane{}, false
	}
	phi := c[1] * radPerD
	m, n := radii(phi)
	pl := plane{lon0: c[0], lat0: c[1], kx: n * math.Cos(phi) * radPerD, ky: m * radPerD}
	// w(φ) = M·N·cos φ ∝ cos φ/(1−e² sin² φ)²; its derivatives by central
	// differences (relative error ~1e-8, far below what matters).
	const h = 1e-4
	w0, wp, wm := areaElem(phi), areaElem(phi+h), areaElem(phi-h)
	d1 := (wp - wm) / (2 * h) / w0        // w'/w per radian
	d2 := (wp - 2*w0 + wm) / (h * h) / w0 // w''/w per radian²
	pl.s1 = d1 / m                        // Δφ = y/m radians
	pl.s2 = d2 / 2 / (m * m)
	// On the authalic sphere a great circle β(λ) has, for slope β' = Δβ/Δλ,
	// curvature −β'' = sin β cos β + 2 tan β·β'², so its middle lies
	// (sin β cos β·Δλ² + 2 tan β·Δβ²)/8 poleward of the chord. With
	// Δλ = Δx/(N cos φ), Δβ = g·Δφ = g·Δy/M, and back to y via Δφ = Δβ/g:
	// Here sin β = q(φ)/q_p, and dβ/dφ = g = q'(φ)/(q_p·cos β) with
	// q'(φ) = 2(1−e²)·cos φ/(1−e² sin² φ)².
	sin, cos := math.Sincos(phi)
	w := 1 - wgs84E2*sin*sin
	sb := authQ(sin) / authQP
	cb := math.Sqrt(1 - sb*sb)
	g := 2 * (1 - wgs84E2) * cos / (w * w * authQP * cb)
	kxr, kyr := n*cos, m // metres per radian
	pl.gcA = sb * cb / (kxr * kxr) / 8 / g * kyr
	pl.gcB = (sb / cb) * g / (4 * kyr)
	return pl, true
}

// areaElem is proportional to the WGS84 area element per dφ·dλ at φ
// (radians).
func areaElem(phi float64) float64 {
	s := math.Sin(phi)
	w := 1 - wgs84E2*s*s
	return math.Cos(phi) / (w * w)
}

// project maps a lon/lat point into the plane.
func (pl *plane) project(p orb.Point) vec {
	return vec{(p[0] - pl.lon0) * pl.kx, (p[1] - pl.lat0) * pl.ky}
}

// weight returns the ellipsoidal area, in m², that the directed segment
// u→v contributes to the area of a closed boundary it belongs to: the
// area of the triangle (origin, u, v) weighted by the area element, which
// is exact for the quadratic expansion 1 + s1·y + s2·y² of that element
// (first and second moments of the triangle). Summed over a closed,
// counter-clockwise boundary it gives the enclosed area; truncating the
// expansion errs by less than tan φ·Δφ³/6 of the area for a region
// reaching Δφ radians from the centre (3e-10 at 10 km, 3e-8 at 50 km,
// 4e-7 at 1° for Viet Nam's latitudes).
func (pl *plane) weight(u, v vec) float64 {
	c := u.x*v.y - v.x*u.y
	return c * (0.5 + pl.s1*(u.y+v.y)/6 + pl.s2*(u.y*u.y+u.y*v.y+v.y*v.y)/12)
}

// bulge returns the area, in m², between the straight plane segment u→v
// and the authalic great circle through the same ends, signed as a change
// of the enclosed area when u→v is part of a counter-clockwise boundary:
// the circle bows poleward by δ at its middle, cutting a parabolic sliver
// of area ⅔·Δx·δ. Taking the great circle makes IntersectionAreaM2(a, a)
// agree with AreaM2(a), and both with PostGIS's geodesic edges.
func (pl *plane) bulge(u, v vec) float64 {
	dx, dy := v.x-u.x, v.y-u.y
	delta := pl.gcA*dx*dx + pl.gcB*dy*dy
	return -2.0 / 3 * dx * delta
}

// pedge is a directed edge a→b in the plane, with its direction d = b−a,
// its length l > 0 and its bound.
type pedge struct {
	a, b, d vec
	l       float64
	lo, hi  vec
}

func makeEdge(a, b vec) pedge {
	d := vec{b.x - a.x, b.y - a.y}
	return pedge{
		a: a, b: b, d: d,
		l:  math.Sqrt(d.x*d.x + d.y*d.y),
		lo: vec{min(a.x, b.x), min(a.y, b.y)},
		hi: vec{max(a.x, b.x), max(a.y, b.y)},
	}
}

// edgeSet holds the edges of a multipolygon in the plane, oriented so the
// interior lies on the left (shells counter-clockwise, holes clockwise),
// and their bound.
type edgeSet struct {
	edges  []pedge
	lo, hi vec
	// Optional, for the prepared tests: an index over edges (covers casts
	// rays through it), a replacement for covers, and the budget charged,
	// with the first error met.
	tree    *edgeTree
	coverFn func(vec) bool
	bud     *Budget
	err     error
}

// newEdgeSet wraps edges (from appendEdges) with their bound.
func newEdgeSet(edges []pedge) edgeSet {
	es := edgeSet{
		edges: edges,
		lo:    vec{math.Inf(1), math.Inf(1)},
		hi:    vec{math.Inf(-1), math.Inf(-1)},
	}
	for i := range edges {
		e := &edges[i]
		es.lo = vec{min(es.lo.x, e.lo.x), min(es.lo.y, e.lo.y)}
		es.hi = vec{max(es.hi.x, e.hi.x), max(es.hi.y, e.hi.y)}
	}
	return es
}

// appendEdges projects mp into pl and appends its edges to dst, interior on
// the left. Non-finite vertices, repeated vertices and rings enclosing no
// area are dropped; a polygon whose shell is dropped goes with its holes.
func appendEdges(dst []pedge, pl *plane, mp orb.MultiPolygon) []pedge {
	for _, poly := range mp {
		for k, r := range poly {
			start := len(dst)
			var first, prev vec
			n := 0
			for _, p := range r {
				if !finite(p) {
					continue
				}
				v := pl.project(p)
				switch {
				case n == 0:
					first = v
				case v == prev:
					continue
				default:
					dst = append(dst, makeEdge(prev, v))
				}
				prev = v
				n++
			}
			if n > 1 && prev != first {
				dst = append(dst, makeEdge(prev, first))
			}
			ring := dst[start:]
			// The shoelace sum taken about the ring's first vertex: about
			// the origin, a ring of 1e-7° at lon 105 cancels out to 0 and
			// would be dropped as degenerate.
			area := 0.0
			o := first
			for i := range ring {
				area += (ring[i].a.x-o.x)*(ring[i].b.y-o.y) - (ring[i].b.x-o.x)*(ring[i].a.y-o.y)
			}
			if len(ring) < 3 || area == 0 || math.IsNaN(area) {
				dst = dst[:start]
				if k == 0 {
					break // no shell, no polygon
				}
				continue
			}
			if (k == 0) != (area > 0) {
				slices.Reverse(ring)
				for i := range ring {
					ring[i] = makeEdge(ring[i].b, ring[i].a)
				}
			}
		}
	}
	return dst
}

// covers reports whether p lies inside the edge set (crossing-number test
// over all its rings at once). Points on an edge may go either way; the
// caller never asks about those.
func (es *edgeSet) covers(p vec) bool {
	if es.coverFn != nil {
		return es.coverFn(p)
	}
	if es.tree != nil {
		return es.rayCovers(es.tree, p)
	}
	if p.x < es.lo.x || p.x > es.hi.x || p.y < es.lo.y || p.y > es.hi.y {
		return false
	}
	odd := false
	for i := range es.edges {
		e := &es.edges[i]
		if (e.a.y > p.y) != (e.b.y > p.y) && p.x <= e.hi.x {
			if p.x < e.a.x+(p.y-e.a.y)*(e.b.x-e.a.x)/(e.b.y-e.a.y) {
				odd = !odd
			}
		}
	}
	return odd
}
