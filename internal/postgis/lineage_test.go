package postgis_test

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

// leasedBefore makes a parcel with one lease that ended in 2020.
func leasedBefore(t *testing.T, db *postgis.DB, z *zonegis.Zone, lot string, mp orb.MultiPolygon) (*zonegis.Parcel, *zonegis.Lease) {
	t.Helper()
	ctx := context.Background()
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: lot, LandUse: "industrial", Status: zonegis.ParcelAvailable, Boundary: mp}
	if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	l := &zonegis.Lease{ParcelID: p.ID, Lessee: "Công ty TNHH Cũ", Country: "JP", Start: day("2015-01-01"), End: day("2020-01-01"), CapitalUSD: 1e6}
	if _, err := db.CreateLease(ctx, zonegis.System, l); err != nil {
		t.Fatal(err)
	}
	return p, l
}

// TestLineageKeepsLeaseRows checks the rules that replace the leases →
// parcels foreign key: a parcel with leases cannot simply be deleted, a
// lease cannot be written on a retired parcel, and retired parcels cannot
// change.
func TestLineageKeepsLeaseRows(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	p, _ := leasedBefore(t, db, z, "A1", rect(106.700, 10.750, 106.704, 10.754))

	_, err := db.Delete(ctx, zonegis.System, zonegis.CollectionParcels, p.ID, 0)
	wantCode(t, err, zonegis.EINVALID, "the parcel has leases; its history is kept")

	_, err = db.CreateLease(ctx, zonegis.System, &zonegis.Lease{ParcelID: 999999, Lessee: "X", Country: "VN", Start: day("2021-01-01"), End: day("2022-01-01")})
	wantCode(t, err, zonegis.EINVALID, "does not exist or was retired")

	kids, _, err := db.SplitParcel(ctx, zonegis.System, p.ID, 0, orb.LineString{{106.702, 10.749}, {106.702, 10.755}},
		[]zonegis.SplitLot{{LotCode: "A1-1"}, {LotCode: "A1-2"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(kids) != 2 {
		t.Fatalf("%d children", len(kids))
	}
	// The old lease stays, on the retired parcel.
	var n int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM leases WHERE parcel_id = $1`, p.ID).Scan(&n); err != nil || n != 1 {
		t.Fatalf("leases of the retired parcel: %d, %v", n, err)
	}
	_, err = db.CreateLease(ctx, zonegis.System, &zonegis.Lease{ParcelID: p.ID, Lessee: "X", Country: "VN", Start: day("2021-01-01"), End: day("2022-01-01")})
	wantCode(t, err, zonegis.EINVALID, "does not exist or was retired")
	// A lease of a retired parcel may be corrected, but not moved to it.
	if _, err := db.Pool().Exec(ctx, `UPDATE leases SET sector = 'electronics' WHERE parcel_id = $1`, p.ID); err != nil {
		t.Fatalf("correcting an old lease: %v", err)
	}
	for _, q := range []string{`DELETE FROM parcels_retired WHERE id = $1`, `UPDATE parcels_retired SET lot_code = 'X' WHERE id = $1`} {
		if _, err := db.Pool().Exec(ctx, q, p.ID); err == nil {
			t.Fatalf("%s: want an error, retired parcels are history", q)
		}
	}
}

func TestSplitStore(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	p, old := leasedBefore(t, db, z, "B1", rect(106.700, 10.750, 106.704, 10.754))
	// A horizontal cut: the pieces have the same westernmost x, so the
	// southern one comes first.
	kids, seq, err := db.SplitParcel(ctx, zonegis.System, p.ID, 0, orb.LineString{{106.699, 10.751}, {106.705, 10.751}},
		[]zonegis.SplitLot{{LotCode: "B1-S"}, {LotCode: "B1-N", LandUse: "logistics"}})
	if err != nil {
		t.Fatal(err)
	}
	if seq == 0 {
		t.Fatal("no change-log seq")
	}
	south, north := kids[0], kids[1]
	if south.LotCode != "B1-S" || north.LotCode != "B1-N" {
		t.Fatalf("lots %s, %s", south.LotCode, north.LotCode)
	}
	if b := south.Boundary.Bound(); b.Max[1] > 10.7510001 {
		t.Fatalf("first piece %v is not the southern one", b)
	}
	if south.LandUse != "industrial" || north.LandUse != "logistics" || south.Status != zonegis.ParcelAvailable || south.ZoneID != z.ID {
		t.Fatalf("children %+v / %+v", south, north)
	}
	if d := math.Abs(south.AreaM2 + north.AreaM2 - p.AreaM2); d > 0.01 {
		t.Fatalf("areas %v + %v differ from the parent's %v by %v m²", south.AreaM2, north.AreaM2, p.AreaM2, d)
	}
	// Lineage and history.
	for _, k := range kids {
		hist, err := db.LeaseHistory(ctx, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(hist) != 1 || hist[0].ID != old.ID || hist[0].ParcelID != p.ID {
			t.Fatalf("history of %d: %+v, want lease %d on parcel %d", k.ID, hist, old.ID, p.ID)
		}
		l, err := db.ParcelAsOf(ctx, k.ID, day("2017-06-01"))
		if err != nil || l == nil || l.ID != old.ID {
			t.Fatalf("child %d as of 2017: %+v, %v; want the parent's lease", k.ID, l, err)
		}
		parents, children, err := db.Lineage(ctx, k.ID)
		if err != nil || len(parents) != 1 || parents[0].ParcelID != p.ID || parents[0].Op != postgis.OpSplit || len(children) != 0 {
			t.Fatalf("lineage of %d: %v %v %v", k.ID, parents, children, err)
		}
	}
	// Merging the two back makes a grandchild whose history still reaches
	// the first parcel, once.
	m, _, err := db.MergeParcels(ctx, zonegis.System, []int64{north.ID, south.ID}, "B1", "")
	wantCode(t, err, zonegis.EINVALID, "different land uses")
	m, _, err = db.MergeParcels(ctx, zonegis.System, []int64{north.ID, south.ID}, "B1", "warehouse")
	if err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(m.AreaM2 - p.AreaM2); d > 0.01 || len(m.Boundary) != 1 {
		t.Fatalf("merged area %v vs %v, %d polygons", m.AreaM2, p.AreaM2, len(m.Boundary))
	}
	hist, err := db.LeaseHistory(ctx, m.ID)
	if err != nil || len(hist) != 1 || hist[0].ID != old.ID {
		t.Fatalf("history of the merged parcel: %+v, %v", hist, err)
	}
	_, children, err := db.Lineage(ctx, p.ID)
	if err != nil || len(children) != 2 {
		t.Fatalf("children of the first parcel: %v, %v", children, err)
	}
}
