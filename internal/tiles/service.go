package tiles

import (
	"bytes"
	"encoding/binary"
	"encoding/hex"
	"hash/crc32"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/klauspost/compress/gzip"
	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ContentType is the media type of the tiles served.
const ContentType = "application/vnd.mapbox-vector-tile"

// Options configure a Service. The zero value gives the defaults.
type Options struct {
	// CacheBytes bounds the tile cache (bytes of tile bodies); 0 turns
	// the cache off, as tests of the read path want when nothing calls
	// OnApply.
	CacheBytes int64
	// Extent, BufferUnits and ToleranceUnits set the rendering; 0 takes
	// DefaultExtent, DefaultBufferUnits and DefaultToleranceUnits. A
	// negative ToleranceUnits turns simplification off.
	Extent         uint32
	BufferUnits    float64
	ToleranceUnits float64
}

// DefaultCacheBytes is the cache size the server uses: about 3,000 dense
// z15 parcel tiles.
const DefaultCacheBytes = 64 << 20

// Service renders and caches the tiles of an index.
type Service struct {
	ix    *index.Index
	r     *renderer
	cache *Cache

	bounds atomic.Pointer[boundOf] // the data bound of the last snapshot asked (bound)

	mu   sync.Mutex      // serialises OnApply
	prev *index.Snapshot // the snapshot OnApply last saw: the "before" of the next change
}

// New returns a tile service over ix. Call OnApply after every change to
// ix (the follower's OnApply hook), or leave the cache off.
func New(ix *index.Index, o Options) *Service {
	if o.Extent == 0 {
		o.Extent = DefaultExtent
	}
	if o.BufferUnits == 0 {
		o.BufferUnits = DefaultBufferUnits
	}
	switch {
	case o.ToleranceUnits == 0:
		o.ToleranceUnits = DefaultToleranceUnits
	case o.ToleranceUnits < 0:
		o.ToleranceUnits = 0
	}
	return &Service{
		ix:    ix,
		r:     newRenderer(o.Extent, o.BufferUnits, o.ToleranceUnits),
		cache: NewCache(o.CacheBytes),
		prev:  ix.Snapshot(),
	}
}

// Tile returns the MVT body of tile t of layer (one of Layers), from the
// cache or freshly rendered, with a strong ETag (a hash of the body,
// quoted). An unknown layer or invalid tile is an EINVALID or ENOTFOUND
// error.
func (s *Service) Tile(layer string, t Tile) (body []byte, etag string, err error) {
	if !KnownLayer(layer) {
		return nil, "", zonegis.Errorf(zonegis.ENOTFOUND, "no tile layer %q; layers are %s", layer, strings.Join(Layers, ", "))
	}
	if !t.Valid() {
		return nil, "", zonegis.Errorf(zonegis.ENOTFOUND, "tile %s does not exist", t)
	}
	if body, etag, ok := s.cache.Get(layer, t); ok {
		return body, etag, nil
	}
	gen := s.cache.Gen()
	body = s.r.render(s.ix.Snapshot(), layer, t)
	etag = ETag(body)
	s.cache.Put(layer, t, gen, body, etag)
	return body, etag, nil
}

// TileGzip is Tile with the body gzip-compressed (fastest level), for
// clients that accept it: compressed once per cached tile, not per
// request. The ETag is the uncompressed body's (the tile is the same).
func (s *Service) TileGzip(layer string, t Tile) (gz []byte, etag string, err error) {
	if gz, etag, ok := s.cache.GetGzip(layer, t); ok {
		return gz, etag, nil
	}
	body, etag, err := s.Tile(layer, t)
	if err != nil {
		return nil, "", err
	}
	gz = compress(body)
	s.cache.SetGzip(layer, t, etag, gz)
	return gz, etag, nil
}

// Body is Tile, or TileGzip when gzipped.
func (s *Service) Body(layer string, t Tile, gzipped bool) (body []byte, etag string, err error) {
	if gzipped {
		return s.TileGzip(layer, t)
	}
	return s.Tile(layer, t)
}

var gzipWriters = sync.Pool{New: func() any {
	w, _ := gzip.NewWriterLevel(nil, gzip.BestSpeed) // a valid level: no error
	return w
}}

// compress gzips b with a pooled writer.
func compress(b []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(b)/3 + 64)
	w := gzipWriters.Get().(*gzip.Writer)
	w.Reset(&buf)
	_, _ = w.Write(b) // writes to a bytes.Buffer do not fail
	_ = w.Close()
	gzipWriters.Put(w)
	return buf.Bytes()
}

// ETag returns the strong entity tag of a tile body: 64 bits, the CRC-32
// (IEEE) and then the CRC-32C (Castagnoli) of the body, as 16 hex digits,
// quoted. Tags follow the content, so they survive restarts and agree
// between instances. Both CRCs run on hardware instructions (amd64,
// arm64): about 3 µs for a dense 38 KB tile, where the byte-at-a-time
// FNV-1a the tags were before took 30 µs (BenchmarkETag).
func ETag(body []byte) string {
	var sum [8]byte
	binary.BigEndian.PutUint32(sum[:4], crc32.ChecksumIEEE(body))
	binary.BigEndian.PutUint32(sum[4:], crc32.Checksum(body, crc32.MakeTable(crc32.Castagnoli)))
	var tag [18]byte
	tag[0], tag[17] = '"', '"'
	hex.Encode(tag[1:17], sum[:])
	return string(tag[:])
}

// CacheStats returns the tile cache's counts (hits, misses, evictions,
// what it holds), for the metrics.
func (s *Service) CacheStats() CacheStats { return s.cache.Stats() }

// CacheLen returns the number of cached tiles and their bytes.
func (s *Service) CacheLen() (tiles int, bytes int64) { return s.cache.Len() }

// OnApply invalidates the tiles that changes touch; nil changes (a full
// reload) drop the whole cache. Its signature is that of
// indexsync.Follower.OnApply. It must be called after the index has
// published the changes, once per batch, in order.
//
// For each changed feature both its bound in the snapshot OnApply last saw
// (before) and in the current one (after) are invalidated, so a lot that
// moves clears its old place as well as its new one.
func (s *Service) OnApply(changes []zonegis.Change) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.ix.Snapshot()
	prev := s.prev
	s.prev = cur
	if changes == nil {
		s.cache.InvalidateAll()
		return
	}
	bounds := map[string][]orb.Bound{}
	for _, c := range changes {
		for _, snap := range [2]*index.Snapshot{prev, cur} {
			if b, ok := featureBound(snap, c.Collection, c.ItemID); ok {
				bounds[c.Collection] = append(bounds[c.Collection], b)
			}
		}
	}
	if len(bounds) > 0 {
		s.cache.Invalidate(bounds)
	}
}

// featureBound is the lon/lat bound of a feature in snap, when it has one.
func featureBound(snap *index.Snapshot, collection string, id int64) (orb.Bound, bool) {
	switch collection {
	case zonegis.CollectionZones:
		if z, ok := snap.ZoneEntries().Get(id); ok {
			return z.Geometry().Bound()
		}
	case zonegis.CollectionParcels:
		if p, ok := snap.ParcelEntries().Get(id); ok {
			return p.Geometry().Bound()
		}
	case zonegis.CollectionGreenAreas:
		if g, ok := snap.GreenAreaEntries().Get(id); ok {
			return g.Geometry().Bound()
		}
	}
	return orb.Bound{}, false
}
