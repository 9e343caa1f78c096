package web_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"io/fs"
	"math"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/tiles"
	"github.com/zonegis/zonegis/internal/zonegis"
	"github.com/zonegis/zonegis/web"
)

// contextServer is the API over an in-memory index of two zones, Tân
// Thuận EPZ (with an English name and a parcel) and Linh Trung I, with
// the tile cache: no database needed for what these tests look at.
func contextServer(t *testing.T) string {
	t.Helper()
	sq := func(x, y, d float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
	}
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{
		{ID: 1, Code: "KCX-TAN-THUAN", NameVI: "Khu chế xuất Tân Thuận", NameEN: "Tan Thuan Export Processing Zone", Kind: zonegis.KindExportProcessingZone,
			Status: "operating", Province: "Thành phố Hồ Chí Minh", Boundary: sq(106.72, 10.75, 0.02), AreaM2: 3e6},
		{ID: 2, Code: "KCX-LINH-TRUNG-1", NameVI: "Khu chế xuất Linh Trung I", Kind: zonegis.KindExportProcessingZone,
			Status: "operating", Province: "Thành phố Hồ Chí Minh", Boundary: sq(106.77, 10.86, 0.01), AreaM2: 6e5},
	}, []*zonegis.Parcel{{ID: 7, ZoneID: 1, LotCode: "L0007", Status: zonegis.ParcelAvailable, LandUse: "industrial", AreaM2: 20000, Boundary: sq(106.725, 10.755, 0.002)}}, nil)
	ts := tiles.New(ix, tiles.Options{CacheBytes: tiles.DefaultCacheBytes})
	api := httptest.NewServer(httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{}), Tiles: ts, Version: "test"}))
	t.Cleanup(api.Close)
	return api.URL
}

// requestLog records every request the browser makes, the page's and its
// workers' (MapLibre fetches tiles from workers, which DevTools' network
// events of the page do not show): the browser is given a proxy for every
// host, loopback included, which forwards to origin only and refuses the
// rest.
type requestLog struct {
	mu   sync.Mutex
	urls []string
}

func proxyFor(t *testing.T, origin string) (*requestLog, chromedp.ExecAllocatorOption, chromedp.ExecAllocatorOption) {
	t.Helper()
	target, err := url.Parse(origin)
	if err != nil {
		t.Fatal(err)
	}
	r := &requestLog{}
	fwd := httputil.NewSingleHostReverseProxy(target)
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		u := req.URL.String()
		if req.Method == http.MethodConnect {
			u = "https://" + req.Host + "/"
		}
		r.mu.Lock()
		r.urls = append(r.urls, u)
		r.mu.Unlock()
		if req.Method == http.MethodConnect || req.URL.Host != target.Host {
			http.Error(w, "not this test's server", http.StatusBadGateway)
			return
		}
		fwd.ServeHTTP(w, req)
	}))
	t.Cleanup(proxy.Close)
	// <-loopback: send loopback addresses through the proxy too.
	return r, chromedp.ProxyServer(proxy.URL), chromedp.Flag("proxy-bypass-list", "<-loopback>")
}

// quietBrowser turns off what Chromium itself asks of Google's servers
// (component and time updates, autofill, sign-in), which the proxy would
// count: chromedp's own disable-features list and these.
var quietBrowser = []chromedp.ExecAllocatorOption{
	chromedp.Flag("disable-features", "site-per-process,Translate,BlinkGenPropertyTrees,AutofillServerCommunication,NetworkTimeServiceQuerying,"+
		"OptimizationHints,MediaRouter,CertificateTransparencyComponentUpdater,PasswordLeakDetection,SafeBrowsing,InterestFeedContentSuggestions"),
	chromedp.Flag("disable-domain-reliability", true),
	chromedp.Flag("disable-client-side-phishing-detection", true),
	chromedp.Flag("safebrowsing-disable-auto-update", true),
	chromedp.Flag("no-pings", true),
	chromedp.Flag("disable-signin-frame-client-certs", true),
}

