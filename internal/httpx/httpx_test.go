package httpx

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func newContext(method, body string, hdr ...string) echo.Context {
	req := httptest.NewRequest(method, "/", strings.NewReader(body))
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	return echo.New().NewContext(req, httptest.NewRecorder())
}

// One more heavy request than the limit is answered at once with
// EUNAVAILABLE naming the limit; a released slot is free again.
func TestLimit(t *testing.T) {
	l := NewLimit(2, "heavy things")
	r1, err1 := l.Acquire()
	r2, err2 := l.Acquire()
	if err1 != nil || err2 != nil {
		t.Fatalf("two slots of two: %v, %v", err1, err2)
	}
	_, err := l.Acquire()
	if zonegis.ErrorCode(err) != zonegis.EUNAVAILABLE ||
		zonegis.ErrorMessage(err) != "the server is busy with 2 heavy things; try again in a few seconds" {
		t.Errorf("third: %v", err)
	}
	r1()
	if r, err := l.Acquire(); err != nil {
		t.Errorf("after a release: %v", err)
	} else {
		r()
	}
	r2()
	ran := false
	h := l.Wrap(func(echo.Context) error { ran = true; return nil }, func(echo.Context) bool { return false })
	if err := h(newContext(http.MethodGet, "")); err != nil || !ran {
		t.Errorf("a light request under Wrap: ran %v, %v", ran, err)
	}
}

func TestSaneRequestID(t *testing.T) {
	for _, ok := range []string{"a", "trace-42", "A.b_c:d-9", strings.Repeat("x", 128)} {
		if !SaneRequestID(ok) {
			t.Errorf("%q refused", ok)
		}
	}
	for _, bad := range []string{"", "has space", "semi;colon", "é", strings.Repeat("x", 129)} {
		if SaneRequestID(bad) {
			t.Errorf("%q accepted", bad)
		}
	}
	next := NewRequestIDs()
	if a, b := next(), next(); a == b || !strings.HasSuffix(a, "-1") {
		t.Errorf("ids %q, %q", a, b)
	}
}

func TestConditional(t *testing.T) {
	for h, want := range map[string]bool{`"3"`: true, `W/"3"`: true, `"2", "3"`: true, "*": true, `"4"`: false, "": false} {
		if got := ETagMatches(h, `"3"`); got != want {
			t.Errorf("If-None-Match %s: %v", h, got)
		}
	}
	for h, want := range map[string]bool{"gzip": true, "br, gzip;q=0.5": true, "gzip;q=0": false, "*": true, "identity": false, "": false} {
		r := httptest.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", h)
		if got := AcceptsGzip(r); got != want {
			t.Errorf("Accept-Encoding %q: %v", h, got)
		}
	}
}

// Revalidate sets the ETag either way and answers 304 without a body only
// when If-None-Match has it.
func TestRevalidate(t *testing.T) {
	for h, want := range map[string]bool{`"3"`: true, `W/"2", "3"`: true, `"4"`: false, "": false} {
		c := newContext(http.MethodGet, "", "If-None-Match", h)
		got := Revalidate(c, `"3"`)
		rec := c.Response().Writer.(*httptest.ResponseRecorder)
		if got != want || c.Response().Header().Get("ETag") != `"3"` || got != (rec.Code == http.StatusNotModified && c.Response().Committed) || rec.Body.Len() != 0 {
			t.Errorf("If-None-Match %q: %v, status %d committed %v, ETag %q", h, got, rec.Code, c.Response().Committed, c.Response().Header().Get("ETag"))
		}
	}
}

// A gzip body is inflated as read; one cut short is EINVALID, another
// coding a 415.
func TestDecompress(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	io.WriteString(zw, `{"a":1}`)
	zw.Close()
	c := newContext(http.MethodPost, z.String(), "Content-Encoding", "gzip")
	release, err := Decompress(c)
	if err != nil {
		t.Fatal(err)
	}
	b, err := ReadJSONBody(c, 100)
	release()
	if err != nil || string(b) != `{"a":1}` {
		t.Errorf("inflated %q, %v", b, err)
	}
	c = newContext(http.MethodPost, z.String()[:z.Len()-6], "Content-Encoding", "gzip")
	if release, err = Decompress(c); err == nil {
		_, err = ReadJSONBody(c, 100)
		release()
	}
	if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.Contains(zonegis.ErrorMessage(err), "ends too soon") {
		t.Errorf("cut short: %v", err)
	}
	var he *echo.HTTPError
	if _, err := Decompress(newContext(http.MethodPost, "x", "Content-Encoding", "br")); !errors.As(err, &he) || he.Code != http.StatusUnsupportedMediaType {
		t.Errorf("br: %v", err)
	}
	if _, err := ReadJSONBody(newContext(http.MethodPost, strings.Repeat(" ", 101)), 100); zonegis.ErrorCode(err) != zonegis.ETOOLARGE {
		t.Errorf("101 bytes of 100: %v", err)
	}
	if _, err := ReadJSONBody(newContext(http.MethodPost, "{}", "Content-Type", "text/plain"), 100); !errors.As(err, &he) || he.Code != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %v", err)
	}
}

// A panic becomes EINTERNAL; an aborted response passes on.
func TestRecover(t *testing.T) {
	c := newContext(http.MethodGet, "")
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	run := func(v any) (err error) {
		defer Recover(c, logger, &err)
		panic(v)
	}
	if err := run("boom"); zonegis.ErrorCode(err) != zonegis.EINTERNAL {
		t.Errorf("panic: %v", err)
	}
	defer func() {
		if r := recover(); r != http.ErrAbortHandler {
			t.Errorf("abort: recovered %v", r)
		}
	}()
	_ = run(http.ErrAbortHandler)
}
