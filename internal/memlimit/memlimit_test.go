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
		live uint64
		want int64
	}{
		{0, MinHeadroom + Overhead},
		{100 << 20, 100<<20 + MinHeadroom + Overhead},
		{900 << 20, 900<<20 + 300<<20 + Overhead},
		{3 << 30, 4<<30 + Overhead},
	} {
		if got := Limit(c.live); got != c.want {
			t.Errorf("Limit(%d MB) = %d MB, want %d MB", c.live>>20, got>>20, c.want>>20)
		}
	}
}

func TestTunerSetsLimitFromLiveHeap(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1)) // restore
	keep := make([]byte, 64<<20)                         // a live heap to measure
	tu := New(func(string) string { return "" }, slog.New(slog.NewTextHandler(io.Discard, nil)))
	tu.Settle()
	got := debug.SetMemoryLimit(-1)
	if got < 64<<20+MinHeadroom+Overhead || got > 1<<30 {
		t.Fatalf("limit %d MB, want a little over 64 MB + %d MB", got>>20, MinHeadroom>>20)
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
