package index

import (
	"cmp"
	"math"
	"slices"

	"github.com/paulmach/orb"
	"github.com/tidwall/btree"
	"github.com/tidwall/rtree"

	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// feature tells a layer how to read one kind of domain value. The
// implementations are empty structs so that calls need no stored function
// values.
type feature[T any] interface {
	id(*T) int64
	boundary(*T) orb.MultiPolygon
	// zoned reports whether the kind belongs to a zone; zoneID says which.
	zoned() bool
	zoneID(*T) int64
}

type zoneFeature struct{}

type parcelFeature struct{}
type greenFeature struct{}

func (zoneFeature) id(z *zonegis.Zone) int64                  { return z.ID }
func (zoneFeature) boundary(z *zonegis.Zone) orb.MultiPolygon { return z.Boundary }
func (zoneFeature) zoned() bool                               { return false }
func (zoneFeature) zoneID(*zonegis.Zone) int64                { return 0 }

func (parcelFeature) id(p *zonegis.Parcel) int64                  { return p.ID }
func (parcelFeature) boundary(p *zonegis.Parcel) orb.MultiPolygon { return p.Boundary }
func (parcelFeature) zoned() bool                                 { return true }
func (parcelFeature) zoneID(p *zonegis.Parcel) int64              { return p.ZoneID }

func (greenFeature) id(g *zonegis.GreenArea) int64                  { return g.ID }
func (greenFeature) boundary(g *zonegis.GreenArea) orb.MultiPolygon { return g.Boundary }
func (greenFeature) zoned() bool                                    { return true }
func (greenFeature) zoneID(g *zonegis.GreenArea) int64              { return g.ZoneID }

// entry is what the ID tree holds per feature: the pointer and its bound,
// computed once when the feature arrives. The bound is needed again to
// delete the feature from the R-tree, which finds items by rect.
type entry[T any] struct {
	v        *T
	min, max [2]float64 // lon/lat degrees; min[0] > max[0] when unlocated
}

// located reports whether the feature has a usable bound and so is in the
// R-tree. Features with empty geometry or non-finite coordinates are kept by
// ID but never found by spatial queries.
func (e *entry[T]) located() bool { return e.min[0] <= e.max[0] }

// zoneRef orders a feature in the per-zone index by (zone ID, ID).
type zoneRef[T any] struct {
	zone, id int64
	v        *T
}

func lessZoneRef[T any](a, b zoneRef[T]) bool {
	if a.zone != b.zone {
		return a.zone < b.zone
	}
	return a.id < b.id
}

// layer indexes one kind of feature three ways: by ID, by bound, by zone.
// All three trees are copy-on-write; a layer value with Copy()s of them is
// an independent, immutable view.
type layer[T any, F feature[T]] struct {
	byID   *btree.Map[int64, entry[T]]
	tree   *rtree.RTreeG[*T]         // located features, by bound
	byZone *btree.BTreeG[zoneRef[T]] // nil when F has no zone
}

func newLayer[T any, F feature[T]]() layer[T, F] {
	l := layer[T, F]{
		byID: new(btree.Map[int64, entry[T]]),
		tree: new(rtree.RTreeG[*T]),
	}
	var f F
	if f.zoned() {
		l.byZone = btree.NewBTreeGOptions(lessZoneRef[T], btree.Options{NoLocks: true})
	}
	return l
}

// copy returns a layer sharing all nodes with l until either is modified.
func (l *layer[T, F]) copy() layer[T, F] {
	c := layer[T, F]{byID: l.byID.Copy(), tree: l.tree.Copy()}
	if l.byZone != nil {
		c.byZone = l.byZone.Copy()
	}
	return c
}

func newEntry[T any, F feature[T]](v *T) entry[T] {
	var f F
	b, ok := boundOf(f.boundary(v))
	if !ok {
		return entry[T]{v: v, min: [2]float64{1, 1}, max: [2]float64{-1, -1}}
	}
	return entry[T]{v: v, min: b.Min, max: b.Max}
}

// boundOf returns the lon/lat bound of every ring of mp. ok is false when mp
// has no points or any coordinate is NaN or infinite. (orb's
// MultiPolygon.Bound is not used: it widens the bound to (1,1) when the first
// polygon is empty.)
func boundOf(mp orb.MultiPolygon) (b orb.Bound, ok bool) {
	b = orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, poly := range mp {
		for _, ring := range poly {
			for _, p := range ring {
				b.Min[0] = min(b.Min[0], p[0])
				b.Min[1] = min(b.Min[1], p[1])
				b.Max[0] = max(b.Max[0], p[0])
				b.Max[1] = max(b.Max[1], p[1])
			}
		}
	}
	// min/max propagate NaN, so this also rejects NaN coordinates.
	return b, finite(b.Min[0]) && finite(b.Min[1]) && finite(b.Max[0]) && finite(b.Max[1])
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// validBound reports whether b can be used as a query window: finite and
// not inverted.
func validBound(b orb.Bound) bool {
	return finite(b.Min[0]) && finite(b.Min[1]) && finite(b.Max[0]) && finite(b.Max[1]) &&
		b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]
}

// buildLayer bulk-loads items: B-trees from ID-sorted input (full nodes),
// the R-tree in Hilbert order of the bound centres (good locality).
func buildLayer[T any, F feature[T]](items []*T) layer[T, F] {
	var f F
	l := newLayer[T, F]()

	type keyed struct {
		id int64
		e  entry[T]
	}
	es := make([]keyed, 0, len(items))
	for _, v := range items {
		if v != nil {
			es = append(es, keyed{f.id(v), newEntry[T, F](v)})
		}
	}
	// Stable, so that of duplicate IDs the last given is last; keep it.
	slices.SortStableFunc(es, func(a, b keyed) int { return cmp.Compare(a.id, b.id) })
	n := 0
	for i := range es {
		if i+1 < len(es) && es[i+1].id == es[i].id {
			continue
		}
		es[n] = es[i]
		n++
	}
	clear(es[n:])
	es = es[:n]

	for i := range es {
		l.byID.Load(es[i].id, es[i].e)
	}

	if l.byZone != nil {
		refs := make([]zoneRef[T], len(es))
		for i := range es {
			refs[i] = zoneRef[T]{zone: f.zoneID(es[i].e.v), id: es[i].id, v: es[i].e.v}
		}
		slices.SortFunc(refs, func(a, b zoneRef[T]) int {
			return cmp.Or(cmp.Compare(a.zone, b.zone), cmp.Compare(a.id, b.id))
		})
		for _, r := range refs {
			l.byZone.Load(r)
		}
	}

	// Hilbert order over the extent of all located features.
	ext := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	located := 0
	for i := range es {
		if e := &es[i].e; e.located() {
			ext = ext.Union(orb.Bound{Min: e.min, Max: e.max})
			located++
		}
	}
	type hilbertRef struct {
		h uint64
		i int32
	}
	order := make([]hilbertRef, 0, located)
	for i := range es {
		if e := &es[i].e; e.located() {
			c := orb.Point{(e.min[0] + e.max[0]) / 2, (e.min[1] + e.max[1]) / 2}
			order = append(order, hilbertRef{hilbert(ext, c), int32(i)})
		}
	}
	slices.SortFunc(order, func(a, b hilbertRef) int { return cmp.Compare(a.h, b.h) })
	for _, o := range order {
		e := &es[o.i].e
		l.tree.Insert(e.min, e.max, e.v)
	}
	return l
}

// hilbert returns the position of p along a Hilbert curve of order 16
// laid over ext.
func hilbert(ext orb.Bound, p orb.Point) uint64 {
	const n = 1 << 16
	scale := func(v, lo, hi float64) uint32 {
		if hi <= lo {
			return 0
		}
		return uint32(min(max((v-lo)/(hi-lo)*(n-1), 0), n-1))
	}
	x, y := scale(p[0], ext.Min[0], ext.Max[0]), scale(p[1], ext.Min[1], ext.Max[1])
	var d uint64
	for s := uint32(n / 2); s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		if ry == 0 {
			if rx == 1 {
				x = n - 1 - x
				y = n - 1 - y
			}
			x, y = y, x
		}
	}
	return d
}

