// Package pgcluster runs a private PostgreSQL + PostGIS server from the
// PostgreSQL binaries installed on the machine (Debian's postgresql-NN
// packages), as a child process of this one: no Docker, no system service.
//
// zonegis's commands use it when no database URL is given, through Open: a
// persistent data directory that any number of commands (`zonegis serve`,
// keys, import ...) use at once, started by the first and stopped by the
// last (see shared.go). Tests use Start through the pgtest subpackage (one
// throwaway cluster per test binary, a child that dies with the test).
//
// The server listens on a unix socket only (listen_addresses is empty) and
// trusts every local connection, so it is for development and tests, not
// for production. When this process is root, initdb and postgres run as the
// postgres system user, because PostgreSQL refuses to run as root.
package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

const (
	// Superuser is the database superuser initdb creates; ConnString logs
	// in as it.
	Superuser = "zonegis"

	// DefaultPort is the port number used when Options.Port is zero. The
	// server opens no TCP port: the number only names the unix socket file
	// (.s.PGSQL.5432).
	DefaultPort = 5432

	// DefaultStartTimeout bounds how long Start waits for the server to
	// accept connections when Options.StartTimeout is zero.
	DefaultStartTimeout = 60 * time.Second

	// DefaultStopTimeout bounds how long Stop waits for a fast shutdown
	// before killing the server; a shorter context deadline wins.
	DefaultStopTimeout = 30 * time.Second

	// LogFileName is the server log, in the data directory; the server's
	// stdout and stderr are appended to it.
	LogFileName = "zonegis-postgres.log"

	// maxSocketPath is the longest unix socket path Linux accepts, in bytes
	// (sizeof sun_path less the terminating NUL).
	maxSocketPath = 107

	// locale of the new cluster: byte-order collation, UTF-8 character
	// classes; built into glibc, so always present.
	locale = "C.UTF-8"
)

// Options configures Start.
type Options struct {
	// DataDir is the cluster's data directory. It is created and
	// initialised with initdb if it holds no cluster yet. Required.
	DataDir string
	// BinDir is the directory holding initdb and postgres. Empty means
	// FindBinDir's search; commands pass os.Getenv(EnvBinDir).
	BinDir string
	// Port names the unix socket (.s.PGSQL.<Port>); no TCP port is opened.
	// Zero means DefaultPort.
	Port int
	// NoSync trades durability for speed, for throwaway clusters: initdb
	// --no-sync, and the server runs with fsync, synchronous_commit and
	// full_page_writes off. Data survives a crash of postgres but not of
	// the machine.
	NoSync bool
	// Logger receives progress messages. Nil discards them.
	Logger *slog.Logger
	// StartTimeout bounds initdb plus the server's start-up, on top of the
	// context. Zero means DefaultStartTimeout.
	StartTimeout time.Duration
}

// Cluster is a running PostgreSQL server started by Start. Its methods are
// safe for concurrent use.
type Cluster struct {
	dataDir    string
	binDir     string
	sockDir    string
	ownSockDir bool // sockDir is a temporary directory Stop removes
	port       int
	logPath    string
	logFile    *os.File
	logger     *slog.Logger

	cmd     *exec.Cmd
	exited  chan struct{} // closed once the postmaster has exited
	waitErr error         // the postmaster's exit status; read after exited is closed

	stopOnce sync.Once
	stopErr  error
}

// Start starts a PostgreSQL server on opts.DataDir, running initdb first
// if the directory holds no cluster, and returns once it accepts
// connections. The server is a child process in its own process group; it
// gets SIGINT (fast shutdown) if this process dies without calling Stop.
//
// Errors: ErrUnavailable when PostgreSQL or PostGIS is not installed (the
// message says what to install); ErrAlreadyRunning when a live postgres
// already holds the data directory (a stale postmaster.pid of a dead server
// is removed instead); otherwise an error that ends with the last lines of
// the server log.
func Start(ctx context.Context, opts Options) (*Cluster, error) {
	return start(ctx, opts, false)
}

