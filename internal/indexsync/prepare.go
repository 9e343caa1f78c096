package indexsync

import (
	"runtime"
	"sync"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
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
	workers := runtime.GOMAXPROCS(0)
	if len(parcels) < 2*chunkSize {
		workers = 1
	}
	// Whole chunks per worker, so that every slab but the last is full.
	// Each chunk replaces its records in the slice as it goes, so that on a
	// bulk load the records read from the database become garbage chunk by
	// chunk rather than all at the end (see memlimit.Tuner.Loading).
	var wg sync.WaitGroup
	step := (len(parcels)/chunkSize + workers) / workers * chunkSize
	for w := range workers {
		part := parcels[min(w*step, len(parcels)):min((w+1)*step, len(parcels))]
		wg.Add(1)
		go func() {
			defer wg.Done()
			prepareParcels(part, map[string]string{})
		}()
	}
	wg.Wait()
}
