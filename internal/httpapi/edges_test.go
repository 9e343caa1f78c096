package httpapi_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// jsonBodyRoutes are the routes that read a JSON body; bodylessWrites the
// other write routes. TestEdgesEveryRoute fails on a write route in
// neither, so that a new route is put in one.
var (
	jsonBodyRoutes = map[string]bool{
		"POST /query/intersects":                   true,
		"POST /collections/:collection/items":      true,
		"PUT /collections/:collection/items/:id":   true,
		"PATCH /collections/:collection/items/:id": true,
		"POST /collections/:collection/import":     true,
		"POST /parcels/:id/leases":                 true,
		"POST /leases/:id/end":                     true,
		"POST /parcels/:id/split":                  true,
		"POST /parcels/merge":                      true,
		"POST /boards":                             true,
		"PATCH /boards/:id":                        true,
	}
	bodylessWrites = map[string]bool{
		"DELETE /collections/:collection/items/:id": true,
		"POST /parcels/:id/reserve":                 true,
		"POST /parcels/:id/release":                 true,
		"DELETE /boards/:id":                        true,
		"POST /auth/login":                          true, // JSON or a form, not a Feature
		"POST /auth/logout":                         true,
	}
)

func gzipped(s string) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	io.WriteString(zw, s)
	zw.Close()
	return b.Bytes()
}

// TestEdgesEveryRoute sends every route (from the router's own list) the
// bodies and query strings that used to be 500s or to be read as something
// else: gzip bodies shorter than a gzip header or cut short, deflate, a
// non-JSON Content-Type, NUL and invalid UTF-8 in a query parameter or a
// JSON string, a lone surrogate, and ';' in the query. The answer is a 4xx
// problem naming the parameter or field, never a 500.
func TestEdgesEveryRoute(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "E1", 106.700, 10.750, 106.701, 10.751)
	routes := httpapi.New(withMemStore(httpapi.Options{})).Routes()
	feature := `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]},"properties":{"name_vi":%s}}`
	type variant struct {
		name   string
		query  string
		body   []byte
		header []string
		// status for routes with a JSON body and for the others; 0: any
		// answer but a 5xx; want is a part of the body.
		jsonStatus, otherStatus int
		want                    string
	}
	// variants are the requests sent to each route; imp is for the import
	// route, whose bodies are FeatureCollections.
	variants := func(imp bool) []variant {
		doc := func(name string) []byte {
			f := fmt.Sprintf(feature, name)
			if imp {
				f = `{"type":"FeatureCollection","features":[` + f + `]}`
			}
			return []byte(f)
		}
		whole := gzipped(string(doc(`"x"`)))
		return []variant{
			{"gzip of 5 bytes", "", whole[:5], []string{"Content-Encoding", "gzip"}, 400, 400, "gzip"},
			{"gzip cut short", "", whole[:len(whole)-12], []string{"Content-Encoding", "gzip"}, 400, 0, "gzip"},
			{"gzip corrupt", "", append(append([]byte{}, whole[:12]...), bytes.Repeat([]byte{0xff}, 40)...), []string{"Content-Encoding", "gzip"}, 400, 0, "gzip"},
			{"deflate", "", []byte("x\x9c\xab\xae\x05\x00\x01u\x00\xf9"), []string{"Content-Encoding", "deflate"}, 415, 415, "deflate"},
			{"br", "", []byte("{}"), []string{"Content-Encoding", "br"}, 415, 415, "br"},
			{"text/plain", "", doc(`"x"`), []string{"Content-Type", "text/plain"}, 415, 0, "text/plain"},
			{"form", "", doc(`"x"`), []string{"Content-Type", "application/x-www-form-urlencoded"}, 415, 0, "application/x-www-form-urlencoded"},
			{"NUL in a query", "board=%00", nil, nil, 400, 400, `query parameter \"board\"`},
			{"0xff in a query", "board=%ff", nil, nil, 400, 400, `query parameter \"board\"`},
			{"';' in a query", "zone=291;", nil, nil, 400, 400, `query parameter \"zone\"`},
			{"bad escape in a query", "q=100%", nil, nil, 400, 400, `query parameter \"q\"`},
			{"NUL in a JSON string", "", doc(`"a\u0000b"`), nil, 400, 0, "name_vi"},
			{"lone surrogate in a JSON string", "", doc(`"a\ud800b"`), nil, 400, 0, "name_vi"},
			{"invalid UTF-8 in a JSON string", "", doc("\"caf\xc3\""), nil, 400, 0, "name_vi"},
		}
	}
	n := 0
	for _, rt := range routes {
		key := rt.Method + " " + rt.Path
		takesJSON := jsonBodyRoutes[key]
		if rt.Method != http.MethodGet && !takesJSON && !bodylessWrites[key] {
			t.Errorf("%s: a write route in neither jsonBodyRoutes nor bodylessWrites; put it in one", key)
		}
		path := strings.NewReplacer(":collection", "parcels", ":id", fmt.Sprint(p.ID), ":layer", "parcels",
			":z", "0", ":x", "0", ":y", "0.mvt", ":file", "index.js").Replace(rt.Path)
		for _, v := range variants(strings.HasSuffix(rt.Path, "/import")) {
			body := v.body
			u := path
			if v.query != "" {
				u += "?" + v.query
			}
			hdr := []string{"Content-Type", "application/json"}
			if v.header != nil {
				hdr = append(hdr, v.header...)
			}
			var b any
			if body != nil {
				b = body
			}
			r := e.send(t, rt.Method, u, e.admin, b, hdr...)
			n++
			want := v.otherStatus
			if takesJSON {
				want = v.jsonStatus
			}
			what := fmt.Sprintf("%s %s, %s", rt.Method, u, v.name)
			switch {
			case r.status >= 500:
				t.Errorf("%s: status %d: %.300s", what, r.status, r.body)
			case want != 0 && r.status != want:
				t.Errorf("%s: status %d, want %d: %.300s", what, r.status, want, r.body)
			case want != 0:
				checkProblem(t, what, r, want)
				if !strings.Contains(string(r.body), v.want) {
					t.Errorf("%s: %.300s does not name %s", what, r.body, v.want)
				}
			case r.status >= 400:
				checkProblem(t, what, r, r.status)
			}
		}
	}
	t.Logf("%d routes, %d requests", len(routes), n)
	// Nothing of the above was written (DELETE, with a good request, may
	// have taken the parcel).
	if zones, parcels, leases := e.count(t, "zones"), e.count(t, "parcels"), e.count(t, "leases"); zones != 1 || parcels > 1 || leases != 0 {
		t.Errorf("%d zones, %d parcels, %d leases: something was written", zones, parcels, leases)
	}
}