// start is Start; a detached server (Open's) is in a session of its own and
// outlives this process, so that another zonegis command still using it
// can stop it last.
func start(ctx context.Context, opts Options, detached bool) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is required")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: data dir: %w", err)
	}
	port := opts.Port
	if port == 0 {
		port = DefaultPort
	}
	if port < 1 || port > 65535 {
		return nil, fmt.Errorf("pgcluster: port %d out of range 1..65535", port)
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

	binDir, err := FindBinDir(opts.BinDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	major, err := MajorVersion(binDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := CheckPostGIS(binDir); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	acct, err := serverAccount(os.Geteuid())
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}

	if err := prepareDataDir(ctx, dataDir, binDir, major, opts.NoSync, acct, logger); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	removed, err := clearStalePIDFile(dataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if removed {
		logger.Warn("removed stale postmaster.pid of a server that is gone", "data_dir", dataDir)
	}

	c := &Cluster{dataDir: dataDir, binDir: binDir, port: port, logger: logger, exited: make(chan struct{})}
	if err := c.makeSocketDir(acct); err != nil {
		c.cleanup()
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.startServer(binDir, opts.NoSync, acct, detached); err != nil {
		c.cleanup()
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	if err := c.waitReady(ctx); err != nil {
		c.kill()
		c.cleanup()
		return nil, fmt.Errorf("pgcluster: start postgres on %s: %w%s", dataDir, err, c.logTail())
	}
	logger.Info("postgres started", "data_dir", dataDir, "socket_dir", c.sockDir,
		"pid", c.cmd.Process.Pid, "version", major, "log", c.logPath)
	return c, nil
}

// prepareDataDir makes dataDir (0700, owned by the server's account) and
// runs initdb in it unless it already holds a cluster of the same major
// version.
func prepareDataDir(ctx context.Context, dataDir, binDir string, major int, noSync bool, acct account, logger *slog.Logger) error {
	// MkdirAll would give the parents 0700 too; they must stay enterable.
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return fmt.Errorf("create parent of data dir: %w", err)
	}
	if err := os.Mkdir(dataDir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("create data dir: %w", err)
	}
	if err := acct.checkTraversable(dataDir); err != nil {
		return err
	}
	versionFile := filepath.Join(dataDir, "PG_VERSION")
	if b, err := os.ReadFile(versionFile); err == nil {
		if got := strings.TrimSpace(string(b)); got != strconv.Itoa(major) {
			return fmt.Errorf("data dir %s holds a PostgreSQL %s cluster but the binaries in %s are version %d: "+
				"use a new data dir, or upgrade the cluster with pg_upgrade", dataDir, got, binDir, major)
		}
		// Hand a cluster made by another user (say, a run as postgres
		// before a run as root) to the account that will run it.
		return acct.chownTree(dataDir)
	} else if !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("read %s: %w", versionFile, err)
	}

	entries, err := os.ReadDir(dataDir)
	if err != nil {
		return fmt.Errorf("read data dir: %w", err)
	}
	if len(entries) > 0 {
		return fmt.Errorf("data dir %s is not empty but holds no PostgreSQL cluster (no PG_VERSION): "+
			"empty it or choose another directory", dataDir)
	}
	if err := os.Chmod(dataDir, 0o700); err != nil {
		return fmt.Errorf("data dir: %w", err)
	}
	if err := acct.chown(dataDir); err != nil {
		return err
	}
	args := []string{"-D", dataDir, "-U", Superuser, "--auth=trust", "--encoding=UTF8", "--locale=" + locale}
	if noSync {
		args = append(args, "--no-sync")
	}
	logger.Info("initdb: creating cluster", "data_dir", dataDir, "bin_dir", binDir)
	cmd := exec.CommandContext(ctx, filepath.Join(binDir, "initdb"), args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = "/"
	cmd.Env = childEnv()
	cmd.SysProcAttr = acct.sysProcAttr()
	// On SIGINT initdb removes what it wrote, so an interrupted initdb does
	// not leave a half-made cluster behind; SIGKILL would.
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGINT) }
	cmd.WaitDelay = 10 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("initdb %s: %w\n%s", dataDir, err, lastLines(out.Bytes(), 20))
	}
	return nil
}

// makeSocketDir puts the socket in the data directory if the path is short
// enough, else in a new temporary directory.
func (c *Cluster) makeSocketDir(acct account) error {
	socketFile := fmt.Sprintf(".s.PGSQL.%d", c.port)
	if len(filepath.Join(c.dataDir, socketFile)) <= maxSocketPath {
		c.sockDir = c.dataDir
		return nil
	}
	dir, err := os.MkdirTemp("", "zg")
	if err == nil && len(filepath.Join(dir, socketFile)) > maxSocketPath {
		os.Remove(dir)
		dir, err = os.MkdirTemp("/tmp", "zg")
	}
	if err != nil {
		return fmt.Errorf("socket dir: %w", err)
	}
	c.sockDir, c.ownSockDir = dir, true
	if err := acct.checkTraversable(dir); err != nil {
		return err
	}
	return acct.chown(dir)
}

