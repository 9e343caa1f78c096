package crs

import (
	"strconv"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Mercator is the kind of WebMercator.
const Mercator Kind = "Web Mercator"

// WebMercator is WGS 84 / Pseudo-Mercator (EPSG:3857), offered for the
// items of the collections (Features) but not in List: not a CRS of the
// land records' files or exports.
var WebMercator = epsg(3857, "WGS 84 / Pseudo-Mercator", Mercator, 0)

// EPSG4326 is the URI of WGS 84 by its EPSG code, whose axis order is
// latitude first (EPSG's definition, as OGC API - Features Part 2 wants
// it), unlike CRS84's.
const EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"

// Served is a CRS as the items of a collection are served in it (OGC API
// - Features Part 2, crs and bbox-crs): the CRS, the URI it is known by
// (Content-Crs) and its axis order.
type Served struct {
	CRS
	// LatFirst is true for the geographic CRSs named by their EPSG code
	// (EPSG:4326, EPSG:4756): latitude first, as EPSG defines their axes.
	// CRS84 and the projected CRSs are longitude (easting) first.
	LatFirst bool
}

// Features lists the CRSs the items are offered in, the collections' crs
// list: CRS84 (the stored coordinates, the default), EPSG:4326 (lat/lon),
// EPSG:3857, then the VN-2000 CRSs of List.
func Features() []Served {
	out := []Served{{CRS: CRS84}, wgs84LatLon(), {CRS: WebMercator}}
	for _, c := range list[1:] {
		out = append(out, Served{CRS: c, LatFirst: c.Kind == Geographic})
	}
	return out
}

func wgs84LatLon() Served {
	c := CRS84
	c.URI, c.Name = EPSG4326, "WGS 84 (EPSG:4326, lat/lon)"
	return Served{CRS: c, LatFirst: true}
}

// ParseFeatures reads a crs or bbox-crs parameter (param names it in
// errors) into one of Features: the ways Parse accepts, with EPSG:4326 by
// any of its EPSG forms latitude first, CRS84 longitude first, and
// EPSG:3857. "" is CRS84. Errors: EINVALID naming param and saying what
// is accepted.
func ParseFeatures(param, s string) (Served, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	if v == "" {
		return Served{CRS: CRS84}, nil
	}
	if c, err := Parse(s); err == nil {
		switch {
		case c.EPSG != 4326:
			return Served{CRS: c, LatFirst: c.Kind == Geographic}, nil
		case strings.Contains(v, "CRS84"):
			return Served{CRS: CRS84}, nil
		}
		return wgs84LatLon(), nil
	}
	for _, name := range []string{"3857", "EPSG:3857", "[EPSG:3857]", "HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/3857",
		"HTTPS://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/3857", "URN:OGC:DEF:CRS:EPSG::3857"} {
		if v == name {
			return Served{CRS: WebMercator}, nil
		}
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	uris := make([]string, 0, 3)
	for _, c := range Features()[:3] {
		uris = append(uris, c.URI)
	}
	return Served{}, zonegis.Errorf(zonegis.EINVALID, "%s: %s is not supported; offered: %s and the VN-2000 CRSs "+
		"(EPSG:4756, 3405–3406, 5896–5899, 9205–9218) as http://www.opengis.net/def/crs/EPSG/0/NNNN", param, strconv.Quote(s), strings.Join(uris, ", "))
}
