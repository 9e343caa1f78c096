// Package metrics is what zonegis shows Prometheus at /metrics: its HTTP
// requests (a latency histogram per route template, method and status
// class), the index and its follower (seq, lag behind the database, full
// reloads, listener reconnects), the tile cache, the database pools, the
// import jobs, and Go's runtime and process collectors. README.md lists
// every metric with its type and labels.
//
// The request histogram is the one instrument on the hot read paths: each
// route's label sets are resolved once, after the routes are registered
// (Requests.Resolve), so a request costs a map lookup on its route
// template and one Observe, no allocation. Everything else is read from
// the counters its package keeps anyway (indexsync.Follower.Status,
// tiles.Service.CacheStats, pgxpool's Stat, jobs.Runner.Tally) when
// Prometheus scrapes, by collectors of this package.
//
// A Metrics has its own registry, never the global default, so tests and
// several servers in one process do not share counts.
package metrics

import (
	"context"
	"math"
	"net/http"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/tiles"
)

// Pools is the database's pools, for their statistics
// (*postgis.DB: "write", and "read" when reads go to a replica).
type Pools interface {
	PoolStats(fn func(pool string, s *pgxpool.Stat))
}

// Options are what the metrics read; any may be nil, which leaves its
// metrics out.
type Options struct {
	Follower *indexsync.Follower
	Pools    Pools
	Tiles    *tiles.Service
	Stats    *stats.Service // its investment answers' cache
	Jobs     *jobs.Runner
	// LogEndTimeout bounds the scrape's one database query (the primary's
	// log end, for zonegis_index_lag_changes); 0 means 1 s.
	LogEndTimeout time.Duration
}

// Metrics is the registry of one zonegis instance.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.HistogramVec
}

// RequestBuckets are the request histogram's buckets, seconds: from the
// point lookups' tens of microseconds to the exports' minutes.
var RequestBuckets = []float64{0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
	0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 120}

// New makes the registry with every collector o allows.
func New(o Options) *Metrics {
	m := &Metrics{reg: prometheus.NewRegistry()}
	m.requests = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name:    "zonegis_http_request_duration_seconds",
		Help:    "HTTP requests by route template, method and status class (1xx..5xx): latency in seconds; its _count is the request count.",
		Buckets: RequestBuckets,
	}, []string{"route", "method", "code"})
	m.reg.MustRegister(m.requests,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	if o.Follower != nil {
		if o.LogEndTimeout <= 0 {
			o.LogEndTimeout = time.Second
		}
		m.reg.MustRegister(&indexCollector{f: o.Follower, timeout: o.LogEndTimeout})
	}
	if o.Tiles != nil {
		m.reg.MustRegister(tileCollector{o.Tiles})
	}
	if o.Stats != nil {
		m.reg.MustRegister(investmentCollector{o.Stats})
	}
	if o.Pools != nil {
		m.reg.MustRegister(poolCollector{o.Pools})
	}
	if o.Jobs != nil {
		m.reg.MustRegister(jobCollector{o.Jobs})
	}
	return m
}

// Handler serves the metrics in Prometheus' text format (or what the
// scraper negotiates).
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

var (
	descIndexSeq = prometheus.NewDesc("zonegis_index_seq",
		"Change-log seq the in-memory index has applied.", nil, nil)
	descIndexLagSeconds = prometheus.NewDesc("zonegis_index_lag_seconds",
		"Seconds since the follower last read the change log to its end (at most about a poll, 1 s, while the database answers).", nil, nil)
	descIndexLagChanges = prometheus.NewDesc("zonegis_index_lag_changes",
		"Changes committed on the primary that the index has not applied (read at scrape; NaN when the primary does not answer).", nil, nil)
	descReloads = prometheus.NewDesc("zonegis_index_reloads_total",
		"Full loads of the index from the database (the start-up load included).", nil, nil)
	descReconnects = prometheus.NewDesc("zonegis_follower_reconnects_total",
		"Change-log listener connections made again after one was lost.", nil, nil)
	descListening = prometheus.NewDesc("zonegis_follower_listening",
		"1 while the follower holds its LISTEN connection, 0 while it only polls.", nil, nil)
)

