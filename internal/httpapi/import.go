package httpapi

import (
	"net/http"

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
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		coll := l.name()
		if err := checkNoParams(c); err != nil {
			return err
		}
		body, err := bodyReader(c, MaxImportBytes)
		if err != nil {
			return err
		}
		seq, n, err := registry.ImportFile(c.Request().Context(), s.store, actorOf(c), coll, body)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return writeJSON(c, http.StatusCreated, mimeJSON, map[string]any{"imported": n, "collection": coll})
	}
}
