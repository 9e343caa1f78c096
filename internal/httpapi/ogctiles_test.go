package httpapi

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/tiles"
)

// getDoc GETs target from h and decodes its JSON into v.
func getDoc(t *testing.T, h http.Handler, target string, v any) {
	t.Helper()
	res := serveGet(t, h, target)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("GET %s: %d %s", target, res.StatusCode, res.Header.Get("Content-Type"))
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
}

// linkOf is the href of the first link with rel in links.
func linkOf(links []tiles.Link, rel string) (tiles.Link, bool) {
	for _, l := range links {
		if l.Rel == rel {
			return l, true
		}
	}
	return tiles.Link{}, false
}

// TestOGCTileSets: OGC API - Tiles is reachable by links alone, from the
// landing page and each collection to the tile set lists, from a list to
// the WebMercatorQuad tile set, and from it to the tile matrix set and the
// tile template; a tile from the template is the /tiles tile, byte for
// byte, with its ETag, 304 and gzip; what lies outside the tile set is 404,
// what is not a number 400.
func TestOGCTileSets(t *testing.T) {
	s, tl := tileServer(t)
	base := "http://example.com"
	var landing struct{ Links []tiles.Link }
	getDoc(t, s, "/", &landing)
	var conf struct{ ConformsTo []string }
	getDoc(t, s, "/conformance", &conf)
	for _, c := range []string{"core", "tileset", "tilesets-list", "dataset-tilesets", "geodata-tilesets", "mvt"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/"+c) {
			t.Errorf("conformance lacks tiles %s: %v", c, conf.ConformsTo)
		}
	}
	if l, ok := linkOf(landing.Links, tiles.RelTilingSchemes); !ok || l.Href != base+"/tileMatrixSets" {
		t.Errorf("landing page: tiling-schemes link %+v", l)
	}
	lists := map[string]string{"all": ""}
	if l, ok := linkOf(landing.Links, tiles.RelTilesetsVector); ok {
		lists["all"] = l.Href
	}
	for _, c := range []string{"zones", "parcels", "green-areas"} {
		var col struct{ Links []tiles.Link }
		getDoc(t, s, "/collections/"+c, &col)
		l, _ := linkOf(col.Links, tiles.RelTilesetsVector)
		lists[c] = l.Href
	}
	for layer, list := range lists {
		want := base + "/collections/" + layer + "/tiles"
		if layer == "all" {
			want = base + "/tiles"
		}
		if list != want {
			t.Fatalf("%s: tilesets-vector link %q, want %q", layer, list, want)
		}
		var doc struct{ Tilesets []tiles.Tileset }
		getDoc(t, s, strings.TrimPrefix(list, base), &doc)
		if len(doc.Tilesets) != 1 || doc.Tilesets[0].DataType != "vector" || doc.Tilesets[0].CRS != tiles.EPSG3857URI ||
			doc.Tilesets[0].TileMatrixSetURI != tiles.WebMercatorQuadURI {
			t.Fatalf("%s: tile sets %+v", list, doc.Tilesets)
		}
		self, _ := linkOf(doc.Tilesets[0].Links, "self")
		var ts tiles.Tileset
		getDoc(t, s, strings.TrimPrefix(self.Href, base), &ts)
		scheme, _ := linkOf(ts.Links, tiles.RelTilingScheme)
		item, _ := linkOf(ts.Links, "item")
		if scheme.Href != base+"/tileMatrixSets/WebMercatorQuad" || item.Type != tiles.ContentType || !item.Templated ||
			len(ts.TileMatrixSetLimits) != tiles.MaxZoom+1 || ts.BoundingBox == nil || len(ts.Layers) == 0 {
			t.Fatalf("%s: tile set %+v", self.Href, ts)
		}
		// The limits at z15 hold the test's tile (the data is in it).
		l := ts.TileMatrixSetLimits[15]
		if l.TileMatrix != "15" || tl.Y < l.MinTileRow || tl.Y > l.MaxTileRow || tl.X < l.MinTileCol || tl.X > l.MaxTileCol {
			t.Fatalf("%s: limits %+v do not hold %v", self.Href, l, tl)
		}
		url := strings.NewReplacer("{tileMatrix}", "15", "{tileRow}", itoa(tl.Y), "{tileCol}", itoa(tl.X)).Replace(strings.TrimPrefix(item.Href, base))
		want = "/tiles/" + layer + "/15/" + itoa(tl.X) + "/" + itoa(tl.Y) + ".mvt"
		for _, enc := range []string{"", "gzip"} {
			got, ref := serveGet(t, s, url, "Accept-Encoding", enc), serveGet(t, s, want, "Accept-Encoding", enc)
			gb, _ := io.ReadAll(got.Body)
			rb, _ := io.ReadAll(ref.Body)
			if got.StatusCode != 200 || !bytes.Equal(gb, rb) || got.Header.Get("ETag") != ref.Header.Get("ETag") ||
				got.Header.Get("Content-Type") != tiles.ContentType || got.Header.Get("Content-Encoding") != ref.Header.Get("Content-Encoding") {
				t.Fatalf("GET %s (%q): %d %d bytes %q, want the %d bytes of %s (%q)", url, enc, got.StatusCode, len(gb), got.Header.Get("Content-Encoding"), len(rb), want, ref.Header.Get("Content-Encoding"))
			}
			if r := serveGet(t, s, url, "If-None-Match", got.Header.Get("ETag"), "Accept-Encoding", enc); r.StatusCode != http.StatusNotModified {
				t.Errorf("GET %s If-None-Match: %d", url, r.StatusCode)
			}
		}
		if layer == "parcels" && len(rbOf(t, s, want)) < 10 {
			t.Errorf("%s: the test tile is empty", want)
		}
	}
	tile := "/collections/parcels/tiles/WebMercatorQuad/"
	for target, want := range map[string]int{
		tile + "15/" + itoa(tl.Y) + "/" + itoa(tl.X):   200,
		tile + "15/" + itoa(tl.Y+9) + "/" + itoa(tl.X): 404, // outside the limits: no data there
		tile + "0/0/0":       200,
		tile + "0/0/1":       404,
		tile + "0/1/0":       404,
		tile + "23/0/0":      404, // beyond the tile set's deepest matrix
		tile + "99/0/0":      404,
		tile + "07/0/0":      404, // not a tile matrix id
		tile + "x/0/0":       404,
		tile + "0/a/0":       400,
		tile + "0/0/-1":      400,
		tile + "0/0/0?f=mvt": 400,
		"/collections/roads/tiles/WebMercatorQuad/0/0/0": 404,
		"/collections/roads/tiles":                       404,
		"/collections/parcels/tiles/WorldCRS84Quad":      404,
		"/tiles?f=xml":                   400,
		"/tiles/WebMercatorQuad/0/0/0":   200,
		"/tileMatrixSets":                200,
		"/tileMatrixSets/WorldCRS84Quad": 404,
	} {
		res := serveGet(t, s, target)
		if res.StatusCode != want {
			b, _ := io.ReadAll(res.Body)
			t.Errorf("GET %s: %d, want %d: %s", target, res.StatusCode, want, b)
		} else if want != 200 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("GET %s: Content-Type %q, want problem+json", target, res.Header.Get("Content-Type"))
		}
	}
}

