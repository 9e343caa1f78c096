package faults

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// sqlWriter is another client of the database, writing with plain SQL on
// its own connection (application_name faults_writer, so that the test
// can tell its backend from the service's): inserts, updates and deletes
// of parcels, green areas and a zone, as a second service or a DBA would.
type sqlWriter struct {
	conn    *pgx.Conn
	zoneID  int64
	cells   []string // free sites, used from the front
	parcels []int64  // parcels it made that still exist
	rng     *rand.Rand
	n       int
}

func newSQLWriter(t *testing.T, url string, zoneID int64, cells []string) *sqlWriter {
	t.Helper()
	conn, err := pgx.Connect(context.Background(), url+" application_name=faults_writer")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	return &sqlWriter{conn: conn, zoneID: zoneID, cells: cells, rng: rand.New(rand.NewPCG(7, 7))}
}

// write makes one random change.
func (w *sqlWriter) write(ctx context.Context) error {
	w.n++
	op := w.rng.IntN(10)
	switch {
	case op < 4 || len(w.parcels) < 3:
		if len(w.cells) == 0 {
			return fmt.Errorf("out of cells")
		}
		var id int64
		err := w.conn.QueryRow(ctx, `INSERT INTO parcels (zone_id, lot_code, land_use, boundary)
			VALUES ($1, $2, 'industrial', ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326))) RETURNING id`,
			w.zoneID, "W-"+strconv.Itoa(w.n), w.cells[0]).Scan(&id)
		if err != nil {
			return err
		}
		w.cells = w.cells[1:]
		w.parcels = append(w.parcels, id)
		return nil
	case op < 7:
		id := w.parcels[w.rng.IntN(len(w.parcels))]
		_, err := w.conn.Exec(ctx, `UPDATE parcels SET reserved_on = $2, land_use = $3 WHERE id = $1`, id,
			[]any{nil, "2026-01-01"}[w.rng.IntN(2)], zonegis.LandUses[w.rng.IntN(4)])
		return err
	case op < 8:
		i := w.rng.IntN(len(w.parcels))
		if _, err := w.conn.Exec(ctx, `DELETE FROM parcels WHERE id = $1`, w.parcels[i]); err != nil {
			return err
		}
		w.parcels = append(w.parcels[:i], w.parcels[i+1:]...)
		return nil
	case op < 9:
		if len(w.cells) == 0 {
			return fmt.Errorf("out of cells")
		}
		_, err := w.conn.Exec(ctx, `INSERT INTO green_areas (zone_id, kind, name, boundary)
			VALUES ($1, 'park', $2, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($3), 4326)))`, w.zoneID, "G-"+strconv.Itoa(w.n), w.cells[0])
		w.cells = w.cells[1:]
		return err
	default:
		_, err := w.conn.Exec(ctx, `UPDATE zones SET name_en = $2 WHERE id = $1`, w.zoneID, "Renamed "+strconv.Itoa(w.n))
		return err
	}
}

