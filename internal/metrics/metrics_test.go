package metrics_test

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/metrics"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/tiles"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// scrape GETs url and parses the Prometheus text format.
func scrape(t *testing.T, url string) map[string]*dto.MetricFamily {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/plain") {
		b, _ := io.ReadAll(res.Body)
		t.Fatalf("GET %s: %d %s %.300s", url, res.StatusCode, res.Header.Get("Content-Type"), b)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(body))
	if err != nil {
		t.Fatalf("the metrics are not Prometheus' text format: %v\n%.500s", err, body)
	}
	return fams
}

// find returns the metric of family name whose labels include want, or nil.
func find(fams map[string]*dto.MetricFamily, name string, want map[string]string) *dto.Metric {
	f := fams[name]
	if f == nil {
		return nil
	}
next:
	for _, m := range f.GetMetric() {
		for k, v := range want {
			found := false
			for _, l := range m.GetLabel() {
				if l.GetName() == k && l.GetValue() == v {
					found = true
				}
			}
			if !found {
				continue next
			}
		}
		return m
	}
	return nil
}

// value is a gauge's or counter's value; -1 when m is nil.
func value(m *dto.Metric) float64 {
	switch {
	case m == nil:
		return -1
	case m.Gauge != nil:
		return m.Gauge.GetValue()
	case m.Counter != nil:
		return m.Counter.GetValue()
	}
	return -1
}

// count is a histogram's sample count, 0 when m is nil.
func count(m *dto.Metric) uint64 {
	if m == nil || m.Histogram == nil {
		return 0
	}
	return m.Histogram.GetSampleCount()
}