// browserOwn are the hosts headless Chromium asks for itself, whatever
// the page, despite quietBrowser (its component updater, Google sign-in
// of a fresh profile): not the page's requests, so not counted, provided
// that nothing of the page names them (TestBrowserContextOffline checks
// the bundle).
var browserOwn = []string{"update.googleapis.com", "accounts.google.com", "clients2.google.com", "content-autofill.googleapis.com"}

// outside is every recorded request that does not go to origin, but for
// the browser's own.
func (r *requestLog) outside(origin string) (out []string, all []string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, u := range r.urls {
		if strings.HasPrefix(u, origin+"/") {
			continue
		}
		if pu, err := url.Parse(u); err == nil && slices.Contains(browserOwn, pu.Hostname()) {
			continue
		}
		out = append(out, u)
	}
	return out, append([]string(nil), r.urls...)
}

func near(c color.Color, hex string, tol int) bool {
	var want [3]int
	fmt.Sscanf(hex, "#%02x%02x%02x", &want[0], &want[1], &want[2]) //nolint:errcheck // constants of the test
	r, g, b, _ := c.RGBA()
	return abs(int(r>>8)-want[0]) <= tol && abs(int(g>>8)-want[1]) <= tol && abs(int(b>>8)-want[2]) <= tol
}

// TestBrowserContextOffline (issue 15): the provinces draw as the land
// over the sea's colour, with their boundaries, where no zone is (Lai
// Châu and Điện Biên, in the north-west); their names are drawn with the
// server's glyphs; and the page makes no request to any other host.
func TestBrowserContextOffline(t *testing.T) {
	chromium(t)
	base := contextServer(t)
	reqs, viaProxy, noBypass := proxyFor(t, base)
	ctx := browser(t, append(quietBrowser, viaProxy, noBypass)...)
	var ready bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/app/?lang=en#6/21/105.5"),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.ActionFunc(settle),
	)
	if err != nil {
		t.Fatalf("map did not load: %v", err)
	}
	var v view
	if err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) (err error) { v, err = mapView(ctx); return err })); err != nil {
		t.Fatal(err)
	}
	shot := screenshot(t, ctx, "browser-context.png")
	// The land of Lai Châu / Điện Biên (no zone there) and the sea of the
	// Gulf of Tonkin, sampled over 5×5 pixels.
	sample := func(lon, lat float64, hex string) int {
		x, y := v.pixel(lon, lat)
		n := 0
		for dy := -2; dy <= 2; dy++ {
			for dx := -2; dx <= 2; dx++ {
				if near(shot.At(int(x)+dx, int(y)+dy), hex, 6) {
					n++
				}
			}
		}
		return n
	}
	if n := sample(103.1, 22.1, "#eef1ec"); n < 20 {
		t.Errorf("Lai Châu: %d of 25 pixels the land's colour", n)
	}
	if n := sample(107.3, 19.3, "#cfe0ea"); n < 20 {
		t.Errorf("the Gulf of Tonkin: %d of 25 pixels the sea's colour", n)
	}
	// Province boundaries and names: boundary-grey pixels, and dark
	// grey text (only labels are drawn in near-neutral dark grey), away
	// from the map's controls, scale and attribution at its edges.
	mapRect := image.Rect(int(v.X)+60, int(v.Y)+60, int(v.X+v.W)-60, int(v.Y+v.H)-60)
	lines, text := 0, 0
	for y := mapRect.Min.Y; y < mapRect.Max.Y; y++ {
		for x := mapRect.Min.X; x < mapRect.Max.X; x++ {
			c := shot.At(x, y)
			if near(c, "#7c8797", 24) {
				lines++
			}
			r, g, b, _ := c.RGBA()
			if r>>8 < 0x70 && g>>8 < 0x70 && b>>8 < 0x80 && abs(int(r>>8)-int(b>>8)) < 40 {
				text++
			}
		}
	}
	if lines < 500 {
		t.Errorf("%d pixels of province boundaries", lines)
	}
	if text < 300 {
		t.Errorf("%d pixels of label text: the names are not drawn", text)
	}
	// The hosts left out as the browser's own are named nowhere in the page.
	err = fs.WalkDir(web.Dist(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(web.Dist(), p)
		for _, h := range browserOwn {
			if bytes.Contains(b, []byte(h)) {
				t.Errorf("the bundle's %s names %s", p, h)
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	out, all := reqs.outside(base)
	for _, u := range out {
		t.Errorf("a request to another host: %s", u)
	}
	var tilesSeen, glyphsSeen bool
	for _, u := range all {
		tilesSeen = tilesSeen || strings.Contains(u, "/tiles/provinces/")
		glyphsSeen = glyphsSeen || strings.Contains(u, "/app/assets/glyphs-NotoSans-Regular-0-255.pbf")
	}
	if !tilesSeen || !glyphsSeen {
		t.Errorf("the log has no province tile (%v) or glyph range (%v): it misses requests; %d requests", tilesSeen, glyphsSeen, len(all))
	}
	t.Logf("%d requests, all to the server", len(all))
}

// TestBrowserSharedLink (issue 15): a view (English, a zone open, the
// dashboard tab, a search) shared as a link with ?fbclid= added, opened in
// a fresh browser whose own language is Vietnamese, opens the same view:
// language, zone, tab, search and map position; the fbclid is dropped.
func TestBrowserSharedLink(t *testing.T) {
	chromium(t)
	base := contextServer(t)
	ctx := browser(t)
	var ready bool
	var shared string
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/app/?lang=en#13/10.76/106.73"),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.ActionFunc(settle),
		chromedp.SendKeys("#search-input", "tan thuan"),
		chromedp.Click("#search-results button.result", chromedp.NodeVisible),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := waitText(ctx, "#details", "Tan Thuan Export Processing Zone")
			return err
		}),
		chromedp.Click("#tab-dashboard"),
		chromedp.ActionFunc(settle),
		chromedp.Sleep(600*time.Millisecond), // past MapLibre's throttled hash rewrite
		chromedp.Evaluate(`location.href`, &shared),
	)
	if err != nil {
		t.Fatalf("building the view: %v", err)
	}
	u, err := url.Parse(shared)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if q.Get("lang") != "en" || q.Get("zone") != "1" || q.Get("tab") != "dashboard" || q.Get("q") != "tan thuan" || u.Fragment == "" {
		t.Fatalf("the page's URL does not hold its view: %s", shared)
	}
	q.Set("fbclid", "IwAR2xH_e-Mk7Qv0")
	u.RawQuery = q.Encode()
	link := u.String()

	fresh := browser(t) // a new profile: no language stored
	var got struct {
		Lang, Tab, Search, Details, Href string
	}
	err = chromedp.Run(fresh,
		chromedp.Navigate(link),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.ActionFunc(settle),
		chromedp.ActionFunc(func(ctx context.Context) error {
			_, err := waitText(ctx, "#details", "Tan Thuan Export Processing Zone")
			return err
		}),
		chromedp.Evaluate(`({Lang: document.documentElement.lang, Tab: document.querySelector('#tabs [aria-selected=true]')?.dataset.tab,
			Search: document.querySelector('#search-input').value, Details: document.querySelector('#details').innerText, Href: location.href})`, &got),
	)
	if err != nil {
		t.Fatalf("opening %s: %v", link, err)
	}
	if got.Lang != "en" || got.Tab != "dashboard" || got.Search != "tan thuan" || !strings.Contains(got.Details, "Khu chế xuất Tân Thuận") {
		t.Errorf("the shared link opened %+v", got)
	}
	v1, v2 := hashView(t, shared), hashView(t, got.Href)
	if math.Abs(v1[0]-v2[0]) > 0.01 || math.Abs(v1[1]-v2[1]) > 1e-4 || math.Abs(v1[2]-v2[2]) > 1e-4 {
		t.Errorf("map position: shared %v, opened %v", v1, v2)
	}
	if strings.Contains(got.Href, "fbclid") {
		t.Errorf("the page kept the link's fbclid: %s", got.Href)
	}
}

// hashView is the #zoom/lat/lon of a URL.
func hashView(t *testing.T, s string) [3]float64 {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	var v [3]float64
	if _, err := fmt.Sscanf(strings.ReplaceAll(u.Fragment, "/", " "), "%g %g %g", &v[0], &v[1], &v[2]); err != nil {
		t.Fatalf("%s: %v", s, err)
	}
	return v
}
