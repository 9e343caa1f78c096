package registry

import (
	"encoding/csv"
	"encoding/json"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// The formats of an import report.
const (
	ReportJSON    = "json"    // the whole report
	ReportCSV     = "csv"     // one problem a row, for a spreadsheet
	ReportGeoJSON = "geojson" // the problems' locations as points, for QGIS beside the source
)

// ImportParamNames are the query parameters of an import's options
// (ImportParams).
var ImportParamNames = []string{"dry_run", "repair", "overlap_tolerance_m2", "on_conflict", "report"}

// ImportParams reads an import's options (zonegis.ParseImportOptions) and
// the report format it asks for from its query parameters q: report=,
// else accepted (the media type Accept prefers of text/csv and
// application/geo+json, "" for neither), else JSON. Errors: EINVALID
// naming the parameter.
func ImportParams(q url.Values, accepted string) (zonegis.ImportOptions, string, error) {
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
	format := ReportJSON
	if v, ok := q["report"]; ok && len(v) > 0 {
		format = v[0]
		if _, ok := ReportMediaTypes[format]; !ok {
			return opts, "", invalid("report: want one of %s, got %q", strings.Join(ReportFormats, ", "), format)
		}
	} else if accepted != "" {
		format = map[string]string{"text/csv": ReportCSV, "application/geo+json": ReportGeoJSON}[accepted]
	}
	return opts, format, nil
}

// ReportFormats are the formats WriteImportReport writes.
var ReportFormats = []string{ReportJSON, ReportCSV, ReportGeoJSON}

// ReportMediaTypes are the formats' media types.
var ReportMediaTypes = map[string]string{
	ReportJSON:    "application/json",
	ReportCSV:     "text/csv; charset=utf-8",
	ReportGeoJSON: "application/geo+json",
}

// ReportFormatOfPath is the report format a file name asks for by its
// extension (.json, .csv, .geojson); "" for any other.
func ReportFormatOfPath(path string) string {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".json":
		return ReportJSON
	case ".csv":
		return ReportCSV
	case ".geojson":
		return ReportGeoJSON
	}
	return ""
}

// reportCSVHeader are the columns of the CSV report.
var reportCSVHeader = []string{"index", "fid", "lot_code", "problem", "code", "reason", "lon", "lat",
	"other_index", "other_lot_code", "other_id", "area_m2"}

// WriteImportReport writes rep to w in format (ReportFormats). Errors:
// EINVALID for an unknown format; w's.
func WriteImportReport(w io.Writer, rep *zonegis.ImportReport, format string) error {
	switch format {
	case ReportJSON, "":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	case ReportCSV:
		cw := csv.NewWriter(w)
		if err := cw.Write(reportCSVHeader); err != nil {
			return err
		}
		for _, p := range rep.Problems {
			rec := []string{strconv.Itoa(p.Index), optInt64(p.FID), p.LotCode, p.Problem, p.Code, p.Reason, "", "",
				"", p.OtherLotCode, optInt64(p.OtherID), ""}
			if p.Location != nil {
				rec[6], rec[7] = strconv.FormatFloat(p.Location[0], 'f', -1, 64), strconv.FormatFloat(p.Location[1], 'f', -1, 64)
			}
			if p.OtherIndex != nil {
				rec[8] = strconv.Itoa(*p.OtherIndex)
			}
			if p.AreaM2 != nil {
				rec[11] = strconv.FormatFloat(*p.AreaM2, 'f', 2, 64)
			}
			if err := cw.Write(rec); err != nil {
				return err
			}
		}
		cw.Flush()
		return cw.Error()
	case ReportGeoJSON:
		type feature struct {
			Type       string         `json:"type"`
			Geometry   any            `json:"geometry"`
			Properties map[string]any `json:"properties"`
		}
		fc := struct {
			Type     string    `json:"type"`
			Name     string    `json:"name"`
			Features []feature `json:"features"`
		}{Type: "FeatureCollection", Name: "import_problems", Features: []feature{}}
		for _, p := range rep.Problems {
			if p.Location == nil {
				continue
			}
			props := map[string]any{"index": p.Index, "lot_code": p.LotCode, "problem": p.Problem, "code": p.Code, "reason": p.Reason,
				"fid": p.FID, "other_index": p.OtherIndex, "other_lot_code": p.OtherLotCode, "other_id": p.OtherID, "area_m2": p.AreaM2}
			fc.Features = append(fc.Features, feature{Type: "Feature",
				Geometry:   map[string]any{"type": "Point", "coordinates": p.Location[:]},
				Properties: props})
		}
		return json.NewEncoder(w).Encode(fc)
	}
	return invalid("report: want one of %s, got %q", strings.Join(ReportFormats, ", "), format)
}

func optInt64(p *int64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatInt(*p, 10)
}
