package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

func getWith(t *testing.T, url, accept string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// TestHTMLPages: the OGC read routes answer HTML to a browser's Accept and
// to f=html, JSON to GDAL's Accept and to f=json; every page is escaped (a
// zone named with a script shows as text), fetches nothing (its CSP allows
// only its own style), links to its JSON, and the items page has a table,
// a map and paging links that stay HTML.
func TestHTMLPages(t *testing.T) {
	const xss = `<script>alert("x")</script><img src=x onerror=alert(1)>`
	base := schemaServerNamed(t, xss)
	pages := map[string][]string{
		"/":                                {"zonegis", "© OpenStreetMap contributors", `href="/?f=json"`},
		"/conformance":                     {"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"},
		"/collections":                     {`href="collections/zones?f=html"`, "green-areas"},
		"/collections/zones":               {"Industrial zones", "/collections/zones/items?f=html"},
		"/collections/zones/items?limit=5": {"5 of 12 features", "<svg", "<path d=\"M", `rel="next"`, "limit=5&amp;offset=5", `href="items/1?f=html"`, "&lt;script&gt;"},
		"/collections/zones/items/1":       {"Feature 1", "<svg", "name_vi", "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;"},
		"/collections/parcels/items/1":     {"lot_code", "A-01"},
	}
	for path, want := range pages {
		for _, how := range []struct{ url, accept string }{{base + path, browserAccept}, {base + path + sep(path) + "f=html", ""}} {
			resp, body := getWith(t, how.url, how.accept)
			if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/html; charset=utf-8" {
				t.Errorf("GET %s (Accept %q): %d %s", how.url, how.accept, resp.StatusCode, resp.Header.Get("Content-Type"))
				continue
			}
			if csp := resp.Header.Get("Content-Security-Policy"); !strings.HasPrefix(csp, "default-src 'none'; style-src 'sha256-") {
				t.Errorf("GET %s: CSP %q", how.url, csp)
			}
			for _, w := range want {
				if !strings.Contains(body, w) {
					t.Errorf("GET %s: the page does not have %q:\n%.3000s", how.url, w, body)
				}
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "<img") || strings.Contains(body, "onerror=alert") && !strings.Contains(body, "&lt;img") {
				t.Errorf("GET %s: the zone's name is not escaped:\n%s", how.url, body)
			}
			if !strings.Contains(body, `<link rel="alternate" type="application/json"`) {
				t.Errorf("GET %s: no alternate link to the JSON", how.url)
			}
		}
		// GDAL's and QGIS's Accept, and f=json, still get JSON.
		for _, how := range []struct{ url, accept string }{{base + path, "application/geo+json, application/json"}, {base + path + sep(path) + "f=json", browserAccept}} {
			resp, _ := getWith(t, how.url, how.accept)
			if ct := resp.Header.Get("Content-Type"); resp.StatusCode != http.StatusOK || !strings.Contains(ct, "json") {
				t.Errorf("GET %s (Accept %q): %d %s, want JSON", how.url, how.accept, resp.StatusCode, ct)
			}
		}
	}
	// Problems stay problems; routes without HTML still refuse f=html.
	if resp, _ := getWith(t, base+"/collections/roads?f=html", ""); resp.StatusCode != http.StatusNotFound || resp.Header.Get("Content-Type") != "application/problem+json" {
		t.Errorf("unknown collection as HTML: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := getWith(t, base+"/collections/zones/items?limit=0&f=html", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("bad limit as HTML: %d", resp.StatusCode)
	}
	if resp, _ := getWith(t, base+"/enums?f=html", ""); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("/enums?f=html: %d, want 400", resp.StatusCode)
	}
	// The JSON links to its HTML.
	for path, want := range map[string]string{
		"/collections/zones/items?limit=2": `"href":"` + base + `/collections/zones/items?f=html&limit=2","rel":"alternate","type":"text/html"`,
		"/collections/zones/items/1":       `"href":"` + base + `/collections/zones/items/1?f=html","rel":"alternate","type":"text/html"`,
	} {
		if _, body := getWith(t, base+path, ""); !strings.Contains(body, want) {
			t.Errorf("%s has no alternate HTML link %s: %.600s", path, want, body)
		}
	}
	if _, body := getWith(t, base+"/collections/zones", ""); !strings.Contains(body, `"rel":"alternate","title":"Industrial zones (HTML)","type":"text/html"`) {
		t.Errorf("/collections/zones has no alternate HTML link: %s", body)
	}
}

func sep(path string) string {
	if strings.Contains(path, "?") {
		return "&"
	}
	return "?"
}
