package index

import (
	"math"

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
// It walks the R-tree best-first (rtree.Nearby) keyed by minDistM, a cheap
// lower bound, for nodes and features alike. A popped feature gets its exact
// distance (measure.DistanceM) and waits in a small heap; once the walk has
// moved past a distance, no feature still unseen can be nearer, so waiting
// features nearer than that are passed to fn. The exact distance is thus
// computed only for features whose bound is nearer than the last one
// returned, and filter is called at most once per feature.
func (l *layer[T, F]) nearby(p orb.Point, radiusM float64, filter func(*T) bool, fn func(*T, float64) bool) {
	if l.tree == nil || !finite(p[0]) || !finite(p[1]) || !(radiusM >= 0) {
		return
	}
	var f F
	var found hits[T]
	buf := getBuffer()
	defer putBuffer(buf)
	// emit passes to fn the found features nearer than limit (or as near,
	// when inclusive), in order.
	emit := func(limit float64, inclusive bool) bool {
		for len(found) > 0 && (found[0].distM < limit || inclusive && found[0].distM <= limit) {
			h := found.pop()
			if !fn(h.v, h.distM) {
				return false
			}
		}
		return true
	}
	stopped := false
	l.tree.Nearby(
		func(lo, hi [2]float64, _ *Entry[T], _ bool) float64 { return minDistM(p, lo, hi) },
		func(_, _ [2]float64, e *Entry[T], lowerM float64) bool {
			if lowerM > radiusM {
				return false // all the rest is out of range
			}
			// Features yet unseen are at least lowerM away; one exactly
			// lowerM away may tie with a found one, so keep those.
			if !emit(lowerM, false) {
				stopped = true
				return false
			}
			v := &e.rec
			if filter != nil && !filter(v) {
				return true
			}
			if d := measure.DistanceM(p, e.geom.Decode(buf)); d <= radiusM {
				found.push(hit[T]{v: v, id: f.id(v), distM: d})
			}
			return true
		},
	)
	if !stopped {
		emit(radiusM, true)
	}
}

type hit[T any] struct {
	v     *T
	id    int64
	distM float64
}

// hits is a binary min-heap by (distM, id). (container/heap would box every
// element in an interface.)
type hits[T any] []hit[T]

func (h hits[T]) less(i, j int) bool {
	return h[i].distM < h[j].distM || h[i].distM == h[j].distM && h[i].id < h[j].id
}

func (h *hits[T]) push(x hit[T]) {
	*h = append(*h, x)
	s := *h
	for i := len(s) - 1; i > 0; {
		parent := (i - 1) / 2
		if !s.less(i, parent) {
			break
		}
		s[i], s[parent] = s[parent], s[i]
		i = parent
	}
}

func (h *hits[T]) pop() hit[T] {
	s := *h
	top := s[0]
	last := len(s) - 1
	s[0] = s[last]
	s[last] = hit[T]{}
	s = s[:last]
	for i := 0; ; {
		small, l, r := i, 2*i+1, 2*i+2
		if l < len(s) && s.less(l, small) {
			small = l
		}
		if r < len(s) && s.less(r, small) {
			small = r
		}
		if small == i {
			break
		}
		s[i], s[small] = s[small], s[i]
		i = small
	}
	*h = s
	return top
}
