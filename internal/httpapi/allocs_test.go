package httpapi_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// sink is a ResponseWriter that keeps nothing: its header map is cleared,
// not made anew, and the body is dropped, so what a request allocates is
// the handler's own.
type sink struct {
	h    http.Header
	code int
	n    int
}

func (w *sink) Header() http.Header         { return w.h }
func (w *sink) WriteHeader(code int)        { w.code = code }
func (w *sink) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// The hot read routes allocate at most these many times a request, all
// of the API's middleware included (metrics, request id, CORS/gzip
// decision, authorization, problem mapping): a point lookup, a bbox page
// (its query parsed once, its links written in place: encode.PageLink)
// and a bbox page with a next link. An allocation that comes back into
// these paths fails here.
func TestHotReadAllocations(t *testing.T) {
	h, _ := benchServer(t)
	for _, c := range []struct {
		url  string
		most float64
	}{
		{"/query/at?lon=106.5505&lat=10.5505", 2},                                     // the request id and its header value
		{"/collections/parcels/items?bbox=106.55,10.55,106.558,10.558&limit=100", 16}, // 28 before encode.PageLink wrote in place
		{"/collections/parcels/items?bbox=106.55,10.55,106.558,10.558&limit=10", 16},  // 36 before
	} {
		r := httptest.NewRequest(http.MethodGet, c.url, nil)
		w := &sink{h: http.Header{}}
		serve := func() {
			clear(w.h)
			w.code, w.n = 0, 0
			h.ServeHTTP(w, r)
		}
		serve()
		if w.code != http.StatusOK || w.n == 0 {
			t.Fatalf("%s: %d, %d bytes", c.url, w.code, w.n)
		}
		if n := testing.AllocsPerRun(200, serve); n > c.most {
			t.Errorf("%s: %v allocations a request, want at most %v", c.url, n, c.most)
		}
	}
}