// TestMetricsScrape builds the API as `zonegis serve` does, over PostGIS,
// with its metrics, and scrapes GET /metrics: a request moves its route's
// histogram (by template, method and status class; an unknown path goes
// to route "unmatched", never its own series), the index's seq and lag
// follow the change log, and the tile cache, pool, job, Go and process
// metrics are there.
func TestMetricsScrape(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	ix := index.New()
	logger := slog.New(slog.DiscardHandler)
	fl := indexsync.New(db, ix, logger)
	if err := fl.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ts := tiles.New(ix, tiles.Options{CacheBytes: tiles.DefaultCacheBytes})
	jr := jobs.New(jobs.Options{Store: db, Logger: logger})
	st := stats.New(db, stats.Options{})
	m := metrics.New(metrics.Options{Follower: fl, Pools: db, Tiles: ts, Stats: st, Jobs: jr})
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger,
		Tiles: ts, Stats: st, Jobs: jr, Metrics: m}))
	t.Cleanup(srv.Close)

	get := func(path string, want int) {
		t.Helper()
		res, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body) //nolint:errcheck // drained
		res.Body.Close()
		if res.StatusCode != want {
			t.Fatalf("GET %s: %d, want %d", path, res.StatusCode, want)
		}
	}
	const hist = "zonegis_http_request_duration_seconds"
	items := map[string]string{"route": "/collections/:collection/items", "method": "GET", "code": "2xx"}
	unmatched := map[string]string{"route": metrics.Unmatched, "code": "4xx"}
	before := scrape(t, srv.URL+"/metrics")
	get("/collections/parcels/items?limit=1", http.StatusOK)
	get("/collections/zones/items", http.StatusOK)
	get("/collections/nosuch/items", http.StatusNotFound)
	get("/no/such/path/1", http.StatusNotFound)
	get("/no/such/path/2", http.StatusNotFound)
	get("/tiles/zones/3/6/3", http.StatusOK) // rendered: a miss
	get("/tiles/zones/3/6/3", http.StatusOK) // cached: a hit
	get("/stats/investment", http.StatusOK)  // computed: a miss
	get("/stats/investment", http.StatusOK)  // cached: a hit
	after := scrape(t, srv.URL+"/metrics")
	if d := count(find(after, hist, items)) - count(find(before, hist, items)); d != 2 {
		t.Errorf("%s%v moved by %d, want 2", hist, items, d)
	}
	notFound := map[string]string{"route": "/collections/:collection/items", "method": "GET", "code": "4xx"}
	if d := count(find(after, hist, notFound)) - count(find(before, hist, notFound)); d != 1 {
		t.Errorf("%s%v moved by %d, want 1", hist, notFound, d)
	}
	if d := count(find(after, hist, unmatched)) - count(find(before, hist, unmatched)); d != 2 {
		t.Errorf("%s%v moved by %d, want 2", hist, unmatched, d)
	}
	for _, mt := range after[hist].GetMetric() {
		for _, l := range mt.GetLabel() {
			if l.GetName() == "route" && strings.Contains(l.GetValue(), "/no/such") {
				t.Errorf("a raw path became a route label: %v", mt.GetLabel())
			}
		}
	}
	// The text format lists the +Inf bucket too.
	if h := find(after, hist, items).GetHistogram(); h == nil || len(h.GetBucket()) != len(metrics.RequestBuckets)+1 || h.GetSampleSum() <= 0 {
		t.Errorf("the items histogram has %d buckets and sum %v, want %d buckets and a positive sum",
			len(h.GetBucket()), h.GetSampleSum(), len(metrics.RequestBuckets)+1)
	}
	if hits, misses := value(find(after, "zonegis_tile_cache_hits_total", nil)), value(find(after, "zonegis_tile_cache_misses_total", nil)); hits != 1 || misses != 1 {
		t.Errorf("tile cache: %v hits, %v misses; want 1 and 1", hits, misses)
	}
	if b := value(find(after, "zonegis_tile_cache_bytes", nil)); b <= 0 {
		t.Errorf("zonegis_tile_cache_bytes = %v, want the cached tile's bytes", b)
	}
	if hits, misses := value(find(after, "zonegis_investment_cache_hits_total", nil)), value(find(after, "zonegis_investment_cache_misses_total", nil)); hits != 1 || misses != 1 {
		t.Errorf("investment cache: %v hits, %v misses; want 1 and 1", hits, misses)
	}
	if b, n := value(find(after, "zonegis_investment_cache_bytes", nil)), value(find(after, "zonegis_investment_cache_answers", nil)); b <= 0 || n != 1 {
		t.Errorf("investment cache: %v bytes, %v answers; want the one answer's bytes", b, n)
	}

	// The index's lag: a write the follower has not read yet (it is not
	// running) is one change behind; caught up, none.
	if err := db.CreateBoard(ctx, zonegis.Actor{Role: zonegis.RoleAdmin, KeyName: "metrics test"},
		&zonegis.Board{ID: "bql-test", NameVI: "Ban Quản lý thử", NameEN: "Test board", Province: "Đồng Nai"}); err != nil {
		t.Fatal(err)
	}
	behind := scrape(t, srv.URL+"/metrics")
	if v := value(find(behind, "zonegis_index_lag_changes", nil)); v != 1 {
		t.Errorf("zonegis_index_lag_changes = %v with one change unread, want 1", v)
	}
	if err := fl.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	caught := scrape(t, srv.URL+"/metrics")
	maxSeq, err := db.MaxSeq(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if v := value(find(caught, "zonegis_index_lag_changes", nil)); v != 0 {
		t.Errorf("zonegis_index_lag_changes = %v after the catch-up, want 0", v)
	}
	if v := value(find(caught, "zonegis_index_seq", nil)); v != float64(maxSeq) || maxSeq == 0 {
		t.Errorf("zonegis_index_seq = %v, want the log's end %d", v, maxSeq)
	}
	if v := value(find(caught, "zonegis_index_lag_seconds", nil)); !(v >= 0 && v < 5) {
		t.Errorf("zonegis_index_lag_seconds = %v just after a catch-up, want a few seconds at most", v)
	}
	if v := value(find(caught, "zonegis_index_reloads_total", nil)); v != 1 {
		t.Errorf("zonegis_index_reloads_total = %v, want 1 (the load)", v)
	}
	for _, name := range []string{"zonegis_follower_reconnects_total", "zonegis_follower_listening",
		"go_goroutines", "go_memstats_heap_alloc_bytes", "process_resident_memory_bytes", "process_cpu_seconds_total"} {
		if caught[name] == nil {
			t.Errorf("no %s", name)
		}
	}
	write := map[string]string{"pool": "write"}
	if v := value(find(caught, "zonegis_db_pool_max_conns", write)); v < 1 {
		t.Errorf("zonegis_db_pool_max_conns{pool=write} = %v", v)
	}
	if v := value(find(caught, "zonegis_db_pool_acquires_total", write)); v < 1 {
		t.Errorf("zonegis_db_pool_acquires_total{pool=write} = %v, want the requests' acquires", v)
	}
	if find(caught, "zonegis_db_pool_conns", map[string]string{"pool": "read"}) != nil {
		t.Error("a read pool is reported without a replica")
	}
	for _, l := range []map[string]string{{"state": "queued"}, {"state": "running"}} {
		if v := value(find(caught, "zonegis_import_jobs", l)); v != 0 {
			t.Errorf("zonegis_import_jobs%v = %v, want 0", l, v)
		}
	}
	if v := value(find(caught, "zonegis_import_jobs_finished_total", map[string]string{"outcome": "failed"})); v != 0 {
		t.Errorf("zonegis_import_jobs_finished_total{outcome=failed} = %v, want 0", v)
	}
}

