package postgis

import (
	"context"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// Transform returns geoms, lon/lat in EPSG:4326, in EPSG:epsg, in the same
// order: ST_Transform (PROJ) in one round trip per call, so VN-2000 datum
// shifts are exactly those of the database. A call with no geometries is a
// round trip that proves the database answers. Errors: EUNAVAILABLE when
// the database cannot be reached.
func (db *DB) Transform(ctx context.Context, epsg int, geoms []orb.MultiPolygon) ([]orb.MultiPolygon, error) {
	in := make([][]byte, len(geoms))
	for i, g := range geoms {
		b, err := wkb.Marshal(g)
		if err != nil {
			return nil, fmt.Errorf("transform: %w", err)
		}
		in[i] = b
	}
	rows, err := db.pool.Query(ctx, sqlTransform, in, epsg)
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
	return out, nil
}
