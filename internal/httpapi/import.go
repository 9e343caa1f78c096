package httpapi

import (
	"context"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/jobs"
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
		coll := l.name()
		q := c.QueryParams()
		if err := checkParams(q, append([]string{"async", "format", "crs", "layer", "map", "province"}, importParamNames...)...); err != nil {
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
		a := actorOf(c)
		meta := jobs.Meta{Actor: a, Collection: coll, BodyBytes: req.ContentLength}
		mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		viaGDAL := q.Has("format") || q.Has("crs") || q.Has("layer") || q.Has("map") || q.Has("province")
		var rep *zonegis.ImportReport
		if mt != "multipart/form-data" && !viaGDAL && (mt == "" || mt == mimeJSON || mt == mimeGeoJSON) {
			body, err := httpx.JSONBody(c, MaxImportBytes)
			if err != nil {
				return err
			}
			imp := reported(&rep, func(ctx context.Context, body io.Reader) (*zonegis.ImportReport, error) {
				return registry.ImportFile(ctx, s.store, a, coll, body, opts)
			})
			if async { // 202 with the job, which runs in the background
				return s.submitImport(c, a, coll, body, imp)
			}
			return s.answerImport(c, report, &rep, func() error {
				_, _, err := s.jobs.Run(req.Context(), meta, nil, body, imp)
				return err
			})
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
		field := func(name string) (string, error) {
			v, inForm := up.Fields[name]
			if inForm && q.Has(name) {
				return "", invalid("%s: given twice (in the query and the form)", name)
			}
			return v + q.Get(name), nil
		}
		var o registry.FileOptions
		var format, spec string
		for name, dst := range map[string]*string{"format": &format, "crs": &o.CRS, "layer": &o.Layer, "province": &o.Province, "map": &spec} {
			if *dst, err = field(name); err != nil {
				return err
			}
		}
		if o.Format, err = source.Resolve(format, up.MediaType, up.FileName); err != nil {
			if u, ok := err.(*source.Unsupported); ok {
				return httpx.UnsupportedMedia(u.Detail)
			}
			return err
		}
		var mapping []byte
		if v, ok := up.Fields["mapping"]; ok {
			mapping = []byte(v)
		}
		if o.Mapping, err = registry.ParseMapping(coll, spec, mapping); err != nil {
			return err
		}
		named := filepath.Join(dir, "upload"+o.Format.Ext)
		if err := os.Rename(up.Path, named); err != nil {
			return err
		}
		if async { // the job keeps its own copy of the file, named as this one
			return s.submitFile(c, a, coll, named, o, opts)
		}
		return s.answerImport(c, report, &rep, func() error {
			_, _, err := s.jobs.Run(req.Context(), meta, nil, nil, reported(&rep, func(ctx context.Context, _ io.Reader) (*zonegis.ImportReport, error) {
				r, read, err := registry.ImportPath(ctx, s.store, a, coll, named, o, opts)
				if r != nil && read != nil {
					r.SourceRead = &zonegis.SourceRead{Format: read.Format, Layer: read.Layer, CRS: read.CRS, Read: read.Read, DroppedZM: read.DroppedZM}
				}
				return r, err
			}))
			return err
		})
	}
}

// answerImport runs an import (run) and answers its report in format: the
// report when there is one (a refusal too, as the report formats say), else
// run's error.
func (s *Server) answerImport(c echo.Context, format string, rep **zonegis.ImportReport, run func() error) error {
	err := run()
	if *rep == nil {
		return err
	}
	s.visible(c, (*rep).Seq)
	return writeImportReport(c, *rep, format)
}

// submitImport answers 202 with the job that imports body in the
// background.
func (s *Server) submitImport(c echo.Context, a zonegis.Actor, coll string, body io.Reader, imp jobs.ImportFunc) error {
	job, err := s.jobs.Submit(c.Request().Context(), a, coll, body, MaxImportBytes, imp)
	if err != nil {
		return err
	}
	return writeJob(c, http.StatusAccepted, job)
}

// submitFile answers 202 with the job that imports the spooled file at
// path: the job spools its own copy, which it names as path is named (GDAL
// goes by the extension).
func (s *Server) submitFile(c echo.Context, a zonegis.Actor, coll, path string, o registry.FileOptions, opts zonegis.ImportOptions) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	var rep *zonegis.ImportReport
	return s.submitImport(c, a, coll, file, reported(&rep, func(ctx context.Context, body io.Reader) (*zonegis.ImportReport, error) {
		d, err := os.MkdirTemp("", "zonegis-job-*")
		if err != nil {
			return nil, err
		}
		defer os.RemoveAll(d)
		copyPath := filepath.Join(d, filepath.Base(path))
		f, err := os.Create(copyPath)
		if err == nil {
			_, err = io.Copy(f, body)
			if cerr := f.Close(); err == nil {
				err = cerr
			}
		}
		if err != nil {
			return nil, err
		}
		r, _, err := registry.ImportPath(ctx, s.store, a, coll, copyPath, o, opts)
		return r, err
	}))
}
