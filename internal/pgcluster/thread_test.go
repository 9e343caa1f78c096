package pgcluster

import (
	"github.com/jackc/pgx/v5"
	"runtime"
	"testing"
	"time"
)

// TestServerOutlivesStarterThread starts a cluster from a goroutine that
// locks its OS thread and returns without unlocking, so the runtime ends
// that thread (as a cgo caller may). The server must keep running: with
// Pdeathsig tied to the forking thread, it used to get SIGINT and shut
// down ("the database system is shutting down").
// (A goroutine that lands on the main thread wedges it instead of ending
// it, so the test starts three servers.)
func TestServerOutlivesStarterThread(t *testing.T) {
	var cs []*Cluster
	for range 3 {
		dataDir := enterableTempDir(t)
		got := make(chan *Cluster)
		go func() {
			runtime.LockOSThread() // never unlocked: the thread exits with the goroutine
			got <- startCluster(t, dataDir)
		}()
		cs = append(cs, <-got)
	}
	time.Sleep(1500 * time.Millisecond) // the signal, if any, arrives when the thread exits
	for i, c := range cs {
		conn, err := pgx.Connect(t.Context(), c.ConnString("postgres"))
		if err != nil {
			t.Fatalf("server %d stopped after its starter thread exited: %v", i, err)
		}
		conn.Close(t.Context())
	}
}
