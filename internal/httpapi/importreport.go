package httpapi

import (
	"bytes"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// importParams reads an import's options and report format
// (registry.ImportParams), Accept's preference among the report types too.
func importParams(c echo.Context) (zonegis.ImportOptions, string, error) {
	return registry.ImportParams(c.QueryParams(), httpx.Accepted(c.Request(), "text/csv", "application/geo+json"))
}

// writeImportReport answers an import with its report: 201 when features
// were written, 200 for a dry run (or nothing to write), 400 when refused
// (as JSON: a problem whose details list the problems).
func writeImportReport(c echo.Context, rep *zonegis.ImportReport, format string) error {
	status := http.StatusOK
	switch {
	case rep.Refused:
		if format == registry.ReportJSON {
			return registry.RefusalError(rep)
		}
		status = http.StatusBadRequest
	case rep.Imported > 0:
		status = http.StatusCreated
	}
	var buf bytes.Buffer
	if err := registry.WriteImportReport(&buf, rep, format); err != nil {
		return err
	}
	return httpx.WriteBytes(c, status, registry.ReportMediaTypes[format], buf.Bytes())
}
