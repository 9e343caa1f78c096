package catalog

import (
	"context"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/index"
)

// crs84Header is CRS84's Content-Crs, made once (the items' hot path).
const crs84Header = "<" + CRS84 + ">"

// Projected reads a crs parameter (OGC API - Features Part 2;
// crs.ParseFeatures: "" is CRS84) and returns the CRS's URI in angle
// brackets (the Content-Crs header's value) with copies of the records of
// es whose boundaries are in it, in order, projected by export.Project (tr:
// PostGIS' ST_Transform, the exports' transform; latitude first for
// EPSG:4326 and EPSG:4756); no copies (nil) for CRS84, whose features are
// written from the entries' geometries. es are not modified.
// Errors: EINVALID naming crs; tr's.
func (c *Collection[T]) Projected(ctx context.Context, tr export.Transformer, param string, es []*index.Entry[T]) (contentCRS string, _ []*T, _ error) {
	out, err := crs.ParseFeatures("crs", param)
	if err != nil || out.URI == CRS84 {
		return crs84Header, nil, err
	}
	geoms := make([]orb.MultiPolygon, len(es))
	for i, e := range es {
		geoms[i] = e.Boundary(nil)
	}
	if geoms, err = export.Project(ctx, tr, out, geoms); err != nil {
		return "", nil, err
	}
	copies := make([]*T, len(es))
	for i, e := range es {
		v := *e.Record()
		c.k.setBoundary(&v, geoms[i])
		copies[i] = &v
	}
	return "<" + out.URI + ">", copies, nil
}
