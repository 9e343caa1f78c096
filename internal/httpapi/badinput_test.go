package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/geojsontest"
)

// checkProblem checks that r is an RFC 9457 problem with the given status:
// media type application/problem+json, a JSON body whose status is the
// HTTP status, and a detail to act on.
func checkProblem(t *testing.T, what string, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Errorf("%s: status %d, want %d; body %.300s", what, r.status, status, r.body)
	}
	if ct := r.contentType(); ct != "application/problem+json" {
		t.Errorf("%s: Content-Type %q, want application/problem+json", what, ct)
	}
	var p struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Errorf("%s: body is not JSON: %v: %.300s", what, err, r.body)
		return
	}
	if p.Status != r.status {
		t.Errorf("%s: problem status %d, HTTP status %d", what, p.Status, r.status)
	}
	if strings.TrimSpace(p.Detail) == "" || p.Title == "" || p.Type == "" {
		t.Errorf("%s: problem lacks type, title or detail: %s", what, r.body)
	}
}

// TestBadInput sends malformed requests and wants the right 4xx, always as
// problem+json, never a 500.
func TestBadInput(t *testing.T) {
	f := seeded(t)
	const items = "/collections/parcels/items"
	const sites = "/query/sites?lon=106.75&lat=10.8"
	big := strings.Repeat(" ", 9<<20) + polygonJSON(ring{{106.7, 10.7}, {106.71, 10.7}, {106.71, 10.71}, {106.7, 10.7}})
	cases := []struct {
		name, method, path, body string
		status                   int
	}{
		{"bbox of 3 numbers", "GET", items + "?bbox=106,10,107", "", 400},
		{"bbox of 5 numbers", "GET", items + "?bbox=106,10,107,11,12", "", 400},
		{"bbox of words", "GET", items + "?bbox=a,b,c,d", "", 400},
		{"bbox empty parts", "GET", items + "?bbox=,,,", "", 400},
		{"bbox NaN", "GET", items + "?bbox=NaN,10,107,11", "", 400},
		{"bbox Inf", "GET", items + "?bbox=106,10,Inf,11", "", 400},
		{"bbox -Infinity", "GET", items + "?bbox=-Infinity,10,107,11", "", 400},
		{"bbox overflow", "GET", items + "?bbox=106,10,1e999,11", "", 400},
		{"bbox lon 181", "GET", items + "?bbox=106,10,181,11", "", 400},
		{"bbox lat -91", "GET", items + "?bbox=106,-91,107,11", "", 400},
		{"bbox minLat > maxLat", "GET", items + "?bbox=106,11,107,10", "", 400},
		{"bbox-crs other", "GET", items + "?bbox=106,10,107,11&bbox-crs=EPSG:9210", "", 400},
		{"f=xml on items", "GET", items + "?f=xml", "", 400},
		{"limit 0", "GET", items + "?limit=0", "", 400},
		{"limit -1", "GET", items + "?limit=-1", "", 400},
		{"limit 1e9", "GET", items + "?limit=1e9", "", 400},
		{"limit abc", "GET", items + "?limit=abc", "", 400},
		{"offset -1", "GET", items + "?offset=-1", "", 400},
		{"offset abc", "GET", items + "?offset=abc", "", 400},
		{"unknown parameter", "GET", items + "?colour=red", "", 400},
		{"parameter of another collection", "GET", "/collections/zones/items?zone=SHTP", "", 400},
		{"repeated parameter", "GET", items + "?limit=10&limit=20", "", 400},
		{"repeated filter", "GET", items + "?status=leased&status=available", "", 400},
		{"unknown collection", "GET", "/collections/roads", "", 404},
		{"unknown collection items", "GET", "/collections/roads/items", "", 404},
		{"unknown collection item", "GET", "/collections/roads/items/1", "", 404},
		{"unknown id", "GET", items + "/987654321", "", 404},
		{"id 0", "GET", items + "/0", "", 404},
		{"id -1", "GET", items + "/-1", "", 404},
		{"id abc", "GET", items + "/abc", "", 404},
		{"id huge", "GET", items + "/99999999999999999999999999", "", 404},
		{"id fractional", "GET", items + "/1.5", "", 404},
		{"item unknown parameter", "GET", items + "/1?limit=3", "", 400},
		{"min area over max", "GET", items + "?min_area_ha=5&max_area_ha=1", "", 400},
		{"negative min area", "GET", items + "?min_area_ha=-1", "", 400},
		{"negative max area", "GET", items + "?max_area_ha=-0.5", "", 400},
		{"area NaN", "GET", items + "?min_area_ha=NaN", "", 400},
		{"area word", "GET", items + "?max_area_ha=big", "", 400},
		{"unknown status", "GET", items + "?status=sold", "", 400},
		{"status in capitals", "GET", items + "?status=AVAILABLE", "", 400},
		{"unknown land use", "GET", items + "?land_use=farming", "", 400},
		{"unknown green kind", "GET", "/collections/green-areas/items?kind=forest", "", 400},
		{"unknown zone kind", "GET", "/collections/zones/items?kind=park", "", 400},
		{"unknown zone status", "GET", "/collections/zones/items?status=closed", "", 400},
		{"unknown zone model", "GET", "/collections/zones/items?model=x", "", 400},
		{"unknown zone code", "GET", items + "?zone=KCN-NOWHERE", "", 400},
		{"unknown zone id", "GET", items + "?zone=987654", "", 400},
		{"unknown parent", "GET", "/collections/zones/items?parent=NOWHERE", "", 400},
		{"collections unknown parameter", "GET", "/collections?limit=1", "", 400},
		{"landing unknown parameter", "GET", "/?x=1", "", 400},
		{"at without lat", "GET", "/query/at?lon=106.75", "", 400},
		{"at without anything", "GET", "/query/at", "", 400},
		{"at lat 91", "GET", "/query/at?lon=106.75&lat=91", "", 400},
		{"at lon -180.5", "GET", "/query/at?lon=-180.5&lat=10", "", 400},
		{"at lon x", "GET", "/query/at?lon=x&lat=10.8", "", 400},
		{"at lat NaN", "GET", "/query/at?lon=106.75&lat=NaN", "", 400},
		{"at unknown parameter", "GET", "/query/at?lon=106.75&lat=10.8&radius_m=5", "", 400},
		{"sites radius 0", "GET", sites + "&radius_m=0", "", 400},
		{"sites radius negative", "GET", sites + "&radius_m=-5", "", 400},
		{"sites radius huge", "GET", sites + "&radius_m=1e9", "", 400},
		{"sites radius NaN", "GET", sites + "&radius_m=NaN", "", 400},
		{"sites limit 0", "GET", sites + "&limit=0", "", 400},
		{"sites limit 1001", "GET", sites + "&limit=1001", "", 400},
		{"sites limit word", "GET", sites + "&limit=ten", "", 400},
		{"sites unknown land use", "GET", sites + "&land_use=farming", "", 400},
		{"sites unknown status", "GET", sites + "&status=sold", "", 400},
		{"sites min area over max", "GET", sites + "&min_area_ha=3&max_area_ha=2", "", 400},
		{"sites without point", "GET", "/query/sites?radius_m=100", "", 400},
		{"intersects empty body", "POST", "/query/intersects", "", 400},
		{"intersects blank body", "POST", "/query/intersects", " \n\t ", 400},
		{"intersects invalid JSON", "POST", "/query/intersects", `{"type":"Polygon","coordinates":[[[`, 400},
		{"intersects JSON array", "POST", "/query/intersects", `[1,2,3]`, 400},
		{"intersects JSON null", "POST", "/query/intersects", `null`, 400},
		{"intersects Point", "POST", "/query/intersects", `{"type":"Point","coordinates":[106.75,10.8]}`, 400},
		{"intersects LineString", "POST", "/query/intersects", `{"type":"LineString","coordinates":[[106.75,10.8],[106.76,10.81]]}`, 400},
		{"intersects GeometryCollection", "POST", "/query/intersects", `{"type":"GeometryCollection","geometries":[]}`, 400},
		{"intersects unknown type", "POST", "/query/intersects", `{"type":"Circle","coordinates":[106.75,10.8]}`, 400},
		{"intersects unclosed ring", "POST", "/query/intersects",
			`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.71]]]}`, 400},
		{"intersects ring of 3 positions", "POST", "/query/intersects",
			`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.7,10.7]]]}`, 400},
		{"intersects polygon without rings", "POST", "/query/intersects", `{"type":"Polygon","coordinates":[]}`, 400},
		{"intersects empty multipolygon", "POST", "/query/intersects", `{"type":"MultiPolygon","coordinates":[]}`, 400},
		{"intersects multipolygon with an empty polygon", "POST", "/query/intersects", `{"type":"MultiPolygon","coordinates":[[]]}`, 400},
		{"intersects lon out of range", "POST", "/query/intersects",
			`{"type":"Polygon","coordinates":[[[106.7,10.7],[186.71,10.7],[106.71,10.71],[106.7,10.7]]]}`, 400},
		{"intersects lat out of range", "POST", "/query/intersects",
			`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,-95],[106.71,10.71],[106.7,10.7]]]}`, 400},
		{"intersects 1e999", "POST", "/query/intersects",
			`{"type":"Polygon","coordinates":[[[106.7,10.7],[1e999,10.7],[106.71,10.71],[106.7,10.7]]]}`, 400},
		{"intersects coordinate as string", "POST", "/query/intersects",
			`{"type":"Polygon","coordinates":[[[106.7,10.7],["106.71",10.7],[106.71,10.71],[106.7,10.7]]]}`, 400},
		{"intersects Feature without geometry", "POST", "/query/intersects", `{"type":"Feature","properties":{}}`, 400},
		{"intersects Feature with null geometry", "POST", "/query/intersects", `{"type":"Feature","geometry":null,"properties":{}}`, 400},
		{"intersects Feature with a Point", "POST", "/query/intersects", `{"type":"Feature","geometry":{"type":"Point","coordinates":[106.75,10.8]}}`, 400},
		{"intersects FeatureCollection", "POST", "/query/intersects", `{"type":"FeatureCollection","features":[]}`, 400},
		{"intersects unknown collection", "POST", "/query/intersects?collections=roads",
			polygonJSON(ring{{106.7, 10.7}, {106.71, 10.7}, {106.71, 10.71}, {106.7, 10.7}}), 400},
		{"intersects body over 8 MiB", "POST", "/query/intersects", big, 413},
		{"intersects over 100000 vertices", "POST", "/query/intersects", geojsontest.PolygonOfN(100001), 413},
		{"unknown route", "GET", "/nothing/here", "", 404},
		{"unknown route under a collection", "GET", "/collections/parcels/things", "", 404},
		{"POST on a GET route", "POST", "/collections", "{}", 405},
		{"DELETE on the collection list", "DELETE", "/collections", "", 405},
		{"PATCH on items", "PATCH", items, "{}", 405},
		{"POST on sites", "POST", sites, "", 405},
		{"PUT on items", "PUT", items, "{}", 405},
		{"GET on intersects", "GET", "/query/intersects", "", 405},
		{"POST on at", "POST", "/query/at?lon=106.75&lat=10.8", "", 405},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var body io.Reader
			if c.body != "" {
				body = strings.NewReader(c.body)
			}
			r := f.do(t, c.method, c.path, body, map[string]string{"Content-Type": "application/geo+json"})
			checkProblem(t, fmt.Sprintf("%s %.120s", c.method, c.path), r, c.status)
		})
	}
}

