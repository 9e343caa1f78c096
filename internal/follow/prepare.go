package follow

import (
	"runtime"
	"sync"

	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

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
			for _, p := range part {
				p.Encoded = encode.GeometryMembers(p.Boundary)
			}
		}()
	}
	wg.Wait()
}
