package jobs_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// logBuffer collects a JSON slog handler's lines, safe for the jobs'
// goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// records are the lines logged with message msg.
func (l *logBuffer) records(t *testing.T, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(l.b.String()), "\n") {
		if line == "" {
			continue
		}
		var r map[string]any
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		if r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

// TestJobs runs the jobs' tests on real PostGIS, over one database (each
// makes jobs and keys of its own).
func TestJobs(t *testing.T) {
	db := postgistest.Open(t)
	t.Run("RunsInBackground", func(t *testing.T) { testJobRunsInBackground(t, db) })
	t.Run("FailedCarriesProblems", func(t *testing.T) { testJobFailedCarriesProblems(t, db) })
	t.Run("Visibility", func(t *testing.T) { testJobVisibility(t, db) })
	t.Run("Bounded", func(t *testing.T) { testJobsBounded(t, db) })
	t.Run("StaleFailedOnStart", func(t *testing.T) { testStaleJobFailedOnStart(t, db) })
}

func newRunner(t *testing.T, db *postgis.DB, logs io.Writer, concurrency int) *jobs.Runner {
	t.Helper()
	if logs == nil {
		logs = io.Discard
	}
	r := jobs.New(jobs.Options{Store: db, Logger: slog.New(slog.NewJSONHandler(logs, nil)), Concurrency: concurrency,
		SpoolDir: t.TempDir(), Beat: 20 * time.Millisecond})
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		if err := r.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return r
}

func planner(t *testing.T, db *postgis.DB, name string) zonegis.Actor {
	t.Helper()
	_, k, err := db.CreateKey(context.Background(), name, zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	return zonegis.Actor{KeyID: k.ID, KeyName: k.Name, Role: "user", UserID: k.UserID, RequestID: "req-" + name}
}

// await polls job id until until says yes, for at most 10 s.
func await(t *testing.T, r *jobs.Runner, a zonegis.Actor, id string, until func(*postgis.ImportJob) bool) *postgis.ImportJob {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		j, err := r.Get(context.Background(), a, id)
		if err != nil {
			t.Fatal(err)
		}
		if until(j) {
			return j
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s: still %s %+v", id, j.Status, j.ImportJobCounts)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// testJobRunsInBackground submits a job whose import the test holds: the
// body is spooled before Submit returns, the job is running with the
// progress its heartbeat records, and once let go it is done with the
// seq and count; the start and end are logged with the counts.
func testJobRunsInBackground(t *testing.T, db *postgis.DB) {
	var logs logBuffer
	r := newRunner(t, db, &logs, 1)
	a := planner(t, db, "Phòng Quy hoạch")
	release := make(chan struct{})
	var got string
	imp := func(ctx context.Context, body io.Reader) (int64, int, error) {
		b, err := io.ReadAll(body)
		got = string(b)
		p := registry.ProgressFrom(ctx)
		p.Read(5)
		p.Checked(4)
		<-release
		p.SetPhase(registry.PhaseWriting)
		p.Written(5)
		return 77, 5, err
	}
	body := strings.NewReader(`{"type":"FeatureCollection","features":[]}`)
	j, err := r.Submit(context.Background(), a, zonegis.CollectionParcels, body, 1<<20, imp)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != postgis.JobQueued || j.KeyID != a.KeyID || j.BodyBytes != int64(body.Size()) {
		t.Errorf("submitted %+v", j)
	}
	running := await(t, r, a, j.ID, func(j *postgis.ImportJob) bool { return j.Status == postgis.JobRunning && j.Read == 5 })
	if running.Checked != 4 || running.Started == nil || running.Finished != nil || running.Phase != "reading" {
		t.Errorf("running %+v", running)
	}
	close(release)
	done := await(t, r, a, j.ID, func(j *postgis.ImportJob) bool { return j.Status == postgis.JobDone })
	if *done.Seq != 77 || *done.Imported != 5 || done.Written != 5 || done.Total != 5 || done.Finished == nil || done.Report != nil {
		t.Errorf("done %+v", done)
	}
	if got != `{"type":"FeatureCollection","features":[]}` {
		t.Errorf("the import read %q", got)
	}
	start, end := logs.records(t, "import started"), logs.records(t, "import done")
	if len(start) != 1 || len(end) != 1 {
		t.Fatalf("%d start and %d end lines", len(start), len(end))
	}
	if start[0]["job"] != j.ID || start[0]["key"] != "Phòng Quy hoạch" || start[0]["collection"] != "parcels" {
		t.Errorf("start %v", start[0])
	}
	if e := end[0]; e["imported"] != 5.0 || e["read"] != 5.0 || e["checked"] != 4.0 || e["written"] != 5.0 || e["seq"] != 77.0 || e["duration_ms"] == nil {
		t.Errorf("end %v", e)
	}
}

// testJobFailedCarriesProblems: a refused import's job is failed with the
// problem, its problems listed; an internal error is stored as "internal
// error" only (and logged whole).
func testJobFailedCarriesProblems(t *testing.T, db *postgis.DB) {
	var logs logBuffer
	r := newRunner(t, db, &logs, 2)
	a := planner(t, db, "planner")
	probs := []zonegis.ImportProblem{{Index: 3, Code: zonegis.EINVALID, Reason: "boundary is not valid"}, {Index: 9, Code: zonegis.ECONFLICT, Reason: "overlaps"}}
	refuse := func(ctx context.Context, body io.Reader) (int64, int, error) {
		registry.ProgressFrom(ctx).Read(10)
		return 0, 0, &zonegis.Error{Code: zonegis.EINVALID, Message: "import refused: 2 features have problems; nothing was written",
			Details: map[string]any{"problems": probs}}
	}
	j, err := r.Submit(context.Background(), a, zonegis.CollectionParcels, strings.NewReader("{}"), 1<<20, refuse)
	if err != nil {
		t.Fatal(err)
	}
	failed := await(t, r, a, j.ID, func(j *postgis.ImportJob) bool { return j.Status == postgis.JobFailed })
	var rep struct {
		Code    string `json:"code"`
		Detail  string `json:"detail"`
		Details struct {
			Problems []zonegis.ImportProblem `json:"problems"`
		} `json:"details"`
	}
	if err := json.Unmarshal(failed.Report, &rep); err != nil {
		t.Fatal(err)
	}
	if rep.Code != zonegis.EINVALID || !strings.Contains(rep.Detail, "2 features have problems") ||
		fmt.Sprint(rep.Details.Problems) != fmt.Sprint(probs) || failed.Read != 10 || failed.Seq != nil {
		t.Errorf("failed job %+v, report %s", failed, failed.Report)
	}
	if l := logs.records(t, "import refused"); len(l) != 1 || l[0]["problems"] != 2.0 || l[0]["code"] != "invalid" || l[0]["read"] != 10.0 {
		t.Errorf("refusal logged as %v", l)
	}

	broken := func(context.Context, io.Reader) (int64, int, error) { return 0, 0, fmt.Errorf("disk on fire") }
	j, err = r.Submit(context.Background(), a, zonegis.CollectionParcels, strings.NewReader("{}"), 1<<20, broken)
	if err != nil {
		t.Fatal(err)
	}
	failed = await(t, r, a, j.ID, func(j *postgis.ImportJob) bool { return j.Status == postgis.JobFailed })
	if string(failed.Report) != `{"code": "internal", "detail": "internal error"}` {
		t.Errorf("internal failure stored as %s", failed.Report)
	}
	if l := logs.records(t, "import failed"); len(l) != 1 || l[0]["err"] != "disk on fire" {
		t.Errorf("internal failure logged as %v", l)
	}
}

// testJobVisibility: a job is the key's that posted it, and admins';
// another planner and a malformed id get ENOTFOUND.
func testJobVisibility(t *testing.T, db *postgis.DB) {
	r := newRunner(t, db, nil, 1)
	a, other := planner(t, db, "a"), planner(t, db, "b")
	ok := func(context.Context, io.Reader) (int64, int, error) { return 1, 0, nil }
	j, err := r.Submit(context.Background(), a, zonegis.CollectionZones, strings.NewReader("{}"), 1<<20, ok)
	if err != nil {
		t.Fatal(err)
	}
	await(t, r, a, j.ID, func(j *postgis.ImportJob) bool { return j.Status == postgis.JobDone })
	admin := zonegis.Actor{KeyID: 999, Role: zonegis.RoleAdmin}
	if _, err := r.Get(context.Background(), admin, j.ID); err != nil {
		t.Errorf("admin: %v", err)
	}
	for _, c := range []struct {
		who zonegis.Actor
		id  string
	}{{other, j.ID}, {zonegis.Actor{Role: zonegis.RolePlanner}, j.ID}, {a, "not-a-uuid"}, {a, "00000000-0000-0000-0000-000000000000"}} {
		if _, err := r.Get(context.Background(), c.who, c.id); zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
			t.Errorf("%s reading %s: %v, want ENOTFOUND", c.who.KeyName, c.id, err)
		}
	}
}

// testJobsBounded: with one job running, one more waits queued; the
// third is refused at once (EUNAVAILABLE), and a body past the limit is
// ETOOLARGE; both free their place.
func testJobsBounded(t *testing.T, db *postgis.DB) {
	r := newRunner(t, db, nil, 1)
	a := planner(t, db, "a")
	release := make(chan struct{})
	hold := func(context.Context, io.Reader) (int64, int, error) { <-release; return 1, 1, nil }
	first, err := r.Submit(context.Background(), a, zonegis.CollectionParcels, strings.NewReader("{}"), 1<<20, hold)
	if err != nil {
		t.Fatal(err)
	}
	await(t, r, a, first.ID, func(j *postgis.ImportJob) bool { return j.Status == postgis.JobRunning })
	second, err := r.Submit(context.Background(), a, zonegis.CollectionParcels, strings.NewReader("{}"), 1<<20, hold)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Submit(context.Background(), a, zonegis.CollectionParcels, strings.NewReader("{}"), 1<<20, hold); zonegis.ErrorCode(err) != zonegis.EUNAVAILABLE {
		t.Errorf("a third job: %v, want EUNAVAILABLE", err)
	}
	time.Sleep(60 * time.Millisecond) // a few heartbeats: the queued one is still queued
	if j, _ := r.Get(context.Background(), a, second.ID); j.Status != postgis.JobQueued || j.Phase != "" {
		t.Errorf("second job %s in phase %q, want queued in none", j.Status, j.Phase)
	}
	close(release)
	await(t, r, a, second.ID, func(j *postgis.ImportJob) bool { return j.Status == postgis.JobDone })
	if _, err := r.Submit(context.Background(), a, zonegis.CollectionParcels, strings.NewReader(strings.Repeat("x", 101)), 100, hold); zonegis.ErrorCode(err) != zonegis.ETOOLARGE {
		t.Errorf("a body past the limit: %v, want ETOOLARGE", err)
	}
	if _, err := r.Submit(context.Background(), a, zonegis.CollectionParcels, strings.NewReader("{}"), 1<<20, hold); err != nil {
		t.Errorf("after the others: %v", err)
	}
}

// testStaleJobFailedOnStart: a job left running by an instance that died
// (heartbeat older than the lease) is failed by the next start's sweep,
// with a report saying why; a live job is left alone; finished jobs past
// the keep time are deleted. Reading a stale job fails it too.
func testStaleJobFailedOnStart(t *testing.T, db *postgis.DB) {
	ctx := context.Background()
	a := planner(t, db, "a")
	mk := func() string {
		j, err := db.CreateImportJob(ctx, a, zonegis.CollectionParcels, 10)
		if err != nil {
			t.Fatal(err)
		}
		if err := db.StartImportJob(ctx, j.ID); err != nil {
			t.Fatal(err)
		}
		return j.ID
	}
	dead, alive, old, readLater := mk(), mk(), mk(), mk()
	exec := func(sql string, args ...any) {
		if _, err := db.Pool().Exec(ctx, sql, args...); err != nil {
			t.Fatal(err)
		}
	}
	exec(`UPDATE import_jobs SET heartbeat_at = now() - interval '1 hour' WHERE id = ANY($1::uuid[])`, []string{dead, readLater})
	exec(`UPDATE import_jobs SET status = 'done', finished_at = now() - interval '30 days' WHERE id = $1::uuid`, old)

	r := jobs.New(jobs.Options{Store: db}) // the next start
	if err := r.Sweep(ctx); err != nil {
		t.Fatal(err)
	}
	j, err := r.Get(ctx, a, dead)
	if err != nil {
		t.Fatal(err)
	}
	if j.Status != postgis.JobFailed || j.Finished == nil || !strings.Contains(string(j.Report), "stopped before it finished") {
		t.Errorf("dead instance's job: %s %s", j.Status, j.Report)
	}
	if j, err := r.Get(ctx, a, alive); err != nil || j.Status != postgis.JobRunning {
		t.Errorf("live job: %v %v", j, err)
	}
	if _, err := r.Get(ctx, a, old); zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
		t.Errorf("a job finished 30 days ago: %v, want deleted", err)
	}
	// The dead instance's heartbeat beat no more: its late outcome is refused.
	if err := db.FinishImportJob(ctx, dead, postgis.JobDone, postgis.ImportJobCounts{}, nil, nil, nil); zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
		t.Errorf("finishing a failed job: %v", err)
	}
	// Another stale job, between sweeps: reading it fails it.
	exec(`UPDATE import_jobs SET status = 'running', finished_at = NULL, report = NULL, heartbeat_at = now() - interval '1 hour' WHERE id = $1::uuid`, readLater)
	if j, err := r.Get(ctx, a, readLater); err != nil || j.Status != postgis.JobFailed {
		t.Errorf("a stale job read: %v %v", j, err)
	}
}

// TestRunLogsSynchronous: an import that the request waits for is logged
// as a job is, without a job id.
func TestRunLogsSynchronous(t *testing.T) {
	var logs logBuffer
	r := jobs.New(jobs.Options{Logger: slog.New(slog.NewJSONHandler(&logs, nil))})
	imp := func(ctx context.Context, body io.Reader) (int64, int, error) {
		p := registry.ProgressFrom(ctx)
		p.Read(3)
		p.Checked(3)
		p.Written(3)
		return 9, 3, nil
	}
	a := zonegis.Actor{KeyID: 1, KeyName: "k", Role: zonegis.RolePlanner, RequestID: "r1"}
	if _, n, err := r.Run(context.Background(), jobs.Meta{Actor: a, Collection: "zones", BodyBytes: 42}, nil, strings.NewReader(""), imp); err != nil || n != 3 {
		t.Fatal(n, err)
	}
	start, end := logs.records(t, "import started"), logs.records(t, "import done")
	if len(start) != 1 || start[0]["bytes"] != 42.0 || start[0]["request_id"] != "r1" || start[0]["job"] != nil {
		t.Errorf("start %v", start)
	}
	if len(end) != 1 || end[0]["imported"] != 3.0 || end[0]["written"] != 3.0 || end[0]["collection"] != "zones" {
		t.Errorf("end %v", end)
	}
}
