package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// handleEnums answers GET /enums: the values of the enumerated fields, as
// the lists of package zonegis hold them (the lists the API validates
// against; TestSchemaEnums holds the schema's CHECK constraints to them),
// and the formats of GET /collections/{c}/export. The web map builds its
// filters, legend and export links from this document rather than from
// copies of its own.
func (s *Server) handleEnums() echo.HandlerFunc {
	formats := make([]string, 0, len(export.Formats()))
	for _, f := range export.Formats() {
		formats = append(formats, string(f))
	}
	doc := map[string][]string{
		"zone_kinds":      zonegis.ZoneKinds,
		"zone_statuses":   zonegis.ZoneStatuses,
		"zone_models":     zonegis.ZoneModels,
		"land_uses":       zonegis.LandUses,
		"parcel_statuses": zonegis.ParcelStatuses,
		"green_kinds":     zonegis.GreenKinds,
		"export_formats":  formats,
	}
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		return writeJSON(c, http.StatusOK, mimeJSON, doc)
	}
}
