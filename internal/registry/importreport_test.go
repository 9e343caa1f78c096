package registry_test

import (
	"bytes"
	"encoding/csv"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// reportFixture is a report whose text is hard to carry: commas, quotes,
// a line break, Vietnamese, a problem without a location.
func reportFixture() *zonegis.ImportReport {
	fid, other, otherID := int64(42), 3, int64(7001)
	area := 12.345
	return &zonegis.ImportReport{Collection: "parcels", DryRun: true, Features: 9, Skipped: 3, Problems: []zonegis.ImportProblem{
		{Index: 1, FID: &fid, LotCode: "Tờ 12/Thửa 5", Code: zonegis.EINVALID, Problem: zonegis.ProblemGeometry,
			Reason:   `parcel "Tờ 12/Thửa 5" boundary is not valid: Self-intersection, at the corner;` + "\nredraw it",
			Location: &[2]float64{106.700123456, 10.750987654}},
		{Index: 4, LotCode: "A,01", Code: zonegis.EINVALID, Problem: zonegis.ProblemRead, Reason: `unknown field "chủ sở hữu"`},
		{Index: 5, LotCode: "B-02", Code: zonegis.ECONFLICT, Problem: zonegis.ProblemOverlap,
			Reason:   "parcel B-02 overlaps parcel A,01 (feature 3 of this file) by 12.3 m²",
			Location: &[2]float64{-0.5, -45.25}, OtherIndex: &other, OtherLotCode: "A,01", OtherID: &otherID, AreaM2: &area},
	}}
}

// TestImportReportCSVParses reads the CSV report back with encoding/csv:
// the header, one row a problem, every field as the report has it.
func TestImportReportCSVParses(t *testing.T) {
	rep := reportFixture()
	var buf bytes.Buffer
	if err := registry.WriteImportReport(&buf, rep, registry.ReportCSV); err != nil {
		t.Fatal(err)
	}
	r := csv.NewReader(&buf)
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv cannot read the report: %v\n%s", err, buf.String())
	}
	header := []string{"index", "fid", "lot_code", "problem", "code", "reason", "lon", "lat", "other_index", "other_lot_code", "other_id", "area_m2"}
	if len(recs) != 1+len(rep.Problems) {
		t.Fatalf("%d records, want a header and %d rows", len(recs), len(rep.Problems))
	}
	if strings.Join(recs[0], "|") != strings.Join(header, "|") {
		t.Fatalf("header %q, want %q", recs[0], header)
	}
	for i, p := range rep.Problems {
		row := map[string]string{}
		for j, h := range header {
			row[h] = recs[i+1][j]
		}
		want := map[string]string{"index": strconv.Itoa(p.Index), "fid": "", "lot_code": p.LotCode, "problem": p.Problem, "code": p.Code,
			"reason": p.Reason, "lon": "", "lat": "", "other_index": "", "other_lot_code": p.OtherLotCode, "other_id": "", "area_m2": ""}
		if p.FID != nil {
			want["fid"] = strconv.FormatInt(*p.FID, 10)
		}
		if p.Location != nil {
			want["lon"], want["lat"] = strconv.FormatFloat(p.Location[0], 'f', -1, 64), strconv.FormatFloat(p.Location[1], 'f', -1, 64)
		}
		if p.OtherIndex != nil {
			want["other_index"] = strconv.Itoa(*p.OtherIndex)
		}
		if p.OtherID != nil {
			want["other_id"] = strconv.FormatInt(*p.OtherID, 10)
		}
		if p.AreaM2 != nil {
			want["area_m2"] = "12.35"
		}
		for _, h := range header {
			if row[h] != want[h] {
				t.Errorf("problem %d, column %s: %q, want %q", i, h, row[h], want[h])
			}
		}
	}
}

// TestImportReportGeoJSONReadsInGDAL opens the GeoJSON report with GDAL
// (ogrinfo, and ogr2ogr to CSV with the coordinates as X and Y): a point
// layer in CRS84 with one feature per problem that has a location, at
// that location, with the problem's properties.
func TestImportReportGeoJSONReadsInGDAL(t *testing.T) {
	pgtest.Tool(t, "ogrinfo", "gdal-bin")
	pgtest.Tool(t, "ogr2ogr", "gdal-bin")
	rep := reportFixture()
	var buf bytes.Buffer
	if err := registry.WriteImportReport(&buf, rep, registry.ReportGeoJSON); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "problems.geojson")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("ogrinfo", "-ro", "-so", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo cannot open the report: %v\n%s\n%s", err, info, buf.String())
	}
	for _, part := range []string{"Layer name: import_problems", "Geometry: Point", "Feature Count: 2", "WGS 84"} {
		if !strings.Contains(string(info), part) {
			t.Errorf("ogrinfo says no %q:\n%s", part, info)
		}
	}
	out, err := exec.Command("ogr2ogr", "-f", "CSV", "/vsistdout/", path, "-lco", "GEOMETRY=AS_XY").Output()
	if err != nil {
		t.Fatalf("ogr2ogr to CSV: %v", err)
	}
	recs, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("ogr2ogr's CSV: %v\n%s", err, out)
	}
	if len(recs) != 3 {
		t.Fatalf("GDAL reads %d rows, want a header and 2 (the problems with a location):\n%s", len(recs), out)
	}
	col := map[string]int{}
	for j, h := range recs[0] {
		col[h] = j
	}
	var located []zonegis.ImportProblem
	for _, p := range rep.Problems {
		if p.Location != nil {
			located = append(located, p)
		}
	}
	for i, p := range located {
		rec := recs[i+1]
		get := func(h string) string {
			j, ok := col[h]
			if !ok {
				t.Fatalf("GDAL reads no column %q (columns %q)", h, recs[0])
			}
			return rec[j]
		}
		x, _ := strconv.ParseFloat(get("X"), 64)
		y, _ := strconv.ParseFloat(get("Y"), 64)
		if x != p.Location[0] || y != p.Location[1] {
			t.Errorf("problem %d at (%v, %v) in GDAL, want %v", p.Index, x, y, *p.Location)
		}
		for h, want := range map[string]string{"index": strconv.Itoa(p.Index), "lot_code": p.LotCode, "problem": p.Problem,
			"code": p.Code, "reason": p.Reason, "other_lot_code": p.OtherLotCode} {
			if got := get(h); got != want {
				t.Errorf("problem %d, %s: GDAL reads %q, want %q", p.Index, h, got, want)
			}
		}
		if p.OtherIndex != nil && get("other_index") != strconv.Itoa(*p.OtherIndex) {
			t.Errorf("problem %d: other_index %q, want %d", p.Index, get("other_index"), *p.OtherIndex)
		}
		if p.AreaM2 != nil {
			if a, err := strconv.ParseFloat(get("area_m2"), 64); err != nil || a != *p.AreaM2 {
				t.Errorf("problem %d: area_m2 %q, want %v", p.Index, get("area_m2"), *p.AreaM2)
			}
		}
	}
}
