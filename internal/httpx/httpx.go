// Package httpx is the HTTP plumbing of zonegis that knows nothing of land
// records: request ids, panic recovery, the browser security headers,
// request bodies (gzip inflated as read, JSON content types, size bounds),
// the limit on heavy requests, query-string text checks and a no-alloc
// split of small query strings, conditional requests, and writing
// prepared bodies. Each piece is an echo handler wrapper or a helper a
// handler calls; NewFront assembles them into the middleware around every
// route (internal/httpapi's server.go configures it).
//
// Errors are the domain's codes (*zonegis.Error: EINVALID for what the
// client sent, ETOOLARGE, EUNAVAILABLE), or echo.HTTPError for a 415, which
// ErrorHandler maps to statuses (StatusOf, the one table) and problem
// documents.
package httpx

import (
	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Media types the API answers with most.
const (
	MIMEJSON    = "application/json"
	MIMEGeoJSON = "application/geo+json"
	MIMEOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
	MIMECSV     = "text/csv; charset=utf-8"
	MIMEMVT     = "application/vnd.mapbox-vector-tile"
)

// BaseURL is the scheme and host the client used, so links work behind a
// proxy that sets X-Forwarded-Proto.
func BaseURL(c echo.Context) string {
	return c.Scheme() + "://" + c.Request().Host
}

// invalid is shorthand for an EINVALID error.
func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}
