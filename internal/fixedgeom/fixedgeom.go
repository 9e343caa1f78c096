// Package fixedgeom holds polygonal geometries compactly, as the in-memory
// index keeps them: each coordinate as an integer number of 1e-9 degrees,
// the rounding GeoJSON answers are written with (encode.AppendCoord), so
// that the answers can be formatted from the integers without a float in
// between and be the bytes they were when encoded from the doubles.
//
// A Geometry is an origin (its first point, int64) and per point the
// int32 offsets from it (±2.147°), 8 bytes a point instead of orb's 16, and
// the counts of polygons and rings only when there is more than one ring.
// A geometry that does not fit (a span over 2.1°, coordinates beyond ±9e9°
// or not finite) keeps its orb form instead (Wide).
//
// Decoded coordinates are the doubles nearest to those integers: within
// 0.5e-9° (0.05 mm) of the coordinates given.
package fixedgeom

import (
	"math"

	"github.com/paulmach/orb"
)

// Scale is the number of units in a degree.
const Scale = 1e9

// Geometry is a MultiPolygon in 1e-9-degree integers. The zero value is
// the empty geometry. A Geometry must not be modified once made: its
// slices may be shared (see Slab).
type Geometry struct {
	x0, y0 int64   // origin: the first point, 1e-9 degrees
	d      []int32 // per point x−x0, y−y0, 1e-9 degrees
	more   *layout // nil: no polygon when d is empty, else one polygon of one ring
}

// layout is the shape of a geometry other than one ring, or its orb form.
type layout struct {
	polys []uint32 // rings per polygon
	rings []uint32 // points per ring
	wide  orb.MultiPolygon
}

// Points is the number of points mp holds, for sizing a Slab.
func Points(mp orb.MultiPolygon) int {
	n := 0
	for _, poly := range mp {
		for _, r := range poly {
			n += len(r)
		}
	}
	return n
}

// Slab hands out the point storage of many geometries from one array, so
// that a million geometries are not a million objects for the garbage
// collector to visit. The zero value allocates as it goes.
type Slab struct{ d []int32 }

// NewSlab returns a slab with room for points points.
func NewSlab(points int) *Slab { return &Slab{d: make([]int32, 0, 2*points)} }

func (s *Slab) take(n int) []int32 {
	if s == nil {
		return make([]int32, n)
	}
	if cap(s.d)-len(s.d) < n {
		s.d = make([]int32, 0, max(n, 2*cap(s.d), 1024))
	}
	at := len(s.d)
	s.d = s.d[:at+n]
	return s.d[at : at+n : at+n]
}

// units is f in 1e-9 degrees, rounded as encode.AppendCoord rounds, and
// whether it is in the range AppendCoord formats as an integer.
func units(f float64) (int64, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) || f > 9e9 || f < -9e9 {
		return 0, false
	}
	return int64(math.Round(f * Scale)), true
}

// From returns mp in fixed point, its points taken from slab (nil: a new
// array). mp is not retained, unless it does not fit: then the geometry
// keeps mp itself as its Wide form.
func From(mp orb.MultiPolygon, slab *Slab) Geometry {
	n := Points(mp)
	if n == 0 && len(mp) == 0 {
		return Geometry{}
	}
	var g Geometry
	if n > 0 {
		first := firstPoint(mp)
		x0, okx := units(first[0])
		y0, oky := units(first[1])
		if !okx || !oky {
			return Geometry{more: &layout{wide: mp}}
		}
		g.x0, g.y0 = x0, y0
		// Check before taking from the slab, so a misfit wastes none of it.
		for _, poly := range mp {
			for _, r := range poly {
				for _, p := range r {
					x, okx := units(p[0])
					y, oky := units(p[1])
					if !okx || !oky || !fits(x-x0) || !fits(y-y0) {
						return Geometry{more: &layout{wide: mp}}
					}
				}
			}
		}
		g.d = slab.take(2 * n)
		i := 0
		for _, poly := range mp {
			for _, r := range poly {
				for _, p := range r {
					x, _ := units(p[0])
					y, _ := units(p[1])
					g.d[i], g.d[i+1] = int32(x-x0), int32(y-y0)
					i += 2
				}
			}
		}
	}
	if len(mp) != 1 || len(mp[0]) != 1 || n == 0 {
		l := &layout{polys: make([]uint32, len(mp))}
		for i, poly := range mp {
			l.polys[i] = uint32(len(poly))
			for _, r := range poly {
				l.rings = append(l.rings, uint32(len(r)))
			}
		}
		g.more = l
	}
	return g
}

func fits(v int64) bool { return v >= math.MinInt32 && v <= math.MaxInt32 }

func firstPoint(mp orb.MultiPolygon) orb.Point {
	for _, poly := range mp {
		for _, r := range poly {
			if len(r) > 0 {
				return r[0]
			}
		}
	}
	return orb.Point{}
}

// Wide returns the orb form of a geometry that does not fit in fixed
// point, nil for one that does.
func (g *Geometry) Wide() orb.MultiPolygon {
	if g.more == nil {
		return nil
	}
	return g.more.wide
}

// Empty reports whether g has no point.
func (g *Geometry) Empty() bool { return len(g.d) == 0 && len(g.Wide()) == 0 }

// Origin is the first point, in 1e-9 degrees (Wide: 0, 0).
func (g *Geometry) Origin() (x, y int64) { return g.x0, g.y0 }

// Deltas are the points' offsets from the origin, x and y in turn, in
// 1e-9 degrees. They must not be modified.
func (g *Geometry) Deltas() []int32 { return g.d }

