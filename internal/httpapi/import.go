package httpapi

import (
	"context"
	"io"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/registry"
)

// MaxImportBytes bounds an import body (after gzip, when it is sent
// compressed). The body is read one feature at a time, never whole
// (registry.ImportFile).
const MaxImportBytes = 256 << 20

// handleImport answers POST /collections/{collection}/import: the import
// use case (registry.ImportFile) over the request body, logged (jobs.Run);
// a large or async one runs as a job (202, see jobs.go).
func (s *Server) handleImport() echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		coll := l.name()
		async, err := importAsync(c) // its only parameter, async (jobs.go)
		if err != nil {
			return err
		}
		body, err := httpx.JSONBody(c, MaxImportBytes)
		if err != nil {
			return err
		}
		a := actorOf(c)
		imp := func(ctx context.Context, body io.Reader) (int64, int, error) {
			return registry.ImportFile(ctx, s.store, a, coll, body)
		}
		if async { // 202 with the job, which runs in the background
			job, err := s.jobs.Submit(c.Request().Context(), a, coll, body, MaxImportBytes, imp)
			if err != nil {
				return err
			}
			return writeJob(c, http.StatusAccepted, job)
		}
		seq, n, err := s.jobs.Run(c.Request().Context(), jobs.Meta{Actor: a, Collection: coll, BodyBytes: c.Request().ContentLength}, nil, body, imp)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return httpx.WriteJSON(c, http.StatusCreated, mimeJSON, map[string]any{"imported": n, "collection": coll})
	}
}
