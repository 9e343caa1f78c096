package httpapi

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Fuzz targets for what clients send: items query strings, bbox values,
// polygons posted to /query/intersects and features posted for writes.
// Whatever the input, the service must not panic, must not answer 500, and
// must answer every error as application/problem+json. The seed corpora in
// testdata/fuzz/<FuzzName>/ run as ordinary tests; to fuzz one:
//
//	go test -run XXX -fuzz FuzzItemsQuery -fuzztime 30s ./internal/httpapi/
//
// These need no database: the API runs over an in-memory index.

// fuzzFixture is the API over an index of a few zones, parcels and green
// areas near Ho Chi Minh City, without a database. Built once per test
// binary: the fuzzing engine calls the targets many thousand times.
var fuzzFixture struct {
	once sync.Once
	srv  *Server
}

func fuzzServer() *Server {
	fuzzFixture.once.Do(func() {
		box := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
			return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
		}
		workers := int32(5000)
		var zones []*zonegis.Zone
		var parcels []*zonegis.Parcel
		var greens []*zonegis.GreenArea
		for z := range 3 {
			x, y := 106.70+0.05*float64(z), 10.75
			zones = append(zones, &zonegis.Zone{ID: int64(z + 1), Code: fmt.Sprintf("KCN-FUZZ-%d", z), NameVI: "Khu công nghiệp Thử " + fmt.Sprint(z),
				NameEN: "Fuzz Industrial Park", Kind: zonegis.ZoneKinds[z], BoardID: "hepza", Province: "Thành phố Hồ Chí Minh",
				Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Workers: &workers, Sectors: []string{"electronics"},
				Source: "manual", AreaM2: 4e6, Boundary: box(x, y, x+0.02, y+0.02), Version: 1})
			for i := range 16 {
				px, py := x+0.001+float64(i%4)*0.0045, y+0.001+float64(i/4)*0.0045
				parcels = append(parcels, &zonegis.Parcel{ID: int64(z*100 + i + 1), ZoneID: int64(z + 1), LotCode: fmt.Sprintf("L%02d", i),
					LandUse: zonegis.LandUses[i%len(zonegis.LandUses)], Status: zonegis.ParcelStatuses[i%3], AreaM2: 160000,
					Boundary: box(px, py, px+0.004, py+0.004), Version: int64(i%3 + 1)})
			}
			greens = append(greens, &zonegis.GreenArea{ID: int64(z + 1), ZoneID: int64(z + 1), Kind: zonegis.GreenKinds[z],
				Name: "Công viên", AreaM2: 1000, Boundary: box(x+0.019, y+0.019, x+0.0199, y+0.0199), Version: 1})
		}
		ix := index.New()
		ix.Load(42, zones, parcels, greens)
		fuzzFixture.srv = New(Options{Index: ix, Store: httpapitest.New(ix, time.Time{})})
	})
	return fuzzFixture.srv
}

// CloseFixtures closes the servers this package's internal tests share
// (their exports' temporary directories); TestMain calls it at the end.
func CloseFixtures() {
	if fuzzFixture.srv != nil {
		fuzzFixture.srv.Close()
	}
}

// checkAnswer fails t unless rec is a success with a JSON body, a 304, or
// a 4xx problem+json whose status and detail are there.
func checkAnswer(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	switch {
	case rec.Code == http.StatusOK || rec.Code == http.StatusCreated:
		if !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("%s: %d with a body that is not JSON: %.300s", what, rec.Code, rec.Body)
		}
	case rec.Code == http.StatusNotModified:
	case rec.Code >= 400 && rec.Code < 500:
		checkProblemBody(t, what, rec)
	default:
		t.Fatalf("%s: status %d: %.300s", what, rec.Code, rec.Body)
	}
}

