package pgcluster

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// StartStandby makes a streaming hot standby of c in opts.DataDir and
// starts it: pg_basebackup -R copies c's data directory with the WAL
// streamed during the copy and writes standby.signal and the
// primary_conninfo (c's unix socket, as the superuser), so the new server
// replays c's WAL as c writes it and answers read-only queries meanwhile.
// opts.DataDir must not exist yet or be empty; opts.BinDir, NoSync,
// Logger and StartTimeout are as for Start (Port is the standby's own
// socket name, in its own data directory).
//
// c needs nothing set for this: PostgreSQL 15's defaults are
// wal_level=replica and max_wal_senders=10, initdb --auth=trust's
// pg_hba.conf has the line `local replication all trust`, and the
// superuser has the REPLICATION attribute. Stop the standby like any
// cluster; Promote ends its recovery.
func (c *Cluster) StartStandby(ctx context.Context, opts Options) (*Cluster, error) {
	if opts.DataDir == "" {
		return nil, errors.New("pgcluster: Options.DataDir is required")
	}
	dataDir, err := filepath.Abs(opts.DataDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: data dir: %w", err)
	}
	binDir, err := FindBinDir(opts.BinDir)
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	acct, err := serverAccount(os.Geteuid())
	if err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	// The server's account must own the directory: when we are root,
	// pg_basebackup runs as postgres and could not create it in a parent
	// that root owns.
	if err := os.MkdirAll(filepath.Dir(dataDir), 0o755); err != nil {
		return nil, fmt.Errorf("pgcluster: create parent of data dir: %w", err)
	}
	if err := os.Mkdir(dataDir, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
		return nil, fmt.Errorf("pgcluster: create data dir: %w", err)
	}
	if err := acct.chown(dataDir); err != nil {
		return nil, fmt.Errorf("pgcluster: %w", err)
	}
	timeout := opts.StartTimeout
	if timeout <= 0 {
		timeout = DefaultStartTimeout
	}
	bctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	args := []string{"-D", dataDir, "-d", c.ConnString("postgres"), "-R", "-X", "stream", "-c", "fast"}
	if opts.NoSync {
		args = append(args, "--no-sync")
	}
	if err := runAs(bctx, acct, filepath.Join(binDir, "pg_basebackup"), args...); err != nil {
		return nil, fmt.Errorf("pgcluster: base backup of %s: %w", c.dataDir, err)
	}
	// The copy holds the primary's socket lock file when its socket is in
	// its data directory (the standby's would be refused) and its log file
	// (the standby appends to it).
	locks, _ := filepath.Glob(filepath.Join(dataDir, ".s.PGSQL.*.lock"))
	for _, l := range locks {
		if err := os.Remove(l); err != nil {
			return nil, fmt.Errorf("pgcluster: %w", err)
		}
	}
	return Start(ctx, opts)
}

// Promote ends a standby's recovery (pg_ctl promote, waiting until it is
// done): the server then takes writes, on a new timeline, and follows no
// primary any more.
func (c *Cluster) Promote(ctx context.Context) error {
	acct, err := serverAccount(os.Geteuid())
	if err != nil {
		return fmt.Errorf("pgcluster: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	if err := runAs(pctx, acct, filepath.Join(c.binDir, "pg_ctl"), "promote", "-D", c.dataDir, "-w", "-t", "50"); err != nil {
		return fmt.Errorf("pgcluster: promote %s: %w%s", c.dataDir, err, c.logTail())
	}
	return nil
}

// runAs runs a PostgreSQL program as the server's account, with its output
// in the error.
func runAs(ctx context.Context, acct account, path string, args ...string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Dir = "/"
	cmd.Env = childEnv()
	cmd.SysProcAttr = acct.sysProcAttr()
	cmd.WaitDelay = 5 * time.Second
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			err = fmt.Errorf("%w (%w)", ctx.Err(), err)
		}
		return fmt.Errorf("%s: %w\n%s", filepath.Base(path), err, lastLines(out.Bytes(), 20))
	}
	return nil
}
