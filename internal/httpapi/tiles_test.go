package httpapi

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/tiles"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// tileServer is the API over a one-zone, one-parcel index.
func tileServer(t *testing.T) (*Server, tiles.Tile) {
	t.Helper()
	sq := func(x, y, d float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
	}
	ix := index.New()
	ix.Load(1,
		[]*zonegis.Zone{{ID: 1, Code: "KCX-TAN-THUAN", NameVI: "Khu chế xuất Tân Thuận", Kind: zonegis.KindExportProcessingZone, Boundary: sq(106.73, 10.75, 0.02)}},
		[]*zonegis.Parcel{{ID: 7, ZoneID: 1, LotCode: "L0007", Status: zonegis.ParcelAvailable, LandUse: "industrial", AreaM2: 20000, Boundary: sq(106.735, 10.755, 0.001)}},
		nil)
	return New(Options{Index: ix, Store: httpapitest.New(ix, time.Time{}), BasemapURL: "https://tiles.example/{z}/{x}/{y}.png"}), tiles.At(orb.Point{106.7355, 10.7555}, 15)
}

func serveGet(t *testing.T, h http.Handler, target string, header ...string) *http.Response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec.Result()
}

func TestTileEndpoint(t *testing.T) {
	s, tl := tileServer(t)
	path := "/tiles/parcels/15/" + itoa(tl.X) + "/" + itoa(tl.Y)
	for _, suffix := range []string{".mvt", ""} {
		res := serveGet(t, s, path+suffix)
		body, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != tiles.ContentType || res.Header.Get("ETag") != tiles.ETag(body) {
			t.Fatalf("GET %s: %d %s etag %s", path+suffix, res.StatusCode, res.Header.Get("Content-Type"), res.Header.Get("ETag"))
		}
		ls, err := mvt.Unmarshal(body)
		if err != nil || len(ls) != 1 || ls[0].Name != "parcels" || len(ls[0].Features) != 1 || ls[0].Features[0].Properties["lot_code"] != "L0007" {
			t.Fatalf("GET %s: %v %v", path+suffix, err, ls)
		}
		if r := serveGet(t, s, path+suffix, "If-None-Match", `"x", `+res.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
			t.Errorf("If-None-Match: %d, want 304", r.StatusCode)
		}
	}
	for target, want := range map[string]int{
		"/tiles/all/15/" + itoa(tl.X) + "/" + itoa(tl.Y) + ".mvt": 200,
		"/tiles/zones/0/0/0.mvt":                                  200,
		"/tiles/roads/0/0/0.mvt":                                  404,
		"/tiles/zones/23/0/0.mvt":                                 400,
		"/tiles/zones/-1/0/0.mvt":                                 400,
		"/tiles/zones/a/0/0.mvt":                                  400,
		"/tiles/zones/1/0/0.png":                                  400,
		"/tiles/zones/1/2/0.mvt":                                  404,
		"/tiles/zones/1/0/2.mvt":                                  404,
		"/tiles/zones/0/0/0.mvt?x=1":                              400,
		"/tiles/zones/0/0/0/extra.mvt":                            400, // the router gives y "0/extra.mvt"
	} {
		res := serveGet(t, s, target)
		if res.StatusCode != want {
			t.Errorf("GET %s: %d, want %d", target, res.StatusCode, want)
		}
		if want != 200 && !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("GET %s: Content-Type %q, want problem+json", target, res.Header.Get("Content-Type"))
		}
	}
}

func TestTileJSON(t *testing.T) {
	s, _ := tileServer(t)
	for _, layer := range []string{"all", "zones.json", "parcels.json", "green-areas"} {
		res := serveGet(t, s, "/tiles/"+layer)
		var tj tiles.TileJSON
		if err := json.NewDecoder(res.Body).Decode(&tj); err != nil || res.StatusCode != 200 {
			t.Fatalf("GET /tiles/%s: %d %v", layer, res.StatusCode, err)
		}
		name := strings.TrimSuffix(layer, ".json")
		if tj.TileJSON != "3.0.0" || len(tj.Tiles) != 1 || tj.Tiles[0] != "http://example.com/tiles/"+name+"/{z}/{x}/{y}.mvt" ||
			tj.Attribution != "© OpenStreetMap contributors" || tj.Bounds != [4]float64{106.73, 10.75, 106.75, 10.77} || tj.MaxZoom != tiles.DataMaxZoom || len(tj.VectorLayers) == 0 {
			t.Errorf("GET /tiles/%s: %+v", layer, tj)
		}
	}
	if res := serveGet(t, s, "/tiles/roads.json"); res.StatusCode != 404 {
		t.Errorf("unknown layer: %d", res.StatusCode)
	}
	if res := serveGet(t, s, "/tiles/all.json?f=xml"); res.StatusCode != 400 {
		t.Errorf("f=xml: %d", res.StatusCode)
	}
}

