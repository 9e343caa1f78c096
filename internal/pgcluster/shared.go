package pgcluster

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// Beside a data directory D, Open keeps two lock files (flock(2), released
// by the kernel when a process dies, so a crash leaves no lock behind):
//
//   - D.lock is held exclusively while a command decides whether to start
//     the server, attach to it or stop it, so two commands starting at
//     once never start two servers, and none stops the server while
//     another attaches to it;
//   - D.users is held shared by every command using the server, for as
//     long as it does: a command that can take it exclusively (under
//     D.lock) is the last one.
//
// In D, ownerFileName records the server zonegis started (its pid, start
// time and socket directory, as its postmaster.pid says), so that the last
// command stops that server and never one that someone else started.
const (
	lockSuffix    = ".lock"
	usersSuffix   = ".users"
	ownerFileName = "zonegis-owner"
)

// Shared is the private cluster on a data directory as one zonegis command
// uses it: started by this command, or already running (started by `zonegis
// serve` or any other command, even one since gone) and attached to. Its
// methods are safe for concurrent use.
type Shared struct {
	dataDir string
	sockDir string
	port    int
	pid     int      // the postmaster's
	started bool     // this command started the server
	child   *Cluster // the server, when this process started it
	users   *os.File // D.users, held shared until Close
	logger  *slog.Logger

	closeOnce sync.Once
	closeErr  error
}

