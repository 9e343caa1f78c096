package web_test

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// investDoc is the part of GET /stats/investment the zone card shows.
type investDoc struct {
	Totals []struct {
		Group               string `json:"group"`
		ProjectsNew         int64  `json:"projects_new"`
		ProjectsNewFDI      int64  `json:"projects_new_fdi"`
		ProjectsNewDomestic int64  `json:"projects_new_domestic"`
		Workers             int64  `json:"workers"`
		WorkersForeign      int64  `json:"workers_foreign"`
		FDIInUSD            amount `json:"fdi_in_usd"`
		DomesticInUSD       amount `json:"domestic_in_usd"`
	} `json:"totals"`
}

type amount struct {
	Value      *string `json:"value"`
	Rounding   *string `json:"rounding"`
	Disclosure string  `json:"disclosure"`
}

// amountText is how the page writes a public money figure, in Vietnamese.
func amountText(t *testing.T, a amount) string {
	t.Helper()
	switch {
	case a.Value == nil && strings.HasPrefix(a.Disclosure, "withheld: fewer"):
		return "không công bố: dưới 3 doanh nghiệp"
	case a.Value == nil:
		return "không công bố: một doanh nghiệp lớn hơn đơn vị làm tròn"
	case a.Disclosure != "rounded":
		t.Fatalf("a public figure is %s", a.Disclosure)
	}
	v, err1 := strconv.ParseInt(*a.Value, 10, 64)
	u, err2 := strconv.ParseInt(*a.Rounding, 10, 64)
	if err1 != nil || err2 != nil {
		t.Fatalf("rounded figure %q to %q", *a.Value, *a.Rounding)
	}
	return "≈ " + intText(v, "vi") + " (làm tròn đến " + intText(u, "vi") + ")"
}

// TestBrowserZoneInvestment: the zone card and the dashboard show the
// zone's public investment figures (projects FDI and domestic, capital FDI
// and domestic in USD, workers) as GET /stats/investment gives them to
// the public: four FDI enterprises' capital rounded, one domestic
// enterprise's withheld.
func TestBrowserZoneInvestment(t *testing.T) {
	chromium(t)
	s := startServer(t)
	if _, err := s.db.Pool().Exec(context.Background(), `
	WITH e(n, country, origin, cur, capital, wvn, wf) AS (VALUES
	  (1, 'JP', 'fdi', 'USD', 4000000.00, 120, 5), (2, 'JP', 'fdi', 'USD', 3500000.00, 300, 0),
	  (3, 'KR', 'fdi', 'USD', 2000000.75, 80, 2), (4, 'SG', 'fdi', 'USD', 1000000.00, 45, 1),
	  (5, 'VN', 'domestic', 'VND', 50000000000.00, 210, 0)),
	ins AS (INSERT INTO enterprises (board_id, name_vi, country)
	        SELECT z.board_id, 'Doanh nghiệp thử ' || e.n, e.country FROM e, zones z WHERE z.code = 'KCX-TAN-THUAN' RETURNING id, name_vi)
	INSERT INTO projects (irc_number, irc_date, enterprise_id, zone_id, name_vi, origin, currency, capital, rate, rate_date, workers_vn, workers_foreign)
	SELECT 'BT-' || e.n, date '2024-03-01' + e.n * 40, ins.id, z.id, 'Dự án thử ' || e.n, e.origin, e.cur, e.capital, 25000, '2024-03-01', e.wvn, e.wf
	  FROM e JOIN ins ON ins.name_vi = 'Doanh nghiệp thử ' || e.n, zones z WHERE z.code = 'KCX-TAN-THUAN'`); err != nil {
		t.Fatal(err)
	}
	var doc investDoc
	getDoc(t, s.url+"/stats/investment?zone=KCX-TAN-THUAN", &doc)
	if len(doc.Totals) != 1 || doc.Totals[0].ProjectsNewFDI < 4 {
		t.Fatalf("the zone's investment: %+v", doc)
	}
	z := doc.Totals[0]
	want := map[string]string{
		"projects": intText(z.ProjectsNew, "vi") + " (FDI " + intText(z.ProjectsNewFDI, "vi") + " · trong nước " + intText(z.ProjectsNewDomestic, "vi") + ")",
		"fdi":      amountText(t, z.FDIInUSD),
		"domestic": amountText(t, z.DomesticInUSD),
		"workers":  intText(z.Workers, "vi") + " (nước ngoài " + intText(z.WorkersForeign, "vi") + ")",
	}
	t.Logf("the zone's public investment figures: %v", want)

	ctx := browser(t)
	var ready bool
	if err := chromedp.Run(ctx,
		chromedp.Navigate(s.url+"/app/"),
		chromedp.WaitVisible("#map canvas", chromedp.ByQuery),
		chromedp.Poll(readyJS, &ready, chromedp.WithPollingTimeout(60*time.Second)),
		chromedp.Click("#tab-search", chromedp.ByQuery),
		chromedp.SendKeys("#search-input", "tan thuan", chromedp.ByQuery),
	); err != nil {
		t.Fatalf("map did not load: %v", err)
	}
	if _, err := waitText(ctx, "#search-results", "Tân Thuận"); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Run(ctx, chromedp.Click("#search-results button.result", chromedp.ByQuery)); err != nil {
		t.Fatal(err)
	}
	for _, where := range []string{"card", "dash"} {
		for id, text := range want {
			sel := "#" + where + "-inv-" + id
			if got, err := waitText(ctx, sel, text); err != nil {
				screenshot(t, ctx, "browser-investment-failed.png")
				t.Errorf("%s: %v (want %q)", sel, err, got)
			}
		}
	}
	screenshot(t, ctx, "browser-investment.png")
}
