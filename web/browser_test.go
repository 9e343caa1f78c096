package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/png"
	"io"
	"log/slog"
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

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/seed"
	"github.com/zonegis/zonegis/internal/session"
	"github.com/zonegis/zonegis/internal/tiles"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// server is the whole service as serve runs it: a seeded PostGIS, the index
// loaded and followed (so writes reach the tiles), the tile cache hooked to
// the follower, and the API with the web map and web sessions on a
// loopback port.
type server struct {
	url string
	db  *postgis.DB
	fl  *indexsync.Follower
}

// startServer seeds synthetic parcels in the zones given, KCX-TAN-THUAN
// when none is.
func startServer(t *testing.T, parcelZones ...string) *server {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	db := postgistest.Open(t)
	if len(parcelZones) == 0 {
		parcelZones = []string{"KCX-TAN-THUAN"}
	}
	if _, err := seed.Seed(ctx, db, seed.Options{Parcels: parcelZones}); err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.DiscardHandler)
	ix := index.New()
	fl := indexsync.New(db, ix, logger)
	fl.PollInterval = 100 * time.Millisecond
	if err := fl.Load(ctx); err != nil {
		t.Fatal(err)
	}
	ts := tiles.New(ix, tiles.Options{CacheBytes: tiles.DefaultCacheBytes})
	fl.OnApply = ts.OnApply
	runCtx, stop := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); _ = fl.Run(runCtx) }()
	t.Cleanup(func() { stop(); <-done })
	sessions := session.New(session.Config{Store: db, Accounts: registry.Accounts{Store: db, Params: registry.TestPasswordParams}})
	api := httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger, Tiles: ts, Version: "test",
		Sessions: sessions})
	srv := httptest.NewServer(api)
	t.Cleanup(func() { srv.Close(); api.Close() })
	return &server{url: srv.URL, db: db, fl: fl}
}

// chromium finds the browser. Without one the test is skipped, unless
// the run requires every test (ZONEGIS_REQUIRE_POSTGIS=1, as make test
// sets), where it fails: .ci/deps installs Debian's chromium.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("ZONEGIS_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv(pgtest.EnvRequire) == "1" {
		t.Fatal("no chromium to run the browser tests (apt-get install chromium, or bash .ci/deps)")
	}
	t.Skip("no chromium: browser tests skipped (set ZONEGIS_REQUIRE_POSTGIS=1 to fail instead)")
	return ""
}

// browser starts a headless Chromium with a fresh profile, with extra
// options if any. WebGL runs on SwiftShader (software), so MapLibre draws
// without a GPU.
func browser(t *testing.T, extra ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	profile, err := os.MkdirTemp("", "zonegis-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("use-angle", "swiftshader"),
		chromedp.Flag("enable-unsafe-swiftshader", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1280, 860),
	)
	opts = append(opts, extra...)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(actx, chromedp.WithLogf(t.Logf))
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() {
		cancelTimeout()
		cancelCtx()
		cancelAlloc()
		// Chromium's helpers may still be writing to the profile for a
		// moment after the browser exits.
		for range 20 {
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	// The page's console and uncaught errors go to the test log.
	chromedp.ListenTarget(ctx, func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventConsoleAPICalled:
			var parts []string
			for _, a := range ev.Args {
				parts = append(parts, strings.Trim(string(a.Value), `"`)+a.Description)
			}
			t.Logf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		case *runtime.EventExceptionThrown:
			t.Logf("page error: %s", ev.ExceptionDetails.Error())
		}
	})
	return ctx
}

// cspReport collects the page's Content-Security-Policy violations: the
// securitypolicyviolation events of its documents (a listener installed
// before any of the page's scripts run) and what Chromium logs about CSP,
// which also covers the workers MapLibre starts.
type cspReport struct {
	mu  sync.Mutex
	log []string
}

const cspListenerJS = `window.__csp = [];
document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(
	e.effectiveDirective + ' blocked ' + e.blockedURI + ' at ' + (e.sourceFile || '?') + ':' + e.lineNumber + ' ' + (e.sample || '')));`

// watchCSP starts collecting before the first navigation of ctx.
func watchCSP(t *testing.T, ctx context.Context) *cspReport {
	t.Helper()
	r := &cspReport{}
	chromedp.ListenTarget(ctx, func(ev any) {
		if ev, ok := ev.(*cdplog.EventEntryAdded); ok {
			t.Logf("browser log (%s, %s): %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text)
			if strings.Contains(ev.Entry.Text, "Content Security Policy") {
				r.mu.Lock()
				r.log = append(r.log, ev.Entry.Text)
				r.mu.Unlock()
			}
		}
	})
	err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		_, err := page.AddScriptToEvaluateOnNewDocument(cspListenerJS).Do(ctx)
		return err
	}))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// violations returns what was reported so far: the page's events, then
// the browser's log lines.
func (r *cspReport) violations(t *testing.T, ctx context.Context) (events, logged []string) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.Evaluate(`window.__csp || ['the violation listener is not installed']`, &events)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(200 * time.Millisecond) // the log event may trail the DOM event
	r.mu.Lock()
	defer r.mu.Unlock()
	return events, slices.Clone(r.log)
}