// TestMetricsApart: with the metrics served on an address of their own,
// GET /metrics on the API is a 404 problem (requests are still timed).
func TestMetricsApart(t *testing.T) {
	m := metrics.New(metrics.Options{})
	e := echo.New()
	e.HTTPErrorHandler = httpx.ErrorHandler(slog.New(slog.DiscardHandler), func(err error) error { return err })
	timed(e, m)
	e.GET("/metrics", m.Endpoint(false, nil))
	rec := httptest.NewRecorder()
	e.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	if rec.Code != http.StatusNotFound {
		t.Errorf("GET /metrics with the metrics apart: %d, want 404", rec.Code)
	}
	srv := httptest.NewServer(m.Handler())
	t.Cleanup(srv.Close)
	fams := scrape(t, srv.URL)
	if c := count(find(fams, "zonegis_http_request_duration_seconds", map[string]string{"route": "/metrics", "code": "4xx"})); c != 1 {
		t.Errorf("the 404 was counted %d times under route /metrics, want 1", c)
	}
}

// TestMiddlewareAllocatesNothing: timing a request costs no allocation
// (its label set was resolved at the first request), so the point lookup
// pays a map lookup and an Observe.
func TestMiddlewareAllocatesNothing(t *testing.T) {
	build := func(m *metrics.Metrics) *echo.Echo {
		e := echo.New()
		timed(e, m)
		e.GET("/query/at", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
		return e
	}
	allocs := func(e *echo.Echo) float64 {
		req := httptest.NewRequest(http.MethodGet, "/query/at", nil)
		w := discard{h: http.Header{}}
		e.ServeHTTP(w, req) // the first request resolves the label sets
		return testing.AllocsPerRun(200, func() { e.ServeHTTP(w, req) })
	}
	bare, timed := allocs(build(nil)), allocs(build(metrics.New(metrics.Options{})))
	if timed > bare {
		t.Errorf("a timed request allocates %v times, an untimed one %v", timed, bare)
	}
}

// timed installs m's request timer on e as httpapi does: around the one
// handler its only middleware hands every request to (nil m: untimed).
func timed(e *echo.Echo, m *metrics.Metrics) {
	h := m.Wrap(e, func(c echo.Context) error { return c.Handler()(c) })
	e.Use(func(echo.HandlerFunc) echo.HandlerFunc { return h })
}

// discard is a ResponseWriter that keeps nothing.
type discard struct{ h http.Header }

func (d discard) Header() http.Header         { return d.h }
func (d discard) Write(b []byte) (int, error) { return len(b), nil }
func (d discard) WriteHeader(int)             {}

// BenchmarkRequestTimer is what the timer adds to a request: an echo
// server answering 204 untimed and timed.
func BenchmarkRequestTimer(b *testing.B) {
	for _, tc := range []struct {
		name string
		m    *metrics.Metrics
	}{{"bare", nil}, {"timed", metrics.New(metrics.Options{})}} {
		b.Run(tc.name, func(b *testing.B) {
			e := echo.New()
			timed(e, tc.m)
			e.GET("/query/at", func(c echo.Context) error { return c.NoContent(http.StatusNoContent) })
			req := httptest.NewRequest(http.MethodGet, "/query/at", nil)
			w := discard{h: http.Header{}}
			e.ServeHTTP(w, req)
			b.ReportAllocs()
			for b.Loop() {
				e.ServeHTTP(w, req)
			}
		})
	}
}
