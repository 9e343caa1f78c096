package export_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func TestExportParseCRS(t *testing.T) {
	for in, want := range map[string]int{
		"":          4326,
		"CRS84":     4326,
		"OGC:CRS84": 4326,
		"http://www.opengis.net/def/crs/OGC/1.3/CRS84":  4326,
		"https://www.opengis.net/def/crs/OGC/1.3/CRS84": 4326,
		"EPSG:4326":                  4326,
		"EPSG:3405":                  3405,
		"epsg:3406":                  3406,
		"[EPSG:3405]":                3405,
		"urn:ogc:def:crs:EPSG::3406": 3406,
		"http://www.opengis.net/def/crs/EPSG/0/3405": 3405,
		"EPSG:32648": 0,
		"EPSG:":      0,
		"3405":       3405,
		"EPSG:9210":  9210,
		"EPSG:4756":  4756,
		"http://www.opengis.net/def/crs/EPSG/0/5899": 5899,
		"urn:ogc:def:crs:EPSG::9218":                 9218,
		"EPSG:9219":                                  0,
		"EPSG:3857":                                  0,
		"http://www.opengis.net/def/crs/EPSG/0/9999": 0,
	} {
		c, err := export.ParseCRS(in)
		if want == 0 {
			if zonegis.ErrorCode(err) != zonegis.EINVALID {
				t.Errorf("ParseCRS(%q) = %+v, %v; want EINVALID", in, c, err)
			}
			continue
		}
		if err != nil || c.EPSG != want {
			t.Errorf("ParseCRS(%q) = %+v, %v; want EPSG %d", in, c, err, want)
		}
	}
	if export.CRS84.URI != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" || !export.CRS84.IsCRS84() || export.VN2000UTM48N.IsCRS84() {
		t.Error("CRS84 constants")
	}
}

func TestExportParseFormat(t *testing.T) {
	for _, f := range export.Formats() {
		if g, err := export.ParseFormat(string(f)); err != nil || g != f {
			t.Errorf("ParseFormat(%q) = %q, %v", f, g, err)
		}
	}
	if f, err := export.ParseFormat(""); f != export.GeoJSON || err != nil {
		t.Errorf(`ParseFormat("") = %q, %v`, f, err)
	}
	if _, err := export.ParseFormat("shp"); zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.HasPrefix(zonegis.ErrorMessage(err), "f:") {
		t.Errorf("ParseFormat(shp): %v", err)
	}
}

// fixtureLayer has a column of every type.
var fixtureLayer = &export.Layer{Name: "things", Columns: []export.Column{
	{Name: "name", Type: export.String}, {Name: "n32", Type: export.Int32}, {Name: "n64", Type: export.Int64},
	{Name: "x", Type: export.Float64}, {Name: "ok", Type: export.Bool}, {Name: "day", Type: export.Date},
	{Name: "at", Type: export.DateTime}, {Name: "tags", Type: export.JSON},
}}

// fixtureFeatures are the edge cases every format must carry: text that
// CSV must quote (commas, quotes, line breaks, leading spaces) and
// Vietnamese diacritics, nulls, negative and large numbers, a polygon with
// a hole, a multipolygon of two parts.
func fixtureFeatures() []export.Feature {
	square := func(x, y, d float64) orb.Ring {
		return orb.Ring{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}
	}
	at := time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
	day := time.Date(1991, 9, 25, 0, 0, 0, 0, time.UTC)
	return []export.Feature{
		{Layer: fixtureLayer, ID: 1, Geometry: orb.MultiPolygon{{square(106.7, 10.7, 0.01)}}, Values: []export.Value{
			{Str: "Khu chế xuất Tân Thuận"}, {Int: 42}, {Int: 1 << 40}, {Float: 12345.678901234567}, {Bool: true},
			{Time: day}, {Time: at}, {Str: `["điện tử","may mặc"]`}}},
		{Layer: fixtureLayer, ID: 2, Geometry: orb.MultiPolygon{{square(106.7, 10.7, 0.01), square(106.702, 10.702, 0.002)}}, Values: []export.Value{
			{Str: "comma, \"quote\"\nnew line"}, {Int: -7}, {Int: -1}, {Float: -0.5}, {Bool: false},
			{Null: true}, {Time: at}, {Str: `[]`}}},
		{Layer: fixtureLayer, ID: 3, Geometry: orb.MultiPolygon{{square(107.1, 16.0, 0.001)}, {square(107.2, 16.1, 0.001)}}, Values: []export.Value{
			{Str: " leading space"}, {Null: true}, {Null: true}, {Null: true}, {Null: true},
			{Null: true}, {Null: true}, {Null: true}}},
	}
}

