package stats

import (
	"container/list"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
)

// DefaultInvestmentCacheBytes bounds the cache of investment answers when
// Options.InvestmentCacheBytes is 0: 16 MiB.
const DefaultInvestmentCacheBytes = 16 << 20

// investmentEntryOverhead is what a cached answer costs besides its JSON
// size (key, list element, the value's headers).
const investmentEntryOverhead = 512

// investmentCache keeps investment answers (Service.Investment), keyed by
// the query as given, the audience's class (what it sees exactly: every
// board, some boards, none; an answer is never served to an audience of
// another class) and valid for one data version (Store.InvestmentVersion):
// the first lookup at a newer version drops everything. It is bounded by
// the bytes of the answers as JSON (plus investmentEntryOverhead each),
// the least recently used dropped first. Safe for concurrent use.
type investmentCache struct {
	maxBytes int64

	mu      sync.Mutex
	version int64
	bytes   int64
	lru     *list.List // of *investmentEntry, most recent first
	items   map[string]*list.Element
	hits    int64
	misses  int64
}

type investmentEntry struct {
	key   string
	inv   *Investment
	bytes int64
}

func newInvestmentCache(maxBytes int64) *investmentCache {
	if maxBytes <= 0 {
		maxBytes = DefaultInvestmentCacheBytes
	}
	return &investmentCache{maxBytes: maxBytes, lru: list.New(), items: map[string]*list.Element{}}
}

// investmentKey is the cache key of q for audience a.
func investmentKey(q InvestmentQuery, a Audience) string {
	class := "public"
	switch {
	case a.all:
		class = "all"
	case len(a.boards) > 0:
		class = "boards:" + strings.Join(slices.Sorted(maps.Keys(a.boards)), ",")
	}
	return fmt.Sprintf("%q %q %q %q %q %q %q %q %q", class, q.By, strings.Join(q.Groups, ","), q.Board, q.Zone, q.Province, q.Kind, q.From, q.To)
}

// get returns the answer cached under key at version.
func (c *investmentCache) get(key string, version int64) (*Investment, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if version > c.version {
		c.reset(version)
	}
	el, ok := c.items[key]
	if !ok || version != c.version { // not cached, or a reader behind the cache's version (a replica catching up)
		c.misses++
		return nil, false
	}
	c.lru.MoveToFront(el)
	c.hits++
	return el.Value.(*investmentEntry).inv, true
}

// put keeps inv under key, computed at version (read before the figures:
// a write in between moves the version, and the next get drops inv).
func (c *investmentCache) put(key string, version int64, inv *Investment) {
	b, err := json.Marshal(inv)
	if err != nil {
		return
	}
	size := int64(len(b)) + int64(len(key)) + investmentEntryOverhead
	if size > c.maxBytes {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if version < c.version {
		return // figures of a version already gone
	}
	if version > c.version {
		c.reset(version)
	}
	if el, ok := c.items[key]; ok {
		c.bytes -= el.Value.(*investmentEntry).bytes
		c.lru.Remove(el)
	}
	c.items[key] = c.lru.PushFront(&investmentEntry{key: key, inv: inv, bytes: size})
	c.bytes += size
	for c.bytes > c.maxBytes {
		el := c.lru.Back()
		e := el.Value.(*investmentEntry)
		c.lru.Remove(el)
		delete(c.items, e.key)
		c.bytes -= e.bytes
	}
}

// reset drops every answer and moves to version.
func (c *investmentCache) reset(version int64) {
	c.version, c.bytes = version, 0
	c.lru.Init()
	clear(c.items)
}

// InvestmentCacheStats are the investment cache's counts.
type InvestmentCacheStats struct {
	Answers int   // answers cached now
	Bytes   int64 // what they are counted at
	Hits    int64 // lookups answered from the cache since the service was made
	Misses  int64 // lookups it could not answer (the series then computed)
}

// InvestmentCache returns the investment cache's counts.
func (s *Service) InvestmentCache() InvestmentCacheStats {
	c := s.invest
	c.mu.Lock()
	defer c.mu.Unlock()
	return InvestmentCacheStats{Answers: len(c.items), Bytes: c.bytes, Hits: c.hits, Misses: c.misses}
}
