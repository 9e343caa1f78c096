package postgis

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Transform returns geoms, lon/lat in EPSG:4326, in EPSG:epsg, one of the
// output CRSs of crs.List or crs.WebMercator, in the same order: ST_Transform (PROJ) with the
// PROJ string of epsg's row in spatial_ref_sys (migrations/0007 adds
// 9205–9218), in one round trip per call, so the VN-2000 datum shift is
// EPSG:6960 (Decision 05/2007/QĐ-BTNMT) wherever the geometry lies. A call
// with no geometries is a round trip that proves the database answers.
// Errors: EINVALID when epsg is neither; EUNAVAILABLE when the
// database cannot be reached.
func (db *DB) Transform(ctx context.Context, epsg int, geoms []orb.MultiPolygon) ([]orb.MultiPolygon, error) {
	if _, ok := crs.ByEPSG(epsg); !ok && epsg != crs.WebMercator.EPSG {
		return nil, zonegis.Errorf(zonegis.EINVALID, "transform: EPSG:%d is not an output CRS", epsg)
	}
	in := make([][]byte, len(geoms))
	for i, g := range geoms {
		b, err := wkb.Marshal(g)
		if err != nil {
			return nil, fmt.Errorf("transform: %w", err)
		}
		in[i] = b
	}
	rows, err := db.read.Query(ctx, sqlTransform, in, epsg)
	if err != nil {
		return nil, fmt.Errorf("transform: %w", mapError(err))
	}
	defer rows.Close()
	out := make([]orb.MultiPolygon, 0, len(geoms))
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, fmt.Errorf("transform: %w", mapError(err))
		}
		g, err := wkb.Unmarshal(b)
		if err != nil {
			return nil, fmt.Errorf("transform: %w", err)
		}
		switch g := g.(type) {
		case orb.MultiPolygon:
			out = append(out, g)
		case orb.Polygon:
			out = append(out, orb.MultiPolygon{g})
		default:
			return nil, fmt.Errorf("transform returned a %s", g.GeoJSONType())
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("transform: %w", mapError(err))
	}
	if len(out) != len(geoms) {
		return nil, fmt.Errorf("transform to EPSG:%d: %d geometries back for %d (no row in spatial_ref_sys?)", epsg, len(out), len(geoms))
	}
	return out, nil
}
