package follow

import (
	"cmp"
	"math"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Parcels are re-homed in slabs: chunkSize records at a time share one
// array of Parcel values (each followed by its geometry's slice headers), one
// of points and one of encoded geometry, instead of four allocations each.
// The garbage collector visits every object of the heap on each cycle, and with a
// million parcels the index is most of the heap: four million small
// objects cost it far more than a few thousand large ones. A slab lives
// while any of its records is in the index; records replaced by later
// writes are allocated singly, and a full reload starts afresh.
const chunkSize = 4096

// ringHeaders are the slice headers of a one-polygon, one-ring boundary.
type ringHeaders struct {
	mp   [1]orb.Polygon
	poly [1]orb.Ring
}

// prepareParcels copies parcels (in place in the slice) into slabs, with
// their Encoded cache filled and equal lot codes sharing one string.
func prepareParcels(parcels []*zonegis.Parcel, lots map[string]string) {
	for len(parcels) > 0 {
		chunk := parcels[:min(chunkSize, len(parcels))]
		parcels = parcels[len(chunk):]
		points, estimate := 0, 0
		for _, p := range chunk {
			for _, poly := range p.Boundary {
				for _, r := range poly {
					points += len(r)
				}
			}
			estimate += encode.GeometryMembersSize(p.Boundary)
		}
		// A one-ring parcel's slice headers sit right after it, usually in
		// the same cache line as its last fields: reading its geometry then
		// costs one cache miss (the points) after the record's, not two.
		records := make([]struct {
			zonegis.Parcel
			h ringHeaders
		}, len(chunk))
		pts := make([]orb.Point, 0, points)
		// Encoded members go into one buffer, cut up once it is complete
		// (it may grow while encoding if the estimate was short).
		enc := make([]byte, 0, estimate)
		ends := make([]int, len(chunk))
		for i, p := range chunk {
			enc = encode.AppendGeometryMembers(enc, p.Boundary)
			ends[i] = len(enc)
		}
		start := 0
		for i, p := range chunk {
			r := &records[i].Parcel
			*r = *p
			r.Encoded = enc[start:ends[i]:ends[i]]
			start = ends[i]
			if v, ok := lots[r.LotCode]; ok {
				r.LotCode = v
			} else {
				lots[r.LotCode] = r.LotCode
			}
			if len(r.Boundary) == 1 && len(r.Boundary[0]) == 1 {
				ring := r.Boundary[0][0]
				at := len(pts)
				pts = append(pts, ring...)
				h := &records[i].h
				h.poly[0] = pts[at:len(pts):len(pts)]
				h.mp[0] = h.poly[:]
				r.Boundary = h.mp[:]
			}
			chunk[i] = r
		}
	}
}

// prepare fills each record's Encoded cache (its GeoJSON geometry), spread
// over the CPUs, before the records are published to readers: after that
// they are never written again. Parcels are also re-homed in slabs (see
// prepareParcels).
func prepare(zones []*zonegis.Zone, parcels []*zonegis.Parcel, greens []*zonegis.GreenArea) {
	for _, z := range zones {
		z.Encoded = encode.GeometryMembers(z.Boundary)
		z.EncodedProperties = encode.ZoneProperties(nil, z)
	}
	for _, g := range greens {
		g.Encoded = encode.GeometryMembers(g.Boundary)
	}
	if len(parcels) < 2*chunkSize {
		prepareParcels(parcels, map[string]string{})
		return
	}
	// Bulk loads fill the slabs in Hilbert order of the parcels' centres,
	// so that parcels near each other on the map are near each other in
	// memory: a bbox page then reads a few runs of memory, not one per
	// parcel. The slice itself keeps its order.
	order, ordered := hilbertOrder(parcels)
	workers := runtime.GOMAXPROCS(0)
	var wg sync.WaitGroup
	// Whole chunks per worker, so that every slab but the last is full.
	step := (len(ordered)/chunkSize + workers) / workers * chunkSize
	for w := range workers {
		part := ordered[min(w*step, len(ordered)):min((w+1)*step, len(ordered))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			prepareParcels(part, map[string]string{})
		}()
	}
	wg.Wait()
	for i, p := range ordered {
		parcels[order[i]] = p
	}
}

// hilbertOrder returns the parcels sorted by the Hilbert position of their
// bound's centre, and for each its position in parcels.
func hilbertOrder(parcels []*zonegis.Parcel) (order []int, ordered []*zonegis.Parcel) {
	ext := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	centres := make([]orb.Point, len(parcels))
	for i, p := range parcels {
		b := p.Boundary.Bound()
		centres[i] = b.Center()
		if !math.IsNaN(centres[i][0]) && !math.IsNaN(centres[i][1]) {
			ext = ext.Union(b)
		}
	}
	type key struct {
		h uint64
		i int
	}
	keys := make([]key, len(parcels))
	for i, c := range centres {
		keys[i] = key{index.Hilbert(ext, c), i}
	}
	slices.SortFunc(keys, func(a, b key) int { return cmp.Or(cmp.Compare(a.h, b.h), cmp.Compare(a.i, b.i)) })
	order = make([]int, len(keys))
	ordered = make([]*zonegis.Parcel, len(keys))
	for j, k := range keys {
		order[j], ordered[j] = k.i, parcels[k.i]
	}
	return order, ordered
}