// TestFaultChangesWhileDisconnected writes with another client while the
// service cannot reach the database, first through a network cut, then
// with its backends terminated again and again: every change reaches the
// index, by catching up on the change log rather than reloading.
func TestFaultChangesWhileDisconnected(t *testing.T) {
	url := pgtest.NewDB(t)
	prepare(t, url)
	px := newProxy(t, url)
	svc := startService(t, px.url)
	key := plannerKey(t, svc.db)
	zoneID, cells := emptyZone(t, svc.db.Pool(), 1000)
	w := newSQLWriter(t, url, zoneID, cells)
	ctx := context.Background()
	var free int64
	svc.ix.Snapshot().AscendParcels(0, func(p *zonegis.Parcel) bool {
		free = p.ID
		return p.Status != zonegis.ParcelAvailable
	})
	reloads := svc.fl.Status().Reloads

	t.Run("NetworkCut", func(t *testing.T) {
		before := svc.ix.Snapshot().Seq()
		cutAt := time.Now()
		px.setCut(true)
		// A write at once, on connections the pool still thinks are good.
		a := mustCall(t, http.MethodPost, svc.url+"/parcels/"+strconv.FormatInt(free, 10)+"/reserve", "", bearer(key))
		if msg := problemOf(a, http.StatusServiceUnavailable, zonegis.EUNAVAILABLE); msg != "" {
			t.Errorf("write just after the cut: %s", msg)
		}
		waitFor(t, "the follower to notice the cut", 10*time.Second, func() bool { return !svc.fl.Status().Listening })
		for range 80 {
			if err := w.write(ctx); err != nil {
				t.Fatalf("direct write %d: %v", w.n, err)
			}
		}
		time.Sleep(time.Second) // the follower retries meanwhile
		a = mustCall(t, http.MethodPatch, svc.url+"/collections/parcels/items/"+strconv.FormatInt(free, 10),
			`{"type":"Feature","properties":{"land_use":"warehouse"}}`, bearer(key))
		if msg := problemOf(a, http.StatusServiceUnavailable, zonegis.EUNAVAILABLE); msg != "" {
			t.Errorf("write during the cut: %s", msg)
		}
		if got := svc.ix.Snapshot().Seq(); got != before {
			t.Fatalf("the index moved from seq %d to %d while cut off", before, got)
		}
		mended := time.Now()
		px.setCut(false)
		took := waitConverged(t, svc.db, svc.ix, 20*time.Second)
		t.Logf("%d changes made during a %v cut reached the index %v after it was mended (follower listening: %v)",
			w.n, mended.Sub(cutAt).Round(time.Millisecond), took.Round(time.Millisecond), svc.fl.Status().Listening)
	})

	t.Run("BackendsTerminated", func(t *testing.T) {
		admin, err := pgx.Connect(ctx, url+" application_name=faults_admin")
		if err != nil {
			t.Fatal(err)
		}
		defer admin.Close(ctx)
		wctx, stop := context.WithCancel(ctx)
		errc := make(chan error, 1)
		go func() {
			var err error
			for wctx.Err() == nil && err == nil {
				err = w.write(wctx)
				time.Sleep(15 * time.Millisecond)
			}
			if wctx.Err() != nil {
				err = nil
			}
			errc <- err
		}()
		statuses := map[int]int{}
		reserved := false
		var slowest time.Duration
		for range 6 {
			var killed int
			err := admin.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
				WHERE datname = current_database() AND application_name = 'zonegis'`).Scan(&killed)
			if err != nil {
				t.Fatal(err)
			}
			// Writes through the service right after: 200, or 503 when
			// they meet a killed connection; never anything else.
			for range 3 {
				action := "reserve"
				if reserved {
					action = "release"
				}
				start := time.Now()
				a := mustCall(t, http.MethodPost, svc.url+"/parcels/"+strconv.FormatInt(free, 10)+"/"+action, "", bearer(key))
				statuses[a.status]++
				took := time.Since(start)
				slowest = max(slowest, took)
				switch a.status {
				case http.StatusOK:
					reserved = !reserved
					// A write waits until its change is in the index; the
					// whole timeout means the follower was still away.
					if took >= httpapi.WriteVisibleTimeout {
						t.Errorf("%s took %v: not visible in the index within %v of a backend kill", action, took, httpapi.WriteVisibleTimeout)
					}
				case http.StatusServiceUnavailable:
					if msg := problemOf(a, http.StatusServiceUnavailable, zonegis.EUNAVAILABLE); msg != "" {
						t.Error(msg)
					}
				default:
					t.Errorf("%s after killing %d backends: %d %.300s", action, killed, a.status, a.body)
				}
			}
			time.Sleep(400 * time.Millisecond)
		}
		stop()
		if err := <-errc; err != nil {
			t.Fatalf("direct write %d: %v", w.n, err)
		}
		took := waitConverged(t, svc.db, svc.ix, 20*time.Second)
		t.Logf("%d direct changes in all; service writes by status %v, slowest %v; converged %v after the last write", w.n, statuses,
			slowest.Round(time.Millisecond), took.Round(time.Millisecond))
	})

	if got := svc.fl.Status().Reloads; got != reloads {
		t.Errorf("the follower reloaded %d times; it should have caught up from the change log", got-reloads)
	}
}
