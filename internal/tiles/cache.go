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
	gen   uint64
	log   []invalidation // oldest first, at most maxLog
	// logFloor: a Put from a generation before it is refused (its
	// invalidations fell out of the log).
	logFloor uint64
	// What the metrics read (CacheStats), under mu.
	hits, misses, evictions int64
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
	return &Cache{maxBytes: maxBytes, lru: list.New(), items: map[key]*list.Element{}}
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
	c.items[k] = c.lru.PushFront(&entry{k: k, body: body, etag: etag})
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
	for k, el := range c.items {
		if inv.touches(k.layer, k.t.Bound(invalidationBuffer)) {
			c.remove(el)
		}
	}
}

// InvalidateAll drops every cached tile.
func (c *Cache) InvalidateAll() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.record(&invalidation{all: true})
	c.lru.Init()
	clear(c.items)
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
