// Package memlimit keeps the service's memory near what its data needs.
//
// The index is a large live heap (about 345 MB for a million parcels, their
// geometry in fixed point; 940 MB when it also cached every record's
// GeoJSON) that changes slowly, while requests make short-lived garbage.
// With Go's default GOGC=100 the heap may grow to twice the live heap
// before a collection. Tuner sets a soft
// memory limit (runtime/debug.SetMemoryLimit) of the live heap plus a
// headroom (see Limit), and moves it as the data grows or shrinks, so the process stays
// close to its data's size; the garbage collector runs more often instead.
// An explicit GOMEMLIMIT in the environment turns the tuner off.
package memlimit

import (
	"context"
	"log/slog"
	"math"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The limit is the live heap, plus a headroom for garbage of a third of the
// live heap (at least MinHeadroom), plus what the runtime holds besides
// the heap's objects and free pages (span and GC metadata, stacks), which
// the limit counts too: read at each adjustment (runtimeOverhead), at
// least MinOverhead. Each collection has to mark the whole index (about
// 240 ms of CPU for a million parcels), so the headroom decides how often
// that cost is paid: measured with a million parcels, a 50 MB headroom
// spent a third of the CPU on collections under load, 270 MB about a
// twentieth, with the process staying under 1.4 GB.
//
// The runtime's own memory was a fixed 128 MB; measured with a million
// parcels it is 15 to 20 MB (make bench, /metrics: go_memstats_sys_bytes
// less the heap's in-use and idle bytes), so the heap took the other
// 110 MB as garbage room beyond the headroom, and the process's peak
// memory with it. Part of that room is given back as headroom: with
// 192 MB (the old minimum) and a million parcels, collections under point
// reads ran twice as often as with the old limit (1 → 2 in 10 s of wrk)
// and the reads took about 5% more CPU a request (noisy, shared machine);
// 256 MB of garbage room against the old limit's 300 MB makes them about
// 1.2 times as frequent.
const (
	MinHeadroom  = 256 << 20
	HeadroomPart = 3 // live / HeadroomPart
	MinOverhead  = 16 << 20
)

// Limit returns the memory limit for a live heap of live bytes and a
// runtime holding overhead bytes besides the heap (see runtimeOverhead).
func Limit(live, overhead uint64) int64 {
	h := max(live/HeadroomPart, MinHeadroom) + max(overhead, MinOverhead)
	if live+h > math.MaxInt64 || live+h < live {
		return math.MaxInt64
	}
	return int64(live + h)
}

// runtimeOverhead reads the memory the runtime has from the operating
// system besides the heap's objects, its unused and free space and what it
// returned: span and GC metadata, goroutine stacks, profiling buckets and
// the rest (runtime/metrics, /memory/classes), in bytes.
func runtimeOverhead() uint64 {
	s := []metrics.Sample{
		{Name: "/memory/classes/total:bytes"},
		{Name: "/memory/classes/heap/objects:bytes"},
		{Name: "/memory/classes/heap/unused:bytes"},
		{Name: "/memory/classes/heap/free:bytes"},
		{Name: "/memory/classes/heap/released:bytes"},
	}
	metrics.Read(s)
	var v [5]uint64
	for i := range s {
		if s[i].Value.Kind() != metrics.KindUint64 {
			return 0
		}
		v[i] = s[i].Value.Uint64()
	}
	heap := v[1] + v[2] + v[3] + v[4]
	if heap > v[0] {
		return 0
	}
	return v[0] - heap
}

// liveHeap reads the live heap as of the last collection, in bytes.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}

// Tuner adjusts the memory limit to the live heap.
type Tuner struct {
	logger  *slog.Logger
	last    int64
	loading bool
}

// New returns a tuner, or nil when the environment already sets GOMEMLIMIT
// (getenv reads the environment).
func New(getenv func(string) string, logger *slog.Logger) *Tuner {
	if getenv("GOMEMLIMIT") != "" {
		return nil
	}
	return &Tuner{logger: logger}
}

// LoadingGCPercent is the GOGC the process runs with while it loads its
// index (see Tuner.Loading).
const LoadingGCPercent = 20

// Loading lowers GOGC to LoadingGCPercent until Settle. Loading reads a
// million parcels from the database and copies them, batch by batch, into
// their compact form (see package index, Builder); with GOGC=100 the
// garbage of the records read would let the heap grow well past the index
// before a collection (measured at 250,000 parcels: a peak 50 MB higher
// than at GOGC=20, no faster), and the process's peak memory would be set
// by its start-up.
func (t *Tuner) Loading() {
	if t == nil {
		return
	}
	t.loading = true
	debug.SetGCPercent(LoadingGCPercent)
}

// Settle collects garbage (such as what loading the index left), returns
// free memory to the operating system and sets the limit from the live heap.
// Call it after the index is loaded. It costs one full collection, which
// marks the whole index: debug.FreeOSMemory collects before it returns
// memory, so no runtime.GC before it (that was a second collection, a
// few hundred milliseconds of the start-up with a million parcels).
func (t *Tuner) Settle() {
	if t == nil {
		return
	}
	if t.loading {
		debug.SetGCPercent(100)
		t.loading = false
	}
	debug.FreeOSMemory()
	t.adjust()
}

func (t *Tuner) adjust() {
	live := liveHeap()
	if live == 0 {
		return
	}
	overhead := runtimeOverhead()
	limit := Limit(live, overhead)
	// Move only for changes over 5%: SetMemoryLimit is cheap, logging is not.
	if t.last != 0 && math.Abs(float64(limit-t.last)) < 0.05*float64(t.last) {
		return
	}
	debug.SetMemoryLimit(limit)
	t.last = limit
	t.logger.Info("memory limit", "live_heap_mb", live>>20, "runtime_mb", overhead>>20, "limit_mb", limit>>20)
}

// Run re-reads the live heap every interval until ctx ends.
func (t *Tuner) Run(ctx context.Context, interval time.Duration) {
	if t == nil {
		return
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			t.adjust()
		}
	}
}
