package httpapi

import (
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The middleware chain is built once (see New); these check that every
// part of it still acts on every request: request ids, CORS, compression,
// HEAD, and the headers on error answers.
func TestMiddlewareChain(t *testing.T) {
	srv := fuzzServer()
	do := func(method, path string, hdr map[string]string) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, path, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		srv.ServeHTTP(w, req)
		return w
	}

	t.Run("request id", func(t *testing.T) {
		a, b := do("GET", "/query/at?lon=106.71&lat=10.76", nil), do("GET", "/query/at?lon=106.71&lat=10.76", nil)
		ida, idb := a.Header().Get("X-Request-Id"), b.Header().Get("X-Request-Id")
		if ida == "" || ida == idb {
			t.Errorf("request ids %q and %q: want two different ones", ida, idb)
		}
		if got := do("GET", "/collections", map[string]string{"X-Request-Id": "trace-42"}).Header().Get("X-Request-Id"); got != "trace-42" {
			t.Errorf("given X-Request-Id trace-42, answered %q", got)
		}
		for _, bad := range []string{"has space", "semi;colon", strings.Repeat("x", 129)} {
			if got := do("GET", "/collections", map[string]string{"X-Request-Id": bad}).Header().Get("X-Request-Id"); got == bad || got == "" {
				t.Errorf("given X-Request-Id %q, answered %q: want a fresh id", bad, got)
			}
		}
		nf := do("GET", "/no/such/path", nil)
		if nf.Code != http.StatusNotFound || nf.Header().Get("X-Request-Id") == "" ||
			!strings.HasPrefix(nf.Header().Get("Content-Type"), "application/problem+json") {
			t.Errorf("404: status %d, id %q, type %q", nf.Code, nf.Header().Get("X-Request-Id"), nf.Header().Get("Content-Type"))
		}
	})

	t.Run("cors", func(t *testing.T) {
		w := do("GET", "/collections/parcels/items?limit=1", map[string]string{"Origin": "https://map.example.org"})
		if w.Header().Get("Access-Control-Allow-Origin") != "*" || !strings.Contains(w.Header().Get("Access-Control-Expose-Headers"), "ETag") {
			t.Errorf("simple request: allow-origin %q, expose %q", w.Header().Get("Access-Control-Allow-Origin"), w.Header().Get("Access-Control-Expose-Headers"))
		}
		if v := strings.Join(w.Header().Values("Vary"), ","); !strings.Contains(v, "Origin") || !strings.Contains(v, "Accept-Encoding") {
			t.Errorf("Vary %q: want Origin and Accept-Encoding", v)
		}
		pre := do("OPTIONS", "/collections/parcels/items", map[string]string{"Origin": "https://map.example.org",
			"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization,content-type"})
		if pre.Code != http.StatusNoContent || !strings.Contains(pre.Header().Get("Access-Control-Allow-Methods"), "POST") ||
			!strings.Contains(strings.ToLower(pre.Header().Get("Access-Control-Allow-Headers")), "authorization") {
			t.Errorf("preflight: %d, methods %q, headers %q", pre.Code, pre.Header().Get("Access-Control-Allow-Methods"), pre.Header().Get("Access-Control-Allow-Headers"))
		}
		if w := do("GET", "/collections", nil); w.Header().Get("Access-Control-Allow-Origin") != "" {
			t.Errorf("no Origin, yet Access-Control-Allow-Origin %q", w.Header().Get("Access-Control-Allow-Origin"))
		}
	})

	t.Run("gzip", func(t *testing.T) {
		plain := do("GET", "/collections/parcels/items", nil)
		gz := do("GET", "/collections/parcels/items", map[string]string{"Accept-Encoding": "gzip"})
		if plain.Header().Get("Content-Encoding") != "" || gz.Header().Get("Content-Encoding") != "gzip" {
			t.Fatalf("Content-Encoding %q without gzip, %q with", plain.Header().Get("Content-Encoding"), gz.Header().Get("Content-Encoding"))
		}
		zr, err := gzip.NewReader(gz.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		// The timeStamp differs; the features must not.
		cut := func(s string) string { return s[strings.Index(s, `"features"`):] }
		if cut(string(body)) != cut(plain.Body.String()) {
			t.Error("gzip body differs from the plain one")
		}
	})

	t.Run("head", func(t *testing.T) {
		// Over a real connection: net/http eats a HEAD's body (a recorder
		// would keep it).
		ts := httptest.NewServer(srv)
		defer ts.Close()
		get, err := http.Get(ts.URL + "/collections/zones")
		if err != nil {
			t.Fatal(err)
		}
		get.Body.Close()
		head, err := http.Head(ts.URL + "/collections/zones")
		if err != nil {
			t.Fatal(err)
		}
		n, _ := io.Copy(io.Discard, head.Body)
		head.Body.Close()
		if head.StatusCode != http.StatusOK || n != 0 || head.Header.Get("Content-Type") != get.Header.Get("Content-Type") ||
			head.Header.Get("X-Request-Id") == "" {
			t.Errorf("HEAD: %d, %d body bytes, type %q (GET: %q), id %q", head.StatusCode, n,
				head.Header.Get("Content-Type"), get.Header.Get("Content-Type"), head.Header.Get("X-Request-Id"))
		}
	})
}

// A panicking handler is answered 500 (problem+json, "internal error"),
// and the server goes on.
func TestPanicIsAnInternalError(t *testing.T) {
	srv := fuzzServer()
	req := httptest.NewRequest("GET", "/collections", nil)
	w := httptest.NewRecorder()
	c := srv.echo.NewContext(req, w)
	c.SetHandler(func(echo.Context) error { panic("boom") })
	err := srv.front(c)
	if zonegis.ErrorCode(err) != zonegis.EINTERNAL {
		t.Fatalf("front: %v, want an internal error", err)
	}
	srv.echo.HTTPErrorHandler(err, c)
	if w.Code != http.StatusInternalServerError || !strings.Contains(w.Body.String(), "internal error") {
		t.Errorf("answered %d %s", w.Code, w.Body.String())
	}
	if w := do(srv, "GET", "/collections"); w.Code != http.StatusOK {
		t.Errorf("after the panic: %d", w.Code)
	}
}

func do(srv *Server, method, path string) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	srv.ServeHTTP(w, httptest.NewRequest(method, path, nil))
	return w
}

