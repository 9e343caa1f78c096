package main

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/tiles"
)

// TestStartUpLeavesContextUnread: serve's start-up does not read the map's
// context layers (provinces and wards, a second of a core that competed
// with the index's load); the first province tile reads them and answers.
// The flag is the process's, so no test of this package before this one
// may ask for a context tile.
func TestStartUpLeavesContextUnread(t *testing.T) {
	if tiles.ContextRead() {
		t.Fatal("the context layers were read before this test's server started (by an earlier test of this process)")
	}
	srv := startServer(t, "none")
	// The server answers requests: start-up is over, and anything it had
	// started in the background has had time to begin.
	for range 3 {
		res, err := http.Get(srv.base + "/healthz")
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		time.Sleep(100 * time.Millisecond)
	}
	if tiles.ContextRead() {
		t.Fatal("start-up read the context layers")
	}
	res, err := http.Get(srv.base + "/tiles/provinces/5/25/14")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || len(body) < 100 || !tiles.ContextRead() {
		t.Fatalf("first province tile: %s, %d bytes, context read %v", res.Status, len(body), tiles.ContextRead())
	}
}