// upsert inserts v or replaces the feature with the same ID.
func (l *layer[T, F]) upsert(v *T) {
	if v == nil {
		return
	}
	var f F
	id := f.id(v)
	e := newEntry[T, F](v)
	if old, ok := l.byID.Set(id, e); ok {
		l.unlink(id, old)
	}
	if e.located() {
		l.tree.Insert(e.min, e.max, e.v)
	}
	if l.byZone != nil {
		l.byZone.Set(zoneRef[T]{zone: f.zoneID(v), id: id, v: v})
	}
}

// delete removes the feature with id, if there is one.
func (l *layer[T, F]) delete(id int64) {
	if old, ok := l.byID.Delete(id); ok {
		l.unlink(id, old)
	}
}

// unlink removes old, just dropped from byID, from the other two trees.
func (l *layer[T, F]) unlink(id int64, old entry[T]) {
	if old.located() {
		n := l.tree.Len()
		l.tree.Delete(old.min, old.max, old.v)
		if l.tree.Len() != n-1 {
			// The rect comes from byID, so this cannot happen unless the
			// trees disagree; serving on would return a stale feature.
			panic("index: feature missing from R-tree")
		}
	}
	if l.byZone != nil {
		var f F
		l.byZone.Delete(zoneRef[T]{zone: f.zoneID(old.v), id: id})
	}
}

