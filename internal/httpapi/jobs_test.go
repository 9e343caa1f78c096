package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// syncLog is a buffer for a JSON slog handler shared with the server's
// goroutines.
type syncLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *syncLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// lines are the records logged with message msg.
func (l *syncLog) lines(t *testing.T, msg string) []map[string]any {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []map[string]any
	for _, s := range strings.Split(l.b.String(), "\n") {
		var r map[string]any
		if s != "" && json.Unmarshal([]byte(s), &r) == nil && r["msg"] == msg {
			out = append(out, r)
		}
	}
	return out
}

// startJobInstance is startInstance with an import-job runner (a short
// heartbeat) and the server's log captured in logs; the runner is closed
// when the test ends, its jobs finished.
func startJobInstance(t *testing.T, db *postgis.DB, logs *syncLog) string {
	t.Helper()
	logger := slog.New(slog.NewJSONHandler(logs, nil))
	ix := index.New()
	fl := indexsync.New(db, ix, slog.New(slog.DiscardHandler))
	if err := fl.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fl.Run(ctx)
	}()
	jr := jobs.New(jobs.Options{Store: db, Logger: logger, SpoolDir: t.TempDir(), Beat: 50 * time.Millisecond})
	if err := jr.Sweep(context.Background()); err != nil { // as serve does at start
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger, Jobs: jr}))
	t.Cleanup(func() {
		srv.Close()
		cctx, ccancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer ccancel()
		if err := jr.Close(cctx); err != nil {
			t.Errorf("import jobs: %v", err)
		}
		cancel()
		<-done
	})
	return srv.URL
}

// on is e with its requests sent to the instance at url.
func (e *writeEnv) on(url string) *writeEnv {
	c := *e
	c.fixture = &fixture{pool: e.pool, url: url}
	return &c
}

// importJob is a job as GET /jobs/{id} answers it.
type importJob struct {
	ID       string `json:"id"`
	Status   string `json:"status"`
	Progress struct {
		Read, Checked, Written, Total int64
	} `json:"progress"`
	Result *struct {
		Imported int64  `json:"imported"`
		Seq      int64  `json:"seq"`
		Coll     string `json:"collection"`
	} `json:"result"`
	Error *struct {
		Status  int    `json:"status"`
		Code    string `json:"code"`
		Detail  string `json:"detail"`
		Details struct {
			Problems []importProblem `json:"problems"`
		} `json:"details"`
	} `json:"error"`
}

