package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// enterableTempDir returns a new temporary directory that the postgres
// user can enter: t.TempDir() and its parent are 0700 and owned by us,
// which is root in CI.
func enterableTempDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// installed fails t, saying what to install, unless PostgreSQL's server
// binaries and PostGIS are installed (in $ZONEGIS_PG_BINDIR or where
// FindBinDir looks): these tests are about running them, and CI installs
// both, so their absence is a failure, not a reason to pass.
func installed(t *testing.T) {
	t.Helper()
	bin, err := FindBinDir(os.Getenv(EnvBinDir))
	if err == nil {
		err = CheckPostGIS(bin)
	}
	if err != nil {
		t.Fatalf("this test runs PostgreSQL with PostGIS, which it cannot find: %v", err)
	}
}

// startCluster starts a NoSync cluster on dataDir and stops it at the end
// of the test; it fails the test when PostgreSQL or PostGIS is missing.
func startCluster(t *testing.T, dataDir string) *Cluster {
	t.Helper()
	installed(t)
	c, err := Start(t.Context(), Options{DataDir: dataDir, BinDir: os.Getenv(EnvBinDir), NoSync: true})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })
	return c
}

func connect(t *testing.T, c *Cluster, db string) *pgx.Conn {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), c.ConnString(db))
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return conn
}

// TestStartPostGISRestart starts a cluster, uses PostGIS, stops it (twice),
// starts it again on the same data dir and finds the data.
func TestStartPostGISRestart(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	c := startCluster(t, dataDir)

	if os.Geteuid() == 0 {
		fi, err := os.Stat(fmt.Sprintf("/proc/%d", c.cmd.Process.Pid))
		if err != nil {
			t.Fatal(err)
		}
		if uid := fi.Sys().(*syscall.Stat_t).Uid; uid == 0 {
			t.Errorf("postgres runs as root; want user %s", serverUser)
		}
	}

	if err := c.CreateDatabase(t.Context(), "Geo DB"); err != nil {
		t.Fatal(err)
	}
	conn := connect(t, c, "Geo DB")
	ctx := t.Context()
	if _, err := conn.Exec(ctx, "CREATE EXTENSION postgis"); err != nil {
		t.Fatalf("create extension: %v", err)
	}
	var version string
	if err := conn.QueryRow(ctx, "SELECT postgis_full_version()").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(version, "POSTGIS=") {
		t.Errorf("postgis_full_version() = %q", version)
	}
	if _, err := conn.Exec(ctx, `CREATE TABLE parcel (id int PRIMARY KEY, geom geometry(Polygon, 4326));
		INSERT INTO parcel VALUES (1, ST_GeomFromText('POLYGON((0 0,1 0,1 1,0 1,0 0))', 4326))`); err != nil {
		t.Fatal(err)
	}
	conn.Close(ctx)

	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dataDir, pidFileName)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("postmaster.pid after Stop: %v", err)
	}

	c2 := startCluster(t, dataDir)
	if created, err := c2.EnsureDatabase(ctx, "Geo DB"); err != nil || created {
		t.Errorf("EnsureDatabase(existing) = %v, %v", created, err)
	}
	if created, err := c2.EnsureDatabase(ctx, "other"); err != nil || !created {
		t.Errorf("EnsureDatabase(new) = %v, %v", created, err)
	}
	var area float64
	if err := connect(t, c2, "Geo DB").QueryRow(ctx, "SELECT ST_Area(geom) FROM parcel WHERE id = 1").Scan(&area); err != nil {
		t.Fatalf("data after restart: %v", err)
	}
	if area != 1 {
		t.Errorf("area = %v, want 1", area)
	}
	if err := c2.DropDatabase(ctx, "Geo DB"); err != nil {
		t.Fatal(err)
	}
	if err := c2.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	log, err := os.ReadFile(c2.LogPath())
	if err != nil || !strings.Contains(string(log), "database system is shut down") {
		t.Errorf("server log %s lacks the shutdown line (err %v)", c2.LogPath(), err)
	}
}

// TestStartAlreadyRunning refuses a second server on a live data dir.
func TestStartAlreadyRunning(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	startCluster(t, dataDir)
	_, err := Start(t.Context(), Options{DataDir: dataDir, BinDir: os.Getenv(EnvBinDir), NoSync: true})
	if !errors.Is(err, ErrAlreadyRunning) {
		t.Fatalf("second Start: err = %v, want ErrAlreadyRunning", err)
	}
}

// TestStartAfterCrash restarts on a data dir whose server was killed,
// leaving postmaster.pid behind.
func TestStartAfterCrash(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	c := startCluster(t, dataDir)
	if err := syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	<-c.Exited()
	if _, err := os.Stat(filepath.Join(dataDir, pidFileName)); err != nil {
		t.Fatalf("want a stale postmaster.pid: %v", err)
	}
	if err := c.Stop(t.Context()); err == nil || !strings.Contains(err.Error(), "already exited") {
		t.Errorf("Stop after crash: err = %v, want 'already exited'", err)
	}
	c2 := startCluster(t, dataDir)
	var one int
	if err := connect(t, c2, "postgres").QueryRow(t.Context(), "SELECT 1").Scan(&one); err != nil {
		t.Fatal(err)
	}
}

