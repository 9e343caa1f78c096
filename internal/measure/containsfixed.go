package measure

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
)

// ContainsFixed is Contains(g.Decode(buf), p) without decoding g: each
// vertex is made where the test reads it, the double Decode makes
// ((origin+offset)/1e9), so the test sees the same points, takes the
// same steps and gives the same answer, without writing and reading back
// 16 bytes a point (TestContainsFixedAsDecoded holds the two to each
// other). A Wide geometry is tested in its orb form.
func ContainsFixed(g *fixedgeom.Geometry, p orb.Point) bool {
	if w := g.Wide(); w != nil {
		return Contains(w, p)
	}
	if !finite(p) {
		return false
	}
	d := g.Deltas()
	ix, iy := g.Origin()
	x0, y0 := float64(ix), float64(iy)
	polys, rings := g.Layout()
	if polys == nil {
		return len(d) >= 2 && fixedPolygonCovers(x0, y0, d, []uint32{uint32(len(d) / 2)}, p)
	}
	at, ri := 0, 0
	for _, nr := range polys {
		rs := rings[ri : ri+int(nr)]
		ri += int(nr)
		k := 0
		for _, n := range rs {
			k += 2 * int(n)
		}
		if fixedPolygonCovers(x0, y0, d[at:at+k], rs, p) {
			return true
		}
		at += k
	}
	return false
}

// fixedPolygonCovers is polygonCovers for the polygon whose rings hold
// rs points each, in turn from d (x and y offsets from x0, y0 in 1e-9°).
func fixedPolygonCovers(x0, y0 float64, d []int32, rs []uint32, p orb.Point) bool {
	pLo, pHi := yWindow(y0, p[1])
	if len(rs) == 0 || rs[0] == 0 { // no shell: holes alone cover nothing
		return false
	}
	inside := false
	at := 0
	for _, n := range rs {
		on, odd := fixedRingParity(x0, y0, d[at:at+2*int(n)], pLo, pHi, p)
		if on {
			return true
		}
		if odd {
			inside = !inside
		}
		at += 2 * int(n)
	}
	return inside
}

// fixedRingParity is ringParity for the ring of the points d, each made
// as fixedgeom's Decode makes it. An edge that ringParity passes over
// (its y range, widened by onTolD, misses p's y) is passed over here in
// integers, from the edge's offsets against pLo and pHi, p's y in units
// from y0 widened by 4 units (within 1e-5 units of the doubles'
// rounding, so an edge skipped here would fail ringParity's first test);
// the others are made in doubles and tested as ringParity tests them.
func fixedRingParity(x0, y0 float64, d []int32, pLo, pHi int64, p orb.Point) (on, odd bool) {
	n := len(d) / 2
	if n == 0 {
		return false, false
	}
	d = d[:2*n]
	x, y := p[0], p[1]
	j := n - 1
	for i := range n {
		ay, by := d[2*j+1], d[2*i+1]
		if int64(max(ay, by)) >= pLo && int64(min(ay, by)) <= pHi {
			a := orb.Point{(x0 + float64(d[2*j])) / fixedgeom.Scale, (y0 + float64(ay)) / fixedgeom.Scale}
			b := orb.Point{(x0 + float64(d[2*i])) / fixedgeom.Scale, (y0 + float64(by)) / fixedgeom.Scale}
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
		}
		j = i
	}
	return false, odd
}

// yWindow is p's y in units from y0, floor and ceiling widened by 4
// units, clamped far beyond any offset (±2^31) so that the conversion to
// integers is defined.
func yWindow(y0 float64, py float64) (lo, hi int64) {
	u := min(max(py*fixedgeom.Scale-y0, -1e12), 1e12)
	return int64(math.Floor(u)) - 4, int64(math.Ceil(u)) + 4
}
