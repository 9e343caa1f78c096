package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// ErrAlreadyRunning is matched (with errors.Is) by the error Start returns
// when a live postgres server already holds the data directory. Start does
// not attach to such a server: it would not control its lifetime (Open
// does, and shares it).
var ErrAlreadyRunning = errors.New("a PostgreSQL server is already running on this data directory")

// pidFileName is the lock file a running postmaster keeps in its data
// directory; its first line is the postmaster's process id.
const pidFileName = "postmaster.pid"

// clearStalePIDFile removes dataDir/postmaster.pid when the process it
// names is gone or is not a postgres process (the id was reused, as happens
// after a container restart), and fails with ErrAlreadyRunning when a
// postgres process still holds it. It reports whether it removed a file.
func clearStalePIDFile(dataDir string) (removed bool, err error) {
	path := filepath.Join(dataDir, pidFileName)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", path, err)
	}
	first, _, _ := strings.Cut(string(b), "\n")
	// A single-user backend writes its pid negated.
	pid, perr := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(first), "-"))
	if perr == nil && pid > 0 && pid != os.Getpid() && isPostgresProcess(pid) {
		return false, fmt.Errorf("%w: %s names live postgres process %d; stop that server first "+
			"(kill -INT %d), or use another data directory", ErrAlreadyRunning, path, pid, pid)
	}
	if err := os.Remove(path); err != nil {
		return false, fmt.Errorf("remove stale %s: %w", path, err)
	}
	return true, nil
}

// isPostgresProcess reports whether pid is a live process whose command
// name is postgres (or postmaster). Without /proc it assumes that a live
// process is postgres, which errs on the side of not starting twice.
func isPostgresProcess(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	comm, err := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid))
	if err != nil {
		// Either it exited between the two checks, or there is no /proc.
		_, statErr := os.Stat("/proc/self")
		return statErr != nil
	}
	switch strings.TrimSpace(string(comm)) {
	case "postgres", "postmaster":
		return true
	}
	return false
}
