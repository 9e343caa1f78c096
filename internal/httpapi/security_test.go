package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/web"
)

// directives splits a Content-Security-Policy into its directives.
func directives(t *testing.T, csp string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, d := range strings.Split(csp, ";") {
		f := strings.Fields(d)
		if len(f) == 0 {
			continue
		}
		if _, dup := out[f[0]]; dup {
			t.Errorf("CSP %q: directive %s twice", csp, f[0])
		}
		out[f[0]] = f[1:]
	}
	return out
}

// The web map's page is sent with a CSP that allows no inline script and
// no framing, with X-Frame-Options and a Referrer-Policy; every answer,
// API and page, says nosniff. (The browser test checks that the page works
// under this CSP: web/browser_test.go.)
func TestSecurityHeaders(t *testing.T) {
	srv := fuzzServer()
	page := do(srv, http.MethodGet, "/app/")
	if page.Code != http.StatusOK {
		t.Fatalf("GET /app/: %d %s", page.Code, page.Body)
	}
	h := page.Header()
	csp := directives(t, h.Get("Content-Security-Policy"))
	want := map[string]string{
		"default-src":     "'none'",
		"script-src":      "'self'",
		"style-src":       "'self'",
		"img-src":         "'self' data: blob:",
		"connect-src":     "'self'",
		"worker-src":      "blob:",
		"child-src":       "blob:",
		"frame-ancestors": "'none'",
		"base-uri":        "'none'",
		"form-action":     "'none'",
	}
	for d, v := range want {
		if got := strings.Join(csp[d], " "); got != v {
			t.Errorf("CSP %s %q; want %q (policy %q)", d, got, v, h.Get("Content-Security-Policy"))
		}
	}
	for d, vs := range csp {
		for _, v := range vs {
			if strings.Contains(v, "unsafe") {
				t.Errorf("CSP %s allows %s", d, v)
			}
		}
	}
	for k, v := range map[string]string{"X-Frame-Options": "DENY", "Referrer-Policy": "strict-origin-when-cross-origin", "X-Content-Type-Options": "nosniff"} {
		if got := h.Values(k); len(got) != 1 || got[0] != v {
			t.Errorf("GET /app/: %s %q; want %q", k, got, v)
		}
	}

	// nosniff on every answer: JSON, GeoJSON, tiles, problems, HEAD, and
	// with or without the middleware of browsers (Origin, gzip).
	for _, c := range []struct {
		method, path string
		hdr          map[string]string
	}{
		{"GET", "/collections/parcels/items?limit=1", nil},
		{"GET", "/collections/parcels/items?limit=1", map[string]string{"Origin": "https://a.example", "Accept-Encoding": "gzip"}},
		{"GET", "/query/at?lon=106.71&lat=10.76", nil},
		{"GET", "/tiles/all/0/0/0.mvt", nil},
		{"GET", "/app/config.json", nil},
		{"GET", "/no/such/path", nil},
		{"GET", "/collections/parcels/items?bogus=1", nil},
		{"HEAD", "/collections", nil},
		{"OPTIONS", "/collections", map[string]string{"Origin": "https://a.example", "Access-Control-Request-Method": "GET"}},
	} {
		req := httptest.NewRequest(c.method, c.path, nil)
		for k, v := range c.hdr {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		if got := w.Header().Values("X-Content-Type-Options"); len(got) != 1 || got[0] != "nosniff" {
			t.Errorf("%s %s (%v): %d, X-Content-Type-Options %q; want nosniff", c.method, c.path, c.hdr, w.Code, got)
		}
	}
}

// A base map on another host is allowed where the page loads it (images
// and fetches), and nothing else is; an unusable URL allows nothing.
func TestSecurityHeadersBasemap(t *testing.T) {
	for _, c := range []struct{ url, origin string }{
		{"https://tile.example.org/osm/{z}/{x}/{y}.png", "https://tile.example.org"},
		{"http://10.0.0.5:8081/{z}/{x}/{y}.png?key=s3cret", "http://10.0.0.5:8081"},
		{"HTTPS://Tiles.Example.org/{z}/{x}/{y}", "https://tiles.example.org"},
		{"/basemap/{z}/{x}/{y}.png", ""}, // same origin: 'self' covers it
	} {
		srv := New(withMemStore(Options{BasemapURL: c.url}))
		csp := directives(t, do(srv, http.MethodGet, "/app/").Header().Get("Content-Security-Policy"))
		wantImg, wantConnect := "'self' data: blob:", "'self'"
		if c.origin != "" {
			wantImg += " " + c.origin
			wantConnect += " " + c.origin
		}
		if got := strings.Join(csp["img-src"], " "); got != wantImg {
			t.Errorf("basemap %q: img-src %q; want %q", c.url, got, wantImg)
		}
		if got := strings.Join(csp["connect-src"], " "); got != wantConnect {
			t.Errorf("basemap %q: connect-src %q; want %q", c.url, got, wantConnect)
		}
		if got := strings.Join(csp["script-src"], " "); got != "'self'" {
			t.Errorf("basemap %q: script-src %q", c.url, got)
		}
	}
	for _, bad := range []string{"javascript:alert(1)", "https://{s}.tile.example.org/{z}/{x}/{y}.png", "ftp://x.example/{z}", "https:///{z}", "https://a.example;script-src *"} {
		if _, err := web.BasemapOrigin(bad); err == nil {
			t.Errorf("web.BasemapOrigin(%q): no error", bad)
		}
		srv := New(withMemStore(Options{BasemapURL: bad}))
		csp := do(srv, http.MethodGet, "/app/").Header().Get("Content-Security-Policy")
		d := directives(t, csp)
		if got := strings.Join(d["img-src"], " "); got != "'self' data: blob:" || strings.Join(d["script-src"], " ") != "'self'" {
			t.Errorf("basemap %q: CSP %q; want no other origin", bad, csp)
		}
	}
}