func rbOf(t *testing.T, h http.Handler, target string) []byte {
	b, _ := io.ReadAll(serveGet(t, h, target).Body)
	return b
}

// TestTileMatrixSetAgainstPROJ: the corners of tiles computed from the
// served WebMercatorQuad definition (point of origin, cell size, tile
// size), converted to lon/lat by PROJ's cs2cs, are those of the tiles the
// server renders (tiles.Tile.Bound), and the scale denominators are the
// standard's (OGC 17-083r4 Annex D.1: z0 559082264.0287178).
func TestTileMatrixSetAgainstPROJ(t *testing.T) {
	pgtest.Tool(t, "cs2cs", "proj-bin")
	s, _ := tileServer(t)
	var tms tiles.TileMatrixSet
	getDoc(t, s, "/tileMatrixSets/WebMercatorQuad", &tms)
	if tms.ID != "WebMercatorQuad" || tms.URI != tiles.WebMercatorQuadURI || tms.CRS != tiles.EPSG3857URI || len(tms.TileMatrices) != 25 {
		t.Fatalf("tile matrix set %+v", tms)
	}
	if d := tms.TileMatrices[0].ScaleDenominator; math.Abs(d-559082264.0287178) > 1e-6 {
		t.Errorf("z0 scale denominator %v", d)
	}
	cases := []tiles.Tile{{Z: 0}, {Z: 5, X: 25, Y: 15}, {Z: 15, X: 26098, Y: 15398}, {Z: 22, X: 3340600, Y: 1970900}}
	var in strings.Builder
	for _, c := range cases {
		m := tms.TileMatrices[c.Z]
		if m.ID != strconv.Itoa(int(c.Z)) || m.MatrixWidth != 1<<c.Z || m.CornerOfOrigin != "topLeft" {
			t.Fatalf("tile matrix %d: %+v", c.Z, m)
		}
		side := m.CellSize * float64(m.TileWidth)
		fmt.Fprintf(&in, "%.6f %.6f\n", m.PointOfOrigin[0]+float64(c.X)*side, m.PointOfOrigin[1]-float64(c.Y)*side)
		fmt.Fprintf(&in, "%.6f %.6f\n", m.PointOfOrigin[0]+float64(c.X+1)*side, m.PointOfOrigin[1]-float64(c.Y+1)*side)
	}
	cmd := exec.Command("cs2cs", "-f", "%.9f", "EPSG:3857", "OGC:CRS84")
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs: %v", err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	for i, c := range cases {
		b := c.Bound(0)
		for j, want := range []orb.Point{{b.Min[0], b.Max[1]}, {b.Max[0], b.Min[1]}} {
			var lon, lat float64
			if _, err := fmt.Sscan(lines[2*i+j], &lon, &lat); err != nil {
				t.Fatalf("cs2cs line %q: %v", lines[2*i+j], err)
			}
			if math.Abs(lon-want[0]) > 1e-7 || math.Abs(lat-want[1]) > 1e-7 {
				t.Errorf("tile %v corner %d: TMS gives %.9f %.9f, the renderer %.9f %.9f", c, j, lon, lat, want[0], want[1])
			}
		}
	}
}

