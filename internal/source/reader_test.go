package source

import (
	"archive/zip"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The fixtures are made from the repository's OpenStreetMap zones
// (geodata/vn_industrial_parks_osm.geojson: © OpenStreetMap contributors,
// ODbL 1.0) with ogr2ogr, and each is read twice: by Reader, and by GDAL's
// own ogr2ogr into GeoJSON in EPSG:4326, the oracle.
const zonesGeoJSON = "../../geodata/vn_industrial_parks_osm.geojson"

// fixtureZones is the subset of the zones the fixtures hold: the 44
// named zones of Hà Nội and Hải Phòng, both in the VN-2000 TM-3 zone of
// 105°45' (EPSG:9210).
const fixtureZones = "name IS NOT NULL AND province_code_2025 IN ('01', '31')"

// ogr2ogr runs ogr2ogr and fails the test with its output on error.
func ogr2ogr(t *testing.T, args ...string) {
	t.Helper()
	out, err := exec.Command("ogr2ogr", args...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogr2ogr %s: %v\n%s", strings.Join(args, " "), err, out)
	}
}

// oracle is a file as GDAL reads it, in EPSG:4326 (srcCRS given when the
// file has none).
func oracle(t *testing.T, path, srcCRS string, oo ...string) *geojson.FeatureCollection {
	t.Helper()
	args := []string{"-f", "GeoJSON", "-t_srs", "EPSG:4326", "-lco", "COORDINATE_PRECISION=15"}
	if srcCRS != "" {
		args = append(args, "-s_srs", srcCRS)
	}
	for _, o := range oo {
		args = append(args, "-oo", o)
	}
	args = append(args, "/vsistdout/", path)
	out, err := exec.Command("ogr2ogr", args...).Output()
	if err != nil {
		t.Fatalf("ogr2ogr (oracle) %s: %v", path, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(out)
	if err != nil {
		t.Fatalf("oracle GeoJSON of %s: %v", path, err)
	}
	// orb drops a third coordinate; count the features that had one.
	var raw struct {
		Features []struct {
			Geometry struct {
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	for i, f := range raw.Features {
		fc.Features[i].Properties["__has_z"] = hasZ(f.Geometry.Coordinates)
	}
	return fc
}

// hasZ says whether the first position of GeoJSON coordinates has 3 numbers.
func hasZ(coords json.RawMessage) bool {
	var v any
	if json.Unmarshal(coords, &v) != nil {
		return false
	}
	for {
		a, ok := v.([]any)
		if !ok || len(a) == 0 {
			return false
		}
		if _, num := a[0].(float64); num {
			return len(a) >= 3
		}
		v = a[0]
	}
}

// size is what the comparison measures of a geometry: the area (m²) of a
// polygonal one, the length (m) of lines, the count of points.
func size(g orb.Geometry) float64 {
	switch g := g.(type) {
	case orb.Polygon:
		return measure.AreaM2(orb.MultiPolygon{g})
	case orb.MultiPolygon:
		return measure.AreaM2(g)
	case orb.Collection:
		s := 0.0
		for _, p := range g {
			s += size(p)
		}
		return s
	case orb.LineString:
		return lineLength(g)
	case orb.MultiLineString:
		s := 0.0
		for _, l := range g {
			s += lineLength(l)
		}
		return s
	case orb.Ring:
		return lineLength(orb.LineString(g))
	}
	return 0
}

func lineLength(l orb.LineString) float64 {
	s := 0.0
	for i := 1; i < len(l); i++ {
		s += geo.Distance(l[i-1], l[i])
	}
	return s
}

// readAll reads every record of a file.
func readAll(t *testing.T, path string, o Options) ([]Record, Counts, *Reader) {
	t.Helper()
	r, err := Open(path, o)
	if err != nil {
		t.Fatalf("Open %s: %v", path, err)
	}
	defer r.Close()
	var recs []Record
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("Next %s: %v", path, err)
		}
		recs = append(recs, rec)
	}
	return recs, r.Counts(), r
}

// sameValue compares a Record's value with the oracle's JSON one.
func sameValue(ours, theirs any) bool {
	switch theirs.(type) {
	case map[string]any, []any: // a JSON field
		s, _ := ours.(string)
		var v any
		return json.Unmarshal([]byte(s), &v) == nil && reflect.DeepEqual(v, theirs)
	}
	switch v := ours.(type) {
	case int64:
		f, ok := theirs.(float64)
		return ok && f == float64(v)
	case float64:
		f, ok := theirs.(float64)
		return ok && (f == v || math.Abs(f-v) <= 1e-9*math.Abs(v))
	}
	return ours == theirs
}

func TestReadFormats(t *testing.T) {
	dir := t.TempDir()
	base := []string{"-where", fixtureZones, "-select", "name,name_en,osm_id,area_ha_approx,osm_snapshot", "-nlt", "PROMOTE_TO_MULTI"}
	in := func(name string) string { return filepath.Join(dir, name) }
	fixture := func(out string, args ...string) string {
		ogr2ogr(t, append(append([]string{out, zonesGeoJSON}, base...), args...)...)
		return out
	}
	// Shapefile in VN-2000 TM-3 (EPSG:9210) with a Windows-1258 .cpg.
	// GDAL 3.6 recodes Windows-1258 with iconv and drops the last
	// character of every string, names included, on write and on read
	// (the reader decodes the DBF itself); a trailing space, which a DBF
	// pads with anyway, is what ogr2ogr loses here.
	shp := in("cp1258.shp")
	ogr2ogr(t, shp, zonesGeoJSON, "-t_srs", "EPSG:9210", "-lco", "ENCODING=CP1258", "-nlt", "PROMOTE_TO_MULTI", "-dialect", "SQLite", "-sql",
		`SELECT name || ' ' AS "name ", name_en || ' ' AS "name_en ", osm_id || ' ' AS "osm_id ", area_ha_approx AS "area_ha ", geometry
		FROM vietnam_industrial_parks_osm WHERE `+fixtureZones)
	if cpg, err := os.ReadFile(in("cp1258.cpg")); err != nil || !strings.Contains(string(cpg), "1258") {
		t.Fatalf("the fixture's .cpg: %q, %v", cpg, err)
	}
	zipped := zipFiles(t, in("cp1258.zip"), in("cp1258.shp"), in("cp1258.shx"), in("cp1258.dbf"), in("cp1258.prj"), in("cp1258.cpg"))
	// DXF and DGN carry no CRS (given as EPSG:9210) and few attributes.
	dxf, dgn := in("zones.dxf"), in("zones.dgn")
	ogr2ogr(t, "-f", "DXF", dxf, zonesGeoJSON, "-dialect", "SQLite", "-sql", "SELECT osm_id AS Layer, geometry FROM vietnam_industrial_parks_osm WHERE "+fixtureZones, "-t_srs", "EPSG:9210")
	ogr2ogr(t, "-f", "DGN", dgn, zonesGeoJSON, "-dialect", "SQLite", "-sql", "SELECT geometry FROM vietnam_industrial_parks_osm WHERE "+fixtureZones, "-t_srs", "EPSG:9210")
	cases := []struct {
		name, path, crs string
		oo              []string
		wantZ           bool
		// split: the format keeps one polygon an element, so a
		// multipolygon becomes several features.
		split bool
		// cp1258: GDAL's own reading of the text is wrong (above); the
		// fields are compared with the OSM source's.
		cp1258 bool
	}{
		{name: "shapefile cp1258 EPSG:9210", path: shp, cp1258: true},
		{name: "zipped shapefile", path: zipped, cp1258: true},
		{name: "geopackage EPSG:9210", path: fixture(in("zones.gpkg"), "-t_srs", "EPSG:9210")},
		{name: "flatgeobuf", path: fixture(in("zones.fgb"))},
		{name: "geojson", path: fixture(in("zones.geojson"), "-t_srs", "EPSG:9210", "-lco", "RFC7946=NO")},
		{name: "geojsonseq", path: fixture(in("zones.geojsons"), "-f", "GeoJSONSeq")},
		{name: "kml", path: fixture(in("zones.kml"), "-f", "KML")},
		{name: "mapinfo tab EPSG:9210", path: fixture(in("zones.tab"), "-f", "MapInfo File", "-t_srs", "EPSG:9210")},
		{name: "mapinfo mif", path: fixture(in("zones.mif"), "-f", "MapInfo File")},
		{name: "csv wkt (no CRS in the file)", path: fixture(in("zones.csv"), "-f", "CSV", "-lco", "GEOMETRY=AS_WKT", "-t_srs", "EPSG:9210"), crs: "EPSG:9210",
			oo: []string{"GEOM_POSSIBLE_NAMES=WKT", "KEEP_GEOM_COLUMNS=NO"}},
		{name: "geopackage with Z", path: fixture(in("zones3d.gpkg"), "-t_srs", "EPSG:9210", "-dim", "XYZ"), wantZ: true},
		{name: "dxf (no CRS in the file)", path: dxf, crs: "EPSG:9210", split: true},
		{name: "dgn v7 (no CRS in the file)", path: dgn, crs: "EPSG:9210", split: true},
	}
	src, err := geojson.UnmarshalFeatureCollection(mustRead(t, zonesGeoJSON))
	if err != nil {
		t.Fatal(err)
	}
	zoneArea := map[string]float64{}             // the fixtures' zones' areas by osm_id
	zoneProps := map[string]geojson.Properties{} // and their properties
	for _, f := range src.Features {
		if p := f.Properties.MustString("province_code_2025", ""); f.Properties["name"] != nil && (p == "01" || p == "31") {
			id := f.Properties.MustString("osm_id", "")
			zoneArea[id], zoneProps[id] = size(f.Geometry), f.Properties
		}
	}
	want := len(zoneArea)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			recs, counts, r := readAll(t, tc.path, Options{CRS: tc.crs})
			fc := oracle(t, gdalPath(tc.path), tc.crs, tc.oo...)
			if len(recs) != len(fc.Features) || counts.Read != len(recs) || !tc.split && len(recs) != want || tc.split && len(recs) < want {
				t.Fatalf("read %d features (counted %d), GDAL reads %d, want %d", len(recs), counts.Read, len(fc.Features), want)
			}
			zs := 0
			for i, rec := range recs {
				f := fc.Features[i]
				if f.Properties["__has_z"] == true {
					zs++
				}
				if rec.Index != i || len(rec.Problems) > 0 {
					t.Fatalf("feature %d: index %d, problems %v", i, rec.Index, rec.Problems)
				}
				a, b := size(rec.Geometry), size(f.Geometry)
				if b == 0 || math.Abs(a-b) > 1e-4*b {
					t.Errorf("feature %d: size %.3f, GDAL's %.3f", i, a, b)
				}
				// Through VN-2000 and back, a zone keeps its area.
				if id, _ := rec.Get("osm_id"); !tc.split {
					if z, ok := zoneArea[fmt.Sprint(id)]; !ok || math.Abs(a-z) > 1e-4*z {
						t.Errorf("feature %d (osm_id %v): area %.3f m², %.3f m² in the OSM source", i, id, a, z)
					}
				}
				// GDAL's GeoJSON writes an "id" field as the Feature's id,
				// leaves unset fields out and JSON fields as JSON.
				theirs := map[string]any{}
				for k, v := range f.Properties {
					if k != "__has_z" {
						theirs[k] = v
					}
				}
				if f.ID != nil {
					theirs["id"] = f.ID
				}
				if tc.cp1258 {
					id, _ := rec.Get("osm_id")
					p := zoneProps[fmt.Sprint(id)]
					theirs = map[string]any{"name": p["name"], "name_en": p["name_en"], "osm_id": p["osm_id"], "area_ha": p["area_ha_approx"]}
				}
				for _, fl := range rec.Fields {
					v, ok := theirs[fl.Name]
					if !ok && fl.Value == nil {
						continue
					}
					if !sameValue(fl.Value, v) {
						t.Errorf("feature %d: field %s = %#v, GDAL reads %#v", i, fl.Name, fl.Value, v)
					}
					delete(theirs, fl.Name)
				}
				if len(theirs) > 0 {
					t.Errorf("feature %d: GDAL reads fields the reader does not: %v", i, theirs)
				}
			}
			if counts.DroppedZM != zs || tc.wantZ != (zs > 0) {
				t.Errorf("dropped Z of %d features, GDAL reads %d with Z (want Z: %v)", counts.DroppedZM, zs, tc.wantZ)
			}
			t.Logf("%s: %d features, layer %q, CRS %s, Z dropped from %d", filepath.Base(tc.path), len(recs), r.LayerName, r.CRS, counts.DroppedZM)
		})
	}

	// Vietnamese text comes through the Windows-1258 .cpg intact.
	recs, _, r := readAll(t, shp, Options{})
	if r.CRS != "EPSG:9210" {
		t.Errorf("the Shapefile's CRS reads as %s, want EPSG:9210", r.CRS)
	}
	found := false
	for _, rec := range recs {
		if v, _ := rec.Get("name"); v == "Khu công nghiệp Sài Đồng B" {
			found = true
		}
	}
	if !found {
		t.Errorf("no name with \"công nghiệp\" in the Windows-1258 Shapefile: %v", recs[0].Fields)
	}
}

// gdalPath is the path ogr2ogr reads a fixture by.
func gdalPath(p string) string {
	if strings.HasSuffix(p, ".zip") {
		return "/vsizip/" + p + "/export/" + strings.TrimSuffix(filepath.Base(p), ".zip") + ".shp"
	}
	return p
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// zipFiles writes the files into a zip at out, under a folder.
func zipFiles(t *testing.T, out string, files ...string) string {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, f := range files {
		w, err := zw.Create("export/" + filepath.Base(f))
		if err != nil {
			t.Fatal(err)
		}
		w.Write(mustRead(t, f))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestReadUndecodableText: a Windows-1258 Shapefile without its .cpg
// holds bytes that are not UTF-8; GDAL passes them on as they are, and the
// reader reports each such field as the feature's problem, with no value
// (never mojibake, never replaced).
func TestReadUndecodableText(t *testing.T) {
	dir := t.TempDir()
	shp := filepath.Join(dir, "nocpg.shp")
	ogr2ogr(t, shp, zonesGeoJSON, "-where", fixtureZones, "-select", "name,osm_id", "-lco", "ENCODING=CP1258")
	if err := os.Remove(filepath.Join(dir, "nocpg.cpg")); err != nil {
		t.Fatal(err)
	}
	recs, _, _ := readAll(t, shp, Options{})
	bad := 0
	for _, rec := range recs {
		for _, p := range rec.Problems {
			if p.Field != "name" || !strings.Contains(p.Reason, "not valid UTF-8") || !strings.Contains(p.Reason, ".cpg") {
				t.Errorf("feature %d: problem %+v", rec.Index, p)
			}
			if v, _ := rec.Get("name"); v != nil {
				t.Errorf("feature %d: undecodable name passed on as %q", rec.Index, v)
			}
			bad++
		}
		if v, _ := rec.Get("osm_id"); v == nil {
			t.Errorf("feature %d: the ASCII osm_id is lost", rec.Index)
		}
	}
	if bad == 0 {
		t.Fatal("no feature reported with undecodable text")
	}
}

// TestOpenErrors: bad files and options are EINVALID errors naming the
// field at fault.
func TestOpenErrors(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk.gpkg")
	os.WriteFile(junk, []byte("not a geopackage at all"), 0o644)
	txt := filepath.Join(dir, "notes.bin")
	os.WriteFile(txt, []byte("hello"), 0o644)
	dgn := filepath.Join(dir, "z.dgn")
	ogr2ogr(t, "-f", "DGN", dgn, zonesGeoJSON, "-dialect", "SQLite", "-sql", "SELECT geometry FROM vietnam_industrial_parks_osm WHERE "+fixtureZones, "-t_srs", "EPSG:9210")
	gpkg := filepath.Join(dir, "two.gpkg")
	ogr2ogr(t, gpkg, zonesGeoJSON, "-nln", "a", "-limit", "2")
	ogr2ogr(t, "-update", gpkg, zonesGeoJSON, "-nln", "b", "-limit", "2")
	badZip := filepath.Join(dir, "empty.zip")
	zipFiles(t, badZip, txt)
	// A zip bomb: a Shapefile that inflates to 2 GiB, as its zip says.
	bomb := filepath.Join(dir, "bomb.zip")
	{
		var buf bytes.Buffer
		zw := zip.NewWriter(&buf)
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "big.shp", Method: zip.Store, CompressedSize64: 4, UncompressedSize64: 2 << 30})
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte{0, 0, 39, 10})
		zw.Close()
		os.WriteFile(bomb, buf.Bytes(), 0o644)
	}
	for _, tc := range []struct {
		name, path string
		o          Options
		field      string
	}{
		{"corrupt geopackage", junk, Options{}, "file:"},
		{"not a known format", txt, Options{}, "file:"},
		{"unknown format name", txt, Options{Format: "dwg"}, "format:"},
		{"no crs", dgn, Options{}, "--crs"},
		{"crs not EPSG:N", dgn, Options{CRS: "/etc/passwd"}, "crs:"},
		{"crs unknown to PROJ", dgn, Options{CRS: "EPSG:999999"}, "crs:"},
		{"several layers", gpkg, Options{}, "layer:"},
		{"no such layer", gpkg, Options{Layer: "c"}, "layer:"},
		{"zip without a dataset", badZip, Options{}, "file:"},
		{"zip bomb", bomb, Options{}, "uncompressed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := Open(tc.path, tc.o)
			if err == nil {
				r.Close()
				t.Fatal("no error")
			}
			var de *zonegis.Error
			if !errors.As(err, &de) || de.Code != zonegis.EINVALID && de.Code != zonegis.ETOOLARGE || !strings.Contains(de.Message, tc.field) {
				t.Fatalf("error %v, want EINVALID (or ETOOLARGE) naming %s", err, tc.field)
			}
		})
	}
	// A DGN without CRS reads with one given, and with a default.
	for _, o := range []Options{{CRS: "EPSG:9210"}, {DefaultCRS: "EPSG:9210"}} {
		recs, _, r := readAll(t, dgn, o)
		if len(recs) == 0 || r.CRS != "EPSG:9210" {
			t.Errorf("%+v: %d records, CRS %s", o, len(recs), r.CRS)
		}
	}
	// The layer named reads.
	if recs, _, _ := readAll(t, gpkg, Options{Layer: "b"}); len(recs) != 2 {
		t.Errorf("layer b: %d records, want 2", len(recs))
	}
}
