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

// checkParams rejects query parameters outside allowed (OGC API - Features
// /req/core/query-param-unknown) and repeated parameters.
func checkParams(q url.Values, allowed ...string) error {
	for k, v := range q {
		if err := checkParam(k, len(v), allowed); err != nil {
			return err
		}
	}
	return nil
}

// checkParam is checkParams for one parameter k given n times.
func checkParam(k string, n int, allowed []string) error {
	if !slices.Contains(allowed, k) && !(catalog.IsAttributeFilter(k) && slices.Contains(allowed, catalog.AttributesFilter)) {
		return invalid("unknown query parameter %q; allowed: %s", k, strings.Join(allowed, ", "))
	}
	if n > 1 {
		return invalid("query parameter %q given %d times", k, n)
	}
	return nil
}

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
