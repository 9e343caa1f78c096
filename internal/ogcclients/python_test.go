package ogcclients

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// debianPython is the interpreter Debian's python3-owslib and python3-qgis
// install into; a python3 earlier on PATH (pyenv) does not see them.
const debianPython = "/usr/bin/python3"

// runPython runs testdata/script under Debian's python with cfg written
// to a JSON file as its argument, and decodes the JSON it prints into out.
func runPython(t *testing.T, env []string, script string, cfg any, out any) {
	t.Helper()
	py := pgtest.Tool(t, debianPython, "python3")
	path, err := filepath.Abs(filepath.Join("testdata", script))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(cfgPath, b, 0o600); err != nil {
		t.Fatal(err)
	}
	stdout, stderr := client(t, env, py, path, cfgPath)
	if err := json.Unmarshal([]byte(stdout), out); err != nil {
		t.Fatalf("%s printed no JSON (%v):\nstdout:\n%.2000s\nstderr:\n%.4000s", script, err, stdout, stderr)
	}
}