// Over a real connection every uncompressed body goes out with its
// length, not chunked: small ones get it from net/http, larger ones from
// httpx.WriteBytes. (Compressed ones are chunked: their length is not known
// until they are written.)
func TestBodiesCarryTheirLength(t *testing.T) {
	ts := httptest.NewServer(fuzzServer())
	defer ts.Close()
	for _, path := range []string{"/query/at?lon=106.71&lat=10.76", "/collections/parcels/items?limit=40", "/collections"} {
		req, _ := http.NewRequest(http.MethodGet, ts.URL+path, nil)
		req.Header.Set("Accept-Encoding", "identity")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.ContentLength != int64(len(body)) || len(resp.TransferEncoding) > 0 {
			t.Errorf("%s: Content-Length %d for %d bytes, transfer encoding %v", path, resp.ContentLength, len(body), resp.TransferEncoding)
		}
		if path == "/collections/parcels/items?limit=40" && len(body) < httpx.SmallBody {
			t.Errorf("%s: %d bytes; the test wants a body over %d", path, len(body), httpx.SmallBody)
		}
		head, err := http.Head(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		head.Body.Close()
		if head.StatusCode != http.StatusOK || head.ContentLength != int64(len(body)) {
			t.Errorf("HEAD %s: %d, Content-Length %d; GET sends %d bytes", path, head.StatusCode, head.ContentLength, len(body))
		}
	}
}
