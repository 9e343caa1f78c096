package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/measure"
)

// The export tests read every format back with GDAL (ogr2ogr, ogrinfo),
// the library QGIS reads files with, and compare what it finds with
// PostGIS: the same features, ids, areas and vertices.

// requireOGR checks for GDAL's tools (see pgtest.Tool).
func requireOGR(t *testing.T) {
	t.Helper()
	pgtest.Tool(t, "ogr2ogr", "gdal-bin")
	pgtest.Tool(t, "ogrinfo", "gdal-bin")
}

// dbShape is a feature as PostGIS has it.
type dbShape struct {
	areaM2 float64
	geom   orb.MultiPolygon
}

// dbShapes reads id, area and boundary (transformed to srid) of the rows
// a query selects: query must return id, area_m2, ST_AsBinary(...).
func (f *fixture) dbShapes(t *testing.T, query string, args ...any) map[int64]dbShape {
	t.Helper()
	rows, err := f.pool.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	out := map[int64]dbShape{}
	for rows.Next() {
		var id int64
		var s dbShape
		var b []byte
		if err := rows.Scan(&id, &s.areaM2, &b); err != nil {
			t.Fatal(err)
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			t.Fatal(err)
		}
		s.geom = asMulti(t, g)
		out[id] = s
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func asMulti(t *testing.T, g orb.Geometry) orb.MultiPolygon {
	t.Helper()
	switch g := g.(type) {
	case orb.MultiPolygon:
		return g
	case orb.Polygon:
		return orb.MultiPolygon{g}
	}
	t.Fatalf("geometry is a %T, want a (Multi)Polygon", g)
	return nil
}

// exportFile GETs path and saves the body as name in dir, checking status
// and Content-Type.
func (f *fixture) exportFile(t *testing.T, path, dir, name, wantType string) (string, response) {
	t.Helper()
	r := f.do(t, http.MethodGet, path, nil, nil)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: status %d: %.300s", path, r.status, r.body)
	}
	if ct := r.contentType(); ct != wantType {
		t.Errorf("GET %s: Content-Type %q, want %q", path, ct, wantType)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	return file, r
}

// ogrFeature is a feature as GDAL read it.
type ogrFeature struct {
	id    int64
	props map[string]any
	geom  orb.MultiPolygon
}

// ogrRead converts file to GeoJSON with ogr2ogr and returns its features
// and what ogrinfo says of the layer (feature count, SRS).
func ogrRead(t *testing.T, file string) ([]ogrFeature, string) {
	t.Helper()
	var open []string
	if strings.HasSuffix(file, ".csv") {
		open = []string{"-oo", "GEOM_POSSIBLE_NAMES=wkt", "-oo", "KEEP_GEOM_COLUMNS=NO"}
	}
	info, err := exec.Command("ogrinfo", append(append([]string{"-so", "-al", "-ro"}, open...), file)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo %s: %v\n%s", file, err, info)
	}
	out := file + ".ogr.geojson"
	args := append([]string{"-f", "GeoJSON", "-preserve_fid", out}, open...)
	if b, err := exec.Command("ogr2ogr", append(args, file)...).CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr %s: %v\n%s", file, err, b)
	}
	raw, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatalf("ogr2ogr output of %s: %v", file, err)
	}
	feats := make([]ogrFeature, 0, len(fc.Features))
	for _, ft := range fc.Features {
		of := ogrFeature{props: ft.Properties, geom: asMulti(t, ft.Geometry)}
		// FlatGeobuf and CSV carry the id as a property; GeoJSON as the
		// feature id, which GDAL keeps as the FID.
		idv := ft.Properties["id"]
		if idv == nil {
			idv = ft.ID
		}
		switch v := idv.(type) {
		case float64:
			of.id = int64(v)
		case string:
			of.id, err = strconv.ParseInt(v, 10, 64)
			if err != nil {
				t.Fatalf("%s: id %q", file, v)
			}
		default:
			t.Fatalf("%s: feature without id: %v", file, ft.Properties)
		}
		feats = append(feats, of)
	}
	return feats, string(info)
}

