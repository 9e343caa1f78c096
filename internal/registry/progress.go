package registry

import (
	"context"
	"io"
	"sync/atomic"
	"time"
)

// Phase is the step an import is in.
type Phase string

// The phases of an import, in order. An import reads (and checks each
// feature on its own), checks in the database, then writes; Done and
// Failed are set by whoever ran it (the CLI, a job).
const (
	PhaseReading  Phase = "reading"
	PhaseChecking Phase = "checking"
	PhaseWriting  Phase = "writing"
	PhaseDone     Phase = "done"
	PhaseFailed   Phase = "failed"
)

// Progress counts what an import has done so far: features read from the
// source, checked (every check done, passed or not) and written (inserted
// in the import's transaction, which commits at the end), the bytes of the
// source read, and the phase. Its counters are atomic: the import adds to
// them as it goes, and anyone (a progress bar, a job's heartbeat) reads
// them at any time with Snapshot, the polling API. The methods of a nil
// *Progress do nothing, so an import run without one pays a nil check.
type Progress struct {
	started                time.Time
	read, checked, written atomic.Int64
	total                  atomic.Int64 // features in the source; 0 unknown
	bytesRead, bytesTotal  atomic.Int64 // 0 total: unknown
	phase                  atomic.Pointer[phaseAt]
	now                    func() time.Time
}

type phaseAt struct {
	phase Phase
	at    time.Time
}

// NewProgress starts counting at now (time.Now when nil), in PhaseReading.
func NewProgress(now func() time.Time) *Progress {
	if now == nil {
		now = time.Now
	}
	p := &Progress{started: now(), now: now}
	p.phase.Store(&phaseAt{PhaseReading, p.started})
	return p
}

// Read adds n features read from the source.
func (p *Progress) Read(n int) {
	if p != nil {
		p.read.Add(int64(n))
	}
}

// Checked adds n features whose checks are done, passed or failed.
func (p *Progress) Checked(n int) {
	if p != nil {
		p.checked.Add(int64(n))
	}
}

// Written adds n features written in the import's transaction.
func (p *Progress) Written(n int) {
	if p != nil {
		p.written.Add(int64(n))
	}
}

// RolledBack says the import's transaction was rolled back: nothing is
// written after all.
func (p *Progress) RolledBack() {
	if p != nil {
		p.written.Store(0)
	}
}

// SetTotal says how many features the source holds, when its format says
// (a Shapefile's or GeoPackage's feature count); the ETA then follows from
// it. Reading the source to its end sets it too (see SetPhase).
func (p *Progress) SetTotal(n int64) {
	if p != nil {
		p.total.Store(n)
	}
}

// SetPhase moves the import to phase ph. Leaving PhaseReading, the total
// is what was read when no format gave it.
func (p *Progress) SetPhase(ph Phase) {
	if p == nil {
		return
	}
	if ph != PhaseReading && p.total.Load() == 0 {
		p.total.Store(p.read.Load())
	}
	p.phase.Store(&phaseAt{ph, p.now()})
}

// CountBytes returns r counting the bytes read from it into p; total is
// the source's size in bytes when known (a file's), 0 otherwise. While
// the feature total is unknown, the ETA of reading follows from the bytes.
func (p *Progress) CountBytes(r io.Reader, total int64) io.Reader {
	if p == nil {
		return r
	}
	p.bytesTotal.Store(total)
	return &countingReader{r: r, n: &p.bytesRead}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

// ProgressSnapshot is what an import has done at one moment.
type ProgressSnapshot struct {
	Phase                  Phase
	Read, Checked, Written int64
	// Total is the features in the source, 0 when not known yet.
	Total int64
	// BytesRead and BytesTotal are the source's bytes (BytesTotal 0:
	// unknown).
	BytesRead, BytesTotal int64
	Started               time.Time
	// Elapsed is the time since the start; PhaseElapsed since the phase
	// began.
	Elapsed, PhaseElapsed time.Duration
}

// Snapshot reads the counters. A nil *Progress gives the zero snapshot.
func (p *Progress) Snapshot() ProgressSnapshot {
	if p == nil {
		return ProgressSnapshot{}
	}
	ph := p.phase.Load()
	now := p.now()
	return ProgressSnapshot{Phase: ph.phase, Read: p.read.Load(), Checked: p.checked.Load(),
		Written: p.written.Load(), Total: p.total.Load(), BytesRead: p.bytesRead.Load(),
		BytesTotal: p.bytesTotal.Load(), Started: p.started,
		Elapsed: now.Sub(p.started), PhaseElapsed: now.Sub(ph.at)}
}

// current is the counter of the phase: read while reading, checked while
// checking, written while writing; checked once finished (a refused
// import wrote none).
func (s ProgressSnapshot) current() int64 {
	switch s.Phase {
	case PhaseReading:
		return s.Read
	case PhaseChecking, PhaseDone, PhaseFailed:
		return s.Checked
	}
	return s.Written
}

// Rate is the features a second of the current phase (read, checked or
// written), 0 before any; once finished, the features checked a second
// over the whole import.
func (s ProgressSnapshot) Rate() float64 {
	sec := s.PhaseElapsed.Seconds()
	if s.Phase == PhaseDone || s.Phase == PhaseFailed {
		sec = s.Elapsed.Seconds()
	}
	if sec <= 0 {
		return 0
	}
	return float64(s.current()) / sec
}

// ETA is the time the current phase still needs at its rate so far, from
// the feature total, or while reading from the source's bytes; ok is false
// when neither is known or nothing has been done yet.
func (s ProgressSnapshot) ETA() (eta time.Duration, ok bool) {
	switch s.Phase {
	case PhaseDone, PhaseFailed:
		return 0, false
	}
	done, total := s.current(), s.Total
	if total <= 0 && s.Phase == PhaseReading && s.BytesTotal > 0 {
		done, total = s.BytesRead, s.BytesTotal
	}
	if total <= 0 || done <= 0 || s.PhaseElapsed <= 0 {
		return 0, false
	}
	left := total - done
	if left < 0 {
		left = 0
	}
	return time.Duration(float64(s.PhaseElapsed) * float64(left) / float64(done)), true
}

type progressKey struct{}

// WithProgress returns ctx carrying p: an import run with it (ImportFile)
// reports into p. It is how a transport hands a progress to an import
// without the import's signature knowing who watches.
func WithProgress(ctx context.Context, p *Progress) context.Context {
	return context.WithValue(ctx, progressKey{}, p)
}

// ProgressFrom is the progress ctx carries, nil when none (whose methods
// do nothing).
func ProgressFrom(ctx context.Context) *Progress {
	p, _ := ctx.Value(progressKey{}).(*Progress)
	return p
}
