package measure

import (
	"math"

	"github.com/paulmach/orb"
)

// DistanceM returns the distance in metres from p to the nearest point of
// mp, 0 when p lies inside or on mp (see Contains). Empty mp or a
// non-finite p gives 0, as the package promises for empty input; callers
// that must tell "no geometry" from "inside" check len(mp) themselves.
//
// Method: every vertex is projected into a plane centred on p with
//
//	x = Δλ·N(φp)·cos(φm),  y = Δφ·M(φm),  φm = (φp+φ)/2
//
// (N, M the WGS84 radii of curvature, M linearised around p's latitude),
// so the distance from p to each vertex is the classic mid-latitude
// formula; then the planar point-to-segment distance is taken.
//
// Error against the WGS84 geodesic distance (tests use Vincenty): below
// 1e-5 up to 50 km at Viet Nam's latitudes, 6e-5 at 300 km, 5e-4 at
// 1000 km. PostGIS ST_Distance(geography) itself strays from the geodesic
// by up to ~3e-4 on the zone test points. No antimeridian handling.
func DistanceM(p orb.Point, mp orb.MultiPolygon) float64 {
	if !finite(p) || Contains(mp, p) {
		return 0
	}
	pr := newPointPlane(p)
	best2 := math.Inf(1)
	for _, poly := range mp {
		for _, r := range poly {
			if len(r) == 0 {
				continue
			}
			ax, ay := pr.project(r[len(r)-1])
			for _, q := range r {
				bx, by := pr.project(q)
				if d2 := segDist2(ax, ay, bx, by); d2 < best2 {
					best2 = d2
				}
				ax, ay = bx, by
			}
		}
	}
	if math.IsInf(best2, 1) || math.IsNaN(best2) {
		return 0
	}
	return math.Sqrt(best2)
}

// pointPlane is DistanceM's projection around p (see there).
type pointPlane struct {
	lon0, lat0 float64
	kx, ky     float64 // metres per degree: N(φp), M(φp)
	kyc        float64 // M's growth per degree of Δφ, halved (M at φm)
	sin0, cos0 float64 // of φp
}

func newPointPlane(p orb.Point) pointPlane {
	lat0 := p[1] * radPerD
	m, n := radii(lat0)
	sin0, cos0 := math.Sincos(lat0)
	return pointPlane{
		lon0: p[0], lat0: p[1],
		kx: n * radPerD, ky: m * radPerD,
		// dM/dφ = 3e²·sin φ·cos φ·M/(1−e² sin² φ); taking M at the
		// mid-latitude removes a 5e-5 error at 50 km.
		kyc:  1.5 * wgs84E2 * sin0 * cos0 / (1 - wgs84E2*sin0*sin0) * radPerD,
		sin0: sin0, cos0: cos0,
	}
}

// project returns q's plane coordinates in metres.
func (pp *pointPlane) project(q orb.Point) (x, y float64) {
	dLat := q[1] - pp.lat0
	// cos φm = cos(φp + h) with h = Δφ/2, by series for the usual small h
	// (error < 3e-11 for |h| < 0.05 rad, i.e. Δφ < 5.7°).
	h := dLat * (radPerD / 2)
	var sh, ch float64
	if h > -0.05 && h < 0.05 {
		h2 := h * h
		sh = h * (1 - h2/6*(1-h2/20))
		ch = 1 - h2/2*(1-h2/12*(1-h2/30))
	} else {
		sh, ch = math.Sincos(h)
	}
	cosMid := pp.cos0*ch - pp.sin0*sh
	return (q[0] - pp.lon0) * pp.kx * cosMid, dLat * pp.ky * (1 + pp.kyc*dLat)
}

// segDist2 returns the squared distance from the origin to segment ab.
func segDist2(ax, ay, bx, by float64) float64 {
	dx, dy := bx-ax, by-ay
	l2 := dx*dx + dy*dy
	t := 0.0
	if l2 > 0 {
		t = -(ax*dx + ay*dy) / l2
		t = max(0, min(1, t))
	}
	x, y := ax+t*dx, ay+t*dy
	return x*x + y*y
}

// BoundAroundM returns the lon/lat bound (degrees) enclosing every point
// within r metres of p, by the WGS84 geodesic distance and by DistanceM
// alike, with at most 0.1% slack. Latitude is clamped to ±90; if the
// circle reaches a pole the bound spans all longitudes. Longitude is
// clamped to ±180 without wrapping, so a circle crossing the antimeridian
// is cut off there (not enclosed). r = 0 gives the point's own bound;
// r < 0, NaN or a non-finite p gives the empty bound (IsEmpty() is true).
func BoundAroundM(p orb.Point, r float64) orb.Bound {
	if !finite(p) || math.IsNaN(r) || r < 0 {
		return emptyBound()
	}
	lat := max(-maxLat, min(maxLat, p[1]))
	lon := p[0]
	if r == 0 {
		pt := orb.Point{lon, lat}
		return orb.Bound{Min: pt, Max: pt}
	}
	r *= 1 + 1e-3 // slack covering the approximations below
	m, n := radii(lat * radPerD)
	dLat := r / m / radPerD
	south, north := lat-dLat, lat+dLat
	if south <= -maxLat || north >= maxLat || math.IsInf(r, 1) {
		return orb.Bound{
			Min: orb.Point{-maxLon, max(-maxLat, south)},
			Max: orb.Point{maxLon, min(maxLat, north)},
		}
	}
	// Widest longitude: the larger of the spherical small-circle extent and
	// the extent DistanceM allows (its x scale shrinks with cos of the
	// mid-latitude, smallest on the poleward edge of the circle).
	delta := r / n // angular radius, radians
	polewardMid := (math.Abs(lat) + dLat/2) * radPerD
	dLon := r / (n * math.Cos(polewardMid)) / radPerD
	if s := math.Sin(delta) / math.Cos(lat*radPerD); s < 1 {
		dLon = max(dLon, math.Asin(s)/radPerD)
	} else {
		dLon = maxLon
	}
	return orb.Bound{
		Min: orb.Point{max(-maxLon, lon-dLon), south},
		Max: orb.Point{min(maxLon, lon+dLon), north},
	}
}