// TestStartPIDReused restarts on a data dir whose postmaster.pid names a
// live process that is not postgres, as after a container restart.
func TestStartPIDReused(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	c := startCluster(t, dataDir)
	if err := c.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	sleep := exec.Command("sleep", "60")
	if err := sleep.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sleep.Process.Kill(); sleep.Wait() })
	pidFile := fmt.Sprintf("%d\n%s\n0\n5432\n\n\n0 0\nready\n", sleep.Process.Pid, dataDir)
	if err := os.WriteFile(filepath.Join(dataDir, pidFileName), []byte(pidFile), 0o600); err != nil {
		t.Fatal(err)
	}
	startCluster(t, dataDir)
}

// TestStartLongPath puts the socket in a temporary directory when the
// data dir path is too long for a unix socket, and removes it on Stop.
func TestStartLongPath(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), strings.Repeat("d", 60), strings.Repeat("p", 60))
	c := startCluster(t, dataDir)
	if c.sockDir == dataDir || !c.ownSockDir {
		t.Fatalf("socket dir %q: want a temporary one", c.sockDir)
	}
	connect(t, c, "postgres")
	if err := c.Stop(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(c.sockDir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket dir left after Stop: %v", err)
	}
}

// TestStartBadBinDir says which binary is missing where.
func TestStartBadBinDir(t *testing.T) {
	t.Parallel()
	bin := t.TempDir()
	_, err := Start(t.Context(), Options{DataDir: filepath.Join(t.TempDir(), "pg"), BinDir: bin})
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	for _, want := range []string{bin, "initdb", "PostgreSQL server binaries not found"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
}

// TestStartNotTraversable explains a data dir the postgres user cannot
// reach when root, where the server runs as postgres; any other user runs
// the server as itself, which can reach its own 0700 directory.
func TestStartNotTraversable(t *testing.T) {
	t.Parallel()
	installed(t)
	closed := t.TempDir() // 0700
	c, err := Start(t.Context(), Options{DataDir: filepath.Join(closed, "pg"), BinDir: os.Getenv(EnvBinDir), NoSync: true})
	if os.Geteuid() != 0 {
		if err != nil {
			t.Fatalf("Start in our own 0700 directory: %v", err)
		}
		c.Stop(context.Background())
		return
	}
	if err == nil || !strings.Contains(err.Error(), "chmod o+x") {
		t.Fatalf("err = %v, want advice to chmod o+x", err)
	}
}

// TestStartNotEmpty refuses a non-empty directory that is no cluster.
func TestStartNotEmpty(t *testing.T) {
	t.Parallel()
	installed(t)
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dataDir, "notes.txt"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := Start(t.Context(), Options{DataDir: dataDir, BinDir: os.Getenv(EnvBinDir), NoSync: true})
	if err == nil || !strings.Contains(err.Error(), "no PG_VERSION") {
		t.Fatalf("err = %v, want 'no PG_VERSION'", err)
	}
}

func TestStartTimeout(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), time.Millisecond)
	defer cancel()
	installed(t)
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	_, err := Start(ctx, Options{DataDir: dataDir, BinDir: os.Getenv(EnvBinDir), NoSync: true})
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want context.DeadlineExceeded", err)
	}
}

func TestConnString(t *testing.T) {
	c := &Cluster{sockDir: "/tmp/zg 1", port: 5433}
	got := c.ConnString("it's")
	want := `host='/tmp/zg 1' port=5433 user=zonegis dbname='it\'s' sslmode=disable`
	if got != want {
		t.Fatalf("ConnString = %s, want %s", got, want)
	}
	cfg, err := pgx.ParseConfig(got)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Host != "/tmp/zg 1" || cfg.Port != 5433 || cfg.Database != "it's" || cfg.User != Superuser {
		t.Errorf("parsed %+v", cfg.Config)
	}
}

func TestServerArgs(t *testing.T) {
	args := strings.Join(serverArgs("/d", "/s", 5432, false), " ")
	if !strings.Contains(args, "listen_addresses= ") || strings.Contains(args, "fsync=off") {
		t.Errorf("durable args: %s", args)
	}
	if args := strings.Join(serverArgs("/d", "/s", 5432, true), " "); !strings.Contains(args, "fsync=off") {
		t.Errorf("NoSync args: %s", args)
	}
}

func TestLastLines(t *testing.T) {
	if got := lastLines([]byte("a\nb\nc\n"), 2); got != "b\nc" {
		t.Errorf("lastLines = %q", got)
	}
	if got := lastLines(nil, 2); got != "" {
		t.Errorf("lastLines(nil) = %q", got)
	}
}
