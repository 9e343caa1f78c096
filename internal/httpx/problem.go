package httpx

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
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

// StatusOf is the one table from domain error codes to HTTP statuses.
var StatusOf = map[string]int{
	zonegis.EINVALID:      http.StatusBadRequest,
	zonegis.ENOTFOUND:     http.StatusNotFound,
	zonegis.ECONFLICT:     http.StatusConflict,
	zonegis.EUNAUTHORIZED: http.StatusUnauthorized,
	zonegis.EFORBIDDEN:    http.StatusForbidden,
	zonegis.EPRECONDITION: http.StatusPreconditionFailed,
	zonegis.ETOOLARGE:     http.StatusRequestEntityTooLarge,
	zonegis.EUNAVAILABLE:  http.StatusServiceUnavailable,
	zonegis.ETOOMANY:      http.StatusTooManyRequests,
	zonegis.EINTERNAL:     http.StatusInternalServerError,
}

// codeOfHTTP are the problem codes of echo's own errors, by status.
var codeOfHTTP = map[int]string{
	http.StatusMethodNotAllowed:             "method_not_allowed",
	http.StatusRequestEntityTooLarge:        zonegis.ETOOLARGE,
	http.StatusUnsupportedMediaType:         "unsupported_media_type",
	http.StatusRequestedRangeNotSatisfiable: "range_not_satisfiable",
}

// ErrorHandler writes every error as problem+json, after mapErr (the
// store's mapping of its own errors to domain codes: a database errors
// that reached the transport unmapped, unreachable meaning 503). Domain
// errors map through StatusOf; echo's own errors (404 route, 405 method,
// 413 body limit, 415) keep their status; anything else is logged and
// answered with a bare 500.
func ErrorHandler(logger *slog.Logger, mapErr func(error) error) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		err = mapErr(err)
		p := Problem{Instance: c.Request().URL.Path}
		var de *zonegis.Error
		var he *echo.HTTPError
		switch {
		case errors.As(err, &de):
			p.Status = StatusOf[de.Code]
			if p.Status == 0 {
				p.Status = http.StatusInternalServerError
			}
			p.Code, p.Detail, p.Extra = de.Code, de.Message, de.Details
			if de.Code == zonegis.EINTERNAL {
				logger.Error("internal error", "path", c.Request().URL.Path, "err", err)
				p.Detail, p.Extra = "internal error", nil
			}
		case errors.As(err, &he):
			p.Status, p.Code = he.Code, codeOfHTTP[he.Code]
			if msg, ok := he.Message.(string); ok {
				p.Detail = msg
			} else {
				p.Detail = http.StatusText(he.Code)
			}
			if he.Code == http.StatusNotFound {
				p.Code, p.Detail = zonegis.ENOTFOUND, "no such resource: "+c.Request().URL.Path
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
		if secs, ok := p.Extra["retry_after"].(int); ok && p.Status == http.StatusTooManyRequests {
			c.Response().Header().Set("Retry-After", strconv.Itoa(secs))
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/problem+json")
		c.Response().WriteHeader(p.Status)
		if c.Request().Method == http.MethodHead {
			return
		}
		if err := JSONEncode(c.Response(), p); err != nil {
			logger.Debug("write problem", "err", err)
		}
	}
}
