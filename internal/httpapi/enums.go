package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpx"
)

// handleEnums answers GET /enums: the values of the enumerated fields, as
// the lists of package zonegis hold them (catalog.Enums) (the lists the API validates
// against; TestSchemaEnums holds the schema's CHECK constraints to them),
// and the formats of GET /collections/{c}/export. The web map builds its
// filters, legend and export links from this document rather than from
// copies of its own.
func (s *Server) handleEnums() echo.HandlerFunc {
	formats := make([]string, 0, len(export.Formats()))
	for _, f := range export.Formats() {
		formats = append(formats, string(f))
	}
	doc := catalog.Enums()
	doc["export_formats"] = formats
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, doc)
	}
}
