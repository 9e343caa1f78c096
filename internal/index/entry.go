package index

import (
	"runtime"
	"sync"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Entry is one record as a snapshot holds it: the index's own copy of the
// domain value, never modified once published, and the record's GeoJSON,
// encoded once when it entered the index, for package encode to reuse
// (encode.ParcelCached and the others) instead of formatting every
// coordinate on every response. The cache lives here, beside what it
// caches: the domain types hold land-record data only, and a record that
// changes enters the index as a new Entry, so its cache cannot go stale.
type Entry[T any] struct {
	rec T
	// enc is the Feature's "bbox" and "geometry" members
	// (encode.GeometryMembers). A zone's properties object
	// (encode.ZoneProperties) follows them in enc's spare capacity; for the
	// other kinds cap(enc) == len(enc), so that nothing can grow into a
	// neighbour's bytes.
	enc []byte
	// h holds the slice headers of a one-polygon, one-ring boundary: they
	// sit right after the record, usually in the cache line of its last
	// fields, so that reading its geometry costs one cache miss (the
	// points) after the record's, not two.
	h ringHeaders
}

// ringHeaders are the slice headers of a one-polygon, one-ring boundary.
type ringHeaders struct {
	mp   [1]orb.Polygon
	poly [1]orb.Ring
}

// Record returns the record. It must not be modified.
func (e *Entry[T]) Record() *T { return recOf(e) }

// recOf returns &e.rec without reading e. Taking the address of a field
// makes Go check e for nil by loading from it, which for a search's hits
// decided by their bound alone (never read) would be one cache miss each;
// the explicit test spares that load.
func recOf[T any](e *Entry[T]) *T {
	if e == nil {
		return nil
	}
	return &e.rec
}

// Geometry returns the record's cached `,"bbox":[…],"geometry":{…}`
// members (encode.GeometryMembers of its Boundary). It must not be modified.
func (e *Entry[T]) Geometry() []byte { return e.enc }

// Properties returns a zone's cached properties object
// (encode.ZoneProperties); nil for parcels and green areas, whose
// properties are encoded on each response. It must not be modified.
func (e *Entry[T]) Properties() []byte {
	if cap(e.enc) == len(e.enc) {
		return nil
	}
	return e.enc[len(e.enc):cap(e.enc)]
}

// Records are copied into slabs: chunkSize records at a time share one
// array of entries, one of points and one of encoded bytes, instead of
// four allocations each. The garbage collector visits every object of the
// heap on each cycle, and with a million parcels the index is most of the
// heap: four million small objects cost it far more than a few thousand
// large ones. A slab lives while any of its entries is in the index; the
// records of one Apply share a slab of their own, and a Load starts afresh.
const chunkSize = 4096

// makeEntries copies items into slabs of entries with their encodings,
// spread over the CPUs when there are many. Nil items give nil entries.
// It replaces each of items with the entry's record when replace is set:
// on a bulk load the records given then become garbage chunk by chunk
// rather than all at the end (see memlimit.Tuner.Loading).
func makeEntries[T any, F feature[T]](items []*T, replace bool) []*Entry[T] {
	out := make([]*Entry[T], len(items))
	if len(items) < 2*chunkSize {
		fillEntries[T, F](items, out, replace, map[string]string{})
		return out
	}
	workers := runtime.GOMAXPROCS(0)
	// Whole chunks per worker, so that every slab but the last is full.
	step := (len(items)/chunkSize + workers) / workers * chunkSize
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := min(w*step, len(items)), min((w+1)*step, len(items))
		wg.Add(1)
		go func() {
			defer wg.Done()
			fillEntries[T, F](items[lo:hi], out[lo:hi], replace, map[string]string{})
		}()
	}
	wg.Wait()
	return out
}

// fillEntries makes the entries of items, chunk by chunk, into out; equal
// strings that F interns (lot codes) share one copy through strs.
func fillEntries[T any, F feature[T]](items []*T, out []*Entry[T], replace bool, strs map[string]string) {
	var f F
	// Each chunk is encoded into scratch, kept from chunk to chunk, then
	// copied into a slab of exactly its size: the size of an encoding is
	// only known once written, and growing a slab by append while encoding
	// copied it about twice and left up to half of it unused.
	var scratch []byte
	for len(items) > 0 {
		chunk := items[:min(chunkSize, len(items))]
		items = items[len(chunk):]
		dst := out[:len(chunk)]
		out = out[len(chunk):]
		points, estimate := 0, 0
		for _, v := range chunk {
			if v == nil {
				continue
			}
			for _, poly := range f.boundary(v) {
				for _, r := range poly {
					points += len(r)
				}
			}
			estimate += f.encodedSize(v)
		}
		entries := make([]Entry[T], len(chunk))
		pts := make([]orb.Point, 0, points)
		if cap(scratch) < estimate {
			scratch = make([]byte, 0, estimate+estimate/4)
		}
		enc := scratch[:0]
		ends := make([][2]int, len(chunk)) // end of the geometry, end of the entry's bytes
		for i, v := range chunk {
			if v == nil {
				continue
			}
			var geom int
			enc, geom = f.encode(enc, v)
			ends[i] = [2]int{geom, len(enc)}
		}
		scratch = enc
		enc = append([]byte(nil), enc...) // the slab, exactly sized
		start := 0
		for i, v := range chunk {
			if v == nil {
				continue
			}
			e := &entries[i]
			e.rec = *v
			e.enc = enc[start:ends[i][0]:ends[i][1]]
			start = ends[i][1]
			f.intern(&e.rec, strs)
			if mp := f.boundary(&e.rec); len(mp) == 1 && len(mp[0]) == 1 {
				ring := mp[0][0]
				at := len(pts)
				pts = append(pts, ring...)
				e.h.poly[0] = pts[at:len(pts):len(pts)]
				e.h.mp[0] = e.h.poly[:]
				f.setBoundary(&e.rec, e.h.mp[:])
			}
			dst[i] = e
			if replace {
				chunk[i] = &e.rec
			}
		}
	}
}

