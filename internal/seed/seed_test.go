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
	if r1.Zones != 290 || r1.Boards < 5 || r1.Parcels == 0 || r1.GreenAreas == 0 || r1.Leases == 0 ||
		r1.Enterprises != r1.Leases || r1.Projects != r1.Leases || r1.Reports == 0 {
		t.Fatalf("report %+v", r1)
	}
	r1.Took, r2.Took = 0, 0
	if r1 != r2 {
		t.Fatalf("two seeds differ: %+v vs %+v", r1, r2)
	}
	ctx := context.Background()
	const fingerprint = `SELECT md5(string_agg(z.code || p.lot_code || p.land_use || p.status || ST_AsText(p.boundary), ',' ORDER BY z.code, p.lot_code))
		|| md5(coalesce((SELECT string_agg(l.lessee || l.country || l.start_date || l.capital_usd, ',' ORDER BY l.lessee, l.start_date) FROM leases l), ''))
		|| md5((SELECT string_agg(concat_ws('|', e.id, e.mst, e.name_vi, e.country, e.vsic, e.high_tech, e.supporting_industry), ',' ORDER BY e.id) FROM enterprises e))
		|| md5((SELECT string_agg(concat_ws('|', j.id, j.irc_number, j.irc_date, j.enterprise_id, j.zone_id, j.origin, j.currency, j.capital, j.rate,
		        j.status, j.workers_vn, j.workers_foreign, (SELECT string_agg(parcel_id::text, ';' ORDER BY parcel_id) FROM project_parcels pp WHERE pp.project_id = j.id)), ',' ORDER BY j.id) FROM projects j))
		|| md5((SELECT string_agg(concat_ws('|', a.project_id, a.adjusted_on, a.amount, a.rate), ',' ORDER BY a.id) FROM project_adjustments a))
		|| md5((SELECT string_agg(concat_ws('|', d.project_id, d.year, d.amount, d.rate), ',' ORDER BY d.project_id, d.year) FROM project_disbursements d))
		|| md5((SELECT string_agg(concat_ws('|', r.enterprise_id, r.year, r.revenue_vnd, r.export_usd, r.import_usd, r.budget_vnd, r.workers_vn, r.workers_foreign), ',' ORDER BY r.enterprise_id, r.year) FROM enterprise_reports r))
		FROM parcels_now p JOIN zones z ON z.id = p.zone_id`
	var f1, f2 string
	if err := db1.Pool().QueryRow(ctx, fingerprint).Scan(&f1); err != nil {
		t.Fatal(err)
	}
	if err := db2.Pool().QueryRow(ctx, fingerprint).Scan(&f2); err != nil {
		t.Fatal(err)
	}
	if f1 != f2 {
		t.Fatal("the same seed produced different parcels, leases, enterprises, projects or reports")
	}
	var bad, outside, unsynthetic, zonesWithParcels int
	if err := db1.Pool().QueryRow(ctx, `SELECT
		(SELECT count(*) FROM parcels WHERE NOT ST_IsValid(boundary)),
		(SELECT count(*) FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE NOT ST_CoveredBy(p.boundary, z.boundary)),
		(SELECT count(*) FROM parcels WHERE NOT synthetic) + (SELECT count(*) FROM leases WHERE NOT synthetic) + (SELECT count(*) FROM green_areas WHERE NOT synthetic)
		+ (SELECT count(*) FROM enterprises WHERE NOT synthetic) + (SELECT count(*) FROM projects WHERE NOT synthetic) + (SELECT count(*) FROM enterprise_reports WHERE NOT synthetic),
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

// TestSeedInvestmentShape checks, in SQL, that the synthetic enterprises,
// projects and reports have the shape of the boards' published reports
// (migrations/0016) without being them: about 70 % of the projects FDI
// (Hải Phòng: 400 of 567), FDI in USD and domestic in VND, a few per cent
// of the workers foreign (Hải Phòng: 4,500 of 160,000), high-tech projects
// few but holding a larger share of the capital than of the projects
// (HEPZA 2020-2025: 6 % and 44 %), manufacturing first; every lease's
// enterprise with a project on the lease's parcel in its zone, every MST
// valid, every figure consistent with its project.
func TestSeedInvestmentShape(t *testing.T) {
	db, r := seedDB(t, []string{"KCX-TAN-THUAN", "SHTP", "KCN-DINH-VU", "KCN-VSIP-HAI-PHONG"})
	ctx := context.Background()
	q := func(query string, dst ...any) {
		t.Helper()
		if err := db.Pool().QueryRow(ctx, query).Scan(dst...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	var fdiShare, fdiShareHP, foreignShare, techProjects, techCapital, manufacturing float64
	q(`SELECT avg((origin = 'fdi')::int) FROM projects`, &fdiShare)
	q(`SELECT avg((j.origin = 'fdi')::int) FROM projects j JOIN zones z ON z.id = j.zone_id WHERE z.board_id = 'deza'`, &fdiShareHP)
	q(`SELECT sum(workers_foreign)::float8 / sum(workers_vn + workers_foreign) FROM projects`, &foreignShare)
	q(`SELECT avg(e.high_tech::int), sum(j.capital_usd) FILTER (WHERE e.high_tech) / sum(j.capital_usd)
	     FROM projects j JOIN enterprises e ON e.id = j.enterprise_id JOIN zones z ON z.id = j.zone_id WHERE z.board_id IN ('hepza', 'deza')`,
		&techProjects, &techCapital)
	q(`SELECT avg((d.section = 'C')::int) FROM enterprises e JOIN vsic_divisions d ON d.code = e.vsic_division`, &manufacturing)
	t.Logf("seeded %+v; FDI %.1f %% of projects (Hải Phòng %.1f %%), foreign workers %.2f %%, high-tech %.1f %% of HEPZA and Hải Phòng projects with %.1f %% of their capital, manufacturing %.1f %%",
		r, 100*fdiShare, 100*fdiShareHP, 100*foreignShare, 100*techProjects, 100*techCapital, 100*manufacturing)
	if fdiShare < 0.6 || fdiShare > 0.8 || fdiShareHP < 0.6 || fdiShareHP > 0.8 {
		t.Errorf("FDI share of projects %.3f (Hải Phòng %.3f), want about 0.7", fdiShare, fdiShareHP)
	}
	if foreignShare < 0.015 || foreignShare > 0.05 {
		t.Errorf("foreign workers %.4f of all, want a few per cent (Hải Phòng: 0.028)", foreignShare)
	}
	if techProjects <= 0 || techProjects > 0.3 || techCapital < 3*techProjects {
		t.Errorf("high-tech: %.3f of the projects with %.3f of the capital, want few projects with a larger share of capital", techProjects, techCapital)
	}
	if manufacturing < 0.5 {
		t.Errorf("manufacturing (VSIC C) is %.3f of the enterprises", manufacturing)
	}
	var bad int
	q(`SELECT (SELECT count(*) FROM projects WHERE (origin = 'fdi') <> (currency = 'USD'))
		+ (SELECT count(*) FROM projects j JOIN enterprises e ON e.id = j.enterprise_id WHERE (j.origin = 'domestic') <> (e.country = 'VN'))
		+ (SELECT count(*) FROM leases l WHERE NOT EXISTS (SELECT 1 FROM projects j JOIN project_parcels pp ON pp.project_id = j.id
		      JOIN parcels p ON p.id = pp.parcel_id WHERE j.enterprise_id = l.enterprise_id AND pp.parcel_id = l.parcel_id AND j.zone_id = p.zone_id))
		+ (SELECT count(*) FROM enterprises e JOIN leases l ON l.enterprise_id = e.id JOIN parcels p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
		      WHERE e.board_id IS DISTINCT FROM z.board_id OR e.mst IS NULL OR e.vsic IS NULL)
		+ (SELECT count(*) FROM projects WHERE status = 'terminated' AND workers_vn + workers_foreign > 0)
		+ (SELECT count(*) FROM project_disbursements d JOIN projects j ON j.id = d.project_id WHERE d.year < extract(year FROM j.irc_date))
		+ (SELECT count(*) FROM (SELECT project_id FROM project_disbursements GROUP BY project_id HAVING sum(amount) >
		      (SELECT capital FROM projects WHERE id = project_id)) x)
		+ (SELECT count(*) FROM project_adjustments a JOIN projects j ON j.id = a.project_id WHERE a.adjusted_on <= j.irc_date OR a.amount <= 0)
		+ (SELECT count(*) FROM enterprise_reports r JOIN projects j ON j.enterprise_id = r.enterprise_id
		      WHERE j.status NOT IN ('operating', 'suspended') OR r.year <= extract(year FROM j.irc_date) OR r.import_usd > r.export_usd
		         OR r.budget_vnd >= r.revenue_vnd OR r.revenue_vnd <= 0)`, &bad)
	if bad != 0 {
		t.Errorf("%d inconsistent investment rows", bad)
	}
	// The published Thủ Đức figures (migrations/0016) are the sum of the
	// five zones' own published figures (geodata/zones.csv).
	var pubEnt, pubWorkers, sumEnt, sumWorkers int
	q(`SELECT (SELECT value FROM published_figures WHERE id = 8), (SELECT value FROM published_figures WHERE id = 9),
		(SELECT sum(enterprises) FROM zones WHERE code IN (SELECT unnest(zone_codes) FROM published_figures WHERE id = 8)),
		(SELECT sum(workers) FROM zones WHERE code IN (SELECT unnest(zone_codes) FROM published_figures WHERE id = 9))`, &pubEnt, &pubWorkers, &sumEnt, &sumWorkers)
	if pubEnt != 328 || pubWorkers != 126694 || sumEnt != pubEnt || sumWorkers != pubWorkers {
		t.Errorf("Thủ Đức: published %d enterprises and %d workers, its zones %d and %d", pubEnt, pubWorkers, sumEnt, sumWorkers)
	}
	var adjusted, reportYears int
	q(`SELECT (SELECT count(DISTINCT project_id) FROM project_adjustments), (SELECT count(DISTINCT year) FROM enterprise_reports)`, &adjusted, &reportYears)
	if adjusted == 0 || reportYears != 5 {
		t.Errorf("%d projects with capital added, reports in %d years", adjusted, reportYears)
	}
	rows, err := db.Pool().Query(ctx, `SELECT mst FROM enterprises`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var mst string
		if err := rows.Scan(&mst); err != nil {
			t.Fatal(err)
		}
		if p := zonegis.MSTProblem(mst); p != "" {
			t.Fatalf("seeded MST: %s", p)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
}
