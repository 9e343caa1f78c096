package export

import (
	"context"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// CRS is an output coordinate reference system.
type CRS struct {
	EPSG int    // the EPSG code; 4326 for CRS84
	URI  string // the OGC URI, as Content-Crs and the crs parameter give it
	Name string
}

// IsCRS84 reports whether c is WGS 84 lon/lat, the stored coordinates.
func (c CRS) IsCRS84() bool { return c.EPSG == 4326 || c.EPSG == 0 }

// The output CRSs. CRS84 is WGS 84 with longitude first (the GeoJSON
// order); VN-2000 / UTM zone 48N covers 102°E–108°E (most of the north and
// the south), zone 49N 108°E–114°E (the centre and the east coast).
var (
	CRS84        = CRS{EPSG: 4326, URI: "http://www.opengis.net/def/crs/OGC/1.3/CRS84", Name: "WGS 84 (CRS84, lon/lat)"}
	VN2000UTM48N = CRS{EPSG: 3405, URI: "http://www.opengis.net/def/crs/EPSG/0/3405", Name: "VN-2000 / UTM zone 48N"}
	VN2000UTM49N = CRS{EPSG: 3406, URI: "http://www.opengis.net/def/crs/EPSG/0/3406", Name: "VN-2000 / UTM zone 49N"}
)

// CRSs lists the supported output CRSs, CRS84 first.
func CRSs() []CRS { return []CRS{CRS84, VN2000UTM48N, VN2000UTM49N} }

// ParseCRS reads a crs parameter (OGC API - Features Part 2): an OGC URI
// (http://www.opengis.net/def/crs/EPSG/0/3405), a safe CURIE
// ([EPSG:3405]), "EPSG:3405", a URN (urn:ogc:def:crs:EPSG::3405), or for
// the default "CRS84" / "OGC:CRS84"; "" is CRS84. EPSG:4326 is accepted
// as the same WGS 84 output, still longitude first (the order GeoJSON and
// GIS software use), and the response's Content-Crs says CRS84 to be
// exact. Errors: EINVALID for anything else.
func ParseCRS(s string) (CRS, error) {
	v := strings.TrimSpace(s)
	v = strings.TrimSuffix(strings.TrimPrefix(v, "["), "]")
	v = strings.TrimPrefix(v, "https://")
	v = strings.TrimPrefix(v, "http://")
	switch strings.ToUpper(v) {
	case "", "CRS84", "OGC:CRS84", "WWW.OPENGIS.NET/DEF/CRS/OGC/1.3/CRS84", "URN:OGC:DEF:CRS:OGC:1.3:CRS84":
		return CRS84, nil
	}
	code := ""
	up := strings.ToUpper(v)
	switch {
	case strings.HasPrefix(up, "WWW.OPENGIS.NET/DEF/CRS/EPSG/0/"):
		code = v[len("www.opengis.net/def/crs/EPSG/0/"):]
	case strings.HasPrefix(up, "EPSG:"):
		code = v[len("EPSG:"):]
	case strings.HasPrefix(up, "URN:OGC:DEF:CRS:EPSG:"):
		code = v[strings.LastIndex(v, ":")+1:]
	}
	if n, err := strconv.Atoi(code); err == nil {
		for _, c := range CRSs() {
			if c.EPSG == n {
				return c, nil
			}
		}
	}
	return CRS{}, zonegis.Errorf(zonegis.EINVALID,
		"crs: %q is not supported; use %s (default), %s or %s", s, CRS84.URI, VN2000UTM48N.URI, VN2000UTM49N.URI)
}

// Transformer converts lon/lat geometries (EPSG:4326) to another CRS.
// *postgis.DB implements it with ST_Transform (PROJ), so VN-2000 datum
// shifts are exactly those of the database.
type Transformer interface {
	// Transform returns geoms in EPSG:epsg, in the same order.
	Transform(ctx context.Context, epsg int, geoms []orb.MultiPolygon) ([]orb.MultiPolygon, error)
}
