package httpapi

import (
	"io/fs"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/web"
)

// The web map (package web) is served at /app/: index.html, its
// content-hashed assets, a small config document and /favicon.ico. Only
// these shapes of path exist, so each is a route of its own and the API's
// rules (unknown query parameters are 400, errors are problem+json) hold
// for them too, but for the page itself: a shared link gains parameters
// it does not use (?fbclid=, ?utm_source=), and it must open the map all
// the same (the page keeps its own state in the URL's fragment).

// handleAppRedirect sends /app to /app/, where the page's relative asset
// links resolve.
func (s *Server) handleAppRedirect() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		return c.Redirect(http.StatusMovedPermanently, "/app/")
	}
}

// handleAppIndex serves the page. It names the current asset bundle, so
// it is revalidated every time. The page's browser headers (CSP, no
// framing, referrer policy) are httpx.PageHeaders. Its query string is
// the page's to read (?lang=en) or a link's noise, never an error.
func (s *Server) handleAppIndex() echo.HandlerFunc {
	return func(c echo.Context) error {
		b, err := fs.ReadFile(s.app, "index.html")
		if err != nil {
			return notFound("the web map is not built into this binary")
		}
		h := c.Response().Header()
		h.Set("Cache-Control", "no-cache")
		httpx.PageHeaders(h, s.pageCSP)
		return c.HTMLBlob(http.StatusOK, b)
	}
}

// handleAppAsset serves a bundle file: {file}, whose name carries a hash
// of the content or a version (glyphs), so it is cached for good; or name
// when not "" (the favicon, at a fixed URL: cached for a day).
func (s *Server) handleAppAsset(name string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		file, cache := name, "public, max-age=86400"
		if file == "" {
			file, cache = c.Param("file"), "public, max-age=31536000, immutable"
		}
		b, ct, ok := web.Asset(s.app, file)
		if !ok {
			return notFound("no asset %q", file)
		}
		c.Response().Header().Set("Cache-Control", cache)
		return c.Blob(http.StatusOK, ct, b)
	}
}

// handleAppConfig answers GET /app/config.json: what the page needs to
// know about this server (the optional base-map tile URL template).
func (s *Server) handleAppConfig() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{
			"basemap_url": s.basemapURL,
			"version":     s.version,
			"tiles":       httpx.BaseURL(c) + "/tiles/all.json",
		})
	}
}
