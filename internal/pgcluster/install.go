package pgcluster

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// EnvBinDir names the environment variable that commands and test helpers
// read to override where the PostgreSQL server binaries live. This package
// never reads it itself: callers pass its value as Options.BinDir.
const EnvBinDir = "ZONEGIS_PG_BINDIR"

// debianBinGlob matches the server binary directories of Debian's
// postgresql-NN packages.
const debianBinGlob = "/usr/lib/postgresql/*/bin"

// ErrUnavailable is matched (with errors.Is) by every error saying that
// PostgreSQL or PostGIS is not installed on this machine, as opposed to an
// installed server that failed. Test helpers skip on it.
var ErrUnavailable = errors.New("PostgreSQL or PostGIS is not available")

// unavailableError carries the human message (which says how to fix it)
// and matches ErrUnavailable.
type unavailableError struct{ msg string }

func (e *unavailableError) Error() string        { return e.msg }
func (e *unavailableError) Is(target error) bool { return target == ErrUnavailable }

func unavailable(format string, args ...any) error {
	return &unavailableError{msg: fmt.Sprintf(format, args...)}
}

// FindBinDir returns the directory holding the PostgreSQL server binaries
// (initdb and postgres). A non-empty dir is checked and returned as is;
// otherwise it asks `pg_config --bindir` (the pg_config on PATH), then tries
// /usr/lib/postgresql/*/bin, highest major version first. The error matches
// ErrUnavailable and says what to install.
func FindBinDir(dir string) (string, error) {
	if dir != "" {
		abs, err := filepath.Abs(dir)
		if err != nil {
			return "", fmt.Errorf("bin dir %q: %w", dir, err)
		}
		if missing := missingServerBinaries(abs); missing != "" {
			return "", unavailable("PostgreSQL server binaries not found: %s has no %s "+
				"(set the bin dir to the directory holding initdb and postgres, "+
				"e.g. /usr/lib/postgresql/15/bin, or apt-get install postgresql)", abs, missing)
		}
		return abs, nil
	}
	if pgConfig, err := exec.LookPath("pg_config"); err == nil {
		out, err := exec.Command(pgConfig, "--bindir").Output()
		if d := strings.TrimSpace(string(out)); err == nil && d != "" && missingServerBinaries(d) == "" {
			return d, nil
		}
	}
	dirs, _ := filepath.Glob(debianBinGlob) // the pattern is valid
	// Highest version first.
	slices.SortFunc(dirs, func(a, b string) int {
		va, vb := filepath.Base(filepath.Dir(a)), filepath.Base(filepath.Dir(b))
		switch {
		case versionLess(vb, va):
			return -1
		case versionLess(va, vb):
			return 1
		}
		return 0
	})
	for _, d := range dirs {
		if missingServerBinaries(d) == "" {
			return d, nil
		}
	}
	return "", unavailable("PostgreSQL is not installed: no pg_config on PATH and no server "+
		"binaries in %s: apt-get install postgresql postgresql-15-postgis-3 "+
		"(or set %s to the directory holding initdb and postgres)", debianBinGlob, EnvBinDir)
}

// missingServerBinaries names the first server binary that dir lacks, or
// returns "" when both are there and executable.
func missingServerBinaries(dir string) string {
	for _, name := range []string{"initdb", "postgres"} {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode().Perm()&0o111 == 0 {
			return name
		}
	}
	return ""
}

// versionLess orders PostgreSQL version directory names such as "9.6",
// "15" and "16" numerically.
func versionLess(a, b string) bool {
	pa, pb := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(pa) && i < len(pb); i++ {
		na, errA := strconv.Atoi(pa[i])
		nb, errB := strconv.Atoi(pb[i])
		if errA != nil || errB != nil {
			return a < b
		}
		if na != nb {
			return na < nb
		}
	}
	return len(pa) < len(pb)
}

var serverVersionRE = regexp.MustCompile(`\(PostgreSQL\) (\d+)`)

// MajorVersion returns the major version (15 for 15.4) of the postgres
// binary in binDir, from `postgres --version`.
func MajorVersion(binDir string) (int, error) {
	bin := filepath.Join(binDir, "postgres")
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return 0, fmt.Errorf("%s --version: %w", bin, err)
	}
	m := serverVersionRE.FindSubmatch(out)
	if m == nil {
		return 0, fmt.Errorf("%s --version: unexpected output %q", bin, strings.TrimSpace(string(out)))
	}
	return strconv.Atoi(string(m[1]))
}

// CheckPostGIS checks that the PostGIS extension is installed for the
// server in binDir (as found by FindBinDir): it looks for
// extension/postgis.control under the server's share directory. The error
// matches ErrUnavailable and names the package to install.
func CheckPostGIS(binDir string) error {
	major, err := MajorVersion(binDir)
	if err != nil {
		return err
	}
	dirs := shareDirs(binDir, major)
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "extension", "postgis.control")); err == nil {
			return nil
		}
	}
	return unavailable("PostGIS is not installed: apt-get install postgresql-%d-postgis-3 "+
		"(no extension/postgis.control in %s)", major, strings.Join(dirs, ", "))
}

// shareDirs lists where the server in binDir may keep its extension files:
// what its own pg_config says, then the Debian and source-build layouts.
func shareDirs(binDir string, major int) []string {
	var dirs []string
	if out, err := exec.Command(filepath.Join(binDir, "pg_config"), "--sharedir").Output(); err == nil {
		if d := strings.TrimSpace(string(out)); d != "" {
			dirs = append(dirs, d)
		}
	}
	prefix := filepath.Dir(binDir)
	for _, d := range []string{
		fmt.Sprintf("/usr/share/postgresql/%d", major),
		filepath.Join(prefix, "share", "postgresql"),
		filepath.Join(prefix, "share"),
	} {
		if !slices.Contains(dirs, d) {
			dirs = append(dirs, d)
		}
	}
	return dirs
}
