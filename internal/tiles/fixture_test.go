package tiles

import (
	"fmt"
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Fixture data: a zone near Tân Thuận (Ho Chi Minh City) cut into a
// regular grid of parcels, with a green strip, and a second zone far
// away. Coordinates are lon/lat degrees.

// tanThuan is the south-west corner of the fixture zone.
var tanThuan = orb.Point{106.735, 10.755}

const metresPerDegLat = 111_320.0

// rect is a closed counter-clockwise lon/lat rectangle.
func rect(minLon, minLat, maxLon, maxLat float64) orb.Ring {
	return orb.Ring{{minLon, minLat}, {maxLon, minLat}, {maxLon, maxLat}, {minLon, maxLat}, {minLon, minLat}}
}

// grid returns n×n parcels of side sideM metres (with a 10 m road
// between them) starting at corner, ids from firstID, statuses in turn.
func grid(zoneID, firstID int64, corner orb.Point, n int, sideM float64) []*zonegis.Parcel {
	dLat := sideM / metresPerDegLat
	dLon := dLat / math.Cos(corner[1]*math.Pi/180)
	gapLat := 10 / metresPerDegLat
	gapLon := gapLat / math.Cos(corner[1]*math.Pi/180)
	var out []*zonegis.Parcel
	id := firstID
	for i := range n {
		for j := range n {
			x := corner[0] + float64(i)*(dLon+gapLon)
			y := corner[1] + float64(j)*(dLat+gapLat)
			out = append(out, &zonegis.Parcel{
				ID: id, ZoneID: zoneID, LotCode: fmt.Sprintf("TT-%03d", id),
				LandUse: zonegis.LandUses[int(id)%len(zonegis.LandUses)],
				Status:  zonegis.ParcelStatuses[int(id)%len(zonegis.ParcelStatuses)],
				AreaM2:  sideM * sideM, Boundary: orb.MultiPolygon{{rect(x, y, x+dLon, y+dLat)}}, Version: 1,
			})
			id++
		}
	}
	return out
}

// fixtureIndex is an index over the fixture: zone 1 (Tân Thuận, 10×10
// parcels of 100 m, ids 1..100), green area 1 along its south edge, zone
// 2 in Hà Nội.
func fixtureIndex() *index.Index {
	zone := &zonegis.Zone{
		ID: 1, Code: "KCX-TAN-THUAN", NameVI: "Khu chế xuất Tân Thuận", NameEN: "Tan Thuan Export Processing Zone",
		Kind: zonegis.KindExportProcessingZone, Status: zonegis.ZoneOperating, AreaM2: 1.2e6,
		Boundary: orb.MultiPolygon{{rect(tanThuan[0]-0.001, tanThuan[1]-0.002, tanThuan[0]+0.012, tanThuan[1]+0.011)}}, Version: 1,
	}
	far := &zonegis.Zone{
		ID: 2, Code: "KCN-THANG-LONG", NameVI: "Khu công nghiệp Thăng Long", NameEN: "Thang Long Industrial Park",
		Kind: zonegis.KindIndustrialPark, Status: zonegis.ZoneOperating, AreaM2: 3e6,
		Boundary: orb.MultiPolygon{{rect(105.76, 21.09, 105.79, 21.12)}}, Version: 1,
	}
	green := &zonegis.GreenArea{
		ID: 1, ZoneID: 1, Kind: zonegis.GreenBufferStrip, Name: "Dải cây xanh phía nam", AreaM2: 30000,
		Boundary: orb.MultiPolygon{{rect(tanThuan[0], tanThuan[1]-0.0015, tanThuan[0]+0.01, tanThuan[1]-0.0003)}}, Version: 1,
	}
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{zone, far}, grid(1, 1, tanThuan, 10, 100), []*zonegis.GreenArea{green})
	return ix
}

// denseIndex is a benchmark index: a 300×300 grid of 40 m lots (90,000
// parcels), like a large zone's subdivision, and a few random zones.
func denseIndex(seed uint64) *index.Index {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	var zones []*zonegis.Zone
	for i := range 50 {
		x := 106.55 + r.Float64()*0.3
		y := 10.70 + r.Float64()*0.25
		zones = append(zones, &zonegis.Zone{ID: int64(i + 1), Code: fmt.Sprintf("Z%d", i), Boundary: orb.MultiPolygon{{rect(x, y, x+0.02, y+0.02)}}})
	}
	ix := index.New()
	ix.Load(1, zones, grid(1, 1, tanThuan, 300, 40), nil)
	return ix
}