// Layout returns the number of rings of each polygon and of points of
// each ring; nil, nil for one polygon of one ring (all of Deltas) or, with
// no Deltas, for no polygon. Not for a Wide geometry.
func (g *Geometry) Layout() (polys, rings []uint32) {
	if g.more == nil {
		return nil, nil
	}
	return g.more.polys, g.more.rings
}

// Polygons is the number of polygons.
func (g *Geometry) Polygons() int {
	switch {
	case g.more != nil && g.more.wide != nil:
		return len(g.more.wide)
	case g.more != nil:
		return len(g.more.polys)
	case len(g.d) > 0:
		return 1
	}
	return 0
}

// FirstPoint is the first point in degrees and whether there is one.
func (g *Geometry) FirstPoint() (orb.Point, bool) {
	if w := g.Wide(); w != nil {
		if Points(w) == 0 {
			return orb.Point{}, false
		}
		return firstPoint(w), true
	}
	if len(g.d) == 0 {
		return orb.Point{}, false
	}
	return orb.Point{float64(g.x0) / Scale, float64(g.y0) / Scale}, true
}

// BoundUnits is the bound of the points in 1e-9 degrees, and whether there
// is a point. Not for a Wide geometry (false).
func (g *Geometry) BoundUnits() (minX, minY, maxX, maxY int64, ok bool) {
	if len(g.d) == 0 || g.more != nil && g.more.wide != nil {
		return 0, 0, 0, 0, false
	}
	lx, ly, hx, hy := g.d[0], g.d[1], g.d[0], g.d[1]
	for i := 2; i+1 < len(g.d); i += 2 {
		x, y := g.d[i], g.d[i+1]
		lx, hx = min(lx, x), max(hx, x)
		ly, hy = min(ly, y), max(hy, y)
	}
	return g.x0 + int64(lx), g.y0 + int64(ly), g.x0 + int64(hx), g.y0 + int64(hy), true
}

// Bound is the bound of the decoded points (measure.Bound of Decode), and
// whether it is finite (false for no point).
func (g *Geometry) Bound() (orb.Bound, bool) {
	if w := g.Wide(); w != nil {
		return wideBound(w)
	}
	lx, ly, hx, hy, ok := g.BoundUnits()
	if !ok {
		return orb.Bound{}, false
	}
	return orb.Bound{
		Min: orb.Point{float64(lx) / Scale, float64(ly) / Scale},
		Max: orb.Point{float64(hx) / Scale, float64(hy) / Scale},
	}, true
}

// wideBound is measure.Bound (which imports nothing of this package, but
// this one may not import measure's dependants either way; kept here).
func wideBound(mp orb.MultiPolygon) (orb.Bound, bool) {
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, poly := range mp {
		for _, ring := range poly {
			for _, p := range ring {
				b.Min[0], b.Min[1] = min(b.Min[0], p[0]), min(b.Min[1], p[1])
				b.Max[0], b.Max[1] = max(b.Max[0], p[0]), max(b.Max[1], p[1])
			}
		}
	}
	ok := !math.IsNaN(b.Min[0]+b.Min[1]+b.Max[0]+b.Max[1]) && !math.IsInf(b.Min[0]+b.Min[1], 0) && !math.IsInf(b.Max[0]+b.Max[1], 0)
	return b, ok
}

// Buffer is reusable memory for Decode. The zero value is ready.
type Buffer struct {
	pts   []orb.Point
	rings []orb.Ring
	polys []orb.Polygon
}

// Decode returns g as an orb.MultiPolygon held in buf, valid until buf's
// next Decode; with a nil buf in new memory, which the caller may keep. A
// Wide geometry returns its orb form, which must not be modified.
func (g *Geometry) Decode(buf *Buffer) orb.MultiPolygon {
	if w := g.Wide(); w != nil {
		return w
	}
	if len(g.d) == 0 && g.more == nil {
		return nil
	}
	if buf == nil {
		buf = new(Buffer)
	}
	n := len(g.d) / 2
	pts := buf.pts[:0]
	if cap(pts) < n {
		pts = make([]orb.Point, 0, max(n, 2*cap(pts)))
	}
	pts = pts[:n]
	x0, y0 := float64(g.x0), float64(g.y0)
	d := g.d[:2*n]
	for i := range pts {
		pts[i] = orb.Point{(x0 + float64(d[2*i])) / Scale, (y0 + float64(d[2*i+1])) / Scale}
	}
	buf.pts = pts
	polys, ringLens := g.Layout()
	if polys == nil {
		polys, ringLens = one[:], []uint32{uint32(n)}
	}
	rings := buf.rings[:0]
	if cap(rings) < len(ringLens) {
		rings = make([]orb.Ring, 0, max(len(ringLens), 2*cap(rings)))
	}
	at := 0
	for _, k := range ringLens {
		rings = append(rings, orb.Ring(pts[at:at+int(k):at+int(k)]))
		at += int(k)
	}
	buf.rings = rings
	mp := buf.polys[:0]
	if cap(mp) < len(polys) {
		mp = make([]orb.Polygon, 0, max(len(polys), 2*cap(mp)))
	}
	at = 0
	for _, k := range polys {
		mp = append(mp, orb.Polygon(rings[at:at+int(k):at+int(k)]))
		at += int(k)
	}
	buf.polys = mp
	return orb.MultiPolygon(mp)
}

var one = [1]uint32{1}

// Rounded returns mp as a Geometry made from it holds it: each coordinate
// rounded to 1e-9°, as the index answers (the oracle of tests comparing the
// index with the database's doubles).
func Rounded(mp orb.MultiPolygon) orb.MultiPolygon {
	g := From(mp, nil)
	return g.Decode(nil)
}