// startServer opens the log file and starts the postmaster.
func (c *Cluster) startServer(binDir string, noSync bool, acct account, detached bool) error {
	c.logPath = filepath.Join(c.dataDir, LogFileName)
	f, err := os.OpenFile(c.logPath, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o640)
	if err != nil {
		return fmt.Errorf("open server log: %w", err)
	}
	c.logFile = f
	if err := acct.chown(c.logPath); err != nil {
		return err
	}
	fmt.Fprintf(f, "--- %s zonegis: starting postgres\n", time.Now().Format(time.RFC3339))

	c.cmd = exec.Command(filepath.Join(binDir, "postgres"), serverArgs(c.dataDir, c.sockDir, c.port, noSync)...)
	c.cmd.Stdout, c.cmd.Stderr = f, f
	c.cmd.Dir = c.dataDir
	c.cmd.Env = childEnv()
	c.cmd.SysProcAttr = acct.sysProcAttr()
	if detached {
		c.cmd.SysProcAttr.Setpgid, c.cmd.SysProcAttr.Setsid, c.cmd.SysProcAttr.Pdeathsig = false, true, 0
	}
	if err := startChild(c.cmd); err != nil {
		return fmt.Errorf("start %s: %w", c.cmd.Path, err)
	}
	go func() {
		c.waitErr = c.cmd.Wait()
		close(c.exited)
	}()
	return nil
}

// serverArgs is the postgres command line: the settings of a dev/test
// server listening on a unix socket only.
func serverArgs(dataDir, sockDir string, port int, noSync bool) []string {
	args := []string{
		"-D", dataDir,
		"-k", sockDir,
		"-p", strconv.Itoa(port),
		"-c", "listen_addresses=",
		"-c", "unix_socket_permissions=0777",
		"-c", "max_connections=100",
		"-c", "shared_buffers=128MB",
		"-c", "logging_collector=off",
	}
	if noSync {
		args = append(args,
			"-c", "fsync=off",
			"-c", "synchronous_commit=off",
			"-c", "full_page_writes=off")
	}
	return args
}

// waitReady polls with a real connection until the server accepts one,
// the server exits, or ctx ends.
func (c *Cluster) waitReady(ctx context.Context) error {
	cfg, err := pgx.ParseConfig(c.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("parse connection string: %w", err)
	}
	for {
		err := ping(ctx, cfg)
		if err == nil {
			return nil
		}
		select {
		case <-c.exited:
			return fmt.Errorf("postgres exited during start-up: %v", c.waitErr)
		case <-ctx.Done():
			return fmt.Errorf("waiting for postgres to accept connections: %w (last attempt: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// ping opens and closes one connection, giving up after 2 s.
func ping(ctx context.Context, cfg *pgx.ConnConfig) error {
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	conn, err := pgx.ConnectConfig(ctx, cfg)
	if err != nil {
		return err
	}
	return conn.Close(ctx)
}

// childEnv is this process's environment without PG* variables (PGDATA,
// PGPORT, ...), which would otherwise change what initdb and postgres do.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "PG") {
			env = append(env, kv)
		}
	}
	return env
}

// ConnString returns a pgx (libpq key=value) connection string for
// database db as the superuser, over the cluster's unix socket.
func (c *Cluster) ConnString(db string) string { return connString(c.sockDir, c.port, db) }

func connString(sockDir string, port int, db string) string {
	return fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable",
		quoteDSN(sockDir), port, quoteDSN(Superuser), quoteDSN(db))
}

// quoteDSN quotes a libpq key=value value when it needs it.
func quoteDSN(v string) string {
	if v != "" && !strings.ContainsAny(v, " \t\n\r\v\f'\\") {
		return v
	}
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(v) + "'"
}

// SocketDir returns the directory of the server's unix socket: the host of
// its connection strings.
func (c *Cluster) SocketDir() string { return c.sockDir }

// LogPath returns the path of the server log file.
func (c *Cluster) LogPath() string { return c.logPath }

// Exited is closed when the server process has exited, whether by Stop or
// not; a long-running command can watch it to notice a dead database.
func (c *Cluster) Exited() <-chan struct{} { return c.exited }

// CreateDatabase creates the empty database name (from template1). The
// name is quoted as an identifier, so any string is safe and case is kept.
func (c *Cluster) CreateDatabase(ctx context.Context, name string) error {
	return c.exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize())
}

// EnsureDatabase creates the database name unless it exists, and reports
// whether it created it; for a persistent cluster that is started again.
func (c *Cluster) EnsureDatabase(ctx context.Context, name string) (created bool, err error) {
	return ensureDatabase(ctx, c.ConnString("postgres"), name)
}