// TestEdgesTextIsNotStored posts the bodies: NUL in name_vi and in
// lessee, and a lone surrogate, answered 400 naming the field (were 500s,
// and the surrogate was stored as U+FFFD); a proper surrogate pair is
// stored as its character.
func TestEdgesTextIsNotStored(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "T1", 106.700, 10.750, 106.701, 10.751)
	zone := func(name string) string {
		return `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.72,10.75],[106.73,10.75],[106.73,10.76],[106.72,10.75]]]},` +
			`"properties":{"code":"KCN-TXT","name_vi":` + name + `,"name_en":"Text IP","kind":"industrial_park","board_id":"hepza","province":"Hà Nội"}}`
	}
	zones := e.count(t, "zones")
	for _, name := range []string{`"a\u0000b"`, `"a\ud800b"`, `"a\udfffb"`, "\"a\x00b\""} {
		r := e.send(t, http.MethodPost, "/collections/zones/items", e.planner, zone(name))
		wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "properties.name_vi")
	}
	r := e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", p.ID), e.planner,
		`{"lessee":"x\u0000","country":"JP","start":"2025-01-01","end":"2035-01-01"}`)
	wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "lessee")
	r = e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", p.ID), e.planner,
		`{"type":"Feature","properties":{"lot_code":"T\u0000"}}`)
	wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "properties.lot_code")
	if n := e.count(t, "zones"); n != zones {
		t.Fatalf("%d zones, want %d: a refused zone was stored", n, zones)
	}
	if n := e.count(t, "leases"); n != 0 {
		t.Fatalf("%d leases, want none", n)
	}
	r = e.send(t, http.MethodPost, "/collections/zones/items", e.planner, zone(`"Khu \ud83c\udfed"`))
	want(t, r, http.StatusCreated, "a surrogate pair")
	if got := decodeFeature(t, r).Properties["name_vi"]; got != "Khu 🏭" {
		t.Errorf("name_vi %q, want %q", got, "Khu 🏭")
	}
	for _, q := range []string{"/stats/leasing?board=%00", "/stats/leasing?board=%ff", "/audit?collection=%00", "/audit?collection=%ff"} {
		name := strings.TrimSuffix(strings.TrimSuffix(q[strings.Index(q, "?")+1:], "=%00"), "=%ff")
		wantProblem(t, e.send(t, http.MethodGet, q, e.admin, nil), http.StatusBadRequest, zonegis.EINVALID, `query parameter "`+name+`"`)
	}
}

