package httpapi

import (
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpx"
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
// many features match. The gzip middleware compresses the stream when the
// client accepts it. An error after the first byte cannot become a
// problem document any more: the handler then aborts the response, so the
// client sees a truncated transfer, never a file that looks complete.

// exportParams are the parameters every export may carry, besides the
// collection's filters.
var exportParams = []string{"f", "crs", "bbox", "bbox-crs"}

func (s *Server) handleExport() echo.HandlerFunc { return s.onCollection(collection.export) }

// projected says whether an export or dossier request is heavy: it asks
// for a CRS that PostGIS transforms to.
func projected(c echo.Context) bool { return export.Projected(c.QueryParam("crs")) }

// export streams the features of l matching the request: those a page
// of its items would count (catalog.Collection.Scan).
func (l *served[T]) export(s *Server, c echo.Context, snap *index.Snapshot) error {
	q := c.QueryParams()
	if err := checkParams(q, l.exportParams...); err != nil {
		return err
	}
	format, crs, err := export.ParseRequest(q.Get("f"), q.Get("crs"))
	if err != nil {
		return err
	}
	// bbox, bbox-crs and the filters mean what they mean for items.
	cq, err := l.cat.Parse(snap, q)
	if err != nil {
		return err
	}
	w, err := s.startExport(c, snap, format, crs, l.cat.Name(), l.cat.Name(), l.wire.layer)
	if err != nil {
		return err
	}
	var f export.Feature
	var werr error
	l.cat.Scan(snap, &cq, func(v *T) bool {
		l.wire.feature(&f, v)
		werr = w.Write(&f)
		return werr == nil
	})
	if werr == nil {
		werr = w.Close()
	}
	return s.endExport(c, werr)
}

// handleDossier answers GET /zones/{id}/dossier: the zone (by id or code),
// its parcels and its green areas, in that order, each feature with a
// "layer" property naming its collection.
func (s *Server) handleDossier() echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		if err := checkParams(q, "f", "crs"); err != nil {
			return err
		}
		format, crs, err := export.ParseRequest(q.Get("f"), q.Get("crs"))
		if err != nil {
			return err
		}
		snap := s.ix.Snapshot()
		z, err := catalog.ResolveZone(snap, c.Param("id"))
		if err != nil {
			return notFound("no zone with id or code %q", c.Param("id"))
		}
		name := z.Code + "-dossier"
		w, err := s.startExport(c, snap, format, crs, name, registry.DossierName(z), registry.DossierLayers...)
		if err != nil {
			return err
		}
		werr := registry.WriteDossier(w, snap, z)
		if werr == nil {
			werr = w.Close()
		}
		return s.endExport(c, werr)
	}
}

// startExport checks that the CRS can be served, sends the headers and
// returns the writer of the body. file names the download (without
// extension); name is the collection name inside the file.
func (s *Server) startExport(c echo.Context, snap *index.Snapshot, format export.Format, crs export.CRS, file, name string, layers ...*export.Layer) (*export.Writer, error) {
	ctx := c.Request().Context()
	tr, err := export.Preflight(ctx, s.store, crs)
	if err != nil {
		s.logger.Warn("export: transform preflight", "err", err)
		return nil, export.ErrTransformUnavailable
	}
	opts := export.Options{Format: format, CRS: crs, Layers: layers, Name: name, Transformer: tr, Flush: httpx.Flusher(c)}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, format.MediaType())
	h.Set("Content-Crs", "<"+crs.URI+">")
	h.Set("Content-Disposition", `attachment; filename="`+file+"."+format.Ext()+`"`)
	h.Set("X-Index-Seq", strconv.FormatInt(snap.Seq(), 10))
	c.Response().WriteHeader(http.StatusOK)
	w, err := export.NewWriter(ctx, c.Response(), opts)
	if err != nil {
		// The options were checked above; anything here is a write error.
		return nil, s.endExport(c, err)
	}
	return w, nil
}

// endExport finishes a streamed response. After the status line has gone
// out an error can only be logged, and the response is aborted
// (http.ErrAbortHandler) so the client does not take a truncated file for
// a whole one.
func (s *Server) endExport(c echo.Context, err error) error {
	if err == nil {
		return nil
	}
	s.logger.Warn("export aborted", "path", c.Request().URL.Path, "err", err)
	panic(http.ErrAbortHandler)
}
