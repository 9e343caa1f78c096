package postgis_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// rect is a lon/lat rectangle as a MultiPolygon (counter-clockwise).
func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// fixture creates a board, a 0.01° × 0.01° zone near Hồ Chí Minh City and
// returns the zone.
func fixture(t *testing.T, db *postgis.DB) *zonegis.Zone {
	t.Helper()
	ctx := context.Background()
	if err := db.CreateBoard(ctx, zonegis.System, &zonegis.Board{ID: "hepza", NameVI: "Ban Quản lý HEPZA", NameEN: "HEPZA", Province: "Thành phố Hồ Chí Minh"}); err != nil {
		t.Fatal(err)
	}
	z := &zonegis.Zone{Code: "KCX-TEST", NameVI: "Khu chế xuất Thử", NameEN: "Test EPZ", Kind: zonegis.KindExportProcessingZone,
		BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional,
		Source: "manual", Boundary: rect(106.70, 10.75, 106.71, 10.76)}
	if _, err := db.CreateZone(ctx, zonegis.System, z); err != nil {
		t.Fatal(err)
	}
	return z
}

func wantCode(t *testing.T, err error, code string, msgPart string) {
	t.Helper()
	if got := zonegis.ErrorCode(err); got != code {
		t.Fatalf("error code = %q (%v), want %q", got, err, code)
	}
	if msgPart != "" && !strings.Contains(zonegis.ErrorMessage(err), msgPart) {
		t.Fatalf("message %q does not contain %q", zonegis.ErrorMessage(err), msgPart)
	}
}

func TestZoneAreaIsGeodesic(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	// 0.01° × 0.01° at 10.75°N: 1105.9 m (lat) × 1094.3 m (lon) on WGS 84.
	if z.AreaM2 < 1.20e6 || z.AreaM2 > 1.22e6 {
		t.Fatalf("area %v m², want about 1.21e6", z.AreaM2)
	}
	if z.Version != 1 || z.ID == 0 {
		t.Fatalf("id %d version %d", z.ID, z.Version)
	}
}

func TestInvalidGeometryRejectedWithReason(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	bowtie := orb.MultiPolygon{{{{106.701, 10.751}, {106.703, 10.753}, {106.703, 10.751}, {106.701, 10.753}, {106.701, 10.751}}}}
	_, err := db.CreateParcel(context.Background(), zonegis.System, &zonegis.Parcel{ZoneID: z.ID, LotCode: "A1", LandUse: "industrial", Status: "available", Boundary: bowtie})
	wantCode(t, err, zonegis.EINVALID, "Self-intersection")
	var de *zonegis.Error
	if !asErr(err, &de) || de.Details["location"] == nil || !strings.HasPrefix(de.Details["location"].(string), "POINT(") {
		t.Fatalf("want the location of the fault in details, got %#v", err)
	}
}

func TestNonPolygonalAndWrongSRIDRejected(t *testing.T) {
	db := postgistest.Open(t)
	fixture(t, db)
	ctx := context.Background()
	pool := db.Pool()
	_, err := pool.Exec(ctx, `INSERT INTO zones (code, name_vi, name_en, kind, province, boundary)
		VALUES ('KCN-LINE', 'a', 'a', 'industrial_park', 'x', ST_GeomFromText('LINESTRING(106 10, 106.1 10.1)', 4326))`)
	if err == nil || !strings.Contains(err.Error(), "Geometry type (LineString) does not match column type (MultiPolygon)") {
		t.Fatalf("line string: %v", err)
	}
	_, err = pool.Exec(ctx, `INSERT INTO zones (code, name_vi, name_en, kind, province, boundary)
		VALUES ('KCN-UTM', 'a', 'a', 'industrial_park', 'x', ST_Multi(ST_GeomFromText('POLYGON((0 0, 1 0, 1 1, 0 0))', 3405)))`)
	if err == nil || !strings.Contains(err.Error(), "SRID (3405) does not match column SRID (4326)") {
		t.Fatalf("SRID: %v", err)
	}
	// The same through the store maps to EINVALID.
	_, err = db.CreateZone(ctx, zonegis.System, &zonegis.Zone{Code: "KCN-EMPTY", NameVI: "a", NameEN: "a", Kind: "industrial_park", Province: "x",
		Status: "operating", Model: "conventional", Boundary: orb.MultiPolygon{}})
	wantCode(t, err, zonegis.EINVALID, "empty")
	_, err = db.CreateZone(ctx, zonegis.System, &zonegis.Zone{Code: "KCN-FAR", NameVI: "a", NameEN: "a", Kind: "industrial_park", Province: "x",
		Status: "operating", Model: "conventional", Boundary: rect(200, 10, 201, 11)})
	wantCode(t, err, zonegis.EINVALID, "outside lon")
}

