package source

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
)

// TestReadTable reads a table without geometry (Options.Table), a CSV
// without a WKT column and the same rows as an XLSX spreadsheet that GDAL's
// ogr2ogr (XLSX driver) made from it: the same fields and values, in
// order, no CRS asked for and no geometry; without Table the CSV is
// refused for want of a CRS, naming crs.
func TestReadTable(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "reports.csv")
	if err := os.WriteFile(csvPath, []byte("enterprise_id,year,revenue_vnd,export_usd,ghi_chu\n"+
		"7,2024,125000000000,3500000.50,Công ty Tân Thuận\n8,2025,,12,\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	xlsxPath := filepath.Join(dir, "reports.xlsx")
	ogr2ogr(t, "-f", "XLSX", xlsxPath, csvPath)
	for _, path := range []string{csvPath, xlsxPath} {
		recs, counts, r := readAll(t, path, Options{Table: true})
		if counts.Read != 2 || len(recs) != 2 {
			t.Fatalf("%s: %d records (%+v)", path, len(recs), counts)
		}
		if r.CRS != "" {
			t.Errorf("%s: CRS %q for a table", path, r.CRS)
		}
		for _, rec := range recs {
			if rec.Geometry != nil || len(rec.Problems) != 0 {
				t.Errorf("%s: record %d geometry %v problems %v", path, rec.Index, rec.Geometry, rec.Problems)
			}
		}
		want := map[string]string{"enterprise_id": "7", "year": "2024", "revenue_vnd": "125000000000", "export_usd": "3500000.5", "ghi_chu": "Công ty Tân Thuận"}
		for name, w := range want {
			v, ok := recs[0].Get(name)
			if !ok {
				t.Fatalf("%s: no field %s in %+v", path, name, recs[0].Fields)
			}
			if got := textOf(v); got != w && !(name == "export_usd" && got == "3500000.50") {
				t.Errorf("%s: %s = %q (%T), want %q", path, name, got, v, w)
			}
		}
		if v, _ := recs[1].Get("revenue_vnd"); v != nil && textOf(v) != "" {
			t.Errorf("%s: an empty cell read as %v", path, v)
		}
	}
	if _, err := Open(csvPath, Options{}); err == nil {
		t.Fatal("a CSV without WKT and without Table opened without a CRS")
	}
}

// textOf is a field value as text: numbers in their shortest form.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}
