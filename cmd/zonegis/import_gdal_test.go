package main

import (
	"archive/zip"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
)

// TestImportShapefileVN2000 imports what a board holds, with one command:
// a zipped Shapefile in VN-2000 / TM-3 105°45' (EPSG:9210, in its .prj)
// with Windows-1258 text (its .cpg), made with ogr2ogr from the
// repository's OpenStreetMap zones (© OpenStreetMap contributors, ODbL).
// PostGIS then holds every zone with its Vietnamese name intact and its
// area within 0.01% of the source's. A DGN, which has no CRS, needs --crs.
func TestImportShapefileVN2000(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := c.run(t, "boards", "create", "--id", "bql-test", "--name-vi", "Ban Quản lý", "--name-en", "Board", "--province", "Thành phố Hà Nội"); err != nil {
		t.Fatalf("boards create: %v %s", err, errOut)
	}
	dir := t.TempDir()
	const src = "../../geodata/vn_industrial_parks_osm.geojson"
	const where = "name IS NOT NULL AND province_code_2025 IN ('01', '31')"
	gdal := func(args ...string) {
		t.Helper()
		if out, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
			t.Fatalf("ogr2ogr %v: %v\n%s", args, err, out)
		}
	}
	// The trailing spaces: GDAL 3.6's Windows-1258 recoding drops every
	// string's last character (see internal/source).
	gdal(filepath.Join(dir, "kcn.shp"), src, "-t_srs", "EPSG:9210", "-lco", "ENCODING=CP1258", "-dialect", "SQLite", "-sql",
		`SELECT 'OSM-' || upper(replace(osm_id, '/', '-')) || ' ' AS "code ", name || ' ' AS "name_vi ", coalesce(name_en, name) || ' ' AS "name_en ",
		'industrial_park ' AS "kind ", 'bql-test ' AS "board_id ", CASE province_code_2025 WHEN '01' THEN 'Thành phố Hà Nội ' ELSE 'Thành phố Hải Phòng ' END AS "province ",
		osm_id || ' ' AS "osm_id ", geometry FROM vietnam_industrial_parks_osm WHERE `+where)
	zipped := filepath.Join(dir, "kcn.zip")
	zf, err := os.Create(zipped)
	if err != nil {
		t.Fatal(err)
	}
	zw := zip.NewWriter(zf)
	for _, ext := range []string{".shp", ".shx", ".dbf", ".prj", ".cpg"} {
		w, _ := zw.Create("kcn/kcn" + ext)
		b, err := os.ReadFile(filepath.Join(dir, "kcn"+ext))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(b)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	zf.Close()

	out, errOut, err := c.run(t, "import", "--collection", "zones", zipped)
	if err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	if !strings.Contains(out, `read 44 features of layer "kcn" from EPSG:9210`) || !strings.Contains(out, "imported 44 zones") {
		t.Errorf("import said %q", out)
	}

	// Each zone against the source: name and area (PostGIS, geodesic).
	fc, err := geojson.UnmarshalFeatureCollection(mustReadFile(t, src))
	if err != nil {
		t.Fatal(err)
	}
	db := c.db(t)
	checked := 0
	for _, f := range fc.Features {
		p := f.Properties.MustString("province_code_2025", "")
		if f.Properties["name"] == nil || p != "01" && p != "31" {
			continue
		}
		code := "OSM-" + strings.ToUpper(strings.ReplaceAll(f.Properties.MustString("osm_id", ""), "/", "-"))
		gj, _ := geojson.NewGeometry(f.Geometry).MarshalJSON()
		var name string
		var rel float64
		err := db.Pool().QueryRow(context.Background(),
			`SELECT name_vi, abs(ST_Area(boundary::geography) / ST_Area(ST_GeomFromGeoJSON($2)::geography) - 1) FROM zones WHERE code = $1`,
			code, string(gj)).Scan(&name, &rel)
		if err != nil {
			t.Fatalf("zone %s: %v", code, err)
		}
		var osmID string
		if err := db.Pool().QueryRow(context.Background(), `SELECT coalesce(attributes->>'osm_id', '') FROM zones WHERE code = $1`, code).Scan(&osmID); err != nil {
			t.Fatal(err)
		}
		if strings.TrimSpace(osmID) != f.Properties.MustString("osm_id", "") {
			t.Errorf("zone %s: attributes.osm_id %q, want the source's %q (an unmapped field is kept)", code, osmID, f.Properties.MustString("osm_id", ""))
		}
		if name != f.Properties.MustString("name", "") || rel > 1e-4 {
			t.Errorf("zone %s: name %q (source %q), area off by %.6f%%", code, name, f.Properties.MustString("name", ""), rel*100)
		}
		checked++
	}
	if checked != 44 {
		t.Errorf("checked %d zones, want 44", checked)
	}

	// A DGN carries no CRS: refused, naming --crs; with it, read (and
	// refused here only because its elements have no zone properties).
	dgn := filepath.Join(dir, "kcn.dgn")
	gdal("-f", "DGN", dgn, src, "-dialect", "SQLite", "-sql", "SELECT geometry FROM vietnam_industrial_parks_osm WHERE "+where, "-t_srs", "EPSG:9210")
	_, errOut, err = c.run(t, "import", "--collection", "zones", dgn)
	if err == nil || !strings.Contains(errOut, "--crs EPSG:9210") {
		t.Errorf("DGN without --crs: %v\n%s", err, errOut)
	}
	out, errOut, err = c.run(t, "import", "--collection", "zones", "--crs", "EPSG:9210", dgn)
	if err == nil || !strings.Contains(out, "read 46 features") || !strings.Contains(errOut, "code is required") {
		t.Errorf("DGN with --crs: %v\n%s%s", err, out, errOut)
	}
	// Without --crs, the province's TM-3 zone: Hải Phòng's is 105°45', EPSG:9210.
	out, errOut, err = c.run(t, "import", "--collection", "zones", "--province", "Hải Phòng", dgn)
	if err == nil || !strings.Contains(out, "read 46 features") || !strings.Contains(out, "EPSG:9210") || !strings.Contains(errOut, "code is required") {
		t.Errorf("DGN with --province: %v\n%s%s", err, out, errOut)
	}
	if _, errOut, err = c.run(t, "import", "--collection", "zones", "--province", "Hà Tây", dgn); err == nil || !strings.Contains(err.Error()+errOut, "province: ") {
		t.Errorf("a former province: %v %s", err, errOut)
	}
}

