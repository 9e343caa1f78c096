package tiles

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestCacheLRUByBytes(t *testing.T) {
	c := NewCache(3*(30+entryOverhead) + 10)
	body := func(n int) []byte { return make([]byte, n) }
	for i := range 4 {
		if !c.Put(LayerParcels, Tile{Z: 5, X: uint32(i)}, c.Gen(), body(30), fmt.Sprint(i)) {
			t.Fatalf("Put %d refused", i)
		}
		if i == 1 {
			c.Get(LayerParcels, Tile{Z: 5, X: 0}) // 0 is now more recent than 1
		}
	}
	// Four tiles do not fit: the least recently used (1) went.
	if n, b := c.Len(); n != 3 || b != 3*(30+entryOverhead) {
		t.Errorf("Len = %d tiles, %d bytes; want 3, %d", n, b, 3*(30+entryOverhead))
	}
	for i, want := range []bool{true, false, true, true} {
		if _, _, ok := c.Get(LayerParcels, Tile{Z: 5, X: uint32(i)}); ok != want {
			t.Errorf("tile %d cached: %v, want %v", i, ok, want)
		}
	}
	if c.Put(LayerParcels, Tile{Z: 6}, c.Gen(), body(3*(30+entryOverhead)), "") {
		t.Error("a tile larger than the cache was stored")
	}
	if NewCache(0).Put(LayerZones, Tile{}, 0, nil, "") {
		t.Error("a cache of 0 bytes stored a tile")
	}
	c.InvalidateAll()
	if n, b := c.Len(); n != 0 || b != 0 {
		t.Errorf("after InvalidateAll: %d, %d", n, b)
	}
}

func TestCacheInvalidatesTouchedTilesOnly(t *testing.T) {
	c := NewCache(1 << 20)
	here := At(tanThuan, 15)
	east := Tile{Z: 15, X: here.X + 3, Y: here.Y}
	for _, layer := range Layers {
		for _, tl := range []Tile{here, east, At(tanThuan, 10)} {
			c.Put(layer, tl, c.Gen(), []byte("x"), "")
		}
	}
	// A parcel changed inside `here`: its parcels and all tiles go at z15
	// and z10; zones, green areas and the tile to the east stay.
	b := here.Bound(0)
	c.Invalidate(map[string][]orb.Bound{LayerParcels: {orb.Bound{Min: b.Center(), Max: b.Center()}.Pad(1e-5)}})
	for _, layer := range Layers {
		for _, tl := range []Tile{here, east, At(tanThuan, 10)} {
			_, _, ok := c.Get(layer, tl)
			gone := (layer == LayerParcels || layer == LayerAll) && tl != east
			if ok == gone {
				t.Errorf("%s %v cached: %v; want gone=%v", layer, tl, ok, gone)
			}
		}
	}
}

// TestCacheRefusesStaleRender: a tile rendered from a snapshot taken
// before an invalidation that touches it is not stored; one it does not
// touch is.
func TestCacheRefusesStaleRender(t *testing.T) {
	c := NewCache(1 << 20)
	here := At(tanThuan, 15)
	far := At(orb.Point{105.77, 21.1}, 15)
	gen := c.Gen() // a render starts ...
	c.Invalidate(map[string][]orb.Bound{LayerParcels: {here.Bound(0)}})
	if c.Put(LayerParcels, here, gen, []byte("stale"), "") {
		t.Error("stale tile stored")
	}
	if !c.Put(LayerParcels, far, gen, []byte("fine"), "") {
		t.Error("untouched tile refused")
	}
	if !c.Put(LayerParcels, here, c.Gen(), []byte("fresh"), "") {
		t.Error("fresh tile refused")
	}
	gen = c.Gen()
	c.InvalidateAll()
	if c.Put(LayerZones, far, gen, []byte("stale"), "") {
		t.Error("tile rendered before a reload stored")
	}
	// Once its invalidations fall out of the log, an old render is refused.
	gen = c.Gen()
	for range maxLog + 1 {
		c.Invalidate(map[string][]orb.Bound{LayerZones: {far.Bound(0)}})
	}
	if c.Put(LayerParcels, here, gen, []byte("old"), "") {
		t.Error("render older than the invalidation log stored")
	}
}

