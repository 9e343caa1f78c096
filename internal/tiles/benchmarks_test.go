package tiles

import (
	"fmt"
	"math"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// denseTile is a z15 tile in the middle of denseIndex's 90,000 lots: about
// 400 parcels of 40 m in one tile.
func denseTile() Tile {
	return At(orb.Point{tanThuan[0] + 0.03, tanThuan[1] + 0.03}, 15)
}

// BenchmarkRenderDenseZ15 renders (no cache) a z15 tile of dense parcels.
func BenchmarkRenderDenseZ15(b *testing.B) {
	ix := denseIndex(1)
	s := New(ix, Options{})
	tl := denseTile()
	body, _, _ := s.Tile(LayerParcels, tl)
	ls, err := mvt.Unmarshal(body)
	if err != nil || len(ls) != 1 {
		b.Fatalf("tile: %v, %d layers", err, len(ls))
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Tile(LayerParcels, tl); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(ls[0].Features)), "features/tile")
	b.ReportMetric(float64(len(body)), "bytes/tile")
}

// BenchmarkRenderDenseZ15Reference is BenchmarkRenderDenseZ15 with the
// renderer this package had before (orb's clip, simplify and
// encoding/mvt; reference_test.go) and the same ETag: the old path.
func BenchmarkRenderDenseZ15Reference(b *testing.B) {
	snap := denseIndex(1).Snapshot()
	ref := newRefRenderer(DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	tl := denseTile()
	b.ReportAllocs()
	for b.Loop() {
		body, err := ref.render(snap, LayerParcels, tl)
		if err != nil {
			b.Fatal(err)
		}
		_ = ETag(body)
	}
}

// BenchmarkRenderDenseZ15All is the same with the three layers, as the
// web map asks for them.
func BenchmarkRenderDenseZ15All(b *testing.B) {
	s := New(denseIndex(1), Options{})
	tl := denseTile()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Tile(LayerAll, tl); err != nil {
			b.Fatal(err)
		}
	}
}

// lotsIndex is the dataset of cmd/zonegisbench (internal/bench): zones
// of n×n cells of 0.001°, each holding a lot drawn as a 12-sided polygon
// (13 vertices) of radius 0.4 cell, the zones in rows of 20 with a gap of
// a fifth of a zone. At z15 a tile holds about 120 lots.
func lotsIndex(zones, n int) (ix *index.Index, tiles []Tile) {
	const cell = 0.001
	side := float64(n) * cell
	var zs []*zonegis.Zone
	var ps []*zonegis.Parcel
	seen := map[Tile]bool{}
	for z := range zones {
		x0, y0 := 105.5+float64(z%20)*side*1.2, 10.0+float64(z/20)*side*1.2
		zs = append(zs, &zonegis.Zone{ID: int64(z + 1), Code: fmt.Sprintf("BENCH-%04d", z), Boundary: orb.MultiPolygon{{rect(x0, y0, x0+side, y0+side)}}})
		for i := range n * n {
			cx, cy := x0+float64(i%n)*cell+cell/2, y0+float64(i/n)*cell+cell/2
			ring := make(orb.Ring, 13)
			for k := range ring {
				a := float64(k%12) * math.Pi / 6
				ring[k] = orb.Point{cx + 0.4*cell*math.Cos(a), cy + 0.4*cell*math.Sin(a)}
			}
			ps = append(ps, &zonegis.Parcel{
				ID: int64(len(ps) + 1), ZoneID: int64(z + 1), LotCode: fmt.Sprintf("L%05d", i),
				LandUse: []string{"industrial", "industrial", "industrial", "logistics", "warehouse"}[i%5],
				Status:  []string{"leased", "leased", "available", "reserved"}[(i*7+z+1)%4],
				AreaM2:  9000 + float64(i%7), Boundary: orb.MultiPolygon{{ring}},
			})
		}
		// The tiles the benchmark asks for: a 5×5 sample over the zone.
		for fx := 0.0; fx < 1; fx += 0.2 {
			for fy := 0.0; fy < 1; fy += 0.2 {
				if t := At(orb.Point{x0 + fx*side, y0 + fy*side}, 15); !seen[t] {
					seen[t] = true
					tiles = append(tiles, t)
				}
			}
		}
	}
	ix = index.New()
	ix.Load(1, zs, ps, nil)
	return ix, tiles
}

