package index_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// lot returns a square parcel of side d degrees (0.001° ≈ 110 m) with its
// south-west corner at (lon, lat).
func lot(id int64, lon, lat, d float64) *zonegis.Parcel {
	return &zonegis.Parcel{ID: id, ZoneID: 1, LotCode: fmt.Sprint("A", id), Status: zonegis.ParcelAvailable,
		Boundary: orb.MultiPolygon{{{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}}}}
}

func Example() {
	ix := index.New()
	ix.Load(1, nil, []*zonegis.Parcel{
		lot(1, 106.700, 10.800, 0.001),
		lot(2, 106.702, 10.800, 0.001),
		lot(3, 106.710, 10.800, 0.001),
	}, nil)

	// A reader takes a snapshot and queries it without locks.
	s := ix.Snapshot()
	p := orb.Point{106.7005, 10.8005}
	s.ParcelsAt(p, func(pc *zonegis.Parcel) bool {
		fmt.Println("at:", pc.LotCode)
		return true
	})
	s.NearbyParcels(p, 500, nil, func(pc *zonegis.Parcel, distM float64) bool {
		fmt.Printf("nearby: %s %.0f m\n", pc.LotCode, distM)
		return true
	})

	// The writer leases lot 2 and removes lot 3; the old snapshot is unchanged.
	leased := lot(2, 106.702, 10.800, 0.001)
	leased.Status = zonegis.ParcelLeased
	ix.Apply(index.Batch{Seq: 2, Parcels: []*zonegis.Parcel{leased}, DeletedParcels: []int64{3}})
	_, before, _ := s.Counts()
	_, after, _ := ix.Snapshot().Counts()
	fmt.Println("parcels at seq", s.Seq(), before, "at seq", ix.Snapshot().Seq(), after)
	// Output:
	// at: A1
	// nearby: A1 0 m
	// nearby: A2 164 m
	// parcels at seq 1 3 at seq 2 2
}
