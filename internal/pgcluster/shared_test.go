package pgcluster

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"

	"github.com/jackc/pgx/v5"
)

// openShared opens the shared cluster on dataDir; it fails the test when
// PostgreSQL or PostGIS is missing (installed).
func openShared(t *testing.T, dataDir string) *Shared {
	t.Helper()
	installed(t)
	s, err := Open(t.Context(), Options{DataDir: dataDir, BinDir: os.Getenv(EnvBinDir), NoSync: true})
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close(context.Background()) })
	return s
}

func query(t *testing.T, conn string, sql string, dst any) error {
	t.Helper()
	c, err := pgx.Connect(t.Context(), conn)
	if err != nil {
		return err
	}
	defer c.Close(context.Background())
	return c.QueryRow(t.Context(), sql).Scan(dst)
}

// TestOpenSharedRace: commands opening one fresh data directory at once
// start one server between them and all use it; it keeps running until
// the last of them closes, whichever started it, and then it is stopped.
func TestOpenSharedRace(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	const n = 4
	shared := make([]*Shared, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			shared[i], errs[i] = Open(t.Context(), Options{DataDir: dataDir, BinDir: os.Getenv(EnvBinDir), NoSync: true})
		}()
	}
	wg.Wait()
	starters := 0
	for i, s := range shared {
		if errs[i] != nil {
			t.Fatalf("Open %d: %v", i, errs[i])
		}
		t.Cleanup(func() { s.Close(context.Background()) })
		if s.Started() {
			starters++
		}
		if s.PID() != shared[0].PID() {
			t.Errorf("Open %d uses postmaster %d, Open 0 %d", i, s.PID(), shared[0].PID())
		}
		var one int
		if err := query(t, s.ConnString("postgres"), "SELECT 1", &one); err != nil || one != 1 {
			t.Errorf("Open %d: query: %v", i, err)
		}
	}
	if starters != 1 {
		t.Fatalf("%d of %d Opens started a server, want 1", starters, n)
	}
	pid := shared[0].PID()
	// Close the starter first, then the others but one: the server stays.
	for _, s := range shared {
		if s.Started() {
			if err := s.Close(t.Context()); err != nil {
				t.Fatalf("Close of the starter: %v", err)
			}
		}
	}
	var last *Shared
	for _, s := range shared {
		if s.Started() {
			continue
		}
		if last != nil {
			if err := last.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
		}
		last = s
	}
	if gone(pid) {
		t.Fatal("the server stopped while a command still used it")
	}
	var one int
	if err := query(t, last.ConnString("postgres"), "SELECT 1", &one); err != nil {
		t.Fatalf("the last command cannot use the server: %v", err)
	}
	if err := last.Close(t.Context()); err != nil {
		t.Fatalf("last Close: %v", err)
	}
	if !gone(pid) {
		t.Fatalf("postmaster %d still runs after the last Close", pid)
	}
	for _, f := range []string{pidFileName, ownerFileName} {
		if _, err := os.Stat(filepath.Join(dataDir, f)); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s after the last Close: %v", f, err)
		}
	}
	// Opened again, the data dir gets a server again.
	s := openShared(t, dataDir)
	if !s.Started() || s.PID() == pid {
		t.Errorf("reopen: started %v pid %d (old %d)", s.Started(), s.PID(), pid)
	}
}

// TestOpenSharedForeign: a postgres that zonegis's Open did not start (here
// one started by Start, as a user's own pg_ctl would) is used, and never
// stopped, by the last command.
func TestOpenSharedForeign(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	c := startCluster(t, dataDir)
	s := openShared(t, dataDir)
	if s.Started() || s.PID() != c.cmd.Process.Pid {
		t.Fatalf("Open on a running server: started %v pid %d, want attached to %d", s.Started(), s.PID(), c.cmd.Process.Pid)
	}
	if _, err := s.EnsureDatabase(t.Context(), "zonegis"); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	var one int
	if err := query(t, c.ConnString("zonegis"), "SELECT 1", &one); err != nil {
		t.Fatalf("the foreign server was stopped: %v", err)
	}
}

// TestOpenSharedAfterCrash: a command that started the server and died
// without Close (kill -9) leaves it running (detached, so that the commands
// still using it are not cut off) and its locks freed by the kernel; the
// next command uses that server and, being the last, stops it.
func TestOpenSharedAfterCrash(t *testing.T) {
	if dir := os.Getenv("ZONEGIS_TEST_CRASH_DIR"); dir != "" {
		// The crashing command: open, say so, die without Close.
		s, err := Open(context.Background(), Options{DataDir: dir, BinDir: os.Getenv(EnvBinDir), NoSync: true})
		if err != nil {
			os.Stderr.WriteString(err.Error())
			os.Exit(2)
		}
		os.Stdout.WriteString(strconv.Itoa(s.PID()))
		os.Exit(0)
	}
	t.Parallel()
	dataDir := filepath.Join(enterableTempDir(t), "pg")
	cmd := exec.CommandContext(t.Context(), os.Args[0], "-test.run=^TestOpenSharedAfterCrash$")
	cmd.Env = append(os.Environ(), "ZONEGIS_TEST_CRASH_DIR="+dataDir)
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("crashing command: %v %s", err, out)
	}
	pid, err := strconv.Atoi(string(out))
	if err != nil {
		t.Fatalf("crashing command printed %q", out)
	}
	t.Cleanup(func() {
		if !gone(pid) {
			syscall.Kill(pid, syscall.SIGQUIT)
		}
	})
	if gone(pid) {
		t.Fatal("the server died with the command that started it")
	}
	s := openShared(t, dataDir)
	if s.Started() || s.PID() != pid {
		t.Fatalf("after the crash: started %v pid %d, want attached to %d", s.Started(), s.PID(), pid)
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if !gone(pid) {
		t.Fatalf("the last command left the server zonegis started (pid %d) running", pid)
	}
}
