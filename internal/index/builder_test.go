package index

import (
	"fmt"
	"reflect"
	"runtime"
	"sync"
	"testing"
	"time"
	"unsafe"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestBuilderEqualsLoad: parcels given to a Builder in batches of random
// sizes, in shuffled order from four goroutines at once (as LoadAll's
// workers hand them over), then published, give the same snapshot as Load
// of them all followed by the Apply of the retired parcels and the day
// (what the follower did before): the same records with the same cached
// bytes, visited in the same order by every kind of query (by ID, by zone,
// by bound, at a point, nearby).
func TestBuilderEqualsLoad(t *testing.T) {
	g := newGen(23)
	const zones = 40
	var next int64 = 1
	zs, ps, gs := randomLoad(g, &next, zones, 3*chunkSize+123, 300)
	// Keep the nil but not the duplicate ID randomLoad ends with: of
	// duplicates in batches added at once, which one wins is not set.
	ps = ps[:len(ps)-1]
	var retired []*zonegis.Parcel
	for range 50 {
		p := g.parcel(next, zones)
		next++
		at := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
		p.RetiredAt = &at
		retired = append(retired, p)
	}
	for i, p := range ps { // lot codes repeat across zones, as the bench's do
		if p != nil {
			p.LotCode = "L" + string(rune('0'+i%10))
		}
	}
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	const seq = 77

	copies := func(ps []*zonegis.Parcel) []*zonegis.Parcel {
		out := make([]*zonegis.Parcel, len(ps))
		for i, p := range ps {
			if p != nil {
				c := *p
				out[i] = &c
			}
		}
		return out
	}
	// Load replaces the elements of the slices it is given with the
	// index's records, which hold no geometry: each index gets its own.
	zs2 := make([]*zonegis.Zone, len(zs))
	for i, z := range zs {
		if z != nil {
			c := *z
			zs2[i] = &c
		}
	}
	gs2 := make([]*zonegis.GreenArea, len(gs))
	for i, gr := range gs {
		if gr != nil {
			c := *gr
			gs2[i] = &c
		}
	}
	want := New()
	want.Load(seq, zs2, copies(ps), gs2)
	want.Apply(Batch{Seq: seq, Today: today, RetiredParcels: copies(retired)})

	got := New()
	b := got.Builder()
	var batches [][]*zonegis.Parcel
	for rest := copies(ps); len(rest) > 0; {
		n := min(1+g.r.IntN(5000), len(rest))
		batches = append(batches, rest[:n])
		rest = rest[n:]
	}
	g.r.Shuffle(len(batches), func(i, j int) { batches[i], batches[j] = batches[j], batches[i] })
	work := make(chan []*zonegis.Parcel)
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for batch := range work {
				b.AddParcels(batch)
				for _, p := range batch { // the batch is the caller's again
					if p != nil {
						*p = zonegis.Parcel{ID: -1}
					}
				}
			}
		}()
	}
	for _, batch := range batches {
		work <- batch
	}
	close(work)
	wg.Wait()
	b.Publish(seq, today, zs, gs, copies(retired))

	sameSnapshots(t, g, want.Snapshot(), got.Snapshot())
}

