package httpapi

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/registry"
)

// checkParams rejects query parameters outside allowed and repeated ones
// (catalog.CheckParams).
func checkParams(q url.Values, allowed ...string) error { return catalog.CheckParams(q, allowed...) }

// checkNoParams refuses every query parameter, for routes that take none.
// An empty query is not parsed (c.QueryParams would allocate a map).
func checkNoParams(c echo.Context) error {
	if c.Request().URL.RawQuery == "" {
		return nil
	}
	return checkParams(c.QueryParams())
}

// parseID parses a positive integer id.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, notFound("no feature with id %q", s)
	}
	return id, nil
}

var errNoSuchCollection = registry.ErrNoSuchCollection

// checkFormat accepts only the query parameter f with one of formats (or
// none): the JSON endpoints offer JSON only.
func checkFormat(c echo.Context, formats ...string) error {
	q := c.QueryParams()
	if err := checkParams(q, "f"); err != nil {
		return err
	}
	if f := q.Get("f"); f != "" && !slices.Contains(formats, f) {
		return invalid("f: %q is not offered here; use %s", f, strings.Join(formats, " or "))
	}
	return nil
}
