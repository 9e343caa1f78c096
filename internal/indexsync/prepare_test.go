package indexsync

import (
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// prepare re-homes parcels in slabs: every record must come out equal to
// what went in (plus its Encoded cache), in the same slice position, with
// rings that cannot grow into a neighbour's points.
func TestPrepareKeepsEveryParcel(t *testing.T) {
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
				case 0: // one ring: re-homed with shared headers
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
			prepare(nil, in, nil)
			for i, p := range in {
				if p.ID != int64(i+1) {
					t.Fatalf("position %d holds parcel %d", i, p.ID)
				}
				if !reflect.DeepEqual(p.Boundary, want[i].Boundary) {
					t.Fatalf("parcel %d: boundary %v, want %v", p.ID, p.Boundary, want[i].Boundary)
				}
				if got, w := string(p.Encoded), string(encode.GeometryMembers(want[i].Boundary)); got != w {
					t.Fatalf("parcel %d: Encoded %s, want %s", p.ID, got, w)
				}
				if cap(p.Encoded) != len(p.Encoded) {
					t.Fatalf("parcel %d: Encoded has room to grow into its neighbour", p.ID)
				}
				for _, poly := range p.Boundary {
					for _, r := range poly {
						if cap(r) != len(r) {
							t.Fatalf("parcel %d: ring has room to grow into its neighbour", p.ID)
						}
					}
				}
				got := *p
				got.Boundary, got.Encoded = want[i].Boundary, nil
				if !reflect.DeepEqual(got, want[i]) {
					t.Fatalf("parcel %d: %+v, want %+v", p.ID, got, want[i])
				}
			}
		})
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
