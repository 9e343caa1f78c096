package index

import (
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestRandomized runs random Loads and Applies and, after each, compares
// every query against a linear scan of the expected state. It also keeps the
// previous snapshot and checks it still answers with the previous state.
func TestRandomized(t *testing.T) {
	for _, seed := range []uint64{1, 2, 3} {
		t.Run(fmt.Sprint("seed", seed), func(t *testing.T) {
			steps, probes := 14, 20
			if testing.Short() || raceEnabled {
				steps, probes = 7, 10
			}
			g := newGen(seed)
			const zones, parcels, greens = 40, 2500, 500
			next := int64(100)
			ix := New()
			zs, ps, gs := randomLoad(g, &next, zones, parcels, greens)
			m := newModel(1, zs, ps, gs) // before Load, which replaces the slices' records by its own (no Boundary)
			ix.Load(1, zs, ps, gs)
			check(t, g, ix.Snapshot(), m, probes)

			for step := range steps {
				prev, prevModel := ix.Snapshot(), m.clone()
				if step%7 == 6 {
					zs, ps, gs := randomLoad(g, &next, zones, parcels, greens)
					m = newModel(m.seq+1, zs, ps, gs)
					ix.Load(m.seq, zs, ps, gs)
				} else {
					b := randomBatch(g, m, m.seq+1, &next, zones)
					ix.Apply(b)
					m.apply(b)
				}
				check(t, g, ix.Snapshot(), m, probes)
				check(t, g, prev, prevModel, probes/4)
			}
		})
	}
}

// TestSnapshotIsolation: a snapshot taken before Apply and Load answers with
// the old content afterwards.
func TestSnapshotIsolation(t *testing.T) {
	g := newGen(7)
	next := int64(0)
	zs, ps, gs := randomLoad(g, &next, 20, 1000, 200)
	ix := New()
	m0 := newModel(10, zs, ps, gs)
	ix.Load(10, zs, ps, gs)
	s0 := ix.Snapshot()

	// Move, delete and add a lot, in several batches.
	m := m0.clone()
	for seq := int64(11); seq <= 15; seq++ {
		b := randomBatch(g, m, seq, &next, 20)
		ix.Apply(b)
		m.apply(b)
	}
	s1 := ix.Snapshot()
	zs2, ps2, gs2 := randomLoad(g, &next, 5, 100, 10)
	m2 := newModel(16, zs2, ps2, gs2)
	ix.Load(16, zs2, ps2, gs2)

	check(t, g, s0, m0, 24)
	check(t, g, s1, m, 24)
	check(t, g, ix.Snapshot(), m2, 24)
}

// TestConcurrentReaders runs readers against a writer; meant for -race.
// Every batch k rewrites parcels 1..hot with Version k and new geometry, adds
// parcel 1000+k and deletes 1000+k-1, so each snapshot has a checkable
// invariant: all hot parcels at Version Seq, and exactly hot+1 parcels.
func TestConcurrentReaders(t *testing.T) {
	const hot, readers = 50, 4
	batches := int64(300)
	if testing.Short() || raceEnabled {
		batches = 120
	}
	g := newGen(11)
	ix := New()
	var ps []*zonegis.Parcel
	for id := int64(1); id <= hot; id++ {
		p := g.parcel(id, 3)
		p.Version = 0
		ps = append(ps, p)
	}
	ps = append(ps, g.parcel(1000, 3))
	ix.Load(0, nil, ps, nil)

	var done atomic.Bool
	var wg sync.WaitGroup
	errs := make(chan error, readers)
	for r := range readers {
		wg.Go(func() {
			rg := newGen(100 + uint64(r))
			last := int64(-1)
			reads := 0
			for !done.Load() || reads == 0 {
				reads++
				if err := readInvariant(ix.Snapshot(), hot, &last, rg.point(hcmc)); err != nil {
					errs <- fmt.Errorf("reader %d: %w", r, err)
					return
				}
			}
		})
	}
	// The writer makes its batches up front: gen is not safe for concurrent use.
	var bs []Batch
	for k := int64(1); k <= batches; k++ {
		b := Batch{Seq: k, DeletedParcels: []int64{1000 + k - 1}}
		for id := int64(1); id <= hot; id++ {
			p := g.parcel(id, 3)
			p.Version = k
			b.Parcels = append(b.Parcels, p)
		}
		b.Parcels = append(b.Parcels, g.parcel(1000+k, 3))
		bs = append(bs, b)
	}
	for _, b := range bs {
		ix.Apply(b)
	}
	done.Store(true)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if s := ix.Snapshot(); s.Seq() != batches {
		t.Errorf("final Seq = %d, want %d", s.Seq(), batches)
	}
}

func readInvariant(s *Snapshot, hot int64, last *int64, p orb.Point) error {
	seq := s.Seq()
	if seq < *last {
		return fmt.Errorf("Seq went back from %d to %d", *last, seq)
	}
	*last = seq
	if _, n, _ := s.Counts(); n != int(hot)+1 {
		return fmt.Errorf("seq %d: %d parcels, want %d", seq, n, hot+1)
	}
	n := 0
	var err error
	check := func(pc *zonegis.Parcel) bool {
		n++
		if pc.ID <= hot && pc.Version != seq {
			err = fmt.Errorf("seq %d: parcel %d at version %d", seq, pc.ID, pc.Version)
		}
		if pc.ID > hot && pc.ID != 1000+seq {
			err = fmt.Errorf("seq %d: parcel %d should be gone", seq, pc.ID)
		}
		return err == nil
	}
	s.AscendParcels(math.MinInt64, check)
	if err == nil && n != int(hot)+1 {
		err = fmt.Errorf("seq %d: Ascend gave %d parcels", seq, n)
	}
	n = 0
	if err == nil {
		s.ParcelsInBound(hcmc, check)
	}
	if err == nil && n != int(hot)+1 {
		err = fmt.Errorf("seq %d: ParcelsInBound gave %d parcels", seq, n)
	}
	n = 0
	if err == nil {
		s.NearbyParcels(p, math.Inf(1), nil, func(pc *zonegis.Parcel, _ float64) bool { return check(pc) })
	}
	if err == nil && n != int(hot)+1 {
		err = fmt.Errorf("seq %d: NearbyParcels gave %d parcels", seq, n)
	}
	for z := int64(1); err == nil && z <= 3; z++ {
		s.ParcelsOfZone(z, check)
	}
	return err
}
