package main

import (
	"bytes"
	"encoding/json"
	"maps"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestCLIBesideServe runs `zonegis serve` on a data directory without
// DATABASE_URL (its private cluster), then every CLI command on the same
// directory while it runs: each uses the running cluster (instead of
// refusing, or starting a second postgres), and the running server sees
// what they did. When the server stops, the cluster stops with it (no CLI
// command still uses it).
func TestCLIBesideServe(t *testing.T) {
	dir := t.TempDir()
	// The server runs as the postgres user when the tests run as root:
	// it must be able to enter the data directory.
	for _, d := range []string{filepath.Dir(dir), dir} {
		if err := os.Chmod(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	env := map[string]string{"ZONEGIS_DATA_DIR": dir, "ZONEGIS_SEED": "none", "ZONEGIS_LOG_LEVEL": "info"}
	srv := startServerEnv(t, env)
	c := &cli{env: maps.Clone(env)}
	cmd := func(args ...string) string {
		t.Helper()
		start := time.Now()
		out, errOut, err := c.run(t, args...)
		if err != nil {
			t.Fatalf("zonegis %s beside serve: %v\n%s", strings.Join(args, " "), err, errOut)
		}
		if !strings.Contains(errOut, "using the postgres already running") {
			t.Errorf("zonegis %s did not use the running cluster; its log:\n%s", args[0], errOut)
		}
		t.Logf("zonegis %s: %v", strings.Join(args, " "), time.Since(start).Round(time.Millisecond))
		return out
	}
	send := func(method, path, key, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.base+path, strings.NewReader(body))
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		if key != "" {
			req.Header.Set("Authorization", "Bearer "+key)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var b bytes.Buffer
		b.ReadFrom(res.Body)
		return res.StatusCode, b.String()
	}
	// eventually polls the server until ok (another process's writes reach
	// its index through the change log within about a second).
	eventually := func(what string, ok func() bool) {
		t.Helper()
		for deadline := time.Now().Add(10 * time.Second); !ok(); time.Sleep(100 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("the running server never saw %s", what)
			}
		}
	}

	cmd("migrate")

	// A key made by the CLI works on the running server at once; revoked
	// by the CLI, it stops working.
	key := strings.TrimSpace(cmd("keys", "create", "--role", "admin", "--name", "ops"))
	if status, body := send(http.MethodPost, "/boards", key, `{"id":"bql-thu","name_vi":"Ban Thử","name_en":"Test board","province":"Đồng Nai"}`); status != http.StatusCreated {
		t.Fatalf("POST /boards with the CLI's key: %d %s", status, body)
	}
	cmd("boards", "edit", "bql-thu", "--name-en", "Test board (CLI)")
	if status, body := send(http.MethodGet, "/boards/bql-thu", "", ""); status != http.StatusOK || !strings.Contains(body, "Test board (CLI)") {
		t.Fatalf("GET /boards/bql-thu after the CLI's edit: %d %s", status, body)
	}

	// Seed and import: the server's index follows.
	c.env["ZONEGIS_SEED"] = "KCX-TAN-THUAN"
	cmd("seed")
	var zones page
	eventually("the seeded zones", func() bool {
		getJSON(t, srv.base+"/collections/zones/items?limit=1", &zones)
		return zones.NumberMatched > 200
	})
	seeded := zones.NumberMatched
	file := filepath.Join(t.TempDir(), "zone.geojson")
	if err := os.WriteFile(file, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature",
		"geometry":{"type":"Polygon","coordinates":[[[107.90,11.90],[107.91,11.90],[107.91,11.91],[107.90,11.90]]]},
		"properties":{"code":"KCN-CLI-THU","name_vi":"Khu công nghiệp Dòng lệnh","name_en":"CLI IP","kind":"industrial_park",
		"board_id":"bql-thu","province":"Đồng Nai"}}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if out := cmd("import", "--collection", "zones", file); out != "imported 1 zones\n" {
		t.Fatalf("import: %q", out)
	}
	eventually("the imported zone", func() bool {
		var p page
		getJSON(t, srv.base+"/collections/zones/items?q=dong+lenh", &p)
		return p.NumberMatched == 1
	})

	// Export reads the same database the server serves.
	out := filepath.Join(t.TempDir(), "zones.geojson")
	cmd("export", "--collection", "zones", "--format", "geojson", "--out", out)
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	var fc struct{ Features []json.RawMessage }
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != seeded+1 {
		t.Fatalf("export: %v, %d features, want %d", err, len(fc.Features), seeded+1)
	}

	prefix := strings.Split(key, "_")[1]
	cmd("keys", "revoke", prefix)
	if status, _ := send(http.MethodGet, "/audit?limit=1", key, ""); status != http.StatusUnauthorized {
		t.Fatalf("the key revoked by the CLI still works: %d", status)
	}
	if status, body := send(http.MethodGet, "/healthz", "", ""); status != http.StatusOK {
		t.Fatalf("the server after the CLI commands: %d %s", status, body)
	}

	// Serve stops the cluster it started: no CLI command uses it any more.
	pidFile := filepath.Join(dir, "pgdata", "postmaster.pid")
	if _, err := os.Stat(pidFile); err != nil {
		t.Fatalf("postmaster.pid while serving: %v", err)
	}
	if err := srv.stop(); err != nil {
		t.Fatalf("serve: %v\n%s", err, srv.logs)
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid after serve stopped: %v", err)
	}
	// With no server running, a command starts the cluster and stops it.
	o, errOut, err := c.run(t, "keys", "list")
	if err != nil || !strings.Contains(o, prefix) || !strings.Contains(errOut, "postgres started") {
		t.Fatalf("keys list alone: %v %q\n%s", err, o, errOut)
	}
	if _, err := os.Stat(pidFile); !os.IsNotExist(err) {
		t.Fatalf("postmaster.pid after keys list alone: %v", err)
	}
}
