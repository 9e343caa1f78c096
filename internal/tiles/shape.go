package tiles

import (
	"slices"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
)

// shaper turns lon/lat polygons into MVT polygon geometry for one tile.
// Ring by ring it projects to tile units, clips what reaches past the
// buffered tile (Sutherland–Hodgman against its square), simplifies
// (Douglas–Peucker), snaps to whole units dropping repeated points,
// drops rings that collapse, orients what is left (exterior rings
// clockwise in the y-down tile, that is with a positive shoelace sum;
// holes anticlockwise) and writes the commands. These are the steps, in
// the same order and with the same arithmetic, of the orb pipeline the
// package used before (clip.Ring, simplify.DouglasPeucker, encoding/mvt),
// without its allocations: every buffer is reused from ring to ring and,
// through the renderer's pool, from tile to tile.
type shaper struct {
	pr  projector
	box orb.Bound // the buffered tile, tile units
	// tol2 is the squared Douglas–Peucker tolerance, tile units²; simplify
	// false turns simplification off.
	tol2     float64
	simplify bool

	pts, alt []orb.Point // the ring in tile units; alt is the clipper's other buffer
	mask     []bool      // Douglas–Peucker: the points kept
	stack    []int       // Douglas–Peucker: spans still to look at
	ring     []ipoint    // the snapped ring

	geom   []byte // the feature's commands, packed varints
	cx, cy int32  // the command cursor, tile units
}

// ipoint is a point snapped to whole tile units.
type ipoint struct{ x, y int32 }

// MVT geometry command ids (MVT 2.1, 4.3.3).
const (
	cmdMoveTo    = 1
	cmdLineTo    = 2
	cmdClosePath = 7
)

// reset prepares the shaper for tile t.
func (s *shaper) reset(t Tile, extent uint32, bufferUnits, toleranceUnits float64) {
	s.pr = newProjector(t, extent)
	e := float64(extent)
	s.box = orb.Bound{Min: orb.Point{-bufferUnits, -bufferUnits}, Max: orb.Point{e + bufferUnits, e + bufferUnits}}
	s.simplify = toleranceUnits > 0
	s.tol2 = toleranceUnits * toleranceUnits
}

// shape writes the geometry of mp to s.geom, replacing what was there,
// and reports whether anything is left to draw. A polygon whose exterior
// ring collapses is dropped with its holes; a hole that collapses is
// dropped alone. mp is not modified.
func (s *shaper) shape(mp orb.MultiPolygon) bool {
	s.geom = s.geom[:0]
	s.cx, s.cy = 0, 0
	for _, poly := range mp {
		for i, r := range poly {
			if !s.polygonRing(r, i == 0) && i == 0 {
				break
			}
		}
	}
	return len(s.geom) > 0
}

// shapeFixed is shape for a geometry of the index, read from its 1e-9°
// integers (projector.ringFixed) rather than decoded into orb rings
// first: the same commands. A Wide geometry is shaped from its orb form.
func (s *shaper) shapeFixed(g *fixedgeom.Geometry) bool {
	if w := g.Wide(); w != nil {
		return s.shape(w)
	}
	s.geom = s.geom[:0]
	s.cx, s.cy = 0, 0
	ox, oy := g.Origin()
	x0, y0 := float64(ox), float64(oy)
	d := g.Deltas()
	polys, rings := g.Layout()
	if polys == nil { // one polygon of one ring, or none
		if len(d) > 0 {
			s.fixedRing(x0, y0, d, true)
		}
		return len(s.geom) > 0
	}
	at, ri := 0, 0
	for _, k := range polys {
		dropped := false // the exterior ring collapsed: its holes go too
		for i := range int(k) {
			n := 2 * int(rings[ri])
			r := d[at : at+n]
			at += n
			ri++
			if !dropped && !s.fixedRing(x0, y0, r, i == 0) && i == 0 {
				dropped = true
			}
		}
	}
	return len(s.geom) > 0
}

// polygonRing writes one ring, an exterior one or a hole, and reports
// whether it was written (false when it collapsed or lies off the tile).
func (s *shaper) polygonRing(r orb.Ring, exterior bool) bool {
	if len(r) < 4 {
		return false
	}
	pts := s.ringBuffer(len(r))
	rb, ok := s.pr.ring(pts, r)
	if !ok {
		return false
	}
	return s.drawRing(pts, rb, exterior)
}