// TestBadInputLimitsAreInclusive checks the edges just inside the bounds
// the table above steps over.
func TestBadInputLimitsAreInclusive(t *testing.T) {
	f := seeded(t)
	for _, path := range []string{
		"/collections/parcels/items?limit=10000",
		"/collections/parcels/items?limit=1&offset=0",
		"/collections/parcels/items?bbox=-180,-90,180,90",
		"/collections/parcels/items?min_area_ha=1&max_area_ha=1",
		"/query/at?lon=180&lat=-90",
		"/query/sites?lon=106.75&lat=10.8&radius_m=200000&limit=1000",
		"/query/sites?lon=106.75&lat=10.8&radius_m=0.001&limit=1",
	} {
		if r := f.do(t, http.MethodGet, path, nil, nil); r.status != http.StatusOK {
			t.Errorf("GET %s: status %d, want 200: %.300s", path, r.status, r.body)
		}
	}
	// Exactly MaxQueryVertices vertices is allowed.
	r := f.do(t, http.MethodPost, "/query/intersects?collections=zones", strings.NewReader(geojsontest.PolygonOfN(100000)), nil)
	if r.status != http.StatusOK {
		t.Errorf("100000 vertices: status %d: %.300s", r.status, r.body)
	}
}

// TestBadInputChunkedBody sends an over-size body without Content-Length,
// so the limit must be enforced while reading.
func TestBadInputChunkedBody(t *testing.T) {
	f := seeded(t)
	body := io.MultiReader(strings.NewReader(`{"type":"Polygon","coordinates":[[[106.7,10.7]`),
		strings.NewReader(strings.Repeat(",[106.7,10.7]", (9<<20)/13)), strings.NewReader(`]]}`))
	r := f.do(t, http.MethodPost, "/query/intersects", body, nil)
	checkProblem(t, "chunked 9 MiB body", r, http.StatusRequestEntityTooLarge)
}

