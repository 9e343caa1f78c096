package memlimit

import (
	"io"
	"log/slog"
	"math"
	"runtime"
	"runtime/debug"
	"testing"
)

func TestLimit(t *testing.T) {
	for _, c := range []struct {
		live, overhead uint64
		want           int64
	}{
		{0, 0, MinHeadroom + MinOverhead},
		{100 << 20, 20 << 20, 100<<20 + MinHeadroom + 20<<20},
		{900 << 20, 40 << 20, 900<<20 + 300<<20 + 40<<20},
		{3 << 30, 1 << 20, 4<<30 + MinOverhead},
		{math.MaxUint64 - 1<<20, 0, math.MaxInt64},
	} {
		if got := Limit(c.live, c.overhead); got != c.want {
			t.Errorf("Limit(%d MB, %d MB) = %d MB, want %d MB", c.live>>20, c.overhead>>20, got>>20, c.want>>20)
		}
	}
}

// TestRuntimeOverhead: the runtime's own memory is read, not assumed: a
// few MB in a test process, and it grows with goroutine stacks.
func TestRuntimeOverhead(t *testing.T) {
	before := runtimeOverhead()
	if before == 0 || before > 64<<20 {
		t.Fatalf("runtime overhead %d MB, want a few MB", before>>20)
	}
	const n = 2000
	release := make(chan struct{})
	ready := make(chan struct{}, n)
	for range n {
		go func() { deep(64); ready <- struct{}{}; <-release }()
	}
	for range n {
		<-ready
	}
	grown := runtimeOverhead()
	close(release)
	if grown < before+n*16<<10 {
		t.Errorf("runtime overhead %d KB with %d goroutines on grown stacks, %d KB before: want at least 16 KB more each", grown>>10, n, before>>10)
	}
}

// deep recurses depth times on a 1 KB frame, to grow its goroutine's stack.
func deep(depth int) byte {
	var frame [1024]byte
	frame[depth%len(frame)] = byte(depth)
	if depth == 0 {
		return frame[0]
	}
	return deep(depth-1) + frame[depth%len(frame)]
}

func TestTunerSetsLimitFromLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // restore
	keep := make([]byte, 64<<20)                         // a live heap to measure
	tu := New(func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tu.Settle()
	got := debug.SetMemoryLimit(-1)
	// The runtime's own memory is a few MB here: the limit is the live heap
	// and the headroom and little more (a fixed 128 MB overhead was more).
	if got < 64<<20+MinHeadroom+MinOverhead || got > 64<<20+MinHeadroom+96<<20 {
		t.Fatalf("limit %d MB, want a little over 64 MB + %d MB + the runtime's few MB", got>>20, MinHeadroom>>20)
	}
	keep[0] = 1
	if New(func(k string) string { return map[string]string{"GOMEMLIMIT": "1GiB"}[k] }, nil) != nil {
		t.Fatal("an explicit GOMEMLIMIT must turn the tuner off")
	}
}

func TestLoadingLowersGOGCUntilSettle(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	defer debug.SetGCPercent(debug.SetGCPercent(100))
	tu := New(func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tu.Loading()
	if got := debug.SetGCPercent(LoadingGCPercent); got != LoadingGCPercent {
		t.Fatalf("GOGC while loading %d, want %d", got, LoadingGCPercent)
	}
	tu.Settle()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Fatalf("GOGC after Settle %d, want 100", got)
	}
}

// TestSettleCollectsOnce: Settle pays for one full collection (each marks
// the whole index), not two.
func TestSettleCollectsOnce(t *testing.T) {
	tu := New(func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	defer debug.SetMemoryLimit(math.MaxInt64)
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	tu.Settle()
	runtime.ReadMemStats(&after)
	if n := after.NumForcedGC - before.NumForcedGC; n != 1 {
		t.Fatalf("Settle forced %d collections, want 1", n)
	}
}
