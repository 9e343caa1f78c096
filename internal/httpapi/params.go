package httpapi

import (
	"github.com/labstack/echo/v4"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/registry"
)

// Bounds of the items endpoint.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
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

// rawParams is a query string split without allocating: at most
// len(kv) parameters, none escaped. The point lookup, the busiest route,
// reads its parameters this way; anything else goes to url.ParseQuery.
type rawParams struct {
	n  int
	kv [8][2]string
}

// splitRawQuery splits raw as url.ParseQuery would. ok is false when raw
// has escapes ('%', '+'), a ';' (which url.ParseQuery refuses) or more
// parameters than rawParams holds: the caller then uses url.ParseQuery.
func splitRawQuery(raw string) (p rawParams, ok bool) {
	if strings.ContainsAny(raw, "%+;") {
		return p, false
	}
	for raw != "" {
		var part string
		part, raw, _ = strings.Cut(raw, "&")
		if part == "" {
			continue
		}
		if p.n == len(p.kv) {
			return p, false
		}
		k, v, _ := strings.Cut(part, "=")
		p.kv[p.n] = [2]string{k, v}
		p.n++
	}
	return p, true
}

// get returns the first value of k, or "".
func (p *rawParams) get(k string) string {
	for _, kv := range p.kv[:p.n] {
		if kv[0] == k {
			return kv[1]
		}
	}
	return ""
}

// check is checkParams for a split query, with the same errors.
func (p *rawParams) check(allowed ...string) error {
	for i, kv := range p.kv[:p.n] {
		n := 1
		for _, other := range p.kv[i+1 : p.n] {
			if other[0] == kv[0] {
				n++
			}
		}
		if err := checkParam(kv[0], n, allowed); err != nil {
			return err
		}
	}
	return nil
}

// parseFloat parses a finite number (catalog.Finite).
func parseFloat(name, s string) (float64, error) { return catalog.Finite(name, s) }

// parseBBox parses "minLon,minLat,maxLon,maxLat" (or the 6-number form with
// heights, whose heights are ignored) in CRS84. A box whose minLon > maxLon
// crosses the antimeridian and comes back as two boxes.
func parseBBox(s string) ([]orb.Bound, error) {
	parts := strings.Split(s, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return nil, invalid("bbox: want 4 numbers minLon,minLat,maxLon,maxLat (or 6 with heights), got %d", len(parts))
	}
	v := make([]float64, len(parts))
	for i, p := range parts {
		f, err := parseFloat("bbox", p)
		if err != nil {
			return nil, err
		}
		v[i] = f
	}
	if len(v) == 6 {
		v = []float64{v[0], v[1], v[3], v[4]}
	}
	minLon, minLat, maxLon, maxLat := v[0], v[1], v[2], v[3]
	for _, lon := range []float64{minLon, maxLon} {
		if lon < -180 || lon > 180 {
			return nil, invalid("bbox: longitude %v outside [-180, 180]", lon)
		}
	}
	for _, lat := range []float64{minLat, maxLat} {
		if lat < -90 || lat > 90 {
			return nil, invalid("bbox: latitude %v outside [-90, 90]", lat)
		}
	}
	if minLat > maxLat {
		return nil, invalid("bbox: minimum latitude %v is greater than maximum %v", minLat, maxLat)
	}
	if minLon > maxLon {
		return []orb.Bound{
			{Min: orb.Point{minLon, minLat}, Max: orb.Point{180, maxLat}},
			{Min: orb.Point{-180, minLat}, Max: orb.Point{maxLon, maxLat}},
		}, nil
	}
	return []orb.Bound{{Min: orb.Point{minLon, minLat}, Max: orb.Point{maxLon, maxLat}}}, nil
}

// parseLimit parses limit (1..MaxLimit, default DefaultLimit).
func parseLimit(s string) (int, error) {
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > MaxLimit {
		return 0, invalid("limit: want a whole number from 1 to %d, got %q", MaxLimit, s)
	}
	return n, nil
}

// parseOffset parses offset (>= 0, default 0).
func parseOffset(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, invalid("offset: want a whole number >= 0, got %q", s)
	}
	return n, nil
}

// parseLonLat parses a point given as lon and lat parameters.
func parseLonLat(q url.Values) (orb.Point, error) {
	return parseLonLatText(q.Get("lon"), q.Get("lat"))
}

// parseLonLatText parses a point from the text of its lon and lat.
func parseLonLatText(lonText, latText string) (orb.Point, error) {
	if lonText == "" || latText == "" {
		return orb.Point{}, invalid("lon and lat are required")
	}
	lon, err := parseFloat("lon", lonText)
	if err != nil {
		return orb.Point{}, err
	}
	lat, err := parseFloat("lat", latText)
	if err != nil {
		return orb.Point{}, err
	}
	if lon < -180 || lon > 180 {
		return orb.Point{}, invalid("lon: %v outside [-180, 180]", lon)
	}
	if lat < -90 || lat > 90 {
		return orb.Point{}, invalid("lat: %v outside [-90, 90]", lat)
	}
	return orb.Point{lon, lat}, nil
}

// parseID parses a positive integer id.
func parseID(s string) (int64, error) {
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id < 1 {
		return 0, notFound("no feature with id %q", s)
	}
	return id, nil
}

// parseEnum checks that s is one of allowed ("" passes; catalog.Enum).
func parseEnum(name, s string, allowed []string) (string, error) {
	return catalog.Enum(name, s, allowed)
}

// areaRange parses min_area_ha / max_area_ha into square metres
// (catalog.AreaRangeHa).
func areaRange(q url.Values) (minM2, maxM2 float64, err error) {
	return catalog.AreaRangeHa(q.Get("min_area_ha"), q.Get("max_area_ha"))
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
