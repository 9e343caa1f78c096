package registry_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestImportFileReportsProgress runs imports with a Progress in the
// context: every feature is counted read and checked, the written ones
// written, and the phase moves on from reading; the total is what was read.
func TestImportFileReportsProgress(t *testing.T) {
	bad := strings.Replace(parcelFeature("X"), `"industrial"`, `"farm"`, 1)
	for _, c := range []struct {
		name                   string
		body                   string
		refuse                 map[int]bool
		read, checked, written int64
		phase                  registry.Phase
	}{
		{"good", collection(parcelFeature("A"), parcelFeature("B"), parcelFeature("C")), nil, 3, 3, 3, registry.PhaseWriting},
		{"one refused", collection(bad, parcelFeature("A"), parcelFeature("B")), nil, 3, 3, 0, registry.PhaseChecking},
		// The store's checks refuse one: nothing is written.
		{"refused by the store", collection(parcelFeature("A"), parcelFeature("B")), map[int]bool{1: true}, 2, 2, 0, registry.PhaseChecking},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := registry.NewProgress(nil)
			ctx := registry.WithProgress(context.Background(), p)
			_, _ = registry.ImportFile(ctx, &refusingStore{refuse: c.refuse}, zonegis.System, zonegis.CollectionParcels, p.CountBytes(strings.NewReader(c.body), int64(len(c.body))), zonegis.ImportOptions{})
			s := p.Snapshot()
			if s.Read != c.read || s.Checked != c.checked || s.Written != c.written || s.Phase != c.phase || s.Total != c.read {
				t.Errorf("snapshot %+v, want read %d checked %d written %d total %d in %s", s, c.read, c.checked, c.written, c.read, c.phase)
			}
			if s.BytesRead != int64(len(c.body)) || s.BytesTotal != int64(len(c.body)) {
				t.Errorf("bytes %d of %d, want %d", s.BytesRead, s.BytesTotal, len(c.body))
			}
		})
	}
}

// TestProgressRateAndETA reads the rate and ETA on a clock the test moves.
func TestProgressRateAndETA(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	advance := func(d time.Duration) { mu.Lock(); now = now.Add(d); mu.Unlock() }
	p := registry.NewProgress(clock)
	if _, ok := p.Snapshot().ETA(); ok {
		t.Error("an ETA before anything was read")
	}
	// Reading 1,000 of 4,000 bytes in 2 s, total features unknown: rate
	// from the features, ETA from the bytes.
	_, _ = p.CountBytes(strings.NewReader(strings.Repeat("x", 1000)), 4000).Read(make([]byte, 1000))
	p.Read(50)
	advance(2 * time.Second)
	s := p.Snapshot()
	if s.Rate() != 25 {
		t.Errorf("rate %v, want 25 features/s", s.Rate())
	}
	if eta, ok := s.ETA(); !ok || eta != 6*time.Second {
		t.Errorf("ETA %v %v, want 6s from the bytes", eta, ok)
	}
	// Writing: the total is what was read; 20 of 80 written in 1 s.
	p.Read(30)
	p.SetPhase(registry.PhaseWriting)
	p.Written(20)
	advance(time.Second)
	s = p.Snapshot()
	if s.Total != 80 || s.Rate() != 20 {
		t.Errorf("total %d rate %v, want 80 and 20/s", s.Total, s.Rate())
	}
	if eta, ok := s.ETA(); !ok || eta != 3*time.Second {
		t.Errorf("ETA %v %v, want 3s", eta, ok)
	}
	// A total the format gave wins over what was read.
	q := registry.NewProgress(clock)
	q.SetTotal(1000)
	q.Read(100)
	advance(time.Second)
	if eta, ok := q.Snapshot().ETA(); !ok || eta != 9*time.Second {
		t.Errorf("ETA %v %v from a known total, want 9s", eta, ok)
	}
	// Finished, refused: the rate is of the features checked over the
	// whole import (none was written).
	p.RolledBack()
	p.Checked(80)
	p.SetPhase(registry.PhaseFailed)
	if s := p.Snapshot(); s.Rate() != 20 { // 80 in 4 s
		t.Errorf("rate of a refused import %v, want 20", s.Rate())
	}
	// A nil Progress does nothing and reads as zero.
	var none *registry.Progress
	none.Read(1)
	none.SetPhase(registry.PhaseDone)
	if s := none.Snapshot(); s.Read != 0 || s.Rate() != 0 {
		t.Errorf("nil progress %+v", s)
	}
	if registry.ProgressFrom(context.Background()) != nil {
		t.Error("a progress from a bare context")
	}
}
