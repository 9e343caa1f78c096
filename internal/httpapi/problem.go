package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Problem is an RFC 9457 problem detail, sent as application/problem+json
// for every error.
type Problem struct {
	Type     string         `json:"type"`
	Title    string         `json:"title"`
	Status   int            `json:"status"`
	Detail   string         `json:"detail,omitempty"`
	Instance string         `json:"instance,omitempty"`
	Code     string         `json:"code,omitempty"`
	Extra    map[string]any `json:"details,omitempty"`
}

// statusOf is the one table from domain error codes to HTTP statuses.
var statusOf = map[string]int{
	zonegis.EINVALID:      http.StatusBadRequest,
	zonegis.ENOTFOUND:     http.StatusNotFound,
	zonegis.ECONFLICT:     http.StatusConflict,
	zonegis.EUNAUTHORIZED: http.StatusUnauthorized,
	zonegis.EFORBIDDEN:    http.StatusForbidden,
	zonegis.EPRECONDITION: http.StatusPreconditionFailed,
	zonegis.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	zonegis.EUNAVAILABLE:  http.StatusServiceUnavailable,
	zonegis.EINTERNAL:     http.StatusInternalServerError,
}

// invalid is shorthand for an EINVALID error.
func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}

// notFound is shorthand for an ENOTFOUND error.
func notFound(format string, args ...any) error {
	return zonegis.Errorf(zonegis.ENOTFOUND, format, args...)
}

// errorHandler writes every error as problem+json. Domain errors map through
// statusOf; echo's own errors (404 route, 405 method, 413 body limit) keep
// their status; anything else is logged and answered with a bare 500.
func errorHandler(logger *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		// Database errors that reached here unmapped (from packages running
		// their own SQL) get their domain code: unreachable means 503.
		err = postgis.MapError(err)
		p := Problem{Instance: c.Request().URL.Path}
		var de *zonegis.Error
		var he *echo.HTTPError
		switch {
		case errors.As(err, &de):
			p.Status = statusOf[de.Code]
			if p.Status == 0 {
				p.Status = http.StatusInternalServerError
			}
			p.Code, p.Detail, p.Extra = de.Code, de.Message, de.Details
			if de.Code == zonegis.EINTERNAL {
				logger.Error("internal error", "path", c.Request().URL.Path, "err", err)
				p.Detail, p.Extra = "internal error", nil
			}
		case errors.As(err, &he):
			p.Status = he.Code
			if msg, ok := he.Message.(string); ok {
				p.Detail = msg
			} else {
				p.Detail = http.StatusText(he.Code)
			}
			switch he.Code {
			case http.StatusNotFound:
				p.Code, p.Detail = zonegis.ENOTFOUND, "no such resource: "+c.Request().URL.Path
			case http.StatusMethodNotAllowed:
				p.Code = "method_not_allowed"
			case http.StatusRequestEntityTooLarge:
				p.Code = zonegis.ETOOLARGE
			case http.StatusUnsupportedMediaType:
				p.Code = "unsupported_media_type"
			}
		default:
			logger.Error("internal error", "path", c.Request().URL.Path, "err", err)
			p.Status, p.Detail = http.StatusInternalServerError, "internal error"
		}
		p.Title = http.StatusText(p.Status)
		p.Type = "about:blank"
		if p.Code != "" {
			p.Type = "https://zonegis.dev/problems/" + p.Code
		}
		if p.Status == http.StatusServiceUnavailable {
			c.Response().Header().Set("Retry-After", strconv.Itoa(5))
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().WriteHeader(p.Status)
		if c.Request().Method == http.MethodHead {
			return
		}
		if err := httpx.JSONEncode(c.Response(), p); err != nil {
			logger.Debug("write problem", "err", err)
		}
	}
}
