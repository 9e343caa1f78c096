package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestHelpTouchesNothing: every command's --help, -h and "help CMD" print
// its usage on stdout and succeed without creating the data directory or
// reaching a database (DATABASE_URL unset: any database work would start a
// private cluster in the data directory).
func TestHelpTouchesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "var")
	env := map[string]string{"ZONEGIS_DATA_DIR": dir, "ZONEGIS_LOG_LEVEL": "debug"}
	c := &cli{env: env}
	for cmd, want := range map[string]string{
		"serve": "--addr", "migrate": "migrations", "seed": "ZONEGIS_SEED", "keys": "keys create --login", "users": "users create --login",
		"boards": "boards create --id", "import": "--collection", "export": "--format",
	} {
		for _, args := range [][]string{
			{cmd, "--help"}, {cmd, "-h"}, {"help", cmd},
			{cmd, "create", "--help"}, {cmd, "list", "-h"}, {cmd, "--collection", "zones", "-help"},
		} {
			out, errOut, err := c.run(t, args...)
			if err != nil || !strings.Contains(out, "Usage") || !strings.Contains(out, want) {
				t.Errorf("zonegis %s: err %v, stdout %q, stderr %q; want the usage of %s", strings.Join(args, " "), err, out, errOut, cmd)
			}
		}
	}
	if out, _, err := c.run(t, "help"); err != nil || !strings.Contains(out, "zonegis boards") {
		t.Errorf("zonegis help: %v %q", err, out)
	}
	if _, _, err := c.run(t, "help", "nosuch"); err == nil {
		t.Error("zonegis help nosuch: want an error")
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		entries, _ := os.ReadDir(filepath.Dir(dir))
		t.Fatalf("help created %s (%v): %v", dir, err, entries)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 0 {
		t.Fatalf("help left files beside the data dir: %v", entries)
	}
}