// TestImportMapped imports a GeoPackage whose fields carry a planning
// office's names, through --map: the mapped fields fill our properties,
// the rest are kept in attributes, and a mapping naming a field the file
// lacks is refused before anything is read.
func TestImportMapped(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	if _, errOut, err := c.run(t, "boards", "create", "--id", "hepza", "--name-vi", "Ban Quản lý các KCX và CN TP.HCM", "--name-en", "HEPZA", "--province", "Thành phố Hồ Chí Minh"); err != nil {
		t.Fatalf("boards create: %v %s", err, errOut)
	}
	gpkg := filepath.Join(t.TempDir(), "kcn.gpkg")
	if out, err := exec.Command("ogr2ogr", gpkg, "../../geodata/vn_industrial_parks_osm.geojson", "-t_srs", "EPSG:9210", "-dialect", "SQLite", "-sql",
		`SELECT 'M-' || upper(replace(osm_id, '/', '-')) AS MA_KCN, name AS TEN, osm_id AS OSM, geometry FROM vietnam_industrial_parks_osm
		 WHERE name IS NOT NULL AND province_code_2025 = '79'`).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	_, errOut, err := c.run(t, "import", "--collection", "zones", "--map", "code=MA_KCN,name_vi=TEN,name_en=TEN_EN", gpkg)
	if err == nil || !strings.Contains(errOut+err.Error(), "TEN_EN") {
		t.Errorf("a mapping naming a missing field: %v %s", err, errOut)
	}
	spec := `code=MA_KCN,name_vi=TEN,name_en=TEN,kind="industrial_park",board_id="hepza",province="Thành phố Hồ Chí Minh"`
	out, errOut, err := c.run(t, "import", "--collection", "zones", "--map", spec, gpkg)
	if err != nil {
		t.Fatalf("import: %v\n%s%s", err, out, errOut)
	}
	var n, kept int
	if err := c.db(t).Pool().QueryRow(context.Background(),
		`SELECT count(*), count(*) FILTER (WHERE 'M-' || upper(replace(attributes->>'OSM', '/', '-')) = code) FROM zones WHERE code LIKE 'M-%'`).Scan(&n, &kept); err != nil {
		t.Fatal(err)
	}
	if n == 0 || kept != n || !strings.Contains(out, fmt.Sprintf("imported %d zones", n)) {
		t.Errorf("%d zones imported, %d keep OSM in attributes; the CLI said %q", n, kept, out)
	}
}

func mustReadFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
