package postgis_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// sendCounter stands between a store and PostgreSQL on a unix socket of
// its own and counts what the store sends: each flush of the client is one
// read here (pgx writes a query, or a whole batch, with one write), so
// between two counts the number is the round trips the store made.
type sendCounter struct {
	url   string
	sends atomic.Int64
}

func newSendCounter(t *testing.T, dbURL string) *sendCounter {
	t.Helper()
	cfg, err := pgx.ParseConfig(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "zgc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	sock := ".s.PGSQL." + strconv.Itoa(int(cfg.Port))
	ln, err := net.Listen("unix", filepath.Join(dir, sock))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	c := &sendCounter{url: fmt.Sprintf("host=%s port=%d user=%s dbname=%s sslmode=disable pool_max_conns=1", dir, cfg.Port, cfg.User, cfg.Database)}
	target := filepath.Join(cfg.Host, sock)
	go func() {
		for {
			client, err := ln.Accept()
			if err != nil {
				return
			}
			server, err := net.Dial("unix", target)
			if err != nil {
				client.Close()
				continue
			}
			go func() { io.Copy(client, server); client.Close() }() //nolint:errcheck // until either side closes
			go func() {
				defer server.Close()
				buf := make([]byte, 1<<20)
				for {
					n, err := client.Read(buf)
					if n > 0 {
						c.sends.Add(1)
						if _, err := server.Write(buf[:n]); err != nil {
							return
						}
					}
					if err != nil {
						return
					}
				}
			}()
		}
	}()
	return c
}

// TestWriteRoundTrips: every write holds the change-log lock that
// serialises all writers until it commits, so each round trip it makes
// under the lock delays every write queued behind it (on a loaded machine
// a round trip costs milliseconds: both processes must be scheduled). The
// writes of the mixed load (an item PATCH, a lease, a lease's end) went to
// the server 10, 9 and 13 times; pipelined they go 3, 4 and 4 times, and
// still do what they did: the record written, the audit entry with its
// images, the change-log seq.
func TestWriteRoundTrips(t *testing.T) {
	dbURL := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	setup, err := postgis.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	if _, err := setup.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	z := fixture(t, setup)
	var ps []*zonegis.Parcel
	for i := range 3 {
		x := 106.700 + float64(i)*0.002
		p := &zonegis.Parcel{ZoneID: z.ID, LotCode: fmt.Sprintf("L%d", i), LandUse: "industrial", Boundary: rect(x, 10.750, x+0.0015, 10.752)}
		if _, err := setup.CreateParcel(ctx, zonegis.System, p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}

	c := newSendCounter(t, dbURL)
	db, err := postgis.Open(ctx, c.url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	a := zonegis.Actor{KeyName: "test", Role: zonegis.RoleAdmin, RequestID: "req-1"}
	patch := func(p *zonegis.Parcel, use string) (int64, error) {
		_, seq, err := db.UpdateParcel(ctx, a, p.ID, 0, func(q *zonegis.Parcel) error { q.LandUse = use; return nil })
		return seq, err
	}
	day := date("2001-01-01")
	lease := func(p *zonegis.Parcel) (*zonegis.Lease, int64, error) {
		l := &zonegis.Lease{ParcelID: p.ID, Lessee: "Công ty Thử", Country: "VN", Start: day, End: date("2070-01-01")}
		day = day.AddDate(0, 0, 2)
		seq, err := db.LeaseParcel(ctx, a, 0, l)
		return l, seq, err
	}
	end := func(l *zonegis.Lease) (int64, error) { return db.EndLease(ctx, a, l.ID, l.Start.AddDate(0, 0, 1)) }

	// Once on the pool's one connection first: statements are prepared
	// on first use (a round trip each, once per connection).
	if _, err := patch(ps[0], "logistics"); err != nil {
		t.Fatal(err)
	}
	if l, _, err := lease(ps[0]); err != nil {
		t.Fatal(err)
	} else if _, err := end(l); err != nil {
		t.Fatal(err)
	}

	count := func(what string, max int64, fn func() (int64, error)) {
		t.Helper()
		before := c.sends.Load()
		seq, err := fn()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		n := c.sends.Load() - before
		var want int64
		if err := setup.Pool().QueryRow(ctx, `SELECT max(seq) FROM changes`).Scan(&want); err != nil {
			t.Fatal(err)
		}
		if seq != want {
			t.Errorf("%s: seq %d, the change log ends at %d", what, seq, want)
		}
		t.Logf("%s: %d round trips", what, n)
		if n > max {
			t.Errorf("%s: %d round trips to the database, want at most %d", what, n, max)
		}
	}
	var l *zonegis.Lease
	count("PATCH", 3, func() (int64, error) { return patch(ps[1], "warehouse") })
	count("lease", 4, func() (int64, error) {
		var seq int64
		var err error
		l, seq, err = lease(ps[1])
		return seq, err
	})
	count("lease end", 4, func() (int64, error) { return end(l) })

	// What the writes did, read back: the parcel's land use, the lease
	// ended, and an audit entry per write with the images before and after.
	var use string
	var ended *time.Time
	if err := setup.Pool().QueryRow(ctx, `SELECT p.land_use, l.ended_on FROM parcels p JOIN leases l ON l.parcel_id = p.id WHERE l.id = $1`, l.ID).Scan(&use, &ended); err != nil {
		t.Fatal(err)
	}
	if use != "warehouse" || ended == nil || !ended.Equal(l.Start.AddDate(0, 0, 1)) {
		t.Errorf("parcel's land use %q, lease ended on %v", use, ended)
	}
	rows, err := setup.Pool().Query(ctx, `SELECT action, collection, item_id, request_id, board_id,
		before IS NOT NULL, after IS NOT NULL, coalesce(after->>'land_use', after->>'ended_on', '')
		FROM audit_log WHERE request_id = 'req-1' ORDER BY id DESC LIMIT 3`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var got []string
	for rows.Next() {
		var action, coll, req, board, v string
		var item int64
		var hasBefore, hasAfter bool
		if err := rows.Scan(&action, &coll, &item, &req, &board, &hasBefore, &hasAfter, &v); err != nil {
			t.Fatal(err)
		}
		got = append(got, fmt.Sprintf("%s %s %v %s before=%v after=%v %s", action, coll, item == ps[1].ID || item == l.ID, board, hasBefore, hasAfter, v))
	}
	want := []string{
		"end_lease leases true hepza before=true after=true " + l.Start.AddDate(0, 0, 1).Format(time.DateOnly),
		"lease leases true hepza before=false after=true ",
		"replace parcels true hepza before=true after=true warehouse",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("audit entries\n got %q\nwant %q", got, want)
	}
}

// TestLeaseFindsItsEnterpriseByIndex: a lease written without
// enterprise_id finds its enterprise by lessee and country in its parcel's
// board (migrations/0015), under the change-log lock every writer waits
// for. Over every source, which the unique index (partial to the sources
// made from leases) could not serve, that was a sequential scan of all
// enterprises for each lease: half a million of them in a registry
// migrated with a million parcels. With migrations/0019 it is an index
// scan, and a 'manual' enterprise of the same name still comes first.
func TestLeaseFindsItsEnterpriseByIndex(t *testing.T) {
	store := postgistest.Open(t)
	z := fixture(t, store)
	ctx := context.Background()
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "L1", LandUse: "industrial", Boundary: rect(106.700, 10.750, 106.703, 10.753)}
	if _, err := store.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool().Exec(ctx, `INSERT INTO enterprises (board_id, name_vi, country, source)
		SELECT 'hepza', 'Công ty ' || i, 'VN', 'migrated_lease' FROM generate_series(1, 20000) i`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool().Exec(ctx, `INSERT INTO enterprises (board_id, name_vi, country, source) VALUES ('hepza', 'Công ty 777', 'VN', 'manual')`); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Pool().Exec(ctx, `ANALYZE enterprises`); err != nil {
		t.Fatal(err)
	}
	tx, err := store.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // nothing to keep
	// The backend's scans of enterprises not yet reported, before the
	// lease: they may include earlier transactions' on this connection
	// (the migrations' and the fixture's), which PostgreSQL 15 flushes to
	// the shared statistics only when the backend is idle; the lease's own
	// are the difference.
	seqScansBefore := enterpriseSeqScans(ctx, t, tx)
	var enterprise int64
	if err := tx.QueryRow(ctx, `INSERT INTO leases (parcel_id, lessee, country, start_date, end_date)
		VALUES ($1, 'Công ty 777', 'VN', '2020-01-01', '2070-01-01') RETURNING enterprise_id`, p.ID).Scan(&enterprise); err != nil {
		t.Fatal(err)
	}
	if seqScans := enterpriseSeqScans(ctx, t, tx) - seqScansBefore; seqScans != 0 {
		t.Errorf("writing a lease scanned the %d enterprises sequentially %d time(s); want an index scan", 20001, seqScans)
	}
	var source string
	if err := tx.QueryRow(ctx, `SELECT source FROM enterprises WHERE id = $1`, enterprise).Scan(&source); err != nil {
		t.Fatal(err)
	}
	if source != "manual" {
		t.Errorf("the lease's enterprise is the %q one of its name, want the manual one", source)
	}
}

// enterpriseSeqScans returns the sequential scans of enterprises the
// backend of tx has not yet reported.
func enterpriseSeqScans(ctx context.Context, t *testing.T, tx pgx.Tx) int64 {
	t.Helper()
	var n int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_xact_user_tables WHERE relname = 'enterprises'`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestQueuedWritersLeaveConnectionsForReads: writers serialise on the
// change-log lock, and one waiting for it in the database holds a pool
// connection. With more writers queued than the pool has connections, the
// follower's catch-up (what each of those writers then waits for before it
// answers) and every other read waited behind them all. Writers beyond
// half the pool now queue without a connection, so reads go on.
func TestQueuedWritersLeaveConnectionsForReads(t *testing.T) {
	dbURL := pgtest.NewDB(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	setup, err := postgis.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer setup.Close()
	if _, err := setup.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	z := fixture(t, setup)
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "L1", LandUse: "industrial", Boundary: rect(106.700, 10.750, 106.703, 10.753)}
	if _, err := setup.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	db, err := postgis.Open(ctx, dbURL+" pool_max_conns=4")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	// Another writer holds the change-log lock.
	holder, err := setup.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer holder.Rollback(ctx) //nolint:errcheck // released below
	if _, err := holder.Exec(ctx, `SELECT pg_advisory_xact_lock(7310225)`); err != nil {
		t.Fatal(err)
	}
	const writers = 6
	errs := make(chan error, writers)
	for i := range writers {
		use := []string{"logistics", "warehouse"}[i%2]
		go func() {
			_, _, err := db.UpdateParcel(ctx, zonegis.System, p.ID, 0, func(q *zonegis.Parcel) error { q.LandUse = use; return nil })
			errs <- err
		}()
	}
	// Until they are all queued on the lock (or on their turn).
	deadline := time.Now().Add(10 * time.Second)
	for {
		var waiting int
		if err := setup.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 7310225 AND NOT granted`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d writers waiting for the change-log lock", waiting)
		}
		time.Sleep(10 * time.Millisecond)
	}
	time.Sleep(100 * time.Millisecond) // any writer that could take a connection has

	rctx, rcancel := context.WithTimeout(ctx, 3*time.Second)
	st, _, err := db.ChangeLog(rctx, 0, 10)
	rcancel()
	if err != nil {
		t.Fatalf("a follower's read while %d writes are queued: %v", writers, err)
	}
	if st.End == 0 {
		t.Errorf("change log state %+v", st)
	}
	if err := holder.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	for range writers {
		if err := <-errs; err != nil {
			t.Errorf("queued write: %v", err)
		}
	}
	var version int64
	if err := setup.Pool().QueryRow(ctx, `SELECT version FROM parcels WHERE id = $1`, p.ID).Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != 1+writers {
		t.Errorf("parcel version %d after %d writes, want %d", version, writers, 1+writers)
	}
}

// TestParcelGuardRunsWhenShapeOrZoneChanges: the land-record guard
// (zg_part_guard) runs for an update that changes a parcel's boundary, by
// as little as a vertex added on an edge (the same shape, the same bound),
// or its zone, and is skipped for one that writes them back unchanged as
// UpdateParcel does for a change of land use (every column written, the
// boundary through WKB as it was read): that guard took most of such an
// update's time (migrations/0021).
func TestParcelGuardRunsWhenShapeOrZoneChanges(t *testing.T) {
	store := postgistest.Open(t)
	z := fixture(t, store)
	ctx := context.Background()
	far := &zonegis.Zone{Code: "KCX-FAR", NameVI: "Khu chế xuất Xa", NameEN: "Far EPZ", Kind: zonegis.KindExportProcessingZone,
		BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional,
		Source: "manual", Boundary: rect(106.80, 10.75, 106.81, 10.76)}
	if _, err := store.CreateZone(ctx, zonegis.System, far); err != nil {
		t.Fatal(err)
	}
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "L1", LandUse: "industrial", Boundary: rect(106.700, 10.750, 106.702, 10.752)}
	if _, err := store.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	tx, err := store.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // nothing to keep
	if _, err := tx.Exec(ctx, `SET LOCAL track_functions = 'pl'`); err != nil {
		t.Fatal(err)
	}
	guardRuns := func(update string, args ...any) (int64, error) {
		t.Helper()
		var before, after int64
		q := `SELECT coalesce(pg_stat_get_xact_function_calls('zg_part_guard'::regproc), 0)`
		if err := tx.QueryRow(ctx, q).Scan(&before); err != nil {
			t.Fatal(err)
		}
		_, uerr := tx.Exec(ctx, update, append([]any{p.ID}, args...)...)
		if uerr != nil {
			return 0, uerr
		}
		if err := tx.QueryRow(ctx, q).Scan(&after); err != nil {
			t.Fatal(err)
		}
		return after - before, nil
	}
	// As UpdateParcel writes a new land use: every column, the boundary
	// read as WKB and written back.
	n, err := guardRuns(`UPDATE parcels SET zone_id = zone_id, lot_code = lot_code, land_use = 'logistics', synthetic = synthetic,
		boundary = ST_Multi(ST_GeomFromWKB(ST_AsBinary(boundary), 4326)), attributes = attributes WHERE id = $1`)
	if err != nil || n != 0 {
		t.Errorf("a change of land use ran the guard %d time(s) (%v); want 0", n, err)
	}
	// The same square with a vertex more, halfway along its south edge.
	n, err = guardRuns(`UPDATE parcels SET boundary = ST_Multi(ST_GeomFromText($2, 4326)) WHERE id = $1`,
		"POLYGON((106.700 10.750,106.701 10.750,106.702 10.750,106.702 10.752,106.700 10.752,106.700 10.750))")
	if err != nil || n != 1 {
		t.Errorf("a boundary with a vertex added ran the guard %d time(s) (%v); want 1", n, err)
	}
	// Into a zone it lies outside of: the guard runs and refuses it.
	if _, err := guardRuns(`UPDATE parcels SET zone_id = $2 WHERE id = $1`, far.ID); err == nil || !strings.Contains(err.Error(), "outside zone KCX-FAR") {
		t.Errorf("a parcel moved into a zone it lies outside of: %v; want the guard's refusal", err)
	}
}
