package ogcclients

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/seed"
)

// TestMain runs the tests, then closes the shared fixture's server (its
// exports' temporary directory).
func TestMain(m *testing.M) {
	pgtest.Main(m, func() {
		if shared.api != nil {
			shared.api.Close()
		}
	})
}

// seedZones get synthetic parcels, green areas and leases; every one of
// the 290 zones (289 from OpenStreetMap) is seeded anyway.
var seedZones = []string{"KCX-TAN-THUAN", "KCX-LINH-TRUNG-1", "SHTP"}

// clientTimeout bounds one run of an external client (ogrinfo, ogr2ogr,
// a Python script).
const clientTimeout = 40 * time.Second

// fixture is the API over a migrated, seeded database, served on a
// loopback port, with the log of the requests it received. The tests only
// read, so they share one.
type fixture struct {
	url string // base URL, no trailing slash
	log *requestLog
}

// requestLog records the request URI of every request the server gets:
// the harness's hook, so the service needs no access log for the tests to
// see what a client sent.
type requestLog struct {
	mu   sync.Mutex
	uris []string // "GET /collections/parcels/items?limit=10"
}

func (l *requestLog) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		l.mu.Lock()
		l.uris = append(l.uris, r.Method+" "+r.URL.RequestURI())
		l.mu.Unlock()
		h.ServeHTTP(w, r)
	})
}

// mark is the position of the next request, for since.
func (l *requestLog) mark() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.uris)
}

// since returns the requests received from mark on.
func (l *requestLog) since(mark int) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.uris[mark:]...)
}

// withQuery returns the logged requests to path whose query has param.
func withQuery(reqs []string, path, param string) []string {
	var out []string
	for _, r := range reqs {
		_, uri, _ := strings.Cut(r, " ")
		u, err := url.Parse(uri)
		if err != nil || u.Path != path {
			continue
		}
		if u.Query().Has(param) {
			out = append(out, r)
		}
	}
	return out
}

// shared is the package's one fixture: seeding 290 zones takes seconds, so
// it is built once per test binary by whichever test asks first (as
// httpapi's is); the database and server live until pgtest.Main stops the
// cluster.
var shared struct {
	once sync.Once
	f    *fixture
	api  *httpapi.Server
	err  error
	skip string
}

func seeded(t *testing.T) *fixture {
	t.Helper()
	shared.once.Do(func() { shared.f, shared.skip, shared.err = build() })
	if shared.skip != "" {
		t.Skip(shared.skip)
	}
	if shared.err != nil {
		t.Fatalf("fixture: %v", shared.err)
	}
	return shared.f
}

func build() (f *fixture, skip string, err error) {
	conn, skip, err := newDB()
	if skip != "" || err != nil {
		return nil, skip, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	db, err := postgis.Open(ctx, conn)
	if err != nil {
		return nil, "", err
	}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, "", fmt.Errorf("migrate: %w", err)
	}
	if _, err := seed.Seed(ctx, db, seed.Options{Parcels: seedZones}); err != nil {
		return nil, "", err
	}
	logger := slog.New(slog.DiscardHandler)
	ix := index.New()
	fl := indexsync.New(db, ix, logger)
	if err := fl.Load(ctx); err != nil {
		return nil, "", err
	}
	log := &requestLog{}
	// Through httpx.OneWrite, as zonegis serve listens: the clients read
	// answers sent in one write.
	shared.api = httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger})
	srv := httptest.NewUnstartedServer(log.wrap(shared.api))
	srv.Listener = httpx.OneWrite(srv.Config, srv.Listener)
	srv.Start()
	return &fixture{url: srv.URL, log: log}, "", nil
}

// processTB lends pgtest.NewDB a test that outlives any one test (as in
// httpapi's harness): its cleanups are dropped (the database goes with the
// cluster) and Skipf/Fatalf come back as values.
type processTB struct{ testing.TB }

type abort struct {
	skip bool
	msg  string
}

func (processTB) Helper()        {}
func (processTB) Name() string   { return "ogcclients" }
func (processTB) Cleanup(func()) {}
func (processTB) Skipf(format string, args ...any) {
	panic(abort{skip: true, msg: fmt.Sprintf(format, args...)})
}
func (processTB) Fatalf(format string, args ...any) {
	panic(abort{msg: fmt.Sprintf(format, args...)})
}
func (processTB) Errorf(format string, args ...any) {
	panic(abort{msg: fmt.Sprintf(format, args...)})
}

func newDB() (conn, skip string, err error) {
	defer func() {
		if r := recover(); r != nil {
			a, ok := r.(abort)
			if !ok {
				panic(r)
			}
			if a.skip {
				skip = a.msg
			} else {
				err = fmt.Errorf("%s", a.msg)
			}
		}
	}()
	return pgtest.NewDB(processTB{}), "", nil
}

// response is an answer of the API, read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get sends a GET with the given Accept (none if "") to path (relative to
// the root, or an absolute URL the API gave) and reads the answer.
func (f *fixture) get(t *testing.T, path, accept string) response {
	t.Helper()
	return f.do(t, http.MethodGet, path, map[string]string{"Accept": accept})
}

func (f *fixture) do(t *testing.T, method, path string, header map[string]string) response {
	t.Helper()
	if !strings.HasPrefix(path, "http://") {
		path = f.url + path
	}
	req, err := http.NewRequest(method, path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	client := http.Client{Timeout: 20 * time.Second}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return response{res.StatusCode, res.Header, b}
}

// getJSON GETs path as JSON, wants 200 and decodes the body into v.
func (f *fixture) getJSON(t *testing.T, path string, v any) response {
	t.Helper()
	r := f.get(t, path, "application/json")
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body %.500s", path, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: %v; body %.500s", path, err, r.body)
	}
	return r
}

// count is the API's numberMatched for an items query (path and query
// after /collections/).
func (f *fixture) count(t *testing.T, collection, query string) int {
	t.Helper()
	var p struct {
		NumberMatched *int `json:"numberMatched"`
	}
	f.getJSON(t, "/collections/"+collection+"/items?limit=1&"+query, &p)
	if p.NumberMatched == nil {
		t.Fatalf("%s items?%s: no numberMatched", collection, query)
	}
	return *p.NumberMatched
}

// client runs an external program with clientTimeout and without the
// host's proxy settings (the server is on loopback), and returns its
// standard output and error. A run that fails or times out fails t.
func client(t *testing.T, env []string, prog string, args ...string) (stdout, stderr string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasSuffix(strings.ToLower(k), "_proxy") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	name := prog + " " + strings.Join(args, " ")
	if ctx.Err() != nil {
		t.Fatalf("%s: no answer within %v\nstdout:\n%s\nstderr:\n%s", name, clientTimeout, out.String(), errOut.String())
	}
	if err != nil {
		t.Fatalf("%s: %v\nstdout:\n%.4000s\nstderr:\n%.4000s", name, err, out.String(), errOut.String())
	}
	t.Logf("%s: %v", name, time.Since(start).Round(time.Millisecond))
	return out.String(), errOut.String()
}
