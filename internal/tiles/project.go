package tiles

import (
	"math"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
)

// projector maps lon/lat degrees to the tile's own units: (0,0) is its
// north-west corner, (extent, extent) its south-east one.
//
// x is linear in longitude. y (Web Mercator) costs a sine and a logarithm
// per point, which was the largest part of rendering a dense tile. Near
// the tile, where nearly every point of its features lies, y comes instead
// from the cubic Taylor polynomial of the projection about the tile's
// middle latitude, within a window narrow enough that the polynomial is
// off by at most maxTaylorErrUnits; points outside the window, and every
// point of tiles too large for any window (low zooms), get the exact
// formula.
type projector struct {
	scale  float64 // tile units per world side (2^z · extent)
	x0, y0 float64 // the tile's north-west corner, tile units from the world's
	lat0   float64 // degrees: the middle of the tile
	// near is the half-width of the window, degrees of latitude; negative
	// when there is none.
	near float64
	// y = c0 + c1·d + c2·d² + c3·d³ tile units, d = lat − lat0 degrees.
	c0, c1, c2, c3 float64
}

// maxTaylorErrUnits bounds the error of the polynomial, tile units. At
// a millionth of a unit the snapped coordinates agree with the exact
// formula's except where the exact value lies that close to a half unit.
const maxTaylorErrUnits = 1e-6

func newProjector(t Tile, extent uint32) projector {
	n := float64(uint64(1) << t.Z)
	scale := n * float64(extent)
	p := projector{scale: scale, x0: float64(t.X) * float64(extent), y0: float64(t.Y) * float64(extent), near: -1}
	lat0 := latOf((float64(t.Y) + 0.5) / n)
	span := latOf(float64(t.Y)/n) - latOf((float64(t.Y)+1)/n) // degrees
	const k = math.Pi / 180
	// Halve the window from two tile heights until the remainder bound
	// holds. The y of Mercator is 0.5 − ψ(φ)/2π with ψ = atanh(sin φ), and
	// the remainder of ψ's cubic is at most max|ψ''''|·h⁴/24 over the
	// window, where ψ'''' = sec φ tan φ (tan²φ + 5 sec²φ) grows with |φ|.
	for near := 2 * span; near >= span/64; near /= 2 {
		phi := (math.Abs(lat0) + near) * k
		if phi >= maxLat*k {
			continue
		}
		sec, tan := 1/math.Cos(phi), math.Tan(phi)
		m4 := sec * tan * (tan*tan + 5*sec*sec)
		h := near * k
		if scale/(2*math.Pi)*m4*h*h*h*h/24 <= maxTaylorErrUnits {
			p.near = near
			break
		}
	}
	if p.near < 0 {
		return p
	}
	// Derivatives of ψ at lat0: sec, sec·tan, sec·(tan² + sec²).
	phi := lat0 * k
	sec, tan := 1/math.Cos(phi), math.Tan(phi)
	f := -scale / (2 * math.Pi)
	p.lat0 = lat0
	p.c0 = worldY(lat0)*scale - p.y0
	p.c1 = f * k * sec
	p.c2 = f * k * k * sec * tan / 2
	p.c3 = f * k * k * k * sec * (tan*tan + sec*sec) / 6
	return p
}

// point projects a lon/lat point (degrees) to tile units.
func (p *projector) point(ll orb.Point) orb.Point {
	x := worldX(ll[0])*p.scale - p.x0
	if d := ll[1] - p.lat0; math.Abs(d) <= p.near {
		return orb.Point{x, p.c0 + d*(p.c1+d*(p.c2+d*p.c3))}
	}
	return orb.Point{x, worldY(ll[1])*p.scale - p.y0}
}