func checkProblemBody(t *testing.T, what string, rec *httptest.ResponseRecorder) {
	t.Helper()
	if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
		t.Fatalf("%s: status %d as %q, want application/problem+json: %.300s", what, rec.Code, ct, rec.Body)
	}
	var p struct {
		Type   string `json:"type"`
		Title  string `json:"title"`
		Status int    `json:"status"`
		Detail string `json:"detail"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
		t.Fatalf("%s: problem is not JSON: %v: %.300s", what, err, rec.Body)
	}
	if p.Status != rec.Code || p.Type == "" || p.Title == "" || strings.TrimSpace(p.Detail) == "" {
		t.Fatalf("%s: problem lacks status %d, type, title or detail: %s", what, rec.Code, rec.Body)
	}
}

// maxHandleTime bounds the handling of one fuzz input: a request that
// takes longer is a way to tie the server up.
const maxHandleTime = 2 * time.Second

// watchdog crashes the process, naming the input, if the returned stop is
// not called within maxHandleTime. A crash (unlike a failure, which a hung
// call would never reach) makes the fuzzing engine save the input.
func watchdog(what string, input any) (stop func() bool) {
	return time.AfterFunc(maxHandleTime, func() {
		panic(fmt.Sprintf("%s: still running after %v on input %q", what, maxHandleTime, input))
	}).Stop
}

var fuzzCollections = []string{"zones", "parcels", "green-areas", "roads"}

// FuzzItemsQuery sends any query string to the items endpoint of any
// collection.
func FuzzItemsQuery(f *testing.F) {
	f.Add(uint8(1), "")
	f.Add(uint8(1), "bbox=106.7,10.7,106.8,10.8&limit=5&offset=3&status=available&land_use=industrial")
	f.Add(uint8(0), "kind=industrial_park&province=ho+chi+minh&q=thu&limit=10000")
	f.Add(uint8(2), "bbox=179,-10,-179,10&zone=KCN-FUZZ-1&kind=park")
	f.Add(uint8(1), "min_area_ha=1&max_area_ha=1e308&offset=9223372036854775807&limit=10000")
	f.Add(uint8(3), "f=json")
	f.Fuzz(func(t *testing.T, coll uint8, rawQuery string) {
		srv := fuzzServer()
		req := httptest.NewRequest(http.MethodGet, "/collections/"+fuzzCollections[int(coll)%len(fuzzCollections)]+"/items", nil)
		req.URL.RawQuery = rawQuery
		rec := httptest.NewRecorder()
		defer watchdog("GET items", rawQuery)()
		srv.ServeHTTP(rec, req)
		checkAnswer(t, "GET "+req.URL.String(), rec)
	})
}

// FuzzBBox parses any bbox value: an error is EINVALID; a box is finite,
// in range and ordered; and the items endpoint answers it with 200.
func FuzzBBox(f *testing.F) {
	for _, s := range []string{"106.7,10.7,106.8,10.8", "-180,-90,180,90", "170,-10,-170,10", "1,2,3,4,5,6",
		"1e308,0,0,0", "NaN,0,1,1", " 106 , 10 , 107 , 11 ", "0x10,1,2,3", "1,2,3", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		defer watchdog("bbox", s)()
		bounds, err := catalog.ParseBBox(s)
		if err != nil {
			if code := zonegis.ErrorCode(err); code != zonegis.EINVALID {
				t.Fatalf("catalog.ParseBBox(%q): error code %q, want %q: %v", s, code, zonegis.EINVALID, err)
			}
			return
		}
		if len(bounds) != 1 && len(bounds) != 2 {
			t.Fatalf("catalog.ParseBBox(%q): %d boxes", s, len(bounds))
		}
		for _, b := range bounds {
			for _, v := range []float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]} {
				if math.IsNaN(v) || math.IsInf(v, 0) {
					t.Fatalf("catalog.ParseBBox(%q): %v is not finite", s, b)
				}
			}
			if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || b.Min[0] < -180 || b.Max[0] > 180 || b.Min[1] < -90 || b.Max[1] > 90 {
				t.Fatalf("catalog.ParseBBox(%q): box %v out of order or range", s, b)
			}
		}
		req := httptest.NewRequest(http.MethodGet, "/collections/parcels/items?bbox="+url.QueryEscape(s), nil)
		rec := httptest.NewRecorder()
		fuzzServer().ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("bbox %q parses but GET items answers %d: %.300s", s, rec.Code, rec.Body)
		}
	})
}

// FuzzIntersectsBody posts any body to /query/intersects.
func FuzzIntersectsBody(f *testing.F) {
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.8,10.7],[106.8,10.8],[106.7,10.8],[106.7,10.7]]]}`))
	f.Add([]byte(`{"type":"Feature","properties":{},"geometry":{"type":"MultiPolygon","coordinates":[[[[106.7,10.75],[106.75,10.75],[106.75,10.77],[106.7,10.75]]]]}}`))
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[106.7,10.7],[106.8,10.8],[106.8,10.7],[106.7,10.8],[106.7,10.7]]]}`)) // a bow tie
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}`))
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[106.71,10.76],[106.71,10.76],[106.71,10.76],[106.71,10.76]]]}`))
	f.Add([]byte(`{"type":"Point","coordinates":[106.75,10.8]}`))
	f.Add([]byte(`{"type":"Polygon","coordinates":[[[106.7,10.7],[1e999,10.7],[106.71,10.71],[106.7,10.7]]]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/query/intersects", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/geo+json")
		rec := httptest.NewRecorder()
		defer watchdog("POST /query/intersects", body)()
		fuzzServer().ServeHTTP(rec, req)
		checkAnswer(t, fmt.Sprintf("POST /query/intersects %.200q", body), rec)
	})
}

