package pgcluster

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
)

func TestClearStalePIDFile(t *testing.T) {
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name    string
		content string
		removed bool
	}{
		{"dead pid", strconv.Itoa(dead.Process.Pid) + "\n/x\n", true},
		{"our own pid", strconv.Itoa(os.Getpid()) + "\n", true},
		{"garbage", "not a pid\n", true},
		{"empty", "", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, pidFileName)
			if err := os.WriteFile(path, []byte(tc.content), 0o600); err != nil {
				t.Fatal(err)
			}
			removed, err := clearStalePIDFile(dir)
			if err != nil || removed != tc.removed {
				t.Fatalf("clearStalePIDFile = %v, %v; want %v", removed, err, tc.removed)
			}
			if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
				t.Errorf("pid file still there: %v", err)
			}
		})
	}
	t.Run("no file", func(t *testing.T) {
		if removed, err := clearStalePIDFile(t.TempDir()); removed || err != nil {
			t.Errorf("clearStalePIDFile = %v, %v", removed, err)
		}
	})
}
