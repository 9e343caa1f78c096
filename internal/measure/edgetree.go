package measure

import (
	"cmp"
	"math"
	"slices"
)

// edgeTree is a static, packed R-tree over the bounds of a slice of edges
// (sort-tile-recursive order, fan-out treeFanout): built once in
// O(n log n), it finds the edges whose bound meets a box in O(log n + k),
// whatever the shape (long edges only widen their own nodes). The zero
// value holds nothing.
type edgeTree struct {
	order  []int32 // edge indices in leaf order
	levels [][]box // levels[0]: one box per leaf entry; each next level: one per treeFanout of the one below
}

type box struct{ lo, hi vec }

const treeFanout = 16

// newEdgeTree indexes edges (their lo/hi bounds).
func newEdgeTree(edges []pedge) edgeTree {
	n := len(edges)
	if n == 0 {
		return edgeTree{}
	}
	order := make([]int32, n)
	for i := range order {
		order[i] = int32(i)
	}
	cx := func(i int32) float64 { return edges[i].lo.x + edges[i].hi.x }
	cy := func(i int32) float64 { return edges[i].lo.y + edges[i].hi.y }
	slices.SortFunc(order, func(a, b int32) int { return cmp.Compare(cx(a), cx(b)) })
	leaves := (n + treeFanout - 1) / treeFanout
	strips := int(math.Ceil(math.Sqrt(float64(leaves))))
	per := strips * treeFanout
	for s := 0; s < n; s += per {
		part := order[s:min(s+per, n)]
		slices.SortFunc(part, func(a, b int32) int { return cmp.Or(cmp.Compare(cy(a), cy(b)), cmp.Compare(cx(a), cx(b))) })
	}
	t := edgeTree{order: order}
	lvl := make([]box, n)
	for k, i := range order {
		lvl[k] = box{edges[i].lo, edges[i].hi}
	}
	t.levels = append(t.levels, lvl)
	for len(lvl) > 1 {
		up := make([]box, (len(lvl)+treeFanout-1)/treeFanout)
		for j := range up {
			b := lvl[j*treeFanout]
			for _, c := range lvl[j*treeFanout+1 : min((j+1)*treeFanout, len(lvl))] {
				b.lo = vec{min(b.lo.x, c.lo.x), min(b.lo.y, c.lo.y)}
				b.hi = vec{max(b.hi.x, c.hi.x), max(b.hi.y, c.hi.y)}
			}
			up[j] = b
		}
		t.levels = append(t.levels, up)
		lvl = up
	}
	return t
}

// search calls fn with the index of each edge whose bound meets [lo, hi]
// (edges inclusive), in no particular order, until fn returns false. It
// reports whether it ran to the end, and adds the number of node bounds it
// tested to *tests (the caller's measure of the work, for a Budget).
func (t *edgeTree) search(lo, hi vec, tests *int, fn func(i int) bool) bool {
	if len(t.levels) == 0 {
		return true
	}
	top := len(t.levels) - 1
	for j := range t.levels[top] {
		if !t.walk(top, j, lo, hi, tests, fn) {
			return false
		}
	}
	return true
}

func (t *edgeTree) walk(level, j int, lo, hi vec, tests *int, fn func(i int) bool) bool {
	*tests++
	b := &t.levels[level][j]
	if b.hi.x < lo.x || b.lo.x > hi.x || b.hi.y < lo.y || b.lo.y > hi.y {
		return true
	}
	if level == 0 {
		return fn(int(t.order[j]))
	}
	below := len(t.levels[level-1])
	for c := j * treeFanout; c < min((j+1)*treeFanout, below); c++ {
		if !t.walk(level-1, c, lo, hi, tests, fn) {
			return false
		}
	}
	return true
}
