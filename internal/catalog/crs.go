package catalog

import (
	"context"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/export"
)

// crs84Header is CRS84's Content-Crs, made once (the items' hot path).
const crs84Header = "<" + CRS84 + ">"

// Projected reads a crs parameter (OGC API - Features Part 2;
// crs.ParseFeatures: "" is CRS84) and returns the CRS's URI in angle
// brackets (the Content-Crs header's value) with copies of vs whose boundaries are in it, in order, projected by
// export.Project (tr: PostGIS' ST_Transform, the exports' transform;
// latitude first for EPSG:4326 and EPSG:4756); no copies (nil) for CRS84,
// whose features the index's cached GeoJSON writes. vs are not modified.
// Errors: EINVALID naming crs; tr's.
func (c *Collection[T]) Projected(ctx context.Context, tr export.Transformer, param string, vs []*T) (contentCRS string, _ []*T, _ error) {
	out, err := crs.ParseFeatures("crs", param)
	if err != nil || out.URI == CRS84 {
		return crs84Header, nil, err
	}
	geoms := make([]orb.MultiPolygon, len(vs))
	for i, v := range vs {
		geoms[i] = c.k.boundary(v)
	}
	if geoms, err = export.Project(ctx, tr, out, geoms); err != nil {
		return "", nil, err
	}
	copies := make([]*T, len(vs))
	for i, v := range vs {
		copies[i] = c.k.withBoundary(v, geoms[i])
	}
	return "<" + out.URI + ">", copies, nil
}