// TestEdgesQueryMeansWhatItSays: a ';' used to drop its pair silently
// (zone=291; listed every parcel, crs=EPSG:3405; exported CRS84), on the
// fast path of the point lookup too; positions of fewer than two numbers
// were read as zeros; names differing in case set the field.
func TestEdgesQueryMeansWhatItSays(t *testing.T) {
	e := newWriteEnv(t)
	e.createParcel(t, "Q1", 106.700, 10.750, 106.701, 10.751)
	for _, c := range []struct{ path, param string }{
		{fmt.Sprintf("/collections/parcels/items?zone=%d;", e.zone.ID), "zone"},
		{"/collections/parcels/export?crs=EPSG:3405;", "crs"},
		{"/collections/parcels/export?f=csv;crs=EPSG:3405", "f"},
		{"/query/at?lon=106.7005&lat=10.7505;", "lat"},
		{"/query/at?lon=106.7005;lat=10.7505", "lon"},
	} {
		wantProblem(t, e.send(t, http.MethodGet, c.path, "", nil), http.StatusBadRequest, zonegis.EINVALID, `query parameter "`+c.param+`"`, "';'")
	}
	ring := func(p string) string {
		return `{"type":"Polygon","coordinates":[[[106.7,10.75],[106.702,10.75],` + p + `,[106.7,10.75]]]}`
	}
	for _, pos := range []string{`[]`, `[106]`, `[106.702,10.752,0,1]`} {
		r := e.send(t, http.MethodPost, "/query/intersects", "", ring(pos))
		wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "position 2")
		r = e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, `{"type":"Feature","geometry":`+ring(pos)+
			fmt.Sprintf(`,"properties":{"zone_id":%d,"lot_code":"Q2","land_use":"industrial"}}`, e.zone.ID))
		wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "position 2")
	}
	want(t, e.send(t, http.MethodPost, "/query/intersects", "", ring(`[106.702,10.752,5]`)), http.StatusOK, "a position with a height")
	r := e.send(t, http.MethodPost, "/collections/zones/items", e.planner, `{"type":"Feature","geometry":`+ring(`[106.702,10.752]`)+
		`,"properties":{"code":"KCN-CASE","Name_VI":"x","name_vi":"y","name_en":"Case IP","kind":"industrial_park","province":"Hà Nội"}}`)
	wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, `no property "Name_VI"`, `did you mean "name_vi"`)
	r = e.send(t, http.MethodPost, "/query/intersects", "", `{"type":"Feature","Geometry":`+ring(`[106.702,10.752]`)+`}`)
	wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, `no property "Geometry"`)
	if n := e.count(t, "parcels"); n != 1 {
		t.Fatalf("%d parcels, want 1", n)
	}
}

// totalAlloc is the bytes allocated by the process so far.
func totalAlloc() uint64 {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.TotalAlloc
}