// TestOGCTileReadByGDAL: GDAL's MVT driver reads the OGC tile, placed by
// the tile set's own tile matrix (its origin and cell size given to GDAL
// as the tile's georeferencing), and finds the parcel where it is.
func TestOGCTileReadByGDAL(t *testing.T) {
	pgtest.Tool(t, "ogrinfo", "gdal-bin")
	s, tl := tileServer(t)
	var tms tiles.TileMatrixSet
	getDoc(t, s, "/tileMatrixSets/WebMercatorQuad", &tms)
	m := tms.TileMatrices[15]
	side := m.CellSize * float64(m.TileWidth)
	body := rbOf(t, s, "/collections/parcels/tiles/WebMercatorQuad/15/"+itoa(tl.Y)+"/"+itoa(tl.X))
	file := filepath.Join(t.TempDir(), "tile.mvt")
	if err := os.WriteFile(file, body, 0o644); err != nil {
		t.Fatal(err)
	}
	// ogr2ogr reprojects what the MVT driver read (EPSG:3857) to lon/lat.
	out, err := exec.Command("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", "-s_srs", tms.CRS, "-t_srs", "EPSG:4326", "-lco", "COORDINATE_PRECISION=7",
		"-oo", fmt.Sprintf("@GEOREF_TOPX=%.9f", m.PointOfOrigin[0]+float64(tl.X)*side),
		"-oo", fmt.Sprintf("@GEOREF_TOPY=%.9f", m.PointOfOrigin[1]-float64(tl.Y)*side),
		"-oo", fmt.Sprintf("@GEOREF_TILEDIMX=%.9f", side), "-oo", fmt.Sprintf("@GEOREF_TILEDIMY=%.9f", side), file, "parcels").CombinedOutput()
	if err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, out)
	}
	var fc struct {
		Features []struct {
			Properties map[string]any
			Geometry   struct{ Coordinates json.RawMessage }
		}
	}
	if err := json.Unmarshal(out, &fc); err != nil || len(fc.Features) != 1 || fc.Features[0].Properties["lot_code"] != "L0007" {
		t.Fatalf("ogr2ogr read %v (%v):\n%s", fc.Features, err, out)
	}
	// The parcel is the square 106.735..106.736 x 10.755..10.756; at z15
	// a tile unit (1/4096 of the tile) is about 0.3 m, 3e-6 degrees.
	var b orb.Bound
	nums := strings.FieldsFunc(string(fc.Features[0].Geometry.Coordinates), func(r rune) bool { return strings.ContainsRune("[], \n", r) })
	for i := 0; i+1 < len(nums); i += 2 {
		lon, _ := strconv.ParseFloat(nums[i], 64)
		lat, _ := strconv.ParseFloat(nums[i+1], 64)
		if i == 0 {
			b = orb.Point{lon, lat}.Bound()
		}
		b = b.Extend(orb.Point{lon, lat})
	}
	want := orb.Bound{Min: orb.Point{106.735, 10.755}, Max: orb.Point{106.736, 10.756}}
	for k, d := range []float64{b.Min[0] - want.Min[0], b.Min[1] - want.Min[1], b.Max[0] - want.Max[0], b.Max[1] - want.Max[1]} {
		if math.Abs(d) > 1e-5 {
			t.Fatalf("parcel bound %v, want %v (coordinate %d off by %g)", b, want, k, d)
		}
	}
}

