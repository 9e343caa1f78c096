package httpapi_test

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// hcmcZones makes a file of 15 of the repository's OpenStreetMap zones of
// Hồ Chí Minh City (© OpenStreetMap contributors, ODbL) with ogr2ogr, in
// crs, with zonegis's zone properties (codes prefix-N) and a field no
// collection has (osm_id, left out).
func hcmcZones(t *testing.T, path, prefix string, args ...string) []byte {
	t.Helper()
	sql := `SELECT '` + prefix + `-' || upper(replace(osm_id, '/', '-')) AS code, name AS name_vi, coalesce(name_en, name) AS name_en,
		'industrial_park' AS kind, 'Thành phố Hồ Chí Minh' AS province, 'hepza' AS board_id, osm_id, geometry
		FROM vietnam_industrial_parks_osm WHERE name IS NOT NULL AND province_code_2025 = '79' LIMIT 15`
	args = append([]string{path, "../../geodata/vn_industrial_parks_osm.geojson", "-dialect", "SQLite", "-sql", sql, "-nln", "kcn"}, args...)
	if out, err := exec.Command("ogr2ogr", args...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportUpload posts files of other formats than GeoJSON: a
// GeoPackage in VN-2000 (EPSG:9210) as the body, named by its
// Content-Type, and a FlatGeobuf as a multipart file part, named by its
// file name; bad uploads are 4xx problems naming what is wrong. The
// spooled files are removed.
func TestImportUpload(t *testing.T) {
	e := newWriteEnv(t)
	spool := t.TempDir() // where the server spools uploads
	t.Setenv("TMPDIR", spool)
	dir := t.TempDir()
	gpkg := hcmcZones(t, filepath.Join(dir, "kcn.gpkg"), "G", "-t_srs", "EPSG:9210")
	r := e.send(t, http.MethodPost, "/collections/zones/import", e.planner, gpkg, "Content-Type", "application/geopackage+sqlite3")
	want(t, r, http.StatusCreated, "GeoPackage import")
	var ans struct {
		Imported int    `json:"imported"`
		Format   string `json:"format"`
		CRS      string `json:"crs"`
		Read     int    `json:"read"`
	}
	if err := json.Unmarshal(r.body, &ans); err != nil || ans.Imported != 15 || ans.Read != 15 || ans.Format != "gpkg" || ans.CRS != "EPSG:9210" {
		t.Fatalf("answer %s (%v)", r.body, err)
	}
	var n int
	e.scalar(t, `SELECT count(*) FROM zones WHERE code LIKE 'G-%' AND board_id = 'hepza' AND name_vi LIKE 'Khu %'`, nil, &n)
	if n != 15 {
		t.Fatalf("%d zones with their names in the database, want 15", n)
	}

	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	fw, _ := mw.CreateFormFile("file", "kcn.fgb")
	fw.Write(hcmcZones(t, filepath.Join(dir, "kcn.fgb"), "F", "-f", "FlatGeobuf"))
	mw.WriteField("layer", "kcn")
	mw.Close()
	r = e.send(t, http.MethodPost, "/collections/zones/import", e.planner, mp.Bytes(), "Content-Type", mw.FormDataContentType())
	want(t, r, http.StatusCreated, "multipart FlatGeobuf import")
	e.scalar(t, `SELECT count(*) FROM zones WHERE code LIKE 'F-%'`, nil, &n)
	if n != 15 {
		t.Fatalf("%d zones from the FlatGeobuf, want 15", n)
	}

	dgn := hcmcZones(t, filepath.Join(dir, "kcn.dgn"), "D", "-f", "DGN", "-t_srs", "EPSG:9210")
	noFile := new(bytes.Buffer)
	nw := multipart.NewWriter(noFile)
	nw.WriteField("crs", "EPSG:9210")
	nw.Close()
	for _, tc := range []struct {
		name, query, ctype string
		body               []byte
		status             int
		detail             string
	}{
		{"unnamed binary", "", "application/octet-stream", gpkg, http.StatusUnsupportedMediaType, "name it with format="},
		{"unknown format", "?format=dwg", "application/octet-stream", gpkg, http.StatusBadRequest, "format:"},
		{"corrupt", "?format=gpkg", "application/octet-stream", []byte("SQLite format 3\x00 but not really"), http.StatusBadRequest, "file: not a readable gpkg file"},
		{"wrong format named", "?format=fgb", "application/octet-stream", gpkg, http.StatusBadRequest, "file: not a readable fgb file"},
		{"no crs", "?format=dgn", "application/octet-stream", dgn, http.StatusBadRequest, "crs=EPSG:9210"},
		{"crs not EPSG:N", "?format=dgn&crs=%2Fetc%2Fpasswd", "application/octet-stream", dgn, http.StatusBadRequest, "crs:"},
		{"several files", "?format=shapefile", "application/octet-stream", gpkg, http.StatusUnsupportedMediaType, "zip"},
		{"no such layer", "?layer=roads", "application/geopackage+sqlite3", gpkg, http.StatusBadRequest, "layer:"},
		{"multipart without a file", "", nw.FormDataContentType(), noFile.Bytes(), http.StatusBadRequest, "file:"},
		{"unknown parameter", "?srs=EPSG:9210", "application/geopackage+sqlite3", gpkg, http.StatusBadRequest, "srs"},
	} {
		r := e.send(t, http.MethodPost, "/collections/zones/import"+tc.query, e.planner, tc.body, "Content-Type", tc.ctype)
		p := wantProblem(t, r, tc.status, "")
		if !bytes.Contains([]byte(p.Detail), []byte(tc.detail)) {
			t.Errorf("%s: detail %q, want %q", tc.name, p.Detail, tc.detail)
		}
	}
	// The DGN with its CRS is read, and refused for its content.
	r = e.send(t, http.MethodPost, "/collections/zones/import?format=dgn&crs=EPSG:9210", e.planner, dgn, "Content-Type", "application/octet-stream")
	wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "import refused")

	left, err := os.ReadDir(spool)
	if err != nil || len(left) != 0 {
		t.Errorf("spooled uploads left behind: %v (%v)", left, err)
	}
}