// TestEdgesImportGzipBomb posts imports of a few hundred KiB of gzip that
// inflate to more than MaxImportBytes: blanks between two features, and
// one feature whose name never ends. Each is refused (413) after reading
// at most one feature's bound, allocating a small fraction of what the
// body inflates to; the import used to read it all into memory first.
func TestEdgesImportGzipBomb(t *testing.T) {
	e := newWriteEnv(t)
	feat := fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.7,10.75],[106.701,10.75],[106.701,10.751],[106.7,10.75]]]},"properties":{"zone_id":%d,"lot_code":"B1","land_use":"industrial"}}`, e.zone.ID)
	// A bomb is gzip members one after the other (gzip readers read them
	// as one stream): the head, one MiB of fill compressed once and
	// repeated, the tail.
	bomb := func(head, fill, tail string, inflated int) []byte {
		var b bytes.Buffer
		b.Write(gzipped(head))
		chunk := gzipped(strings.Repeat(fill, 1<<20/len(fill)))
		for n := len(head); n < inflated; n += 1 << 20 {
			b.Write(chunk)
		}
		b.Write(gzipped(tail))
		return b.Bytes()
	}
	const inflated = httpapi.MaxImportBytes + 16<<20
	for _, c := range []struct {
		name string
		body []byte
	}{
		{"blanks between features", bomb(`{"type":"FeatureCollection","features":[`+feat+",", " ", feat+"]}", inflated)},
		{"a name that never ends", bomb(`{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"lot_code":"`, "A", `"}}]}`, inflated)},
	} {
		t.Run(c.name, func(t *testing.T) {
			if len(c.body) > 1<<20 {
				t.Fatalf("the bomb is %d bytes of gzip", len(c.body))
			}
			runtime.GC()
			before := totalAlloc()
			start := time.Now()
			r := e.send(t, http.MethodPost, "/collections/parcels/import", e.planner, c.body, "Content-Encoding", "gzip")
			allocated := totalAlloc() - before
			t.Logf("%d bytes of gzip inflating to %d MiB: %d in %v, %.1f MiB allocated", len(c.body), inflated>>20, r.status,
				time.Since(start).Round(time.Millisecond), float64(allocated)/(1<<20))
			wantProblem(t, r, http.StatusRequestEntityTooLarge, zonegis.ETOOLARGE)
			// The decoder holds at most one feature's bound (8 MiB), in a
			// buffer that doubles: well under 64 MiB; reading the body
			// whole allocates more than it inflates to.
			if allocated > 64<<20 {
				t.Errorf("%.0f MiB allocated for a body refused as too large", float64(allocated)/(1<<20))
			}
		})
	}
	if n := e.count(t, "parcels"); n != 0 {
		t.Fatalf("%d parcels written", n)
	}
}

// TestEdgesImportConstantMemory parses an import of 40,000 parcels (about
// 11 MiB) from a stream and samples the live heap every 2,000 features:
// it must not grow with the features read.
func TestEdgesImportConstantMemory(t *testing.T) {
	const n = 40000
	pr, pw := io.Pipe()
	go func() {
		io.WriteString(pw, `{"type":"FeatureCollection","name":"parcels","features":[`)
		for i := range n {
			if i > 0 {
				io.WriteString(pw, ",\n")
			}
			x := 106.5 + float64(i%200)*0.001
			y := 10.5 + float64(i/200)*0.001
			fmt.Fprintf(pw, `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]},"properties":{"zone_id":1,"lot_code":"L%06d","land_use":"industrial"}}`,
				x, y, x+0.0009, y, x+0.0009, y+0.0009, x, y+0.0009, x, y, i)
		}
		io.WriteString(pw, "]}")
		pw.Close()
	}()
	base := liveHeap()
	var peak uint64
	count, probs, err := registry.ParseImport(zonegis.CollectionParcels, pr, func(i int, raw []byte) error {
		if i%2000 == 1999 {
			peak = max(peak, liveHeap())
		}
		return nil
	})
	if err != nil || len(probs) != 0 || count != n {
		t.Fatalf("ParseImport: %d features, problems %v, %v", count, probs, err)
	}
	growth := int64(peak) - int64(base)
	t.Logf("%d features: live heap growth at most %.2f MiB", n, float64(growth)/(1<<20))
	if growth > 2<<20 {
		t.Errorf("live heap grew by %.1f MiB while parsing: the import holds what it read", float64(growth)/(1<<20))
	}
}

// TestEdgesHeavyLimit saturates the heavy-request limit (1 here): the test
// itself holds its one slot (no slow request racing the probes, so the
// outcome does not hang on the machine's load), and another import, an
// intersects query, a projected export and the investment statistics are
// answered 503 with Retry-After at once, an export in CRS84 and other reads
// are not; once the slot is free, heavy requests run again.
func TestEdgesHeavyLimit(t *testing.T) {
	e := newWriteEnv(t)
	logger := slog.New(slog.DiscardHandler)
	ix := index.New()
	if err := indexsync.New(e.db, ix, logger).Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	heavy := httpx.NewLimit(1, "heavy requests")
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Index: ix, Store: e.db, Logger: logger, Heavy: heavy}))
	defer srv.Close()
	f := &fixture{pool: e.pool, url: srv.URL}
	poly := `{"type":"Polygon","coordinates":[[[106.7,10.75],[106.702,10.75],[106.702,10.752],[106.7,10.75]]]}`
	planner := map[string]string{"Authorization": "Bearer " + e.planner}
	importBody := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":%s,"properties":{"zone_id":%d,"lot_code":"H1","land_use":"industrial"}}]}`, poly, e.zone.ID)

	release, err := heavy.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	busy := f.do(t, http.MethodPost, "/query/intersects", strings.NewReader(poly), nil)
	wantProblem(t, busy, http.StatusServiceUnavailable, zonegis.EUNAVAILABLE, "busy")
	if ra := busy.header.Get("Retry-After"); ra == "" {
		t.Errorf("503 without Retry-After")
	}
	wantProblem(t, f.do(t, http.MethodGet, "/collections/parcels/export?crs=EPSG:3405", nil, nil), http.StatusServiceUnavailable, zonegis.EUNAVAILABLE, "busy")
	wantProblem(t, f.do(t, http.MethodGet, "/stats/investment", nil, nil), http.StatusServiceUnavailable, zonegis.EUNAVAILABLE, "busy")
	wantProblem(t, f.do(t, http.MethodPost, "/collections/parcels/import", strings.NewReader(importBody), planner),
		http.StatusServiceUnavailable, zonegis.EUNAVAILABLE, "busy")
	for _, path := range []string{"/collections/parcels/export", "/collections/parcels/export?crs=http://www.opengis.net/def/crs/OGC/1.3/CRS84", "/collections/parcels/items", "/query/at?lon=106.7&lat=10.75", "/stats/zones"} {
		if r := f.do(t, http.MethodGet, path, nil, nil); r.status != http.StatusOK {
			t.Errorf("GET %s while saturated: %d %.200s", path, r.status, r.body)
		}
	}
	release()
	if r := f.do(t, http.MethodPost, "/collections/parcels/import", strings.NewReader(importBody), planner); r.status != http.StatusCreated {
		t.Fatalf("the import once the slot is free: %d %s", r.status, r.body)
	}
	if r := f.do(t, http.MethodPost, "/query/intersects", strings.NewReader(poly), nil); r.status != http.StatusOK {
		t.Errorf("intersects once the slot is free: %d %.300s", r.status, r.body)
	}
	if r := f.do(t, http.MethodGet, "/stats/investment", nil, nil); r.status != http.StatusOK {
		t.Errorf("investment statistics once the slot is free: %d %.300s", r.status, r.body)
	}
	// An answer the cache holds takes no slot; one it does not, still does.
	release, err = heavy.Acquire()
	if err != nil {
		t.Fatal(err)
	}
	if r := f.do(t, http.MethodGet, "/stats/investment", nil, nil); r.status != http.StatusOK {
		t.Errorf("cached investment statistics while saturated: %d %.300s", r.status, r.body)
	}
	wantProblem(t, f.do(t, http.MethodGet, "/stats/investment?by=quarter", nil, nil), http.StatusServiceUnavailable, zonegis.EUNAVAILABLE, "busy")
	release()
	var fc map[string]json.RawMessage
	f.getJSON(t, "/collections/parcels/export?crs=EPSG:3405", &fc)
}
