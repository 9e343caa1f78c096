package index

import (
	"sync"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Builder bulk-loads the whole next content of an index, as Load does, from
// parcels that arrive in batches while they are read: AddParcels copies each
// batch into entries at once (makeEntries), so the records read become
// garbage batch by batch and a load's peak memory is the index and the
// batches in flight, not every record read and every entry at once.
// Publish then builds the trees in bulk and publishes the snapshot.
//
// AddParcels may be called from any number of goroutines at once (the
// database's parallel scans); Publish once, after the last AddParcels has
// returned. A Builder that is never published changes nothing.
type Builder struct {
	ix *Index

	mu      sync.Mutex
	parcels []*Entry[zonegis.Parcel] // in the order the batches were added
	// strs interns the parcels' lot codes across batches (parcelFeature's
	// intern), as one bulk makeEntries does within its share of a load.
	strs map[string]string
}

// Builder returns a builder of ix's next content.
func (ix *Index) Builder() *Builder {
	return &Builder{ix: ix, strs: map[string]string{}}
}

// AddParcels copies batch into the index's entries (see Entry); batch and
// its records are not retained, and may be reused once it returns. Nil
// pointers are skipped; of duplicate IDs the last added wins (batches added
// at the same time from different goroutines are in no set order).
func (b *Builder) AddParcels(batch []*zonegis.Parcel) {
	es := makeEntries[zonegis.Parcel, parcelFeature](batch, false, false)
	var f parcelFeature
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range es {
		if e != nil {
			f.intern(&e.rec, b.strs)
			b.parcels = append(b.parcels, e)
		}
	}
}

// Publish replaces the whole content of the index with the parcels added,
// zones and greens, as Load does (the same bulk build: B-trees in ID order,
// R-trees in Hilbert order), adds retired to the retired parcels the index
// had (as Apply's Batch.RetiredParcels) and publishes it all as one
// snapshot at seq, with its statuses as of today (when not zero). The
// slices given are not retained.
func (b *Builder) Publish(seq int64, today time.Time, zones []*zonegis.Zone, greens []*zonegis.GreenArea, retired []*zonegis.Parcel) {
	b.mu.Lock()
	parcels := b.parcels
	b.parcels, b.strs = nil, nil
	b.mu.Unlock()

	ix := b.ix
	ix.mu.Lock()
	defer ix.mu.Unlock()
	old := ix.work
	w := &Snapshot{
		seq:     seq,
		zones:   buildLayer[zonegis.Zone, zoneFeature](makeEntries[zonegis.Zone, zoneFeature](zones, true, true)),
		parcels: buildLayer[zonegis.Parcel, parcelFeature](parcels),
		greens:  buildLayer[zonegis.GreenArea, greenFeature](makeEntries[zonegis.GreenArea, greenFeature](greens, true, true)),
		retired: newLayer[zonegis.Parcel, parcelFeature](),
	}
	if old != nil {
		w.today, w.retired = old.today, old.retired
	}
	if !today.IsZero() {
		w.today = today
	}
	for _, p := range makeEntries[zonegis.Parcel, parcelFeature](retired, false, true) {
		w.retired.upsert(p)
	}
	ix.work = w
	ix.publish()
}
