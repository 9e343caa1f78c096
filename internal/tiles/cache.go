package tiles

import (
	"container/list"
	"sync"

	"github.com/paulmach/orb"
)

// Cache keeps rendered tiles, bounded by the bytes of their bodies (plus a
// fixed overhead per tile), and
// evicts the least recently used first. It is safe for concurrent use.
//
// Invalidation is per tile, not a global flush: a change to a feature
// drops the cached tiles (of its layer and of "all", at every zoom) whose
// buffered bound meets the feature's bound before or after the change.
// Land records change a few lots at a time while the map reads thousands
// of tiles, so flushing everything on each batch would throw away almost
// all of the cache for nothing. A full reload of the index drops
// everything.
//
// Nor does an invalidation walk the whole cache: the cached tiles are
// also kept per layer and zoom, and at each zoom the tiles a changed
// bound can touch (its corners' tiles and one more on every side) are
// looked up; only where that range holds more tiles than the zoom has
// cached are that zoom's cached tiles tested instead. So an invalidation
// costs at most what a test of every cached tile did, and for a lot of
// about a hectare (0.001°) at most 16 lookups per zoom cached up to z18
// (25 at z19, 225 at z22), where the walk tested every one of the
// 3,000 dense z15 tiles DefaultCacheBytes holds, under the lock that every
// tile read takes.
//
// A tile rendered from a snapshot taken before a change, but stored after
// the change's invalidation, would otherwise stay stale forever. So every
// invalidation takes a generation number, a render notes the generation
// before it takes its snapshot (Gen), and Put refuses a tile that a later
// invalidation touched. The last maxLog invalidations are kept for this;
// a render older than all of them is not stored.
type Cache struct {
	maxBytes int64

	mu    sync.Mutex
	bytes int64
	lru   *list.List // of *entry, most recent first
	items map[key]*list.Element
	// zooms holds the same elements as items, per layer and zoom, so that
	// an invalidation looks at the tiles a bound can touch, not at all.
	zooms map[zoomKey]map[Tile]*list.Element
	gen   uint64
	log   []invalidation // oldest first, at most maxLog
	// logFloor: a Put from a generation before it is refused (its
	// invalidations fell out of the log).
	logFloor uint64
	// What the metrics read (CacheStats), under mu.
	hits, misses, evictions int64
	// probes counts the tiles Invalidate looked at (looked up or tested),
	// under mu: what an invalidation costs, for the tests.
	probes int64
}

// CacheStats are a cache's counts since it was made, for the metrics.
type CacheStats struct {
	Tiles int   // tiles cached now
	Bytes int64 // what they are counted at: bodies, gzip bodies, entryOverhead each
	// Hits and Misses count the lookups that found a tile or not (one per
	// Service.Tile or TileGzip: a GetGzip that finds no gzip body counts
	// nothing, the Get after it counts); Evictions the tiles dropped to
	// make room (not those a change or a reload invalidated).
	Hits, Misses, Evictions int64
}

// Stats returns the cache's counts.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	return CacheStats{Tiles: len(c.items), Bytes: c.bytes, Hits: c.hits, Misses: c.misses, Evictions: c.evictions}
}

type key struct {
	layer string
	t     Tile
}

type zoomKey struct {
	layer string
	z     uint32
}

type entry struct {
	k    key
	body []byte
	etag string
	gz   []byte // body gzip-compressed, once a client asked for it
}

// invalidation is one batch of changes: the bounds (lon/lat) per layer,
// or everything.
type invalidation struct {
	gen    uint64
	all    bool
	bounds map[string][]orb.Bound // collection layer -> changed bounds
}

const maxLog = 256

// NewCache returns a cache holding up to maxBytes of tile bodies. A
// maxBytes of 0 or less caches nothing.
func NewCache(maxBytes int64) *Cache {
	return &Cache{maxBytes: maxBytes, lru: list.New(), items: map[key]*list.Element{}, zooms: map[zoomKey]map[Tile]*list.Element{}}
}

// Get returns a cached tile body and its ETag.
func (c *Cache) Get(layer string, t Tile) (body []byte, etag string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key{layer, t}]
	if !ok {
		c.misses++
		return nil, "", false
	}
	c.hits++
	c.lru.MoveToFront(el)
	e := el.Value.(*entry)
	return e.body, e.etag, true
}

// GetGzip returns a cached tile's gzip-compressed body when one was stored
// with SetGzip, and its ETag.
func (c *Cache) GetGzip(layer string, t Tile) (gz []byte, etag string, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key{layer, t}]
	if !ok || el.Value.(*entry).gz == nil {
		return nil, "", false // Get, which follows, counts the hit or miss
	}
	c.hits++
	c.lru.MoveToFront(el)
	e := el.Value.(*entry)
	return e.gz, e.etag, true
}

// SetGzip attaches the compressed body to the cached tile with that ETag
// (nothing happens when the tile has since been dropped or replaced).
func (c *Cache) SetGzip(layer string, t Tile, etag string, gz []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	el, ok := c.items[key{layer, t}]
	if !ok {
		return
	}
	e := el.Value.(*entry)
	if e.etag != etag || e.gz != nil {
		return
	}
	e.gz = gz
	c.bytes += int64(len(gz))
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
		c.evictions++
	}
}

