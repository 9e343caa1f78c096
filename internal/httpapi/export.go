package httpapi

import (
	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/download"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/registry"
)

// Exports for GIS analysts: GET /collections/{c}/export streams a whole
// collection, or the part the items filters select, with no limit; GET
// /zones/{id}/dossier a zone with its parcels and green areas in one file.
// Formats (f): geojson (default), geojsonseq, csv, fgb. Output CRS (crs,
// OGC API - Features Part 2): CRS84 (default) or any CRS of crs.List, the
// coordinates then transformed by PostGIS in batches; the Content-Crs
// header names the CRS of the body.
//
// Features are read from one index snapshot, in id order, and written as
// they are visited; nothing is gathered, so memory stays constant however
// many features match. internal/download sends them: streamed, or for
// FlatGeobuf from a file with its length and byte ranges, for clients that
// read it by URL.

// exportParams are the parameters every export may carry, besides the
// collection's filters.
var exportParams = []string{"f", "crs", "bbox", "bbox-crs", "bom"}

func (s *Server) handleExport() echo.HandlerFunc { return s.onCollection(collection.export) }

// projected says whether an export or dossier request is heavy: it asks
// for a CRS that PostGIS transforms to.
func projected(c echo.Context) bool { return export.Projected(c.QueryParam("crs")) }

// export sends the features of l matching the request: those a page of
// its items would count (catalog.Collection.Scan).
func (l *served[T]) export(s *Server, c echo.Context, snap *index.Snapshot) error {
	q := c.QueryParams()
	if err := checkParams(q, l.exportParams...); err != nil {
		return err
	}
	format, crs, bom, err := export.ParseRequest(q.Get("f"), q.Get("crs"), q.Get("bom"))
	if err != nil {
		return err
	}
	// bbox, bbox-crs and the filters mean what they mean for items.
	cq, err := l.cat.Parse(snap, q)
	if err != nil {
		return err
	}
	r := download.Request{Format: format, CRS: crs, File: l.cat.Name(), Name: l.cat.Name(), Layers: []*export.Layer{l.wire.layer}, BOM: bom}
	return s.downloads.Send(c, snap.Seq(), r, func(w *export.Writer) (werr error) {
		var f export.Feature
		l.cat.Scan(snap, &cq, func(v *T) bool {
			l.wire.feature(&f, v)
			werr = w.Write(&f)
			return werr == nil
		})
		return werr
	})
}

// handleDossier answers GET /zones/{id}/dossier: the zone (by id or code),
// its parcels and its green areas, in that order, each feature with a
// "layer" property naming its collection.
func (s *Server) handleDossier() echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		if err := checkParams(q, "f", "crs", "bom"); err != nil {
			return err
		}
		format, crs, bom, err := export.ParseRequest(q.Get("f"), q.Get("crs"), q.Get("bom"))
		if err != nil {
			return err
		}
		snap := s.ix.Snapshot()
		z, err := catalog.ResolveZone(snap, c.Param("id"))
		if err != nil {
			return notFound("no zone with id or code %q", c.Param("id"))
		}
		r := download.Request{Format: format, CRS: crs, File: z.Code + "-dossier", Name: registry.DossierName(z), Layers: registry.DossierLayers, BOM: bom}
		return s.downloads.Send(c, snap.Seq(), r, func(w *export.Writer) error { return registry.WriteDossier(w, snap, z) })
	}
}
