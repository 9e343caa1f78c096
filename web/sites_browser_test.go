package web_test

import (
	"context"
	"fmt"
	"image"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// openApp loads the web map in lang ("vi" or "en") and waits for it.
func openApp(t *testing.T, ctx context.Context, base, lang string) {
	t.Helper()
	var ready bool
	err := chromedp.Run(ctx,
		chromedp.Navigate(base+"/app/config.json"),
		chromedp.Evaluate(fmt.Sprintf(`localStorage.setItem('zonegis.lang', %q); true`, lang), nil),
		chromedp.Navigate(base+"/app/"),
		chromedp.WaitVisible("#map canvas", chromedp.ByQuery),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.ActionFunc(settle),
	)
	if err != nil {
		t.Fatalf("load the app: %v", err)
	}
}

// eval runs js in the page into out, failing t on an error.
func eval(t *testing.T, ctx context.Context, js string, out any) {
	t.Helper()
	if err := chromedp.Run(ctx, chromedp.Evaluate(js, out)); err != nil {
		t.Fatalf("%s: %v", js, err)
	}
}

const resultIDsJS = `[...document.querySelectorAll('#sites-results button.result')].map((b) => Number(b.dataset.id))`

// TestBrowserSites: the investor search by province (issue 15, point 4),
// in English: the results are SQL's available parcels of the province's
// zones, largest first, with "Showing 50 of M"; clicking a result opens it
// without searching again (the list stays as it was, the focus goes to the
// details); the arrow keys move through the results, Enter opens one,
// Escape closes the details and gives the focus back; the search around a
// point draws its radius; at the national view an empty answer says what
// to do; a wrong API key is refused, not shown as set.
func TestBrowserSites(t *testing.T) {
	chromium(t)
	// Two zones of Hồ Chí Minh City: more available parcels than a page.
	s := startServer(t, "KCX-TAN-THUAN", "SHTP")
	ctx := browser(t)
	openApp(t, ctx, s.url, "en")

	var want []int64
	rows, err := s.db.Pool().Query(context.Background(), `SELECT p.id FROM parcels_now p JOIN zones z ON z.id = p.zone_id
		WHERE z.province = 'Thành phố Hồ Chí Minh' AND p.status = 'available' ORDER BY p.area_m2 DESC, p.id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		want = append(want, id)
	}
	if rows.Err() != nil || len(want) <= 50 {
		t.Fatalf("%d available parcels in Hồ Chí Minh City (%v): too few to see the answer cut at 50", len(want), rows.Err())
	}

	// The province list is in English; search by it alone.
	var option string
	eval(t, ctx, `document.querySelector('#sites-province option[value="79"]').textContent`, &option)
	if option != "Ho Chi Minh City" {
		t.Errorf("province 79 is listed as %q; want its English name", option)
	}
	err = chromedp.Run(ctx,
		chromedp.Click("#tab-sites", chromedp.ByQuery),
		chromedp.SetValue("#sites-province", "79", chromedp.ByQuery),
		chromedp.Click("#sites-near", chromedp.ByQuery), // not around a point
		chromedp.Click("#sites-form button[type=submit]", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	count, err := waitText(ctx, "#sites-count", fmt.Sprintf("Showing 50 of %d parcels", len(want)))
	if err != nil {
		t.Error(err)
	}
	var got []int64
	eval(t, ctx, resultIDsJS, &got)
	if !slices.Equal(got, want[:50]) {
		t.Errorf("results by province (%q):\n got %v\nwant %v (SQL: the province's available parcels, largest first)", count, got, want[:50])
	}
	var subs string
	eval(t, ctx, `document.querySelector('#sites-results').innerText`, &subs)
	if !strings.Contains(subs, "Ho Chi Minh City") || strings.Contains(subs, "Thành phố") || strings.Contains(subs, " km") {
		t.Errorf("results: %.300q; want the province in English and no distance", subs)
	}

	// Clicking a result opens it and leaves the list as it was.
	lot := func(id int64) string {
		var code string
		if err := s.db.Pool().QueryRow(context.Background(), `SELECT lot_code FROM parcels WHERE id = $1`, id).Scan(&code); err != nil {
			t.Fatal(err)
		}
		return code
	}
	var requests int
	eval(t, ctx, `performance.getEntriesByType('resource').filter((e) => e.name.includes('/query/sites')).length`, &requests)
	if err := chromedp.Run(ctx, chromedp.Click("#sites-results li:nth-child(3) button.result", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#details", lot(got[2])); err != nil {
		t.Error(err)
	}
	var after []int64
	var again int
	var focus string
	eval(t, ctx, resultIDsJS, &after)
	eval(t, ctx, `performance.getEntriesByType('resource').filter((e) => e.name.includes('/query/sites')).length`, &again)
	eval(t, ctx, `document.activeElement.closest('#details') ? document.activeElement.tagName : document.activeElement.outerHTML.slice(0, 80) + ' h2:' + (document.querySelector('#details h2')||{outerHTML:'none'}).outerHTML`, &focus)
	if !slices.Equal(after, got) || again != requests {
		t.Errorf("clicking a result searched again (%d → %d requests) or re-sorted the list:\n before %v\n after  %v", requests, again, got[:5], after[:5])
	}
	if focus != "H2" {
		t.Errorf("after opening a result the focus is on %q; want the details' heading", focus)
	}

	// The keyboard: ArrowDown ×3 from the first result, Enter, Escape.
	var active int64
	err = chromedp.Run(ctx,
		chromedp.Evaluate(`document.querySelector('#sites-results button.result').focus(); true`, nil),
		chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowDown), chromedp.KeyEvent(kb.ArrowUp),
		chromedp.KeyEvent(kb.ArrowDown),
		chromedp.Evaluate(`Number(document.activeElement.dataset.id || 0)`, &active),
	)
	if err != nil || active != got[3] {
		t.Errorf("arrow keys: the focus is on parcel %d (%v); want the 4th result, %d", active, err, got[3])
	}
	if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Enter)); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#details", lot(got[3])); err != nil {
		t.Errorf("Enter: %v", err)
	}
	eval(t, ctx, `document.activeElement.closest('#details') ? document.activeElement.tagName : ''`, &focus)
	if focus != "H2" {
		t.Errorf("Enter: focus %q, want the details' heading", focus)
	}
	var hidden bool
	err = chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape),
		chromedp.Evaluate(`document.querySelector('#details').hidden`, &hidden),
		chromedp.Evaluate(`Number(document.activeElement.dataset.id || 0)`, &active))
	if err != nil || !hidden || active != got[3] {
		t.Errorf("Escape: details hidden %v, focus on %d (%v); want hidden and the focus back on %d", hidden, active, err, got[3])
	}

	// Around a point: the radius is drawn (dashed #db2777) when searching.
	var c struct{ Lon, Lat float64 }
	if err := s.db.Pool().QueryRow(context.Background(), `SELECT ST_X(c), ST_Y(c) FROM (SELECT ST_Centroid(boundary) c FROM zones WHERE code = 'KCX-TAN-THUAN') x`).Scan(&c.Lon, &c.Lat); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, jumpTo(c.Lon, c.Lat, 12)); err != nil {
		t.Fatal(err)
	}
	before := radiusPixels(screenshot(t, ctx, "browser-sites-before-radius.png"))
	err = chromedp.Run(ctx,
		chromedp.SetValue("#sites-province", "", chromedp.ByQuery),
		chromedp.Click("#sites-near", chromedp.ByQuery),
		chromedp.SetValue("#sites-radius", "3", chromedp.ByQuery),
		chromedp.Click("#sites-form button[type=submit]", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#sites-results", " km"); err != nil {
		t.Error(err)
	}
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	drawn := radiusPixels(screenshot(t, ctx, "browser-sites-radius.png"))
	// A 3 km circle at zoom 12 (about 29 m a pixel here) is some 650 px
	// round, a dashed 2 px line: several hundred pixels of its colour.
	if drawn-before < 300 {
		t.Errorf("the search radius is not drawn: %d pixels of its colour, %d before", drawn, before)
	}

	// At the national view, nothing found says what to do.
	if err := chromedp.Run(ctx, jumpTo(112, 12, 5)); err != nil {
		t.Fatal(err)
	}
	err = chromedp.Run(ctx, chromedp.SetValue("#sites-radius", "1", chromedp.ByQuery),
		chromedp.Click("#sites-form button[type=submit]", chromedp.ByQuery))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#sites-results", "choose a province or region"); err != nil {
		t.Error(err)
	}

	// A wrong API key is refused and not shown as set.
	var role string
	err = chromedp.Run(ctx,
		chromedp.Click("#account-box > summary", chromedp.ByQuery),
		chromedp.Click("#key-box > summary", chromedp.ByQuery),
		chromedp.SendKeys("#key-input", "zg_wrong_key_0000", chromedp.ByQuery),
		chromedp.Click("#key-save", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#login-msg", "The API key is wrong"); err != nil {
		t.Error(err)
	}
	eval(t, ctx, `document.querySelector('#role').textContent`, &role)
	if role == "Key set" || role != "Public" {
		t.Errorf("after a wrong key the account reads %q; want Public", role)
	}
}

// radiusPixels counts the pixels of img within 24 per channel of the
// radius's line colour (#db2777, web/src/sites.js; no other layer's).
func radiusPixels(img image.Image) int {
	n := 0
	r := img.Bounds()
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			cr, cg, cb, _ := img.At(x, y).RGBA()
			if abs(int(cr>>8)-0xdb) <= 24 && abs(int(cg>>8)-0x27) <= 24 && abs(int(cb>>8)-0x77) <= 24 {
				n++
			}
		}
	}
	return n
}

// TestBrowserZoneCardPhone: after the board PATCHes a zone's investor
// facts, its card shows them (rent range and term, fee, power, water,
// wastewater, incentives in the UI language, contact) with the hectares
// left to lease from /stats; a fact not given reads "Not known yet". On a
// phone (390×844) the details are a bottom sheet under half the screen, the
// map keeps the rest; the screenshot is kept as an artifact.
func TestBrowserZoneCardPhone(t *testing.T) {
	chromium(t)
	s := startServer(t)
	key, _, err := s.db.CreateKey(context.Background(), "sites-browser-test", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	var zoneID int64
	if err := s.db.Pool().QueryRow(context.Background(), `SELECT id FROM zones WHERE code = 'KCX-TAN-THUAN'`).Scan(&zoneID); err != nil {
		t.Fatal(err)
	}
	body := `{"type": "Feature", "properties": {"rent_min_usd_m2": 180, "rent_max_usd_m2": 220, "rent_term_ends": [2041],
		"fee_usd_m2_year": 0.9, "power_mva": 126, "water_m3_day": 15000,
		"incentives_vi": "Miễn thuế thu nhập doanh nghiệp 4 năm", "incentives_en": "Four-year corporate income tax holiday",
		"contact_name": "Investment promotion (test)", "contact_email": "invest@example.vn", "contact_website": "https://example.vn"}}`
	req, _ := http.NewRequest(http.MethodPatch, fmt.Sprintf("%s/collections/zones/items/%d", s.url, zoneID), strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Content-Type", "application/geo+json")
	res, err := http.DefaultClient.Do(req)
	if err != nil || res.StatusCode != http.StatusOK {
		t.Fatalf("PATCH the zone's investor facts: %v %v", res.Status, err)
	}
	res.Body.Close()
	var left struct {
		Zone struct {
			AvailableHa float64 `json:"available_ha"`
			LeasableHa  float64 `json:"leasable_ha"`
		} `json:"zone"`
	}
	getDoc(t, s.url+"/stats/zones/KCX-TAN-THUAN", &left, "")

	ctx := browser(t)
	if err := chromedp.Run(ctx, chromedp.EmulateViewport(390, 844)); err != nil {
		t.Fatal(err)
	}
	openApp(t, ctx, s.url, "en")
	var folded bool
	eval(t, ctx, `document.body.classList.contains('side-folded')`, &folded)
	if !folded {
		t.Error("on a phone the sidebar starts folded away")
	}
	err = chromedp.Run(ctx,
		chromedp.Click("#side-toggle", chromedp.ByQuery),
		chromedp.Click("#tab-search", chromedp.ByQuery),
		chromedp.SendKeys("#search-input", "tan thuan", chromedp.ByQuery),
	)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#search-results", "Tan Thuan"); err != nil {
		t.Fatal(err)
	}

	if err := chromedp.Run(ctx, chromedp.Click("#search-results button.result", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	wantLeft := fmt.Sprintf("%s ha / %s ha", enNum(left.Zone.AvailableHa), enNum(left.Zone.LeasableHa))
	card, err := waitText(ctx, "#investor-facts", wantLeft)
	if err != nil {
		t.Error(err)
	}
	for _, want := range []string{"Land rent\t180–220 USD/m² for the lease term (to 2041)", "Management fee\t0.9 USD/m²/year",
		"Power capacity\t126 MVA", "Water supply\t15,000 m³/day", "Wastewater treatment\tNot known yet",
		"Investment incentives\tFour-year corporate income tax holiday", "invest@example.vn", "example.vn"} {
		if !strings.Contains(card, want) {
			t.Errorf("zone card lacks %q:\n%s", want, card)
		}
	}
	var box struct{ Top, Height, Screen, MapTop, CanvasH float64 }
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle)); err != nil {
		t.Fatal(err)
	}
	eval(t, ctx, `(() => { const r = document.querySelector('#details').getBoundingClientRect(), m = document.querySelector('#map canvas').getBoundingClientRect();
		return {Top: r.top, Height: r.height, Screen: innerHeight, MapTop: m.top, CanvasH: m.height}; })()`, &box)
	// The map keeps most of the screen: more of it shows above the sheet
	// than the sheet covers.
	if visible := min(box.Top, box.MapTop+box.CanvasH) - box.MapTop; visible <= box.Height {
		t.Errorf("phone: the map shows %.0f px above a %.0f px sheet (canvas from y=%.0f, %.0f px high); want it to keep most of the screen", visible, box.Height, box.MapTop, box.CanvasH)
	}
	dir := os.Getenv("ZONEGIS_ARTIFACTS")
	if dir == "" {
		dir = artifacts(t)
	}
	path := filepath.Join(dir, "browser-phone-390x844-zone-card.png")
	var png []byte
	if err := chromedp.Run(ctx, chromedp.ActionFunc(settle), chromedp.CaptureScreenshot(&png)); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, png, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("phone screenshot: %s (details sheet %.0f px of %.0f, from y=%.0f)", path, box.Height, box.Screen, box.Top)
	if box.Screen != 844 || box.Height <= 0 || box.Height >= box.Screen/2 || box.Top+box.Height < box.Screen-1 {
		t.Errorf("on a 390×844 phone the details are %.0f px high at y=%.0f of %.0f; want a bottom sheet under half the screen", box.Height, box.Top, box.Screen)
	}
	// Escape closes the sheet.
	var hidden bool
	if err := chromedp.Run(ctx, chromedp.KeyEvent(kb.Escape), chromedp.Evaluate(`document.querySelector('#details').hidden`, &hidden)); err != nil || !hidden {
		t.Errorf("Escape: details hidden %v (%v)", hidden, err)
	}
}

// enNum writes v as the English UI does (en-GB, at most 2 decimals).
func enNum(v float64) string {
	s := fmt.Sprintf("%.2f", v)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("." + frac)
	}
	return b.String()
}