var featureCountRE = regexp.MustCompile(`Feature Count: (\d+)`)

// ogrCount is the feature count ogrinfo reports.
func ogrCount(t *testing.T, info string) int {
	t.Helper()
	m := featureCountRE.FindStringSubmatch(info)
	if m == nil {
		t.Fatalf("ogrinfo reports no feature count:\n%s", info)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// propFloat reads a numeric property that GDAL may give as a number or,
// from CSV, as text.
func propFloat(t *testing.T, p map[string]any, name string) float64 {
	t.Helper()
	switch v := p[name].(type) {
	case float64:
		return v
	case string:
		f, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatalf("property %s = %q", name, v)
		}
		return f
	}
	t.Fatalf("property %s = %v (%T)", name, p[name], p[name])
	return 0
}

// sameVertices reports the first difference between two geometries with
// a tolerance (degrees or metres), "" when they match.
func sameVertices(got, want orb.MultiPolygon, tol float64) string {
	if len(got) != len(want) {
		return fmt.Sprintf("%d polygons, want %d", len(got), len(want))
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			return fmt.Sprintf("polygon %d: %d rings, want %d", i, len(got[i]), len(want[i]))
		}
		for j := range want[i] {
			if len(got[i][j]) != len(want[i][j]) {
				return fmt.Sprintf("polygon %d ring %d: %d points, want %d", i, j, len(got[i][j]), len(want[i][j]))
			}
			for k := range want[i][j] {
				g, w := got[i][j][k], want[i][j][k]
				if math.Abs(g[0]-w[0]) > tol || math.Abs(g[1]-w[1]) > tol {
					return fmt.Sprintf("polygon %d ring %d point %d: %v, want %v", i, j, k, g, w)
				}
			}
		}
	}
	return ""
}

var exportTables = map[string]string{"zones": "zones", "parcels": "parcels", "green-areas": "green_areas"}

var exportFormats = []struct{ f, ext, mime string }{
	{"geojson", "geojson", "application/geo+json"},
	{"geojsonseq", "geojsons", "application/geo+json-seq"},
	{"csv", "csv", "text/csv; charset=utf-8"},
	{"fgb", "fgb", "application/flatgeobuf"},
}

