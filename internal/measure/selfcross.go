package measure

import (
	"github.com/paulmach/orb"
)

// SelfCrossing finds where two edges of one polygon of mp (its shell and
// holes) cross or run along each other, as in a bow-tie: such a polygon
// has no well-defined inside, and areas computed from it are meaningless.
// Edges meeting at a shared vertex, and single points of contact, are
// allowed. It returns the polygon's index and a point of the crossing.
//
// Cost: each edge is looked up in a packed R-tree over the polygon's edge
// bounds and tested against the edges whose bounds meet its own, so a
// polygon of n edges costs O(n log n + pairs of overlapping bounds): a comb
// of 100,000 vertices with its teeth along either axis costs O(n log n).
// Shapes whose edge bounds overlap massively (long diagonal edges side by
// side) cost more; all of it is charged to bud, and the work stops with
// ErrBudget or the context's error.
func SelfCrossing(mp orb.MultiPolygon, bud *Budget) (int, orb.Point, bool, error) {
	type edge struct {
		a, b       orb.Point
		ring, i, n int // ring index, edge index in the ring, edges in the ring
	}
	most := 0 // edges in the largest polygon: the slices are allocated once
	for _, poly := range mp {
		n := 0
		for _, ring := range poly {
			n += max(len(ring)-1, 0)
		}
		most = max(most, n)
	}
	edges := make([]edge, 0, most)
	boxes := make([]pedge, 0, most)
	for pi, poly := range mp {
		edges, boxes = edges[:0], boxes[:0]
		for ri, ring := range poly {
			n := len(ring) - 1 // closed: the last position repeats the first
			for i := 0; i < n; i++ {
				a, b := ring[i], ring[i+1]
				edges = append(edges, edge{a, b, ri, i, n})
				boxes = append(boxes, pedge{lo: vec{min(a[0], b[0]), min(a[1], b[1])}, hi: vec{max(a[0], b[0]), max(a[1], b[1])}})
			}
		}
		if err := bud.Spend(2 * len(edges)); err != nil {
			return 0, orb.Point{}, false, err
		}
		t := newEdgeTree(boxes)
		var at orb.Point
		found := false
		var err error
		for i := range edges {
			e := edges[i]
			tests := 0
			t.search(boxes[i].lo, boxes[i].hi, &tests, func(j int) bool {
				if err = bud.Spend(1); err != nil {
					return false
				}
				if j <= i {
					return true
				}
				f := edges[j]
				if e.ring == f.ring && (abs(e.i-f.i) == 1 || abs(e.i-f.i) == e.n-1) {
					// Neighbours share a vertex; they are wrong only when
					// the ring turns straight back along itself (a spike).
					at, found = spike(e.a, e.b, f.a, f.b)
					return !found
				}
				at, found = cross(e.a, e.b, f.a, f.b)
				return !found
			})
			if err == nil {
				err = bud.Spend(tests / 4)
			}
			if err != nil {
				return 0, orb.Point{}, false, err
			}
			if found {
				return pi, at, true, nil
			}
		}
	}
	return 0, orb.Point{}, false, nil
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
