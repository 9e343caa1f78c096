package catalog

import (
	"errors"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// The parameters every search shares, read from their text: a page
// (limit, offset), a box (bbox) and a point (lon, lat). Each error is
// zonegis.EINVALID and names the parameter.

// Bounds of a page of features.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// ParseBBox parses "minLon,minLat,maxLon,maxLat" (or the 6-number form
// with heights, whose heights are ignored) in CRS84. A box whose minLon >
// maxLon crosses the antimeridian and comes back as two boxes.
func ParseBBox(s string) ([]orb.Bound, error) {
	n := strings.Count(s, ",") + 1 // the numbers, read in place (strings.Split was an allocation a request)
	if n != 4 && n != 6 {
		return nil, invalid("bbox: want 4 numbers minLon,minLat,maxLon,maxLat (or 6 with heights), got %d", n)
	}
	var a [6]float64
	for i, rest := 0, s; i < n; i++ {
		var p string
		p, rest, _ = strings.Cut(rest, ",")
		f, err := Finite("bbox", p)
		if err != nil {
			return nil, err
		}
		a[i] = f
	}
	v := a[:4]
	if n == 6 {
		v = []float64{a[0], a[1], a[3], a[4]}
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

// Limit parses limit: a whole number from 1, DefaultLimit when "". One
// above MaxLimit is capped at MaxLimit, not refused (OGC API - Features
// Part 1, /req/core/fc-limit-response-1: clients such as GDAL ask for
// larger pages and expect the server's maximum); the page's
// numberReturned and its next link tell the client.
func Limit(s string) (int, error) {
	if s == "" {
		return DefaultLimit, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil && errors.Is(err, strconv.ErrRange) && !strings.HasPrefix(s, "-") {
		return MaxLimit, nil // a whole number too large for an int is above the maximum too
	}
	if err != nil || n < 1 {
		return 0, invalid("limit: want a whole number from 1 (at most %d are returned), got %q", MaxLimit, s)
	}
	return min(n, MaxLimit), nil
}

// Offset parses offset (>= 0, 0 when "").
func Offset(s string) (int, error) {
	if s == "" {
		return 0, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, invalid("offset: want a whole number >= 0, got %q", s)
	}
	return n, nil
}

// LonLat parses a point from the text of its lon and lat (both required,
// degrees in CRS84).
func LonLat(lonText, latText string) (orb.Point, error) {
	if lonText == "" || latText == "" {
		return orb.Point{}, invalid("lon and lat are required")
	}
	lon, err := Finite("lon", lonText)
	if err != nil {
		return orb.Point{}, err
	}
	lat, err := Finite("lat", latText)
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
