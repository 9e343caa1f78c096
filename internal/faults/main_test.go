package faults

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/pgcluster"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/seed"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// seedZone is the one zone that gets synthetic parcels: every zone is
// seeded, but parcels only here, which keeps seeding to a few seconds.
const seedZone = "KCX-TAN-THUAN"

// pollInterval is the followers' safety-net poll; short, so that a test
// never waits long for a missed notification.
const pollInterval = 100 * time.Millisecond

var quiet = slog.New(slog.DiscardHandler)

// testLog writes log lines to a test's log.
type testLog struct{ t testing.TB }

func (w testLog) Write(p []byte) (int, error) {
	w.t.Logf("server: %s", strings.TrimSpace(string(p)))
	return len(p), nil
}

// prepare migrates and seeds the database at url.
func prepare(t *testing.T, url string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	db, err := postgis.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	start := time.Now()
	if _, err := seed.Seed(ctx, db, seed.Options{Parcels: []string{seedZone}}); err != nil {
		t.Fatal(err)
	}
	// The seed leases most parcels; the tests need some free to reserve:
	// end the leases of 20 of them today (which frees them: status follows).
	if _, err := db.Pool().Exec(ctx, `UPDATE leases SET ended_on = zg_today()
			 WHERE parcel_id IN (SELECT id FROM parcels_now WHERE status = 'leased' ORDER BY id LIMIT 20)
			   AND start_date < zg_today() AND coalesce(ended_on, end_date) > zg_today()`); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM parcels_now WHERE status = 'available'`).Scan(&n); err != nil || n < 10 {
		t.Fatalf("%d available parcels after seeding (%v), want 10 or more", n, err)
	}
	t.Logf("seeded in %v", time.Since(start).Round(time.Millisecond))
}

// service is one zonegis instance built in-process as `zonegis serve`
// builds it: a pool, an index loaded and kept in step by its own follower,
// and the HTTP API on a loopback port.
type service struct {
	db  *postgis.DB
	ix  *index.Index
	fl  *indexsync.Follower
	url string // base URL of the API
}

// startService starts an instance over the database at dbURL; it stops
// when the test ends.
func startService(t *testing.T, dbURL string) *service {
	t.Helper()
	return startServiceOn(t, dbURL, "", pollInterval)
}

// startServiceOn starts an instance reading from readURL and writing to
// writeURL ("": readURL too), its follower polling every poll.
func startServiceOn(t *testing.T, readURL, writeURL string, poll time.Duration) *service {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	db, err := postgis.OpenSplit(ctx, readURL, writeURL)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	ix := index.New()
	fl := indexsync.New(db, ix, quiet)
	fl.PollInterval = poll
	if err := fl.Load(ctx); err != nil {
		cancel()
		db.Close()
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fl.Run(ctx)
	}()
	// The API's own errors (an internal error logs its cause) go to the
	// test log, so a 500 says why.
	apiLog := slog.New(slog.NewTextHandler(testLog{t}, &slog.HandlerOptions{Level: slog.LevelError}))
	api := httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: apiLog, Version: "faults"})
	srv := httptest.NewServer(api)
	t.Cleanup(func() {
		srv.Close()
		api.Close()
		cancel()
		<-done
		db.Close()
	})
	s := &service{db: db, ix: ix, fl: fl, url: srv.URL}
	waitFor(t, "the follower to listen", 15*time.Second, func() bool { return fl.Status().Listening })
	return s
}

// plannerKey creates an API key with the planner role.
func plannerKey(t *testing.T, db *postgis.DB) string {
	t.Helper()
	key, _, err := db.CreateKey(context.Background(), "fault tests", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// waitFor polls cond every 20 ms until it holds, failing the test after
// timeout. It returns how long it took.
func waitFor(t *testing.T, what string, timeout time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	for !cond() {
		if time.Since(start) > timeout {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
	return time.Since(start)
}

// answer is an HTTP response read in full.
type answer struct {
	status int
	header http.Header
	body   []byte
}

// client has a timeout so that no fault can hang a test.
var client = &http.Client{Timeout: 30 * time.Second}

// call sends a request with an optional body and headers.
func call(ctx context.Context, method, url string, body io.Reader, header map[string]string) (answer, error) {
	req, err := http.NewRequestWithContext(ctx, method, url, body)
	if err != nil {
		return answer{}, err
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	res, err := client.Do(req)
	if err != nil {
		return answer{}, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return answer{res.StatusCode, res.Header, b}, err
}

// mustCall is call that marks a transport error as a test error (not
// fatal: writers call it from their own goroutines) and then answers
// status 0, which no check accepts.
func mustCall(t *testing.T, method, url, body string, header map[string]string) answer {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	a, err := call(context.Background(), method, url, r, header)
	if err != nil {
		t.Errorf("%s %s: %v", method, url, err)
		return answer{header: http.Header{}}
	}
	return a
}

func bearer(key string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + key, "Content-Type": "application/geo+json"}
}

// problemOf checks that a is an RFC 9457 problem with status (and, when
// code is not "", that zonegis code) and returns "" or what is wrong.
func problemOf(a answer, status int, code string) string {
	var msgs []string
	if a.status != status {
		msgs = append(msgs, fmt.Sprintf("status %d, want %d", a.status, status))
	}
	if ct := a.header.Get("Content-Type"); ct != "application/problem+json" {
		msgs = append(msgs, fmt.Sprintf("Content-Type %q, want application/problem+json", ct))
	}
	var p struct {
		Status int    `json:"status"`
		Title  string `json:"title"`
		Detail string `json:"detail"`
		Code   string `json:"code"`
	}
	if err := json.Unmarshal(a.body, &p); err != nil {
		msgs = append(msgs, fmt.Sprintf("body is not JSON: %v", err))
	} else {
		if p.Status != a.status || p.Title == "" || strings.TrimSpace(p.Detail) == "" {
			msgs = append(msgs, "problem lacks a matching status, a title or a detail")
		}
		if code != "" && p.Code != code {
			msgs = append(msgs, fmt.Sprintf("code %q, want %q", p.Code, code))
		}
	}
	if len(msgs) == 0 {
		return ""
	}
	return strings.Join(msgs, "; ") + fmt.Sprintf(": %.300s", a.body)
}

// indexDiff compares an index snapshot with the database's content and
// describes the first differences, "" when they hold the same features in
// the same versions and shapes.
func indexDiff(snap *index.Snapshot, s *postgis.Snapshot, parcels []*zonegis.Parcel) string {
	var diffs []string
	add := func(format string, args ...any) {
		if len(diffs) < 10 {
			diffs = append(diffs, fmt.Sprintf(format, args...))
		}
	}
	z, p, g := snap.Counts()
	if z != len(s.Zones) || p != len(parcels) || g != len(s.GreenAreas) {
		add("index holds %d zones, %d parcels, %d green areas; the database %d, %d, %d",
			z, p, g, len(s.Zones), len(parcels), len(s.GreenAreas))
	}
	for _, want := range s.Zones {
		e, ok := snap.ZoneEntries().Get(want.ID)
		switch {
		case !ok:
			add("zone %d missing from the index", want.ID)
		case e.Record().Version != want.Version || e.Record().NameEN != want.NameEN ||
			!e.WithBoundary().Boundary.Equal(fixedgeom.Rounded(want.Boundary)):
			got := e.Record()
			add("zone %d: index version %d, database version %d", want.ID, got.Version, want.Version)
		}
	}
	for _, want := range parcels {
		e, ok := snap.ParcelEntries().Get(want.ID)
		got := e.Record()
		switch {
		case !ok:
			add("parcel %d missing from the index", want.ID)
		case got.Version != want.Version || got.Status != want.Status || got.LandUse != want.LandUse ||
			got.ZoneID != want.ZoneID || got.LotCode != want.LotCode || !e.WithBoundary().Boundary.Equal(fixedgeom.Rounded(want.Boundary)):
			add("parcel %d: index v%d %s/%s, database v%d %s/%s", want.ID,
				got.Version, got.Status, got.LandUse, want.Version, want.Status, want.LandUse)
		}
	}
	for _, want := range s.GreenAreas {
		e, ok := snap.GreenAreaEntries().Get(want.ID)
		got := e.Record()
		switch {
		case !ok:
			add("green area %d missing from the index", want.ID)
		case got.Version != want.Version || got.Kind != want.Kind || !e.WithBoundary().Boundary.Equal(fixedgeom.Rounded(want.Boundary)):
			add("green area %d: index version %d, database version %d", want.ID, got.Version, want.Version)
		}
	}
	if snap.Seq() != s.Seq {
		add("index at seq %d, database at %d", snap.Seq(), s.Seq)
	}
	return strings.Join(diffs, "\n")
}

// waitConverged waits until the index holds exactly what db holds, and
// returns how long that took.
func waitConverged(t *testing.T, db *postgis.DB, ix *index.Index, timeout time.Duration) time.Duration {
	t.Helper()
	ctx := context.Background()
	start := time.Now()
	for {
		diff := "the index is behind the change log"
		if maxSeq, err := db.MaxSeq(ctx); err != nil {
			diff = err.Error()
		} else if ix.Snapshot().Seq() >= maxSeq {
			s, parcels := postgistest.LoadAll(t, db)
			if diff = indexDiff(ix.Snapshot(), s, parcels); diff == "" {
				return time.Since(start)
			}
		}
		if time.Since(start) > timeout {
			t.Fatalf("the index did not converge on the database within %v:\n%s", timeout, diff)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ownCluster is a PostgreSQL cluster of one test, which the test may stop
// and start again on the same data directory (and so the same socket and
// connection string).
type ownCluster struct {
	opts pgcluster.Options
	mu   sync.Mutex
	c    *pgcluster.Cluster // nil while stopped
}

// newCluster starts a cluster in a new temporary directory, removed with
// everything in it when the test ends. Without PostgreSQL or PostGIS it
// skips the test, or fails it when ZONEGIS_REQUIRE_POSTGIS=1.
func newCluster(t *testing.T) *ownCluster {
	t.Helper()
	binDir, err := pgcluster.FindBinDir(os.Getenv(pgcluster.EnvBinDir))
	if err == nil {
		err = pgcluster.CheckPostGIS(binDir)
	}
	if err != nil {
		if errors.Is(err, pgcluster.ErrUnavailable) && os.Getenv(pgtest.EnvRequire) != "1" {
			t.Skipf("no PostGIS to test against (set %s=1 to fail instead): %v", pgtest.EnvRequire, err)
		}
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "zonegis-faults-")
	if err != nil {
		t.Fatal(err)
	}
	// MkdirTemp makes it 0700; the server runs as postgres when we are root.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	oc := &ownCluster{opts: pgcluster.Options{DataDir: filepath.Join(dir, "data"), BinDir: binDir, NoSync: true, Logger: quiet}}
	t.Cleanup(func() {
		oc.stop(t)
		os.RemoveAll(dir)
	})
	oc.start(t)
	return oc
}

func (oc *ownCluster) start(t *testing.T) {
	t.Helper()
	oc.mu.Lock()
	defer oc.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := pgcluster.Start(ctx, oc.opts)
	if err != nil {
		t.Fatal(err)
	}
	oc.c = c
}

func (oc *ownCluster) stop(t *testing.T) {
	t.Helper()
	oc.mu.Lock()
	defer oc.mu.Unlock()
	if oc.c == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := oc.c.Stop(ctx); err != nil {
		t.Error(err)
	}
	oc.c = nil
}

func (oc *ownCluster) cluster() *pgcluster.Cluster {
	oc.mu.Lock()
	defer oc.mu.Unlock()
	return oc.c
}

// emptyZone returns the largest zone without parcels and n square cells
// inside it as GeoJSON geometries: 30 m squares 6 m apart on a UTM grid,
// in a square around a point of the zone (gridding all of a large zone
// takes seconds), at least 23 m inside the boundary, so every cell is a
// valid parcel site that overlaps no other.
func emptyZone(t *testing.T, pool *pgxpool.Pool, n int) (zoneID int64, cells []string) {
	t.Helper()
	ctx := context.Background()
	defer func(start time.Time) { t.Logf("%d cells in %v", n, time.Since(start).Round(time.Millisecond)) }(time.Now())
	err := pool.QueryRow(ctx, `SELECT id FROM zones z
		WHERE kind <> 'economic_zone' AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.zone_id = z.id)
		ORDER BY area_m2 DESC LIMIT 1`).Scan(&zoneID)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := pool.Query(ctx, `
		WITH z AS (
			SELECT CASE WHEN ST_X(ST_Centroid(boundary)) < 108 THEN 32648 ELSE 32649 END AS srid, boundary
			  FROM zones WHERE id = $1
		), inner_ AS (
			SELECT srid, ST_Simplify(ST_Buffer(ST_Transform(boundary, srid), -25), 2) AS ib FROM z
		), box AS (
			-- A square around a point inside, large enough for n cells.
			SELECT srid, ST_Intersection(ib, ST_Expand(ST_PointOnSurface(ib), 30 * sqrt($2::float8))) AS ib FROM inner_
		)
		SELECT ST_AsGeoJSON(ST_Transform(ST_Buffer(g.geom, -3, 'join=mitre'), 4326), 9)
		  FROM box, LATERAL ST_SquareGrid(36, ib) g
		 WHERE ST_Contains(ib, g.geom)
		 ORDER BY g.j, g.i
		 LIMIT $2`, zoneID, n)
	if err != nil {
		t.Fatal(err)
	}
	cells, err = pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		t.Fatal(err)
	}
	if len(cells) < n {
		t.Fatalf("zone %d has room for %d cells, want %d", zoneID, len(cells), n)
	}
	return zoneID, cells
}

// parcelFeature is a GeoJSON Feature for a new parcel.
func parcelFeature(zoneID int64, lot, geometry string) string {
	var b bytes.Buffer
	fmt.Fprintf(&b, `{"type":"Feature","geometry":%s,"properties":{"zone_id":%d,"lot_code":%q,"land_use":"industrial"}}`,
		geometry, zoneID, lot)
	return b.String()
}
