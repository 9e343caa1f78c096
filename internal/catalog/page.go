package catalog

import (
	"cmp"
	"slices"

	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/index"
)

// Page is one page of a search (Find): the features from the offset, in
// ascending id order, and how many features matched in all. Its memory is
// pooled: call Release when done with Features, and keep nothing of it
// after.
type Page[T any] struct {
	Features []*T
	// Entries are the same features as the index holds them, with their
	// geometry (Entries[i].Record() is Features[i]), for encoding.
	Entries []*index.Entry[T]
	Matched int

	q      Query    // the search's query, held here so the search's callbacks capture only the page
	hits   []hit[T] // a bbox's matches, gathered to be sorted
	keys   []uint64 // sortHits' keys
	sorted []hit[T] // sortHits' scratch
	top    topK[T]  // with a sortby, the first matches in its order
	c      *Collection[T]
	warmed byte // warm's sum, kept so that its loads are not dropped
}

// warm reads one byte of each cache line that encoding the page will read
// beyond the entries themselves: each geometry's points (the index keeps
// them in slabs apart from the entries) and the record's text. The
// entries are visited one after the other with nothing else in between,
// so that their cache misses overlap, the CPU holding many loads in
// flight, instead of coming one at a time inside the encoder, which runs
// thousands of instructions a feature between them. With 250,000 parcels
// and more the page's data is rarely in cache; 037e577's pages did the
// same over the records' cached bytes (encode.TouchParcel).
func (p *Page[T]) warm() {
	var s byte
	for _, e := range p.Entries {
		d := e.Geometry().Deltas()
		for i := 0; i < len(d); i += 16 { // 16 int32s: a 64-byte line
			s += byte(d[i])
		}
		if len(d) > 0 {
			s += byte(d[len(d)-1]) // the line the last stride began before
		}
		s += p.c.k.warm(e.Record())
	}
	p.warmed = s
}

// first is s's first byte, 0 for "".
func first(s string) byte {
	if s == "" {
		return 0
	}
	return s[0]
}

// hit is a feature found in a bbox, with its id beside it: sorting on ids
// held in the slice, not behind each feature's pointer, keeps the sort in
// cache.
type hit[T any] struct {
	id int64
	e  *index.Entry[T]
}

// sortHits sorts p.hits by id (the ids are distinct). Ids below 2^48 and
// at most 2^16 hits, every page in practice, are sorted as keys of id and
// position in one uint64 (slices.Sort compares them inline, several times
// faster than a comparison function over the hits), then the hits are put
// in their keys' order.
func (p *Page[T]) sortHits() {
	hs := p.hits
	keys := p.keys[:0]
	for i, h := range hs {
		if h.id < 0 || h.id >= 1<<48 || len(hs) > 1<<16 {
			slices.SortFunc(hs, func(a, b hit[T]) int { return cmp.Compare(a.id, b.id) })
			return
		}
		keys = append(keys, uint64(h.id)<<16|uint64(i))
	}
	slices.Sort(keys)
	sorted := true
	for i, k := range keys {
		if int(k&0xffff) != i {
			sorted = false
			break
		}
	}
	if !sorted {
		// The hits in key order, through the keys' spare bits: each key's
		// low 16 bits hold its hit's old position.
		tmp := p.sorted[:0]
		for _, k := range keys {
			tmp = append(tmp, hs[k&0xffff])
		}
		copy(hs, tmp)
		clear(tmp)
		p.sorted = tmp[:0]
	}
	p.keys = keys[:0]
}

// Find searches s for the features of c that q keeps and returns those
// from offset (>= 0), at most limit (>= 0) of them, with the count of
// every match. A feature is kept when it is of q's zone (if any), passes
// q's filters and, with a bbox, its geometry intersects one of the boxes:
// the index's ...IntersectingBound finds those, so a bbox search visits
// only the features near it. Scan keeps exactly the same features.
func (c *Collection[T]) Find(s *index.Snapshot, q *Query, offset, limit int) *Page[T] {
	p := c.getPage()
	p.q = *q
	p.c = c
	if len(q.sort) > 0 {
		p.top = topK[T]{k: offset + limit, less: c.order(q.sort), heap: p.top.heap[:0]}
	}
	k := c.k
	es := k.entries(s)
	match := c.matcher(&p.q)
	if q.when.set {
		if old := k.retired(s); old != nil {
			c.findWithHistory(p, match, es, old, offset, limit)
			p.warm()
			return p
		}
	}
	switch {
	case q.Bounds != nil:
		for i, b := range q.Bounds {
			es.IntersectingBound(b, func(e *index.Entry[T]) bool {
				v := e.Record()
				id := k.id(v)
				if (p.q.zoneID == 0 || k.zoneID(v) == p.q.zoneID) && match(e) &&
					(i == 0 || !slices.ContainsFunc(p.hits, func(h hit[T]) bool { return h.id == id })) {
					p.hits = append(p.hits, hit[T]{id, e})
				}
				return true
			})
		}
		p.sortHits()
		for _, h := range p.hits {
			p.add(h.e, offset, limit)
		}
	case q.zoneID != 0:
		es.OfZone(q.zoneID, func(e *index.Entry[T]) bool {
			if match(e) {
				p.add(e, offset, limit)
			}
			return true
		})
	default:
		es.Ascend(0, func(e *index.Entry[T]) bool {
			if match(e) {
				p.add(e, offset, limit)
			}
			return true
		})
	}
	if len(q.sort) > 0 {
		for _, e := range p.top.sorted()[min(offset, len(p.top.heap)):] {
			p.Features = append(p.Features, e.Record())
			p.Entries = append(p.Entries, e)
		}
	}
	p.warm()
	return p
}

