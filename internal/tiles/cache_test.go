package tiles

import (
	"fmt"
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
