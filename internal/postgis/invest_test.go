package postgis_test

import (
	"context"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
	"github.com/zonegis/zonegis/migrations"
)

// upTo is the migrations before name.
func upTo(t *testing.T, name string) fs.FS {
	t.Helper()
	m := fstest.MapFS{}
	names, _ := fs.Glob(migrations.FS, "*.sql")
	for _, n := range names {
		if n < name {
			b, err := fs.ReadFile(migrations.FS, n)
			if err != nil {
				t.Fatal(err)
			}
			m[n] = &fstest.MapFile{Data: b}
		}
	}
	return m
}

// TestLeasesMigrateToEnterprises writes leases under the schema before
// 0015 (two boards, a lessee twice in one board, the same name in the
// other board), migrates, and counts in
// SQL: one enterprise per distinct (board, lessee, country), MST null,
// source migrated_lease, every lease pointing to the enterprise of its own
// lessee, and every lease column as it was.
func TestLeasesMigrateToEnterprises(t *testing.T) {
	ctx := context.Background()
	db, err := postgis.Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if _, err := postgis.MigrateFS(ctx, db, upTo(t, "0015")); err != nil {
		t.Fatal(err)
	}
	// Under the old schema, boards, zones and parcels as its writers wrote
	// them (today's Go writes columns later migrations add).
	row := func(sql string, args ...any) int64 {
		t.Helper()
		var id int64
		if err := db.Pool().QueryRow(ctx, sql, args...).Scan(&id); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if _, err := db.Pool().Exec(ctx, `INSERT INTO boards (id, name_vi, name_en, province) VALUES
		('hepza', 'Ban Quản lý HEPZA', 'HEPZA', 'Thành phố Hồ Chí Minh'), ('hn', 'Ban Hà Nội', 'Hanoi', 'Hà Nội')`); err != nil {
		t.Fatal(err)
	}
	zone := func(code, board, province string, x, y float64) int64 {
		return row(`INSERT INTO zones (code, name_vi, name_en, kind, board_id, province, source, boundary)
			VALUES ($1, $1, $1, 'industrial_park', $2, $3, 'manual', ST_Multi(ST_MakeEnvelope($4::float8, $5::float8, $4::float8 + 0.01, $5::float8 + 0.01, 4326))) RETURNING id`,
			code, board, province, x, y)
	}
	z1, z2 := zone("KCX-TEST", "hepza", "Thành phố Hồ Chí Minh", 106.70, 10.75), zone("KCN-HN", "hn", "Hà Nội", 105.80, 21.00)
	parcel := func(zone int64, lot string, x, y float64) int64 {
		return row(`INSERT INTO parcels (zone_id, lot_code, land_use, boundary)
			VALUES ($1, $2, 'industrial', ST_Multi(ST_MakeEnvelope($3::float8, $4::float8, $3::float8 + 0.001, $4::float8 + 0.001, 4326))) RETURNING id`, zone, lot, x, y)
	}
	p1, p2, p3 := parcel(z1, "A1", 106.701, 10.751), parcel(z1, "A2", 106.703, 10.751), parcel(z2, "B1", 105.801, 21.001)
	// Under the old schema, leases as its writers wrote them (no enterprise_id).
	lease := func(parcel int64, lessee, country, start, end string) {
		if _, err := db.Pool().Exec(ctx, `INSERT INTO leases (parcel_id, lessee, country, sector, start_date, end_date, capital_usd, workers, contact)
			VALUES ($1, $2, $3, 'electronics', $4, $5, 1000000, 10, $6)`, parcel, lessee, country, start, end, lessee+" contact "+start); err != nil {
			t.Fatal(err)
		}
	}
	lease(p1, "Công ty Một", "JP", "2010-01-01", "2012-01-01")
	lease(p1, "Công ty Hai", "KR", "2012-01-01", "2060-01-01")
	lease(p2, "Công ty Một", "JP", "2015-01-01", "2065-01-01") // the same lessee again
	lease(p2, "Công ty Một", "SG", "2005-01-01", "2006-01-01") // same name, another country
	lease(p3, "Công ty Một", "JP", "2011-01-01", "2061-01-01") // same lessee, another board
	var leasesBefore string
	// Every column, the version (the ETag) included, and the parcels' and
	// the change log's as they were: the backfill changes no lease.
	const state = `SELECT (SELECT string_agg(format('%s|%s|%s|%s|%s|%s|%s|%s|%s', id, parcel_id, lessee, country, sector, capital_usd, workers, contact, version), ';' ORDER BY id) FROM leases)
		|| (SELECT string_agg(format('%s|%s', id, version), ';' ORDER BY id) FROM parcels) || (SELECT count(*) FROM changes)::text`
	if err := db.Pool().QueryRow(ctx, state).Scan(&leasesBefore); err != nil {
		t.Fatal(err)
	}

	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	var enterprises, migrated, withMST, distinct, unlinked, mismatched int
	err = db.Pool().QueryRow(ctx, `SELECT
		(SELECT count(*) FROM enterprises),
		(SELECT count(*) FROM enterprises WHERE source = 'migrated_lease'),
		(SELECT count(*) FROM enterprises WHERE mst IS NOT NULL),
		(SELECT count(DISTINCT (z.board_id, l.lessee, l.country)) FROM leases l JOIN parcels_all p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id),
		(SELECT count(*) FROM leases WHERE enterprise_id IS NULL),
		(SELECT count(*) FROM leases l JOIN enterprises e ON e.id = l.enterprise_id JOIN parcels_all p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
		  WHERE e.name_vi <> l.lessee OR e.country <> l.country OR e.board_id IS DISTINCT FROM z.board_id)`).
		Scan(&enterprises, &migrated, &withMST, &distinct, &unlinked, &mismatched)
	if err != nil {
		t.Fatal(err)
	}
	if enterprises != 4 || migrated != 4 || distinct != 4 || withMST != 0 || unlinked != 0 || mismatched != 0 {
		t.Fatalf("enterprises %d (migrated %d, with MST %d), distinct lessees %d, leases unlinked %d, linked to another lessee %d",
			enterprises, migrated, withMST, distinct, unlinked, mismatched)
	}
	var leasesAfter, contact string
	if err := db.Pool().QueryRow(ctx, state).Scan(&leasesAfter); err != nil {
		t.Fatal(err)
	}
	if leasesAfter != leasesBefore {
		t.Fatalf("leases changed by the migration:\n%s\n%s", leasesBefore, leasesAfter)
	}
	// The contact is the lessee's latest lease's.
	if err := db.Pool().QueryRow(ctx, `SELECT contact FROM enterprises WHERE board_id = 'hepza' AND name_vi = 'Công ty Một' AND country = 'JP'`).Scan(&contact); err != nil {
		t.Fatal(err)
	}
	if contact != "Công ty Một contact 2015-01-01" {
		t.Fatalf("contact %q", contact)
	}

	// A lease written after the migration, without enterprise_id, finds
	// the board's enterprise of its lessee, or makes one.
	for _, l := range []*zonegis.Lease{
		{ParcelID: p3, Lessee: "Công ty Một", Country: "JP", Start: date("2061-01-01"), End: date("2062-01-01")},
		{ParcelID: p2, Lessee: "Công ty Ba", Country: "VN", Start: date("2065-01-01"), End: date("2070-01-01")},
	} {
		if _, err := db.CreateLease(ctx, zonegis.System, l); err != nil {
			t.Fatal(err)
		}
		if l.EnterpriseID == 0 {
			t.Fatalf("lease %d: no enterprise_id given back", l.ID)
		}
	}
	// A lease naming another board's enterprise is refused.
	var hn int64
	if err := db.Pool().QueryRow(ctx, `SELECT id FROM enterprises WHERE board_id = 'hn'`).Scan(&hn); err != nil {
		t.Fatal(err)
	}
	wrong := &zonegis.Lease{ParcelID: p2, EnterpriseID: hn, Start: date("2071-01-01"), End: date("2072-01-01")}
	wantCode(t, errOf(db.CreateLease(ctx, zonegis.System, wrong)), zonegis.EINVALID, "enterprise_id")
	var n, fromLease int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE source = 'lease') FROM enterprises`).Scan(&n, &fromLease); err != nil {
		t.Fatal(err)
	}
	if n != 5 || fromLease != 1 {
		t.Fatalf("after two new leases: %d enterprises, %d made from a lease; want 5 and 1", n, fromLease)
	}
}

// TestVSICTablesAgreeWithGo checks the VSIC 2018 rows migration 0015
// fills against zonegis.VSICSections: 21 sections A-U, 88 divisions, each
// division in the section whose range holds it, and every division of
// each range present.
func TestVSICTablesAgreeWithGo(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	var sections, divisions int
	if err := db.Pool().QueryRow(ctx, `SELECT (SELECT count(*) FROM vsic_sections), (SELECT count(*) FROM vsic_divisions)`).Scan(&sections, &divisions); err != nil {
		t.Fatal(err)
	}
	if sections != 21 || divisions != 88 || len(zonegis.VSICSections) != 21 {
		t.Fatalf("%d sections, %d divisions in SQL; %d sections in Go", sections, divisions, len(zonegis.VSICSections))
	}
	rows, err := db.Pool().Query(ctx, `SELECT d.code, d.section, s.name_vi, d.name_en FROM vsic_divisions d JOIN vsic_sections s ON s.code = d.section`)
	if err != nil {
		t.Fatal(err)
	}
	sql := map[string]string{}
	for rows.Next() {
		var code, section, sv, de string
		if err := rows.Scan(&code, &section, &sv, &de); err != nil {
			t.Fatal(err)
		}
		sql[code] = section
	}
	if rows.Err() != nil {
		t.Fatal(rows.Err())
	}
	for d := 0; d < 100; d++ {
		code := string([]byte{byte('0' + d/10), byte('0' + d%10)})
		if got, want := zonegis.VSICSectionOf(code), sql[code]; got != want {
			t.Errorf("division %s: Go says section %q, SQL %q", code, got, want)
		}
	}
	var c, f string
	if err := db.Pool().QueryRow(ctx, `SELECT name_vi, (SELECT name_en FROM vsic_divisions WHERE code = '26') FROM vsic_sections WHERE code = 'C'`).Scan(&c, &f); err != nil {
		t.Fatal(err)
	}
	if c != "Công nghiệp chế biến, chế tạo" || f != "Manufacture of computer, electronic and optical products" {
		t.Fatalf("section C %q, division 26 %q", c, f)
	}
}

// TestEquivalentsAgreeWithPostgreSQL pins zonegis.Equivalents to zg_usd
// and zg_vnd, the generated columns' rule, on amounts that round (halves
// both ways, negative adjustments, huge capital).
func TestEquivalentsAgreeWithPostgreSQL(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	cases := []struct{ amount, currency, rate string }{
		{"1000000", "USD", "23145"}, {"25450000000", "VND", "25450"}, {"1.005", "USD", "24000.5"},
		{"12345678.99", "USD", "23456.7891"}, {"-3000000.50", "USD", "25000"}, {"100", "VND", "3"},
		{"-100", "VND", "3"}, {"50", "VND", "100"}, {"-50", "VND", "100"}, {"9999999999999999999999.99", "USD", "99999999.9999"},
		{"0", "VND", "1"}, {"1", "VND", "0.0001"}, {"7", "USD", "0.5"},
	}
	for _, c := range cases {
		wu, wv, err := db.Equivalents(ctx, zonegis.Decimal(c.amount), c.currency, zonegis.Decimal(c.rate))
		if err != nil {
			t.Fatal(err)
		}
		gu, gv := zonegis.Equivalents(zonegis.Decimal(c.amount), c.currency, zonegis.Decimal(c.rate))
		if gu != wu || gv != wv {
			t.Errorf("%s %s at %s: Go %s USD %s VND, PostgreSQL %s USD %s VND", c.amount, c.currency, c.rate, gu, gv, wu, wv)
		}
	}
}

// TestProjectStore writes an enterprise and a project with its members,
// reads them back with the database's equivalents, and checks the rules
// the schema holds: MST once per board, IRC number once, parcels of the
// project's zone only, the enterprise kept while a project refers to it,
// and an audit row per write with the board.
func TestProjectStore(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "L1", LandUse: "industrial", Boundary: rect(106.701, 10.751, 106.702, 10.752)}
	if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	e := &zonegis.Enterprise{BoardID: "hepza", MST: "0100109106001", NameVI: "Công ty TNHH Điện tử", Country: "jp", VSIC: "2610", HighTech: true, Contact: "a@b.vn"}
	if err := db.CreateEnterprise(ctx, zonegis.System, e); err != nil {
		t.Fatal(err)
	}
	if e.MST != "0100109106-001" || e.Country != "JP" || e.Source != zonegis.SourceManual {
		t.Fatalf("normalized %+v", e)
	}
	twin := *e
	wantCode(t, db.CreateEnterprise(ctx, zonegis.System, &twin), zonegis.ECONFLICT, "mst")
	bad := &zonegis.Enterprise{BoardID: "nope", NameVI: "X", Country: "VN"}
	wantCode(t, db.CreateEnterprise(ctx, zonegis.System, bad), zonegis.EINVALID, "board_id")

	ok := func(*zonegis.Project) error { return nil }
	pr := &zonegis.Project{IRCNumber: "4321000123", IRCDate: date("2019-03-01"), EnterpriseID: e.ID, ZoneID: z.ID, NameVI: "Dự án điện tử",
		Origin: zonegis.OriginFDI, Currency: "usd", Capital: "15000000", Rate: "23145", RateDate: date("2019-03-01"),
		WorkersPlannedVN: 800, WorkersPlannedForeign: 20, ParcelIDs: []int64{p.ID},
		Adjustments:   []zonegis.CapitalAdjustment{{On: date("2022-05-10"), Amount: "5000000.50", Rate: "23300", RateDate: date("2022-05-10")}},
		Disbursements: []zonegis.Disbursement{{Year: 2020, Amount: "4000000", Rate: "23200", RateDate: date("2020-12-31")}}}
	var sawBoard string
	if err := db.CreateProject(ctx, zonegis.System, pr, func(p *zonegis.Project) error { sawBoard = p.BoardID; return nil }); err != nil {
		t.Fatal(err)
	}
	if sawBoard != "hepza" || pr.BoardID != "hepza" {
		t.Fatalf("check saw board %q, project %q", sawBoard, pr.BoardID)
	}
	got, err := db.Project(ctx, pr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.CapitalUSD != "15000000.00" || got.CapitalVND != "347175000000" || len(got.ParcelIDs) != 1 || got.ParcelIDs[0] != p.ID ||
		len(got.Adjustments) != 1 || got.Adjustments[0].AmountVND != "116500011650" || len(got.Disbursements) != 1 || got.Disbursements[0].AmountUSD != "4000000.00" {
		t.Fatalf("read back %+v", got)
	}
	dup := *pr
	dup.ID, dup.ParcelIDs, dup.Adjustments, dup.Disbursements = 0, nil, nil, nil
	wantCode(t, db.CreateProject(ctx, zonegis.System, &dup, ok), zonegis.ECONFLICT, "irc_number")

	// A parcel of another zone is refused.
	z2 := &zonegis.Zone{Code: "KCN-2", NameVI: "KCN Hai", NameEN: "Two", Kind: zonegis.KindIndustrialPark, BoardID: "hepza", Model: zonegis.ModelConventional, Status: zonegis.ZoneOperating, Source: "manual", Province: "HCM", Boundary: rect(106.80, 10.75, 106.81, 10.76)}
	if _, err := db.CreateZone(ctx, zonegis.System, z2); err != nil {
		t.Fatal(err)
	}
	q := &zonegis.Parcel{ZoneID: z2.ID, LotCode: "Q1", LandUse: "industrial", Boundary: rect(106.801, 10.751, 106.802, 10.752)}
	if _, err := db.CreateParcel(ctx, zonegis.System, q); err != nil {
		t.Fatal(err)
	}
	_, err = db.UpdateProject(ctx, zonegis.System, pr.ID, got.Version, func(p *zonegis.Project) error { p.ParcelIDs = append(p.ParcelIDs, q.ID); return nil })
	wantCode(t, err, zonegis.EINVALID, "parcel_ids")
	_, err = db.UpdateProject(ctx, zonegis.System, pr.ID, got.Version+7, func(p *zonegis.Project) error { return nil })
	wantCode(t, err, zonegis.EPRECONDITION, "")
	upd, err := db.UpdateProject(ctx, zonegis.System, pr.ID, got.Version, func(p *zonegis.Project) error {
		p.Status, p.Adjustments = zonegis.ProjectOperating, append(p.Adjustments, zonegis.CapitalAdjustment{On: date("2024-01-02"), Amount: "-1000000", Rate: "24000", RateDate: date("2024-01-02")})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if upd.Version != got.Version+1 || upd.Status != "operating" || len(upd.Adjustments) != 2 || upd.Adjustments[1].AmountUSD != "-1000000.00" {
		t.Fatalf("updated %+v", upd)
	}

	wantCode(t, db.DeleteEnterprise(ctx, zonegis.System, e.ID, 0, func(*zonegis.Enterprise) error { return nil }), zonegis.ECONFLICT, "projects")
	if err := db.DeleteProject(ctx, zonegis.System, pr.ID, 0, ok); err != nil {
		t.Fatal(err)
	}
	if err := db.DeleteEnterprise(ctx, zonegis.System, e.ID, 0, func(*zonegis.Enterprise) error { return nil }); err != nil {
		t.Fatal(err)
	}
	var audits, withBoard, members int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE board_id = 'hepza'),
		(SELECT count(*) FROM project_parcels) + (SELECT count(*) FROM project_adjustments) + (SELECT count(*) FROM project_disbursements)
		FROM audit_log WHERE collection IN ('enterprises', 'projects')`).Scan(&audits, &withBoard, &members); err != nil {
		t.Fatal(err)
	}
	// create enterprise, create project, update project, delete project, delete enterprise
	if audits != 5 || withBoard != 5 || members != 0 {
		t.Fatalf("%d audit rows (%d with the board), %d members left", audits, withBoard, members)
	}

	// Pages: keyset by id, capped, counted.
	for i := 0; i < 3; i++ {
		if err := db.CreateEnterprise(ctx, zonegis.System, &zonegis.Enterprise{BoardID: "hepza", NameVI: "DN " + strings.Repeat("I", i+1), Country: "KR", VSIC: "10"}); err != nil {
			t.Fatal(err)
		}
	}
	page, matched, err := db.Enterprises(ctx, zonegis.InvestmentFilter{Limit: 2, VSICSection: "C"})
	if err != nil {
		t.Fatal(err)
	}
	next, _, err := db.Enterprises(ctx, zonegis.InvestmentFilter{Limit: 2, AfterID: page[1].ID, VSICSection: "C"})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 2 || matched != 3 || len(next) != 1 || next[0].ID <= page[1].ID {
		t.Fatalf("page %d of %d, next %d", len(page), matched, len(next))
	}
	none, matched, err := db.Enterprises(ctx, zonegis.InvestmentFilter{Boards: []string{}})
	if err != nil || len(none) != 0 || matched != 0 {
		t.Fatalf("no boards: %d, %d, %v", len(none), matched, err)
	}
}
