// Package index is the in-memory spatial index that answers the service's
// spatial reads of zones, parcels and green areas.
//
// One writer (the component that follows PostGIS) calls Load and Apply;
// any number of readers call Snapshot and query the immutable view it
// returns. Readers never lock and never wait for the writer: every write
// builds the next view from the writer's own copy of the trees, using the
// lazy copy-on-write Copy of tidwall/rtree and tidwall/btree, and publishes
// it through an atomic pointer. An update therefore costs O(log n) copied
// nodes, not a copy of the index.
//
// Coordinates are lon/lat (EPSG:4326) degrees; distances are metres and
// areas square metres, as computed by package measure.
//
// The index keeps its own copy of each record it is given, in an Entry, with
// the geometry apart in fixed point (package fixedgeom): the coordinates
// rounded to 1e-9 degrees (0.05 mm; the rounding GeoJSON answers are written
// with), 8 bytes a point, from which package encode formats the answers and
// the searches decode what they test. The index's precision is therefore
// 1e-9 degrees: every search, bound and distance is of the rounded geometry
// (within 0.5e-9° of PostGIS's doubles). A record handed out by a snapshot
// has a nil Boundary (read the geometry through Entry.Boundary, Geometry or
// WithBoundary) and must not be modified; to change one, pass a new value
// with the same ID. A geometry that does not fit in fixed point (a span
// over 2.1°, a non-finite coordinate) is kept as given, so that must not be
// modified either.
package index

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Index holds the current Snapshot and the writer's working state.
// The zero value is an empty index ready to use.
type Index struct {
	cur atomic.Pointer[Snapshot]

	mu sync.Mutex // serialises Load and Apply
	// work is the writer's private copy of the trees, only touched under mu.
	// Published snapshots hold Copy()s of it, so it is never read by readers.
	work *Snapshot
}

// New returns an empty index.
func New() *Index { return new(Index) }

// Batch is one step of changes, as read from the change log.
// Upserts replace any feature with the same ID; if an ID appears twice among
// the upserts of one kind the last one wins. Deletes are applied after the
// upserts (an ID in both ends up deleted); unknown IDs are ignored. Nil
// pointers are ignored.
type Batch struct {
	Seq int64 // change-log sequence number the batch brings the index to
	// Today, when not zero, is the database's day the batch's parcels'
	// statuses are as of; the snapshot keeps the latest.
	Today time.Time

	Zones      []*zonegis.Zone
	Parcels    []*zonegis.Parcel
	GreenAreas []*zonegis.GreenArea

	DeletedZones      []int64
	DeletedParcels    []int64
	DeletedGreenAreas []int64

	// RetiredParcels are parcels splits and merges retired (each with its
	// RetiredAt), kept as history apart from the live parcels
	// (Snapshot.RetiredParcelEntries); a retired parcel never changes, so
	// one given again replaces the same record. Load keeps those it had.
	RetiredParcels []*zonegis.Parcel
}

// Load replaces the whole content of the index with the given features and
// publishes it as the snapshot at seq. Duplicate IDs: the last one wins; nil
// pointers are skipped. Each record is copied into the index (see Entry)
// and the slice's element replaced by the copy, chunk by chunk, so that on
// a bulk load the records given become garbage as it goes; the slices are
// not retained.
//
// Features are bulk-loaded: sorted by ID into the B-trees and inserted into
// the R-trees in Hilbert order of their bound centres. A Builder does the
// same from parcels given in batches as they are read.
func (ix *Index) Load(seq int64, zones []*zonegis.Zone, parcels []*zonegis.Parcel, greens []*zonegis.GreenArea) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	retired := newLayer[zonegis.Parcel, parcelFeature]()
	if ix.work != nil {
		retired = ix.work.retired
	}
	ix.work = &Snapshot{
		seq:     seq,
		retired: retired,
		zones:   buildLayer[zonegis.Zone, zoneFeature](makeEntries[zonegis.Zone, zoneFeature](zones, true, true)),
		parcels: buildLayer[zonegis.Parcel, parcelFeature](makeEntries[zonegis.Parcel, parcelFeature](parcels, true, true)),
		greens:  buildLayer[zonegis.GreenArea, greenFeature](makeEntries[zonegis.GreenArea, greenFeature](greens, true, true)),
	}
	ix.publish()
}

// Apply applies b to the current content and publishes the result as the
// snapshot at b.Seq. Snapshots taken before Apply are not affected.
func (ix *Index) Apply(b Batch) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.work == nil {
		ix.work = emptySnapshot()
	}
	w := ix.work
	w.seq = b.Seq
	if !b.Today.IsZero() {
		w.today = b.Today
	}
	for _, z := range makeEntries[zonegis.Zone, zoneFeature](b.Zones, false, true) {
		w.zones.upsert(z)
	}
	for _, p := range makeEntries[zonegis.Parcel, parcelFeature](b.Parcels, false, true) {
		w.parcels.upsert(p)
	}
	for _, g := range makeEntries[zonegis.GreenArea, greenFeature](b.GreenAreas, false, true) {
		w.greens.upsert(g)
	}
	for _, p := range makeEntries[zonegis.Parcel, parcelFeature](b.RetiredParcels, false, true) {
		w.retired.upsert(p)
	}
	for _, id := range b.DeletedZones {
		w.zones.delete(id)
	}
	for _, id := range b.DeletedParcels {
		w.parcels.delete(id)
	}
	for _, id := range b.DeletedGreenAreas {
		w.greens.delete(id)
	}
	ix.publish()
}

// publish stores a copy-on-write copy of the working state as the current
// snapshot. Later writes to ix.work copy the nodes they touch, so the
// published trees are never modified again. Called with ix.mu held.
func (ix *Index) publish() {
	w := ix.work
	ix.cur.Store(&Snapshot{
		seq:     w.seq,
		today:   w.today,
		zones:   w.zones.copy(),
		parcels: w.parcels.copy(),
		greens:  w.greens.copy(),
		retired: w.retired.copy(),
	})
}

// Snapshot returns the current immutable view. It is never nil: before the
// first Load or Apply it is empty, with Seq 0.
func (ix *Index) Snapshot() *Snapshot {
	if s := ix.cur.Load(); s != nil {
		return s
	}
	// Publish an empty snapshot unless the writer got there first.
	ix.cur.CompareAndSwap(nil, emptySnapshot())
	return ix.cur.Load()
}

func emptySnapshot() *Snapshot {
	return &Snapshot{
		zones:   newLayer[zonegis.Zone, zoneFeature](),
		parcels: newLayer[zonegis.Parcel, parcelFeature](),
		greens:  newLayer[zonegis.GreenArea, greenFeature](),
		retired: newLayer[zonegis.Parcel, parcelFeature](),
	}
}
