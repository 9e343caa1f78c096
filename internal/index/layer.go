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
	// What an Entry caches (see entry.go): encode appends the record's
	// cached bytes to b and says where its geometry members end;
	// encodedSize estimates their length.
	encode(b []byte, v *T) (out []byte, geomEnd int)
	encodedSize(*T) int
	setBoundary(*T, orb.MultiPolygon)
	// intern makes equal strings of records share one copy through strs.
	intern(v *T, strs map[string]string)
}

type (
	zoneFeature   struct{}
	parcelFeature struct{}
	greenFeature  struct{}
)

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

// zoneRef orders a feature in the per-zone index by (zone ID, ID). A nil v
// sorts before every feature of its zone.
type zoneRef[T any] struct {
	zone int64
	v    *Entry[T]
}

func lessZoneRef[T any, F feature[T]](a, b zoneRef[T]) bool {
	switch {
	case a.zone != b.zone:
		return a.zone < b.zone
	case a.v == nil || b.v == nil:
		return a.v == nil && b.v != nil
	}
	var f F
	return f.id(&a.v.rec) < f.id(&b.v.rec)
}

// layer indexes one kind of feature three ways: by ID, by bound, by zone.
// All three trees are copy-on-write; a layer value with Copy()s of them is
// an independent, immutable view.
//
// Per feature the layer stores three pointers to its Entry and its bound
// (in the R-tree) and nothing else: about 130 bytes per parcel with the
// trees' node fill, beside the Entry itself. The bound is not kept beside the ID: to delete a feature from
// the R-tree, the bound is recomputed from its geometry, which must not
// have changed (see the package doc).
type layer[T any, F feature[T]] struct {
	byID   *btree.Map[int64, *Entry[T]]
	tree   *rtree.RTreeG[*Entry[T]]  // located features, by bound
	byZone *btree.BTreeG[zoneRef[T]] // nil when F has no zone
}

