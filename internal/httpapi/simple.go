package httpapi

import (
	"slices"

	"github.com/paulmach/orb"
)

// crossing finds where two edges of one polygon (its shell and holes)
// cross or run along each other, as in a bow-tie: such a polygon has no
// well-defined inside, and areas computed from it are meaningless. Edges
// meeting at a shared vertex, and single points of contact, are allowed.
// A sweep over the edges sorted by their west end keeps it near
// O(n log n) for ordinary shapes. It returns the polygon's index and a
// point of the crossing.
func crossing(mp orb.MultiPolygon) (int, orb.Point, bool) {
	type edge struct {
		a, b       orb.Point
		ring, i, n int // ring index, edge index in the ring, edges in the ring
		minX, maxX float64
	}
	var edges []edge
	for pi, poly := range mp {
		edges = edges[:0]
		for ri, ring := range poly {
			n := len(ring) - 1 // closed: the last position repeats the first
			for i := 0; i < n; i++ {
				a, b := ring[i], ring[i+1]
				edges = append(edges, edge{a, b, ri, i, n, min(a[0], b[0]), max(a[0], b[0])})
			}
		}
		slices.SortFunc(edges, func(x, y edge) int {
			switch {
			case x.minX < y.minX:
				return -1
			case x.minX > y.minX:
				return 1
			}
			return 0
		})
		for i := range edges {
			e := edges[i]
			for j := i + 1; j < len(edges) && edges[j].minX <= e.maxX; j++ {
				f := edges[j]
				if e.ring == f.ring && (abs(e.i-f.i) == 1 || abs(e.i-f.i) == e.n-1) {
					// Neighbours share a vertex; they are wrong only when
					// the ring turns straight back along itself (a spike).
					if p, ok := spike(e.a, e.b, f.a, f.b); ok {
						return pi, p, true
					}
					continue
				}
				if p, ok := cross(e.a, e.b, f.a, f.b); ok {
					return pi, p, true
				}
			}
		}
	}
	return 0, orb.Point{}, false
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

func orient(a, b, c orb.Point) float64 {
	return (b[0]-a[0])*(c[1]-a[1]) - (b[1]-a[1])*(c[0]-a[0])
}

// cross reports whether segments ab and cd cross at a point inside both,
// or overlap along a stretch, and where.
func cross(a, b, c, d orb.Point) (orb.Point, bool) {
	if max(a[1], b[1]) < min(c[1], d[1]) || min(a[1], b[1]) > max(c[1], d[1]) {
		return orb.Point{}, false
	}
	o1, o2, o3, o4 := orient(a, b, c), orient(a, b, d), orient(c, d, a), orient(c, d, b)
	if o1*o2 < 0 && o3*o4 < 0 {
		t := o3 / (o3 - o4)
		return orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])}, true
	}
	if o1 == 0 && o2 == 0 { // collinear: do they share more than a point?
		lo := max(min(a[0], b[0]), min(c[0], d[0]))
		hi := min(max(a[0], b[0]), max(c[0], d[0]))
		loY := max(min(a[1], b[1]), min(c[1], d[1]))
		hiY := min(max(a[1], b[1]), max(c[1], d[1]))
		if hi > lo || (hi == lo && hiY > loY) {
			return orb.Point{(lo + hi) / 2, (loY + hiY) / 2}, true
		}
	}
	return orb.Point{}, false
}

// spike reports whether neighbouring edges ab and cd lie on one line and
// point in opposite directions from their shared vertex.
func spike(a, b, c, d orb.Point) (orb.Point, bool) {
	if orient(a, b, c) != 0 || orient(a, b, d) != 0 {
		return orb.Point{}, false
	}
	var shared orb.Point
	switch {
	case b == c:
		shared = b
	case d == a:
		shared = a
	default:
		return orb.Point{}, false
	}
	// Directions away from the shared vertex.
	u := orb.Point{a[0] + b[0] - 2*shared[0], a[1] + b[1] - 2*shared[1]}
	v := orb.Point{c[0] + d[0] - 2*shared[0], c[1] + d[1] - 2*shared[1]}
	if u[0]*v[0]+u[1]*v[1] > 0 {
		return shared, true
	}
	return orb.Point{}, false
}
