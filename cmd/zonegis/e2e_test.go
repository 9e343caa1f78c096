package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// End-to-end tests: the real program, started through run on a free port
// against a fresh PostGIS database, spoken to over HTTP by our own client
// and by GDAL's OGC API - Features driver, then shut down gracefully.

// e2eSeed keeps seeding fast: every zone is loaded (zones are always
// seeded), but synthetic parcels and green areas only for these three.
const e2eSeed = "KCX-TAN-THUAN,KCX-LINH-TRUNG-1,SHTP"

// Time limits. The whole suite should take well under a minute.
const (
	startTimeout = 60 * time.Second // migrate, seed, load the index
	stopTimeout  = 40 * time.Second // shutdownTimeout (30 s) and closing the database
	gdalTimeout  = 30 * time.Second // one ogrinfo or ogr2ogr run
)

// testServer is a running zonegis.
type testServer struct {
	base   string // http://127.0.0.1:port
	cancel context.CancelFunc
	done   chan error // run's result, once
	logs   *syncBuffer

	stopOnce sync.Once
	stopErr  error
}

// syncBuffer is a bytes.Buffer safe for the server's logger and the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listeningLine = regexp.MustCompile(`listening on (http://\S+)`)

// startServer runs `zonegis serve --addr 127.0.0.1:0` on a new database and
// waits until it prints its address. The environment is given whole, so the
// host's ZONEGIS_* variables do not leak in. The server is stopped when the
// test ends, and a shutdown error fails the test.
func startServer(t *testing.T, seed string) *testServer {
	t.Helper()
	return startServerEnv(t, map[string]string{
		"DATABASE_URL":      pgtest.NewDB(t),
		"ZONEGIS_SEED":      seed,
		"ZONEGIS_DATA_DIR":  t.TempDir(), // unused with DATABASE_URL; never ./var
		"ZONEGIS_LOG_LEVEL": "info",
	})
}

// startServerEnv is startServer with the environment env, on the database
// it names.
func startServerEnv(t *testing.T, env map[string]string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	s := &testServer{cancel: cancel, done: make(chan error, 1), logs: &syncBuffer{}}
	pr, pw := io.Pipe()
	go func() {
		err := run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, func(k string) string { return env[k] }, pw, s.logs)
		pw.Close()
		s.done <- err
	}()
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			if m := listeningLine.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case addr <- m[1]:
				default:
				}
			}
		}
		// Keep draining so that a later write to stdout never blocks run.
		_, _ = io.Copy(io.Discard, pr)
	}()
	t.Cleanup(func() {
		if err := s.stop(); err != nil {
			t.Errorf("run returned %v after cancel; want nil (graceful shutdown)\nserver log:\n%s", err, s.logs)
		}
	})
	start := time.Now()
	select {
	case s.base = <-addr:
		t.Logf("zonegis up at %s after %v", s.base, time.Since(start).Round(time.Millisecond))
		return s
	case err := <-s.done:
		s.stopOnce.Do(func() { s.stopErr = err })
		t.Fatalf("run returned before listening: %v\nserver log:\n%s", err, s.logs)
	case <-time.After(startTimeout):
		t.Fatalf("no \"listening on\" line within %v\nserver log:\n%s", startTimeout, s.logs)
	}
	return nil
}

// stop cancels run's context and returns what run returned.
func (s *testServer) stop() error {
	s.stopOnce.Do(func() {
		s.cancel()
		select {
		case s.stopErr = <-s.done:
		case <-time.After(stopTimeout):
			s.stopErr = fmt.Errorf("run did not return within %v of cancel", stopTimeout)
		}
	})
	return s.stopErr
}

