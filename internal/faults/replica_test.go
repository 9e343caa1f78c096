package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/pgcluster"
)

// visibleWithin is how soon a write through one instance must show on
// another, the primary's and the standby's alike.
const visibleWithin = time.Second

// ownWriteWithin bounds a write through the instance that reads a
// standby: the write, then its wait until the follower has read it back
// from the standby (a poll is a second, so a write that waited for one
// is caught).
const ownWriteWithin = 500 * time.Millisecond

// TestFaultReplica runs two instances over a primary and its streaming hot
// standby (pg_basebackup -R): A reads and writes on the primary, B reads
// from the standby and writes to the primary, as the README's deployment
// section describes. A write through either is visible through the other
// within a second (the lag is logged); B's writes land on the primary
// (the standby cannot take them) and B shows them at once. Then the
// primary is stopped and the standby promoted: B keeps reading, and both
// write again, to the promoted standby, because their write URLs name both
// servers with target_session_attrs=read-write (libpq's failover: the
// first host that takes writes), and both indexes converge on it.
func TestFaultReplica(t *testing.T) {
	oc := newCluster(t)
	primary := oc.cluster()
	ctx := context.Background()
	if err := primary.CreateDatabase(ctx, "zonegis"); err != nil {
		t.Fatal(err)
	}
	pURL := primary.ConnString("zonegis")
	prepare(t, pURL)
	// Commits flushed at once, as in production: the test clusters run
	// with synchronous_commit off, which holds each commit's WAL, and so
	// its streaming to the standby, for up to wal_writer_delay (200 ms).
	execOn(t, pURL, `ALTER DATABASE zonegis SET synchronous_commit = on`)

	start := time.Now()
	sopts := oc.opts
	sopts.DataDir = filepath.Join(filepath.Dir(oc.opts.DataDir), "standby")
	standby, err := primary.StartStandby(ctx, sopts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := standby.Stop(sctx); err != nil {
			t.Error(err)
		}
	})
	sURL := standby.ConnString("zonegis")
	t.Logf("standby made and started in %v", time.Since(start).Round(time.Millisecond))
	if !inRecovery(t, sURL) {
		t.Fatal("the standby is not in recovery: not a standby")
	}
	// Writes go to whichever of the two takes them: the primary, and the
	// standby once promoted.
	wURL := fmt.Sprintf("host=%s,%s port=%d,%d user=%s dbname=zonegis sslmode=disable target_session_attrs=read-write",
		primary.SocketDir(), standby.SocketDir(), pgcluster.DefaultPort, pgcluster.DefaultPort, pgcluster.Superuser)

	// The followers poll as in production (1 s): a write shows sooner
	// only if the NOTIFY path works over the standby.
	a := startServiceOn(t, wURL, "", time.Second)
	b := startServiceOn(t, sURL, wURL, time.Second)
	if !b.db.Split() || a.db.Split() {
		t.Fatalf("split: A %v, B %v; want A one pool, B reads apart", a.db.Split(), b.db.Split())
	}
	key := plannerKey(t, a.db)
	zoneID, cells := emptyZone(t, a.db.Pool(), 4)

	// create posts a parcel through svc, retrying while the database is
	// unavailable (the failover), and returns its id.
	create := func(svc *service, lot, cell string, within time.Duration) int64 {
		t.Helper()
		deadline := time.Now().Add(within)
		for {
			r := mustCall(t, http.MethodPost, svc.url+"/collections/parcels/items", parcelFeature(zoneID, lot, cell), bearer(key))
			if r.status == http.StatusCreated {
				var f struct{ ID int64 }
				if err := json.Unmarshal(r.body, &f); err != nil || f.ID == 0 {
					t.Fatalf("create %s: id in %.200s: %v", lot, r.body, err)
				}
				return f.ID
			}
			if r.status != http.StatusServiceUnavailable || time.Now().After(deadline) {
				t.Fatalf("create %s through %s: %d %.300s", lot, svc.url, r.status, r.body)
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// seenOn reports how long parcel id took to show through svc.
	seenOn := func(svc *service, id int64, within time.Duration) time.Duration {
		t.Helper()
		start := time.Now()
		for {
			r := mustCall(t, http.MethodGet, svc.url+"/collections/parcels/items/"+strconv.FormatInt(id, 10), "", nil)
			if r.status == http.StatusOK {
				return time.Since(start)
			}
			if time.Since(start) > within {
				t.Fatalf("parcel %d not visible through %s after %v (status %d)", id, svc.url, within, r.status)
			}
			time.Sleep(2 * time.Millisecond)
		}
	}

	// A writes on the primary; B reads it from the standby.
	id1 := create(a, "R-1", cells[0], 0)
	t.Logf("A's write visible through B (from the standby) after %v", seenOn(b, id1, visibleWithin))

	// B writes to the primary: visible through B at once (it waited for
	// its follower to read it from the standby), on the primary, and
	// through A within a second.
	start = time.Now()
	id2 := create(b, "R-2", cells[1], 0)
	took := time.Since(start)
	t.Logf("B's write answered in %v (once its follower had it from the standby)", took)
	if took > ownWriteWithin {
		t.Errorf("B's write took %v, want under %v: its follower waited for a poll instead of reading the standby again", took, ownWriteWithin)
	}
	seenOn(b, id2, 0)
	var lot string
	if err := a.db.Pool().QueryRow(ctx, `SELECT lot_code FROM parcels WHERE id = $1`, id2).Scan(&lot); err != nil || lot != "R-2" {
		t.Fatalf("B's write on the primary: %q, %v", lot, err)
	}
	t.Logf("B's write visible through A (from the primary) after %v", seenOn(a, id2, visibleWithin))

	// Failover: the primary stops, the standby is promoted.
	oc.stop(t)
	start = time.Now()
	if err := standby.Promote(ctx); err != nil {
		t.Fatal(err)
	}
	if inRecovery(t, sURL) {
		t.Fatal("the standby is still in recovery after pg_ctl promote")
	}
	t.Logf("standby promoted in %v", time.Since(start).Round(time.Millisecond))
	if r := mustCall(t, http.MethodGet, b.url+"/collections/parcels/items/"+strconv.FormatInt(id1, 10), "", nil); r.status != http.StatusOK {
		t.Fatalf("B's read after the promotion: %d %.200s", r.status, r.body)
	}
	start = time.Now()
	id3 := create(b, "R-3", cells[2], 20*time.Second)
	id4 := create(a, "R-4", cells[3], 20*time.Second)
	t.Logf("writes through both instances again %v after the promotion", time.Since(start).Round(time.Millisecond))
	seenOn(a, id3, visibleWithin)
	seenOn(b, id4, visibleWithin)
	waitConverged(t, a.db, a.ix, 5*time.Second)
	waitConverged(t, b.db, b.ix, 5*time.Second)
}

// execOn runs one statement on the database at url.
func execOn(t *testing.T, url, sql string) {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	if _, err := conn.Exec(context.Background(), sql); err != nil {
		t.Fatal(err)
	}
}

// inRecovery reports whether the server at url is a standby.
func inRecovery(t *testing.T, url string) bool {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var rec bool
	if err := conn.QueryRow(context.Background(), `SELECT pg_is_in_recovery()`).Scan(&rec); err != nil {
		t.Fatal(err)
	}
	return rec
}
