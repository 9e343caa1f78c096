package export

import (
	"context"
	"strings"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/crs"
)

// CRS is an output coordinate reference system, one of crs.List.
type CRS = crs.CRS

// The output CRSs named most often. CRS84 is WGS 84 with longitude first
// (the GeoJSON order), the default; VN-2000 / UTM zone 48N covers
// 102°E–108°E, 49N 108°E–114°E. Every CRS of crs.List is offered (CRSs).
var (
	CRS84           = crs.CRS84
	VN2000UTM48N, _ = crs.ByEPSG(3405)
	VN2000UTM49N, _ = crs.ByEPSG(3406)
)

// CRSs lists the supported output CRSs, CRS84 first: crs.List, WGS 84,
// VN-2000 lon/lat (EPSG:4756), its UTM zones and its TM-3 zones.
func CRSs() []CRS { return crs.List() }

// ParseCRS reads a crs parameter (OGC API - Features Part 2): an OGC URI
// (http://www.opengis.net/def/crs/EPSG/0/9210), a safe CURIE
// ([EPSG:9210]), "EPSG:9210", "9210", a URN (urn:ogc:def:crs:EPSG::9210),
// or for the default "CRS84" / "OGC:CRS84"; "" is CRS84 (crs.Parse, which
// also says what is accepted). EPSG:4326 is accepted as the same WGS 84
// output, and EPSG:4756 is written longitude first too (the order GeoJSON
// and GIS software use). Errors: EINVALID for anything else.
func ParseCRS(s string) (CRS, error) {
	if strings.TrimSpace(s) == "" {
		return CRS84, nil
	}
	return crs.Parse(s)
}

// Transformer converts lon/lat geometries (EPSG:4326) to another CRS.
// *postgis.DB implements it with ST_Transform (PROJ), so VN-2000 datum
// shifts are exactly those of the database: EPSG:6960 throughout.
type Transformer interface {
	// Transform returns geoms in EPSG:epsg, in the same order.
	Transform(ctx context.Context, epsg int, geoms []orb.MultiPolygon) ([]orb.MultiPolygon, error)
}

// Project returns geoms (lon/lat, EPSG:4326) in c, the CRS items are
// served in (crs.ParseFeatures), in the same order: as they are for CRS84;
// by tr (PostGIS' ST_Transform, the exports' transform) for any other CRS;
// then with each point's axes swapped when c is latitude first (EPSG:4326,
// EPSG:4756). geoms is not modified. Errors: tr's.
func Project(ctx context.Context, tr Transformer, c crs.Served, geoms []orb.MultiPolygon) ([]orb.MultiPolygon, error) {
	out := geoms
	if !c.IsCRS84() {
		var err error
		if out, err = tr.Transform(ctx, c.EPSG, geoms); err != nil {
			return nil, err
		}
	}
	if !c.LatFirst {
		return out, nil
	}
	swapped := make([]orb.MultiPolygon, len(out))
	for i, mp := range out {
		m := make(orb.MultiPolygon, len(mp))
		for j, poly := range mp {
			m[j] = make(orb.Polygon, len(poly))
			for k, ring := range poly {
				r := make(orb.Ring, len(ring))
				for n, p := range ring {
					r[n] = orb.Point{p[1], p[0]}
				}
				m[j][k] = r
			}
		}
		swapped[i] = m
	}
	return swapped, nil
}
