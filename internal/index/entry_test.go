package index

import (
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestEntriesKeepEveryRecord: Load copies records into slabs of entries.
// Every record must come out equal to what went in, in the same slice
// position, without its Boundary (nil: the geometry is the entry's), with
// its geometry's GeoJSON the bytes of encoding the given one, decoded
// within half a nanodegree of it, and with rings that cannot grow into a
// neighbour's.
func TestEntriesKeepEveryRecord(t *testing.T) {
	for _, n := range []int{1, 100, 3*chunkSize + 17} {
		t.Run(fmt.Sprint(n), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(uint64(n), 1))
			when := time.Date(2026, 11, 23, 8, 0, 0, 0, time.UTC)
			in := make([]*zonegis.Parcel, n)
			want := make([]zonegis.Parcel, n)
			for i := range in {
				x, y := 106+rng.Float64(), 10+rng.Float64()
				ring := orb.Ring{{x, y}, {x + 0.001, y}, {x + 0.001, y + 0.001}, {x, y + 0.001}, {x, y}}
				var mp orb.MultiPolygon
				switch i % 3 {
				case 0: // one ring: re-homed with the entry's headers
					mp = orb.MultiPolygon{{ring}}
				case 1: // a hole
					hole := orb.Ring{{x + 0.0002, y + 0.0002}, {x + 0.0002, y + 0.0004}, {x + 0.0004, y + 0.0004}, {x + 0.0002, y + 0.0002}}
					mp = orb.MultiPolygon{{ring, hole}}
				case 2: // two polygons
					far := orb.Ring{{x + 0.01, y}, {x + 0.011, y}, {x + 0.011, y + 0.001}, {x + 0.01, y}}
					mp = orb.MultiPolygon{{ring}, {far}}
				}
				in[i] = &zonegis.Parcel{ID: int64(i + 1), ZoneID: int64(i%7 + 1), LotCode: fmt.Sprintf("L%03d", i%50),
					LandUse: "industrial", Status: "available", AreaM2: rng.Float64() * 1e4, Boundary: mp, Version: 1, UpdatedAt: when}
				want[i] = *in[i]
				want[i].Boundary = clone(mp)
			}
			given := append([]*zonegis.Parcel(nil), in...)
			ix := New()
			ix.Load(1, nil, in, nil)
			s := ix.Snapshot()
			for i, p := range in {
				e, ok := s.ParcelEntries().Get(int64(i + 1))
				if !ok || p != e.Record() || p == given[i] {
					t.Fatalf("position %d holds %p, not the index's copy %p of parcel %d", i, p, e.Record(), i+1)
				}
				if p.Boundary != nil {
					t.Fatalf("parcel %d: the index's record has a Boundary of its own", p.ID)
				}
				full := e.WithBoundary()
				rec := want[i]
				rec.Boundary = full.Boundary
				if !reflect.DeepEqual(*full, rec) || !reflect.DeepEqual(*p, func() zonegis.Parcel { r := want[i]; r.Boundary = nil; return r }()) {
					t.Fatalf("parcel %d: %+v, want %+v", p.ID, *p, want[i])
				}
				if got, w := string(encode.AppendFixedMembers(nil, e.Geometry())), string(encode.GeometryMembers(want[i].Boundary)); got != w {
					t.Fatalf("parcel %d: encoded %s, want %s", p.ID, got, w)
				}
				if !near(full.Boundary, want[i].Boundary, 0.5e-9) {
					t.Fatalf("parcel %d: decoded %v, want %v", p.ID, full.Boundary, want[i].Boundary)
				}
				for _, poly := range e.Boundary(nil) {
					for _, r := range poly {
						if cap(r) != len(r) {
							t.Fatalf("parcel %d: ring has room to grow into its neighbour", p.ID)
						}
					}
				}
			}
		})
	}
}

// TestEntryCacheFollowsUpdates: a zone's and a parcel's encodings from
// their entries are those of the records given, after Load and after an
// Apply that replaces them; the old snapshot keeps the old.
func TestEntryCacheFollowsUpdates(t *testing.T) {
	z := &zonegis.Zone{ID: 1, Code: "KCN-A", NameVI: "Khu A", Sectors: []string{}, Boundary: square(106.7, 10.8, 0.01), Version: 1}
	p := &zonegis.Parcel{ID: 2, ZoneID: 1, LotCode: "L1", Boundary: square(106.701, 10.801, 0.001), Version: 1}
	ix := New()
	ix.Load(1, []*zonegis.Zone{z}, []*zonegis.Parcel{p}, nil)
	s1 := ix.Snapshot()
	z2, p2 := *z, *p
	z2.NameVI, z2.Version = "Khu A đổi tên", 2
	p2.Boundary, p2.Version = square(106.705, 10.805, 0.002), 2
	ix.Apply(Batch{Seq: 2, Zones: []*zonegis.Zone{&z2}, Parcels: []*zonegis.Parcel{&p2}})
	s2 := ix.Snapshot()
	for _, c := range []struct {
		s    *Snapshot
		z    *zonegis.Zone
		p    *zonegis.Parcel
		name string
	}{{s1, z, p, "before"}, {s2, &z2, &p2, "after"}} {
		ze, _ := c.s.ZoneEntries().Get(1)
		pe, _ := c.s.ParcelEntries().Get(2)
		if got, w := string(encode.ZoneCached(nil, ze.Record(), ze.Geometry(), nil)), string(encode.Zone(nil, c.z)); got != w {
			t.Errorf("%s: zone\n got %s\nwant %s", c.name, got, w)
		}
		if got, w := string(encode.ParcelCached(nil, pe.Record(), pe.Geometry(), nil)), string(encode.Parcel(nil, c.p)); got != w {
			t.Errorf("%s: parcel\n got %s\nwant %s", c.name, got, w)
		}
		if ze.Geometry().Empty() || pe.Geometry().Empty() {
			t.Errorf("%s: no geometry", c.name)
		}
	}
}

func clone(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, r := range poly {
			out[i][j] = append(orb.Ring(nil), r...)
		}
	}
	return out
}

// near reports whether a and b have the same shape with each coordinate
// within tol degrees.
func near(a, b orb.MultiPolygon, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k, p := range a[i][j] {
				q := b[i][j][k]
				if math.Abs(p[0]-q[0]) > tol || math.Abs(p[1]-q[1]) > tol {
					return false
				}
			}
		}
	}
	return true
}