// ring projects the ring r (lon/lat degrees) to tile units into dst,
// which must be as long as r, and returns the bound of the result; ok is
// false when a coordinate is infinite or NaN.
func (p *projector) ring(dst []orb.Point, r orb.Ring) (b orb.Bound, ok bool) {
	dst = dst[:len(r)]
	scale, x0 := p.scale, p.x0
	lat0, near := p.lat0, p.near
	c0, c1, c2, c3 := p.c0, p.c1, p.c2, p.c3
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	// bad turns NaN at the first coordinate that is not finite.
	bad := 0.0
	// The common case, every point within the polynomial's window, in a
	// loop of its own that keeps everything in registers.
	n := 0
	for _, ll := range r {
		d := ll[1] - lat0
		if !(math.Abs(d) <= near) {
			break
		}
		x := worldX(ll[0])*scale - x0
		y := c0 + d*(c1+d*(c2+d*c3))
		dst[n] = orb.Point{x, y}
		n++
		minX, maxX = fmin(minX, x), fmax(maxX, x)
		minY, maxY = fmin(minY, y), fmax(maxY, y)
		bad += (x + y) * 0
	}
	for _, ll := range r[n:] {
		q := p.point(ll)
		dst[n] = q
		n++
		minX, maxX = fmin(minX, q[0]), fmax(maxX, q[0])
		minY, maxY = fmin(minY, q[1]), fmax(maxY, q[1])
		bad += (q[0] + q[1]) * 0
	}
	return orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}}, bad == 0
}

// ringFixed is ring for a ring the index holds in 1e-9° fixed point
// (fixedgeom): the offsets d of its points (x and y in turn) from the
// origin x0, y0 (1e-9°, as float64). Each point is decoded to the double
// fixedgeom.Geometry.Decode gives and projected in the same pass, with
// ring's arithmetic: the same tile units, bit for bit, without writing
// the ring in degrees first. (Cheaper arithmetic, x linear in the
// offsets, is off by rounding alone, some 1e-12 units, yet that moves
// points of TestRenderBytesUnchanged's tiles across a snapping or
// simplification boundary.) dst must be len(d)/2 long.
func (p *projector) ringFixed(dst []orb.Point, x0, y0 float64, d []int32) (b orb.Bound, ok bool) {
	n := len(d) / 2
	dst = dst[:n]
	d = d[:2*n]
	scale, tx0 := p.scale, p.x0
	lat0, near := p.lat0, p.near
	c0, c1, c2, c3 := p.c0, p.c1, p.c2, p.c3
	minX, minY := math.Inf(1), math.Inf(1)
	maxX, maxY := math.Inf(-1), math.Inf(-1)
	// Within the window every value is finite: the integers are.
	i := 0
	for ; i < n; i++ {
		dl := (y0+float64(d[2*i+1]))/fixedgeom.Scale - lat0
		if !(math.Abs(dl) <= near) {
			break
		}
		x := worldX((x0+float64(d[2*i]))/fixedgeom.Scale)*scale - tx0
		y := c0 + dl*(c1+dl*(c2+dl*c3))
		dst[i] = orb.Point{x, y}
		minX, maxX = fmin(minX, x), fmax(maxX, x)
		minY, maxY = fmin(minY, y), fmax(maxY, y)
	}
	bad := 0.0 // NaN at the first coordinate that is not finite
	for ; i < n; i++ {
		q := p.point(orb.Point{(x0 + float64(d[2*i])) / fixedgeom.Scale, (y0 + float64(d[2*i+1])) / fixedgeom.Scale})
		dst[i] = q
		minX, maxX = fmin(minX, q[0]), fmax(maxX, q[0])
		minY, maxY = fmin(minY, q[1]), fmax(maxY, q[1])
		bad += (q[0] + q[1]) * 0
	}
	return orb.Bound{Min: orb.Point{minX, minY}, Max: orb.Point{maxX, maxY}}, bad == 0
}

// fmin and fmax are min and max for numbers that are not NaN (cheaper
// than the built-ins, which order NaN and signed zeros).
func fmin(a, b float64) float64 {
	if b < a {
		return b
	}
	return a
}

func fmax(a, b float64) float64 {
	if b > a {
		return b
	}
	return a
}
