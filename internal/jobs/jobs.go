// Package jobs runs imports: synchronously for a request that waits, or
// in the background as a job for one that would take long (an upload of
// many features), so that no client times out. A job's state (status,
// progress, outcome) lives in PostgreSQL (table import_jobs), not in the
// memory of the instance that runs it: instances are stateless, and any
// of them answers GET /jobs/{id}. The instance that took a job holds its
// spooled body and runs it, beating a heartbeat with the progress; a job
// whose heartbeat is older than the lease lost its instance and is failed
// by the next instance to start or to read it. Every import, job or not,
// is logged: its start and its end, counts, problems and duration.
//
// The import itself is a closure (ImportFunc) the transport passes in, so
// that what an import is (formats, options, checks: package registry)
// stays out of this package.
package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Store keeps the jobs; *postgis.DB. Each method's errors are documented
// on it.
type Store interface {
	CreateImportJob(ctx context.Context, a zonegis.Actor, collection string, bodyBytes int64) (*postgis.ImportJob, error)
	StartImportJob(ctx context.Context, id string) error
	BeatImportJob(ctx context.Context, id string, c postgis.ImportJobCounts) error
	FinishImportJob(ctx context.Context, id, status string, c postgis.ImportJobCounts, seq, imported *int64, report []byte) error
	ImportJob(ctx context.Context, id string, lease time.Duration, staleReport []byte) (*postgis.ImportJob, error)
	SweepImportJobs(ctx context.Context, lease, keep time.Duration, staleReport []byte) (failed, deleted int64, err error)
}

var _ Store = (*postgis.DB)(nil)

// ImportFunc runs one import of body, reporting into the registry.Progress
// ctx carries (registry.ImportFile does), and returns the change-log seq
// of its write and the features written; a refusal is a *zonegis.Error
// with the problems in its details.
type ImportFunc func(ctx context.Context, body io.Reader) (seq int64, n int, err error)

// Defaults of Options.
const (
	DefaultConcurrency = 2
	DefaultLease       = 30 * time.Second
	DefaultBeat        = 2 * time.Second
	DefaultKeep        = 7 * 24 * time.Hour
	// MaxReportBytes bounds a failed job's report as stored: past it, the
	// list of problems is cut (and says so).
	MaxReportBytes = 1 << 20
)

// Options configure a Runner.
type Options struct {
	Store  Store
	Logger *slog.Logger
	// Concurrency is how many jobs run at once on this instance (0:
	// DefaultConcurrency); as many more wait, queued, with their bodies
	// spooled; past that a new job is refused with EUNAVAILABLE.
	Concurrency int
	// SpoolDir holds the bodies of jobs not yet run ("": os.TempDir()).
	SpoolDir string
	// Lease is how old a heartbeat may be before the job counts as lost
	// with its instance (0: DefaultLease); Beat is how often a job beats
	// (0: DefaultBeat); finished jobs are deleted after Keep (0:
	// DefaultKeep).
	Lease, Beat, Keep time.Duration
}

// Runner runs this instance's imports and answers every instance's jobs.
type Runner struct {
	store             Store
	logger            *slog.Logger
	spoolDir          string
	lease, beat, keep time.Duration
	slots             chan struct{} // running jobs
	places            chan struct{} // running and queued jobs
	ctx               context.Context
	cancel            context.CancelFunc
	wg                sync.WaitGroup
}

// New makes a runner. It starts nothing: Sweep at start, Submit and Run per
// import, Close at shutdown.
func New(o Options) *Runner {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Concurrency <= 0 {
		o.Concurrency = DefaultConcurrency
	}
	r := &Runner{store: o.Store, logger: o.Logger, spoolDir: o.SpoolDir,
		lease: or(o.Lease, DefaultLease), beat: or(o.Beat, DefaultBeat), keep: or(o.Keep, DefaultKeep),
		slots: make(chan struct{}, o.Concurrency), places: make(chan struct{}, 2*o.Concurrency)}
	r.ctx, r.cancel = context.WithCancel(context.Background())
	return r
}

func or(d, def time.Duration) time.Duration {
	if d <= 0 {
		return def
	}
	return d
}

// Lease is how old a heartbeat may get before its job counts as lost.
func (r *Runner) Lease() time.Duration { return r.lease }

// staleReport is the outcome of a job whose instance stopped.
func (r *Runner) staleReport() []byte {
	return report(zonegis.EUNAVAILABLE, fmt.Sprintf("the instance running this import stopped before it finished (no heartbeat for %s); "+
		"an import is written all or nothing, so look at the collection before sending it again", r.lease), nil)
}

// Sweep fails the jobs of instances that died (heartbeat older than the
// lease) and deletes finished jobs older than Keep. The server calls it
// at start. Errors: EUNAVAILABLE.
func (r *Runner) Sweep(ctx context.Context) error {
	failed, deleted, err := r.store.SweepImportJobs(ctx, r.lease, r.keep, r.staleReport())
	if err != nil {
		return err
	}
	if failed > 0 || deleted > 0 {
		r.logger.Info("import jobs swept", "failed_stale", failed, "deleted_old", deleted, "lease", r.lease.String())
	}
	return nil
}