// TestQGISRendersOGCTiles: QGIS 3.22 (headless PyQGIS) draws a vector
// tile layer from the collection's OGC tile template: pixels where the
// parcel is, none where the zone has no parcel, and every tile it asked
// for came from the OGC route.
func TestQGISRendersOGCTiles(t *testing.T) {
	const python = "/usr/bin/python3" // Debian's, with python3-qgis
	if out, err := exec.Command(python, "-c", "import qgis.core").CombinedOutput(); err != nil {
		t.Fatalf("PyQGIS is needed (python3-qgis for %s): %v\n%s", python, err, out)
	}
	s, _ := tileServer(t)
	var mu sync.Mutex
	paths := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		paths[r.URL.Path]++
		mu.Unlock()
		s.ServeHTTP(w, r)
	}))
	defer srv.Close()
	tmpl := srv.URL + "/collections/parcels/tiles/WebMercatorQuad/{z}/{y}/{x}"
	// The parcel is 106.735..106.736 x 10.755..10.756: one map over it, one
	// over a part of the zone without parcels.
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, python, "testdata/qgis_vectortile.py", tmpl,
		"106.7345", "10.7545", "106.7365", "10.7565", "106.741", "10.761", "106.743", "10.763")
	cmd.Env = append(os.Environ(), "QT_QPA_PLATFORM=offscreen", "XDG_RUNTIME_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	var drawn []int
	for _, line := range strings.Split(string(out), "\n") {
		if v, ok := strings.CutPrefix(line, "DRAWN "); ok {
			n, _ := strconv.Atoi(v)
			drawn = append(drawn, n)
		}
	}
	if len(drawn) != 2 {
		t.Fatalf("QGIS: %v\n%s", err, out)
	}
	if drawn[0] < 100 {
		t.Errorf("QGIS drew %d pixels over the parcel, want it drawn\n%s", drawn[0], out)
	}
	if drawn[1] != 0 {
		t.Errorf("QGIS drew %d pixels where there is no parcel", drawn[1])
	}
	mu.Lock()
	defer mu.Unlock()
	ogc := 0
	for p, n := range paths {
		if strings.HasPrefix(p, "/collections/parcels/tiles/WebMercatorQuad/") {
			ogc += n
		} else {
			t.Errorf("QGIS asked for %s", p)
		}
	}
	if ogc == 0 {
		t.Error("QGIS asked for no OGC tile")
	}
}