func TestParcelOutsideZoneRejected(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	_, err := db.CreateParcel(ctx, zonegis.System, &zonegis.Parcel{ZoneID: z.ID, LotCode: "OUT", LandUse: "industrial", Status: "available",
		Boundary: rect(106.709, 10.759, 106.712, 10.762)})
	wantCode(t, err, zonegis.EINVALID, "outside zone KCX-TEST")
	_, err = db.CreateGreenArea(ctx, zonegis.System, &zonegis.GreenArea{ZoneID: z.ID, Kind: "park", Name: "Far park", Boundary: rect(106.72, 10.75, 106.73, 10.76)})
	wantCode(t, err, zonegis.EINVALID, "outside zone KCX-TEST")
	// Inside is fine, and so is a parcel sharing the zone's edge.
	if _, err := db.CreateParcel(ctx, zonegis.System, &zonegis.Parcel{ZoneID: z.ID, LotCode: "EDGE", LandUse: "industrial", Status: "available",
		Boundary: rect(106.70, 10.75, 106.702, 10.752)}); err != nil {
		t.Fatal(err)
	}
	// A zone boundary that would leave the parcel outside is refused.
	_, err = db.Pool().Exec(ctx, `UPDATE zones SET boundary = ST_Multi(ST_MakeEnvelope(106.705, 10.75, 106.71, 10.76, 4326)) WHERE id = $1`, z.ID)
	if err == nil || !strings.Contains(err.Error(), "would leave parcels or green areas outside") {
		t.Fatalf("shrinking the zone: %v", err)
	}
}

func TestOverlappingParcelsRejectedWithIDs(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	a := &zonegis.Parcel{ZoneID: z.ID, LotCode: "A", LandUse: "industrial", Status: "available", Boundary: rect(106.700, 10.750, 106.703, 10.753)}
	b := &zonegis.Parcel{ZoneID: z.ID, LotCode: "B", LandUse: "industrial", Status: "available", Boundary: rect(106.703, 10.750, 106.706, 10.753)}
	for _, p := range []*zonegis.Parcel{a, b} { // sharing an edge is not an overlap
		if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
			t.Fatal(err)
		}
	}
	_, err := db.CreateParcel(ctx, zonegis.System, &zonegis.Parcel{ZoneID: z.ID, LotCode: "C", LandUse: "industrial", Status: "available",
		Boundary: rect(106.702, 10.751, 106.704, 10.752)})
	wantCode(t, err, zonegis.ECONFLICT, "overlaps")
	var de *zonegis.Error
	if !asErr(err, &de) {
		t.Fatal(err)
	}
	ids, _ := de.Details["conflicting_ids"].([]int64)
	if len(ids) != 2 || ids[0] != a.ID || ids[1] != b.ID {
		t.Fatalf("conflicting ids %v, want [%d %d]", de.Details["conflicting_ids"], a.ID, b.ID)
	}
	// The same lot code twice in a zone is a conflict too.
	_, err = db.CreateParcel(ctx, zonegis.System, &zonegis.Parcel{ZoneID: z.ID, LotCode: "A", LandUse: "industrial", Status: "available",
		Boundary: rect(106.707, 10.757, 106.708, 10.758)})
	wantCode(t, err, zonegis.ECONFLICT, "already exists")
}

func TestConcurrentOverlappingInsertsOneWins(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	const n = 8
	errs := make(chan error, n)
	for i := range n {
		go func() {
			errs <- errOf(db.CreateParcel(ctx, zonegis.System, &zonegis.Parcel{ZoneID: z.ID, LotCode: "P" + string(rune('A'+i)), LandUse: "industrial",
				Status: "available", Boundary: rect(106.700+float64(i)*0.0001, 10.750, 106.704+float64(i)*0.0001, 10.754)}))
		}()
	}
	ok := 0
	for range n {
		err := <-errs
		if err == nil {
			ok++
		} else if zonegis.ErrorCode(err) != zonegis.ECONFLICT {
			t.Fatalf("unexpected error: %v", err)
		}
	}
	if ok != 1 {
		t.Fatalf("%d overlapping parcels were accepted, want exactly 1", ok)
	}
}

