package httpapi

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// importParamNames are the query parameters of an import.
var importParamNames = []string{"dry_run", "repair", "overlap_tolerance_m2", "on_conflict", "report"}

// importParams reads an import's options and the report format it asks
// for (report=, else Accept: text/csv or application/geo+json, else
// JSON). Errors: EINVALID naming the parameter.
func importParams(c echo.Context) (zonegis.ImportOptions, string, error) {
	q := c.QueryParams()
	opts, err := zonegis.ParseImportOptions(func(name string) (string, bool) {
		v, ok := q[name]
		if !ok || len(v) == 0 {
			return "", false
		}
		return v[0], true
	})
	if err != nil {
		return opts, "", err
	}
	format := registry.ReportJSON
	if v, ok := q["report"]; ok && len(v) > 0 {
		format = v[0]
		if _, ok := registry.ReportMediaTypes[format]; !ok {
			return opts, "", invalid("report: want one of %s, got %q", strings.Join(registry.ReportFormats, ", "), format)
		}
	} else if mt := httpx.Accepted(c.Request(), "text/csv", "application/geo+json"); mt != "" {
		format = map[string]string{"text/csv": registry.ReportCSV, "application/geo+json": registry.ReportGeoJSON}[mt]
	}
	return opts, format, nil
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
