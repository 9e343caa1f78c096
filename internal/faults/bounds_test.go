package faults

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/geojsontest"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// spaces is an endless body of blanks, for bodies over a size bound that
// the client never holds in memory.
type spaces struct{}

func (spaces) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = ' '
	}
	return len(p), nil
}

// TestFaultBounds checks the bounds on writes that need a key (the read
// bounds are in internal/httpapi's bad-input tests): body sizes, vertex
// counts, the statement timeout, and a database wait abandoned by its
// client.
func TestFaultBounds(t *testing.T) {
	url := pgtest.NewDB(t)
	prepare(t, url)
	svc := startService(t, url)
	key := plannerKey(t, svc.db)
	ctx := context.Background()

	t.Run("FeatureBodyOver8MiB", func(t *testing.T) {
		for _, method := range []string{http.MethodPost, http.MethodPut} {
			path := "/collections/parcels/items"
			if method == http.MethodPut {
				path += "/1"
			}
			body := io.LimitReader(spaces{}, httpapi.MaxBodyBytes+1)
			a, err := call(ctx, method, svc.url+path, body, bearer(key))
			if err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			if msg := problemOf(a, http.StatusRequestEntityTooLarge, zonegis.ETOOLARGE); msg != "" {
				t.Errorf("%s %s with %d bytes: %s", method, path, httpapi.MaxBodyBytes+1, msg)
			}
		}
	})

	t.Run("FeatureOverMaxVertices", func(t *testing.T) {
		for _, n := range []int{featurejson.MaxFeatureVertices + 1, 4 * featurejson.MaxFeatureVertices} {
			body := fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"zone_id":1,"lot_code":"V","land_use":"industrial"}}`, geojsontest.PolygonOfN(n))
			a := mustCall(t, http.MethodPost, svc.url+"/collections/parcels/items", body, bearer(key))
			if msg := problemOf(a, http.StatusBadRequest, zonegis.EINVALID); msg != "" || !strings.Contains(string(a.body), "vertices") {
				t.Errorf("a parcel of %d vertices: %s %.200s", n, msg, a.body)
			}
		}
	})

	t.Run("ImportBodyOver256MiB", func(t *testing.T) {
		start := time.Now()
		body := io.LimitReader(spaces{}, httpapi.MaxImportBytes+1)
		a, err := call(ctx, http.MethodPost, svc.url+"/collections/parcels/import", body, bearer(key))
		if err != nil {
			t.Fatalf("import of %d bytes: %v", httpapi.MaxImportBytes+1, err)
		}
		if msg := problemOf(a, http.StatusRequestEntityTooLarge, zonegis.ETOOLARGE); msg != "" {
			t.Errorf("import of %d bytes: %s", httpapi.MaxImportBytes+1, msg)
		}
		t.Logf("refused in %v", time.Since(start).Round(time.Millisecond))
	})

	t.Run("StatementTimeout", func(t *testing.T) {
		var v string
		if err := svc.db.Pool().QueryRow(ctx, `SHOW statement_timeout`).Scan(&v); err != nil {
			t.Fatal(err)
		}
		if v == "0" {
			t.Errorf("statement_timeout is off; a runaway statement would run for ever")
		}
		t.Logf("statement_timeout = %s", v)
	})

	// A write that waits on a row lock held elsewhere, whose client hangs
	// up: the wait in the database must end with it, and nothing be written.
	t.Run("ClientGoneCancelsDatabaseWait", func(t *testing.T) {
		var id int64
		svc.ix.Snapshot().AscendParcels(0, func(p *zonegis.Parcel) bool {
			id = p.ID
			return p.Status != zonegis.ParcelAvailable
		})
		tx, err := svc.db.Pool().Begin(ctx)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback(ctx)
		if _, err := tx.Exec(ctx, `SELECT 1 FROM parcels WHERE id = $1 FOR UPDATE`, id); err != nil {
			t.Fatal(err)
		}
		var lockHolder int32
		if err := tx.QueryRow(ctx, `SELECT pg_backend_pid()`).Scan(&lockHolder); err != nil {
			t.Fatal(err)
		}
		waiting := func() int {
			var n int
			if err := svc.db.Pool().QueryRow(ctx, `SELECT count(*) FROM pg_stat_activity
				WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`, lockHolder).Scan(&n); err != nil {
				t.Fatal(err)
			}
			return n
		}
		rctx, hangUp := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() {
			_, err := call(rctx, http.MethodPost, svc.url+"/parcels/"+strconv.FormatInt(id, 10)+"/reserve", nil, bearer(key))
			done <- err
		}()
		waitFor(t, "the reserve to wait on the row lock", 10*time.Second, func() bool { return waiting() > 0 })
		hangUp()
		if err := <-done; err == nil {
			t.Fatal("the request finished although the row was locked")
		}
		took := waitFor(t, "the database wait to be cancelled", 10*time.Second, func() bool { return waiting() == 0 })
		t.Logf("the database stopped waiting %v after the client hung up", took.Round(time.Millisecond))
		if err := tx.Rollback(ctx); err != nil {
			t.Fatal(err)
		}
		var status string
		var audited int
		if err := svc.db.Pool().QueryRow(ctx, `SELECT status, (SELECT count(*) FROM audit_log WHERE action = 'reserve' AND item_id = $1)
			FROM parcels_now WHERE id = $1`, id).Scan(&status, &audited); err != nil {
			t.Fatal(err)
		}
		if status != zonegis.ParcelAvailable || audited != 0 {
			t.Errorf("parcel %d after the abandoned reserve: status %s, %d audit entries; want available, 0", id, status, audited)
		}
	})
}
