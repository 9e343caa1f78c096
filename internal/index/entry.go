package index

import (
	"runtime"
	"sync"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Entry is one record as a snapshot holds it: the index's own copy of the
// domain value, never modified once published, with its geometry apart in
// fixed point (fixedgeom: 1e-9-degree integers, 8 bytes a point), from
// which package encode writes its GeoJSON and the searches decode what
// they test. The record's own Boundary is nil: read the geometry through
// Geometry, Boundary or WithBoundary. A record that changes enters the
// index as a new Entry.
type Entry[T any] struct {
	rec  T
	geom fixedgeom.Geometry
}

// Record returns the record, whose Boundary is nil (see Boundary). It
// must not be modified.
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

// Geometry returns the record's boundary in fixed point, for
// encode.ParcelCached and the others. It must not be modified.
func (e *Entry[T]) Geometry() *fixedgeom.Geometry { return &e.geom }

// Boundary returns the record's boundary decoded into buf (valid until
// buf's next use; nil buf: new memory). Its coordinates are the 1e-9-degree
// roundings of those the index was given (see the package doc).
func (e *Entry[T]) Boundary(buf *fixedgeom.Buffer) orb.MultiPolygon { return e.geom.Decode(buf) }

// WithBoundary returns a copy of the record with its Boundary decoded into
// new memory, for a caller that keeps records or hands them to code that
// reads Boundary (exports, dossiers).
func (e *Entry[T]) WithBoundary() *T {
	c := e.rec
	mp := e.geom.Decode(nil)
	switch v := any(&c).(type) {
	case *zonegis.Zone:
		v.Boundary = mp
	case *zonegis.Parcel:
		v.Boundary = mp
	case *zonegis.GreenArea:
		v.Boundary = mp
	}
	return &c
}

// Records are copied into slabs: chunkSize records at a time share one
// array of entries and one of points, instead of an allocation or more
// each. The garbage collector visits every object of the heap on each
// cycle, and with a million parcels the index is most of the heap: millions
// of small objects cost it far more than a few thousand large ones. A slab
// lives while any of its entries is in the index; the records of one Apply
// share a slab of their own, and a Load starts afresh.
const chunkSize = 4096

// makeEntries copies items into slabs of entries, spread over the CPUs
// when there are many. Nil items give nil entries. It replaces each of
// items with the entry's record when replace is set: on a bulk load the
// records given then become garbage chunk by chunk rather than all at the
// end (see memlimit.Tuner.Loading). With intern, equal strings of the
// records share one copy (F's intern); without, the caller interns them
// (Builder.AddParcels, across its batches).
func makeEntries[T any, F feature[T]](items []*T, replace, intern bool) []*Entry[T] {
	out := make([]*Entry[T], len(items))
	strs := func() map[string]string {
		if intern {
			return map[string]string{}
		}
		return nil
	}
	if len(items) < 2*chunkSize {
		fillEntries[T, F](items, out, replace, strs())
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
			fillEntries[T, F](items[lo:hi], out[lo:hi], replace, strs())
		}()
	}
	wg.Wait()
	return out
}

// fillEntries makes the entries of items, chunk by chunk, into out; equal
// strings that F interns (lot codes) share one copy through strs, unless
// it is nil.
func fillEntries[T any, F feature[T]](items []*T, out []*Entry[T], replace bool, strs map[string]string) {
	var f F
	for len(items) > 0 {
		chunk := items[:min(chunkSize, len(items))]
		items = items[len(chunk):]
		dst := out[:len(chunk)]
		out = out[len(chunk):]
		points := 0
		for _, v := range chunk {
			if v != nil {
				points += fixedgeom.Points(f.boundary(v))
			}
		}
		entries := make([]Entry[T], len(chunk))
		slab := fixedgeom.NewSlab(points)
		for i, v := range chunk {
			if v == nil {
				continue
			}
			e := &entries[i]
			e.rec = *v
			e.geom = fixedgeom.From(f.boundary(v), slab)
			f.setBoundary(&e.rec, nil)
			if strs != nil {
				f.intern(&e.rec, strs)
			}
			dst[i] = e
			if replace {
				chunk[i] = &e.rec
			}
		}
	}
}

// How each kind is re-homed.

func (zoneFeature) setBoundary(z *zonegis.Zone, mp orb.MultiPolygon) { z.Boundary = mp }
func (zoneFeature) intern(*zonegis.Zone, map[string]string)          {}

func (parcelFeature) setBoundary(p *zonegis.Parcel, mp orb.MultiPolygon) { p.Boundary = mp }
func (parcelFeature) intern(p *zonegis.Parcel, strs map[string]string) {
	if v, ok := strs[p.LotCode]; ok {
		p.LotCode = v
	} else {
		strs[p.LotCode] = p.LotCode
	}
}

func (greenFeature) setBoundary(g *zonegis.GreenArea, mp orb.MultiPolygon) { g.Boundary = mp }
func (greenFeature) intern(*zonegis.GreenArea, map[string]string)          {}

// Entries is one collection of a snapshot seen as entries: each record
// with its geometry. Package catalog finds its pages through it, tiles
// their features. The methods are those of the Snapshot's by the same
// names (Zone, AscendZones, ParcelsOfZone, ZonesIntersectingBound,
// ZonesInBound), with the same rules; OfZone visits nothing for zones.
type Entries[T any] interface {
	Get(id int64) (*Entry[T], bool)
	Ascend(fromID int64, fn func(*Entry[T]) bool)
	OfZone(zoneID int64, fn func(*Entry[T]) bool)
	IntersectingBound(b orb.Bound, fn func(*Entry[T]) bool)
	InBound(b orb.Bound, fn func(*Entry[T]) bool)
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
func (v entries[T, F]) InBound(b orb.Bound, fn func(*Entry[T]) bool) { v.l.inBoundEntries(b, fn) }