// BenchmarkRenderColdZ15 renders, one after the other, the distinct z15
// parcel tiles that cmd/zonegisbench asks for (cold: no cache), over its
// dataset at 40 zones (100,000 lots); ns/op is per tile.
func BenchmarkRenderColdZ15(b *testing.B) {
	ix, tiles := lotsIndex(40, 50)
	s := New(ix, Options{})
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, _, err := s.Tile(LayerParcels, tiles[i%len(tiles)]); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkRenderColdZ15Reference is BenchmarkRenderColdZ15 on the old
// path.
func BenchmarkRenderColdZ15Reference(b *testing.B) {
	ix, tiles := lotsIndex(40, 50)
	snap := ix.Snapshot()
	ref := newRefRenderer(DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		body, err := ref.render(snap, LayerParcels, tiles[i%len(tiles)])
		if err != nil {
			b.Fatal(err)
		}
		_ = ETag(body)
		i++
	}
}

// BenchmarkRenderColdZ15Parallel is BenchmarkRenderColdZ15 from
// GOMAXPROCS goroutines, as concurrent requests render: the encoders come
// from a pool.
func BenchmarkRenderColdZ15Parallel(b *testing.B) {
	ix, tiles := lotsIndex(40, 50)
	s := New(ix, Options{})
	var next atomic.Int64
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, _, err := s.Tile(LayerParcels, tiles[int(next.Add(1))%len(tiles)]); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkETag tags a dense tile's body (38 KB).
func BenchmarkETag(b *testing.B) {
	s := New(denseIndex(1), Options{})
	body, _, _ := s.Tile(LayerParcels, denseTile())
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		ETag(body)
	}
}

// BenchmarkCachedDenseZ15 is a cache hit.
func BenchmarkCachedDenseZ15(b *testing.B) {
	s := New(denseIndex(1), Options{CacheBytes: DefaultCacheBytes})
	tl := denseTile()
	s.Tile(LayerParcels, tl)
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := s.Tile(LayerParcels, tl); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkNaiveDenseZ15 is the baseline to beat: every parcel scanned
// (no spatial index) and orb's stock pipeline (GeoJSON features with all
// of their geometry, ProjectToTile, Clip, Simplify, RemoveEmpty) on the
// ones whose bound meets the tile.
func BenchmarkNaiveDenseZ15(b *testing.B) {
	snap := denseIndex(1).Snapshot()
	tl := denseTile()
	mt := maptile.New(tl.X, tl.Y, maptile.Zoom(tl.Z))
	qb := tl.Bound(DefaultBufferUnits / DefaultExtent)
	b.ReportAllocs()
	for b.Loop() {
		fc := geojson.NewFeatureCollection()
		snap.ParcelEntries().Ascend(0, func(e *index.Entry[zonegis.Parcel]) bool {
			p := e.Record()
			if mp := e.Boundary(nil); mp.Bound().Intersects(qb) {
				f := geojson.NewFeature(mp)
				f.ID = p.ID
				f.Properties = geojson.Properties{"id": p.ID, "lot_code": p.LotCode, "status": p.Status, "land_use": p.LandUse, "area_ha": p.AreaM2 / 1e4, "zone_id": p.ZoneID}
				fc.Append(f)
			}
			return true
		})
		ls := mvt.NewLayers(map[string]*geojson.FeatureCollection{LayerParcels: fc})
		ls.ProjectToTile(mt)
		ls.Clip(orb.Bound{Min: orb.Point{-64, -64}, Max: orb.Point{4160, 4160}})
		ls.RemoveEmpty(1, 1)
		if _, err := mvt.Marshal(ls); err != nil {
			b.Fatal(err)
		}
	}
}

// fullCache is a cache as the map's reads leave it at DefaultCacheBytes:
// 3,000 z15 parcel tiles of 20 KB around Tân Thuận (a block of 60 × 50),
// and the bound of a lot of about a hectare (0.001°) inside it.
func fullCache() (*Cache, orb.Bound) {
	c := NewCache(DefaultCacheBytes)
	at := At(tanThuan, 15)
	body := make([]byte, 20<<10)
	for i := range 3000 {
		c.Put(LayerParcels, Tile{Z: 15, X: at.X + uint32(i%60), Y: at.Y + uint32(i/60)}, c.Gen(), body, "")
	}
	mid := Tile{Z: 15, X: at.X + 30, Y: at.Y + 25}.Bound(0).Center()
	return c, orb.Bound{Min: mid, Max: orb.Point{mid[0] + 0.001, mid[1] + 0.001}}
}

// BenchmarkInvalidateLot is one batch's invalidation of a changed lot
// (its bound before and after) in a full cache, as the follower makes
// for each write; the tiles it drops are put back outside the timing.
func BenchmarkInvalidateLot(b *testing.B) {
	c, lot := fullCache()
	bounds := map[string][]orb.Bound{LayerParcels: {lot, lot}}
	body := make([]byte, 20<<10)
	at := At(lot.Center(), 15)
	b.ReportAllocs()
	for b.Loop() {
		c.Invalidate(bounds)
		b.StopTimer()
		for dx := range uint32(3) {
			for dy := range uint32(3) {
				c.Put(LayerParcels, Tile{Z: 15, X: at.X + dx - 1, Y: at.Y + dy - 1}, c.Gen(), body, "")
			}
		}
		b.StartTimer()
	}
}