// Gen returns the current invalidation generation. Call it before taking
// the snapshot a tile is rendered from, and pass it to Put.
func (c *Cache) Gen() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// Put stores a tile rendered from a snapshot taken after Gen returned gen.
// It reports whether the tile was stored: not when a later invalidation
// touches it, when it is larger than the whole cache, or when the cache is
// off.
func (c *Cache) Put(layer string, t Tile, gen uint64, body []byte, etag string) bool {
	if cost(body) > c.maxBytes {
		return false
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen < c.logFloor {
		return false
	}
	var tb orb.Bound
	for _, inv := range c.log {
		if inv.gen <= gen {
			continue
		}
		if inv.all {
			return false
		}
		if tb == (orb.Bound{}) {
			tb = t.Bound(invalidationBuffer)
		}
		if inv.touches(layer, tb) {
			return false
		}
	}
	k := key{layer, t}
	if el, ok := c.items[k]; ok {
		c.remove(el)
	}
	el := c.lru.PushFront(&entry{k: k, body: body, etag: etag})
	c.items[k] = el
	zk := zoomKey{layer, t.Z}
	if c.zooms[zk] == nil {
		c.zooms[zk] = map[Tile]*list.Element{}
	}
	c.zooms[zk][t] = el
	c.bytes += cost(body)
	for c.bytes > c.maxBytes {
		c.remove(c.lru.Back())
		c.evictions++
	}
	return true
}

// invalidationBuffer is the tile buffer (fraction of a side) used to
// decide whether a change touches a tile. It must be at least the
// rendering buffer; a little more absorbs rounding.
const invalidationBuffer = 0.05

func (c *Cache) remove(el *list.Element) {
	e := c.lru.Remove(el).(*entry)
	delete(c.items, e.k)
	zk := zoomKey{e.k.layer, e.k.t.Z}
	delete(c.zooms[zk], e.k.t)
	if len(c.zooms[zk]) == 0 {
		delete(c.zooms, zk)
	}
	c.bytes -= cost(e.body) + int64(len(e.gz))
}

// entryOverhead is what a cached tile costs besides its body (key, list
// element, map slot, ETag), bytes, so that empty tiles count too.
const entryOverhead = 128

func cost(body []byte) int64 { return int64(len(body)) + entryOverhead }

// Invalidate drops the cached tiles that bounds touch, per collection
// layer (zones, parcels, green-areas); "all" tiles go with any of them.
// Each bound should cover a changed feature before and after the change.
func (c *Cache) Invalidate(bounds map[string][]orb.Bound) {
	c.mu.Lock()
	defer c.mu.Unlock()
	inv := invalidation{bounds: bounds}
	c.record(&inv)
	for zk, tiles := range c.zooms {
		if zk.layer == LayerAll {
			for _, bs := range bounds {
				c.dropTouched(tiles, zk.z, bs)
			}
		} else {
			c.dropTouched(tiles, zk.z, bounds[zk.layer])
		}
	}
}

// dropTouched removes from tiles (the cached tiles of layer at zoom z)
// those whose buffered bound meets one of bs: it looks up the tiles each
// bound's range holds, or, where the range holds more tiles than are
// cached at z, tests each cached one. Either way a tile goes exactly when
// invalidation.touches would say so.
func (c *Cache) dropTouched(tiles map[Tile]*list.Element, z uint32, bs []orb.Bound) {
	for _, b := range bs {
		if len(tiles) == 0 {
			return
		}
		x0, y0, x1, y1 := tileRange(b, z)
		if (uint64(x1-x0)+1)*(uint64(y1-y0)+1) > uint64(len(tiles)) {
			for t, el := range tiles {
				c.probes++
				if b.Intersects(t.Bound(invalidationBuffer)) {
					c.remove(el)
				}
			}
			continue
		}
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				c.probes++
				t := Tile{Z: z, X: x, Y: y}
				if el, ok := tiles[t]; ok && b.Intersects(t.Bound(invalidationBuffer)) {
					c.remove(el)
				}
			}
		}
	}
}

// tileRange is the range of tiles at zoom z (columns x0..x1, rows y0..y1)
// whose bound, buffered by invalidationBuffer, may meet lon/lat bound b:
// the tiles holding b's corners and one more on every side (the buffer is
// less than a tile), clamped to the world (At clamps latitudes beyond Web
// Mercator's to the first or last row, where the exact test decides). A
// bound with a NaN or inverted corner gives every tile.
func tileRange(b orb.Bound, z uint32) (x0, y0, x1, y1 uint32) {
	last := uint32(uint64(1)<<z - 1)
	if !(b.Min[0] <= b.Max[0] && b.Min[1] <= b.Max[1]) { // also false for NaN
		return 0, 0, last, last
	}
	nw := At(orb.Point{b.Min[0], b.Max[1]}, z)
	se := At(orb.Point{b.Max[0], b.Min[1]}, z)
	x0, y0, x1, y1 = nw.X, nw.Y, se.X, se.Y
	if x0 > 0 {
		x0--
	}
	if y0 > 0 {
		y0--
	}
	return x0, y0, min(x1+1, last), min(y1+1, last)
}

// InvalidateAll drops every cached tile.
func (c *Cache) InvalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.record(&invalidation{all: true})
	c.lru.Init()
	clear(c.items)
	clear(c.zooms)
	c.bytes = 0
}

func (c *Cache) record(inv *invalidation) {
	c.gen++
	inv.gen = c.gen
	if len(c.log) == maxLog {
		c.logFloor = c.log[0].gen
		c.log = append(c.log[:0], c.log[1:]...)
	}
	c.log = append(c.log, *inv)
}

// Len returns the number of cached tiles and the bytes they are counted at.
func (c *Cache) Len() (tiles int, bytes int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.items), c.bytes
}

func (inv *invalidation) touches(layer string, tb orb.Bound) bool {
	if inv.all {
		return true
	}
	check := func(bs []orb.Bound) bool {
		for _, b := range bs {
			if b.Intersects(tb) {
				return true
			}
		}
		return false
	}
	if layer == LayerAll {
		for _, bs := range inv.bounds {
			if check(bs) {
				return true
			}
		}
		return false
	}
	return check(inv.bounds[layer])
}