func date(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestSecondLeaseInForceRejected(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "L1", LandUse: "industrial", Status: "leased", Boundary: rect(106.700, 10.750, 106.703, 10.753)}
	if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	first := &zonegis.Lease{ParcelID: p.ID, Lessee: "Công ty TNHH Một", Country: "JP", Sector: "electronics",
		Start: date("2010-01-01"), End: date("2060-01-01"), CapitalUSD: 12.5e6, Workers: 300}
	if _, err := db.CreateLease(ctx, zonegis.System, first); err != nil {
		t.Fatal(err)
	}
	second := &zonegis.Lease{ParcelID: p.ID, Lessee: "Công ty TNHH Hai", Country: "KR", Start: date("2024-06-01"), End: date("2074-06-01")}
	wantCode(t, errOf(db.CreateLease(ctx, zonegis.System, second)), zonegis.ECONFLICT, "already has a lease in force")

	// History is kept: once the first lease ended early, a new one may start.
	if _, err := db.Pool().Exec(ctx, `UPDATE leases SET ended_on = '2024-06-01' WHERE id = $1`, first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.CreateLease(ctx, zonegis.System, second); err != nil {
		t.Fatalf("lease after the first ended: %v", err)
	}
	hist, err := db.LeaseHistory(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(hist) != 2 || hist[0].Lessee != "Công ty TNHH Một" || hist[0].EndedOn == nil || hist[0].Version != 2 || hist[1].Lessee != "Công ty TNHH Hai" {
		t.Fatalf("history %+v", hist)
	}
	// Bad values are the database's to refuse too.
	bad := &zonegis.Lease{ParcelID: p.ID, Lessee: "X", Country: "jp", Start: date("2080-01-01"), End: date("2079-01-01")}
	wantCode(t, errOf(db.CreateLease(ctx, zonegis.System, bad)), zonegis.EINVALID, "")
}

func TestChangeLogRecordsEveryWriteInCommitOrder(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "CL", LandUse: "industrial", Status: "available", Boundary: rect(106.700, 10.750, 106.701, 10.751)}
	if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `UPDATE parcels SET reserved_on = zg_today() WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `DELETE FROM parcels WHERE id = $1`, p.ID); err != nil {
		t.Fatal(err)
	}
	changes, err := db.ChangesSince(ctx, 0, 100)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for i, c := range changes {
		if i > 0 && c.Seq <= changes[i-1].Seq {
			t.Fatalf("seq not increasing: %v", changes)
		}
		got = append(got, c.Collection+":"+c.Op)
	}
	// The fixture's board is in the log too (item 0: its id is text).
	want := "boards:insert zones:insert parcels:insert parcels:update parcels:delete"
	if strings.Join(got, " ") != want {
		t.Fatalf("changes %v, want %s", got, want)
	}
	max, err := db.MaxSeq(ctx)
	if err != nil || max != changes[len(changes)-1].Seq {
		t.Fatalf("max seq %d %v", max, err)
	}
	// A pruned log moves the horizon.
	if err := db.PruneChanges(ctx, changes[2].Seq); err != nil {
		t.Fatal(err)
	}
	h, err := db.ChangeHorizon(ctx)
	if err != nil || h != changes[2].Seq {
		t.Fatalf("horizon %d %v", h, err)
	}
	rest, _ := db.ChangesSince(ctx, 0, 100)
	if len(rest) != 2 {
		t.Fatalf("after pruning %d changes remain, want 2", len(rest))
	}
}

func TestNotifyOnWrite(t *testing.T) {
	db := postgistest.Open(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, "LISTEN zonegis_changes"); err != nil {
		t.Fatal(err)
	}
	fixture(t, db) // a board, then a zone: one notification each, in order
	for _, want := range []string{"boards", "zones"} {
		n, err := conn.Conn().WaitForNotification(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n.Channel != "zonegis_changes" || n.Payload != want {
			t.Fatalf("notification %+v, want payload %q", n, want)
		}
	}
}

func TestMigrateIsIdempotentAndRecorded(t *testing.T) {
	db := postgistest.Open(t) // migrated once
	ctx := context.Background()
	applied, err := db.Migrate(ctx)
	if err != nil || len(applied) != 0 {
		t.Fatalf("second migrate applied %v, %v", applied, err)
	}
	var n int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil || n < 1 {
		t.Fatalf("schema_migrations has %d rows: %v", n, err)
	}
}

func TestLoadAllIsConsistent(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	p := &zonegis.Parcel{ZoneID: z.ID, LotCode: "LA", LandUse: "logistics", Status: "available", Boundary: rect(106.700, 10.750, 106.701, 10.751)}
	if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	g := &zonegis.GreenArea{ZoneID: z.ID, Kind: "park", Name: "Công viên", Boundary: rect(106.705, 10.755, 106.706, 10.756)}
	if _, err := db.CreateGreenArea(ctx, zonegis.System, g); err != nil {
		t.Fatal(err)
	}
	s, parcels := postgistest.LoadAll(t, db)
	max, _ := db.MaxSeq(ctx)
	if s.Seq != max || len(s.Zones) != 1 || len(parcels) != 1 || len(s.GreenAreas) != 1 {
		t.Fatalf("snapshot seq %d (max %d), %d zones %d parcels %d green", s.Seq, max, len(s.Zones), len(parcels), len(s.GreenAreas))
	}
	if got := s.Zones[0]; got.Code != "KCX-TEST" || got.NameVI != "Khu chế xuất Thử" || got.BoardID != "hepza" || !got.Boundary.Equal(z.Boundary) {
		t.Fatalf("zone %+v", got)
	}
	if got := parcels[0]; got.LotCode != "LA" || got.AreaM2 != p.AreaM2 || !got.Boundary.Equal(p.Boundary) {
		t.Fatalf("parcel %+v", got)
	}
	if got := s.GreenAreas[0]; got.Name != "Công viên" || got.Kind != "park" {
		t.Fatalf("green %+v", got)
	}
}

// TestLargeBoundaries: a zone with edges tens of degrees long has the area
// of the lon/lat polygon GeoJSON draws (not of great-circle edges, which cut
// far inside a parallel, and not 0), the same as measure.AreaM2 computes for
// the index; a boundary 180° wide or wider (the world, a full latitude band,
// a ring the 358° way round the antimeridian) is refused with how to split.
func TestLargeBoundaries(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	fixture(t, db)
	zone := func(code string, b orb.MultiPolygon) (*zonegis.Zone, error) {
		z := &zonegis.Zone{Code: code, NameVI: "Vùng lớn", NameEN: "Large", Kind: zonegis.KindEconomicZone,
			Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Source: "manual", Boundary: b}
		_, err := db.CreateZone(ctx, zonegis.System, z)
		return z, err
	}
	// 20° × 10°: the reference is the polygon densified to 0.01°, where
	// great-circle and lon/lat lines agree.
	b := rect(100, 0, 120, 10)
	z, err := zone("LARGE-20", b)
	if err != nil {
		t.Fatal(err)
	}
	var ref, plain float64
	if err := db.Pool().QueryRow(ctx, `SELECT ST_Area(ST_Segmentize(ST_MakeEnvelope(100, 0, 120, 10, 4326), 0.01)::geography),
		ST_Area(ST_MakeEnvelope(100, 0, 120, 10, 4326)::geography)`).Scan(&ref, &plain); err != nil {
		t.Fatal(err)
	}
	if d := math.Abs(z.AreaM2-ref) / ref; d > 1e-4 {
		t.Errorf("area %v m², lon/lat polygon %v m² (great-circle edges: %v): off by %.2g", z.AreaM2, ref, plain, d)
	}
	if d := math.Abs(measure.AreaM2(b)-z.AreaM2) / ref; d > 1e-4 {
		t.Errorf("index area %v m², database %v m²: off by %.2g", measure.AreaM2(b), z.AreaM2, d)
	}
	for _, c := range []struct {
		name string
		b    orb.MultiPolygon
	}{
		{"world", rect(-180, -90, 180, 90)},
		{"band", rect(-180, 0, 180, 10)},
		{"the long way round", rect(-179, 10, 179, 11)},
		{"hemisphere", rect(0, -90, 180, 90)},
	} {
		_, err := zone("LARGE-X", c.b)
		wantCode(t, err, zonegis.EINVALID, "must be narrower than 180°")
		if !strings.Contains(zonegis.ErrorMessage(err), "split at ±180°") {
			t.Errorf("%s: %q does not say how to split", c.name, zonegis.ErrorMessage(err))
		}
	}
}