// Reads. All are safe on the zero layer (nil trees).

func (l *layer[T, F]) len() int {
	if l.byID == nil {
		return 0
	}
	return l.byID.Len()
}

func (l *layer[T, F]) get(id int64) (*T, bool) {
	if l.byID == nil {
		return nil, false
	}
	e, ok := l.byID.Get(id)
	return e.v, ok
}

func (l *layer[T, F]) ascend(fromID int64, fn func(*T) bool) {
	if l.byID == nil {
		return
	}
	l.byID.Ascend(fromID, func(_ int64, e entry[T]) bool { return fn(e.v) })
}

func (l *layer[T, F]) ofZone(zoneID int64, fn func(*T) bool) {
	if l.byZone == nil {
		return
	}
	l.byZone.Ascend(zoneRef[T]{zone: zoneID, id: math.MinInt64}, func(r zoneRef[T]) bool {
		return r.zone == zoneID && fn(r.v)
	})
}

func (l *layer[T, F]) inBound(b orb.Bound, fn func(*T) bool) {
	if l.tree == nil || !validBound(b) {
		return
	}
	l.tree.Search(b.Min, b.Max, func(_, _ [2]float64, v *T) bool { return fn(v) })
}

// touchPadD widens the R-tree windows of the exact queries, in degrees.
// measure.Contains and measure.Intersects count points within 1e-9° of a
// boundary as on it, so a feature can match from just outside its bound.
const touchPadD = 1e-8

func (l *layer[T, F]) at(p orb.Point, fn func(*T) bool) {
	if l.tree == nil || !finite(p[0]) || !finite(p[1]) {
		return
	}
	var f F
	w := orb.Bound{Min: p, Max: p}.Pad(touchPadD)
	l.tree.Search(w.Min, w.Max, func(_, _ [2]float64, v *T) bool {
		return !measure.Contains(f.boundary(v), p) || fn(v)
	})
}

func (l *layer[T, F]) intersecting(g orb.MultiPolygon, fn func(*T, float64) bool) {
	b, ok := boundOf(g)
	if l.tree == nil || !ok {
		return
	}
	var f F
	b = b.Pad(touchPadD)
	l.tree.Search(b.Min, b.Max, func(_, _ [2]float64, v *T) bool {
		mp := f.boundary(v)
		if !measure.Intersects(mp, g) {
			return true
		}
		return fn(v, measure.IntersectionAreaM2(mp, g))
	})
}