// sameSnapshots fails unless a and b hold the same records and cached bytes
// and answer every query with the same records in the same order.
func sameSnapshots(t *testing.T, g *gen, a, b *Snapshot) {
	t.Helper()
	if a.Seq() != b.Seq() || !a.Today().Equal(b.Today()) || a.RetiredParcels() != b.RetiredParcels() {
		t.Fatalf("seq %d/%d, today %v/%v, retired %d/%d", a.Seq(), b.Seq(), a.Today(), b.Today(), a.RetiredParcels(), b.RetiredParcels())
	}
	az, ap, ag := a.Counts()
	bz, bp, bg := b.Counts()
	if az != bz || ap != bp || ag != bg {
		t.Fatalf("counts %d/%d/%d, builder %d/%d/%d", az, ap, ag, bz, bp, bg)
	}
	sameEntries(t, "zones by id", a.ZoneEntries(), b.ZoneEntries(), func(v Entries[zonegis.Zone], fn func(*Entry[zonegis.Zone]) bool) { v.Ascend(0, fn) })
	sameEntries(t, "greens by id", a.GreenAreaEntries(), b.GreenAreaEntries(), func(v Entries[zonegis.GreenArea], fn func(*Entry[zonegis.GreenArea]) bool) { v.Ascend(0, fn) })
	sameEntries(t, "retired by id", a.RetiredParcelEntries(), b.RetiredParcelEntries(), func(v Entries[zonegis.Parcel], fn func(*Entry[zonegis.Parcel]) bool) { v.Ascend(0, fn) })
	parcels := func(what string, each func(v Entries[zonegis.Parcel], fn func(*Entry[zonegis.Parcel]) bool)) {
		t.Helper()
		sameEntries(t, what, a.ParcelEntries(), b.ParcelEntries(), each)
	}
	parcels("parcels by id", func(v Entries[zonegis.Parcel], fn func(*Entry[zonegis.Parcel]) bool) { v.Ascend(0, fn) })
	for z := int64(0); z <= 41; z++ {
		parcels("parcels of a zone", func(v Entries[zonegis.Parcel], fn func(*Entry[zonegis.Parcel]) bool) { v.OfZone(z, fn) })
	}
	for range 200 {
		c := g.point(hcmc)
		d := 0.0005 + g.r.Float64()*0.01
		box := orb.Bound{Min: orb.Point{c[0] - d, c[1] - d}, Max: orb.Point{c[0] + d, c[1] + d}}
		parcels("parcels intersecting a bound", func(v Entries[zonegis.Parcel], fn func(*Entry[zonegis.Parcel]) bool) {
			v.IntersectingBound(box, fn)
		})
		var ia, ib []int64
		a.ParcelsInBound(box, func(p *zonegis.Parcel) bool { ia = append(ia, p.ID); return true })
		b.ParcelsInBound(box, func(p *zonegis.Parcel) bool { ib = append(ib, p.ID); return true })
		if !reflect.DeepEqual(ia, ib) {
			t.Fatalf("parcels in %v: %v, builder %v", box, ia, ib)
		}
		ia, ib = nil, nil
		a.ParcelEntriesAt(c, func(e *Entry[zonegis.Parcel]) bool { ia = append(ia, e.Record().ID); return true })
		b.ParcelEntriesAt(c, func(e *Entry[zonegis.Parcel]) bool { ib = append(ib, e.Record().ID); return true })
		if !reflect.DeepEqual(ia, ib) {
			t.Fatalf("parcels at %v: %v, builder %v", c, ia, ib)
		}
		ia, ib = nil, nil
		a.NearbyParcels(c, 300, nil, func(p *zonegis.Parcel, _ float64) bool { ia = append(ia, p.ID); return true })
		b.NearbyParcels(c, 300, nil, func(p *zonegis.Parcel, _ float64) bool { ib = append(ib, p.ID); return true })
		if !reflect.DeepEqual(ia, ib) {
			t.Fatalf("parcels near %v: %v, builder %v", c, ia, ib)
		}
		ia, ib = nil, nil
		a.ZonesIntersectingBound(box, func(z *zonegis.Zone) bool { ia = append(ia, z.ID); return true })
		b.ZonesIntersectingBound(box, func(z *zonegis.Zone) bool { ib = append(ib, z.ID); return true })
		if !reflect.DeepEqual(ia, ib) {
			t.Fatalf("zones in %v: %v, builder %v", box, ia, ib)
		}
	}
}