// findWithHistory is Find over the live features es and the retired ones
// old (which only a datetime search reaches; their ids are never live
// ones): the retired matches are gathered and sorted, and merged in id
// order with the live ones as those are visited, so the page and the
// count are of both.
func (c *Collection[T]) findWithHistory(p *Page[T], match func(*index.Entry[T]) bool, es, old index.Entries[T], offset, limit int) {
	k := c.k
	keep := func(e *index.Entry[T]) bool {
		return (p.q.zoneID == 0 || k.zoneID(e.Record()) == p.q.zoneID) && match(e)
	}
	gather := func(src index.Entries[T]) {
		switch {
		case p.q.Bounds != nil:
			for i, b := range p.q.Bounds {
				src.IntersectingBound(b, func(e *index.Entry[T]) bool {
					id := k.id(e.Record())
					if keep(e) && (i == 0 || !slices.ContainsFunc(p.hits, func(h hit[T]) bool { return h.id == id })) {
						p.hits = append(p.hits, hit[T]{id, e})
					}
					return true
				})
			}
		case p.q.zoneID != 0:
			src.OfZone(p.q.zoneID, func(e *index.Entry[T]) bool {
				if keep(e) {
					p.hits = append(p.hits, hit[T]{k.id(e.Record()), e})
				}
				return true
			})
		default:
			src.Ascend(0, func(e *index.Entry[T]) bool {
				if keep(e) {
					p.hits = append(p.hits, hit[T]{k.id(e.Record()), e})
				}
				return true
			})
		}
	}
	if p.q.Bounds != nil { // both gathered, as a bbox search gathers
		gather(es)
		gather(old)
		p.sortHits()
		for _, h := range p.hits {
			p.add(h.e, offset, limit)
		}
		return
	}
	gather(old) // in id order already
	j := 0
	visit := func(e *index.Entry[T]) bool {
		if !keep(e) {
			return true
		}
		for id := k.id(e.Record()); j < len(p.hits) && p.hits[j].id < id; j++ {
			p.add(p.hits[j].e, offset, limit)
		}
		p.add(e, offset, limit)
		return true
	}
	if p.q.zoneID != 0 {
		es.OfZone(p.q.zoneID, visit)
	} else {
		es.Ascend(0, visit)
	}
	for ; j < len(p.hits); j++ {
		p.add(p.hits[j].e, offset, limit)
	}
}

// add counts a match and keeps it when it falls in the page (or, sorting,
// among the page and those before it, p.top).
func (p *Page[T]) add(e *index.Entry[T], offset, limit int) {
	if len(p.q.sort) > 0 {
		p.top.add(e)
	} else if p.Matched >= offset && len(p.Features) < limit {
		p.Features = append(p.Features, e.Record())
		p.Entries = append(p.Entries, e)
	}
	p.Matched++
}

// Scan calls fn for every feature of c that q keeps (the features Find
// counts), in ascending id order, until fn returns false. Nothing is
// gathered: a bbox is tested on each feature of the collection (or of q's
// zone), so the scan runs in constant memory however many match. Each
// feature given to fn is a copy with its Boundary (index.Entry.WithBoundary),
// which fn may keep.
func (c *Collection[T]) Scan(s *index.Snapshot, q *Query, fn func(*T) bool) {
	k := c.k
	match := c.matcher(q)
	visit := func(e *index.Entry[T]) bool {
		if !match(e) {
			return true
		}
		v := e.WithBoundary()
		if !q.inBoxes(k.boundary(v)) {
			return true
		}
		return fn(v)
	}
	if q.zoneID != 0 {
		k.entries(s).OfZone(q.zoneID, visit)
		return
	}
	k.entries(s).Ascend(0, visit)
}

func (c *Collection[T]) getPage() *Page[T] {
	if p, ok := c.pages.Get().(*Page[T]); ok {
		return p
	}
	return &Page[T]{hits: make([]hit[T], 0, 128), Features: make([]*T, 0, 128), Entries: make([]*index.Entry[T], 0, 128)}
}

// Release returns p to its collection's pool, cleared (it must not keep
// features of an old snapshot alive) and unless it grew large.
func (p *Page[T]) Release() {
	c := p.c
	if cap(p.hits) > 4096 || cap(p.Features) > 4096 || cap(p.Entries) > 4096 || cap(p.top.heap) > 4096 || cap(p.sorted) > 4096 {
		return
	}
	clear(p.hits[:cap(p.hits)])
	clear(p.Features[:cap(p.Features)])
	clear(p.Entries[:cap(p.Entries)])
	clear(p.top.heap[:cap(p.top.heap)])
	*p = Page[T]{Features: p.Features[:0], Entries: p.Entries[:0], hits: p.hits[:0], keys: p.keys[:0], sorted: p.sorted[:0], top: topK[T]{heap: p.top.heap[:0]}}
	c.pages.Put(p)
}

// matcher is the test of c's features by q's filters (zone and bbox
// aside) and its CQL2 filter, if any. A spatial filter reads the geometry,
// which the index's records hold apart (index.Entry): it is given a copy
// of the record with its Boundary decoded, both in memory reused from
// feature to feature.
func (c *Collection[T]) matcher(q *Query) func(*index.Entry[T]) bool {
	k := c.k
	f := program[T](q)
	switch {
	case f == nil:
		return func(e *index.Entry[T]) bool { return k.match(q, e.Record()) }
	case !f.Spatial():
		return func(e *index.Entry[T]) bool { v := e.Record(); return k.match(q, v) && f.Match(v) }
	}
	var (
		buf  fixedgeom.Buffer
		full T
	)
	return func(e *index.Entry[T]) bool {
		if !k.match(q, e.Record()) {
			return false
		}
		full = *e.Record()
		k.setBoundary(&full, e.Boundary(&buf))
		return f.Match(&full)
	}
}
