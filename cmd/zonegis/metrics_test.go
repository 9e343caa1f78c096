package main

import (
	"io"
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// TestMetricsAddr: `zonegis serve` answers GET /metrics on its listener;
// with ZONEGIS_METRICS_ADDR set, on that address instead, and the main
// listener's /metrics is a 404 problem.
func TestMetricsAddr(t *testing.T) {
	fetch := func(url string) (int, string) {
		t.Helper()
		res, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res.StatusCode, string(b)
	}
	const want = "zonegis_index_seq "
	env := func() map[string]string {
		return map[string]string{"DATABASE_URL": pgtest.NewDB(t), "ZONEGIS_SEED": "none",
			"ZONEGIS_DATA_DIR": t.TempDir(), "ZONEGIS_LOG_LEVEL": "warn"}
	}

	main := startServerEnv(t, env())
	if code, body := fetch(main.base + "/metrics"); code != http.StatusOK || !strings.Contains(body, want) {
		t.Errorf("GET /metrics on the main listener: %d, %.200s", code, body)
	}

	// A free port for the metrics' own listener.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	e := env()
	e["ZONEGIS_METRICS_ADDR"] = addr
	apart := startServerEnv(t, e)
	if code, body := fetch(apart.base + "/metrics"); code != http.StatusNotFound || !strings.Contains(body, `"status":404`) {
		t.Errorf("GET /metrics on the main listener with ZONEGIS_METRICS_ADDR set: %d, %.200s; want a 404 problem", code, body)
	}
	fetch(apart.base + "/healthz") // timed, and counted on the other address
	code, body := fetch("http://" + addr + "/metrics")
	if code != http.StatusOK || !strings.Contains(body, want) ||
		!strings.Contains(body, `zonegis_http_request_duration_seconds_count{code="2xx",method="GET",route="/healthz"} 1`) {
		t.Errorf("GET /metrics on ZONEGIS_METRICS_ADDR: %d, %.2000s", code, body)
	}
}
