package httpapi

import (
	"mime"
	"net/http"
	"os"
	"path/filepath"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxImportBytes bounds an import body (after gzip, when it is sent
// compressed). A GeoJSON body is read one feature at a time, never whole
// (registry.ImportFile); a file of another format is spooled to a
// temporary file, which GDAL reads, and removed after.
const MaxImportBytes = 256 << 20

// importFields are the small parts of a multipart import beside the file,
// with their bounds in bytes; all but mapping may be query parameters too.
var importFields = map[string]int{"crs": 1 << 10, "layer": 1 << 10, "format": 1 << 10, "province": 1 << 10,
	"map": 64 << 10, "mapping": 64 << 10}

// handleImport answers POST /collections/{collection}/import: the import
// use case over the request body, a GeoJSON FeatureCollection
// (registry.ImportFile) or a file of any format package source reads
// (registry.ImportPath), sent as the body with its format named
// (format= or its Content-Type) or as multipart/form-data (a part "file",
// optional parts crs, layer, format, province, map and mapping). Every
// import is logged (jobs.Run); a large or async one runs as a job (202,
// see jobs.go).
func (s *Server) handleImport() echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		q := c.QueryParams()
		if err := checkParams(q, append([]string{"async", "format", "crs", "layer", "map", "province"}, registry.ImportParamNames...)...); err != nil {
			return err
		}
		opts, report, err := importParams(c)
		if err != nil {
			return err
		}
		async, err := importAsync(c)
		if err != nil {
			return err
		}
		req := c.Request()
		u := jobs.Upload{Runner: s.jobs, Store: s.store, Actor: actorOf(c), Collection: l.name(), Options: opts,
			BodyBytes: req.ContentLength, Limit: MaxImportBytes}
		mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		viaGDAL := q.Has("format") || q.Has("crs") || q.Has("layer") || q.Has("map") || q.Has("province")
		if mt != "multipart/form-data" && !viaGDAL && (mt == "" || mt == mimeJSON || mt == mimeGeoJSON) {
			body, err := httpx.JSONBody(c, MaxImportBytes)
			if err != nil {
				return err
			}
			if async { // 202 with the job, which runs in the background
				return answerJob(c)(u.SubmitGeoJSON(req.Context(), body))
			}
			return s.answerImport(c, report)(u.GeoJSON(req.Context(), body))
		}
		dir, err := os.MkdirTemp("", "zonegis-upload-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		up, err := httpx.Spool(c, dir, MaxImportBytes, importFields)
		if err != nil {
			return err
		}
		o, err := registry.UploadOptions(u.Collection, q, up.Fields, up.MediaType, up.FileName)
		if u, ok := err.(*source.Unsupported); ok {
			return httpx.UnsupportedMedia(u.Detail)
		} else if err != nil {
			return err
		}
		named := filepath.Join(dir, "upload"+o.Format.Ext)
		if err := os.Rename(up.Path, named); err != nil {
			return err
		}
		if async { // the job keeps its own copy of the file
			return answerJob(c)(u.SubmitFile(req.Context(), named, o))
		}
		return s.answerImport(c, report)(u.File(req.Context(), named, o))
	}
}

// answerImport answers an import's outcome in format: the report when
// there is one (a refusal too, as the report formats say), else the error.
func (s *Server) answerImport(c echo.Context, format string) func(*zonegis.ImportReport, error) error {
	return func(rep *zonegis.ImportReport, err error) error {
		if rep == nil {
			return err
		}
		s.visible(c, rep.Seq)
		return writeImportReport(c, rep, format)
	}
}

// answerJob answers 202 with a submitted job, or the error.
func answerJob(c echo.Context) func(*postgis.ImportJob, error) error {
	return func(job *postgis.ImportJob, err error) error {
		if err != nil {
			return err
		}
		return writeJob(c, http.StatusAccepted, job)
	}
}