// TestServiceOnApply moves a parcel and changes another's status through
// the index, as the follower does, and checks that the cached tiles of
// the old and new places are redrawn and the others are kept.
func TestServiceOnApply(t *testing.T) {
	ix := fixtureIndex()
	s := New(ix, Options{CacheBytes: 1 << 20})
	snap := ix.Snapshot()
	p1, _ := snap.ParcelEntries().Get(1)
	p100, _ := snap.ParcelEntries().Get(100)
	from := At(p1.Boundary(nil).Bound().Center(), 17)
	other := At(p100.Boundary(nil).Bound().Center(), 17)
	far := At(orb.Point{105.775, 21.105}, 17) // inside zone 2
	to := Tile{Z: 17, X: far.X + 1, Y: far.Y}
	if from == other {
		t.Fatal("fixture: parcels 1 and 100 share a z17 tile")
	}
	get := func(layer string, tl Tile) (map[string]*idList, string) {
		body, etag, err := s.Tile(layer, tl)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]*idList{}
		for name, l := range decode(t, body) {
			out[name] = &idList{ids(l)}
		}
		return out, etag
	}
	_, fromTag := get(LayerAll, from)
	_, otherTag := get(LayerAll, other)
	get(LayerAll, to)
	get(LayerZones, from)
	if n, _ := s.CacheLen(); n != 4 {
		t.Fatalf("%d tiles cached; want 4", n)
	}

	// Parcel 1 moves next to zone 2; nothing else changes.
	moved := *p1.Record()
	moved.Version++
	moved.Boundary = orb.MultiPolygon{{rect(to.Bound(0).Min[0]+1e-4, to.Bound(0).Min[1]+1e-4, to.Bound(0).Min[0]+5e-4, to.Bound(0).Min[1]+5e-4)}}
	ix.Apply(index.Batch{Seq: 2, Parcels: []*zonegis.Parcel{&moved}})
	s.OnApply([]zonegis.Change{{Seq: 2, Collection: zonegis.CollectionParcels, ItemID: 1, Op: "update"}})

	if n, _ := s.CacheLen(); n != 2 {
		t.Errorf("%d tiles cached after the move; want 2 (zones at the old place, all at parcel 100)", n)
	}
	got, tag := get(LayerAll, from)
	if slices.Contains(got[LayerParcels].ids, 1) || tag == fromTag {
		t.Errorf("old place still shows parcel 1: %v (etag %s, was %s)", got[LayerParcels].ids, tag, fromTag)
	}
	if got, _ := get(LayerAll, to); got[LayerParcels] == nil || !slices.Contains(got[LayerParcels].ids, 1) {
		t.Errorf("new place does not show parcel 1: %v", got)
	}
	if _, tag := get(LayerAll, other); tag != otherTag {
		t.Error("an untouched tile changed")
	}

	// A reload (nil changes) drops everything.
	s.OnApply(nil)
	if n, _ := s.CacheLen(); n != 0 {
		t.Errorf("%d tiles cached after a reload", n)
	}

	// A deletion clears the tiles the feature was on.
	get(LayerParcels, other)
	ix.Apply(index.Batch{Seq: 3, DeletedParcels: []int64{100}})
	s.OnApply([]zonegis.Change{{Seq: 3, Collection: zonegis.CollectionParcels, ItemID: 100, Op: "delete"}})
	if got, _ := get(LayerParcels, other); got[LayerParcels] != nil && slices.Contains(got[LayerParcels].ids, 100) {
		t.Error("deleted parcel still drawn")
	}
}

type idList struct{ ids []int64 }

