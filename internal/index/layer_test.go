package index

import (
	"runtime"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// heapAfterGC is the heap in use after a collection, in bytes.
func heapAfterGC() uint64 {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestBuildLayerPacksBTrees: a bulk-built layer's two B-trees (by ID, by
// zone: 16-byte items) take little more than their items, not the twice
// as much of half-full leaves that loading in order alone leaves (33 bytes
// per item before packed).
func TestBuildLayerPacksBTrees(t *testing.T) {
	const n = 60_000
	g := newGen(3)
	ps := make([]*zonegis.Parcel, n)
	for i := range ps {
		ps[i] = g.parcel(int64(i+1), 40)
	}
	entries := makeEntries[zonegis.Parcel, parcelFeature](ps, true, true)
	l := built(entries)
	if l.byID.Len() != n || l.byZone.Len() != n {
		t.Fatalf("byID %d, byZone %d items, want %d", l.byID.Len(), l.byZone.Len(), n)
	}
	with := heapAfterGC()
	l.byID, l.byZone = nil, nil
	without := heapAfterGC()
	runtime.KeepAlive(entries)
	per := (float64(with) - float64(without)) / n / 2
	t.Logf("B-trees: %.1f bytes per item", per)
	if per > 20 || per < 16 {
		t.Errorf("B-trees take %.1f bytes per 16-byte item, want 16 to 20 (leaves full)", per)
	}
	runtime.KeepAlive(l)
}

// built is buildLayer's layer on the heap, so that a test can drop its
// trees one by one.
//
//go:noinline
func built(entries []*Entry[zonegis.Parcel]) *layer[zonegis.Parcel, parcelFeature] {
	l := buildLayer[zonegis.Parcel, parcelFeature](entries)
	return &l
}
