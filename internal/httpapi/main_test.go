package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/seed"
)

// TestMain runs the tests, then closes the shared fixtures' servers (their
// exports' temporary directories).
func TestMain(m *testing.M) {
	pgtest.Main(m, func() {
		if shared.api != nil {
			shared.api.Close()
		}
		httpapi.CloseFixtures()
	})
}

// seedZones are the zones that get synthetic parcels, green areas and
// leases: two export processing zones and the Saigon Hi-Tech Park, all in
// Ho Chi Minh City, so that boxes and radii can span more than one.
var seedZones = []string{"KCX-TAN-THUAN", "KCX-LINH-TRUNG-1", "SHTP"}

// fixture is a migrated, seeded database, an index loaded from it by the
// follower, and the API over both served on a loopback port. The tests in
// this package only read, so they share one.
type fixture struct {
	pool *pgxpool.Pool // for the SQL that each answer is checked against
	url  string        // base URL of the API, no trailing slash
}

// shared is the package's one fixture. Seeding 290 zones takes seconds, so
// it is built once per test binary by whichever test asks first; like
// pgtest's cluster it is a per-process resource, the reason for a package
// variable. The database, connections and server live until the process
// ends, when pgtest.Main stops the cluster (fast shutdown) with them.
var shared struct {
	once sync.Once
	f    *fixture
	api  *httpapi.Server
	err  error
	skip string
}

// seeded returns the shared fixture, skipping or failing t as building it
// did.
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

// build makes the fixture. It returns a skip reason when PostGIS is not
// installed (pgtest's own policy decides between skip and failure).
func build() (f *fixture, skip string, err error) {
	conn, skip, err := newDB()
	if skip != "" || err != nil {
		return nil, skip, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
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
	shared.api = httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger})
	srv := httptest.NewServer(shared.api)
	return &fixture{pool: db.Pool(), url: srv.URL}, "", nil
}

// processTB lends pgtest.NewDB a test that outlives any one test: its
// cleanups are dropped (the database goes with the cluster when
// pgtest.Main returns) and Skipf/Fatalf come back as values, since the
// fixture is built once for tests that each need the outcome.
type processTB struct{ testing.TB }

type abort struct {
	skip bool
	msg  string
}

func (processTB) Helper()        {}
func (processTB) Name() string   { return "httpapi" }
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

func (r response) contentType() string { return r.header.Get("Content-Type") }

// do sends a request to the API and reads the answer. path is relative to
// the API's root, or an absolute URL (a link the API gave).
func (f *fixture) do(t *testing.T, method, path string, body io.Reader, header map[string]string) response {
	t.Helper()
	if !strings.HasPrefix(path, "http://") {
		path = f.url + path
	}
	req, err := http.NewRequest(method, path, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return response{resp.StatusCode, resp.Header, b}
}

// getJSON GETs path, wants 200 and decodes the body into v.
func (f *fixture) getJSON(t *testing.T, path string, v any) response {
	t.Helper()
	r := f.do(t, http.MethodGet, path, nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d, want 200; body %.500s", path, r.status, r.body)
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: %v; body %.500s", path, err, r.body)
	}
	return r
}

// ids runs a query returning one bigint column and collects it.
func (f *fixture) ids(t *testing.T, query string, args ...any) []int64 {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", strings.Join(strings.Fields(query), " "), err)
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// scalar runs a query returning one row into dst.
func (f *fixture) scalar(t *testing.T, query string, args []any, dst ...any) {
	t.Helper()
	if err := f.pool.QueryRow(context.Background(), query, args...).Scan(dst...); err != nil {
		t.Fatalf("%s: %v", strings.Join(strings.Fields(query), " "), err)
	}
}

// feature is a GeoJSON Feature as the API sends it.
type feature struct {
	Type       string          `json:"type"`
	ID         int64           `json:"id"`
	BBox       []float64       `json:"bbox"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
	Links      []link          `json:"links"`
}

type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
	Type string `json:"type"`
}

// featureCollection is an items page or a query answer.
type featureCollection struct {
	Type           string    `json:"type"`
	NumberMatched  *int      `json:"numberMatched"`
	NumberReturned *int      `json:"numberReturned"`
	Features       []feature `json:"features"`
	Links          []link    `json:"links"`
}

func (fc featureCollection) ids() []int64 {
	out := make([]int64, len(fc.Features))
	for i, f := range fc.Features {
		out[i] = f.ID
	}
	return out
}

func (fc featureCollection) link(rel string) (string, bool) {
	for _, l := range fc.Links {
		if l.Rel == rel {
			return l.Href, true
		}
	}
	return "", false
}

// num returns a numeric property.
func (f feature) num(t *testing.T, name string) float64 {
	t.Helper()
	v, ok := f.Properties[name].(float64)
	if !ok {
		t.Fatalf("feature %d: property %q is %T %v, want a number", f.ID, name, f.Properties[name], f.Properties[name])
	}
	return v
}

// sameIDs reports the difference between two id sets, "" when equal.
func sameIDs(got, want []int64) string {
	g, w := map[int64]bool{}, map[int64]bool{}
	for _, id := range got {
		g[id] = true
	}
	for _, id := range want {
		w[id] = true
	}
	var extra, missing []int64
	for id := range g {
		if !w[id] {
			extra = append(extra, id)
		}
	}
	for id := range w {
		if !g[id] {
			missing = append(missing, id)
		}
	}
	if len(extra) == 0 && len(missing) == 0 && len(got) == len(g) {
		return ""
	}
	slices.Sort(extra)
	slices.Sort(missing)
	return fmt.Sprintf("got %d ids (%d distinct), want %d; not expected: %v; missing: %v",
		len(got), len(g), len(want), head(extra), head(missing))
}

func head(ids []int64) []int64 {
	if len(ids) > 20 {
		return ids[:20]
	}
	return ids
}
