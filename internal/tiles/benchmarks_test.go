package tiles

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

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
		snap.AscendParcels(0, func(p *zonegis.Parcel) bool {
			if p.Boundary.Bound().Intersects(qb) {
				f := geojson.NewFeature(orb.Clone(p.Boundary))
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
