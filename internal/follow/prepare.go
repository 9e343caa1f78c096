package follow

import (
	"runtime"
	"sync"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// compact makes a parcel cheaper for the garbage collector, which has to
// visit every object of the index on each cycle: lot codes repeat across
// zones ("L0001"), so equal ones share one string, and the common
// one-polygon, one-ring boundary keeps its two slice headers in one
// allocation instead of two.
func compact(p *zonegis.Parcel, lots map[string]string) {
	if v, ok := lots[p.LotCode]; ok {
		p.LotCode = v
	} else {
		lots[p.LotCode] = p.LotCode
	}
	if len(p.Boundary) == 1 && len(p.Boundary[0]) == 1 {
		o := &struct {
			mp   [1]orb.Polygon
			poly [1]orb.Ring
		}{}
		o.poly[0] = p.Boundary[0][0]
		o.mp[0] = o.poly[:]
		p.Boundary = o.mp[:]
	}
}

// prepare fills each record's Encoded cache (its GeoJSON geometry), spread
// over the CPUs, before the records are published to readers: after that
// they are never written again.
func prepare(zones []*zonegis.Zone, parcels []*zonegis.Parcel, greens []*zonegis.GreenArea) {
	for _, z := range zones {
		z.Encoded = encode.GeometryMembers(z.Boundary)
	}
	for _, g := range greens {
		g.Encoded = encode.GeometryMembers(g.Boundary)
	}
	workers := runtime.GOMAXPROCS(0)
	if len(parcels) < 1000 {
		workers = 1
	}
	var wg sync.WaitGroup
	step := (len(parcels) + workers - 1) / workers
	for w := range workers {
		part := parcels[min(w*step, len(parcels)):min((w+1)*step, len(parcels))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			lots := map[string]string{}
			for _, p := range part {
				p.Encoded = encode.GeometryMembers(p.Boundary)
				compact(p, lots)
			}
		}()
	}
	wg.Wait()
}