func TestAppServed(t *testing.T) {
	s, _ := tileServer(t)
	res := serveGet(t, s, "/app")
	if res.StatusCode != http.StatusMovedPermanently || res.Header.Get("Location") != "/app/" {
		t.Errorf("GET /app: %d %s", res.StatusCode, res.Header.Get("Location"))
	}
	res = serveGet(t, s, "/app/")
	html, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(html), `id="map"`) {
		t.Fatalf("GET /app/: %d %s", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, m := range []string{".js", ".css"} {
		i := strings.Index(string(html), m+`"`)
		j := strings.LastIndex(string(html[:i]), "assets/")
		asset := string(html[j : i+len(m)])
		res := serveGet(t, s, "/app/"+asset)
		if res.StatusCode != 200 || !strings.Contains(res.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("GET /app/%s: %d %s", asset, res.StatusCode, res.Header.Get("Cache-Control"))
		}
	}
	for _, bad := range []string{"/app/assets/nope.js", "/app/assets/..%2findex.html", "/app/assets/.hidden"} {
		if res := serveGet(t, s, bad); res.StatusCode != 404 {
			t.Errorf("GET %s: %d, want 404", bad, res.StatusCode)
		}
	}
	res = serveGet(t, s, "/app/config.json")
	var cfg map[string]any
	if err := json.NewDecoder(res.Body).Decode(&cfg); err != nil || cfg["basemap_url"] != "https://tiles.example/{z}/{x}/{y}.png" {
		t.Errorf("GET /app/config.json: %v %v", cfg, err)
	}
	// The landing page links the map.
	res = serveGet(t, s, "/")
	body, _ := io.ReadAll(res.Body)
	if !strings.Contains(string(body), `"href":"http://example.com/app/","rel":"alternate","title":"Web map","type":"text/html"`) {
		t.Errorf("landing page has no link to the map: %s", body)
	}
}

func itoa(v uint32) string { return strconv.FormatUint(uint64(v), 10) }

// A shared link opens the map whatever its query string (issue 15): the
// parameters the page reads (?lang=en) and those social sites and
// campaigns add (?fbclid=, ?utm_source=) are the page's, never a 400; the
// favicon is served where browsers look for it, and the page links it.
func TestAppOpensWithAnyQuery(t *testing.T) {
	s, _ := tileServer(t)
	for _, q := range []string{"?lang=en", "?fbclid=IwAR2xH_e-Mk7Qv0", "?utm_source=facebook&utm_medium=social&utm_campaign=kcn", "?lang=en&fbclid=x&zone=1"} {
		res := serveGet(t, s, "/app/"+q)
		html, _ := io.ReadAll(res.Body)
		if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(html), `id="map"`) {
			t.Errorf("GET /app/%s: %d %s %.80s", q, res.StatusCode, res.Header.Get("Content-Type"), html)
		}
		if !strings.Contains(string(html), `rel="icon" href="/favicon.ico"`) {
			t.Errorf("GET /app/%s: the page links no favicon", q)
		}
	}
	res := serveGet(t, s, "/favicon.ico")
	ico, _ := io.ReadAll(res.Body)
	// An ICO file: reserved 0, type 1 (icon), at least one image.
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "image/x-icon" || len(ico) < 22 || string(ico[:4]) != "\x00\x00\x01\x00" || ico[4] == 0 {
		t.Errorf("GET /favicon.ico: %d %q % x", res.StatusCode, res.Header.Get("Content-Type"), ico[:min(len(ico), 8)])
	}
	// The API's own routes still refuse what they do not know.
	if res := serveGet(t, s, "/app/config.json?fbclid=x"); res.StatusCode != 400 {
		t.Errorf("GET /app/config.json?fbclid=x: %d, want 400", res.StatusCode)
	}
}

// The context tile sets, provinces and wards (issue 15): TileJSON with
// their own bounds, zooms and credit, and tiles with the units' polygons
// and name points, through the tile route and its cache (ETag, gzip).
// internal/tiles checks the tiles' geometry with GDAL.
func TestContextTileSets(t *testing.T) {
	s, _ := tileServer(t)
	for layer, minZoom := range map[string]int{"provinces": 0, "wards.json": tiles.WardsMinZoom} {
		res := serveGet(t, s, "/tiles/"+layer)
		var tj tiles.TileJSON
		if err := json.NewDecoder(res.Body).Decode(&tj); err != nil || res.StatusCode != 200 {
			t.Fatalf("GET /tiles/%s: %d %v", layer, res.StatusCode, err)
		}
		name := strings.TrimSuffix(layer, ".json")
		if len(tj.Tiles) != 1 || tj.Tiles[0] != "http://example.com/tiles/"+name+"/{z}/{x}/{y}.mvt" || tj.MinZoom != minZoom ||
			!strings.Contains(tj.Attribution, "MIT") || len(tj.VectorLayers) != 2 || tj.VectorLayers[0].ID != name || tj.Bounds[1] > 11 || tj.Bounds[3] < 20.5 {
			t.Errorf("GET /tiles/%s: %+v", layer, tj)
		}
	}
	for target, want := range map[string]string{
		"/tiles/provinces/5/25/14.mvt": "Hà Nội",
		"/tiles/wards/12/3262/1924":    "Sài Gòn",
	} {
		res := serveGet(t, s, target, "Accept-Encoding", "gzip")
		if res.StatusCode != 200 || res.Header.Get("Content-Type") != tiles.ContentType || res.Header.Get("ETag") == "" || res.Header.Get("Content-Encoding") != "gzip" {
			t.Fatalf("GET %s: %d %v", target, res.StatusCode, res.Header)
		}
		gz, _ := io.ReadAll(res.Body)
		body, err := mvtGunzip(gz)
		if err != nil {
			t.Fatal(err)
		}
		ls, err := mvt.Unmarshal(body)
		if err != nil || len(ls) != 2 {
			t.Fatalf("GET %s: %d layers, %v", target, len(ls), err)
		}
		names := map[string]bool{}
		for _, f := range ls[1].Features {
			names[f.Properties.MustString("name_vi", "")] = true
		}
		if !names[want] {
			t.Errorf("GET %s: layer %s has no %s: %v", target, ls[1].Name, want, names)
		}
	}
	if res := serveGet(t, s, "/tiles/wards/7/101/56"); res.StatusCode != 200 || res.ContentLength > 0 {
		t.Errorf("wards below zoom %d: %d, %d bytes; want an empty tile", tiles.WardsMinZoom, res.StatusCode, res.ContentLength)
	}
}

func mvtGunzip(b []byte) ([]byte, error) {
	r, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}