// What each kind caches, and how it is re-homed.

func (zoneFeature) encodedSize(z *zonegis.Zone) int {
	return encode.GeometryMembersSize(z.Boundary) + 512
}
func (zoneFeature) encode(b []byte, z *zonegis.Zone) ([]byte, int) {
	b = encode.AppendGeometryMembers(b, z.Boundary)
	geom := len(b)
	return encode.ZoneProperties(b, z), geom
}
func (zoneFeature) setBoundary(z *zonegis.Zone, mp orb.MultiPolygon) { z.Boundary = mp }
func (zoneFeature) intern(*zonegis.Zone, map[string]string)          {}

func (parcelFeature) encodedSize(p *zonegis.Parcel) int {
	return encode.GeometryMembersSize(p.Boundary)
}
func (parcelFeature) encode(b []byte, p *zonegis.Parcel) ([]byte, int) {
	b = encode.AppendGeometryMembers(b, p.Boundary)
	return b, len(b)
}
func (parcelFeature) setBoundary(p *zonegis.Parcel, mp orb.MultiPolygon) { p.Boundary = mp }
func (parcelFeature) intern(p *zonegis.Parcel, strs map[string]string) {
	if v, ok := strs[p.LotCode]; ok {
		p.LotCode = v
	} else {
		strs[p.LotCode] = p.LotCode
	}
}

func (greenFeature) encodedSize(g *zonegis.GreenArea) int {
	return encode.GeometryMembersSize(g.Boundary)
}
func (greenFeature) encode(b []byte, g *zonegis.GreenArea) ([]byte, int) {
	b = encode.AppendGeometryMembers(b, g.Boundary)
	return b, len(b)
}
func (greenFeature) setBoundary(g *zonegis.GreenArea, mp orb.MultiPolygon) { g.Boundary = mp }
func (greenFeature) intern(*zonegis.GreenArea, map[string]string)          {}

// Entries is one collection of a snapshot seen as entries: each record
// with the GeoJSON the index cached for it. Package catalog finds its pages
// through it, so that their encoding reuses the cache. The methods are
// those of the Snapshot's by the same names (Zone, AscendZones,
// ParcelsOfZone, ZonesIntersectingBound), with the same rules; OfZone
// visits nothing for zones.
type Entries[T any] interface {
	Get(id int64) (*Entry[T], bool)
	Ascend(fromID int64, fn func(*Entry[T]) bool)
	OfZone(zoneID int64, fn func(*Entry[T]) bool)
	IntersectingBound(b orb.Bound, fn func(*Entry[T]) bool)
}

// ZoneEntries returns the zones as entries.
func (s *Snapshot) ZoneEntries() Entries[zonegis.Zone] {
	return entries[zonegis.Zone, zoneFeature]{&s.zones}
}

// ParcelEntries returns the parcels as entries.
func (s *Snapshot) ParcelEntries() Entries[zonegis.Parcel] {
	return entries[zonegis.Parcel, parcelFeature]{&s.parcels}
}

// RetiredParcelEntries returns the retired parcels (Batch.RetiredParcels)
// as entries: each with its RetiredAt set, by the same rules as the live
// parcels' ParcelEntries.
func (s *Snapshot) RetiredParcelEntries() Entries[zonegis.Parcel] {
	return entries[zonegis.Parcel, parcelFeature]{&s.retired}
}

// GreenAreaEntries returns the green areas as entries.
func (s *Snapshot) GreenAreaEntries() Entries[zonegis.GreenArea] {
	return entries[zonegis.GreenArea, greenFeature]{&s.greens}
}

type entries[T any, F feature[T]] struct{ l *layer[T, F] }

func (v entries[T, F]) Get(id int64) (*Entry[T], bool) { return v.l.entry(id) }
func (v entries[T, F]) Ascend(fromID int64, fn func(*Entry[T]) bool) {
	v.l.ascendEntries(fromID, fn)
}
func (v entries[T, F]) OfZone(zoneID int64, fn func(*Entry[T]) bool) {
	v.l.ofZoneEntries(zoneID, fn)
}
func (v entries[T, F]) IntersectingBound(b orb.Bound, fn func(*Entry[T]) bool) {
	v.l.intersectingBoundEntries(b, fn)
}
