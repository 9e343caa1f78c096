// Package measure computes lengths and areas of lon/lat (EPSG:4326) geometry
// in metres and square metres, close to PostGIS geography results, plus the
// predicates the read path needs (point in polygon, polygon or box
// intersection, intersection area).
//
// Coordinates are orb points in degrees: X is longitude, Y is latitude, on
// the WGS84 ellipsoid. Rings may be open or closed and wound either way;
// polygons are assumed valid in the OGC sense (holes inside their shell,
// members of a multipolygon not overlapping). Nothing here panics: empty,
// nil or degenerate input gives 0, false or an empty bound. Geometry that
// crosses the antimeridian or encloses a pole is not supported.
//
// Which maths each function uses:
//
//   - AreaM2: exact spherical excess on the authalic (equal-area) sphere of
//     the WGS84 ellipsoid, edges as great circles.
//   - IntersectionAreaM2: exact overlay in a local plane (affine in
//     lon/lat); the pieces' areas are weighted by the ellipsoid's area
//     element and their ends joined by great circles, as AreaM2 does.
//   - DistanceM: local metric projection around the point (radii of
//     curvature at the point, mid-latitude scale along parallels).
//   - Contains, Intersects, IntersectsBound: planar tests on lon/lat with a
//     1e-9° (≈0.1 mm) tolerance for "on the boundary". IntersectsBound is
//     the rule of every bbox (the geometry meets the box); Bound is the one
//     vertex bound (the R-tree's, the GeoJSON "bbox" member's).
package measure

import (
	"math"

	"github.com/paulmach/orb"
)

// WGS84 ellipsoid and tolerances.
const (
	wgs84A  = 6378137.0             // semi-major axis, metres
	wgs84F  = 1 / 298.257223563     // flattening
	wgs84E2 = wgs84F * (2 - wgs84F) // first eccentricity squared
	radPerD = math.Pi / 180         // radians per degree
	maxLat  = 90.0                  // degrees
	maxLon  = 180.0                 // degrees

	// onTolD is the "on the boundary" tolerance of Contains and Intersects,
	// in degrees (≈0.11 mm).
	onTolD = 1e-9
	// onTolM is the tolerance, in metres, below which IntersectionAreaM2
	// treats two edges as collinear or a vertex as touching an edge.
	onTolM = 1e-6
)

// radii returns the WGS84 meridional radius of curvature M and the prime
// vertical radius of curvature N, in metres, at latitude latRad (radians).
func radii(latRad float64) (m, n float64) {
	s := math.Sin(latRad)
	w2 := 1 - wgs84E2*s*s
	w := math.Sqrt(w2)
	n = wgs84A / w
	m = wgs84A * (1 - wgs84E2) / (w2 * w)
	return m, n
}

// finite reports whether both coordinates of p are finite numbers
// (x−x is 0 for finite x, NaN for NaN and ±Inf).
func finite(p orb.Point) bool {
	return p[0]-p[0] == 0 && p[1]-p[1] == 0
}

// emptyBound is the bound that contains nothing (orb's convention: Min > Max,
// so IsEmpty reports true and Union ignores it).
func emptyBound() orb.Bound {
	return orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}
}

// ringBound returns the lon/lat bound of r, or the empty bound when r holds
// no finite point.
func ringBound(r orb.Ring) orb.Bound {
	b := emptyBound()
	first := true
	for _, p := range r {
		if !finite(p) {
			continue
		}
		if first {
			b = orb.Bound{Min: p, Max: p}
			first = false
			continue
		}
		b.Min[0] = min(b.Min[0], p[0])
		b.Min[1] = min(b.Min[1], p[1])
		b.Max[0] = max(b.Max[0], p[0])
		b.Max[1] = max(b.Max[1], p[1])
	}
	return b
}

// multiBound returns the lon/lat bound of every outer ring of mp (holes lie
// inside their shell), or the empty bound.
func multiBound(mp orb.MultiPolygon) orb.Bound {
	b := emptyBound()
	for _, poly := range mp {
		if len(poly) == 0 {
			continue
		}
		b = b.Union(ringBound(poly[0]))
	}
	return b
}