// TestServiceConcurrent renders tiles from many goroutines while changes
// are applied (run with -race): every answer is a valid tile, and once the
// writer stops, cached tiles equal fresh renders.
func TestServiceConcurrent(t *testing.T) {
	ix := fixtureIndex()
	s := New(ix, Options{CacheBytes: 1 << 20})
	fresh := New(ix, Options{})
	snap := ix.Snapshot()
	var tl []Tile
	snap.ParcelEntries().Ascend(0, func(p *index.Entry[zonegis.Parcel]) bool {
		tl = append(tl, At(p.Boundary(nil).Bound().Center(), 17))
		return true
	})
	done := make(chan struct{})
	errs := make(chan error, 4)
	for w := range 4 {
		go func() {
			for i := 0; ; i++ {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				body, _, err := s.Tile(Layers[(i+w)%len(Layers)], tl[(i*7+w)%len(tl)])
				if err == nil {
					_, err = mvtDecode(body)
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	for seq := int64(2); seq < 60; seq++ {
		id := 1 + seq%100
		p, _ := ix.Snapshot().Parcel(id)
		q := *p
		q.Version++
		q.Status = zonegis.ParcelStatuses[int(seq)%3]
		ix.Apply(index.Batch{Seq: seq, Parcels: []*zonegis.Parcel{&q}})
		s.OnApply([]zonegis.Change{{Seq: seq, Collection: zonegis.CollectionParcels, ItemID: id, Op: "update"}})
	}
	close(done)
	for range 4 {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for _, layer := range Layers {
		for _, x := range tl {
			_, got, _ := s.Tile(layer, x)
			_, want, _ := fresh.Tile(layer, x)
			if got != want {
				t.Fatalf("%s %v: cached tile differs from a fresh render", layer, x)
			}
		}
	}
}

func mvtDecode(body []byte) (int, error) {
	ls, err := mvt.Unmarshal(body)
	return len(ls), err
}

// TestCacheStats counts one hit or miss per lookup, evictions only when
// the cache makes room (not invalidations), and the bytes it holds.
func TestCacheStats(t *testing.T) {
	c := NewCache(2*(30+entryOverhead) + 10)
	body := make([]byte, 30)
	for i := range 3 { // the third evicts the first
		c.Put(LayerParcels, Tile{Z: 5, X: uint32(i)}, c.Gen(), body, fmt.Sprint(i))
	}
	c.Get(LayerParcels, Tile{Z: 5, X: 0})     // evicted: a miss
	c.Get(LayerParcels, Tile{Z: 5, X: 2})     // a hit
	c.GetGzip(LayerParcels, Tile{Z: 5, X: 2}) // no gzip body: counts nothing (Get does)
	c.SetGzip(LayerParcels, Tile{Z: 5, X: 2}, "2", []byte("gz"))
	c.GetGzip(LayerParcels, Tile{Z: 5, X: 2}) // a hit
	want := CacheStats{Tiles: 2, Bytes: 2*(30+entryOverhead) + 2, Hits: 2, Misses: 1, Evictions: 1}
	if got := c.Stats(); got != want {
		t.Errorf("Stats = %+v, want %+v", got, want)
	}
	c.InvalidateAll()
	if got := c.Stats(); got.Tiles != 0 || got.Bytes != 0 || got.Evictions != 1 {
		t.Errorf("after InvalidateAll: %+v, want no tiles and still 1 eviction", got)
	}
}

// TestCacheInvalidateMatchesWalk: Invalidate drops exactly the cached
// tiles a test of every cached tile against every bound (the walk it
// replaced) drops, for tiles of every layer at every zoom and bounds that
// are points, lots, zones, straddle tile edges, cross the Web Mercator
// limit or the antimeridian, or cover the world.
func TestCacheInvalidateMatchesWalk(t *testing.T) {
	rng := rand.New(rand.NewPCG(17, 3))
	around := func(p orb.Point, z uint32, spread int) Tile {
		at := At(p, z)
		n := int64(1) << z
		x := min(max(int64(at.X)+int64(rng.IntN(2*spread+1)-spread), 0), n-1)
		y := min(max(int64(at.Y)+int64(rng.IntN(2*spread+1)-spread), 0), n-1)
		return Tile{Z: z, X: uint32(x), Y: uint32(y)}
	}
	places := []orb.Point{tanThuan, {105.77, 21.1}, {179.9999, 85.2}, {-180, -85.06}, {0, 0}}
	for round := range 40 {
		c := NewCache(1 << 30)
		var cached []key
		for range 600 {
			layer := Layers[rng.IntN(len(Layers))]
			tl := around(places[rng.IntN(len(places))], uint32(rng.IntN(MaxZoom+1)), 3)
			if c.Put(layer, tl, c.Gen(), []byte("x"), "") {
				cached = append(cached, key{layer, tl})
			}
		}
		bounds := map[string][]orb.Bound{}
		for range 1 + rng.IntN(4) {
			p := places[rng.IntN(len(places))]
			z := uint32(rng.IntN(MaxZoom + 1))
			var b orb.Bound
			switch rng.IntN(5) {
			case 0: // a point on a tile's corner
				b = around(p, z, 2).Bound(0)
				b = orb.Bound{Min: b.Min, Max: b.Min}
			case 1: // a lot of about a hectare
				q := around(p, 18, 4).Bound(0).Center()
				b = orb.Bound{Min: q, Max: orb.Point{q[0] + 0.001, q[1] + 0.001}}
			case 2: // just inside a tile's buffer, or just outside
				tb := around(p, z, 2).Bound(0)
				w := (tb.Max[0] - tb.Min[0]) * (invalidationBuffer + 0.002*float64(rng.IntN(3)-1))
				b = orb.Bound{Min: orb.Point{tb.Max[0] + w, tb.Min[1]}, Max: orb.Point{tb.Max[0] + w, tb.Max[1]}}
			case 3: // a zone, up to 0.1°, perhaps past the world's edges
				q := orb.Point{p[0] + rng.Float64()*0.2 - 0.1, p[1] + rng.Float64()*0.2 - 0.1}
				b = orb.Bound{Min: q, Max: orb.Point{q[0] + rng.Float64()*0.1, q[1] + rng.Float64()*0.1}}
			default:
				b = orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
			}
			layer := Layers[rng.IntN(len(Layers))]
			bounds[layer] = append(bounds[layer], b)
		}
		inv := invalidation{bounds: bounds}
		c.Invalidate(bounds)
		for _, k := range cached {
			_, _, ok := c.Get(k.layer, k.t)
			if gone := inv.touches(k.layer, k.t.Bound(invalidationBuffer)); ok == gone {
				t.Fatalf("round %d: %s %v cached %v after Invalidate(%v), want gone=%v", round, k.layer, k.t, ok, bounds, gone)
			}
		}
	}
}

// TestCacheInvalidateLooksNearTheChange: invalidating a changed lot in a
// full cache (3,000 z15 tiles) looks at the few tiles around the lot, not
// at every cached tile, and keeps the rest; at a zoom with only a few
// cached tiles it tests those rather than a large range.
func TestCacheInvalidateLooksNearTheChange(t *testing.T) {
	c, lot := fullCache()
	c.Invalidate(map[string][]orb.Bound{LayerParcels: {lot, lot}})
	if c.probes > 2*16 {
		t.Errorf("Invalidate of a lot looked at %d tiles of 3,000; want at most 32 (4 × 4 around each bound)", c.probes)
	}
	n, _ := c.Len()
	if n < 3000-4 || n == 3000 {
		t.Errorf("%d tiles cached after a lot changed, want 3,000 less the 1 to 4 it touches", n)
	}
	c.probes = 0
	c.Put(LayerParcels, At(tanThuan, 22), c.Gen(), []byte("x"), "")
	zone := orb.Bound{Min: tanThuan, Max: orb.Point{tanThuan[0] + 0.05, tanThuan[1] + 0.05}}
	c.Invalidate(map[string][]orb.Bound{LayerZones: {zone}, LayerParcels: {orb.Bound{Min: lot.Min, Max: lot.Min}}})
	if c.probes > 16+1 {
		t.Errorf("Invalidate looked at %d tiles; want at most 17 (16 around the point at z15, the one z22 tile)", c.probes)
	}
}