// storedKey lists where the page's storage holds key: "local:<name>" and
// "session:<name>" for every item whose value contains it.
func storedKey(t *testing.T, ctx context.Context, key string) []string {
	t.Helper()
	var where []string
	js := fmt.Sprintf(`(() => { const out = [];
		for (const [kind, st] of [['local', localStorage], ['session', sessionStorage]])
			for (let i = 0; i < st.length; i++) if ((st.getItem(st.key(i)) || '').includes(%q)) out.push(kind + ':' + st.key(i));
		return out; })()`, key)
	if err := chromedp.Run(ctx, chromedp.Evaluate(js, &where)); err != nil {
		t.Fatal(err)
	}
	return where
}

// artifacts is test-artifacts/ at the repository root (make test keeps it).
func artifacts(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test's directory")
		}
		dir = parent
	}
	out := filepath.Join(dir, "test-artifacts")
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	return out
}

func screenshot(t *testing.T, ctx context.Context, name string) image.Image {
	t.Helper()
	var buf []byte
	if err := chromedp.Run(ctx, chromedp.CaptureScreenshot(&buf)); err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	path := filepath.Join(artifacts(t), name)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	return img
}

func awaitPromise(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }

// settle waits until the map is drawn: the page marks its map container
// aria-busy="true" from the moment the map moves or the page changes what
// it draws until MapLibre reports it idle (every tile loaded and drawn).
// Two animation frames first let a click's handlers run; two after, the
// frame reach the screen.
const settleJS = `new Promise((resolve) => {
	const el = document.querySelector('#map');
	const frames = (n, then) => (n ? requestAnimationFrame(() => frames(n - 1, then)) : then());
	const idle = () => el.getAttribute('aria-busy') === 'false';
	frames(2, () => {
		if (idle()) return frames(2, () => resolve(true));
		const obs = new MutationObserver(() => {
			if (idle()) { obs.disconnect(); frames(2, () => resolve(true)); }
		});
		obs.observe(el, { attributes: true, attributeFilter: ['aria-busy'] });
	});
})`

func settle(ctx context.Context) error {
	var ok bool
	return chromedp.Evaluate(settleJS, &ok, awaitPromise).Do(ctx)
}

// readyJS: the page marks the map container data-ready once the map has
// loaded.
const readyJS = `(document.querySelector('#map') || {dataset: {}}).dataset.ready === 'true'`

// webGLJS: the map's canvas holds a live WebGL context (a canvas with one
// has no 2d context to give; asking for the 2d one of a canvas without a
// context would make one and answer it).
const webGLJS = `(() => {
	const c = document.querySelector('#map canvas');
	if (!c || c.getContext('2d')) return false;
	const gl = c.getContext('webgl2') || c.getContext('webgl');
	return !!gl && !gl.isContextLost();
})()`

// jumpTo moves the map the way a shared link does: through the URL
// fragment the page keeps (#zoom/lat/lon, MapLibre's hash). It waits
// until MapLibre has taken it (its hashchange listener runs before this
// one) and the map is drawn there, then checks that the fragment the page
// keeps says so; a throttled rewrite of the fragment for an earlier move
// can slip in between, so it tries again then.
func jumpTo(lon, lat, zoom float64) chromedp.ActionFunc {
	return func(ctx context.Context) error {
		js := fmt.Sprintf(`new Promise((resolve) => {
			const want = '#%s/%s/%s';
			const go = () => { addEventListener('hashchange', () => resolve(true), { once: true }); location.hash = want; };
			if (location.hash === want) { addEventListener('hashchange', go, { once: true }); location.hash = ''; } else go();
		})`, strconv.FormatFloat(zoom, 'f', -1, 64), strconv.FormatFloat(lat, 'f', -1, 64), strconv.FormatFloat(lon, 'f', -1, 64))
		var err error
		for range 3 {
			var ok bool
			if err = chromedp.Evaluate(js, &ok, awaitPromise).Do(ctx); err != nil {
				return err
			}
			if err = settle(ctx); err != nil {
				return err
			}
			var v view
			if v, err = mapView(ctx); err != nil {
				return err
			}
			x, y := v.pixel(lon, lat)
			if math.Abs(v.Zoom-zoom) < 0.01 && math.Hypot(x-(v.X+v.W/2), y-(v.Y+v.H/2)) < 1 {
				return nil
			}
			err = fmt.Errorf("jump to %v, %v at zoom %v: the map is at %s", lon, lat, zoom, v.Hash)
			time.Sleep(400 * time.Millisecond) // past MapLibre's throttle of hash rewrites
		}
		return err
	}
}

// view is where the map is, as its page says in the URL fragment
// (#zoom/lat/lon, MapLibre's hash, rounded to well under a pixel), and
// where its canvas is on the screen.
type view struct {
	Hash       string
	Zoom       float64
	Lat, Lon   float64
	X, Y, W, H float64 // the canvas, in CSS pixels
}