// TestBadInputGzipBomb posts a small gzip body that inflates past the 8 MiB
// body limit: the limit must hold for what the handler reads, not just for
// the bytes on the wire.
func TestBadInputGzipBomb(t *testing.T) {
	f := seeded(t)
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	io.WriteString(zw, strings.Repeat(" ", 24<<20))
	io.WriteString(zw, polygonJSON(ring{{106.7, 10.7}, {106.71, 10.7}, {106.71, 10.71}, {106.7, 10.7}}))
	zw.Close()
	n := zb.Len()
	if n > 1<<20 {
		t.Fatalf("compressed body is %d bytes", n)
	}
	r := f.do(t, http.MethodPost, "/query/intersects", &zb, map[string]string{"Content-Encoding": "gzip"})
	checkProblem(t, fmt.Sprintf("gzip body of %d bytes inflating to 24 MiB", n), r, http.StatusRequestEntityTooLarge)
}

// TestBadInputOffsetOverflow: an offset near the largest int must give an
// empty page (or a 400), not a panic.
func TestBadInputOffsetOverflow(t *testing.T) {
	f := seeded(t)
	for _, off := range []string{"9223372036854775807", "9223372036854775000"} {
		path := "/collections/parcels/items?offset=" + off
		r := f.do(t, http.MethodGet, path, nil, nil)
		switch r.status {
		case http.StatusOK:
			var fc featureCollection
			if err := json.Unmarshal(r.body, &fc); err != nil || len(fc.Features) != 0 {
				t.Errorf("GET %s: %v, %d features", path, err, len(fc.Features))
			}
		case http.StatusBadRequest:
			checkProblem(t, "GET "+path, r, http.StatusBadRequest)
		default:
			t.Errorf("GET %s: status %d, want 200 (empty page) or 400: %.300s", path, r.status, r.body)
		}
	}
}