// TestExportFormatsRoundTrip exports every collection in every format and
// reads each file back with GDAL: the same number of features as PostGIS
// has, the same ids, area_m2 exactly, vertices within 1e-9 degrees, and
// the geodesic area of the geometry read back within 1e-6 of PostGIS's.
func TestExportFormatsRoundTrip(t *testing.T) {
	f := seeded(t)
	requireOGR(t)
	dir := t.TempDir()
	for _, coll := range []string{"zones", "parcels", "green-areas"} {
		want := f.dbShapes(t, `SELECT id, area_m2, ST_AsBinary(boundary) FROM `+exportTables[coll])
		for _, ft := range exportFormats {
			t.Run(coll+"/"+ft.f, func(t *testing.T) {
				file, r := f.exportFile(t, "/collections/"+coll+"/export?f="+ft.f, dir, coll+"."+ft.ext, ft.mime)
				if got := r.header.Get("Content-Crs"); got != "<http://www.opengis.net/def/crs/OGC/1.3/CRS84>" {
					t.Errorf("Content-Crs %q", got)
				}
				if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="`+coll+"."+ft.ext+`"`) {
					t.Errorf("Content-Disposition %q", cd)
				}
				feats, info := ogrRead(t, file)
				if n := ogrCount(t, info); n != len(want) {
					t.Errorf("ogrinfo: %d features, want %d", n, len(want))
				}
				if len(feats) != len(want) {
					t.Fatalf("ogr2ogr: %d features, want %d", len(feats), len(want))
				}
				if ft.f == "fgb" && (!strings.Contains(info, `ID["EPSG",4326]`) || !strings.Contains(info, "Multi Polygon")) {
					t.Errorf("ogrinfo: FlatGeobuf not EPSG:4326 MultiPolygon:\n%.2000s", info)
				}
				var prev int64
				bad := 0
				for _, of := range feats {
					w, ok := want[of.id]
					if !ok || of.id <= prev {
						t.Fatalf("feature %d: not in PostGIS, or out of id order (after %d)", of.id, prev)
					}
					prev = of.id
					if a := propFloat(t, of.props, "area_m2"); a != w.areaM2 {
						t.Errorf("feature %d: area_m2 %v, want %v", of.id, a, w.areaM2)
						bad++
					}
					if d := sameVertices(of.geom, w.geom, 1e-9); d != "" {
						t.Errorf("feature %d: %s", of.id, d)
						bad++
					}
					if a := measure.AreaM2(of.geom); math.Abs(a-w.areaM2) > 2e-6*w.areaM2+1e-3 {
						t.Errorf("feature %d: geodesic area of the geometry read back %v m², PostGIS %v", of.id, a, w.areaM2)
						bad++
					}
					if bad > 10 {
						t.Fatal("too many differences")
					}
				}
			})
		}
	}
}

// TestExportFilters checks that an export selects what the items API
// selects for the same filters, that only the export's parameters are
// accepted, and that errors are problem documents.
func TestExportFilters(t *testing.T) {
	f := seeded(t)
	for _, q := range []string{
		"zone=SHTP&status=leased",
		"bbox=106.70,10.70,106.80,10.80",
		"bbox=106.70,10.70,106.80,10.80&land_use=industrial&min_area_ha=1",
		"board=hepza",
		"province=thanh pho ho chi minh&status=available",
	} {
		var items featureCollection
		f.getJSON(t, "/collections/parcels/items?limit=10000&"+strings.ReplaceAll(q, " ", "%20"), &items)
		r := f.do(t, http.MethodGet, "/collections/parcels/export?f=geojsonseq&"+strings.ReplaceAll(q, " ", "%20"), nil, nil)
		if r.status != http.StatusOK {
			t.Fatalf("%s: status %d %s", q, r.status, r.body)
		}
		var got []int64
		for _, rec := range bytes.Split(r.body, []byte{0x1e}) {
			if len(rec) == 0 {
				continue
			}
			if rec[len(rec)-1] != '\n' {
				t.Fatalf("%s: record does not end in LF", q)
			}
			var ft feature
			if err := json.Unmarshal(rec, &ft); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
			got = append(got, ft.ID)
		}
		if !slices.Equal(got, items.ids()) || len(got) == 0 {
			t.Errorf("%s: export ids %v differ from items %v", q, head(got), head(items.ids()))
		}
	}
	for path, code := range map[string]int{
		"/collections/parcels/export?limit=10":               http.StatusBadRequest,
		"/collections/parcels/export?f=shp":                  http.StatusBadRequest,
		"/collections/parcels/export?crs=EPSG:32648":         http.StatusBadRequest,
		"/collections/parcels/export?status=sold":            http.StatusBadRequest,
		"/collections/parcels/export?bbox=1,2,3":             http.StatusBadRequest,
		"/collections/zones/export?zone=SHTP":                http.StatusBadRequest,
		"/collections/leases/export":                         http.StatusNotFound,
		"/zones/NOPE/dossier":                                http.StatusNotFound,
		"/zones/SHTP/dossier?crs=urn:ogc:def:crs:EPSG::2000": http.StatusBadRequest,
	} {
		r := f.do(t, http.MethodGet, path, nil, nil)
		if r.status != code || r.contentType() != "application/problem+json" {
			t.Errorf("GET %s: %d %s, want %d problem+json", path, r.status, r.contentType(), code)
		}
	}
}

// TestExportCRS exports in VN-2000 / UTM 48N and 49N: GDAL reports the
// CRS, and the coordinates are PostGIS's ST_Transform.
func TestExportCRS(t *testing.T) {
	f := seeded(t)
	requireOGR(t)
	dir := t.TempDir()
	for _, c := range []struct {
		crs  string
		epsg int
		name string
	}{
		{"EPSG:3405", 3405, "VN-2000 / UTM zone 48N"},
		{"http://www.opengis.net/def/crs/EPSG/0/3406", 3406, "VN-2000 / UTM zone 49N"},
	} {
		// The row's PROJ string, EPSG:6960 everywhere (by SRID, PROJ takes
		// EPSG:5194 in Hồ Chí Minh City, 0.8 m off; see crs.CRS.PROJ).
		// The index holds the coordinates rounded to 1e-9° (index,
		// fixedgeom): the oracle is PostGIS's transform of the stored
		// boundary on that grid.
		want := f.dbShapes(t, `SELECT p.id, p.area_m2, ST_AsBinary(ST_Transform(ST_SnapToGrid(p.boundary, 1e-9), s.proj4text))
			FROM parcels p JOIN zones z ON z.id = p.zone_id, spatial_ref_sys s WHERE z.code = 'SHTP' AND s.srid = $1::int`, c.epsg)
		for _, ft := range exportFormats {
			t.Run(fmt.Sprint(c.epsg, "/", ft.f), func(t *testing.T) {
				file, r := f.exportFile(t, "/collections/parcels/export?zone=SHTP&f="+ft.f+"&crs="+c.crs, dir,
					fmt.Sprint("shtp-", c.epsg, ".", ft.ext), ft.mime)
				if got, w := r.header.Get("Content-Crs"), fmt.Sprintf("<http://www.opengis.net/def/crs/EPSG/0/%d>", c.epsg); got != w {
					t.Errorf("Content-Crs %q, want %q", got, w)
				}
				feats, info := ogrRead(t, file)
				if len(feats) != len(want) || len(want) == 0 {
					t.Fatalf("%d features, want %d", len(feats), len(want))
				}
				// GeoJSON Text Sequences and CSV cannot say their CRS:
				// the Content-Crs header does.
				if ft.f == "fgb" || ft.f == "geojson" {
					if !strings.Contains(info, fmt.Sprintf(`ID["EPSG",%d]`, c.epsg)) || !strings.Contains(info, c.name) {
						t.Errorf("ogrinfo does not report %s:\n%.1500s", c.name, info)
					}
				}
				for _, of := range feats {
					w := want[of.id]
					if d := sameVertices(of.geom, w.geom, 1e-6); d != "" {
						t.Fatalf("feature %d: %s (metres)", of.id, d)
					}
				}
			})
		}
	}
}

// TestExportGzip asks for gzip: the body is compressed and decompresses
// to the plain export.
func TestExportGzip(t *testing.T) {
	f := seeded(t)
	plain := f.do(t, http.MethodGet, "/collections/parcels/export?f=geojson", nil, nil)
	req, err := http.NewRequest(http.MethodGet, f.url+"/collections/parcels/export?f=geojson", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Accept-Encoding", "gzip")
	// A Transport with compression off leaves the body as sent.
	resp, err := (&http.Client{Transport: &http.Transport{DisableCompression: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", resp.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(body, plain.body) || len(body) < 100<<10 {
		t.Errorf("gzip body %d bytes decompressed, plain %d: differ", len(body), len(plain.body))
	}
}

// TestExportGzipEmpty asks for gzip of exports that select nothing (a box
// far from every zone): each arrives whole, as a gzip stream that ends
// properly or as a plain body, and holds what the plain export holds. An
// empty GeoJSON text sequence once came as a gzip header without its end.
func TestExportGzipEmpty(t *testing.T) {
	f := seeded(t)
	client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
	for _, format := range []string{"geojsonseq", "geojson", "csv"} {
		path := "/collections/parcels/export?bbox=0,0,1,1&f=" + format
		plain := f.do(t, http.MethodGet, path, nil, map[string]string{"Accept-Encoding": "identity"})
		req, err := http.NewRequest(http.MethodGet, f.url+path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Accept-Encoding", "gzip")
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, read: %v", path, resp.StatusCode, err)
		}
		body := raw
		if resp.Header.Get("Content-Encoding") == "gzip" {
			zr, err := gzip.NewReader(bytes.NewReader(raw))
			if err == nil {
				body, err = io.ReadAll(zr)
			}
			if err != nil {
				t.Errorf("%s: gzip body of %d bytes does not decompress: %v", path, len(raw), err)
				continue
			}
		}
		if !bytes.Equal(body, plain.body) {
			t.Errorf("%s: gzip body %q differs from plain %q", path, body, plain.body)
		}
	}
}

// TestDossier fetches a zone's dossier: the zone, its parcels and its
// green areas, each feature naming its layer, in every format.
func TestDossier(t *testing.T) {
	f := seeded(t)
	requireOGR(t)
	var zoneID int64
	var nParcels, nGreens int
	f.scalar(t, `SELECT z.id, (SELECT count(*) FROM parcels WHERE zone_id = z.id), (SELECT count(*) FROM green_areas WHERE zone_id = z.id)
		FROM zones z WHERE code = 'KCX-TAN-THUAN'`, nil, &zoneID, &nParcels, &nGreens)
	want := map[string]map[int64]dbShape{
		"zones":       f.dbShapes(t, `SELECT id, area_m2, ST_AsBinary(boundary) FROM zones WHERE id = $1`, zoneID),
		"parcels":     f.dbShapes(t, `SELECT id, area_m2, ST_AsBinary(boundary) FROM parcels WHERE zone_id = $1`, zoneID),
		"green-areas": f.dbShapes(t, `SELECT id, area_m2, ST_AsBinary(boundary) FROM green_areas WHERE zone_id = $1`, zoneID),
	}
	dir := t.TempDir()
	for _, ft := range exportFormats {
		t.Run(ft.f, func(t *testing.T) {
			path := fmt.Sprintf("/zones/%s/dossier?f=%s", map[bool]string{true: "kcx-tan-thuan", false: strconv.FormatInt(zoneID, 10)}[ft.f == "fgb"], ft.f)
			file, r := f.exportFile(t, path, dir, "dossier."+ft.ext, ft.mime)
			if cd := r.header.Get("Content-Disposition"); !strings.Contains(cd, "KCX-TAN-THUAN-dossier."+ft.ext) {
				t.Errorf("Content-Disposition %q", cd)
			}
			feats, info := ogrRead(t, file)
			if n := ogrCount(t, info); n != 1+nParcels+nGreens || nParcels == 0 || nGreens == 0 {
				t.Fatalf("%d features, want 1 zone + %d parcels + %d green areas", n, nParcels, nGreens)
			}
			seen := map[string]int{}
			order := []string{}
			for _, of := range feats {
				layer, _ := of.props["layer"].(string)
				w, ok := want[layer][of.id]
				if !ok {
					t.Fatalf("feature %d of layer %q not in the zone", of.id, layer)
				}
				if len(order) == 0 || order[len(order)-1] != layer {
					order = append(order, layer)
				}
				seen[layer]++
				if a := propFloat(t, of.props, "area_m2"); a != w.areaM2 {
					t.Errorf("%s %d: area_m2 %v, want %v", layer, of.id, a, w.areaM2)
				}
				if d := sameVertices(of.geom, w.geom, 1e-9); d != "" {
					t.Errorf("%s %d: %s", layer, of.id, d)
				}
			}
			if !slices.Equal(order, []string{"zones", "parcels", "green-areas"}) || seen["parcels"] != nParcels || seen["green-areas"] != nGreens {
				t.Errorf("layers in order %v, counts %v", order, seen)
			}
		})
	}
}