// ensureDatabase creates database name through the maintenance database at
// connString unless it exists. Two commands racing to create it both
// succeed: the loser finds it made.
func ensureDatabase(ctx context.Context, connString, name string) (created bool, err error) {
	conn, err := pgx.Connect(ctx, connString)
	if err != nil {
		return false, fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var exists bool
	if err := conn.QueryRow(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return false, fmt.Errorf("pgcluster: look up database %q: %w", name, err)
	}
	if exists {
		return false, nil
	}
	if _, err := conn.Exec(ctx, "CREATE DATABASE "+pgx.Identifier{name}.Sanitize()); err != nil {
		var pe *pgconn.PgError
		if errors.As(err, &pe) && (pe.Code == "42P04" || pe.Code == "23505") { // made meanwhile by another command
			return false, nil
		}
		return false, fmt.Errorf("pgcluster: create database %q: %w", name, err)
	}
	return true, nil
}

// DropDatabase drops database name if it exists, ending any sessions still
// connected to it.
func (c *Cluster) DropDatabase(ctx context.Context, name string) error {
	return c.exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
}

// exec runs one statement in the postgres maintenance database.
func (c *Cluster) exec(ctx context.Context, sql string) error {
	conn, err := pgx.Connect(ctx, c.ConnString("postgres"))
	if err != nil {
		return fmt.Errorf("pgcluster: connect: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("pgcluster: %s: %w", sql, err)
	}
	return nil
}

// Stop shuts the server down: a fast shutdown (SIGINT: sessions are ended,
// a checkpoint is written), then, if it has not exited when ctx ends or
// DefaultStopTimeout has passed (whichever comes first), an immediate
// shutdown (SIGQUIT) and 5 s later SIGKILL to its process group. It returns an error if it had to escalate
// or if the server had already exited on its own. Stop is idempotent:
// later calls wait for the first and return its result.
func (c *Cluster) Stop(ctx context.Context) error {
	c.stopOnce.Do(func() {
		c.stopErr = c.stop(ctx)
		c.cleanup()
	})
	return c.stopErr
}

func (c *Cluster) stop(ctx context.Context) error {
	select {
	case <-c.exited:
		return fmt.Errorf("pgcluster: postgres had already exited before Stop: %v%s", c.waitErr, c.logTail())
	default:
	}
	pid := c.cmd.Process.Pid
	c.logger.Info("postgres: fast shutdown", "pid", pid)
	if err := c.cmd.Process.Signal(syscall.SIGINT); err != nil && !errors.Is(err, os.ErrProcessDone) {
		return fmt.Errorf("pgcluster: signal postgres: %w", err)
	}
	timer := time.NewTimer(DefaultStopTimeout)
	defer timer.Stop()
	var why string
	select {
	case <-c.exited:
		if c.waitErr != nil {
			return fmt.Errorf("pgcluster: postgres shut down with %v%s", c.waitErr, c.logTail())
		}
		return nil
	case <-ctx.Done():
		why = ctx.Err().Error()
	case <-timer.C:
		why = fmt.Sprintf("no exit within %v", DefaultStopTimeout)
	}
	c.logger.Warn("postgres: fast shutdown too slow, killing", "pid", pid, "reason", why)
	c.kill()
	return fmt.Errorf("pgcluster: postgres did not shut down (%s): killed it%s", why, c.logTail())
}

// kill ends the server now: SIGQUIT (immediate shutdown), then after 5 s
// SIGKILL to the whole process group, and waits for the exit.
func (c *Cluster) kill() {
	_ = c.cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-c.exited:
		// The postmaster waits for its children before it exits.
	case <-time.After(5 * time.Second):
		// The postmaster is still alive, so its process group (Setpgid
		// made its pid the group id) is still ours to kill.
		_ = syscall.Kill(-c.cmd.Process.Pid, syscall.SIGKILL)
		<-c.exited
	}
}

// cleanup releases what Start made besides the data: the log file handle
// and a temporary socket directory.
func (c *Cluster) cleanup() {
	if c.logFile != nil {
		c.logFile.Close()
	}
	if c.ownSockDir {
		os.RemoveAll(c.sockDir)
	}
}

// logTail returns the last lines of the server log, prefixed for
// appending to an error message, or "" if there is none.
func (c *Cluster) logTail() string {
	if c.logPath == "" {
		return ""
	}
	f, err := os.Open(c.logPath)
	if err != nil {
		return ""
	}
	defer f.Close()
	const maxBytes = 8 << 10
	if fi, err := f.Stat(); err == nil && fi.Size() > maxBytes {
		f.Seek(fi.Size()-maxBytes, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	tail := lastLines(b, 20)
	if tail == "" {
		return ""
	}
	return "\nlast lines of " + c.logPath + ":\n" + tail
}

// lastLines returns the last n lines of b.
func lastLines(b []byte, n int) string {
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