// awaitJob polls the job at loc (its Location) with key until it is
// finished, for at most 20 s, and returns it with every status it was
// seen in.
func (e *writeEnv) awaitJob(t *testing.T, loc, key string) (importJob, []string) {
	t.Helper()
	var seen []string
	deadline := time.Now().Add(20 * time.Second)
	for {
		r := e.send(t, http.MethodGet, loc, key, nil)
		want(t, r, http.StatusOK, "GET "+loc)
		var j importJob
		if err := json.Unmarshal(r.body, &j); err != nil {
			t.Fatal(err)
		}
		if len(seen) == 0 || seen[len(seen)-1] != j.Status {
			seen = append(seen, j.Status)
		}
		if j.Status == "done" || j.Status == "failed" {
			if r.header.Get("Retry-After") != "" {
				t.Errorf("a finished job with Retry-After")
			}
			return j, seen
		}
		if r.header.Get("Retry-After") != "1" {
			t.Errorf("a %s job without Retry-After: 1", j.Status)
		}
		if time.Now().After(deadline) {
			t.Fatalf("job %s still %s", loc, j.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// parcels are n lots of 15 m × 15 m on a grid in the test zone, the
// from-th cell first.
func (e *writeEnv) parcels(n int, prefix string, from int) map[string]any {
	var feats []any
	for i := from; i < from+n; i++ {
		x := zx0 + 0.0002*float64(i%40)
		y := zy0 + 0.0002*float64(i/40)
		feats = append(feats, e.parcelDoc(fmt.Sprintf("%s-%03d", prefix, i), polygon(x, y, x+0.00015, y+0.00015)))
	}
	return collectionOf(feats...)
}

// TestImportJob posts an import with async=true: 202 with a Location,
// the job goes from queued or running to done with the count and seq, and
// the parcels are there; a second instance over the same database answers
// the job the same; another planner gets 404, no key 401, an admin 200.
// Both instances' logs say nothing of the other's job, and the taking
// instance logs its start and end with the counts.
func TestImportJob(t *testing.T) {
	e := newWriteEnv(t)
	var logs1, logs2 syncLog
	one, two := e.on(startJobInstance(t, e.db, &logs1)), e.on(startJobInstance(t, e.db, &logs2))
	before := e.count(t, "parcels")
	posted := time.Now()
	r := one.send(t, http.MethodPost, "/collections/parcels/import?async=true", e.planner, e.parcels(120, "J", 0))
	accept := time.Since(posted)
	want(t, r, http.StatusAccepted, "async import")
	loc := r.header.Get("Location")
	var accepted importJob
	if err := json.Unmarshal(r.body, &accepted); err != nil || !strings.HasPrefix(loc, "/jobs/") || loc != "/jobs/"+accepted.ID {
		t.Fatalf("Location %q, body %s (%v)", loc, r.body, err)
	}
	if accepted.Status != "queued" {
		t.Errorf("accepted job %s, want queued", accepted.Status)
	}
	j, seen := one.awaitJob(t, loc, e.planner)
	t.Logf("202 after %v, done after %v; statuses seen %v", accept.Round(time.Millisecond), time.Since(posted).Round(time.Millisecond), seen)
	if j.Status != "done" || j.Result == nil || j.Result.Imported != 120 || j.Result.Seq <= 0 || j.Result.Coll != "parcels" {
		t.Fatalf("job %+v (seen %v)", j, seen)
	}
	if p := j.Progress; p.Read != 120 || p.Checked != 120 || p.Written != 120 || p.Total != 120 {
		t.Errorf("progress %+v", p)
	}
	if n := e.count(t, "parcels"); n != before+120 {
		t.Errorf("%d parcels, want %d", n, before+120)
	}
	// The other instance answers the same job.
	j2, _ := two.awaitJob(t, loc, e.planner)
	if j2.Status != "done" || j2.Result == nil || *j2.Result != *j.Result {
		t.Errorf("second instance: %+v", j2)
	}
	other, _, err := e.db.CreateKey(context.Background(), "Phòng khác", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	wantProblem(t, two.send(t, http.MethodGet, loc, other, nil), http.StatusNotFound, zonegis.ENOTFOUND, "visible to the user who posted it")
	wantProblem(t, two.send(t, http.MethodGet, loc, "", nil), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
	want(t, two.send(t, http.MethodGet, loc, e.admin, nil), http.StatusOK, "admin reads the job")
	wantProblem(t, two.send(t, http.MethodGet, "/jobs/12", e.planner, nil), http.StatusNotFound, zonegis.ENOTFOUND)

	start, end := logs1.lines(t, "import started"), logs1.lines(t, "import done")
	if len(start) != 1 || len(end) != 1 || start[0]["job"] != j.ID || end[0]["job"] != j.ID || end[0]["imported"] != 120.0 ||
		end[0]["written"] != 120.0 || end[0]["key"] != e.plannerName || end[0]["duration_ms"] == nil {
		t.Errorf("instance one logged start %v, end %v", start, end)
	}
	if l := logs2.lines(t, "import started"); len(l) != 0 {
		t.Errorf("instance two logged an import it did not run: %v", l)
	}
}

// TestImportJobFailed: a refused import's job (asked with Prefer:
// respond-async) is failed with the problem the synchronous import
// answers, every refused feature listed; nothing is written.
func TestImportJobFailed(t *testing.T) {
	e := newWriteEnv(t)
	var logs syncLog
	one := e.on(startJobInstance(t, e.db, &logs))
	fc := e.parcels(30, "F", 0)
	feats := fc["features"].([]any)
	feats[4] = e.parcelDoc("F-OUT", polygon(zx1-0.0001, zy1-0.0001, zx1+0.001, zy1+0.001)) // outside the zone
	feats[7].(map[string]any)["properties"].(map[string]any)["owner"] = "Ông Ba"           // unknown field
	before := e.count(t, "parcels")
	r := one.send(t, http.MethodPost, "/collections/parcels/import", e.planner, fc, "Prefer", "respond-async, wait=10")
	want(t, r, http.StatusAccepted, "import preferring async")
	if r.header.Get("Preference-Applied") != "respond-async" {
		t.Errorf("Preference-Applied %q", r.header.Get("Preference-Applied"))
	}
	j, _ := one.awaitJob(t, r.header.Get("Location"), e.planner)
	if j.Status != "failed" || j.Error == nil || j.Error.Status != http.StatusBadRequest || j.Error.Code != zonegis.EINVALID ||
		!strings.Contains(j.Error.Detail, "2 features have problems; nothing was written") {
		t.Fatalf("job %+v", j)
	}
	var idx []int
	for _, p := range j.Error.Details.Problems {
		idx = append(idx, p.Index)
	}
	if fmt.Sprint(idx) != "[4 7]" || !strings.Contains(j.Error.Details.Problems[0].Reason, "outside zone") {
		t.Errorf("problems %+v", j.Error.Details.Problems)
	}
	if p := j.Progress; p.Read != 30 || p.Checked != 30 || p.Written != 0 {
		t.Errorf("progress %+v", p)
	}
	if n := e.count(t, "parcels"); n != before {
		t.Errorf("%d parcels after a refused job, want %d", n, before)
	}
	if l := logs.lines(t, "import refused"); len(l) != 1 || l[0]["problems"] != 2.0 || l[0]["code"] != "invalid" {
		t.Errorf("refusal logged as %v", l)
	}
	wantProblem(t, one.send(t, http.MethodPost, "/collections/parcels/import?async=maybe", e.planner, fc), http.StatusBadRequest, zonegis.EINVALID, "async: want true or false")
}

// TestImportJobLargeBody: a body over 4 MiB runs as a job without being
// asked (here a FeatureCollection with a long "name", which an import
// skips), unless async=false.
func TestImportJobLargeBody(t *testing.T) {
	e := newWriteEnv(t)
	var logs syncLog
	one := e.on(startJobInstance(t, e.db, &logs))
	fc := e.parcels(3, "L", 0)
	fc["name"] = strings.Repeat("x", httpapi.AsyncImportBytes)
	r := one.send(t, http.MethodPost, "/collections/parcels/import", e.planner, fc)
	want(t, r, http.StatusAccepted, "large import")
	j, _ := one.awaitJob(t, r.header.Get("Location"), e.planner)
	if j.Status != "done" || j.Result.Imported != 3 {
		t.Fatalf("job %+v", j)
	}
	fc = e.parcels(3, "M", 3)
	fc["name"] = strings.Repeat("x", httpapi.AsyncImportBytes)
	want(t, one.send(t, http.MethodPost, "/collections/parcels/import?async=false", e.planner, fc), http.StatusCreated, "large import waited for")
}

// TestImportLogged: an import the request waits for is logged with its
// start and end, counts and duration; a refused one with its problems.
func TestImportLogged(t *testing.T) {
	e := newWriteEnv(t)
	var logs syncLog
	one := e.on(startJobInstance(t, e.db, &logs))
	want(t, one.send(t, http.MethodPost, "/collections/parcels/import", e.planner, e.parcels(5, "S", 0)), http.StatusCreated, "import")
	start, end := logs.lines(t, "import started"), logs.lines(t, "import done")
	if len(start) != 1 || start[0]["collection"] != "parcels" || start[0]["key"] != e.plannerName || start[0]["job"] != nil {
		t.Errorf("start %v", start)
	}
	if len(end) != 1 || end[0]["imported"] != 5.0 || end[0]["read"] != 5.0 || end[0]["checked"] != 5.0 || end[0]["written"] != 5.0 ||
		end[0]["seq"] == nil || end[0]["duration_ms"] == nil {
		t.Errorf("end %v", end)
	}
	r := one.send(t, http.MethodPost, "/collections/parcels/import", e.planner, e.parcels(5, "S", 0)) // the same lots again
	wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID)
	if l := logs.lines(t, "import refused"); len(l) != 1 || l[0]["problems"].(float64) < 5 || l[0]["written"] != 0.0 { // each lot: overlap and duplicate
		t.Errorf("refusal logged as %v", l)
	}
}

// TestImportJobStale: a job left running by an instance that died is
// failed when an instance starts (its sweep), and answered so, with why.
func TestImportJobStale(t *testing.T) {
	e := newWriteEnv(t)
	ctx := context.Background()
	k, err := e.db.Authenticate(ctx, e.planner)
	if err != nil {
		t.Fatal(err)
	}
	j, err := e.db.CreateImportJob(ctx, k.Actor(), zonegis.CollectionParcels, 100)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.StartImportJob(ctx, j.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Exec(ctx, `UPDATE import_jobs SET heartbeat_at = now() - interval '10 minutes' WHERE id = $1::uuid`, j.ID); err != nil {
		t.Fatal(err)
	}
	var logs syncLog
	one := e.on(startJobInstance(t, e.db, &logs))
	var status string
	if err := e.pool.QueryRow(ctx, `SELECT status FROM import_jobs WHERE id = $1::uuid`, j.ID).Scan(&status); err != nil || status != "failed" {
		t.Fatalf("after a start, the stale job is %q (%v), want failed", status, err)
	}
	got, _ := one.awaitJob(t, "/jobs/"+j.ID, e.planner)
	if got.Error == nil || got.Error.Status != http.StatusServiceUnavailable || !strings.Contains(got.Error.Detail, "stopped before it finished") {
		t.Errorf("stale job %+v", got)
	}
	if l := logs.lines(t, "import jobs swept"); len(l) != 1 || l[0]["failed_stale"] != 1.0 {
		t.Errorf("sweep logged as %v", l)
	}
}