// TestBadInputFuzz sends random query strings to the items endpoints: the
// answer is a 200 GeoJSON page or a 4xx problem, never a 500.
func TestBadInputFuzz(t *testing.T) {
	f := seeded(t)
	rng := rand.New(rand.NewPCG(9, 10))
	keys := []string{"bbox", "bbox-crs", "limit", "offset", "f", "zone", "board", "province", "status", "land_use",
		"kind", "model", "parent", "q", "min_area_ha", "max_area_ha", "colour", "", "limit[]", "bbox ", "ZONE"}
	values := []string{"", " ", "0", "1", "-1", "100", "10000", "10001", "9223372036854775807", "-9223372036854775808",
		"99999999999999999999", "1e308", "-1e308", "1e-320", "NaN", "Inf", "-Inf", "+5", "0x10", "1_000", "١٢٣",
		"106.7,10.7,106.8,10.9", "106.8,10.7,106.7,10.9", "-180,-90,180,90", "180,90,-180,-90", "1,2,3", "1,2,3,4,5,6",
		",,,", "a,b,c,d", "106.7,10.7,106.8,10.9,1,2", "SHTP", "shtp", "hepza", "available", "leased", "industrial",
		"park", "Thành phố Hồ Chí Minh", "thanh pho ho chi minh", "Tân Thuận", "%", "%%", "\x00", "\xff\xfe", "'; DROP TABLE zones; --",
		"<script>", "json", "geojson", "html", "http://www.opengis.net/def/crs/OGC/1.3/CRS84", strings.Repeat("9", 400),
		strings.Repeat("a,", 2000)}
	collections := []string{"zones", "parcels", "green-areas", "roads", ""}
	for i := range 1500 {
		q := url.Values{}
		for range rng.IntN(5) {
			k := keys[rng.IntN(len(keys))]
			q.Add(k, values[rng.IntN(len(values))])
		}
		coll := collections[rng.IntN(len(collections))]
		path := "/collections/" + coll + "/items"
		if i%5 == 0 {
			path += "/" + url.PathEscape(values[rng.IntN(len(values))])
		}
		path += "?" + q.Encode()
		r := f.do(t, http.MethodGet, path, nil, nil)
		switch {
		case r.status == http.StatusOK || r.status == http.StatusNotModified:
			if !json.Valid(r.body) {
				t.Errorf("GET %s: 200 with a body that is not JSON: %.200s", path, r.body)
			}
		case r.status >= 400 && r.status < 500:
			checkProblem(t, "GET "+path, r, r.status)
		default:
			t.Errorf("GET %s: status %d: %.300s", path, r.status, r.body)
		}
	}
}

// TestBadInputBadGzip posts bodies declared as gzip that are not, or are
// cut short: the client's mistake, a 400, not a 500 or a 413.
func TestBadInputBadGzip(t *testing.T) {
	f := seeded(t)
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	io.WriteString(zw, polygonJSON(ring{{106.7, 10.7}, {106.71, 10.7}, {106.71, 10.71}, {106.7, 10.7}}))
	zw.Close()
	whole := zb.Bytes()
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"not gzip", []byte(`{"type":"Polygon"}`)},
		{"gzip cut in half", whole[:len(whole)/2]},
	} {
		r := f.do(t, http.MethodPost, "/query/intersects", bytes.NewReader(c.body), map[string]string{"Content-Encoding": "gzip"})
		checkProblem(t, "Content-Encoding: gzip, "+c.name, r, http.StatusBadRequest)
	}
	// The same body whole is fine.
	r := f.do(t, http.MethodPost, "/query/intersects", bytes.NewReader(whole), map[string]string{"Content-Encoding": "gzip"})
	if r.status != http.StatusOK {
		t.Errorf("whole gzip body: status %d: %.300s", r.status, r.body)
	}
}
