package httpx

import (
	"mime"
	"net/http"
	"slices"
	"strings"

	"github.com/labstack/echo/v4"
)

// ETagMatches reports whether an If-None-Match header (a list of tags,
// weak or strong, or *) matches etag.
func ETagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// Revalidate sets etag as the answer's ETag and, when the request's
// If-None-Match has it, answers 304 Not Modified (no body); it reports
// whether it did, and the handler then has nothing more to send.
func Revalidate(c echo.Context, etag string) bool {
	c.Response().Header()["Etag"] = []string{etag}
	if !ETagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return false
	}
	c.Response().WriteHeader(http.StatusNotModified)
	return true
}

// AcceptsGzip reports whether the request's Accept-Encoding allows gzip.
func AcceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(name), "gzip") || strings.TrimSpace(name) == "*" {
			return !strings.Contains(strings.ReplaceAll(params, " ", ""), "q=0") || strings.Contains(params, "q=0.")
		}
	}
	return false
}

// PrefersAsync reports whether the request says Prefer: respond-async
// (RFC 7240): the client takes a 202 and polls rather than waits.
func PrefersAsync(r *http.Request) bool {
	for _, h := range r.Header.Values("Prefer") {
		for _, pref := range strings.Split(h, ",") {
			if name, _, _ := strings.Cut(strings.TrimSpace(pref), ";"); strings.EqualFold(strings.TrimSpace(name), "respond-async") {
				return true
			}
		}
	}
	return false
}

// Accepted is the first of offers (media types) that the request's Accept
// header names, in the header's order, or "" for none.
func Accepted(r *http.Request, offers ...string) string {
	for _, part := range strings.Split(r.Header.Get("Accept"), ",") {
		mt, _, _ := mime.ParseMediaType(strings.TrimSpace(part))
		if slices.Contains(offers, mt) {
			return mt
		}
	}
	return ""
}

// WriteRevalidated sends a prepared body that caches must revalidate
// (Cache-Control: no-cache) under a strong etag: 304 when the request's
// If-None-Match has it, else 200 with the body, marked Content-Encoding:
// gzip when gzipped (the body is then already compressed). The answer
// varies with Accept-Encoding.
func WriteRevalidated(c echo.Context, contentType string, body []byte, etag string, gzipped bool) error {
	h := c.Response().Header()
	h.Add("Vary", "Accept-Encoding")
	h["Cache-Control"] = HeaderValue("no-cache")
	if Revalidate(c, etag) {
		return nil
	}
	if gzipped {
		h["Content-Encoding"] = HeaderValue("gzip")
	}
	return WriteBytes(c, http.StatusOK, contentType, body)
}
