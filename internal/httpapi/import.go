package httpapi

import (
	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/registry"
)

// MaxImportBytes bounds an import body (after gzip, when it is sent
// compressed). The body is read one feature at a time, never whole
// (registry.ImportFile).
const MaxImportBytes = 256 << 20

// handleImport answers POST /collections/{collection}/import: the import
// use case (registry.ImportFile) over the request body.
func (s *Server) handleImport() echo.HandlerFunc {
	return func(c echo.Context) error {
		coll := c.Param("collection")
		if !knownCollection(coll) {
			return errNoSuchCollection
		}
		opts, format, err := importParams(c)
		if err != nil {
			return err
		}
		body, err := bodyReader(c, MaxImportBytes)
		if err != nil {
			return err
		}
		rep, err := registry.ImportFile(c.Request().Context(), s.store, actorOf(c), coll, body, opts)
		if err != nil {
			return err
		}
		s.visible(c, rep.Seq)
		return writeImportReport(c, rep, format)
	}
}
