// Package measure computes lengths and areas of lon/lat (EPSG:4326) geometry
// in metres and square metres, close to PostGIS geography results, plus the
// predicates the read path needs (point in polygon, intersection area).
package measure

import "github.com/paulmach/orb"

// STUB: signatures fixed; implementation pending (helper task).

// AreaM2 returns the geodesic area of mp in square metres.
func AreaM2(mp orb.MultiPolygon) float64 { panic("TODO") }

// DistanceM returns the distance in metres from p to the nearest point of mp,
// 0 when p lies inside or on mp.
func DistanceM(p orb.Point, mp orb.MultiPolygon) float64 { panic("TODO") }

// Contains reports whether p lies inside mp or on its boundary.
func Contains(mp orb.MultiPolygon, p orb.Point) bool { panic("TODO") }

// IntersectionAreaM2 returns the area in square metres of the intersection
// of a and b (0 when they only touch).
func IntersectionAreaM2(a, b orb.MultiPolygon) float64 { panic("TODO") }

// Intersects reports whether a and b share at least one point.
func Intersects(a, b orb.MultiPolygon) bool { panic("TODO") }

// BoundAroundM returns the lon/lat bound of the circle of radius r metres around p.
func BoundAroundM(p orb.Point, r float64) orb.Bound { panic("TODO") }
