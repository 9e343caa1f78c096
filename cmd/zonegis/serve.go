package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"path/filepath"
	"sync"
	"time"

	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/memlimit"
	"github.com/zonegis/zonegis/internal/metrics"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/tiles"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The service's store is PostGIS; handler tests use httpapitest's fake.
var _ httpapi.Store = (*postgis.DB)(nil)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

// Server timeouts. Reads of large exports stream for a long time, so the
// write timeout is generous; slow clients cannot hold headers open.
const (
	readHeaderTimeout = 10 * time.Second
	readTimeout       = 60 * time.Second
	writeTimeout      = 10 * time.Minute
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 30 * time.Second
)

// serve migrates and seeds the database, loads the index, follows the change
// log and serves HTTP until ctx ends, then drains in-flight requests.
func serve(ctx context.Context, cfg config, logger *slog.Logger, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stdout)
	addr := fs.String("addr", cfg.Addr, "listen address")
	if err := fs.Parse(args); err != nil {
		return err
	}
	db, stopDB, err := openDatabase(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer stopDB()
	// The first admin, on the first start with no users.
	u, password, err := registry.FirstAdmin(ctx, db, cfg.AdminLogin, cfg.AdminPassword, registry.DefaultPasswordParams)
	if err != nil {
		return fmt.Errorf("first admin: %s", zonegis.ErrorMessage(err))
	}
	if u != nil && password != "" {
		fmt.Fprintf(stderr, "created the first admin %q; their one-time password, shown once: %s\n", u.Login, password)
	} else if u != nil {
		logger.Info("created the first admin from ZONEGIS_ADMIN_LOGIN", "login", u.Login)
	}
	ix := index.New()
	fl := indexsync.New(db, ix, logger)
	// Keep memory near what the data needs (see internal/memlimit).
	tuner := memlimit.New(func(string) string { return cfg.GoMemLimit }, logger)
	tuner.Loading()
	if err := fl.Load(ctx); err != nil {
		return err
	}
	tuner.Settle()
	// The tile cache drops the tiles each change-log batch touches; a
	// hook set before this one (if any) still runs first.
	ts := tiles.New(ix, tiles.Options{CacheBytes: tiles.DefaultCacheBytes})
	if prev := fl.OnApply; prev != nil {
		fl.OnApply = func(ch []zonegis.Change) { prev(ch); ts.OnApply(ch) }
	} else {
		fl.OnApply = ts.OnApply
	}
	// Import jobs: those of instances that died are failed first.
	jr := jobs.New(jobs.Options{Store: db, Logger: logger, Concurrency: cfg.ImportJobs})
	if err := jr.Sweep(ctx); err != nil {
		return fmt.Errorf("import jobs: %w", err)
	}
	sessions, err := newSessions(ctx, db, cfg.Sessions, logger)
	if err != nil {
		return err
	}
	st := stats.New(db, stats.Options{MinGreenShare: cfg.MinGreenShare})
	mx := metrics.New(metrics.Options{Follower: fl, Pools: db, Tiles: ts, Stats: st, Jobs: jr})
	// The exports' files stay in the data dir for the next start, which
	// deletes the partial ones a crash left.
	exports := export.NewFiles(filepath.Join(cfg.DataDir, "exports"), export.DefaultFilesBytes)
	defer exports.Close()
	api := httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger, Version: version,
		Tiles: ts, BasemapURL: cfg.BasemapURL, Stats: st, HeavyRequests: cfg.HeavyRequests,
		Jobs: jr, Exports: exports, Metrics: mx, MetricsApart: cfg.MetricsAddr != "", Sessions: sessions})
	defer api.Close()

	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	if cfg.DebugAddr != "" {
		dln, err := net.Listen("tcp", cfg.DebugAddr)
		if err != nil {
			return fmt.Errorf("ZONEGIS_DEBUG_ADDR: %w", err)
		}
		dsrv := &http.Server{Handler: debugMux(), ReadHeaderTimeout: readHeaderTimeout}
		go dsrv.Serve(dln) //nolint:errcheck // closed with the process
		defer dsrv.Close()
		logger.Info("debug endpoints", "addr", dln.Addr().String(), "paths", "/debug/pprof/")
	}
	if cfg.MetricsAddr != "" {
		// The metrics on an address of their own (a private network, the
		// scraper's), not on the public one.
		mln, err := net.Listen("tcp", cfg.MetricsAddr)
		if err != nil {
			return fmt.Errorf("ZONEGIS_METRICS_ADDR: %w", err)
		}
		mux := http.NewServeMux()
		mux.Handle("GET /metrics", mx.Handler())
		msrv := &http.Server{Handler: mux, ReadHeaderTimeout: readHeaderTimeout, WriteTimeout: time.Minute}
		go msrv.Serve(mln) //nolint:errcheck // closed with the process
		defer msrv.Close()
		fmt.Fprintf(stdout, "zonegis metrics on http://%s/metrics\n", mln.Addr())
		logger.Info("metrics", "addr", mln.Addr().String(), "path", "/metrics")
	}
	fctx, stopFollow := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		_ = fl.Run(fctx)
	}()
	go func() {
		defer wg.Done()
		tuner.Run(fctx, 30*time.Second)
	}()
	// The listening address goes to stdout so that tests and scripts using
	// port 0 can find it.
	fmt.Fprintf(stdout, "zonegis listening on http://%s\n", ln.Addr())
	logger.Info("serving", "addr", ln.Addr().String(), "version", version)

	errc := make(chan error, 1)
	// Prepared answers (tiles, pages) go out in one write (httpx.OneWrite).
	go func() { errc <- srv.Serve(httpx.OneWrite(srv, ln)) }()
	select {
	case err = <-errc:
	case <-ctx.Done():
		logger.Info("shutting down: draining in-flight requests", "timeout", shutdownTimeout.String())
		sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
		err = srv.Shutdown(sctx)
		// Import jobs get what is left of the drain; those still running
		// then are recorded failed (the server shut down).
		if jerr := jr.Close(sctx); jerr != nil {
			logger.Warn("import jobs cut short by the shutdown", "err", jerr)
		}
		cancel()
	}
	stopFollow()
	wg.Wait()
	if errors.Is(err, http.ErrServerClosed) {
		err = nil
	}
	return err
}

// debugMux serves the Go profiler on its own listener (ZONEGIS_DEBUG_ADDR),
// never on the public address: profiles reveal internals and cost CPU.
func debugMux() *http.ServeMux {
	m := http.NewServeMux()
	m.HandleFunc("/debug/pprof/", pprof.Index)
	m.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	m.HandleFunc("/debug/pprof/profile", pprof.Profile)
	m.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	m.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return m
}
