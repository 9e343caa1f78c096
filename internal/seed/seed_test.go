package seed_test

import (
	"context"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/seed"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestZonesFromGeodata(t *testing.T) {
	zones, members, err := seed.Zones()
	if err != nil {
		t.Fatal(err)
	}
	if len(zones) != 289 {
		t.Fatalf("%d zones, want the 289 OSM polygons", len(zones))
	}
	byCode := map[string]*zonegis.Zone{}
	for _, z := range zones {
		if byCode[z.Code] != nil {
			t.Fatalf("duplicate code %s", z.Code)
		}
		byCode[z.Code] = z
		if z.NameVI == "" || z.NameEN == "" || z.Province == "" || len(z.Boundary) == 0 || z.Source == "" {
			t.Fatalf("incomplete zone %+v", z)
		}
	}
	for code, want := range map[string]struct {
		name       string
		kind       string
		board      string
		ent, wkrs  int32
		hasFigures bool
	}{
		"KCX-TAN-THUAN":    {"Khu chế xuất Tân Thuận", zonegis.KindExportProcessingZone, "hepza", 0, 0, false},
		"KCN-CAT-LAI-2":    {"Khu công nghiệp Cát Lái", zonegis.KindIndustrialPark, "hepza", 97, 8127, true},
		"SHTP":             {"Khu Công nghệ cao Thành phố Hồ Chí Minh", zonegis.KindHighTechPark, "shtp", 162, 53000, true},
		"KCX-LINH-TRUNG-1": {"Khu chế xuất Linh Trung I", zonegis.KindExportProcessingZone, "hepza", 31, 38807, true},
		"KCX-LINH-TRUNG-2": {"Khu chế xuất Linh Trung II", zonegis.KindExportProcessingZone, "hepza", 30, 25312, true},
		"KCN-BINH-CHIEU":   {"Khu công nghiệp Bình Chiểu", zonegis.KindIndustrialPark, "hepza", 8, 1448, true},
		"KCN-DINH-VU":      {"Khu công nghiệp Đình Vũ", zonegis.KindIndustrialPark, "deza", 0, 0, false},
		"KCN-NOI-BAI":      {"Khu công nghiệp Nội Bài", zonegis.KindIndustrialPark, "hiza", 0, 0, false},
		"KCNC-HOA-LAC":     {"Khu Công nghệ cao Hòa Lạc", zonegis.KindHighTechPark, "hhtp", 0, 0, false},
	} {
		z := byCode[code]
		if z == nil {
			t.Fatalf("no zone %s", code)
		}
		if z.NameVI != want.name || z.Kind != want.kind || z.BoardID != want.board {
			t.Errorf("%s: %q %s %s", code, z.NameVI, z.Kind, z.BoardID)
		}
		if want.hasFigures {
			if z.Enterprises == nil || *z.Enterprises != want.ent || z.Workers == nil || *z.Workers != want.wkrs {
				t.Errorf("%s: figures %v %v, want %d / %d", code, z.Enterprises, z.Workers, want.ent, want.wkrs)
			}
		} else if z.Enterprises != nil || z.Workers != nil {
			t.Errorf("%s: figures invented: %v %v", code, *z.Enterprises, *z.Workers)
		}
	}
	if byCode["KCN-NOI-BAI"].Province != "Hà Nội" {
		t.Errorf("Nội Bài province %q: the curated correction was not applied", byCode["KCN-NOI-BAI"].Province)
	}
	if got := members["KKT-DINH-VU-CAT-HAI"]; len(got) != 3 {
		t.Errorf("Đình Vũ – Cát Hải members %v", got)
	}
}

func seedDB(t *testing.T, codes []string) (*postgis.DB, seed.Report) {
	t.Helper()
	ctx := context.Background()
	db := postgistest.Open(t)
	r, err := seed.Seed(ctx, db, seed.Options{Parcels: codes})
	if err != nil {
		t.Fatal(err)
	}
	return db, r
}