// getJSON fetches url and decodes its JSON body into v, failing the test
// unless the status is 200.
func getJSON(t *testing.T, url string, v any) {
	t.Helper()
	res, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, res.StatusCode, body)
	}
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// page is an items answer as our own client reads it.
type page struct {
	NumberMatched  int                `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	Features       []*geojson.Feature `json:"features"`
}

func TestE2E(t *testing.T) {
	srv := startServer(t, e2eSeed)

	t.Run("Health", func(t *testing.T) {
		var h struct {
			Status   string
			Database string
			Index    struct {
				Zones, Parcels int
				GreenAreas     int `json:"green_areas"`
			}
		}
		getJSON(t, srv.base+"/healthz", &h)
		if h.Status != "ok" || h.Database != "ok" {
			t.Errorf("healthz: status %q, database %q; want ok, ok", h.Status, h.Database)
		}
		if h.Index.Zones <= 0 || h.Index.Parcels <= 0 || h.Index.GreenAreas <= 0 {
			t.Errorf("healthz: index counts %+v; want all > 0", h.Index)
		}
	})

	t.Run("Zones", func(t *testing.T) {
		var p page
		getJSON(t, srv.base+"/collections/zones/items?limit=1000", &p)
		// 289 OpenStreetMap boundaries and the derived Đình Vũ – Cát Hải economic zone.
		if p.NumberMatched != 290 || p.NumberReturned != 290 || len(p.Features) != 290 {
			t.Fatalf("zones: numberMatched %d, numberReturned %d, %d features; want 290",
				p.NumberMatched, p.NumberReturned, len(p.Features))
		}
		byCode := map[string]geojson.Properties{}
		osm := 0
		for _, f := range p.Features {
			byCode[f.Properties.MustString("code", "")] = f.Properties
			if strings.HasPrefix(f.Properties.MustString("source", ""), "osm:") {
				osm++
			}
		}
		if osm != 289 {
			t.Errorf("zones from OpenStreetMap: %d; want 289", osm)
		}
		if got := byCode["KCX-TAN-THUAN"].MustString("name_vi", ""); got != "Khu chế xuất Tân Thuận" {
			t.Errorf("KCX-TAN-THUAN name_vi = %q; want %q", got, "Khu chế xuất Tân Thuận")
		}
		shtp := byCode["SHTP"]
		if shtp == nil {
			t.Fatal("no zone with code SHTP")
		}
		if e, w := shtp.MustFloat64("enterprises", -1), shtp.MustFloat64("workers", -1); e != 162 || w != 53000 {
			t.Errorf("SHTP enterprises %v, workers %v; want 162, 53000", e, w)
		}
	})

	t.Run("GDAL", func(t *testing.T) { testGDAL(t, srv) })

	// Last: it stops the server.
	t.Run("GracefulShutdown", func(t *testing.T) { testGracefulShutdown(t, srv) })
}

// gdalTool finds a GDAL program (see pgtest.Tool).
func gdalTool(t *testing.T, name string) string {
	t.Helper()
	return pgtest.Tool(t, name, "gdal-bin")
}

// gdal runs a GDAL program with a timeout, CPL_DEBUG on, and returns its
// standard output and the URLs it fetched. A GDAL warning or error (how it
// reports protocol trouble: content types, links) fails the test. Proxy
// settings are dropped: the server is on loopback.
func gdal(t *testing.T, prog string, args ...string) (stdout string, fetched []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), gdalTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, prog, args...)
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !strings.HasSuffix(strings.ToLower(k), "_proxy") {
			cmd.Env = append(cmd.Env, kv)
		}
	}
	cmd.Env = append(cmd.Env, "GDAL_HTTP_TIMEOUT=20", "CPL_DEBUG=ON")
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	name := filepath.Base(prog) + " " + strings.Join(args, " ")
	start := time.Now()
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", name, err, out.String(), errOut.String())
	}
	for _, line := range strings.Split(errOut.String(), "\n") {
		if strings.HasPrefix(line, "ERROR") || strings.HasPrefix(line, "Warning") {
			t.Errorf("%s: %s", name, line)
		}
		if m := gdalFetch.FindStringSubmatch(line); m != nil {
			fetched = append(fetched, m[1])
		}
	}
	t.Logf("%s: %d requests, %v", name, len(fetched), time.Since(start).Round(time.Millisecond))
	return out.String(), fetched
}

var gdalFetch = regexp.MustCompile(`^HTTP: Fetch\((.*)\)$`)

// gdalPageSize is smaller than the zone count so GDAL must follow next links.
const gdalPageSize = 100

var ogrLayerLine = regexp.MustCompile(`(?m)^\d+: (\S+)`)

func testGDAL(t *testing.T, srv *testServer) {
	ogrinfo, ogr2ogr := gdalTool(t, "ogrinfo"), gdalTool(t, "ogr2ogr")

	// The landing page, /collections and /api as GDAL reads them.
	out, _ := gdal(t, ogrinfo, "-ro", "-so", "OAPIF:"+srv.base)
	var layers []string
	for _, m := range ogrLayerLine.FindAllStringSubmatch(out, -1) {
		layers = append(layers, m[1])
	}
	sort.Strings(layers)
	if want := []string{"enterprise-reports", "enterprises", "green-areas", "parcels", "projects", "zones"}; !slices.Equal(layers, want) {
		t.Fatalf("ogrinfo lists layers %v; want %v\n%s", layers, want, out)
	}

	for _, c := range []string{"zones", "parcels", "green-areas"} {
		t.Run(c, func(t *testing.T) {
			var ours page
			getJSON(t, srv.base+"/collections/"+c+"/items?limit=10000", &ours)
			if ours.NumberMatched == 0 || ours.NumberMatched > 10000 || ours.NumberReturned != ours.NumberMatched {
				t.Fatalf("our %s: numberMatched %d, numberReturned %d; want all of 1..10000 in one page", c, ours.NumberMatched, ours.NumberReturned)
			}
			dst := filepath.Join(t.TempDir(), c+".geojson")
			_, fetched := gdal(t, ogr2ogr, "-f", "GeoJSON", "-oo", fmt.Sprintf("PAGE_SIZE=%d", gdalPageSize), "-preserve_fid",
				dst, "OAPIF:"+srv.base+"/collections/"+c)
			// GDAL pages by following our next links.
			for offset := gdalPageSize; offset < ours.NumberMatched; offset += gdalPageSize {
				want := fmt.Sprintf("%s/collections/%s/items?limit=%d&offset=%d", srv.base, c, gdalPageSize, offset)
				if !slices.Contains(fetched, want) {
					t.Errorf("GDAL did not fetch %s; it fetched %v", want, fetched)
				}
			}
			raw, err := os.ReadFile(dst)
			if err != nil {
				t.Fatal(err)
			}
			theirs, err := geojson.UnmarshalFeatureCollection(raw)
			if err != nil {
				t.Fatalf("ogr2ogr output: %v", err)
			}
			if len(theirs.Features) != ours.NumberMatched {
				t.Fatalf("GDAL read %d %s; our numberMatched is %d", len(theirs.Features), c, ours.NumberMatched)
			}
			compareFeatures(t, ours.Features, theirs.Features)
		})
	}

	// A filter on a property that api/openapi.yaml lists as a query
	// parameter of the items path: GDAL reads the document and sends it to
	// the server instead of filtering every page itself.
	out, fetched := gdal(t, ogrinfo, "-ro", "-so", "-oo", fmt.Sprintf("PAGE_SIZE=%d", gdalPageSize),
		"-where", "status = 'available'", "OAPIF:"+srv.base, "parcels")
	var available page
	getJSON(t, srv.base+"/collections/parcels/items?status=available&limit=1", &available)
	if want := fmt.Sprintf("Feature Count: %d\n", available.NumberMatched); !strings.Contains(out, want) {
		t.Errorf("ogrinfo parcels where status = 'available': want %q in\n%s", want, out)
	}
	if want := fmt.Sprintf("%s/collections/parcels/items?limit=%d&status=available", srv.base, gdalPageSize); !slices.Contains(fetched, want) {
		t.Errorf("GDAL did not send the filter to the server: want %s among %v", want, fetched)
	}
	if !slices.Contains(fetched, srv.base+"/api") {
		t.Errorf("GDAL did not read the API definition: fetched %v", fetched)
	}
}

// compareFeatures matches GDAL's features to ours by id and checks
// geometry, area and the Vietnamese text GDAL carried through.
func compareFeatures(t *testing.T, ours, theirs []*geojson.Feature) {
	t.Helper()
	byID := map[int64]*geojson.Feature{}
	for _, f := range ours {
		byID[featureID(t, f)] = f
	}
	var sumOurs, sumTheirs float64
	for _, g := range theirs {
		id := featureID(t, g)
		f, ok := byID[id]
		if !ok {
			t.Errorf("GDAL read feature %d, which we did not serve", id)
			continue
		}
		delete(byID, id)
		if !sameGeometry(f.Geometry, g.Geometry) {
			t.Errorf("feature %d: GDAL's geometry differs from ours", id)
		}
		sumOurs += f.Properties.MustFloat64("area_m2", math.NaN())
		sumTheirs += g.Properties.MustFloat64("area_m2", math.NaN())
		for _, k := range []string{"name_vi", "lot_code", "name", "status", "kind"} {
			if v, ok := f.Properties[k].(string); ok && g.Properties[k] != v {
				t.Errorf("feature %d: %s %q through GDAL, %q from us", id, k, g.Properties[k], v)
			}
		}
	}
	if len(byID) > 0 {
		t.Errorf("GDAL missed %d features", len(byID))
	}
	if math.IsNaN(sumOurs) || math.Abs(sumOurs-sumTheirs) > 0.01*float64(len(theirs)) {
		t.Errorf("total area_m2: GDAL %.2f, ours %.2f", sumTheirs, sumOurs)
	}
}

func featureID(t *testing.T, f *geojson.Feature) int64 {
	t.Helper()
	id, ok := f.ID.(float64)
	if !ok || id != math.Trunc(id) {
		t.Fatalf("feature id %v (%T); want an integer", f.ID, f.ID)
	}
	return int64(id)
}

// sameGeometry compares two (multi)polygons vertex by vertex within 1e-9°
// (about 0.1 mm): GDAL writes 15 significant digits.
func sameGeometry(a, b orb.Geometry) bool {
	mp := func(g orb.Geometry) orb.MultiPolygon {
		switch g := g.(type) {
		case orb.Polygon:
			return orb.MultiPolygon{g}
		case orb.MultiPolygon:
			return g
		}
		return nil
	}
	ma, mb := mp(a), mp(b)
	if ma == nil || len(ma) != len(mb) {
		return false
	}
	for i := range ma {
		if len(ma[i]) != len(mb[i]) {
			return false
		}
		for j := range ma[i] {
			if len(ma[i][j]) != len(mb[i][j]) {
				return false
			}
			for k, p := range ma[i][j] {
				q := mb[i][j][k]
				if math.Abs(p[0]-q[0]) > 1e-9 || math.Abs(p[1]-q[1]) > 1e-9 {
					return false
				}
			}
		}
	}
	return true
}

// testGracefulShutdown cancels run's context with two requests in flight
// and checks that both complete with 200, that no new connection is taken
// meanwhile, and that run returns nil.
func testGracefulShutdown(t *testing.T, srv *testServer) {
	// A large page, asked for before the shutdown and read during it.
	page1, err := http.Get(srv.base + "/collections/parcels/items?limit=10000")
	if err != nil {
		t.Fatal(err)
	}
	defer page1.Body.Close()
	if page1.StatusCode != http.StatusOK {
		t.Fatalf("parcels page: status %d", page1.StatusCode)
	}

	// A POST whose body is held back. With Expect: 100-continue the client
	// sends the body only after the handler starts to read it, so once the
	// first half has been taken from the pipe the request is certainly
	// inside the handler, and Shutdown must wait for it.
	const polygon = `{"type":"Polygon","coordinates":[[[106.6,10.7],[106.85,10.7],[106.85,10.9],[106.6,10.9],[106.6,10.7]]]}`
	pr, pw := io.Pipe()
	req, err := http.NewRequest(http.MethodPost, srv.base+"/query/intersects?collections=parcels", pr)
	if err != nil {
		t.Fatal(err)
	}
	req.ContentLength = int64(len(polygon))
	req.Header.Set("Content-Type", "application/geo+json")
	req.Header.Set("Expect", "100-continue")
	client := &http.Client{Transport: &http.Transport{ExpectContinueTimeout: time.Minute}}
	type result struct {
		res *http.Response
		err error
	}
	posted := make(chan result, 1)
	go func() {
		res, err := client.Do(req)
		posted <- result{res, err}
	}()
	if _, err := io.WriteString(pw, polygon[:len(polygon)/2]); err != nil {
		t.Fatal(err)
	}

	srv.cancel()
	select {
	case err := <-srv.done:
		srv.stopOnce.Do(func() { srv.stopErr = err })
		t.Fatalf("run returned (%v) with a request still in its handler", err)
	case <-time.After(300 * time.Millisecond):
	}
	if c, err := net.DialTimeout("tcp", strings.TrimPrefix(srv.base, "http://"), time.Second); err == nil {
		c.Close()
		t.Error("the server still accepts connections while shutting down")
	}

	if _, err := io.WriteString(pw, polygon[len(polygon)/2:]); err != nil {
		t.Fatal(err)
	}
	pw.Close()
	r := <-posted
	if r.err != nil {
		t.Fatalf("POST /query/intersects across the shutdown: %v", r.err)
	}
	defer r.res.Body.Close()
	var hits struct {
		AreaM2  float64 `json:"area_m2"`
		Parcels struct{ Features []json.RawMessage }
	}
	if err := json.NewDecoder(r.res.Body).Decode(&hits); err != nil || r.res.StatusCode != http.StatusOK {
		t.Fatalf("POST /query/intersects across the shutdown: status %d, %v", r.res.StatusCode, err)
	}
	if hits.AreaM2 <= 0 || len(hits.Parcels.Features) == 0 {
		t.Errorf("POST /query/intersects across the shutdown: area %v m², %d parcels; want both > 0", hits.AreaM2, len(hits.Parcels.Features))
	}

	var p page
	if err := json.NewDecoder(page1.Body).Decode(&p); err != nil {
		t.Fatalf("the parcels page read during shutdown is not whole: %v", err)
	}
	if p.NumberMatched == 0 || p.NumberReturned != p.NumberMatched || len(p.Features) != p.NumberReturned {
		t.Errorf("parcels page read during shutdown: numberMatched %d, numberReturned %d, %d features", p.NumberMatched, p.NumberReturned, len(p.Features))
	}

	if err := srv.stop(); err != nil {
		t.Fatalf("run returned %v; want nil (graceful shutdown)\nserver log:\n%s", err, srv.logs)
	}
}