// requireOGR checks for GDAL's tools (see pgtest.Tool).
func requireOGR(t *testing.T) {
	t.Helper()
	pgtest.Tool(t, "ogr2ogr", "gdal-bin")
	pgtest.Tool(t, "ogrinfo", "gdal-bin")
}

// writeFile writes features with o into dir/name.
func writeFile(t *testing.T, dir, name string, o export.Options, fs []export.Feature) string {
	t.Helper()
	path := filepath.Join(dir, name)
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w, err := export.NewWriter(context.Background(), f, o)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fs {
		if err := w.Write(&fs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if w.Count() != int64(len(fs)) {
		t.Errorf("Count %d, want %d", w.Count(), len(fs))
	}
	return path
}

// ogrGeoJSON converts a file to GeoJSON with ogr2ogr and parses it.
func ogrGeoJSON(t *testing.T, path string) *geojson.FeatureCollection {
	t.Helper()
	var open []string
	if strings.HasSuffix(path, ".csv") {
		open = []string{"-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO", "-oo", "AUTODETECT_TYPE=NO"}
	}
	out := path + ".out.geojson"
	cmd := exec.Command("ogr2ogr", append(append([]string{"-f", "GeoJSON", "-preserve_fid", out}, open...), path)...)
	if b, err := cmd.CombinedOutput(); err != nil || bytes.Contains(b, []byte("Warning")) || bytes.Contains(b, []byte("ERROR")) {
		t.Fatalf("ogr2ogr %s: %v\n%s", path, err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatal(err)
	}
	return fc
}

// TestExportFormatsGDAL writes the edge cases in every format and reads
// them back with GDAL: every value and every vertex as written.
func TestExportFormatsGDAL(t *testing.T) {
	requireOGR(t)
	dir := t.TempDir()
	want := fixtureFeatures()
	for _, f := range export.Formats() {
		t.Run(string(f), func(t *testing.T) {
			path := writeFile(t, dir, "things."+f.Ext(), export.Options{Format: f, Layers: []*export.Layer{fixtureLayer}, Name: "things"}, want)
			fc := ogrGeoJSON(t, path)
			if len(fc.Features) != len(want) {
				t.Fatalf("%d features, want %d", len(fc.Features), len(want))
			}
			for i, got := range fc.Features {
				w := want[i]
				id := got.Properties["id"]
				if id == nil {
					id = got.ID
				}
				if s, ok := id.(string); ok {
					n, _ := strconv.ParseFloat(s, 64)
					id = n
				}
				if id != float64(w.ID) {
					t.Errorf("feature %d: id %v, want %d", i, id, w.ID)
				}
				for j, c := range fixtureLayer.Columns {
					checkValue(t, f, w.ID, c, w.Values[j], got.Properties[c.Name])
				}
				g, ok := got.Geometry.(orb.MultiPolygon)
				if p, isPoly := got.Geometry.(orb.Polygon); isPoly {
					g, ok = orb.MultiPolygon{p}, true
				}
				// GDAL's GeoJSON driver prints 15 significant digits.
				if !ok || !nearGeometry(g, w.Geometry, 1e-12) {
					t.Errorf("feature %d: geometry %v, want %v", w.ID, got.Geometry, w.Geometry)
				}
			}
		})
	}
}

// nearGeometry compares vertex by vertex within tol.
func nearGeometry(a, b orb.MultiPolygon, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k := range a[i][j] {
				if math.Abs(a[i][j][k][0]-b[i][j][k][0]) > tol || math.Abs(a[i][j][k][1]-b[i][j][k][1]) > tol {
					return false
				}
			}
		}
	}
	return true
}

// checkValue compares a value GDAL read with the one written. CSV is read
// as text (AUTODETECT_TYPE=NO), so there every value is compared as text.
func checkValue(t *testing.T, f export.Format, id int64, c export.Column, want export.Value, got any) {
	t.Helper()
	if want.Null {
		if got != nil && got != "" {
			t.Errorf("feature %d %s: %v (%T), want null", id, c.Name, got, got)
		}
		return
	}
	var wantText string
	switch c.Type {
	case export.String:
		wantText = want.Str
	case export.Int32, export.Int64:
		wantText = strconv.FormatInt(want.Int, 10)
	case export.Float64:
		wantText = strconv.FormatFloat(want.Float, 'f', -1, 64)
	case export.Bool:
		wantText = strconv.FormatBool(want.Bool)
	case export.Date:
		wantText = want.Time.Format(time.DateOnly)
	case export.DateTime:
		wantText = want.Time.Format(time.RFC3339)
	case export.JSON:
		wantText = want.Str
	}
	var gotText string
	switch v := got.(type) {
	case string:
		gotText = v
		// GDAL writes dates and instants in its own notation.
		if c.Type == export.Date && f == export.FlatGeobuf {
			gotText = strings.TrimSuffix(strings.ReplaceAll(v, "/", "-"), "T00:00:00")
		}
		if c.Type == export.DateTime {
			if ts, err := time.Parse("2006-01-02T15:04:05Z07:00", v); err == nil {
				gotText = ts.UTC().Format(time.RFC3339)
			} else if ts, err := time.Parse("2006/01/02 15:04:05Z07", v); err == nil {
				gotText = ts.UTC().Format(time.RFC3339)
			}
		}
	case float64:
		gotText = strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		gotText = strconv.FormatBool(v)
	case []any:
		// GeoJSON arrays of strings (JSON columns) come back as lists.
		var parts []string
		for _, p := range v {
			parts = append(parts, strconv.Quote(p.(string)))
		}
		gotText = "[" + strings.Join(parts, ",") + "]"
		wantText = decodeJSONList(want.Str)
	default:
		t.Errorf("feature %d %s: %v (%T)", id, c.Name, got, got)
		return
	}
	if c.Type == export.Bool && f != export.CSV {
		// GDAL keeps booleans as 0/1 integers in FlatGeobuf.
		gotText = map[string]string{"1": "true", "0": "false", "true": "true", "false": "false"}[gotText]
	}
	if gotText != wantText {
		t.Errorf("%s feature %d %s: %q, want %q", f, id, c.Name, gotText, wantText)
	}
}

// decodeJSONList normalises a JSON list of strings to Go-quoted elements.
func decodeJSONList(s string) string {
	fc, err := geojson.UnmarshalFeature([]byte(`{"type":"Feature","geometry":null,"properties":{"l":` + s + `}}`))
	if err != nil {
		return s
	}
	var parts []string
	for _, p := range fc.Properties["l"].([]any) {
		parts = append(parts, strconv.Quote(p.(string)))
	}
	return "[" + strings.Join(parts, ",") + "]"
}

// TestExportFlatGeobufLayout checks the file structure without GDAL: the
// magic bytes, then size-prefixed buffers to the end of the file, each
// starting with a root offset inside it.
func TestExportFlatGeobufLayout(t *testing.T) {
	var buf bytes.Buffer
	w, err := export.NewWriter(context.Background(), &buf, export.Options{Format: export.FlatGeobuf, Layers: []*export.Layer{fixtureLayer}})
	if err != nil {
		t.Fatal(err)
	}
	fs := fixtureFeatures()
	for i := range fs {
		if err := w.Write(&fs[i]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.HasPrefix(b, []byte("fgb\x03fgb\x00")) {
		t.Fatalf("magic %q", b[:8])
	}
	b = b[8:]
	n := 0
	for len(b) > 0 {
		size := int(binary.LittleEndian.Uint32(b))
		if size < 8 || 4+size > len(b) {
			t.Fatalf("buffer %d: size %d with %d bytes left", n, size, len(b)-4)
		}
		if root := int(binary.LittleEndian.Uint32(b[4:])); root < 4 || root >= size || root%4 != 0 {
			t.Fatalf("buffer %d: root offset %d of %d", n, root, size)
		}
		b = b[4+size:]
		n++
	}
	if n != 1+len(fs) {
		t.Errorf("%d buffers, want a header and %d features", n, len(fs))
	}
}

// TestExportWriterErrors: the writer refuses what it cannot write.
func TestExportWriterErrors(t *testing.T) {
	ctx := context.Background()
	var buf bytes.Buffer
	if _, err := export.NewWriter(ctx, &buf, export.Options{Format: export.CSV, CRS: export.VN2000UTM48N, Layers: []*export.Layer{fixtureLayer}}); zonegis.ErrorCode(err) != zonegis.EUNAVAILABLE {
		t.Errorf("projected CRS without a transformer: %v", err)
	}
	if _, err := export.NewWriter(ctx, &buf, export.Options{Format: export.CSV}); zonegis.ErrorCode(err) != zonegis.EINVALID {
		t.Errorf("no layers: %v", err)
	}
	clash := &export.Layer{Name: "clash", Columns: []export.Column{{Name: "name", Type: export.Int64}}}
	if _, err := export.NewWriter(ctx, &buf, export.Options{Format: export.FlatGeobuf, Layers: []*export.Layer{fixtureLayer, clash}}); zonegis.ErrorCode(err) != zonegis.EINVALID {
		t.Errorf("column with two types: %v", err)
	}
	w, err := export.NewWriter(ctx, &buf, export.Options{Format: export.CSV, Layers: []*export.Layer{fixtureLayer}})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(&export.Feature{Layer: export.Parcels, ID: 1}); err == nil {
		t.Error("a feature of a layer the writer was not given: no error")
	}
	if err := w.Write(&export.Feature{Layer: fixtureLayer, ID: 1, Values: []export.Value{{}}}); err == nil {
		t.Error("a feature with too few values: no error")
	}
}

// failingTransformer fails every call.
type failingTransformer struct{}

func (failingTransformer) Transform(context.Context, int, []orb.MultiPolygon) ([]orb.MultiPolygon, error) {
	return nil, errors.New("no database")
}

// The transformer the service exports through.
var _ export.Transformer = (*postgis.DB)(nil)

// TestExportTransformPostGIS transforms through PostGIS in batches, in
// every output CRS but CRS84: the coordinates are those of ST_Transform
// with the CRS's PROJ string (EPSG:6960), in the order written, whatever
// the batch size; a failing transform fails the write.
func TestExportTransformPostGIS(t *testing.T) {
	ctx := context.Background()
	db := postgistest.Open(t)
	var fs []export.Feature
	for i := range 10 {
		x, y := 105.0+0.3*float64(i), 10.0+0.9*float64(i)
		fs = append(fs, export.Feature{Layer: fixtureLayer, ID: int64(i + 1), Values: fixtureFeatures()[2].Values,
			Geometry: orb.MultiPolygon{{{{x, y}, {x + 0.01, y}, {x + 0.01, y + 0.01}, {x, y + 0.01}, {x, y}}}}})
	}
	for _, crs := range export.CRSs()[1:] {
		var buf bytes.Buffer
		w, err := export.NewWriter(ctx, &buf, export.Options{Format: export.GeoJSONSeq, CRS: crs, Layers: []*export.Layer{fixtureLayer},
			Transformer: db, BatchSize: 3})
		if err != nil {
			t.Fatal(err)
		}
		for i := range fs {
			if err := w.Write(&fs[i]); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		recs := bytes.Split(bytes.TrimPrefix(buf.Bytes(), []byte{0x1e}), []byte{0x1e})
		if len(recs) != len(fs) {
			t.Fatalf("%s: %d records, want %d", crs.Name, len(recs), len(fs))
		}
		for i, rec := range recs {
			got, err := geojson.UnmarshalFeature(rec)
			if err != nil {
				t.Fatal(err)
			}
			var x, y float64
			p := fs[i].Geometry[0][0][2]
			if err := db.Pool().QueryRow(ctx, `SELECT ST_X(g), ST_Y(g) FROM spatial_ref_sys s, ST_Transform(ST_SetSRID(ST_MakePoint($1, $2), 4326), s.proj4text) g
				WHERE s.srid = $3::int`,
				p[0], p[1], crs.EPSG).Scan(&x, &y); err != nil {
				t.Fatal(err)
			}
			q := got.Geometry.(orb.MultiPolygon)[0][0][2]
			if got.ID != float64(fs[i].ID) || math.Abs(q[0]-x) > 1e-9 || math.Abs(q[1]-y) > 1e-9 {
				t.Errorf("%s record %d: id %v vertex %v, want id %d vertex (%v, %v)", crs.Name, i, got.ID, q, fs[i].ID, x, y)
			}
		}
	}
	var buf bytes.Buffer
	w, err := export.NewWriter(ctx, &buf, export.Options{Format: export.CSV, CRS: export.VN2000UTM48N, Layers: []*export.Layer{fixtureLayer},
		Transformer: failingTransformer{}, BatchSize: 2})
	if err != nil {
		t.Fatal(err)
	}
	err = nil
	for i := 0; i < len(fs) && err == nil; i++ {
		err = w.Write(&fs[i])
	}
	if err == nil {
		err = w.Close()
	}
	if err == nil {
		t.Error("a failing transform: no error")
	}
}

// TestExportAttributesGDAL: parcels' attributes, Vietnamese text, numbers,
// booleans and nulls, come back from every format as GDAL reads it: an
// object in GeoJSON, JSON text where the format has no objects (CSV,
// FlatGeobuf), {} for a parcel with none.
func TestExportAttributesGDAL(t *testing.T) {
	requireOGR(t)
	dir := t.TempDir()
	attrs := `{"MDSD":"SKC","DIA_CHI":"Lô A-12, Đường số 3, \"KCX\" Tân Thuận","GIA_TRI":12500000.5,"HOP_LE":true,"GHI_CHU":null}`
	at := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	ring := orb.Ring{{106.7, 10.7}, {106.701, 10.7}, {106.701, 10.701}, {106.7, 10.7}}
	parcels := []*zonegis.Parcel{
		{ID: 1, ZoneID: 3, LotCode: "12/45", LandUse: "industrial", Status: "available", Attributes: zonegis.Attributes(attrs),
			AreaM2: 10000, Version: 1, UpdatedAt: at, Boundary: orb.MultiPolygon{{ring}}},
		{ID: 2, ZoneID: 3, LotCode: "12/46", LandUse: "industrial", Status: "available",
			AreaM2: 10000, Version: 1, UpdatedAt: at, Boundary: orb.MultiPolygon{{ring}}},
	}
	features := make([]export.Feature, len(parcels))
	for i, p := range parcels {
		export.ParcelFeature(&features[i], p)
	}
	want := []map[string]any{{}, {}}
	if err := json.Unmarshal([]byte(attrs), &want[0]); err != nil {
		t.Fatal(err)
	}
	for _, f := range export.Formats() {
		t.Run(string(f), func(t *testing.T) {
			path := writeFile(t, dir, "parcels."+f.Ext(), export.Options{Format: f, Layers: []*export.Layer{export.Parcels}, Name: "parcels"}, features)
			fc := ogrGeoJSON(t, path)
			if len(fc.Features) != len(want) {
				t.Fatalf("%d features, want %d", len(fc.Features), len(want))
			}
			for i, got := range fc.Features {
				v := got.Properties["attributes"]
				if s, ok := v.(string); ok { // JSON text
					var m map[string]any
					if err := json.Unmarshal([]byte(s), &m); err != nil {
						t.Errorf("feature %d: attributes %q is not a JSON object: %v", i, s, err)
						continue
					}
					v = m
				}
				if !reflect.DeepEqual(v, want[i]) {
					t.Errorf("feature %d: attributes %#v (%T); want %v", i, got.Properties["attributes"], got.Properties["attributes"], want[i])
				}
			}
		})
	}
}