// fixedRing is polygonRing for a ring in fixed point (shapeFixed).
func (s *shaper) fixedRing(x0, y0 float64, d []int32, exterior bool) bool {
	n := len(d) / 2
	if n < 4 {
		return false
	}
	pts := s.ringBuffer(n)
	rb, ok := s.pr.ringFixed(pts, x0, y0, d)
	if !ok {
		return false
	}
	return s.drawRing(pts, rb, exterior)
}

// ringBuffer is s.pts made n points long.
func (s *shaper) ringBuffer(n int) []orb.Point {
	if cap(s.pts) < n {
		s.pts = make([]orb.Point, n, 2*n)
	}
	s.pts = s.pts[:n]
	return s.pts
}

// drawRing clips, simplifies, snaps and writes the ring pts, projected to
// tile units with the bound rb, and reports whether it was written.
func (s *shaper) drawRing(pts []orb.Point, rb orb.Bound, exterior bool) bool {
	minX, minY, maxX, maxY := rb.Min[0], rb.Min[1], rb.Max[0], rb.Max[1]
	b := s.box
	if maxX < b.Min[0] || minX > b.Max[0] || maxY < b.Min[1] || minY > b.Max[1] {
		return false
	}
	// Parcels at z15 and deeper lie inside the buffered tile but for the
	// few on its edges: only those are clipped.
	if minX < b.Min[0] || minY < b.Min[1] || maxX > b.Max[0] || maxY > b.Max[1] {
		// The sides of the box the ring reaches past or comes within
		// clipMargin of (see clip).
		var sides int
		if minX < b.Min[0]+clipMargin {
			sides |= edgeMinX
		}
		if maxX > b.Max[0]-clipMargin {
			sides |= edgeMaxX
		}
		if minY < b.Min[1]+clipMargin {
			sides |= edgeMinY
		}
		if maxY > b.Max[1]-clipMargin {
			sides |= edgeMaxY
		}
		if pts = s.clip(pts, sides); len(pts) < 4 {
			return false
		}
	}
	if s.simplify && len(pts) > 4 && !s.keepsAll(pts) {
		pts = s.douglasPeucker(pts)
	}

	// Snap to whole units, dropping repeated points, and close the ring.
	ring := s.ring[:0]
	for _, p := range pts {
		q := ipoint{roundUnit(p[0]), roundUnit(p[1])}
		if len(ring) > 0 && ring[len(ring)-1] == q {
			continue
		}
		ring = append(ring, q)
	}
	if n := len(ring); n > 0 && ring[0] != ring[n-1] {
		ring = append(ring, ring[0])
	}
	s.ring = ring
	if len(ring) < 4 {
		return false
	}
	a := twiceArea(ring)
	if a == 0 {
		return false
	}
	s.writeRing(ring, (a > 0) != exterior)
	return true
}

// roundUnit is int32(math.Round(v)), half away from zero, for |v| below
// 2^31 (tile units: within the buffered tile once clipped), without
// math.Round's bit work: the conversion truncates, and v minus the
// truncation is exact (v's own fraction bits).
func roundUnit(v float64) int32 {
	t := int32(v)
	if f := v - float64(t); f >= 0.5 {
		t++
	} else if f <= -0.5 {
		t--
	}
	return t
}

// twiceArea is the shoelace sum of a closed ring, tile units²: positive
// when the ring turns clockwise in the y-down tile.
func twiceArea(r []ipoint) int64 {
	var s int64
	for i := 0; i+1 < len(r); i++ {
		s += int64(r[i].x)*int64(r[i+1].y) - int64(r[i+1].x)*int64(r[i].y)
	}
	return s
}

// writeRing writes a closed ring (last point = first) as MoveTo, LineTo
// and ClosePath commands, backwards when reverse is set. The closing
// point is left to ClosePath. Room for the longest parameters (5 bytes
// each) is made first, so that the points are written by index, without
// append's checks.
func (s *shaper) writeRing(r []ipoint, reverse bool) {
	n := len(r)
	s.geom = appendVarint(s.geom, command(cmdMoveTo, 1))
	s.point(r[0])
	s.geom = appendVarint(s.geom, command(cmdLineTo, n-2))
	g := slices.Grow(s.geom, 10*(n-2)+1)
	k := len(g)
	g = g[:cap(g)]
	cx, cy := s.cx, s.cy
	if reverse {
		for i := n - 2; i >= 1; i-- {
			p := r[i]
			k = putParam(g, k, zigzag32(p.x-cx))
			k = putParam(g, k, zigzag32(p.y-cy))
			cx, cy = p.x, p.y
		}
	} else {
		for _, p := range r[1 : n-1] {
			k = putParam(g, k, zigzag32(p.x-cx))
			k = putParam(g, k, zigzag32(p.y-cy))
			cx, cy = p.x, p.y
		}
	}
	s.cx, s.cy = cx, cy
	s.geom = append(g[:k], byte(command(cmdClosePath, 1)))
}