// indexCollector reads the follower's state at each scrape.
type indexCollector struct {
	f       *indexsync.Follower
	timeout time.Duration
}

func (c *indexCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descIndexSeq, descIndexLagSeconds, descIndexLagChanges, descReloads, descReconnects, descListening} {
		ch <- d
	}
}

func (c *indexCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.f.Status()
	ch <- prometheus.MustNewConstMetric(descIndexSeq, prometheus.GaugeValue, float64(st.Seq))
	lag := math.NaN()
	if !st.LastSync.IsZero() && st.LastSync.Unix() > 0 {
		lag = max(time.Since(st.LastSync).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(descIndexLagSeconds, prometheus.GaugeValue, lag)
	behind := math.NaN()
	ctx, cancel := context.WithTimeout(context.Background(), c.timeout)
	if end, err := c.f.LogEnd(ctx); err == nil {
		behind = float64(max(end-st.Seq, 0))
	}
	cancel()
	ch <- prometheus.MustNewConstMetric(descIndexLagChanges, prometheus.GaugeValue, behind)
	ch <- prometheus.MustNewConstMetric(descReloads, prometheus.CounterValue, float64(st.Reloads))
	ch <- prometheus.MustNewConstMetric(descReconnects, prometheus.CounterValue, float64(st.Reconnects))
	listening := 0.0
	if st.Listening {
		listening = 1
	}
	ch <- prometheus.MustNewConstMetric(descListening, prometheus.GaugeValue, listening)
}

var (
	descTileHits      = prometheus.NewDesc("zonegis_tile_cache_hits_total", "Tile requests answered from the cache.", nil, nil)
	descTileMisses    = prometheus.NewDesc("zonegis_tile_cache_misses_total", "Tile requests rendered because the cache did not hold the tile.", nil, nil)
	descTileEvictions = prometheus.NewDesc("zonegis_tile_cache_evictions_total", "Tiles dropped from the cache to make room (not those a change invalidated).", nil, nil)
	descTileBytes     = prometheus.NewDesc("zonegis_tile_cache_bytes", "Bytes the cached tiles are counted at (bodies, gzip bodies, a fixed overhead each).", nil, nil)
	descTiles         = prometheus.NewDesc("zonegis_tile_cache_tiles", "Tiles in the cache.", nil, nil)
)

type tileCollector struct{ s *tiles.Service }

func (c tileCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descTileHits, descTileMisses, descTileEvictions, descTileBytes, descTiles} {
		ch <- d
	}
}

func (c tileCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.CacheStats()
	ch <- prometheus.MustNewConstMetric(descTileHits, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(descTileMisses, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(descTileEvictions, prometheus.CounterValue, float64(st.Evictions))
	ch <- prometheus.MustNewConstMetric(descTileBytes, prometheus.GaugeValue, float64(st.Bytes))
	ch <- prometheus.MustNewConstMetric(descTiles, prometheus.GaugeValue, float64(st.Tiles))
}

var (
	descInvestHits    = prometheus.NewDesc("zonegis_investment_cache_hits_total", "Investment statistics answered from the cache (no heavy-request slot taken).", nil, nil)
	descInvestMisses  = prometheus.NewDesc("zonegis_investment_cache_misses_total", "Investment statistics computed because the cache did not hold the answer at the data's version.", nil, nil)
	descInvestBytes   = prometheus.NewDesc("zonegis_investment_cache_bytes", "Bytes the cached investment answers are counted at (their JSON, a fixed overhead each).", nil, nil)
	descInvestAnswers = prometheus.NewDesc("zonegis_investment_cache_answers", "Investment answers in the cache.", nil, nil)
)

type investmentCollector struct{ s *stats.Service }

func (c investmentCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descInvestHits, descInvestMisses, descInvestBytes, descInvestAnswers} {
		ch <- d
	}
}

func (c investmentCollector) Collect(ch chan<- prometheus.Metric) {
	st := c.s.InvestmentCache()
	ch <- prometheus.MustNewConstMetric(descInvestHits, prometheus.CounterValue, float64(st.Hits))
	ch <- prometheus.MustNewConstMetric(descInvestMisses, prometheus.CounterValue, float64(st.Misses))
	ch <- prometheus.MustNewConstMetric(descInvestBytes, prometheus.GaugeValue, float64(st.Bytes))
	ch <- prometheus.MustNewConstMetric(descInvestAnswers, prometheus.GaugeValue, float64(st.Answers))
}

// The pool metrics, each labelled pool="write" or "read".
var poolLabels = []string{"pool"}

var (
	descPoolTotal    = prometheus.NewDesc("zonegis_db_pool_conns", "Connections open in the pool.", poolLabels, nil)
	descPoolAcquired = prometheus.NewDesc("zonegis_db_pool_acquired_conns", "Connections in use.", poolLabels, nil)
	descPoolIdle     = prometheus.NewDesc("zonegis_db_pool_idle_conns", "Connections open and idle.", poolLabels, nil)
	descPoolMax      = prometheus.NewDesc("zonegis_db_pool_max_conns", "Most connections the pool opens.", poolLabels, nil)
	descPoolAcquires = prometheus.NewDesc("zonegis_db_pool_acquires_total", "Connections acquired from the pool.", poolLabels, nil)
	descPoolEmpty    = prometheus.NewDesc("zonegis_db_pool_empty_acquires_total", "Acquires that had to wait for a connection (none idle).", poolLabels, nil)
	descPoolCanceled = prometheus.NewDesc("zonegis_db_pool_canceled_acquires_total", "Acquires given up (their context ended) before a connection came.", poolLabels, nil)
	descPoolWait     = prometheus.NewDesc("zonegis_db_pool_acquire_wait_seconds_total", "Seconds spent waiting for connections, summed.", poolLabels, nil)
	descPoolNew      = prometheus.NewDesc("zonegis_db_pool_new_conns_total", "Connections opened.", poolLabels, nil)
)

type poolCollector struct{ p Pools }

func (c poolCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{descPoolTotal, descPoolAcquired, descPoolIdle, descPoolMax, descPoolAcquires,
		descPoolEmpty, descPoolCanceled, descPoolWait, descPoolNew} {
		ch <- d
	}
}

func (c poolCollector) Collect(ch chan<- prometheus.Metric) {
	c.p.PoolStats(func(pool string, s *pgxpool.Stat) {
		gauge := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, pool)
		}
		counter := func(d *prometheus.Desc, v float64) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, v, pool)
		}
		gauge(descPoolTotal, float64(s.TotalConns()))
		gauge(descPoolAcquired, float64(s.AcquiredConns()))
		gauge(descPoolIdle, float64(s.IdleConns()))
		gauge(descPoolMax, float64(s.MaxConns()))
		counter(descPoolAcquires, float64(s.AcquireCount()))
		counter(descPoolEmpty, float64(s.EmptyAcquireCount()))
		counter(descPoolCanceled, float64(s.CanceledAcquireCount()))
		counter(descPoolWait, s.AcquireDuration().Seconds())
		counter(descPoolNew, float64(s.NewConnsCount()))
	})
}

var (
	descJobs = prometheus.NewDesc("zonegis_import_jobs",
		"Import jobs on this instance now, by state (queued, running).", []string{"state"}, nil)
	descJobsFinished = prometheus.NewDesc("zonegis_import_jobs_finished_total",
		"Import jobs this instance finished, by outcome (done, failed).", []string{"outcome"}, nil)
)

type jobCollector struct{ r *jobs.Runner }

func (c jobCollector) Describe(ch chan<- *prometheus.Desc) { ch <- descJobs; ch <- descJobsFinished }

func (c jobCollector) Collect(ch chan<- prometheus.Metric) {
	t := c.r.Tally()
	ch <- prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(t.Queued), "queued")
	ch <- prometheus.MustNewConstMetric(descJobs, prometheus.GaugeValue, float64(t.Running), "running")
	ch <- prometheus.MustNewConstMetric(descJobsFinished, prometheus.CounterValue, float64(t.Done), "done")
	ch <- prometheus.MustNewConstMetric(descJobsFinished, prometheus.CounterValue, float64(t.Failed), "failed")
}
