// Package pgtest gives database tests a fresh, empty PostgreSQL database
// each, all served by one throwaway PostGIS cluster per test binary.
//
// A package whose tests use it calls Main from its TestMain:
//
//	func TestMain(m *testing.M) { pgtest.Main(m) }
//
// and each test asks for a database:
//
//	db, err := postgis.Open(ctx, pgtest.NewDB(t))
//
// The cluster starts on the first NewDB (tests that need no database pay
// nothing), lives in a temporary directory with durability off, and is
// stopped and removed when Main returns. When PostgreSQL or PostGIS is not
// installed the database tests are skipped with the reason, or fail when
// the environment sets ZONEGIS_REQUIRE_POSTGIS=1 (CI does). The bin dir
// can be overridden with ZONEGIS_PG_BINDIR.
package pgtest

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/pgcluster"
)

// EnvRequire names the environment variable that, set to 1, turns "no
// PostgreSQL/PostGIS here" from a skip into a test failure.
const EnvRequire = "ZONEGIS_REQUIRE_POSTGIS"

// startTimeout bounds initdb plus server start-up.
const startTimeout = 2 * time.Minute

// shared is the test binary's one cluster. It is package state on
// purpose, the one exception to "no package globals": a test binary is a
// process, and the cluster is a per-process resource that Main must find
// to stop it.
var shared struct {
	mainCalled atomic.Bool
	once       sync.Once
	dir        string // temporary directory holding the data dir
	cluster    *pgcluster.Cluster
	err        error
	created    atomic.Int64 // databases created by NewDB
}

// Main runs the tests with a temporary directory of their own as TMPDIR,
// then atExit (the cleanups of fixtures that live as long as the
// process), stops the shared cluster if one was started, removes its files
// and exits with the tests' status. A run that leaves a zonegis-* file or
// directory in its temporary directory fails, naming it: what a test or
// the server it runs makes there must be removed (the exports' directories of test servers
// had piled up in /tmp, gigabytes a day). Call it from TestMain; NewDB
// fails the test if it was not.
func Main(m *testing.M, atExit ...func()) {
	shared.mainCalled.Store(true)
	tmp, err := privateTemp()
	if err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		os.Exit(1)
	}
	code := m.Run()
	for _, f := range atExit {
		f()
	}
	if n := shared.created.Load(); n > 0 {
		// make test counts these lines to show how many tests used PostGIS.
		fmt.Printf("pgtest: %d test databases created on real PostGIS\n", n)
	}
	if err := stop(); err != nil {
		fmt.Fprintf(os.Stderr, "pgtest: %v\n", err)
		if code == 0 {
			code = 1
		}
	}
	var names []string
	left, _ := os.ReadDir(tmp)
	for _, e := range left {
		if strings.HasPrefix(e.Name(), "zonegis-") { // ours: the service's and the tests' (tools' are not)
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		fmt.Fprintf(os.Stderr, "pgtest: the tests left %s in their temporary directory (removed now): remove what they make\n", strings.Join(names, ", "))
		if code == 0 {
			code = 1
		}
	}
	_ = os.RemoveAll(tmp)
	os.Exit(code)
}

// privateTemp makes the process's temporary directory, under the one it
// was given, and sets TMPDIR to it (os.TempDir, and the tools the tests
// run). It is 0755: when we are root the server runs as the postgres
// user, which must reach the cluster's directory inside it.
func privateTemp() (string, error) {
	tmp, err := os.MkdirTemp("", "zonegis-tests-")
	if err == nil {
		err = os.Chmod(tmp, 0o755)
	}
	if err == nil {
		err = os.Setenv("TMPDIR", tmp)
	}
	return tmp, err
}

// stop stops the cluster, if any, and removes its directory.
func stop() error {
	if shared.cluster == nil {
		if shared.dir != "" {
			return os.RemoveAll(shared.dir)
		}
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := shared.cluster.Stop(ctx)
	if rmErr := os.RemoveAll(shared.dir); rmErr != nil && err == nil {
		err = rmErr
	}
	return err
}

// cluster starts the shared cluster on first use and returns it, or the
// error that kept it from starting (the same error on every call).
func cluster() (*pgcluster.Cluster, error) {
	shared.once.Do(func() {
		shared.cluster, shared.err = start()
	})
	return shared.cluster, shared.err
}

func start() (*pgcluster.Cluster, error) {
	binDir, err := pgcluster.FindBinDir(os.Getenv(pgcluster.EnvBinDir))
	if err != nil {
		return nil, err
	}
	if err := pgcluster.CheckPostGIS(binDir); err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "zonegis-pgtest-")
	if err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	shared.dir = dir
	// MkdirTemp makes it 0700; when we are root the server runs as the
	// postgres user, which must be able to enter it.
	if err := os.Chmod(dir, 0o755); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	return pgcluster.Start(ctx, pgcluster.Options{
		DataDir:      filepath.Join(dir, "data"),
		BinDir:       binDir,
		NoSync:       true,
		Logger:       slog.New(slog.DiscardHandler),
		StartTimeout: startTimeout,
	})
}

// NewDB creates an empty database for this test alone and returns its
// pgx connection string; the database is dropped (with any sessions still
// on it) when the test ends. Extensions are not installed: migrations do
// CREATE EXTENSION postgis. NewDB skips the test when PostgreSQL or
// PostGIS is not installed, unless ZONEGIS_REQUIRE_POSTGIS=1, and fails it
// on any other error.
func NewDB(t testing.TB) string {
	t.Helper()
	if !shared.mainCalled.Load() {
		t.Fatalf("pgtest.NewDB: this package's TestMain must call pgtest.Main(m), which stops the shared cluster")
	}
	c, err := cluster()
	if err != nil {
		if errors.Is(err, pgcluster.ErrUnavailable) && os.Getenv(EnvRequire) != "1" {
			t.Skipf("no PostGIS to test against (set %s=1 to fail instead): %v", EnvRequire, err)
		}
		t.Fatalf("pgtest: %v", err)
	}
	name := dbName(t.Name(), shared.created.Add(1))
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := c.CreateDatabase(ctx, name); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := c.DropDatabase(ctx, name); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c.ConnString(name)
}

// Count returns how many databases NewDB has created in this test binary.
func Count() int64 { return shared.created.Load() }

// dbName makes a database name from a test name and a sequence number:
// lower-case letters, digits and underscores, within PostgreSQL's 63-byte
// identifier limit.
func dbName(testName string, seq int64) string {
	var b strings.Builder
	for _, r := range strings.ToLower(testName) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	base := b.String()
	if len(base) > 40 {
		base = base[:40]
	}
	return fmt.Sprintf("t_%s_%d", base, seq)
}

// Tool finds an external program a test needs (GDAL's ogr2ogr, ...) and
// returns its path. Missing, it skips the test, or fails it when
// ZONEGIS_REQUIRE_POSTGIS=1: CI installs everything the tests use.
func Tool(t testing.TB, name, pkg string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err != nil {
		if os.Getenv(EnvRequire) == "1" {
			t.Fatalf("%s not found (%s=1, so it is required; install %s): %v", name, EnvRequire, pkg, err)
		}
		t.Skipf("%s not found (install %s): %v", name, pkg, err)
	}
	return path
}