// Meta says which import a log line is about.
type Meta struct {
	Actor      zonegis.Actor
	Collection string
	// BodyBytes is the body's size, -1 when unknown.
	BodyBytes int64
	// Job is the job's id, "" for an import the request waits for.
	Job string
}

func (m Meta) attrs() []any {
	a := []any{"collection", m.Collection, "key", m.Actor.KeyName, "request_id", m.Actor.RequestID}
	if m.Job != "" {
		a = append(a, "job", m.Job)
	}
	return a
}

// Run runs imp over body now, with a progress, and logs its start and
// end: the features read, checked and written, the problems and the time
// taken. It returns what imp returns, and the progress's last state.
func (r *Runner) Run(ctx context.Context, m Meta, p *registry.Progress, body io.Reader, imp ImportFunc) (seq int64, n int, err error) {
	if p == nil {
		p = registry.NewProgress(nil)
	}
	r.logger.Info("import started", append(m.attrs(), "bytes", m.BodyBytes)...)
	seq, n, err = imp(registry.WithProgress(ctx, p), body)
	if err != nil {
		p.SetPhase(registry.PhaseFailed)
	} else {
		p.SetPhase(registry.PhaseDone)
	}
	s := p.Snapshot()
	attrs := append(m.attrs(), "read", s.Read, "checked", s.Checked, "written", s.Written,
		"duration_ms", s.Elapsed.Milliseconds())
	var de *zonegis.Error
	switch {
	case err == nil:
		r.logger.Info("import done", append(attrs, "imported", n, "seq", seq)...)
	case errors.As(postgis.MapError(err), &de) && de.Code != zonegis.EINTERNAL:
		r.logger.Info("import refused", append(attrs, "code", de.Code, "problems", problemCount(de), "detail", de.Message)...)
	default:
		r.logger.Error("import failed", append(attrs, "err", err)...)
	}
	return seq, n, err
}

// problemCount is how many problems a refusal lists.
func problemCount(de *zonegis.Error) int {
	switch ps := de.Details["problems"].(type) {
	case []zonegis.ImportProblem:
		return len(ps)
	case []any:
		return len(ps)
	}
	return 0
}

// Submit spools body (at most limit bytes: ETOOLARGE past it) to a file,
// records a queued job for collection posted by a and returns it; the job
// then runs imp in the background on this instance. The caller answers
// 202 with the job. Errors: EUNAVAILABLE when this instance already has
// as many jobs running and queued as it takes; ETOOLARGE; EINVALID when
// the body cannot be read; what the body's reader returns as a
// *zonegis.Error (bad gzip).
func (r *Runner) Submit(ctx context.Context, a zonegis.Actor, collection string, body io.Reader, limit int64, imp ImportFunc) (*postgis.ImportJob, error) {
	select {
	case r.places <- struct{}{}:
	default:
		return nil, zonegis.Errorf(zonegis.EUNAVAILABLE, "this instance has %d imports running or queued; try again in a minute", cap(r.places))
	}
	release := func() { <-r.places }
	f, size, err := r.spool(body, limit)
	if err != nil {
		release()
		return nil, err
	}
	job, err := r.store.CreateImportJob(ctx, a, collection, size)
	if err != nil {
		f.Close()
		release()
		return nil, err
	}
	r.wg.Add(1)
	go func() {
		defer r.wg.Done()
		defer release()
		defer f.Close()
		r.runJob(job, f, imp)
	}()
	return job, nil
}

