// Package crs is the list of coordinate reference systems zonegis accepts
// on input and offers on output: WGS 84 lon/lat (CRS84, stored), VN-2000
// geographic, its UTM zones and its 3° transverse Mercator (TM-3) zones,
// with Parse for the ways users and clients name them, and the default TM-3
// zone of each province (ForProvince) for a file that names no CRS.
//
// Every CRS here is known to PROJ by its EPSG code, and PostGIS transforms
// to and from each (migrations/0007 adds 9205–9218, which Debian's
// spatial_ref_sys lacks). The VN-2000 ones carry the datum shift EPSG:6960,
// "VN-2000 to WGS 84 (2)": the seven parameters of Decision
// 05/2007/QĐ-BTNMT, as PROJ defines them.
//
// Coordinates are always longitude (or easting) first, as GeoJSON and GIS
// software write them (GDAL's traditional GIS order), for EPSG:4326 and
// EPSG:4756 too.
package crs

import (
	"strconv"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Kind says what sort of CRS a CRS is.
type Kind string

// The kinds of CRS in the list.
const (
	Geographic Kind = "geographic" // lon/lat in degrees
	UTM        Kind = "UTM"        // VN-2000 / UTM, 6° zones, scale 0.9996, metres
	TM3        Kind = "TM-3"       // VN-2000 / TM-3, 3° zones, scale 0.9999, false easting 500 km, metres
)

// CRS is one coordinate reference system of the list.
type CRS struct {
	EPSG int    // the EPSG code; 4326 for CRS84
	URI  string // the OGC URI (OGC API - Features Part 2), as Content-Crs gives it
	Name string // the EPSG name ("VN-2000 / TM-3 105-45")
	Kind Kind
	// CentralMeridianDeg is the projection's central meridian in degrees
	// east; 0 for a geographic CRS.
	CentralMeridianDeg float64
}

// IsCRS84 reports whether c is WGS 84 lon/lat, the stored coordinates (the
// zero CRS counts as CRS84).
func (c CRS) IsCRS84() bool { return c.EPSG == 4326 || c.EPSG == 0 }

// SRS is c as GDAL and PROJ take it (OSRSetFromUserInput, ogr2ogr -s_srs,
// cs2cs): "EPSG:9210", or "OGC:CRS84" for WGS 84, which is lon/lat whatever
// axis order the caller's library assumes.
func (c CRS) SRS() string {
	if c.IsCRS84() {
		return "OGC:CRS84"
	}
	return "EPSG:" + strconv.Itoa(c.EPSG)
}

// TOWGS84 is the VN-2000 → WGS 84 shift EPSG:6960, "VN-2000 to WGS 84
// (2)", the seven parameters of Decision 05/2007/QĐ-BTNMT, as PROJ's
// +towgs84 gives it: dx, dy, dz in metres, rx, ry, rz in arc-seconds
// (position-vector signs), ds in ppm.
const TOWGS84 = "-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"

// PROJ is c as a PROJ string that carries its datum shift (a bound CRS,
// +type=crs): what PROJ's projinfo --boundcrs-to-wgs84 gives for c, and the
// proj4text of c's row in spatial_ref_sys. Transform with it, not with
// "EPSG:NNNN", to get the EPSG:6960 shift everywhere: given the EPSG
// codes, PROJ (cs2cs, GDAL, PostGIS by SRID) picks EPSG:5194 "VN-2000 to
// WGS 84 (1)" (Total's Mekong-delta parameters, "not officially adopted")
// for points in 9.35–11.04°N 104.24–107.11°E, Hồ Chí Minh City and the
// delta, 0.8 m from the official shift.
func (c CRS) PROJ() string {
	switch c.Kind {
	case UTM:
		return "+proj=utm +zone=" + strconv.Itoa(int(c.CentralMeridianDeg+183)/6) + " +ellps=WGS84 +towgs84=" + TOWGS84 + " +units=m +no_defs +type=crs"
	case TM3:
		return "+proj=tmerc +lat_0=0 +lon_0=" + strconv.FormatFloat(c.CentralMeridianDeg, 'f', -1, 64) +
			" +k=0.9999 +x_0=500000 +y_0=0 +ellps=WGS84 +towgs84=" + TOWGS84 + " +units=m +no_defs +type=crs"
	}
	if c.IsCRS84() {
		return "+proj=longlat +datum=WGS84 +no_defs +type=crs"
	}
	if c.Kind == Mercator {
		return "+proj=merc +a=6378137 +b=6378137 +lat_ts=0 +lon_0=0 +x_0=0 +y_0=0 +k=1 +units=m +nadgrids=@null +wktext +no_defs +type=crs"
	}
	return "+proj=longlat +ellps=WGS84 +towgs84=" + TOWGS84 + " +no_defs +type=crs"
}

// CRS84 is WGS 84 with longitude first, the stored coordinates and the
// default output.
var CRS84 = CRS{EPSG: 4326, URI: "http://www.opengis.net/def/crs/OGC/1.3/CRS84", Name: "WGS 84 (CRS84, lon/lat)", Kind: Geographic}

func epsg(code int, name string, kind Kind, cm float64) CRS {
	return CRS{EPSG: code, URI: "http://www.opengis.net/def/crs/EPSG/0/" + strconv.Itoa(code), Name: name, Kind: kind, CentralMeridianDeg: cm}
}

// list is every CRS, in the order List gives them. Names and central
// meridians are PROJ 9.1's (projinfo EPSG:NNNN; TestListEqualsPROJ checks).
var list = []CRS{
	CRS84,
	epsg(4756, "VN-2000", Geographic, 0),
	epsg(3405, "VN-2000 / UTM zone 48N", UTM, 105),
	epsg(3406, "VN-2000 / UTM zone 49N", UTM, 111),
	epsg(5896, "VN-2000 / TM-3 zone 481", TM3, 102),
	epsg(5897, "VN-2000 / TM-3 zone 482", TM3, 105),
	epsg(5898, "VN-2000 / TM-3 zone 491", TM3, 108),
	epsg(5899, "VN-2000 / TM-3 107-45", TM3, 107.75),
	epsg(9205, "VN-2000 / TM-3 103-00", TM3, 103),
	epsg(9206, "VN-2000 / TM-3 104-00", TM3, 104),
	epsg(9207, "VN-2000 / TM-3 104-30", TM3, 104.5),
	epsg(9208, "VN-2000 / TM-3 104-45", TM3, 104.75),
	epsg(9209, "VN-2000 / TM-3 105-30", TM3, 105.5),
	epsg(9210, "VN-2000 / TM-3 105-45", TM3, 105.75),
	epsg(9211, "VN-2000 / TM-3 106-00", TM3, 106),
	epsg(9212, "VN-2000 / TM-3 106-15", TM3, 106.25),
	epsg(9213, "VN-2000 / TM-3 106-30", TM3, 106.5),
	epsg(9214, "VN-2000 / TM-3 107-00", TM3, 107),
	epsg(9215, "VN-2000 / TM-3 107-15", TM3, 107.25),
	epsg(9216, "VN-2000 / TM-3 107-30", TM3, 107.5),
	epsg(9217, "VN-2000 / TM-3 108-15", TM3, 108.25),
	epsg(9218, "VN-2000 / TM-3 108-30", TM3, 108.5),
}

// List returns every CRS zonegis accepts and offers, CRS84 first, then
// VN-2000 geographic, UTM, and TM-3 by EPSG code. The slice is the
// caller's.
func List() []CRS { return append([]CRS(nil), list...) }

// ByEPSG returns the CRS with EPSG code code (4326 is CRS84), and whether
// it is in the list.
func ByEPSG(code int) (CRS, bool) {
	for _, c := range list {
		if c.EPSG == code {
			return c, true
		}
	}
	return CRS{}, false
}

// tm3ByMeridian returns the TM-3 CRS whose central meridian is cm degrees.
func tm3ByMeridian(cm float64) (CRS, bool) {
	for _, c := range list {
		if c.Kind == TM3 && c.CentralMeridianDeg == cm {
			return c, true
		}
	}
	return CRS{}, false
}

// Parse reads a CRS as a user or client names it: "EPSG:9210", "9210",
// "http://www.opengis.net/def/crs/EPSG/0/9210" (https too),
// "urn:ogc:def:crs:EPSG::9210" (with or without a version), the safe CURIE
// "[EPSG:9210]", and for WGS 84 lon/lat "CRS84", "OGC:CRS84",
// "http://www.opengis.net/def/crs/OGC/1.3/CRS84" or
// "urn:ogc:def:crs:OGC:1.3:CRS84"; case and surrounding space do not
// matter. EPSG:4326 is CRS84 (coordinates are longitude first). Errors:
// EINVALID for an empty string or a CRS not in the list, naming what is
// accepted.
func Parse(s string) (CRS, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	v = strings.TrimPrefix(v, "HTTPS://")
	v = strings.TrimPrefix(v, "HTTP://")
	switch v {
	case "CRS84", "OGC:CRS84", "WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84", "URN:OGC:DEF:CRS:OGC::CRS84":
		return CRS84, nil
	}
	code := ""
	switch {
	case strings.HasPrefix(v, "WWW.OPENGIS.NET/DEF/CRS/EPSG/0/"):
		code = v[len("WWW.OPENGIS.NET/DEF/CRS/EPSG/0/"):]
	case strings.HasPrefix(v, "EPSG:"):
		code = v[len("EPSG:"):]
	case strings.HasPrefix(v, "URN:OGC:DEF:CRS:EPSG:"):
		code = v[strings.LastIndex(v, ":")+1:]
	default:
		code = v
	}
	if n, err := strconv.Atoi(code); err == nil && code[0] != '+' && code[0] != '-' {
		if c, ok := ByEPSG(n); ok {
			return c, nil
		}
	}
	if v == "" {
		return CRS{}, zonegis.Errorf(zonegis.EINVALID, "crs: empty; %s", accepted())
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return CRS{}, zonegis.Errorf(zonegis.EINVALID, "crs: %q is not supported; %s", s, accepted())
}

// accepted says which CRSs Parse takes and how they may be written, the
// codes drawn from the list (runs of consecutive codes as ranges).
func accepted() string {
	var b strings.Builder
	b.WriteString("accepted: EPSG ")
	for i := 0; i < len(list); {
		j := i
		for j+1 < len(list) && list[j+1].EPSG == list[j].EPSG+1 {
			j++
		}
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Itoa(list[i].EPSG))
		if j > i {
			b.WriteString("–")
			b.WriteString(strconv.Itoa(list[j].EPSG))
		}
		i = j + 1
	}
	b.WriteString(" (WGS 84, VN-2000, its UTM and TM-3 zones), as EPSG:NNNN, NNNN, http://www.opengis.net/def/crs/EPSG/0/NNNN or urn:ogc:def:crs:EPSG::NNNN, or CRS84 (OGC:CRS84, http://www.opengis.net/def/crs/OGC/1.3/CRS84)")
	return b.String()
}
