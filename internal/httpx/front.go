package httpx

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// FrontConfig is what NewFront needs of the API it stands before.
type FrontConfig struct {
	Logger *slog.Logger
	// Registered says whether method and path (a route's template) name a
	// route: only a route's query string is checked, unknown routes and
	// methods are left to the router's 404 and 405.
	Registered func(method, path string) bool
	// Precompressed says whether the answer to a request comes compressed
	// already (tiles, from their cache) or must not be (a file served with
	// byte ranges): Gzip skips them, and their Vary is Origin alone (a
	// handler that compresses adds Accept-Encoding).
	Precompressed func(r *http.Request) bool
	// ExposeHeaders are the headers CORS lets a page of another origin read.
	ExposeHeaders []string
	// Next is what a request is handed on to (authorisation, then the
	// route's handler).
	Next echo.HandlerFunc
}

// Shared header values, assigned whole and never changed in place (see
// HeaderValue).
var (
	varyBoth   = []string{echo.HeaderAcceptEncoding, echo.HeaderOrigin}
	varyOrigin = []string{echo.HeaderOrigin}
)

// NewFront is the middleware around every route, built once (echo applies
// e.Use middleware per request, a closure each; the one middleware given to
// e.Use should return this handler, whose innermost handler is then the
// route's own). Every request gets a request id (X-Request-Id: the
// caller's, when it is a sane one) and X-Content-Type-Options: nosniff, and
// panics are turned into 500s. The query string of a route is checked
// (CheckQuery) and a compressed body inflated as it is read (Decompress).
// Requests from browsers of other origins (Origin) or that accept gzip go
// through echo's CORS and Gzip middleware; the rest, API clients and
// scripts, skip straight to cfg.Next with the same Vary headers those would
// have set.
func NewFront(cfg FrontConfig) echo.HandlerFunc {
	nextID := NewRequestIDs()
	slow := middleware.GzipWithConfig(middleware.GzipConfig{Level: 1, MinLength: 2048,
		Skipper: func(c echo.Context) bool { return cfg.Precompressed(c.Request()) }})(
		middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:  []string{"*"},
			ExposeHeaders: cfg.ExposeHeaders,
		})(cfg.Next))
	fast := cfg.Next
	return func(c echo.Context) (err error) {
		defer Recover(c, cfg.Logger, &err)
		req := c.Request()
		h := c.Response().Header()
		SetRequestID(c, nextID)
		Nosniff(h)
		if req.URL.RawQuery != "" {
			if err := CheckQuery(req.URL.RawQuery); err != nil && cfg.Registered(req.Method, c.Path()) {
				return err
			}
		}
		if len(req.Header[echo.HeaderContentEncoding]) > 0 {
			release, err := Decompress(c)
			if err != nil {
				return err
			}
			defer release()
		}
		if len(req.Header[echo.HeaderOrigin]) > 0 || req.Method == http.MethodOptions ||
			strings.Contains(req.Header.Get(echo.HeaderAcceptEncoding), "gzip") {
			return slow(c)
		}
		if cfg.Precompressed(req) {
			h[echo.HeaderVary] = varyOrigin[:1:1]
		} else {
			h[echo.HeaderVary] = varyBoth[:2:2]
		}
		return fast(c)
	}
}