// putParam writes v as a varint at b[k:], which has room for it (5
// bytes), and returns the index after it.
func putParam(b []byte, k int, v uint32) int {
	for v >= 0x80 {
		b[k] = byte(v) | 0x80
		v >>= 7
		k++
	}
	b[k] = byte(v)
	return k + 1
}

// point writes the move from the cursor to p as two zigzag parameters.
func (s *shaper) point(p ipoint) {
	dx, dy := p.x-s.cx, p.y-s.cy
	s.cx, s.cy = p.x, p.y
	s.geom = appendVarint(s.geom, uint64(zigzag32(dx)))
	s.geom = appendVarint(s.geom, uint64(zigzag32(dy)))
}

// command is a command integer: id in the low 3 bits, count above.
func command(id uint32, count int) uint64 { return uint64(id) | uint64(count)<<3 }

// zigzag32 maps signed to unsigned parameters: 0, -1, 1, -2 → 0, 1, 2, 3.
func zigzag32(v int32) uint32 { return uint32(v<<1) ^ uint32(v>>31) }

// clip cuts the ring pts (tile units) to the buffered tile, one side of
// the square after the other (Sutherland–Hodgman), as orb's clip.Ring
// does; nil when nothing is inside. Only the sides set in sides are cut:
// against a side that no point lies beyond, a pass gives back its input
// point for point, and the points a pass cuts in lie on segments between
// the ring's own, within rounding (far below clipMargin) of its bound, so
// no pass takes the ring past a side it was clipMargin inside of. Edge
// lots cross one or two sides: the others' passes are skipped. The result
// is in one of the shaper's two point buffers.
func (s *shaper) clip(in []orb.Point, sides int) []orb.Point {
	out := s.alt
	closed := in[0] == in[len(in)-1]
	for edge := 1; edge <= 8 && len(in) > 0; edge <<= 1 {
		if sides&edge == 0 {
			continue
		}
		out = out[:0]
		prev := in[len(in)-1]
		if !closed {
			prev = in[0]
		}
		prevIn := s.inside(edge, prev)
		for _, p := range in {
			pIn := s.inside(edge, p)
			if pIn != prevIn {
				out = append(out, s.intersect(edge, prev, p))
			}
			if pIn {
				out = append(out, p)
			}
			prev, prevIn = p, pIn
		}
		in, out = out, in
	}
	s.pts, s.alt = in, out
	if len(in) == 0 {
		return nil
	}
	if closed && in[0] != in[len(in)-1] {
		in = append(in, in[0])
		s.pts = in
	}
	return in
}

// clipMargin is how far inside a side of the box a ring must stay for
// clip to skip that side, tile units.
const clipMargin = 1e-6

// Clipping edges, as bits: left, right, top of the y-up box (Min y),
// bottom (Max y). The order is orb's.
const (
	edgeMinX = 1 << iota
	edgeMaxX
	edgeMinY
	edgeMaxY
)

// inside reports whether p is on the box's side of edge.
func (s *shaper) inside(edge int, p orb.Point) bool {
	switch edge {
	case edgeMinX:
		return !(p[0] < s.box.Min[0])
	case edgeMaxX:
		return !(p[0] > s.box.Max[0])
	case edgeMinY:
		return !(p[1] < s.box.Min[1])
	}
	return !(p[1] > s.box.Max[1])
}

// intersect is where the segment a–b crosses edge.
func (s *shaper) intersect(edge int, a, b orb.Point) orb.Point {
	box := s.box
	switch edge {
	case edgeMaxY:
		return orb.Point{a[0] + (b[0]-a[0])*(box.Max[1]-a[1])/(b[1]-a[1]), box.Max[1]}
	case edgeMinY:
		return orb.Point{a[0] + (b[0]-a[0])*(box.Min[1]-a[1])/(b[1]-a[1]), box.Min[1]}
	case edgeMaxX:
		return orb.Point{box.Max[0], a[1] + (b[1]-a[1])*(box.Max[0]-a[0])/(b[0]-a[0])}
	}
	return orb.Point{box.Min[0], a[1] + (b[1]-a[1])*(box.Min[0]-a[0])/(b[0]-a[0])}
}

