package export_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// benchParcels are n parcels of 5 to 12 vertices from a seeded generator.
func benchParcels(n int) []*zonegis.Parcel {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]*zonegis.Parcel, n)
	for i := range out {
		x, y := 105+r.Float64()*2, 10+r.Float64()*2
		ring := orb.Ring{}
		for k := range 4 + r.IntN(8) {
			ring = append(ring, orb.Point{x + 0.001*float64(k%3), y + 0.001*float64(k/3)})
		}
		ring = append(ring, ring[0])
		out[i] = &zonegis.Parcel{ID: int64(i + 1), ZoneID: 1, LotCode: fmt.Sprintf("L%05d", i), LandUse: "industrial",
			Status: "leased", Synthetic: true, AreaM2: r.Float64() * 1e5, Version: 1, UpdatedAt: time.Now(),
			Boundary: orb.MultiPolygon{{ring}}}
	}
	return out
}

// BenchmarkExport streams 10,000 parcels in each format; the baseline
// builds an orb FeatureCollection and marshals it whole with
// encoding/json, the obvious way, which also holds everything in memory.
func BenchmarkExport(b *testing.B) {
	ps := benchParcels(10_000)
	for _, f := range export.Formats() {
		b.Run(string(f), func(b *testing.B) {
			b.ReportAllocs()
			var f2 export.Feature
			for b.Loop() {
				w, err := export.NewWriter(context.Background(), io.Discard, export.Options{Format: f, Layers: []*export.Layer{export.Parcels}})
				if err != nil {
					b.Fatal(err)
				}
				for _, p := range ps {
					export.ParcelFeature(&f2, p)
					if err := w.Write(&f2); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("baseline-orb-geojson", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			fc := geojson.NewFeatureCollection()
			for _, p := range ps {
				ft := geojson.NewFeature(p.Boundary)
				ft.ID = p.ID
				ft.Properties = geojson.Properties{"zone_id": p.ZoneID, "lot_code": p.LotCode, "land_use": p.LandUse,
					"status": p.Status, "synthetic": p.Synthetic, "area_m2": p.AreaM2, "area_ha": p.AreaM2 / 1e4,
					"version": p.Version, "updated_at": p.UpdatedAt}
				fc.Append(ft)
			}
			if _, err := json.Marshal(fc); err != nil {
				b.Fatal(err)
			}
		}
	})
}