// Open returns the cluster on opts.DataDir for one command: when a
// postgres already runs there (its postmaster.pid names a live postgres
// process), it connects to it over the socket the pid file names;
// otherwise it starts one as Start does (initdb first if needed), but
// detached: in a session of its own, without dying with this process, so
// that commands still using it are not cut off when this one ends. Close
// stops the server only when this is the last zonegis command using it and
// zonegis started it. Two Opens at once start one server between them.
//
// Errors: as Start's; and an error when a postgres holds the data
// directory but accepts no connection on its socket within
// opts.StartTimeout.
func Open(ctx context.Context, opts Options) (*Shared, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is required")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: data dir: %w", err)
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return nil, fmt.Errorf("pgcluster: create parent of data dir: %w", err)
	}
	unlock, err := lockExclusive(ctx, dataDir+lockSuffix)
	if err != nil {
		return nil, err
	}
	defer unlock()
	users, err := os.OpenFile(dataDir+usersSuffix, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	// Only a Close holds it exclusively, and only while it holds D.lock.
	if err := syscall.Flock(int(users.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		users.Close()
		return nil, fmt.Errorf("pgcluster: lock %s: %w", users.Name(), err)
	}
	s := &Shared{dataDir: dataDir, users: users, logger: logger}
	if pm, ok := runningPostmaster(dataDir); ok {
		if pm.sockDir == "" {
			users.Close()
			return nil, fmt.Errorf("pgcluster: postgres %d runs on %s without a unix socket; stop it or set DATABASE_URL", pm.pid, dataDir)
		}
		if err := waitAccepting(ctx, pm.sockDir, pm.port); err != nil {
			users.Close()
			return nil, fmt.Errorf("pgcluster: postgres %d runs on %s but does not accept connections on %s: %w",
				pm.pid, dataDir, pm.sockDir, err)
		}
		s.sockDir, s.port, s.pid = pm.sockDir, pm.port, pm.pid
		logger.Info("using the postgres already running on the data directory", "data_dir", dataDir, "pid", pm.pid, "socket_dir", pm.sockDir)
		return s, nil
	}
	c, err := start(ctx, opts, true)
	if err != nil {
		users.Close()
		return nil, err
	}
	pm, ok := runningPostmaster(dataDir)
	if !ok || pm.pid != c.cmd.Process.Pid {
		c.Stop(context.WithoutCancel(ctx)) //nolint:errcheck // the error below says enough
		users.Close()
		return nil, fmt.Errorf("pgcluster: postgres started on %s but its postmaster.pid does not name it", dataDir)
	}
	if err := os.WriteFile(filepath.Join(dataDir, ownerFileName), []byte(pm.owner()), 0o644); err != nil {
		c.Stop(context.WithoutCancel(ctx)) //nolint:errcheck // the write error is the one to report
		users.Close()
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	s.sockDir, s.port, s.pid, s.started, s.child = c.sockDir, c.port, pm.pid, true, c
	return s, nil
}

// ConnString returns a connection string for database db as the
// superuser, over the server's unix socket.
func (s *Shared) ConnString(db string) string { return connString(s.sockDir, s.port, db) }

// EnsureDatabase creates database name unless it exists, and reports
// whether it created it.
func (s *Shared) EnsureDatabase(ctx context.Context, name string) (bool, error) {
	return ensureDatabase(ctx, s.ConnString("postgres"), name)
}

// Started reports whether this command started the server (rather than
// attaching to one already running).
func (s *Shared) Started() bool { return s.started }

// PID is the postmaster's process id.
func (s *Shared) PID() int { return s.pid }

// Close ends this command's use of the server. When no other zonegis
// command uses it and zonegis started it (whichever command that was), it
// stops it as Cluster.Stop does; otherwise the server is left running. A
// postgres that zonegis did not start is never stopped. ctx bounds the
// wait for the lock and the shutdown. Close is idempotent.
func (s *Shared) Close(ctx context.Context) error {
	s.closeOnce.Do(func() { s.closeErr = s.close(ctx) })
	return s.closeErr
}

func (s *Shared) close(ctx context.Context) error {
	defer s.users.Close()
	unlock, err := lockExclusive(ctx, s.dataDir+lockSuffix)
	if err != nil {
		return err
	}
	defer unlock()
	if err := syscall.Flock(int(s.users.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		s.logger.Info("postgres left running: other zonegis commands use it", "data_dir", s.dataDir, "pid", s.pid)
		if s.child != nil {
			s.child.logFile.Close()
		}
		return nil
	}
	ownerPath := filepath.Join(s.dataDir, ownerFileName)
	pm, running := runningPostmaster(s.dataDir)
	owner, _ := os.ReadFile(ownerPath)
	if !running {
		os.Remove(ownerPath)
		if s.child != nil {
			return s.child.Stop(ctx) // says that it had exited on its own
		}
		return nil
	}
	if string(owner) != pm.owner() {
		s.logger.Info("postgres left running: zonegis did not start it", "data_dir", s.dataDir, "pid", pm.pid)
		return nil
	}
	if s.child != nil && s.child.cmd.Process.Pid == pm.pid {
		err = s.child.Stop(ctx)
	} else {
		err = stopPID(ctx, pm.pid, s.logger)
		if pm.sockDir != s.dataDir && strings.HasPrefix(filepath.Base(pm.sockDir), "zg") {
			os.RemoveAll(pm.sockDir) // the temporary socket directory Start made
		}
	}
	os.Remove(ownerPath)
	return err
}

// postmaster is what a running server's postmaster.pid says.
type postmaster struct {
	pid     int
	start   string // start time, seconds since the epoch, as written
	port    int
	sockDir string
}

// owner is the line ownerFileName holds for this server.
func (pm postmaster) owner() string {
	return fmt.Sprintf("%d %s %s\n", pm.pid, pm.start, pm.sockDir)
}

// runningPostmaster reads dataDir/postmaster.pid and reports whether it
// names a live postgres process (not this one). Its lines: pid, data
// directory, start time, port, first socket directory, listen address,
// shared memory key, status.
func runningPostmaster(dataDir string) (postmaster, bool) {
	b, err := os.ReadFile(filepath.Join(dataDir, pidFileName))
	if err != nil {
		return postmaster{}, false
	}
	lines := strings.Split(string(b), "\n")
	for len(lines) < 5 {
		lines = append(lines, "")
	}
	var pm postmaster
	pm.pid, err = strconv.Atoi(strings.TrimSpace(lines[0]))
	if err != nil || pm.pid <= 0 || pm.pid == os.Getpid() || gone(pm.pid) || !isPostgresProcess(pm.pid) {
		return postmaster{}, false
	}
	pm.start = strings.TrimSpace(lines[2])
	pm.port, _ = strconv.Atoi(strings.TrimSpace(lines[3]))
	pm.sockDir = strings.TrimSpace(lines[4])
	return pm, true
}

// waitAccepting polls with a real connection until the server on sockDir
// and port accepts one, or ctx ends.
func waitAccepting(ctx context.Context, sockDir string, port int) error {
	cfg, err := pgx.ParseConfig(connString(sockDir, port, "postgres"))
	if err != nil {
		return err
	}
	for {
		err := ping(ctx, cfg)
		if err == nil {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("%w (last attempt: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// lockExclusive takes an exclusive flock on path (made if missing),
// polling until ctx ends, and returns the function that releases it.
func lockExclusive(ctx context.Context, path string) (func(), error) {
	f, err := os.OpenFile(path, os.O_RDONLY|os.O_CREATE, 0o644)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("pgcluster: lock %s: %w", path, err)
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("pgcluster: waiting for %s (another zonegis command is starting or stopping the cluster): %w", path, ctx.Err())
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// stopPID shuts down postmaster pid, which is not this process's child (a
// server zonegis started from another process): a fast shutdown (SIGINT),
// then, if it has not exited when ctx ends or DefaultStopTimeout has
// passed, SIGQUIT and 5 s later SIGKILL to its process group (its session:
// Open starts it with Setsid). Each signal goes only to a pid that is
// still a postgres process.
func stopPID(ctx context.Context, pid int, logger *slog.Logger) error {
	signal := func(target int, sig syscall.Signal) {
		if isPostgresProcess(pid) && !gone(pid) {
			_ = syscall.Kill(target, sig)
		}
	}
	logger.Info("postgres: fast shutdown", "pid", pid)
	signal(pid, syscall.SIGINT)
	wctx, cancel := context.WithTimeout(ctx, DefaultStopTimeout)
	defer cancel()
	if waitGone(wctx, pid) {
		return nil
	}
	logger.Warn("postgres: fast shutdown too slow, killing", "pid", pid)
	signal(pid, syscall.SIGQUIT)
	kctx, kcancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer kcancel()
	if !waitGone(kctx, pid) {
		signal(-pid, syscall.SIGKILL)
		k2, c2 := context.WithTimeout(context.Background(), 5*time.Second)
		defer c2()
		waitGone(k2, pid)
	}
	return fmt.Errorf("pgcluster: postgres %d did not shut down in time: killed it", pid)
}

// waitGone polls until process pid is gone or ctx ends, and reports
// whether it is gone.
func waitGone(ctx context.Context, pid int) bool {
	for !gone(pid) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(20 * time.Millisecond):
		}
	}
	return true
}

// gone reports whether process pid has exited: no such process, or a
// zombie its parent has yet to reap.
func gone(pid int) bool {
	if err := syscall.Kill(pid, 0); errors.Is(err, syscall.ESRCH) {
		return true
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	// pid (comm) state ...: comm may hold spaces and parentheses.
	if i := strings.LastIndexByte(string(b), ')'); i >= 0 && i+2 < len(b) {
		return b[i+2] == 'Z' || b[i+2] == 'X'
	}
	return false
}