// spool copies body to an unlinked temporary file, bounded by limit, and
// rewinds it.
func (r *Runner) spool(body io.Reader, limit int64) (*os.File, int64, error) {
	f, err := os.CreateTemp(r.spoolDir, "zonegis-job-*.body")
	if err != nil {
		return nil, 0, fmt.Errorf("spool an import job: %w", err)
	}
	os.Remove(f.Name()) // gone with the handle
	n, err := io.Copy(f, io.LimitReader(body, limit+1))
	if err == nil && n > limit {
		err = &http.MaxBytesError{Limit: limit}
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		var mbe *http.MaxBytesError
		var de *zonegis.Error
		switch {
		case errors.As(err, &mbe):
			return nil, 0, zonegis.Errorf(zonegis.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
		case errors.As(err, &de):
			return nil, 0, err
		}
		return nil, 0, zonegis.Errorf(zonegis.EINVALID, "request body could not be read: %v", err)
	}
	return f, n, nil
}

// runJob waits for a slot, runs the job with a heartbeat and records its
// outcome.
func (r *Runner) runJob(job *postgis.ImportJob, body io.Reader, imp ImportFunc) {
	ctx := r.ctx
	p := registry.NewProgress(nil)
	var started atomic.Bool // no phase while queued
	counts := func() postgis.ImportJobCounts {
		s := p.Snapshot()
		c := postgis.ImportJobCounts{Read: s.Read, Checked: s.Checked, Written: s.Written, Total: s.Total}
		if started.Load() {
			c.Phase = string(s.Phase)
		}
		return c
	}
	log := r.logger.With("job", job.ID)
	// The heartbeat runs while the job waits and while it runs.
	beatDone := make(chan struct{})
	var beats sync.WaitGroup
	beats.Add(1)
	go func() {
		defer beats.Done()
		t := time.NewTicker(r.beat)
		defer t.Stop()
		for {
			select {
			case <-beatDone:
				return
			case <-t.C:
				if err := r.store.BeatImportJob(ctx, job.ID, counts()); err != nil && ctx.Err() == nil {
					log.Warn("import job heartbeat", "err", err)
				}
			}
		}
	}()
	var seq int64
	var n int
	var err error
	select {
	case r.slots <- struct{}{}:
		if err = r.store.StartImportJob(ctx, job.ID); err == nil {
			started.Store(true)
			m := Meta{Actor: zonegis.Actor{KeyID: job.KeyID, KeyName: job.KeyName, Role: job.Role, RequestID: job.RequestID,
				UserID: job.UserID},
				Collection: job.Collection, BodyBytes: job.BodyBytes, Job: job.ID}
			seq, n, err = r.Run(ctx, m, p, body, imp)
		}
		<-r.slots
	case <-ctx.Done():
		err = ctx.Err()
	}
	close(beatDone)
	beats.Wait()
	// The outcome is recorded even when the runner is closing.
	fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err == nil {
		s, imported := seq, int64(n)
		err = r.store.FinishImportJob(fctx, job.ID, postgis.JobDone, counts(), &s, &imported, nil)
	} else {
		p.SetPhase(registry.PhaseFailed)
		err = r.store.FinishImportJob(fctx, job.ID, postgis.JobFailed, counts(), nil, nil, r.failure(err))
	}
	if err != nil {
		log.Error("import job: recording its outcome", "err", err)
	}
}

// failure is the stored report of a job's error: the problem the import
// would have answered (code, detail and details), bounded.
func (r *Runner) failure(err error) []byte {
	if r.ctx.Err() != nil { // Close cancelled it
		return report(zonegis.EUNAVAILABLE, "the server shut down during the import; nothing was written; send it again", nil)
	}
	var de *zonegis.Error
	if !errors.As(postgis.MapError(err), &de) || de.Code == zonegis.EINTERNAL {
		return report(zonegis.EINTERNAL, "internal error", nil)
	}
	return report(de.Code, de.Message, de.Details)
}

// Report is a failed job's outcome as stored: the problem an import
// answers (its code, detail and details, the problems listed among
// them), as JSON.
type Report struct {
	Code    string         `json:"code"`
	Detail  string         `json:"detail"`
	Details map[string]any `json:"details,omitempty"`
	// Truncated says the problems were cut to stay within MaxReportBytes.
	Truncated bool `json:"truncated,omitempty"`
}

// report encodes a Report within MaxReportBytes: past it, the problems
// listed are halved until it fits (or dropped with any other details).
func report(code, detail string, details map[string]any) []byte {
	rep := Report{Code: code, Detail: detail, Details: details}
	for {
		b, err := json.Marshal(rep)
		if err == nil && len(b) <= MaxReportBytes {
			return b
		}
		rep.Truncated = true
		ps, ok := rep.Details["problems"].([]zonegis.ImportProblem)
		switch {
		case err == nil && ok && len(ps) > 1:
			cut := make(map[string]any, len(rep.Details))
			for k, v := range rep.Details {
				cut[k] = v
			}
			cut["problems"] = ps[:len(ps)/2]
			rep.Details = cut
		case rep.Details != nil:
			rep.Details = nil
		default:
			rep.Detail = rep.Detail[:min(len(rep.Detail), 1000)]
		}
	}
}

// Get reads job id for a: a job is visible to the user who posted it
// and to system admins. A job whose instance stopped (heartbeat older than the
// lease) is failed first. Errors: ENOTFOUND (also for a job of another
// key); EUNAVAILABLE.
func (r *Runner) Get(ctx context.Context, a zonegis.Actor, id string) (*postgis.ImportJob, error) {
	notFound := zonegis.Errorf(zonegis.ENOTFOUND, "no import job %q (a job is visible to the user who posted it and to admins)", id)
	if !isUUID(id) {
		return nil, notFound
	}
	j, err := r.store.ImportJob(ctx, id, r.lease, r.staleReport())
	if zonegis.ErrorCode(err) == zonegis.ENOTFOUND {
		return nil, notFound
	}
	if err != nil {
		return nil, err
	}
	if a.Role != zonegis.SystemAdmin && (a.UserID == 0 || j.UserID != a.UserID) {
		return nil, notFound
	}
	return j, nil
}

// isUUID says whether s is a UUID in its canonical text form.
func isUUID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i, c := range s {
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

// Close waits for the jobs running and queued until ctx ends; then it
// cancels them (each is recorded failed: the server shut
// down) and waits for them to record it.
func (r *Runner) Close(ctx context.Context) error {
	done := make(chan struct{})
	go func() { r.wg.Wait(); close(done) }()
	select {
	case <-done:
		r.cancel()
		return nil
	case <-ctx.Done():
		r.cancel()
		<-done
		return ctx.Err()
	}
}