func TestSeedSubsetIsDeterministicAndValid(t *testing.T) {
	codes := []string{"KCX-TAN-THUAN", "SHTP", "KCN-DINH-VU"}
	db1, r1 := seedDB(t, codes)
	db2, r2 := seedDB(t, codes)
	if r1.Zones != 290 || r1.Boards < 5 || r1.Parcels == 0 || r1.GreenAreas == 0 || r1.Leases == 0 {
		t.Fatalf("report %+v", r1)
	}
	r1.Took, r2.Took = 0, 0
	if r1 != r2 {
		t.Fatalf("two seeds differ: %+v vs %+v", r1, r2)
	}
	ctx := context.Background()
	const fingerprint = `SELECT md5(string_agg(z.code || p.lot_code || p.land_use || p.status || ST_AsText(p.boundary), ',' ORDER BY z.code, p.lot_code))
		|| md5(coalesce((SELECT string_agg(l.lessee || l.country || l.start_date || l.capital_usd, ',' ORDER BY l.lessee, l.start_date) FROM leases l), ''))
		FROM parcels_now p JOIN zones z ON z.id = p.zone_id`
	var f1, f2 string
	if err := db1.Pool().QueryRow(ctx, fingerprint).Scan(&f1); err != nil {
		t.Fatal(err)
	}
	if err := db2.Pool().QueryRow(ctx, fingerprint).Scan(&f2); err != nil {
		t.Fatal(err)
	}
	if f1 != f2 {
		t.Fatal("the same seed produced different parcels or leases")
	}
	var bad, outside, unsynthetic, zonesWithParcels int
	if err := db1.Pool().QueryRow(ctx, `SELECT
		(SELECT count(*) FROM parcels WHERE NOT ST_IsValid(boundary)),
		(SELECT count(*) FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE NOT ST_CoveredBy(p.boundary, z.boundary)),
		(SELECT count(*) FROM parcels WHERE NOT synthetic) + (SELECT count(*) FROM leases WHERE NOT synthetic) + (SELECT count(*) FROM green_areas WHERE NOT synthetic),
		(SELECT count(DISTINCT zone_id) FROM parcels)`).Scan(&bad, &outside, &unsynthetic, &zonesWithParcels); err != nil {
		t.Fatal(err)
	}
	if bad != 0 || outside != 0 || unsynthetic != 0 || zonesWithParcels != 3 {
		t.Fatalf("invalid %d, outside %d, not marked synthetic %d, zones with parcels %d", bad, outside, unsynthetic, zonesWithParcels)
	}
	// Leased parcels have exactly one lease in force today; others none.
	var mismatch int
	if err := db1.Pool().QueryRow(ctx, `SELECT count(*) FROM parcels_now p WHERE (p.status = 'leased') <>
		EXISTS (SELECT 1 FROM leases l WHERE l.parcel_id = p.id AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> zg_today())`).Scan(&mismatch); err != nil {
		t.Fatal(err)
	}
	if mismatch != 0 {
		t.Fatalf("%d parcels whose status disagrees with their leases", mismatch)
	}
	// The economic zone is derived from its members and is their parent.
	var children int
	var source string
	if err := db1.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM zones c WHERE c.parent_id = z.id), z.source FROM zones z WHERE z.code = 'KKT-DINH-VU-CAT-HAI'`).Scan(&children, &source); err != nil {
		t.Fatal(err)
	}
	if children != 3 || source == "" {
		t.Fatalf("economic zone: %d children, source %q", children, source)
	}
	// Seeding again is a no-op.
	r3, err := seed.Seed(ctx, db1, seed.Options{Parcels: codes})
	if err != nil || !r3.Skipped {
		t.Fatalf("second seed: %+v %v", r3, err)
	}
}

func TestSeedAllZones(t *testing.T) {
	db, r := seedDB(t, nil)
	if r.Zones != 290 || r.Parcels < 10000 {
		t.Fatalf("report %+v", r)
	}
	var without int
	// Every zone large enough for a lot gets parcels.
	if err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM zones z WHERE z.kind <> 'economic_zone' AND z.area_m2 > 200000
		AND NOT EXISTS (SELECT 1 FROM parcels p WHERE p.zone_id = z.id)`).Scan(&without); err != nil {
		t.Fatal(err)
	}
	if without != 0 {
		t.Fatalf("%d zones over 20 ha have no parcels", without)
	}
	t.Logf("seeded %+v", r)
}