func mapView(ctx context.Context) (view, error) {
	var v view
	err := chromedp.Evaluate(`(() => { const r = document.querySelector('#map canvas').getBoundingClientRect();
		return {Hash: location.hash, X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &v).Do(ctx)
	if err != nil {
		return v, err
	}
	parts := strings.Split(strings.TrimPrefix(v.Hash, "#"), "/")
	if len(parts) != 3 {
		return v, fmt.Errorf("the URL fragment %q is not #zoom/lat/lon of a map without bearing or pitch", v.Hash)
	}
	for i, dst := range []*float64{&v.Zoom, &v.Lat, &v.Lon} {
		if *dst, err = strconv.ParseFloat(parts[i], 64); err != nil {
			return v, fmt.Errorf("the URL fragment %q: %v", v.Hash, err)
		}
	}
	return v, nil
}

// mercator is Web Mercator as MapLibre draws it: a world 512·2^zoom CSS
// pixels wide, x east from lon -180, y south from lat 85.05°.
func mercator(lon, lat, zoom float64) (x, y float64) {
	world := 512 * math.Exp2(zoom)
	x = (lon + 180) / 360 * world
	y = (180 - 180/math.Pi*math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))) / 360 * world
	return x, y
}

// pixel is where (lon, lat) is on the screen: the canvas centre is the
// map's centre, unrotated and unpitched.
func (v view) pixel(lon, lat float64) (x, y float64) {
	px, py := mercator(lon, lat, v.Zoom)
	cx, cy := mercator(v.Lon, v.Lat, v.Zoom)
	return v.X + v.W/2 + px - cx, v.Y + v.H/2 + py - cy
}

// waitText polls the text of sel until it contains want.
func waitText(ctx context.Context, sel, want string) (string, error) {
	var text string
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if err := chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`(document.querySelector(%q)||{}).innerText||''`, sel), &text)); err != nil {
			return "", err
		}
		if strings.Contains(text, want) {
			return text, nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return text, fmt.Errorf("%s: %q does not appear in %q", sel, want, text)
}

// statusRGB are the parcel fill colours of web/src/mapstyle.js.
var statusRGB = map[string][3]int{
	zonegis.ParcelAvailable: {0x22, 0xc5, 0x5e},
	zonegis.ParcelReserved:  {0xf5, 0x9e, 0x0b},
	zonegis.ParcelLeased:    {0xef, 0x44, 0x44},
}

// countColours counts the pixels of img within r that are within tol (per
// channel) of each colour.
func countColours(img image.Image, r image.Rectangle, tol int) map[string]int {
	out := map[string]int{}
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			px := [3]int{int(cr >> 8), int(cg >> 8), int(cb >> 8)}
			for name, c := range statusRGB {
				if abs(px[0]-c[0]) <= tol && abs(px[1]-c[1]) <= tol && abs(px[2]-c[2]) <= tol {
					out[name]++
				}
			}
		}
	}
	return out
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// target is a parcel to click: a point surely inside it (PostGIS's
// ST_PointOnSurface) and what the details panel must show.
type target struct {
	id       int64
	lotCode  string
	status   string
	lon, lat float64
}

func parcelTarget(t *testing.T, db *postgis.DB, status string) target {
	t.Helper()
	var p target
	err := db.Pool().QueryRow(context.Background(), `
		SELECT p.id, p.lot_code, p.status, ST_X(ST_PointOnSurface(p.boundary)), ST_Y(ST_PointOnSurface(p.boundary))
		FROM parcels_now p JOIN zones z ON z.id = p.zone_id
		WHERE z.code = 'KCX-TAN-THUAN' AND p.status = $1
		ORDER BY p.area_m2 DESC, p.id LIMIT 1`, status).Scan(&p.id, &p.lotCode, &p.status, &p.lon, &p.lat)
	if err != nil {
		t.Fatalf("pick a %s parcel: %v", status, err)
	}
	return p
}

// TestBrowserApp drives the web map in headless Chromium: the page loads,
// parcels are drawn in their status colours (pixel check), clicking a
// parcel shows its details, "tan thuan" finds "Tân Thuận", the zone's
// dashboard shows its figures, a drawn polygon reports what it covers, a
// planner's key shows the confidential lease fields and English replaces
// Vietnamese. All of it under the page's Content-Security-Policy, which
// is reported violated not once, and the key is never kept in local
// storage. Screenshots go to test-artifacts/.
func TestBrowserApp(t *testing.T) {
	chromium(t) // skip or fail before starting PostGIS
	s := startServer(t)
	ctx := browser(t)
	csp := watchCSP(t, ctx)

	// 0. A key an older page left in local storage is removed on load.
	const staleKey = "zg_stale_key_from_local_storage"
	err := chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/app/config.json"),
		chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem('zonegis.apiKey', %q); true`, staleKey), nil),
	)
	if err != nil {
		t.Fatal(err)
	}

	// 1. The page loads and the map reports ready.
	var ready bool
	err = chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/app/"),
		chromedp.WaitVisible("#map canvas", chromedp.ByQuery),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
	)
	if err != nil {
		var errText string
		_ = chromedp.Run(ctx, chromedp.Evaluate(`document.body.dataset.mapError || ''`, &errText))
		t.Fatalf("map did not load: %v %s", err, errText)
	}
	var webgl bool
	if err := chromedp.Run(ctx, chromedp.Evaluate(webGLJS, &webgl)); err != nil || !webgl {
		t.Fatalf("no WebGL context: %v", err)
	}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-1-overview.png")
	if where := storedKey(t, ctx, staleKey); len(where) > 0 {
		t.Errorf("after loading the page, a key left in local storage is still kept: %v", where)
	}
	var role string
	if err := chromedp.Run(ctx, chromedp.Text("#role", &role, chromedp.ByQuery)); err != nil || role != "Công chúng" {
		t.Errorf("with the stale key removed, the role reads %q (%v); want the public one", role, err)
	}

	// 2. Zoom to a parcel: parcels are drawn in their status colours.
	avail := parcelTarget(t, s.db, zonegis.ParcelAvailable)
	err = chromedp.Run(ctx, jumpTo(avail.lon, avail.lat, 16.5))
	if err != nil {
		t.Fatal(err)
	}
	img := screenshot(t, ctx, "browser-2-parcels.png")
	var box struct{ X, Y, W, H float64 }
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const r = document.querySelector('#map').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &box)); err != nil {
		t.Fatal(err)
	}
	mapRect := image.Rect(int(box.X), int(box.Y), int(box.X+box.W), int(box.Y+box.H)).Intersect(img.Bounds())
	counts := countColours(img, mapRect, 12)
	total := counts[zonegis.ParcelAvailable] + counts[zonegis.ParcelReserved] + counts[zonegis.ParcelLeased]
	t.Logf("parcel pixels in a %dx%d map: %v", mapRect.Dx(), mapRect.Dy(), counts)
	if frac := float64(total) / float64(mapRect.Dx()*mapRect.Dy()); frac < 0.05 || counts[zonegis.ParcelAvailable] < 500 {
		t.Errorf("parcels hardly drawn: %v of %d pixels (%.1f%%)", counts, mapRect.Dx()*mapRect.Dy(), 100*frac)
	}

	// Unticking "leased" hides the leased parcels and only them.
	leasedBox := `#filters input[value="leased"]`
	if err := chromedp.Run(ctx, chromedp.Click(leasedBox, chromedp.ByQuery), chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	filtered := countColours(screenshot(t, ctx, "browser-2-filtered.png"), mapRect, 12)
	t.Logf("parcel pixels without leased: %v", filtered)
	if filtered[zonegis.ParcelLeased] > total/100 || filtered[zonegis.ParcelAvailable] < counts[zonegis.ParcelAvailable]/2 {
		t.Errorf("status filter: %v before, %v after unticking leased", counts, filtered)
	}
	if err := chromedp.Run(ctx, chromedp.Click(leasedBox, chromedp.ByQuery), chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}

	// 3. Click the parcel: the details panel shows its lot code and status.
	var pt struct{ X, Y float64 }
	click := func(lon, lat float64) {
		t.Helper()
		// Where the map shows (lon, lat) now, by Web Mercator from the
		// centre and zoom the page keeps in its URL.
		var v view
		err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) (err error) {
			v, err = mapView(ctx)
			return err
		}))
		if err != nil {
			t.Fatal(err)
		}
		pt.X, pt.Y = v.pixel(lon, lat)
		if err := chromedp.Run(ctx, chromedp.MouseClickXY(pt.X, pt.Y)); err != nil {
			t.Fatal(err)
		}
	}
	click(avail.lon, avail.lat)
	details, err := waitText(ctx, "#details", avail.lotCode)
	if err != nil {
		screenshot(t, ctx, "browser-3-details-failed.png")
		t.Fatalf("clicking parcel %d (%s) at %v: %v", avail.id, avail.lotCode, pt, err)
	}
	if !strings.Contains(details, "Còn trống") {
		t.Errorf("details of an available parcel: %q; want its status in Vietnamese", details)
	}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-3-details.png")

	// 4. Search without accents finds the zone with them.
	err = chromedp.Run(ctx,
		chromedp.Click("#tab-search", chromedp.ByQuery),
		chromedp.SendKeys("#search-input", "tan thuan", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	results, err := waitText(ctx, "#search-results", "Tân Thuận")
	if err != nil {
		screenshot(t, ctx, "browser-4-search-failed.png")
		t.Fatal(err)
	}
	t.Logf("search results: %q", results)
	screenshot(t, ctx, "browser-4-search.png")

	// 5. Picking the result opens the zone, with its board's name, and its
	// dashboard, with the figures of GET /stats/zones/{id}.
	zs := zoneStats(t, s.url, "KCX-TAN-THUAN", "")
	board := boardNamed(t, s.url, zs.BoardID)
	t.Logf("stats of %s: occupancy %v%%, green coverage %v%% (minimum %v%%, compliant %v), %d enterprises (%s), %d workers (%s)",
		zs.Code, deref(zs.OccupancyPct), deref(zs.GreenCoveragePct), zs.MinGreenPct, zs.GreenCompliant,
		zs.Enterprises, zs.EnterprisesSource, zs.Workers, zs.WorkersSource)
	err = chromedp.Run(ctx,
		chromedp.Click("#search-results button.result", chromedp.ByQuery),
		chromedp.Click("#tab-dashboard", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#details", "KCX-TAN-THUAN"); err != nil {
		t.Error(err)
	}
	checkZonePopup(t, ctx, board.NameVI, zs.BoardID)
	dash, err := waitText(ctx, "#dashboard", "Tỷ lệ lấp đầy")
	if err != nil {
		t.Error(err)
	}
	checkDashboard(t, ctx, s.url, zs, "vi")
	if !strings.Contains(dash, "Tỷ lệ cây xanh") || !strings.Contains(dash, "GeoJSON") {
		t.Errorf("dashboard: %q; want green coverage and export links", dash)
	}
	checkExports(t, ctx, s.url, zs.ZoneID)
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-5-dashboard.png")
	if err := chromedp.Run(ctx, chromedp.ScrollIntoView("#dashboard .exports", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-5-dashboard-exports.png")

	// 6. Draw a triangle over the parcel: the answer lists what it covers.
	var corners [3]struct{ X, Y float64 }
	actions := []chromedp.Action{
		chromedp.Click("#details .close", chromedp.ByQuery), // it would cover part of the map
		chromedp.Click("#tab-draw", chromedp.ByQuery),
		jumpTo(avail.lon, avail.lat, 16),
		chromedp.ActionFunc(func(ctx context.Context) error {
			v, err := mapView(ctx)
			if err != nil {
				return err
			}
			x, y := v.pixel(avail.lon, avail.lat)
			for i, d := range [][2]float64{{-140, -110}, {150, -90}, {0, 150}} {
				corners[i].X, corners[i].Y = x+d[0], y+d[1]
			}
			return nil
		}),
		chromedp.Click("#draw-start", chromedp.ByQuery),
	}
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
	for _, c := range corners {
		if err := chromedp.Run(ctx, chromedp.MouseClickXY(c.X, c.Y)); err != nil {
			t.Fatal(err)
		}
	}
	fctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	err = chromedp.Run(fctx, chromedp.Click("#draw-finish", chromedp.ByQuery))
	cancel()
	if err != nil {
		var dbg string
		_ = chromedp.Run(ctx, chromedp.Evaluate(`JSON.stringify({panel: document.querySelector('#panel-draw').hidden, html: document.querySelector('#panel-draw').outerHTML.slice(0, 400), drawing: document.body.classList.contains('drawing'), hash: location.hash})`, &dbg))
		screenshot(t, ctx, "browser-6-draw-failed.png")
		t.Fatalf("finish drawing: %v %s", err, dbg)
	}
	covered, err := waitText(ctx, "#draw-result", "Còn trống")
	if err != nil {
		t.Error(err)
	} else if !strings.Contains(covered, "Tân Thuận") {
		t.Errorf("drawn polygon covers %q; want the Tân Thuận zone", covered)
	}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-6-draw.png")

	// 7. The public sees a leased parcel's lessee but not the confidential
	// fields; a planner's key shows them (here in English).
	leased := parcelTarget(t, s.db, zonegis.ParcelLeased)
	err = chromedp.Run(ctx,
		chromedp.Click("#draw-clear", chromedp.ByQuery),
		jumpTo(leased.lon, leased.lat, 17),
	)
	if err != nil {
		t.Fatal(err)
	}
	click(leased.lon, leased.lat)
	public, err := waitText(ctx, "#details", "Vốn và liên hệ chỉ hiện cho cán bộ")
	if err != nil {
		t.Error(err)
	}
	if !strings.Contains(public, "Đã cho thuê") || strings.Contains(public, "Vốn đầu tư (USD)") {
		t.Errorf("public details of a leased parcel: %q", public)
	}
	key, _, err := s.db.CreateKey(context.Background(), "browser-test", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(ctx,
		chromedp.Click("#lang", chromedp.ByQuery),
		chromedp.Click("#account-box > summary", chromedp.ByQuery),
		chromedp.Click("#key-box summary", chromedp.ByQuery),
		chromedp.SendKeys("#key-input", key, chromedp.ByQuery),
		chromedp.Click("#key-save", chromedp.ByQuery),
		chromedp.Click("#account-box > summary", chromedp.ByQuery),
		chromedp.Click("#details .close", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if where := storedKey(t, ctx, key); len(where) != 1 || where[0] != "session:zonegis.apiKey" {
		t.Errorf("the planner's key is kept in %v; want session storage only", where)
	}
	click(leased.lon, leased.lat)
	if _, err := waitText(ctx, "#details", leased.lotCode); err != nil {
		t.Fatal(err)
	}
	planner, err := waitText(ctx, "#details", "Capital (USD) (confidential)")
	if err != nil {
		t.Error(err)
	}
	if !strings.Contains(planner, "Leased") || !strings.Contains(planner, "Contact") {
		t.Errorf("planner's details: %q; want English status and the contact", planner)
	}
	var tab string
	if err := chromedp.Run(ctx, chromedp.Text("#tab-sites", &tab, chromedp.ByQuery)); err != nil || tab != "Available land" {
		t.Errorf("sites tab reads %q (%v); want English", tab, err)
	}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-7-planner-en.png")

	// 8. Investors: available land near the map centre, at least 2 ha.
	err = chromedp.Run(ctx,
		chromedp.Click("#details .close", chromedp.ByQuery),
		chromedp.Click("#tab-sites", chromedp.ByQuery),
		chromedp.SendKeys("#sites-min", "2", chromedp.ByQuery),
		chromedp.Click("#sites-form button[type=submit]", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	sites, err := waitText(ctx, "#sites-results", avail.lotCode)
	if err != nil {
		t.Error(err)
	}
	if !strings.Contains(sites, "Tan Thuan Export Processing Zone") || !strings.Contains(sites, " km") {
		t.Errorf("available land: %q", sites)
	}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-8-sites-en.png")

	// 9. The zone again, in English: the board's English name, the
	// dashboard's labels, badge and sources in English.
	err = chromedp.Run(ctx,
		chromedp.Click("#tab-search", chromedp.ByQuery),
		chromedp.Click("#search-results button.result", chromedp.ByQuery),
		chromedp.Click("#tab-dashboard", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	checkZonePopup(t, ctx, board.NameEN, "")
	if _, err := waitText(ctx, "#dashboard", "Occupancy"); err != nil {
		t.Error(err)
	}
	// The planner's key is stored now: the dashboard shows exact capital.
	checkDashboard(t, ctx, s.url, zoneStats(t, s.url, "KCX-TAN-THUAN", key), "en")
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-9-dashboard-en.png")

	// 10. Nothing the page did broke its CSP; and the CSP is in force
	// (the page was served with it, and an inline script does not run),
	// which the watcher reports.
	events, logged := csp.violations(t, ctx)
	for v, n := range tally(events) {
		t.Errorf("CSP violation (%d×): %s", n, v)
	}
	for v, n := range tally(logged) {
		t.Errorf("CSP violation in the browser's log (%d×): %.300s", n, v)
	}
	var ran bool
	err = chromedp.Run(ctx, chromedp.Evaluate(`(() => { const s = document.createElement('script'); s.textContent = 'window.__inline = true'; document.head.append(s); return !!window.__inline; })()`, &ran))
	if err != nil {
		t.Fatal(err)
	}
	events, logged = csp.violations(t, ctx)
	if ran || len(events) != 1 || !strings.HasPrefix(events[0], "script-src-elem blocked inline") || len(logged) != 1 {
		t.Errorf("an inline script: ran %v, %d reports (last %q), %d logged; want it blocked, reported and logged once",
			ran, len(events), events[max(0, len(events)-1):], len(logged))
	}
}

// tally counts equal lines.
func tally(lines []string) map[string]int {
	n := map[string]int{}
	for _, l := range lines {
		n[l]++
	}
	return n
}

// zoneFigures are the fields of GET /stats/zones/{id} the dashboard shows.
type zoneFigures struct {
	ZoneID            int64    `json:"zone_id"`
	Code              string   `json:"code"`
	BoardID           string   `json:"board_id"`
	LeasableHa        float64  `json:"leasable_ha"`
	OccupancyPct      *float64 `json:"occupancy_pct"`
	GreenHa           float64  `json:"green_ha"`
	GreenCoveragePct  *float64 `json:"green_coverage_pct"`
	MinGreenPct       float64  `json:"min_green_pct"`
	GreenCompliant    bool     `json:"green_compliant"`
	Enterprises       int64    `json:"enterprises"`
	EnterprisesSource string   `json:"enterprises_source"`
	Workers           int64    `json:"workers"`
	WorkersSource     string   `json:"workers_source"`
	CapitalUSD        *float64 `json:"capital_usd"`
	CapitalRounding   *float64 `json:"capital_rounding_usd"`
	CapitalDisclosure string   `json:"capital_disclosure"`
}

// getDoc GETs url with the API key key ("" for none) into v.
func getDoc(t *testing.T, url string, v any, key ...string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(key) > 0 && key[0] != "" {
		req.Header.Set("Authorization", "Bearer "+key[0])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", url, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
}

// zoneStats fetches the server's figures for the zone with code, as the
// holder of key ("" for none) sees them.
func zoneStats(t *testing.T, base, code, key string) zoneFigures {
	t.Helper()
	var doc struct {
		Zone zoneFigures `json:"zone"`
	}
	getDoc(t, base+"/stats/zones/"+code, &doc, key)
	if doc.Zone.Code != code || doc.Zone.BoardID == "" {
		t.Fatalf("/stats/zones/%s: %+v; want the zone with a board", code, doc.Zone)
	}
	return doc.Zone
}

type boardNames struct {
	ID     string `json:"id"`
	NameVI string `json:"name_vi"`
	NameEN string `json:"name_en"`
}

// boardNamed fetches the board with id from GET /boards.
func boardNamed(t *testing.T, base, id string) boardNames {
	t.Helper()
	var doc struct {
		Boards []boardNames `json:"boards"`
	}
	getDoc(t, base+"/boards", &doc)
	for _, b := range doc.Boards {
		if b.ID == id {
			return b
		}
	}
	t.Fatalf("/boards: no board %q", id)
	return boardNames{}
}

// checkZonePopup: the zone's details name its board, not its id (notID;
// "" skips that check, as where the name itself contains the id).
func checkZonePopup(t *testing.T, ctx context.Context, name, notID string) {
	t.Helper()
	details, err := waitText(ctx, "#details", name)
	if err != nil {
		t.Errorf("zone details: %v", err)
		return
	}
	if notID != "" && strings.Contains(details, notID) {
		t.Errorf("zone details show the board id %q: %q", notID, details)
	}
}

// pctText is how the dashboard writes a percentage from 0 to 100: one
// decimal at most, a decimal comma in Vietnamese (spaces left out: the
// page's are compared without them).
func pctText(v *float64, lang string) string {
	if v == nil {
		return "–"
	}
	s := strconv.FormatFloat(math.Round(*v*10)/10, 'f', -1, 64)
	if lang == "vi" {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s + "%"
}

// intText writes an integer with the page's digit grouping.
func intText(v int64, lang string) string {
	sep := ","
	if lang == "vi" {
		sep = "."
	}
	s := strconv.FormatInt(v, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

var spaces = strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "")

// checkDashboard compares the dashboard with the server's figures: the
// occupancy and green coverage percentages, the compliance badge, the
// enterprises and workers with their sources, and the statistics CSV link.
func checkDashboard(t *testing.T, ctx context.Context, base string, zs zoneFigures, lang string) {
	t.Helper()
	words := map[string]map[string]string{
		"vi": {"ok": "Đạt", "fail": "Không đạt", "published": "công bố", "leases": "từ hợp đồng thuê", "csv": "Thống kê CSV",
			"rounded to": "làm tròn đến", "withheld: fewer than 3 lessees": "không công bố: dưới 3 bên thuê",
			"withheld: one lessee's total is larger than the rounding unit": "không công bố: tổng của một bên thuê lớn hơn đơn vị làm tròn"},
		"en": {"ok": "Compliant", "fail": "Not compliant", "published": "published", "leases": "from leases", "csv": "Statistics CSV",
			"rounded to": "rounded to", "withheld: fewer than 3 lessees": "withheld: fewer than 3 lessees",
			"withheld: one lessee's total is larger than the rounding unit": "withheld: one lessee's total is larger than the rounding unit"},
	}[lang]
	text := func(sel string) string {
		t.Helper()
		var s string
		if err := chromedp.Run(ctx, chromedp.Evaluate(fmt.Sprintf(`(document.querySelector(%q)||{}).innerText||''`, sel), &s)); err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(s)
	}
	for sel, v := range map[string]*float64{"#gauge-occupancy .gauge-value": zs.OccupancyPct, "#gauge-green .gauge-value": zs.GreenCoveragePct} {
		want := pctText(v, lang)
		if _, err := waitText(ctx, sel, strings.TrimSuffix(want, "%")); err != nil {
			t.Errorf("dashboard (%s): %v", lang, err)
			continue
		}
		if got := spaces.Replace(text(sel)); got != want {
			t.Errorf("dashboard (%s) %s reads %q; /stats/zones/%s says %v, so want %q", lang, sel, got, zs.Code, deref(v), want)
		}
	}
	badge, class := "✗ "+words["fail"], "badge fail"
	if zs.GreenCompliant {
		badge, class = "✓ "+words["ok"], "badge ok"
	}
	var gotClass string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector('#green-compliance')||{}).className||''`, &gotClass)); err != nil {
		t.Fatal(err)
	}
	if got := text("#green-compliance"); got != badge || gotClass != class {
		t.Errorf("compliance badge (%s): %q, class %q; green coverage %v%% against a minimum of %v%% wants %q, class %q",
			lang, got, gotClass, deref(zs.GreenCoveragePct), zs.MinGreenPct, badge, class)
	}
	if g := text("#gauge-green"); !strings.Contains(spaces.Replace(g), pctText(&zs.MinGreenPct, lang)) {
		t.Errorf("green gauge (%s): %q; want the minimum %v%%", lang, g, zs.MinGreenPct)
	}
	for id, f := range map[string]struct {
		n      int64
		source string
	}{"enterprises": {zs.Enterprises, zs.EnterprisesSource}, "workers": {zs.Workers, zs.WorkersSource}} {
		want := intText(f.n, lang) + " (" + words[f.source] + ")"
		if got := text("#fig-" + id); got != want {
			t.Errorf("dashboard (%s) %s: %q; want %q (source %q)", lang, id, got, want, f.source)
		}
	}
	// Capital as the server disclosed it to a reader without a key.
	wantCapital := words[zs.CapitalDisclosure]
	switch {
	case zs.CapitalDisclosure == "exact" && zs.CapitalUSD != nil:
		wantCapital = intText(int64(math.Round(*zs.CapitalUSD)), lang)
	case zs.CapitalDisclosure == "rounded" && zs.CapitalUSD != nil && zs.CapitalRounding != nil:
		wantCapital = "≈ " + intText(int64(*zs.CapitalUSD), lang) + " (" + words["rounded to"] + " " + intText(int64(*zs.CapitalRounding), lang) + ")"
	}
	if got := text("#fig-capital"); wantCapital == "" || spaces.Replace(got) != spaces.Replace(wantCapital) {
		t.Errorf("dashboard (%s) capital: %q; /stats/zones/%s says %v (%q, unit %v), so want %q",
			lang, got, zs.Code, deref(zs.CapitalUSD), zs.CapitalDisclosure, deref(zs.CapitalRounding), wantCapital)
	}
	var href string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(document.querySelector('#stats-csv')||{}).href||''`, &href)); err != nil {
		t.Fatal(err)
	}
	if want := fmt.Sprintf("%s/stats/zones/%d?f=csv&bom=true", base, zs.ZoneID); href != want || text("#stats-csv") != words["csv"] {
		t.Errorf("statistics CSV link (%s): %q to %q; want %q to %q", lang, text("#stats-csv"), href, words["csv"], want)
		return
	}
	res, err := http.Get(href)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") || !strings.Contains(string(body), zs.Code) {
		t.Errorf("GET %s: %s, %s, %.200q; want the zone's CSV", href, res.Status, res.Header.Get("Content-Type"), body)
	}
}

// checkExports: the dashboard links the zone's parcels and green areas
// as GeoJSON from the items and in every other format GET /enums lists
// for the exports, and each link answers with that format.
func checkExports(t *testing.T, ctx context.Context, base string, zoneID int64) {
	t.Helper()
	var enums struct {
		ExportFormats []string `json:"export_formats"`
	}
	getDoc(t, base+"/enums", &enums)
	var want []string
	for _, c := range []string{"parcels", "green-areas"} {
		want = append(want, fmt.Sprintf("%s/collections/%s/items?zone=%d&limit=10000&f=json", base, c, zoneID))
		for _, f := range enums.ExportFormats {
			if f == "csv" { // with a byte order mark, for Excel
				want = append(want, fmt.Sprintf("%s/collections/%s/export?f=%s&zone=%d&bom=true", base, c, f, zoneID))
			} else if f != "geojson" {
				want = append(want, fmt.Sprintf("%s/collections/%s/export?f=%s&zone=%d", base, c, f, zoneID))
			}
		}
	}
	var got []string
	if err := chromedp.Run(ctx, chromedp.Evaluate(`[...document.querySelectorAll('#dashboard .exports a:not(#stats-csv)')].map((a) => a.href)`, &got)); err != nil {
		t.Fatal(err)
	}
	if len(enums.ExportFormats) < 2 || !slices.Equal(got, want) {
		t.Errorf("export links %q; GET /enums lists %v, so want %q", got, enums.ExportFormats, want)
		return
	}
	for _, href := range got {
		res, err := http.Get(href)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			t.Errorf("GET %s: %s", href, res.Status)
		}
		if csv := strings.Contains(href, "f=csv"); csv != strings.HasPrefix(string(b), "\ufeff") {
			t.Errorf("GET %s: starts %q; a CSV download starts with a UTF-8 byte order mark, nothing else does", href, b[:min(len(b), 8)])
		}
	}
}

func deref(v *float64) any {
	if v == nil {
		return nil
	}
	return *v
}

// TestBrowserBasemapCSP: a base map on another origin (ZONEGIS_BASEMAP_URL)
// is drawn under the page's CSP, which names that origin, and breaks
// nothing of it. The API runs over an empty index: only the page and its
// base map matter here.
func TestBrowserBasemapCSP(t *testing.T) {
	chromium(t)
	var tilePNG bytes.Buffer
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for i := range img.Pix {
		img.Pix[i] = []uint8{0x12, 0x34, 0xab, 0xff}[i%4]
	}
	if err := png.Encode(&tilePNG, img); err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	served := 0
	basemap := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		served++
		mu.Unlock()
		w.Header().Set("Content-Type", "image/png")
		w.Header().Set("Access-Control-Allow-Origin", "*") // MapLibre fetches tiles with CORS
		w.Write(tilePNG.Bytes())                           //nolint:errcheck // test server
	}))
	t.Cleanup(basemap.Close)
	// localhost, not 127.0.0.1: another host as well as another port.
	tmpl := strings.Replace(basemap.URL, "127.0.0.1", "localhost", 1) + "/osm/{z}/{x}/{y}.png"
	ix := index.New()
	api := httptest.NewServer(httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{}), BasemapURL: tmpl, Version: "test"}))
	t.Cleanup(api.Close)

	ctx := browser(t)
	csp := watchCSP(t, ctx)
	var ready bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(api.URL+"/app/"),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.ActionFunc(settle),
	)
	if err != nil {
		t.Fatalf("map did not load: %v", err)
	}
	shot := screenshot(t, ctx, "browser-basemap.png")
	var box struct{ X, Y, W, H float64 }
	if err := chromedp.Run(ctx, chromedp.Evaluate(`(() => { const r = document.querySelector('#map').getBoundingClientRect(); return {X: r.x, Y: r.y, W: r.width, H: r.height}; })()`, &box)); err != nil {
		t.Fatal(err)
	}
	// The raster is drawn at 0.8 opacity over the #eef1ec background.
	blue := 0
	for y := int(box.Y); y < int(box.Y+box.H); y += 4 {
		for x := int(box.X); x < int(box.X+box.W); x += 4 {
			_, _, b, _ := shot.At(x, y).RGBA()
			r, _, _, _ := shot.At(x, y).RGBA()
			if b>>8 > 0xa0 && r>>8 < 0x60 {
				blue++
			}
		}
	}
	mu.Lock()
	n := served
	mu.Unlock()
	if n == 0 || blue < int(box.W*box.H/16/2) {
		t.Errorf("base map: %d tiles served, %d of %d sampled pixels drawn from them", n, blue, int(box.W*box.H/16))
	}
	events, logged := csp.violations(t, ctx)
	for v, k := range tally(events) {
		t.Errorf("CSP violation (%d×): %s", k, v)
	}
	for v, k := range tally(logged) {
		t.Errorf("CSP violation in the browser's log (%d×): %.300s", k, v)
	}
}