// FuzzFeatureBody decodes any body as a posted feature of each collection,
// and as the one feature of an import: the decoders never panic, their
// errors are client errors that the API answers as problem+json, and what
// they accept is a checked geometry within the vertex bound.
func FuzzFeatureBody(f *testing.F) {
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]},"properties":{"zone_id":1,"lot_code":"A1","land_use":"industrial"}}`))
	f.Add([]byte(`{"type":"Feature","geometry":null,"properties":{"status":"reserved","area_m2":12,"version":3}}`))
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"MultiPolygon","coordinates":[]},"properties":{"code":"KCN-X","name_vi":"X","name_en":"X","kind":"industrial_park","province":"Hà Nội","established":"2001-02-30","sectors":["a"]}}`))
	f.Add([]byte(`{"type":"Feature","properties":{"zone_id":1,"kind":"park","colour":"green"}}`))
	f.Add([]byte(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]},"properties":{"zone_id":-1,"kind":"park","name":null}} trailing`))
	f.Add([]byte(`{"type":"FeatureCollection","features":[]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		defer watchdog("feature decoders", body)()
		for _, optional := range []bool{false, true} {
			_, mp, err := featurejson.DecodeFeature(body, optional)
			if err != nil {
				checkClientError(t, fmt.Sprintf("featurejson.DecodeFeature(%.200q, %v)", body, optional), err)
				continue
			}
			if mp == nil {
				if !optional {
					t.Fatalf("featurejson.DecodeFeature(%.200q): no geometry and no error", body)
				}
				continue
			}
			if err := featurejson.CheckPolygon(mp); err != nil {
				t.Fatalf("featurejson.DecodeFeature(%.200q) accepted a geometry that featurejson.CheckPolygon refuses: %v", body, err)
			}
			if n := featurejson.VertexCount(mp); n > featurejson.MaxFeatureVertices {
				t.Fatalf("featurejson.DecodeFeature accepted %d vertices", n)
			}
		}
		for _, coll := range fuzzCollections {
			it, err := registry.ParseFeature(coll, body)
			if err != nil {
				checkClientError(t, fmt.Sprintf("registry.ParseFeature(%s, %.200q)", coll, body), err)
				continue
			}
			switch it.(type) {
			case *zonegis.Zone, *zonegis.Parcel, *zonegis.GreenArea:
			default:
				t.Fatalf("registry.ParseFeature(%s): %T", coll, it)
			}
			_, probs, err := registry.ParseImport(coll, strings.NewReader(`{"type":"FeatureCollection","features":[`+string(body)+`]}`),
				func(int, []byte) error { return nil })
			if err != nil {
				checkClientError(t, "ParseImport", err)
			} else if len(probs) != 0 {
				t.Fatalf("parseNew accepts the feature, ParseImport refuses it: %+v", probs)
			}
		}
	})
}

// checkClientError fails t unless err is a domain error of a 4xx status
// that the API sends as a problem.
func checkClientError(t *testing.T, what string, err error) {
	t.Helper()
	code := zonegis.ErrorCode(err)
	status := statusOf[code]
	if status < 400 || status >= 500 {
		t.Fatalf("%s: error %v has code %q, status %d; want a client error", what, err, code, status)
	}
	e := echo.New()
	rec := httptest.NewRecorder()
	httpx.ErrorHandler(slog.New(slog.DiscardHandler), postgis.MapError)(err, e.NewContext(httptest.NewRequest(http.MethodPost, "/", nil), rec))
	checkProblemBody(t, what, rec)
}
