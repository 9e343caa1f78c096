package web_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	"image/png"
	"io"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// leasingDoc is GET /stats/leasing as the dashboard reads it.
type leasingDoc struct {
	PlanScope string `json:"plan_scope"`
	Periods   []struct {
		Period            string   `json:"period"`
		Year              int      `json:"year"`
		LeasedHa          float64  `json:"leased_ha"`
		PlanHa            *float64 `json:"plan_ha"`
		PlanHaPct         *float64 `json:"plan_ha_pct"`
		CapitalUSD        *float64 `json:"capital_usd"`
		CapitalDisclosure string   `json:"capital_disclosure"`
	} `json:"periods"`
}

// zonesDoc is GET /stats/zones as the dashboard reads it.
type zonesDoc struct {
	MinGreenPct float64 `json:"min_green_pct"`
	Items       []struct {
		ZoneID           int64    `json:"zone_id"`
		Code             string   `json:"code"`
		NameVI           string   `json:"name_vi"`
		OccupancyPct     *float64 `json:"occupancy_pct"`
		GreenCoveragePct *float64 `json:"green_coverage_pct"`
		GreenCompliant   bool     `json:"green_compliant"`
	} `json:"items"`
}

// numText is how the page writes v with at most digits decimals
// (Intl.NumberFormat: vi-VN groups with '.', decimals after ','; en-GB
// the other way round), spaces left out.
func numText(v float64, digits int, lang string) string {
	p := math.Pow(10, float64(digits))
	s := strconv.FormatFloat(math.Round(v*p)/p, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	neg := strings.HasPrefix(whole, "-")
	whole = strings.TrimPrefix(whole, "-")
	group, dec := ",", "."
	if lang == "vi" {
		group, dec = ".", ","
	}
	for i := len(whole) - 3; i > 0; i -= 3 {
		whole = whole[:i] + group + whole[i:]
	}
	if neg {
		whole = "-" + whole
	}
	if frac != "" {
		return whole + dec + frac
	}
	return whole
}

// TestBrowserDashboard drives the national and per-board dashboard in
// headless Chromium, without picking a zone: the leasing chart is drawn
// (pixels of its bars and of the plan line on its canvas), the leasing
// table shows GET /stats/leasing's figures and a percentage of plan equal
// to what SQL sums over the leases against the targets the test set; the
// zone table shows GET /stats/zones's figures and sorts by a column both
// ways; the PNG export is a PNG; the CSV links start with the byte order
// mark; colouring the zones by green compliance changes the map's pixels
// over a zone to the colour of its compliance and back; one board's
// scope shows that board's figures; English labels and number formats
// after the switch; a zone picked in the table offers its dossier; a
// planner's key shows exact capital. No CSP violation throughout.
func TestBrowserDashboard(t *testing.T) {
	chromium(t) // skip or fail before starting PostGIS
	s := startServer(t)
	bg := context.Background()
	pool := s.db.Pool()

	// Plan targets for the two latest years with leases, nationally.
	var before leasingDoc
	getDoc(t, s.url+"/stats/leasing?by=year", &before)
	var planned []int
	for i := len(before.Periods) - 1; i >= 0 && len(planned) < 2; i-- {
		if before.Periods[i].LeasedHa > 0 {
			planned = append(planned, before.Periods[i].Year)
		}
	}
	if len(planned) < 2 {
		t.Fatalf("the seed has leases in %d years; want 2 at least", len(planned))
	}
	planHa := map[int]float64{planned[0]: 12.5, planned[1]: 40}
	for y, ha := range planHa {
		if _, err := pool.Exec(bg, `INSERT INTO plan_targets (scope, scope_id, year, hectares, capital_usd) VALUES ('all', '', $1, $2, 5e7)`, y, ha); err != nil {
			t.Fatal(err)
		}
	}
	// Two zones alone where they are: no other zone, parcel or green area
	// in the largest circle inside each (a kilometre across at least), for
	// the map's pixels there. The first is made compliant: a
	// green area over the whole of it (the seed's zones have too little
	// green to comply).
	type lone struct {
		id        int64
		code      string
		lon, lat  float64
		radius    float64 // of the inscribed circle, degrees
		compliant bool
	}
	var lones []lone
	started := time.Now()
	rows, err := pool.Query(bg, `
		WITH c AS (SELECT z.id, z.code, (ST_MaximumInscribedCircle(z.boundary)).* , ST_Area(z.boundary::geography) AS a FROM zones z)
		SELECT c.id, c.code, ST_X(c.center), ST_Y(c.center), c.radius FROM c
		 WHERE c.radius >= 0.01
		   AND NOT EXISTS (SELECT 1 FROM zones o WHERE o.id <> c.id AND ST_DWithin(o.boundary, c.center, c.radius))
		   AND NOT EXISTS (SELECT 1 FROM parcels p WHERE ST_DWithin(p.boundary, c.center, c.radius))
		   AND NOT EXISTS (SELECT 1 FROM green_areas g WHERE ST_DWithin(g.boundary, c.center, c.radius))
		 ORDER BY c.a DESC, c.id LIMIT 2`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var l lone
		if err := rows.Scan(&l.id, &l.code, &l.lon, &l.lat, &l.radius); err != nil {
			t.Fatal(err)
		}
		lones = append(lones, l)
	}
	rows.Close()
	t.Logf("two lone zones found in %v", time.Since(started).Round(time.Millisecond))
	if len(lones) != 2 {
		t.Fatalf("%d zones alone where they are; want 2", len(lones))
	}
	if _, err := pool.Exec(bg, `INSERT INTO green_areas (zone_id, kind, name, synthetic, boundary)
		SELECT id, 'park', 'test park', true, ST_Multi(boundary) FROM zones WHERE id = $1`, lones[0].id); err != nil {
		t.Fatal(err)
	}

	var leasing leasingDoc
	getDoc(t, s.url+"/stats/leasing?by=year", &leasing)
	var zones zonesDoc
	getDoc(t, s.url+"/stats/zones", &zones)
	for i := range lones {
		for _, z := range zones.Items {
			if z.ZoneID == lones[i].id {
				lones[i].compliant = z.GreenCompliant
			}
		}
	}
	if !lones[0].compliant || lones[1].compliant {
		t.Fatalf("/stats/zones: %s compliant %v, %s compliant %v; want the one with a park over it only", lones[0].code, lones[0].compliant, lones[1].code, lones[1].compliant)
	}

	ctx := browser(t)
	csp := watchCSP(t, ctx)
	var ready bool
	octx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	err = chromedp.Run(octx,
		cdpbrowser.SetDownloadBehavior(cdpbrowser.SetDownloadBehaviorBehaviorDeny),
		chromedp.Navigate(s.url+"/app/"),
		chromedp.WaitVisible("#map canvas", chromedp.ByQuery),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.Click("#tab-dashboard", chromedp.ByQuery),
		chromedp.WaitVisible("#leasing-table tr[data-year]", chromedp.ByQuery),
		chromedp.WaitVisible("#zones-table tbody tr", chromedp.ByQuery),
	)
	if err != nil {
		screenshot(t, ctx, "browser-dashboard-failed.png")
		t.Fatalf("dashboard did not open from the national view: %v", err)
	}
	eval := func(js string, v any) {
		t.Helper()
		if err := chromedp.Run(ctx, chromedp.Evaluate(js, v)); err != nil {
			t.Fatalf("%.80s: %v", js, err)
		}
	}

	// 1. The charts are drawn: their canvases hold the bars' and the plan
	// line's colours (web/src/overview.js, mapstyle.js).
	pixels := func(sel, hex string) int {
		t.Helper()
		var n int
		eval(fmt.Sprintf(`(() => { const c = document.querySelector(%q); if (!c) return -1;
			const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
			const w = [0x%s, 0x%s, 0x%s]; let n = 0;
			for (let i = 0; i < d.length; i += 4) if (d[i+3] > 200 && Math.abs(d[i]-w[0]) <= 6 && Math.abs(d[i+1]-w[1]) <= 6 && Math.abs(d[i+2]-w[2]) <= 6) n++;
			return n; })()`, sel+" canvas", hex[1:3], hex[3:5], hex[5:7]), &n)
		return n
	}
	leasedBars, planLine := pixels("#chart-leasing", "#ef4444"), pixels("#chart-leasing", "#1d4ed8")
	greenBars := pixels("#chart-zones", "#166534")
	t.Logf("chart pixels: leased bars %d, plan line %d, zone green bars %d", leasedBars, planLine, greenBars)
	if leasedBars < 100 || planLine < 10 || greenBars < 20 {
		t.Errorf("charts hardly drawn: %d leased-bar, %d plan-line, %d green-bar pixels", leasedBars, planLine, greenBars)
	}
	// The bars are the API's: one for each year with leases, the highest
	// for the year with the most hectares (bars in the canvas' columns
	// that hold the bar colour, their height its pixels there).
	var bars []int
	eval(`(() => { const c = document.querySelector('#chart-leasing canvas');
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		const runs = []; let run = 0;
		for (let x = 0; x < c.width; x++) {
			let n = 0;
			for (let y = 0; y < c.height; y++) { const i = (y * c.width + x) * 4;
				if (d[i+3] > 200 && Math.abs(d[i]-0xef) <= 6 && Math.abs(d[i+1]-0x44) <= 6 && Math.abs(d[i+2]-0x44) <= 6) n++; }
			if (n) run = Math.max(run, n); else if (run) { runs.push(run); run = 0; }
		}
		if (run) runs.push(run);
		return runs; })()`, &bars)
	var leasedYears []float64
	for _, p := range leasing.Periods {
		if p.LeasedHa > 0 {
			leasedYears = append(leasedYears, p.LeasedHa)
		}
	}
	t.Logf("leasing chart: %d bars, %v px high", len(bars), bars)
	if len(bars) != len(leasedYears) {
		t.Errorf("leasing chart: %d bars; /stats/leasing has %d years with leases", len(bars), len(leasedYears))
	} else if a, b := argmax(bars), argmax(leasedYears); a != b {
		t.Errorf("leasing chart: bar %d of %d is the highest (%v px); /stats/leasing's highest is bar %d (%v ha)", a, len(bars), bars, b, leasedYears)
	}
	screenshot(t, ctx, "browser-dashboard-1-national.png")

	// 2. The leasing table says what the API says, and the % of plan is
	// what SQL sums over the leases against the targets set above.
	checkLeasing := func(doc leasingDoc, lang string) {
		t.Helper()
		var rows [][]string
		eval(`[...document.querySelectorAll('#leasing-table tr[data-year]')].map((tr) => [...tr.cells].map((c) => c.innerText.trim()))`, &rows)
		if len(rows) != len(doc.Periods) {
			t.Fatalf("leasing table (%s): %d rows; /stats/leasing has %d periods", lang, len(rows), len(doc.Periods))
		}
		withheld := map[string]string{"vi": "không công bố", "en": "withheld"}[lang]
		for i, p := range doc.Periods {
			want := []string{p.Period, numText(p.LeasedHa, 2, lang), "–", "–", withheld}
			if p.PlanHa != nil {
				want[2] = numText(*p.PlanHa, 2, lang)
			}
			if p.PlanHaPct != nil {
				want[3] = pctText(p.PlanHaPct, lang)
			}
			switch {
			case p.CapitalUSD != nil && p.CapitalDisclosure == "rounded":
				want[4] = "≈" + numText(*p.CapitalUSD, 0, lang)
			case p.CapitalUSD != nil:
				want[4] = numText(*p.CapitalUSD, 0, lang)
			}
			got := make([]string, len(rows[i]))
			for j, c := range rows[i] {
				got[j] = spaces.Replace(c)
			}
			for j := range want {
				want[j] = spaces.Replace(want[j])
			}
			if !slices.Equal(got, want) {
				t.Errorf("leasing table (%s) %s: %q; /stats/leasing says %q", lang, p.Period, got, want)
			}
		}
	}
	checkLeasing(leasing, "vi")
	for _, y := range planned {
		var sqlHa float64
		if err := pool.QueryRow(bg, `SELECT coalesce(sum(ST_Area(p.boundary::geography)), 0) / 10000 FROM leases l
			JOIN parcels p ON p.id = l.parcel_id WHERE date_part('year', l.start_date) = $1`, y).Scan(&sqlHa); err != nil {
			t.Fatal(err)
		}
		want := pctText(new(sqlHa/planHa[y]*100), "vi")
		var got string
		eval(fmt.Sprintf(`document.querySelector('#leasing-table tr[data-year="%d"]').cells[3].innerText`, y), &got)
		if spaces.Replace(got) != want {
			t.Errorf("%d: %q of plan; SQL sums %.4f ha of leases against a plan of %v ha, so want %q", y, got, sqlHa, planHa[y], want)
		}
	}

	// 3. The zone table: the API's figures, sorted by occupancy (highest
	// first), then by green coverage down and up when its heading is
	// clicked.
	order := func() []string {
		t.Helper()
		var codes []string
		eval(`[...document.querySelectorAll('#zones-table tbody tr')].map((tr) => tr.dataset.code)`, &codes)
		return codes
	}
	sorted := func(field string, dir float64) []string {
		items := slices.Clone(zones.Items)
		val := func(i int) *float64 {
			if field == "occupancy_pct" {
				return items[i].OccupancyPct
			}
			return items[i].GreenCoveragePct
		}
		idx := make([]int, len(items))
		for i := range idx {
			idx[i] = i
		}
		slices.SortStableFunc(idx, func(a, b int) int {
			va, vb := val(a), val(b)
			switch {
			case va == nil && vb == nil:
			case va == nil:
				return 1
			case vb == nil:
				return -1
			case *va != *vb:
				if (*va-*vb)*dir < 0 {
					return -1
				}
				return 1
			}
			return strings.Compare(items[a].Code, items[b].Code)
		})
		out := make([]string, len(idx))
		for i, j := range idx {
			out[i] = items[j].Code
		}
		return out
	}
	if got, want := order(), sorted("occupancy_pct", -1); !slices.Equal(got, want) {
		t.Errorf("zone table at first: %.6q…; want by occupancy, highest first: %.6q…", got, want)
	}
	for _, dir := range []float64{-1, 1} {
		if err := chromedp.Run(ctx, chromedp.Click(`#zones-table button[data-sort="green_coverage_pct"]`, chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
		if got, want := order(), sorted("green_coverage_pct", dir); !slices.Equal(got, want) {
			t.Errorf("zone table sorted by green coverage (%v): %.6q…; want %.6q…", dir, got, want)
		}
	}
	var aria string
	eval(`document.querySelector('#zones-table button[data-sort="green_coverage_pct"]').parentElement.getAttribute('aria-sort')`, &aria)
	if aria != "ascending" {
		t.Errorf("green coverage heading: aria-sort %q; want ascending", aria)
	}
	for _, z := range zones.Items {
		if z.Code != "KCX-TAN-THUAN" {
			continue
		}
		var cells []string
		eval(`[...document.querySelector('#zones-table tr[data-code="KCX-TAN-THUAN"]').cells].map((c) => c.innerText.trim())`, &cells)
		mark := "✗"
		if z.GreenCompliant {
			mark = "✓"
		}
		want := []string{z.NameVI, pctText(z.OccupancyPct, "vi"), pctText(z.GreenCoveragePct, "vi"), mark}
		for i := range cells {
			cells[i] = spaces.Replace(cells[i])
			want[i] = spaces.Replace(want[i])
		}
		if !slices.Equal(cells, want) {
			t.Errorf("zone table row of KCX-TAN-THUAN: %q; /stats/zones says %q", cells, want)
		}
	}

	if err := chromedp.Run(ctx, chromedp.ScrollIntoView("#chart-zones", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	screenshot(t, ctx, "browser-dashboard-1-zones.png")

	// 4. PNG export: the link the button sets is a PNG of the chart.
	var href string
	err = chromedp.Run(ctx, chromedp.Click("#png-leasing", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelector('#png-leasing').href`, &href))
	if err != nil {
		t.Fatal(err)
	}
	const prefix = "data:image/png;base64,"
	raw, err := base64.StdEncoding.DecodeString(strings.TrimPrefix(href, prefix))
	if !strings.HasPrefix(href, prefix) || err != nil || !bytes.HasPrefix(raw, []byte("\x89PNG\r\n\x1a\n")) {
		t.Errorf("PNG export: %.60q (%v); want a PNG", href, err)
	} else if img, err := png.Decode(bytes.NewReader(raw)); err != nil || img.Bounds().Dx() < 300 || redPixels(img) < 100 {
		t.Errorf("PNG export: %v, %v; want the chart with its bars", err, img.Bounds())
	}

	// 5. CSV downloads ask for the byte order mark, and get it.
	for _, id := range []string{"leasing-csv", "zones-csv", "boards-csv"} {
		var link string
		eval(fmt.Sprintf(`document.querySelector('#%s').href`, id), &link)
		res, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if !strings.Contains(link, "bom=true") || res.StatusCode != http.StatusOK || !bytes.HasPrefix(body, []byte("\ufeff")) {
			t.Errorf("%s: %s answers %s, starting %q; want a CSV with the byte order mark", id, link, res.Status, body[:min(8, len(body))])
		}
		if id == "zones-csv" && !strings.Contains(string(body), "Tân Thuận") {
			t.Errorf("%s: no Vietnamese zone name in %.200q", id, body)
		}
	}

	// 6. Green compliance on the map: the pixel over each lone zone turns
	// to its compliance colour, and back when the toggle is off. Below
	// zoom 10, where green areas and parcels are not drawn over it.
	jump := func(l lone) {
		t.Helper()
		if err := chromedp.Run(ctx, jumpTo(l.lon, l.lat, 9.9)); err != nil {
			t.Fatal(err)
		}
	}
	// mapPixels are the colours at 9 points of zone l's inscribed circle
	// (its centre and 8 around it at 0.6 of its radius: a label at the
	// centre, where MapLibre puts a polygon's, covers a few of them only).
	mapPixels := func(l lone, name string) [9][3]int {
		t.Helper()
		var v view
		if err := chromedp.Run(ctx, chromedp.ActionFunc(settle), chromedp.ActionFunc(func(ctx context.Context) (err error) { v, err = mapView(ctx); return err })); err != nil {
			t.Fatal(err)
		}
		img := screenshot(t, ctx, name)
		var out [9][3]int
		for i := range out {
			dx, dy := float64(i%3-1)*0.6*l.radius, float64(i/3-1)*0.6*l.radius
			x, y := v.pixel(l.lon+dx/math.Cos(l.lat*math.Pi/180), l.lat+dy)
			r, g, b, _ := img.At(int(x), int(y)).RGBA()
			out[i] = [3]int{int(r >> 8), int(g >> 8), int(b >> 8)}
		}
		return out
	}
	toggle := func() {
		t.Helper()
		if err := chromedp.Run(ctx, chromedp.Click("#compliance-toggle", chromedp.ByQuery)); err != nil {
			t.Fatal(err)
		}
	}
	// check: at 7 of the 9 points at least, the colour is compliance.js's
	// #15803d or #dc2626 at 0.75 over what was there.
	check := func(l lone, plain, coloured [9][3]int) {
		t.Helper()
		base := [3]int{0xdc, 0x26, 0x26}
		if l.compliant {
			base = [3]int{0x15, 0x80, 0x3d}
		}
		good := 0
		for i := range plain {
			ok := true
			for c := range base {
				want := int(math.Round(0.75*float64(base[c]) + 0.25*float64(plain[i][c])))
				ok = ok && abs(coloured[i][c]-want) <= 10
			}
			if ok {
				good++
			}
		}
		t.Logf("map pixels over %s (compliant %v): %v, coloured %v; %d of 9 as they should be", l.code, l.compliant, plain, coloured, good)
		if good < 7 {
			t.Errorf("green compliance on the map: over %s (compliant %v) %d of 9 pixels turned %v at 0.75 over what was there: %v, was %v",
				l.code, l.compliant, good, base, coloured, plain)
		}
	}
	same := func(a, b [9][3]int) int {
		n := 0
		for i := range a {
			if a[i] == b[i] {
				n++
			}
		}
		return n
	}
	jump(lones[0])
	plain := mapPixels(lones[0], "browser-dashboard-2-map.png")
	toggle()
	check(lones[0], plain, mapPixels(lones[0], "browser-dashboard-3-compliance.png"))
	toggle()
	if back := mapPixels(lones[0], "browser-dashboard-4-plain.png"); same(back, plain) < 7 {
		t.Errorf("compliance colouring off: the pixels over %s are %v; want %v again", lones[0].code, back, plain)
	}
	toggle()
	jump(lones[1])
	coloured := mapPixels(lones[1], "browser-dashboard-3-compliance-2.png")
	toggle()
	check(lones[1], mapPixels(lones[1], "browser-dashboard-4-plain-2.png"), coloured)

	// 7. One board's scope: its title, its zones, its leasing.
	var zs struct {
		BoardID string `json:"board_id"`
	}
	var one struct {
		Zone struct {
			BoardID string `json:"board_id"`
		} `json:"zone"`
	}
	getDoc(t, s.url+"/stats/zones/KCX-TAN-THUAN", &one)
	zs.BoardID = one.Zone.BoardID
	board := boardNamed(t, s.url, zs.BoardID)
	eval(fmt.Sprintf(`(() => { const s = document.querySelector('#dash-scope'); s.value = %q; s.dispatchEvent(new Event('change')); return true; })()`, zs.BoardID), nil)
	if _, err := waitText(ctx, "#overview-title", board.NameVI); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.WaitVisible("#leasing-table tr[data-year]", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	var boardLeasing leasingDoc
	getDoc(t, s.url+"/stats/leasing?by=year&board="+zs.BoardID, &boardLeasing)
	checkLeasing(boardLeasing, "vi")
	var boardZones zonesDoc
	getDoc(t, s.url+"/stats/zones?board="+zs.BoardID, &boardZones)
	var codes []string
	for _, z := range boardZones.Items {
		codes = append(codes, z.Code)
	}
	got := order()
	slices.Sort(codes)
	slices.Sort(got)
	if !slices.Equal(got, codes) || len(codes) == 0 {
		t.Errorf("board %s: the zone table lists %q; /stats/zones?board= lists %q", zs.BoardID, got, codes)
	}
	screenshot(t, ctx, "browser-dashboard-5-board.png")

	// 8. English: labels and number formats follow the language.
	if err := chromedp.Run(ctx, chromedp.Click("#lang", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#leasing-table", "% of plan"); err != nil {
		t.Error(err)
	}
	if err := chromedp.Run(ctx, chromedp.WaitVisible("#leasing-table tr[data-year]", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	checkLeasing(boardLeasing, "en")
	var label string
	eval(`document.querySelector('#zones-csv').innerText`, &label)
	if !strings.Contains(label, "Excel-ready CSV") {
		t.Errorf("zones CSV link reads %q; want the plain words", label)
	}
	screenshot(t, ctx, "browser-dashboard-6-en.png")

	// 9. A zone picked in the table: its dashboard and its card offer the
	// zone dossier in every export format, in plain words; back to the
	// board's figures.
	tt := zoneStats(t, s.url, "KCX-TAN-THUAN", "")
	if err := chromedp.Run(ctx, chromedp.Click(`#zones-table tr[data-code="KCX-TAN-THUAN"] button.link`, chromedp.ByQuery),
		chromedp.WaitVisible("#dashboard .dossier a", chromedp.ByQuery), chromedp.WaitVisible("#details .dossier a", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	var formats struct {
		ExportFormats []string `json:"export_formats"`
	}
	getDoc(t, s.url+"/enums", &formats)
	for _, where := range []string{"#dashboard", "#details"} {
		var links []struct{ Href, Text string }
		eval(fmt.Sprintf(`[...document.querySelectorAll('%s .dossier a')].map((a) => ({Href: a.href, Text: a.innerText}))`, where), &links)
		if len(links) != len(formats.ExportFormats) || len(links) < 2 {
			t.Errorf("%s: dossier links %v; GET /enums lists %v", where, links, formats.ExportFormats)
			continue
		}
		for i, f := range formats.ExportFormats {
			want := fmt.Sprintf("%s/zones/%d/dossier?f=%s", s.url, tt.ZoneID, f)
			if f == "csv" {
				want += "&bom=true"
			}
			if links[i].Href != want {
				t.Errorf("%s: dossier link %q; want %q", where, links[i].Href, want)
			}
			if plain := map[string]string{"csv": "Excel-ready CSV", "fgb": "FlatGeobuf for QGIS"}[f]; plain != "" && links[i].Text != plain {
				t.Errorf("%s: the %s dossier link reads %q; want %q", where, f, links[i].Text, plain)
			}
		}
	}
	var links []string
	eval(`[...document.querySelectorAll('#dashboard .dossier a')].map((a) => a.href)`, &links)
	for _, link := range links {
		res, err := http.Get(link)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		csv := strings.Contains(link, "f=csv")
		if res.StatusCode != http.StatusOK || csv != bytes.HasPrefix(body, []byte("\ufeff")) || (!strings.Contains(link, "f=fgb") && !bytes.Contains(body, []byte("KCX-TAN-THUAN"))) {
			t.Errorf("GET %s: %s, %d bytes starting %q; want the zone's dossier (a CSV with the byte order mark)", link, res.Status, len(body), body[:min(8, len(body))])
		}
	}
	screenshot(t, ctx, "browser-dashboard-7-zone.png")
	if err := chromedp.Run(ctx, chromedp.Click("#dashboard-back", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	if _, err := waitText(ctx, "#overview-title", board.NameEN); err != nil {
		t.Error(err)
	}

	// 10. A planner's key: the national capital per year is exact, as the
	// API gives it to that key.
	key, _, err := s.db.CreateKey(bg, "dashboard-test", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	eval(fmt.Sprintf(`(() => { sessionStorage.setItem('zonegis.apiKey', %q); const s = document.querySelector('#dash-scope');
		s.value = ''; s.dispatchEvent(new Event('change')); return true; })()`, key), nil)
	if _, err := waitText(ctx, "#overview-title", "Whole country"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.WaitVisible("#leasing-table tr[data-year]", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	var exact leasingDoc
	getDoc(t, s.url+"/stats/leasing?by=year", &exact, key)
	n := 0
	for _, p := range exact.Periods {
		if p.CapitalDisclosure == "exact" && p.CapitalUSD != nil && *p.CapitalUSD > 0 {
			n++
		}
	}
	if n == 0 {
		t.Fatalf("/stats/leasing to a planner's key: no exact capital in %+v", exact.Periods)
	}
	checkLeasing(exact, "en")

	events, logged := csp.violations(t, ctx)
	for v, n := range tally(events) {
		t.Errorf("CSP violation (%d×): %s", n, v)
	}
	for v, n := range tally(logged) {
		t.Errorf("CSP violation in the browser's log (%d×): %.300s", n, v)
	}
}

// argmax is the index of the largest value of vs (the first of equals).
func argmax[T int | float64](vs []T) int {
	best := 0
	for i, v := range vs {
		if v > vs[best] {
			best = i
		}
	}
	return best
}

// redPixels counts the pixels of img in the leased colour (#ef4444).
func redPixels(img image.Image) int {
	n := 0
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			r, g, bl, _ := img.At(x, y).RGBA()
			if abs(int(r>>8)-0xef) <= 6 && abs(int(g>>8)-0x44) <= 6 && abs(int(bl>>8)-0x44) <= 6 {
				n++
			}
		}
	}
	return n
}
