package index

import (
	"cmp"
	"math"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/tidwall/btree"
	"github.com/tidwall/rtree"

	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// feature tells a layer how to read one kind of domain value. The
// implementations are empty structs so that calls need no stored function
// values.
type feature[T any] interface {
	id(*T) int64
	// boundary is a given record's Boundary (an Entry's record has none:
	// its geometry is the Entry's).
	boundary(*T) orb.MultiPolygon
	// zoned reports whether the kind belongs to a zone; zoneID says which.
	zoned() bool
	zoneID(*T) int64
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
// trees' node fill, beside the Entry itself. The bound is not kept beside
// the ID: to delete a feature from the R-tree, the bound is recomputed
// from its geometry (fixedgeom.Geometry.Bound), which never changes.
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
			b, ok := e.geom.Bound()
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

	packed(len(keys),
		func(j int) { l.byID.Load(keys[j].id, its[keys[j].i].v) },
		func(j int) { l.byID.Set(keys[j].id, its[keys[j].i].v) })

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
		var hint btree.PathHint
		packed(len(zkeys),
			func(j int) { l.byZone.Load(zoneRef[T]{zone: zkeys[j].zone, v: its[zkeys[j].i].v}) },
			func(j int) { l.byZone.SetHint(zoneRef[T]{zone: zkeys[j].zone, v: its[zkeys[j].i].v}, &hint) })
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

// packed bulk-loads the n sorted items of a B-tree (tidwall/btree) so
// that its leaves are full: load(j) for every other item (1, 3, 5, …),
// then set(j) for the others (0, 2, 4, …). The tree's Load appends to its
// last leaf and, when that is full, splits it in the middle, so items
// loaded in order leave every leaf but the last half full, in an array
// with room for twice as many (measured: 33 bytes per 16-byte item). Each
// item of the second pass goes into the leaf of its neighbours, which
// then holds about as many as it has room for.
func packed(n int, load, set func(j int)) {
	for j := 1; j < n; j += 2 {
		load(j)
	}
	for j := 0; j < n; j += 2 {
		set(j)
	}
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
	if b, ok := e.geom.Bound(); ok {
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
	if b, ok := old.geom.Bound(); ok {
		l.tree.Delete(b.Min, b.Max, old)
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
	l.inBoundEntries(b, func(e *Entry[T]) bool { return fn(recOf(e)) })
}

func (l *layer[T, F]) inBoundEntries(b orb.Bound, fn func(*Entry[T]) bool) {
	if l.tree == nil || !validBound(b) {
		return
	}
	l.tree.Search(b.Min, b.Max, func(_, _ [2]float64, e *Entry[T]) bool { return fn(e) })
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
// entries are first read one after the other for their first vertex (the
// geometry's origin, in the entry), so that the cache misses of a batch
// overlap instead of queuing one behind the other, as they would test by
// test; a first vertex inside b decides the test (the box is closed), and
// the rest are decoded, one at a time into one buffer, for the exact test.
func (l *layer[T, F]) intersectingBound(b orb.Bound, fn func(*T) bool) {
	l.intersectingBoundEntries(b, func(e *Entry[T]) bool { return fn(recOf(e)) })
}

func (l *layer[T, F]) intersectingBoundEntries(b orb.Bound, fn func(*Entry[T]) bool) {
	if l.tree == nil || !validBound(b) {
		return
	}
	const batchLen = 32
	var (
		batch  [batchLen]*Entry[T]
		bounds [batchLen]orb.Bound
		n      int
		more   = true
		buf    *fixedgeom.Buffer
	)
	flush := func() {
		var in [batchLen]bool
		for i, v := range batch[:n] {
			p, ok := v.geom.FirstPoint()
			in[i] = ok && b.Contains(p)
		}
		for i := range n {
			if !more {
				break
			}
			if in[i] {
				more = fn(batch[i])
				continue
			}
			if buf == nil {
				buf = getBuffer()
			}
			if measure.IntersectsBoundOf(batch[i].geom.Decode(buf), bounds[i], b) {
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
	if buf != nil {
		putBuffer(buf)
	}
}

func (l *layer[T, F]) at(p orb.Point, fn func(*T) bool) {
	l.entriesAt(p, func(e *Entry[T]) bool { return fn(recOf(e)) })
}

// entriesAt is at with each record's entry, its cached GeoJSON with it;
// each candidate tested on its fixed-point geometry, not decoded
// (measure.ContainsFixed: the answer of Contains on the decoded one).
func (l *layer[T, F]) entriesAt(p orb.Point, fn func(*Entry[T]) bool) {
	if l.tree == nil || !finite(p[0]) || !finite(p[1]) {
		return
	}
	w := orb.Bound{Min: p, Max: p}.Pad(touchPadD)
	l.tree.Search(w.Min, w.Max, func(_, _ [2]float64, e *Entry[T]) bool {
		return !measure.ContainsFixed(&e.geom, p) || fn(e)
	})
}

func (l *layer[T, F]) intersecting(q *measure.Prepared, fn func(*T, float64) bool) error {
	b := q.Bound()
	if l.tree == nil || b.IsEmpty() || !validBound(b) {
		return nil
	}
	var err error
	b = b.Pad(touchPadD)
	buf := getBuffer()
	defer putBuffer(buf)
	l.tree.Search(b.Min, b.Max, func(_, _ [2]float64, e *Entry[T]) bool {
		if err = q.Budget().Spend(1); err != nil {
			return false
		}
		v := &e.rec
		mp := e.geom.Decode(buf)
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

// buffers are the decode buffers of the searches (fixedgeom.Buffer), one
// per search at a time, so that a search allocates nothing per feature nor
// per call.
var buffers = sync.Pool{New: func() any { return new(fixedgeom.Buffer) }}

func getBuffer() *fixedgeom.Buffer  { return buffers.Get().(*fixedgeom.Buffer) }
func putBuffer(b *fixedgeom.Buffer) { buffers.Put(b) }
