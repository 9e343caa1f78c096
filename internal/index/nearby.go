package index

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/measure"
)

// lowerBoundRadiusM is the sphere radius, in metres, used to bound distances
// from below when pruning R-tree nodes. It is under the smallest radius of
// curvature of the WGS84 ellipsoid (6,335,439 m, along the meridian at the
// equator), so the great-circle distance on it never exceeds the geodesic
// one; the ~0.5% left over absorbs the approximation in measure.DistanceM.
const lowerBoundRadiusM = 6_300_000

// minDistM returns a lower bound, in metres, of the distance from p to any
// point of the lon/lat box [lo, hi]. The box is widened by touchPadD, since
// measure.DistanceM is 0 for points that measure.Contains puts on the
// boundary from just outside.
func minDistM(p orb.Point, lo, hi [2]float64) float64 {
	q := orb.Point{
		min(max(p[0], lo[0]-touchPadD), hi[0]+touchPadD),
		min(max(p[1], lo[1]-touchPadD), hi[1]+touchPadD),
	}
	if q == p {
		return 0
	}
	// Haversine. The clamped point is the nearest point of the box up to a
	// relative error below 1e-4 for boxes under ~1000 km.
	φ1, φ2 := p[1]*math.Pi/180, q[1]*math.Pi/180
	dφ, dλ := φ2-φ1, (q[0]-p[0])*math.Pi/180
	h := math.Sin(dφ/2)*math.Sin(dφ/2) + math.Cos(φ1)*math.Cos(φ2)*math.Sin(dλ/2)*math.Sin(dλ/2)
	return 2 * lowerBoundRadiusM * math.Asin(math.Sqrt(min(h, 1)))
}

// nearby calls fn for each located feature within radiusM metres of p that
// passes filter (nil passes all), nearest first, equal distances in ID order.
//
// It walks the R-tree best-first (rtree.Nearby): nodes are keyed by
// minDistM, features by measure.DistanceM, so features come out in distance
// order and only nodes nearer than the last feature returned are opened.
// Features the filter rejects get key -1 and are dropped as soon as they
// are popped; features whose box is out of range keep their box distance and
// end the walk when popped, without an exact distance being computed.
func (l *layer[T, F]) nearby(p orb.Point, radiusM float64, filter func(*T) bool, fn func(*T, float64) bool) {
	if l.tree == nil || !finite(p[0]) || !finite(p[1]) || !(radiusM >= 0) {
		return
	}
	var f F
	const rejected = -1
	// Features popped at the same distance wait here to be sorted by ID: a
	// group is complete once a farther feature is popped, since every
	// feature still queued is at least that far.
	var group []*T
	groupDistM := 0.0
	flush := func() bool {
		if len(group) > 1 {
			slices.SortFunc(group, func(a, b *T) int { return cmp.Compare(f.id(a), f.id(b)) })
		}
		for _, v := range group {
			if !fn(v, groupDistM) {
				return false
			}
		}
		group = group[:0]
		return true
	}
	stopped := false
	l.tree.Nearby(
		func(lo, hi [2]float64, v *T, item bool) float64 {
			d := minDistM(p, lo, hi)
			if !item || d > radiusM {
				return d
			}
			if filter != nil && !filter(v) {
				return rejected
			}
			return measure.DistanceM(p, f.boundary(v))
		},
		func(_, _ [2]float64, v *T, d float64) bool {
			switch {
			case d == rejected:
				return true
			case d > radiusM:
				return false
			case len(group) > 0 && d != groupDistM:
				if !flush() {
					stopped = true
					return false
				}
			}
			groupDistM = d
			group = append(group, v)
			return true
		},
	)
	if !stopped {
		flush()
	}
}
