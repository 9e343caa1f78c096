package encode_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// parcels makes n seeded 13-vertex parcels near Hồ Chí Minh City.
func parcels(n int) []*zonegis.Parcel {
	rng := rand.New(rand.NewPCG(7, 7))
	out := make([]*zonegis.Parcel, n)
	for i := range out {
		cx, cy := 106.6+rng.Float64()*0.4, 10.7+rng.Float64()*0.4
		ring := make(orb.Ring, 13)
		for k := range 12 {
			a := float64(k) * 2 * math.Pi / 12
			ring[k] = orb.Point{cx + 0.0008*math.Cos(a), cy + 0.0008*math.Sin(a)}
		}
		ring[12] = ring[0]
		out[i] = &zonegis.Parcel{ID: int64(i + 1), ZoneID: 1, LotCode: "L0001", LandUse: "industrial", Status: "available",
			AreaM2: 20000, Boundary: orb.MultiPolygon{{ring}}, Version: 1, UpdatedAt: time.Unix(1700000000, 0)}
	}
	return out
}

// BenchmarkParcel encodes 64 parcels (a typical bbox page) by appending.
func BenchmarkParcel(b *testing.B) {
	ps := parcels(64)
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, p := range ps {
			buf = encode.Parcel(buf, p)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkParcelOrbGeoJSON is the baseline: orb's geojson.Feature through
// encoding/json, with the same properties.
func BenchmarkParcelOrbGeoJSON(b *testing.B) {
	ps := parcels(64)
	b.ReportAllocs()
	var n int
	for b.Loop() {
		n = 0
		for _, p := range ps {
			f := geojson.NewFeature(p.Boundary)
			f.ID = p.ID
			f.Properties = geojson.Properties{"zone_id": p.ZoneID, "lot_code": p.LotCode, "land_use": p.LandUse,
				"status": p.Status, "synthetic": p.Synthetic, "area_m2": p.AreaM2, "area_ha": p.AreaM2 / 1e4,
				"version": p.Version, "updated_at": p.UpdatedAt}
			out, err := json.Marshal(f)
			if err != nil {
				b.Fatal(err)
			}
			n += len(out)
		}
	}
	b.SetBytes(int64(n))
}

// BenchmarkFixedMembers writes the geometry members of 64 parcels (a bbox
// page) from their fixed-point geometries, as the items pages do
// (index.Entry); BenchmarkCopyMembers is what copying a cache of those
// bytes cost, the floor an on-the-fly encoding is measured against.
func BenchmarkFixedMembers(b *testing.B) {
	ps := parcels(64)
	gs := make([]fixedgeom.Geometry, len(ps))
	for i, p := range ps {
		gs[i] = fixedgeom.From(p.Boundary, nil)
	}
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for i := range gs {
			buf = encode.AppendFixedMembers(buf, &gs[i])
		}
	}
	b.SetBytes(int64(len(buf)))
}

func BenchmarkCopyMembers(b *testing.B) {
	ps := parcels(64)
	cached := make([][]byte, len(ps))
	for i, p := range ps {
		cached[i] = encode.GeometryMembers(p.Boundary)
	}
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, c := range cached {
			buf = append(buf, c...)
		}
	}
	b.SetBytes(int64(len(buf)))
}

// BenchmarkParcelProperties writes the properties of 64 parcels (a bbox
// page's, written on every request beside their geometry), with
// the values the store gives: areas in m² with decimals, update times
// with microseconds.
func BenchmarkParcelProperties(b *testing.B) {
	ps := parcels(64)
	for i, p := range ps {
		p.AreaM2 = 9000 + float64(i)*37.123456
		p.UpdatedAt = time.Unix(1700000000+int64(i)*3631, int64(i)*123457000)
		p.LotCode = "L" + string(rune('A'+i%26)) + "-0042"
	}
	buf := make([]byte, 0, 64<<10)
	b.ReportAllocs()
	for b.Loop() {
		buf = buf[:0]
		for _, p := range ps {
			buf = encode.ParcelProperties(buf, p)
		}
	}
	b.SetBytes(int64(len(buf)))
}
