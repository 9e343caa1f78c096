package postgis_test

import (
	"context"
	"fmt"
	"iter"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func parcelRow(i int, zoneID int64, lot string, b orb.MultiPolygon) postgis.ImportRow {
	return postgis.ImportRow{Index: i, Item: &zonegis.Parcel{ZoneID: zoneID, LotCode: lot, LandUse: zonegis.LandUses[0], Boundary: b}}
}

func rowsOf(rows ...postgis.ImportRow) iter.Seq2[postgis.ImportRow, error] {
	return func(yield func(postgis.ImportRow, error) bool) {
		for _, r := range rows {
			if !yield(r, nil) {
				return
			}
		}
	}
}

// fingerprint is every land-record table's content, as text.
func fingerprint(t *testing.T, db *postgis.DB) string {
	t.Helper()
	var s string
	err := db.Pool().QueryRow(context.Background(), `SELECT md5(
		(SELECT coalesce(string_agg(p::text, '|' ORDER BY id), '') FROM parcels p) ||
		(SELECT coalesce(string_agg(z::text, '|' ORDER BY id), '') FROM zones z) ||
		(SELECT coalesce(string_agg(g::text, '|' ORDER BY id), '') FROM green_areas g) ||
		(SELECT coalesce(string_agg(c::text, '|' ORDER BY seq), '') FROM changes c) ||
		(SELECT coalesce(string_agg(a::text, '|' ORDER BY id), '') FROM audit_log a) ||
		(SELECT coalesce(string_agg(q::text, '|' ORDER BY parcel_id, piece::text), '') FROM parcel_pieces q))`).Scan(&s)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

var bowtie = orb.MultiPolygon{{{{106.7050, 10.7550}, {106.7070, 10.7570}, {106.7070, 10.7550}, {106.7050, 10.7570}, {106.7050, 10.7550}}}}

// theFile is a file with one of each problem, and a second-round overlap:
// feature 1 is invalid (a bow tie) and also overlaps feature 5, which
// only shows when overlaps are checked on all features, on the repaired
// geometry.
func theFile(z int64) []postgis.ImportRow {
	fid := int64(77)
	rows := []postgis.ImportRow{
		parcelRow(0, z, "A0", rect(106.700, 10.750, 106.701, 10.751)), // good
		parcelRow(1, z, "A1", bowtie),                                 // invalid
		parcelRow(2, z, "A2", rect(106.709, 10.759, 106.712, 10.762)), // outside the zone
		{Index: 3, FID: &fid, Key: "A3", ZoneID: &z, Boundary: rect(106.7, 10.757, 106.701, 10.758), // unreadable properties
			Problems: []zonegis.ImportProblem{{Index: 3, Code: zonegis.EINVALID, Problem: zonegis.ProblemRead, Reason: `unknown field "owner"`}}},
		parcelRow(4, z, "A4", rect(106.702, 10.750, 106.704, 10.752)),      // good
		parcelRow(5, z, "A5", rect(106.7055, 10.7551, 106.7068, 10.7553)),  // overlaps the bow tie's repaired geometry
		parcelRow(6, z, "OLD", rect(106.7082, 10.7582, 106.7088, 10.7588)), // overlaps the existing parcel and repeats its lot code
		parcelRow(7, z, "A0", rect(106.700, 10.752, 106.701, 10.753)),      // lot code of 0 again
		parcelRow(8, z, "A8", rect(106.7035, 10.7515, 106.705, 10.753)),    // overlaps 4
	}
	rows[0].FID = &fid
	return rows
}

func TestImportReportsEveryProblemInOnePass(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	old := &zonegis.Parcel{ZoneID: z.ID, LotCode: "OLD", LandUse: zonegis.LandUses[0], Boundary: rect(106.708, 10.758, 106.709, 10.759)}
	if _, err := db.CreateParcel(ctx, zonegis.System, old); err != nil {
		t.Fatal(err)
	}
	before := fingerprint(t, db)
	rep, _, err := db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, rowsOf(theFile(z.ID)...), zonegis.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if !rep.Refused || rep.Imported != 0 || rep.Features != 9 || rep.Skipped != 7 {
		t.Fatalf("report %+v", rep)
	}
	if fingerprint(t, db) != before {
		t.Fatal("a refused import changed the tables")
	}
	got := map[string]zonegis.ImportProblem{}
	for _, p := range rep.Problems {
		got[fmt.Sprintf("%d %s", p.Index, p.Problem)] = p
	}
	keys := []string{}
	for k := range got {
		keys = append(keys, k)
	}
	want := []string{"1 geometry", "2 outside", "3 read", "5 overlap", "6 duplicate", "6 overlap", "7 duplicate", "8 overlap"}
	for _, k := range want {
		if _, ok := got[k]; !ok {
			t.Errorf("no problem %q; got %v", k, keys)
		}
	}
	if len(rep.Problems) != len(want) {
		t.Errorf("%d problems, want %d: %+v", len(rep.Problems), len(want), rep.Problems)
	}
	near := func(k string, lon0, lat0, lon1, lat1 float64) {
		p := got[k]
		if p.Location == nil || p.Location[0] < lon0 || p.Location[0] > lon1 || p.Location[1] < lat0 || p.Location[1] > lat1 {
			t.Errorf("%s: location %v, want in [%v %v %v %v]", k, p.Location, lon0, lat0, lon1, lat1)
		}
	}
	g := got["1 geometry"]
	if g.Code != zonegis.EINVALID || !strings.Contains(g.Reason, "Self-intersection") || !strings.Contains(g.Reason, "repair=make_valid") || g.LotCode != "A1" {
		t.Errorf("geometry: %+v", g)
	}
	near("1 geometry", 106.7059, 10.7559, 106.7061, 10.7561) // the crossing of the bow tie
	o := got["2 outside"]
	if !strings.Contains(o.Reason, "lies outside zone KCX-TEST") || o.AreaM2 == nil || *o.AreaM2 < 80000 {
		t.Errorf("outside: %+v", o)
	}
	near("2 outside", 106.71, 10.759, 106.712, 10.762)
	if r := got["3 read"]; r.FID == nil || *r.FID != 77 || r.LotCode != "A3" {
		t.Errorf("read: %+v", r)
	}
	if f := got["0 geometry"]; f.Index != 0 {
		t.Errorf("feature 0 has a problem: %+v", f)
	}
	// The second round: the bow tie's overlap with 5, found now.
	ov := got["5 overlap"]
	if ov.OtherIndex == nil || *ov.OtherIndex != 1 || ov.OtherLotCode != "A1" || ov.AreaM2 == nil || *ov.AreaM2 < 10 || ov.Code != zonegis.ECONFLICT {
		t.Errorf("overlap 5: %+v", ov)
	}
	near("5 overlap", 106.7055, 10.7551, 106.7068, 10.7553)
	ov = got["8 overlap"]
	if ov.OtherIndex == nil || *ov.OtherIndex != 4 || ov.OtherLotCode != "A4" || ov.OtherID != nil || ov.AreaM2 == nil {
		t.Errorf("overlap 8: %+v", ov)
	}
	// An overlap with an existing parcel names it by lot code and id.
	ov = got["6 overlap"]
	if ov.OtherID == nil || *ov.OtherID != old.ID || ov.OtherLotCode != "OLD" || ov.OtherIndex != nil ||
		ov.AreaM2 == nil || math.Abs(*ov.AreaM2-0.0006*0.0006*109000*111000) > 300 {
		t.Errorf("overlap 6: %+v", ov)
	}
	// Duplicates name the first holder.
	if d := got["7 duplicate"]; d.OtherIndex == nil || *d.OtherIndex != 0 || d.OtherLotCode != "A0" || !strings.Contains(d.Reason, `lot_code "A0" already exists in this file: feature 0 has it first`) {
		t.Errorf("duplicate 7: %+v", d)
	}
	if d := got["6 duplicate"]; d.OtherID == nil || *d.OtherID != old.ID || d.OtherLotCode != "OLD" {
		t.Errorf("duplicate 6: %+v", d)
	}
}

// TestImportDryRunWritesNothing: a dry run of a file without problems
// reports it would import all and changes no table.
func TestImportDryRunWritesNothing(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	before := fingerprint(t, db)
	rep, _, err := db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, rowsOf(
		parcelRow(0, z.ID, "D0", rect(106.700, 10.750, 106.701, 10.751)),
		parcelRow(1, z.ID, "D1", rect(106.702, 10.750, 106.703, 10.751))), zonegis.ImportOptions{DryRun: true})
	if err != nil || rep.Imported != 0 || len(rep.Problems) != 0 || rep.Seq != 0 || !rep.DryRun {
		t.Fatalf("report %+v, %v", rep, err)
	}
	if fingerprint(t, db) != before {
		t.Fatal("a dry run changed the tables")
	}
}

// TestImportSkipWritesExactlyTheGood: on_conflict=skip writes the
// features without problems, and the write never fails: the checks
// predict the triggers.
func TestImportSkipWritesExactlyTheGood(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	old := &zonegis.Parcel{ZoneID: z.ID, LotCode: "OLD", LandUse: zonegis.LandUses[0], Boundary: rect(106.708, 10.758, 106.709, 10.759)}
	if _, err := db.CreateParcel(ctx, zonegis.System, old); err != nil {
		t.Fatal(err)
	}
	rep, _, err := db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, rowsOf(theFile(z.ID)...), zonegis.ImportOptions{OnConflict: zonegis.OnConflictSkip})
	if err != nil {
		t.Fatalf("the write failed after the checks passed it: %v", err)
	}
	if rep.Imported != 2 || rep.Skipped != 7 || rep.Seq == 0 {
		t.Fatalf("report %+v", rep)
	}
	var lots string
	if err := db.Pool().QueryRow(ctx, `SELECT string_agg(lot_code, ',' ORDER BY lot_code) FROM parcels WHERE id <> $1`, old.ID).Scan(&lots); err != nil {
		t.Fatal(err)
	}
	if lots != "A0,A4" {
		t.Fatalf("written %s, want A0,A4", lots)
	}
}