// keepsAll reports that Douglas–Peucker would keep every point of the
// ring pts (tile units), in one pass without a division, where DP would
// measure each point against the chords of two to four nested spans:
// false means only that DP must run. It holds when the ring is closed and
// strictly convex (every turn the same way, winding once) and every point
// lies farther than the tolerance, with a margin that covers rounding,
// from the line through its two neighbours. In such a ring the chord
// between a point's neighbours separates the point from every other
// vertex, so from whatever DP measures it against (a segment between two
// other vertices, or the ring's first point): that distance is at least
// the one to its neighbours' line, each span's farthest point is kept,
// and so is every point. A lot drawn at z15 and deeper is such a ring
// (TestKeepsAllAgreesWithDouglasPeucker).
func (s *shaper) keepsAll(pts []orb.Point) bool {
	n := len(pts)
	if pts[0] != pts[n-1] {
		return false
	}
	// Rounding errors of the products are below 1e-9 units² for rings
	// within a few tiles; the margin is far above them.
	thr := s.tol2*(1+1e-9) + 1e-6
	prev := pts[n-2]
	var turn float64                         // the sign of the first turn
	var flipsX, flipsY int                   // sign changes of the edges' dx and dy
	var firstX, firstY, lastX, lastY float64 // the first and last non-zero dx and dy
	for j, cur := range pts[:n-1] {
		next := pts[j+1]
		ax, ay := cur[0]-prev[0], cur[1]-prev[1]
		bx, by := next[0]-prev[0], next[1]-prev[1]
		c := ax*by - ay*bx // twice the area of prev, cur, next
		if c*c <= thr*(bx*bx+by*by) {
			return false // too close to its neighbours' line, or collinear
		}
		if j == 0 {
			turn = c
		} else if (c > 0) != (turn > 0) {
			return false
		}
		if ax != 0 {
			if ax*lastX < 0 {
				flipsX++
			} else if lastX == 0 {
				firstX = ax
			}
			lastX = ax
		}
		if ay != 0 {
			if ay*lastY < 0 {
				flipsY++
			} else if lastY == 0 {
				firstY = ay
			}
			lastY = ay
		}
		prev = cur
	}
	// The first edge's signs against the last's close the count. A ring
	// whose turns go one way and whose x and y turn back at most twice
	// winds once: it is convex.
	if firstX*lastX < 0 {
		flipsX++
	}
	if firstY*lastY < 0 {
		flipsY++
	}
	return flipsX <= 2 && flipsY <= 2
}

// douglasPeucker simplifies the ring pts in place, keeping its first and
// last points and every point farther than the tolerance from the line
// kept around it, as orb's simplify.DouglasPeucker does, with the same
// arithmetic (distances to segments as planar.DistanceFromSegmentSquared
// works them out, the first point of a tie kept).
func (s *shaper) douglasPeucker(pts []orb.Point) []orb.Point {
	n := len(pts)
	if cap(s.mask) < n {
		s.mask = make([]bool, n)
	}
	mask := s.mask[:n]
	clear(mask)
	mask[0], mask[n-1] = true, true
	stack := append(s.stack[:0], 0, n-1)
	for len(stack) > 0 {
		start, end := stack[len(stack)-2], stack[len(stack)-1]
		// segmentDist2(pts[start], pts[end], pts[i]) for each i, with what
		// depends on the span alone worked out once.
		a, b := pts[start], pts[end]
		dx, dy := b[0]-a[0], b[1]-a[1]
		d2 := dx*dx + dy*dy
		maxD, maxI := 0.0, 0
		for i := start + 1; i < end; i++ {
			p := pts[i]
			x, y := a[0], a[1]
			if d2 != 0 {
				t := ((p[0]-x)*dx + (p[1]-y)*dy) / d2
				if t > 1 {
					x, y = b[0], b[1]
				} else if t > 0 {
					x += dx * t
					y += dy * t
				}
			}
			ex, ey := p[0]-x, p[1]-y
			if d := ex*ex + ey*ey; d > maxD {
				maxD, maxI = d, i
			}
		}
		if maxD > s.tol2 {
			mask[maxI] = true
			stack[len(stack)-1] = maxI
			stack = append(stack, maxI, end)
		} else {
			stack = stack[:len(stack)-2]
		}
	}
	s.stack = stack
	k := 0
	for i, keep := range mask {
		if keep {
			pts[k] = pts[i]
			k++
		}
	}
	return pts[:k]
}
