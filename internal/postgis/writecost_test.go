package postgis_test

import (
	"context"
	"testing"

	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

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
	var enterprise int64
	if err := tx.QueryRow(ctx, `INSERT INTO leases (parcel_id, lessee, country, start_date, end_date)
		VALUES ($1, 'Công ty 777', 'VN', '2020-01-01', '2070-01-01') RETURNING enterprise_id`, p.ID).Scan(&enterprise); err != nil {
		t.Fatal(err)
	}
	// This transaction's own scans of enterprises, not yet reported.
	var seqScans int64
	if err := tx.QueryRow(ctx, `SELECT coalesce(sum(seq_scan), 0) FROM pg_stat_xact_user_tables WHERE relname = 'enterprises'`).Scan(&seqScans); err != nil {
		t.Fatal(err)
	}
	if seqScans != 0 {
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