// sameEntries fails unless each visits entries of a and b with equal
// records and geometries, in the same order.
func sameEntries[T any](t *testing.T, what string, a, b Entries[T], each func(Entries[T], func(*Entry[T]) bool)) {
	t.Helper()
	var ea, eb []*Entry[T]
	each(a, func(e *Entry[T]) bool { ea = append(ea, e); return true })
	each(b, func(e *Entry[T]) bool { eb = append(eb, e); return true })
	if len(ea) != len(eb) {
		t.Fatalf("%s: %d entries, builder %d", what, len(ea), len(eb))
	}
	for i := range ea {
		var ba, bb fixedgeom.Buffer
		if !reflect.DeepEqual(*ea[i].Record(), *eb[i].Record()) ||
			!ea[i].Geometry().Decode(&ba).Equal(eb[i].Geometry().Decode(&bb)) {
			t.Fatalf("%s, #%d: %+v, builder %+v", what, i, *ea[i].Record(), *eb[i].Record())
		}
	}
}

// TestBuilderInternsAcrossBatches: equal lot codes of parcels added in
// different batches share one string, as they do within one Load.
func TestBuilderInternsAcrossBatches(t *testing.T) {
	ix := New()
	b := ix.Builder()
	for id := int64(1); id <= 3; id++ {
		code := string([]byte("LOT-7")) // a string of its own each time
		b.AddParcels([]*zonegis.Parcel{{ID: id, ZoneID: 1, LotCode: code, Boundary: square(106.7+float64(id)*0.01, 10.8, 0.001)}})
	}
	b.Publish(1, time.Time{}, nil, nil, nil)
	s := ix.Snapshot()
	p1, _ := s.Parcel(1)
	p3, _ := s.Parcel(3)
	if p1.LotCode != "LOT-7" || p3.LotCode != "LOT-7" || unsafe.StringData(p1.LotCode) != unsafe.StringData(p3.LotCode) {
		t.Fatalf("lot codes %q at %p and %q at %p: not one string", p1.LotCode, unsafe.StringData(p1.LotCode), p3.LotCode, unsafe.StringData(p3.LotCode))
	}
}

// TestBuilderInternsOnce: AddParcels interns a batch's lot codes once,
// across its batches, not again in a map of the batch's own: a batch of
// lot codes the builder already holds allocates its entries, slab and
// the list's growth, and nothing per lot code.
func TestBuilderInternsOnce(t *testing.T) {
	const n = 2000
	batch := make([]*zonegis.Parcel, n)
	for i := range batch {
		batch[i] = &zonegis.Parcel{ID: int64(i + 1), ZoneID: 1, LotCode: fmt.Sprintf("LOT-%d", i), Boundary: square(106.7, 10.8, 0.001)}
	}
	b := New().Builder()
	b.AddParcels(batch) // the builder now holds every lot code
	allocs := testing.AllocsPerRun(5, func() { b.AddParcels(batch) })
	if allocs > 20 {
		t.Errorf("AddParcels of %d parcels whose lot codes the builder holds: %.0f allocations, want a few (entries, slab, list)", n, allocs)
	}
}

// BenchmarkBuilder builds the data set's index as the start-up does:
// batches of 4096 parcels handed to a Builder from GOMAXPROCS goroutines,
// then Publish. Beside BenchmarkLoad (all at once) it shows what the
// batching costs in time and allocations; the memory it saves (the
// records read, dropped batch by batch) is the process's, measured by
// zonegisbench -versus.
func BenchmarkBuilder(b *testing.B) {
	d := benchOnce()
	d.ix = nil
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		ix := New()
		bl := ix.Builder()
		work := make(chan []*zonegis.Parcel)
		var wg sync.WaitGroup
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for batch := range work {
					bl.AddParcels(batch)
				}
			}()
		}
		for rest := d.parcels; len(rest) > 0; {
			n := min(4096, len(rest))
			work <- rest[:n]
			rest = rest[n:]
		}
		close(work)
		wg.Wait()
		bl.Publish(1, time.Time{}, nil, nil, nil)
		d.ix = ix
	}
	b.ReportMetric(float64(len(d.parcels)), "parcels")
}