// TestImportRepairReportsAreaChange: repair=make_valid writes the bow tie
// as its valid polygons and says how its area changed.
func TestImportRepairReportsAreaChange(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	rep, _, err := db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, rowsOf(
		parcelRow(0, z.ID, "R0", bowtie)), zonegis.ImportOptions{Repair: zonegis.RepairMakeValid})
	if err != nil || rep.Imported != 1 || len(rep.Problems) != 0 || len(rep.Repairs) != 1 {
		t.Fatalf("report %+v, %v", rep, err)
	}
	var area float64
	if err := db.Pool().QueryRow(ctx, `SELECT area_m2 FROM parcels WHERE lot_code = 'R0'`).Scan(&area); err != nil {
		t.Fatal(err)
	}
	r := rep.Repairs[0]
	if math.Abs(r.AreaAfterM2-area) > 0.01 || math.Abs(r.AreaChangeM2-(r.AreaAfterM2-r.AreaBeforeM2)) > 1e-9 || r.AreaAfterM2 < 20000 || !strings.Contains(r.Reason, "ST_MakeValid") {
		t.Fatalf("repair %+v, area written %v", r, area)
	}
}

// TestImportOverlapTolerance: a 2 m² overlap is refused at the default
// 0.5 m² and written at 5 m², the guard honouring the import's tolerance.
func TestImportOverlapTolerance(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	d := 0.0000135 // about 1.5 m of longitude: 1.5 m × 1.1 m overlap ≈ 1.6 m²
	rows := func() iter.Seq2[postgis.ImportRow, error] {
		return rowsOf(parcelRow(0, z.ID, "T0", rect(106.700, 10.750, 106.701, 10.751)),
			parcelRow(1, z.ID, "T1", rect(106.701-d, 10.750, 106.702, 10.75001)))
	}
	rep, _, err := db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, rows(), zonegis.ImportOptions{})
	if err != nil || !rep.Refused || len(rep.Problems) != 1 || rep.Problems[0].Problem != zonegis.ProblemOverlap {
		t.Fatalf("default tolerance: %+v, %v", rep, err)
	}
	rep, _, err = db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, rows(), zonegis.ImportOptions{OverlapToleranceM2: 5, ToleranceSet: true})
	if err != nil || rep.Imported != 2 {
		t.Fatalf("5 m² tolerance: %+v, %v", rep, err)
	}
}

