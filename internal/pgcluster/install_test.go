package pgcluster

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeBinDir makes a bin dir whose postgres claims to be version 99 and
// whose pg_config points at an empty share dir: PostGIS is missing.
func fakeBinDir(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	share := filepath.Join(dir, "share")
	scripts := map[string]string{
		"postgres":  "#!/bin/sh\necho 'postgres (PostgreSQL) 99.1 (Fake)'\n",
		"initdb":    "#!/bin/sh\nexit 1\n",
		"pg_config": "#!/bin/sh\necho " + share + "\n",
	}
	for name, body := range scripts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestCheckPostGISMissing(t *testing.T) {
	bin := fakeBinDir(t)
	err := CheckPostGIS(bin)
	if !errors.Is(err, ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
	const want = "PostGIS is not installed: apt-get install postgresql-99-postgis-3"
	if !strings.HasPrefix(err.Error(), want) {
		t.Errorf("err = %q, want prefix %q", err, want)
	}
	if !strings.Contains(err.Error(), filepath.Join(bin, "share")) {
		t.Errorf("err = %q does not say where it looked", err)
	}
}

func TestCheckPostGISInstalled(t *testing.T) {
	bin, err := FindBinDir("")
	if err != nil {
		t.Fatalf("PostgreSQL not found where FindBinDir looks: %v", err)
	}
	if err := CheckPostGIS(bin); err != nil {
		t.Fatal(err)
	}
}

func TestFindBinDir(t *testing.T) {
	bin := fakeBinDir(t)
	if got, err := FindBinDir(bin); err != nil || got != bin {
		t.Errorf("FindBinDir(%q) = %q, %v", bin, got, err)
	}
	if err := os.Remove(filepath.Join(bin, "postgres")); err != nil {
		t.Fatal(err)
	}
	_, err := FindBinDir(bin)
	if !errors.Is(err, ErrUnavailable) || !strings.Contains(err.Error(), "has no postgres") {
		t.Errorf("FindBinDir without postgres: %v", err)
	}
	found, err := FindBinDir("")
	if err != nil {
		t.Fatalf("PostgreSQL not found where FindBinDir looks: %v", err)
	}
	if missingServerBinaries(found) != "" {
		t.Errorf("FindBinDir(\"\") = %q without server binaries", found)
	}
}

func TestMajorVersion(t *testing.T) {
	if v, err := MajorVersion(fakeBinDir(t)); err != nil || v != 99 {
		t.Errorf("MajorVersion = %d, %v; want 99", v, err)
	}
}

func TestVersionLess(t *testing.T) {
	for _, tc := range []struct {
		a, b string
		want bool
	}{
		{"9.6", "15", true},
		{"15", "16", true},
		{"16", "15", false},
		{"15", "15", false},
		{"10", "9.6", false},
	} {
		if got := versionLess(tc.a, tc.b); got != tc.want {
			t.Errorf("versionLess(%q, %q) = %v", tc.a, tc.b, got)
		}
	}
}