func newLayer[T any, F feature[T]]() layer[T, F] {
	l := layer[T, F]{
		byID: new(btree.Map[int64, *Entry[T]]),
		tree: new(rtree.RTreeG[*Entry[T]]),
	}
	var f F
	if f.zoned() {
		l.byZone = btree.NewBTreeGOptions(lessZoneRef[T, F], btree.Options{NoLocks: true})
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

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// validBound reports whether b can be used as a query window: finite and
// not inverted.
func validBound(b orb.Bound) bool {
	return finite(b.Min[0]) && finite(b.Min[1]) && finite(b.Max[0]) && finite(b.Max[1]) &&
		b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]
}

// buildLayer bulk-loads entries (made by makeEntries; nil ones skipped):
// the B-trees from sorted input, the R-tree in Hilbert order of the bound
// centres (good locality, fast inserts). Sorting moves small keys, not the
// entries.
func buildLayer[T any, F feature[T]](entries []*Entry[T]) layer[T, F] {
	var f F
	l := newLayer[T, F]()

	type item struct {
		v       *Entry[T]
		b       orb.Bound
		located bool
	}
	its := make([]item, 0, len(entries))
	type idKey struct {
		id int64
		i  int // in its
	}
	keys := make([]idKey, 0, len(entries))
	for _, e := range entries {
		if e != nil {
			keys = append(keys, idKey{f.id(&e.rec), len(its)})
			b, ok := measure.Bound(f.boundary(&e.rec))
			its = append(its, item{e, b, ok})
		}
	}
	// Of duplicate IDs the last given wins: sort by (ID, position), keep
	// the last of each run.
	slices.SortFunc(keys, func(a, b idKey) int { return cmp.Or(cmp.Compare(a.id, b.id), cmp.Compare(a.i, b.i)) })
	n := 0
	for i := range keys {
		if i+1 < len(keys) && keys[i+1].id == keys[i].id {
			continue
		}
		keys[n] = keys[i]
		n++
	}
	keys = keys[:n]

	for _, k := range keys {
		l.byID.Load(k.id, its[k.i].v)
	}

	if l.byZone != nil {
		type zoneKey struct {
			zone, id int64
			i        int
		}
		zkeys := make([]zoneKey, len(keys))
		for j, k := range keys {
			zkeys[j] = zoneKey{f.zoneID(&its[k.i].v.rec), k.id, k.i}
		}
		slices.SortFunc(zkeys, func(a, b zoneKey) int { return cmp.Or(cmp.Compare(a.zone, b.zone), cmp.Compare(a.id, b.id)) })
		for _, k := range zkeys {
			l.byZone.Load(zoneRef[T]{zone: k.zone, v: its[k.i].v})
		}
	}

	// Hilbert order over the extent of all located features.
	ext := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for _, k := range keys {
		if it := &its[k.i]; it.located {
			ext = ext.Union(it.b)
		}
	}
	type hilbertKey struct {
		h uint64
		i int
	}
	order := make([]hilbertKey, 0, len(keys))
	for _, k := range keys {
		if it := &its[k.i]; it.located {
			order = append(order, hilbertKey{hilbert(ext, it.b.Center()), k.i})
		}
	}
	slices.SortFunc(order, func(a, b hilbertKey) int { return cmp.Compare(a.h, b.h) })
	for _, o := range order {
		it := &its[o.i]
		l.tree.Insert(it.b.Min, it.b.Max, it.v)
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

// upsert inserts e or replaces the feature with the same ID.
func (l *layer[T, F]) upsert(e *Entry[T]) {
	if e == nil {
		return
	}
	var f F
	v := &e.rec
	if old, ok := l.byID.Set(f.id(v), e); ok {
		l.unlink(old)
	}
	if b, ok := measure.Bound(f.boundary(v)); ok {
		l.tree.Insert(b.Min, b.Max, e)
	}
	if l.byZone != nil {
		l.byZone.Set(zoneRef[T]{zone: f.zoneID(v), v: e})
	}
}

// delete removes the feature with id, if there is one.
func (l *layer[T, F]) delete(id int64) {
	if old, ok := l.byID.Delete(id); ok {
		l.unlink(old)
	}
}

// unlink removes old, just dropped from byID, from the other two trees.
func (l *layer[T, F]) unlink(old *Entry[T]) {
	var f F
	if b, ok := measure.Bound(f.boundary(&old.rec)); ok {
		n := l.tree.Len()
		l.tree.Delete(b.Min, b.Max, old)
		if l.tree.Len() == n {
			// Its geometry was modified after it was given to the index,
			// so the bound differs from the one it was inserted with. Find
			// it the slow way rather than leave a stale feature behind.
			l.tree.Scan(func(lo, hi [2]float64, v *Entry[T]) bool {
				if v == old {
					b = orb.Bound{Min: lo, Max: hi}
					return false
				}
				return true
			})
			l.tree.Delete(b.Min, b.Max, old)
		}
	}
	if l.byZone != nil {
		l.byZone.Delete(zoneRef[T]{zone: f.zoneID(&old.rec), v: old})
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
	if e, ok := l.entry(id); ok {
		return &e.rec, true
	}
	return nil, false
}

func (l *layer[T, F]) entry(id int64) (*Entry[T], bool) {
	if l.byID == nil {
		return nil, false
	}
	return l.byID.Get(id)
}

func (l *layer[T, F]) ascend(fromID int64, fn func(*T) bool) {
	l.ascendEntries(fromID, func(e *Entry[T]) bool { return fn(recOf(e)) })
}

func (l *layer[T, F]) ascendEntries(fromID int64, fn func(*Entry[T]) bool) {
	if l.byID == nil {
		return
	}
	l.byID.Ascend(fromID, func(_ int64, e *Entry[T]) bool { return fn(e) })
}

func (l *layer[T, F]) ofZone(zoneID int64, fn func(*T) bool) {
	l.ofZoneEntries(zoneID, func(e *Entry[T]) bool { return fn(recOf(e)) })
}

func (l *layer[T, F]) ofZoneEntries(zoneID int64, fn func(*Entry[T]) bool) {
	if l.byZone == nil {
		return
	}
	l.byZone.Ascend(zoneRef[T]{zone: zoneID}, func(r zoneRef[T]) bool {
		return r.zone == zoneID && fn(r.v)
	})
}

func (l *layer[T, F]) inBound(b orb.Bound, fn func(*T) bool) {
	if l.tree == nil || !validBound(b) {
		return
	}
	l.tree.Search(b.Min, b.Max, func(_, _ [2]float64, e *Entry[T]) bool { return fn(recOf(e)) })
}

// touchPadD widens the R-tree windows of the exact queries, in degrees.
// measure.Contains, Intersects and IntersectsBound count points within 1e-9° of a
// boundary as on it, so a feature can match from just outside its bound.
const touchPadD = 1e-8

// intersectingBound calls fn for each feature whose geometry meets the box
// b (measure.IntersectsBound). The bound the R-tree holds decides the
// common case: a feature whose bound lies inside b intersects it, with no
// look at its geometry, and is passed on at once. Those that stick out of
// b get the exact test (measure.IntersectsBoundOf), in batches: their
// geometries are first touched level by level (record, polygons, rings,
// first vertex), so that the cache misses of a batch overlap instead of
// queuing one behind the other, as they would test by test. Every level
// read is used (a first vertex inside b decides the test), so no store to
// a shared variable is needed to keep the loads from being dropped.
func (l *layer[T, F]) intersectingBound(b orb.Bound, fn func(*T) bool) {
	l.intersectingBoundEntries(b, func(e *Entry[T]) bool { return fn(recOf(e)) })
}

func (l *layer[T, F]) intersectingBoundEntries(b orb.Bound, fn func(*Entry[T]) bool) {
	if l.tree == nil || !validBound(b) {
		return
	}
	var f F
	const batchLen = 32
	var (
		batch  [batchLen]*Entry[T]
		bounds [batchLen]orb.Bound
		n      int
		more   = true
	)
	flush := func() {
		var mps [batchLen]orb.MultiPolygon
		for i, v := range batch[:n] {
			mps[i] = f.boundary(&v.rec)
		}
		var polys [batchLen]orb.Polygon
		for i, mp := range mps[:n] {
			if len(mp) > 0 {
				polys[i] = mp[0]
			}
		}
		var rings [batchLen]orb.Ring
		for i, poly := range polys[:n] {
			if len(poly) > 0 {
				rings[i] = poly[0]
			}
		}
		// The last level, the first vertex, is put to use: one in the box
		// decides the test (the box is closed) without the exact test.
		var in [batchLen]bool
		for i, r := range rings[:n] {
			in[i] = len(r) > 0 && b.Contains(r[0])
		}
		for i := range n {
			if more && (in[i] || measure.IntersectsBoundOf(mps[i], bounds[i], b)) {
				more = fn(batch[i])
			}
		}
		clear(batch[:n])
		n = 0
	}
	w := b.Pad(touchPadD)
	l.tree.Search(w.Min, w.Max, func(lo, hi [2]float64, v *Entry[T]) bool {
		e := orb.Bound{Min: lo, Max: hi}
		if measure.BoundWithin(e, b) {
			more = fn(v)
			return more
		}
		batch[n], bounds[n] = v, e
		if n++; n == batchLen {
			flush()
		}
		return more
	})
	if n > 0 {
		flush()
	}
}

func (l *layer[T, F]) at(p orb.Point, fn func(*T) bool) {
	l.entriesAt(p, func(e *Entry[T]) bool { return fn(recOf(e)) })
}

// entriesAt is at with each record's entry, its cached GeoJSON with it.
func (l *layer[T, F]) entriesAt(p orb.Point, fn func(*Entry[T]) bool) {
	if l.tree == nil || !finite(p[0]) || !finite(p[1]) {
		return
	}
	var f F
	w := orb.Bound{Min: p, Max: p}.Pad(touchPadD)
	l.tree.Search(w.Min, w.Max, func(_, _ [2]float64, e *Entry[T]) bool {
		return !measure.Contains(f.boundary(&e.rec), p) || fn(e)
	})
}

func (l *layer[T, F]) intersecting(q *measure.Prepared, fn func(*T, float64) bool) error {
	b := q.Bound()
	if l.tree == nil || b.IsEmpty() || !validBound(b) {
		return nil
	}
	var f F
	var err error
	b = b.Pad(touchPadD)
	l.tree.Search(b.Min, b.Max, func(_, _ [2]float64, e *Entry[T]) bool {
		if err = q.Budget().Spend(1); err != nil {
			return false
		}
		v := &e.rec
		mp := f.boundary(v)
		var ok bool
		if ok, err = q.Intersects(mp); err != nil || !ok {
			return err == nil
		}
		var m2 float64
		if m2, err = q.IntersectionAreaM2(mp); err != nil {
			return false
		}
		return fn(v, m2)
	})
	return err
}