// road is a winding strip of about n vertices across the zone, west to
// east near latitude lat.
func road(n int, lat float64) orb.MultiPolygon {
	half := n / 2
	var top, bottom orb.Ring
	for i := 0; i < half; i++ {
		x := 106.7001 + 0.0098*float64(i)/float64(half-1)
		y := lat + 0.00005*math.Sin(float64(i)/20)
		top = append(top, orb.Point{x, y + 0.00002})
		bottom = append(bottom, orb.Point{x, y - 0.00002})
	}
	ring := orb.Ring{}
	ring = append(ring, bottom...)
	for i := len(top) - 1; i >= 0; i-- {
		ring = append(ring, top[i])
	}
	ring = append(ring, bottom[0])
	return orb.MultiPolygon{{ring}}
}

// TestImportAgainstLargeParcelsUsesPieces imports 2,000 parcels into a
// zone with three roads of 18,000 vertices: the check and the guard
// compare the parcels with the roads' pieces (parcel_pieces), and a
// parcel across a road is found.
func TestImportAgainstLargeParcelsUsesPieces(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	z := fixture(t, db)
	for i, lat := range []float64{10.7525, 10.755, 10.7575} {
		p := &zonegis.Parcel{ZoneID: z.ID, LotCode: fmt.Sprintf("ROAD-%d", i), LandUse: "utilities", Boundary: road(18000, lat)}
		if _, err := db.CreateParcel(ctx, zonegis.System, p); err != nil {
			t.Fatal(err)
		}
	}
	var pieces, big int
	if err := db.Pool().QueryRow(ctx, `SELECT count(*), count(DISTINCT parcel_id) FROM parcel_pieces`).Scan(&pieces, &big); err != nil || big != 3 || pieces < 3*100 {
		t.Fatalf("parcel_pieces: %d pieces of %d parcels (%v), want those of the 3 roads", pieces, big, err)
	}
	// 50 × 40 parcels of 0.00018°, between and across the roads; those
	// that a road crosses overlap it.
	var rows []postgis.ImportRow
	cell := 0.0098 / 50
	for j := 0; j < 40; j++ {
		for i := 0; i < 50; i++ {
			x, y := 106.7001+cell*float64(i), 10.7501+0.0098/40*float64(j)
			rows = append(rows, parcelRow(len(rows), z.ID, fmt.Sprintf("P%04d", len(rows)), rect(x, y, x+cell*0.9, y+0.0098/40*0.9)))
		}
	}
	rep, st, err := db.ImportChecked(ctx, zonegis.System, zonegis.CollectionParcels, rowsOf(rows...), zonegis.ImportOptions{OnConflict: zonegis.OnConflictSkip})
	if err != nil {
		t.Fatalf("the write failed after the checks passed it: %v", err)
	}
	if st.ExistingPiecePairs == 0 || st.Pieces != 2000 {
		t.Fatalf("stats %+v: the roads were not compared piece by piece", st)
	}
	// Oracle: PostGIS on the whole geometries.
	var crossing int
	if err := db.Pool().QueryRow(ctx, `SELECT count(DISTINCT p.id) FROM parcels p JOIN parcels r ON r.lot_code LIKE 'ROAD-%'
		AND p.lot_code LIKE 'P%' AND ST_Intersects(p.boundary, r.boundary)`).Scan(&crossing); err != nil {
		t.Fatal(err)
	}
	overlaps := 0
	for _, p := range rep.Problems {
		if p.Problem == zonegis.ProblemOverlap && strings.HasPrefix(p.OtherLotCode, "ROAD-") {
			overlaps++
		}
	}
	if crossing != 0 || overlaps == 0 || rep.Imported+rep.Skipped != 2000 {
		t.Fatalf("%d written parcels cross a road; %d overlaps reported; report imported %d skipped %d", crossing, overlaps, rep.Imported, rep.Skipped)
	}
}
