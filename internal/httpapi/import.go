package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/crs"
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

// maxFormFieldBytes bounds a multipart field other than the file and the
// mapping; maxMappingBytes the mapping (map or mapping).
const (
	maxFormFieldBytes = 1 << 10
	maxMappingBytes   = 64 << 10
)

// handleImport answers POST /collections/{collection}/import: the import
// use case over the request body, a GeoJSON FeatureCollection
// (registry.ImportFile) or a file of any format package source reads
// (registry.ImportSource), sent as the body with its format named
// (format= or its Content-Type) or as multipart/form-data (a part "file",
// optional parts "crs", "layer", "format"). Every import is logged
// (jobs.Run); a large or async one runs as a job (202, see jobs.go).
func (s *Server) handleImport() echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		coll := l.name()
		q := c.QueryParams()
		if err := checkParams(q, "async", "format", "crs", "layer", "map", "province"); err != nil {
			return err
		}
		async, err := importAsync(c)
		if err != nil {
			return err
		}
		up := upload{format: q.Get("format"), crs: q.Get("crs"), layer: q.Get("layer"), mapSpec: q.Get("map"), province: q.Get("province")}
		req := c.Request()
		a := actorOf(c)
		meta := jobs.Meta{Actor: a, Collection: coll, BodyBytes: req.ContentLength}
		mt, _, _ := mime.ParseMediaType(req.Header.Get(echo.HeaderContentType))
		if mt != "multipart/form-data" && up.format == "" && up.crs == "" && up.layer == "" && up.mapSpec == "" && (mt == "" || mt == mimeJSON || mt == mimeGeoJSON) {
			body, err := httpx.JSONBody(c, MaxImportBytes)
			if err != nil {
				return err
			}
			imp := func(ctx context.Context, body io.Reader) (int64, int, error) {
				return registry.ImportFile(ctx, s.store, a, coll, body)
			}
			if async { // 202 with the job, which runs in the background
				return s.submitImport(c, a, coll, body, imp)
			}
			seq, n, err := s.jobs.Run(req.Context(), meta, nil, body, imp)
			if err != nil {
				return err
			}
			s.visible(c, seq)
			return httpx.WriteJSON(c, http.StatusCreated, mimeJSON, map[string]any{"imported": n, "collection": coll})
		}
		dir, err := os.MkdirTemp("", "zonegis-upload-*")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		body := http.MaxBytesReader(c.Response(), req.Body, MaxImportBytes)
		if mt == "multipart/form-data" {
			err = up.spoolMultipart(req, body, dir)
		} else {
			err = up.spoolBody(body, dir, mt)
		}
		if err != nil {
			return err
		}
		f, err := up.resolve()
		if err != nil {
			return err
		}
		named := filepath.Join(dir, "upload"+f.Ext)
		if err := os.Rename(up.path, named); err != nil {
			return err
		}
		answer := map[string]any{"collection": coll}
		if async { // the job keeps its own copy of the file, named as this one
			file, err := os.Open(named)
			if err != nil {
				return err
			}
			defer file.Close()
			return s.submitImport(c, a, coll, file, func(ctx context.Context, body io.Reader) (int64, int, error) {
				d, err := os.MkdirTemp("", "zonegis-job-*")
				if err != nil {
					return 0, 0, err
				}
				defer os.RemoveAll(d)
				path := filepath.Join(d, "upload"+f.Ext)
				if err := copyToFile(path, body); err != nil {
					return 0, 0, err
				}
				return s.importPath(ctx, a, coll, f, up, path, map[string]any{})
			})
		}
		seq, n, err := s.jobs.Run(req.Context(), meta, nil, nil, func(ctx context.Context, _ io.Reader) (int64, int, error) {
			return s.importPath(ctx, a, coll, f, up, named, answer)
		})
		if err != nil {
			return err
		}
		s.visible(c, seq)
		answer["imported"] = n
		return httpx.WriteJSON(c, http.StatusCreated, mimeJSON, answer)
	}
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

// importPath imports the spooled file at path, of format f; what GDAL
// read (format, layer, CRS, counts) goes into answer.
func (s *Server) importPath(ctx context.Context, a zonegis.Actor, coll string, f source.Format, up upload, path string, answer map[string]any) (int64, int, error) {
	m, err := up.parseMapping(coll)
	if err != nil {
		return 0, 0, err
	}
	if f.Name == "geojson" && up.crs == "" && up.layer == "" && m == nil {
		file, err := os.Open(path)
		if err != nil {
			return 0, 0, err
		}
		defer file.Close()
		return registry.ImportFile(ctx, s.store, a, coll, file)
	}
	var defaultCRS string
	if up.province != "" {
		if defaultCRS, err = crs.DefaultSource(up.province); err != nil {
			return 0, 0, invalid("province: %s", zonegis.ErrorMessage(err))
		}
	}
	r, err := source.Open(path, source.Options{Format: f.Name, Layer: up.layer, CRS: up.crs, DefaultCRS: defaultCRS})
	if err != nil {
		return 0, 0, err
	}
	defer r.Close()
	seq, n, err := registry.ImportSource(ctx, s.store, a, coll, r, m)
	counts := r.Counts()
	answer["format"], answer["layer"], answer["crs"], answer["read"], answer["dropped_zm"] = f.Name, r.LayerName, r.CRS, counts.Read, counts.DroppedZM
	return seq, n, err
}

// copyToFile writes r to a new file at path.
func copyToFile(path string, r io.Reader) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	if _, err := io.Copy(f, r); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// upload is a file sent to an import and what the request says of it.
type upload struct {
	format, crs, layer string
	// province names where a file without a CRS comes from: its TM-3 zone
	// is assumed (crs.DefaultSource).
	province string
	// mapSpec (map=, or a part "map") and mapping (a part "mapping", JSON)
	// say how the source's fields become ours (registry.Mapping).
	mapSpec string
	mapping []byte
	// mediaType and fileName are the body's or the file part's.
	mediaType, fileName string
	path                string // the spooled file
}

// spoolBody writes the body to a file in dir.
func (u *upload) spoolBody(body io.Reader, dir, mt string) error {
	u.mediaType = mt
	return u.spool(body, dir)
}

func (u *upload) spool(r io.Reader, dir string) error {
	f, err := os.CreateTemp(dir, "spool-*")
	if err != nil {
		return err
	}
	defer f.Close()
	u.path = f.Name()
	if _, err := io.Copy(f, r); err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			return err // the disk's, not the client's
		}
		return httpx.BodyReadError(err, MaxImportBytes)
	}
	return f.Close()
}

// spoolMultipart reads a multipart/form-data body: the part "file"
// spooled to dir, the small parts "crs", "layer" and "format" as fields.
func (u *upload) spoolMultipart(req *http.Request, body io.ReadCloser, dir string) error {
	req.Body = body
	mr, err := req.MultipartReader()
	if err != nil {
		return invalid("body: not a multipart/form-data body: %v", err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return httpx.BodyReadError(err, MaxImportBytes)
		}
		name := part.FormName()
		switch name {
		case "file":
			if u.path != "" {
				return invalid("file: the multipart body has two parts named file; send one file an import")
			}
			u.fileName = part.FileName()
			u.mediaType, _, _ = mime.ParseMediaType(part.Header.Get(echo.HeaderContentType))
			if err := u.spool(part, dir); err != nil {
				return err
			}
		case "mapping":
			if u.mapping != nil {
				return invalid("mapping: given twice")
			}
			if u.mapping, err = readPart(part, name, maxMappingBytes); err != nil {
				return err
			}
		case "crs", "layer", "format", "map", "province":
			limit := maxFormFieldBytes
			if name == "map" {
				limit = maxMappingBytes
			}
			b, err := readPart(part, name, limit)
			if err != nil {
				return err
			}
			dst := map[string]*string{"crs": &u.crs, "layer": &u.layer, "format": &u.format, "map": &u.mapSpec, "province": &u.province}[name]
			if *dst != "" {
				return invalid("%s: given twice (in the query and the form, or twice in the form)", name)
			}
			*dst = strings.TrimSpace(string(b))
		default:
			return invalid("multipart part %q is not one an import takes: file, crs, layer, format, map, mapping, province", name)
		}
	}
	if u.path == "" {
		return invalid("file: the multipart body has no part named file")
	}
	return nil
}

// readPart reads a small multipart part, at most limit bytes.
func readPart(part io.Reader, name string, limit int) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(part, int64(limit)+1))
	if err != nil {
		return nil, httpx.BodyReadError(err, MaxImportBytes)
	}
	if len(b) > limit {
		return nil, invalid("%s: longer than %d bytes", name, limit)
	}
	return b, nil
}

// parseMapping is the upload's mapping for coll, or nil for none.
func (u *upload) parseMapping(coll string) (*registry.Mapping, error) {
	switch {
	case u.mapSpec != "" && u.mapping != nil:
		return nil, invalid("map and mapping: give one of them")
	case u.mapSpec != "":
		return registry.ParseMapSpec(coll, u.mapSpec)
	case u.mapping != nil:
		return registry.ParseMappingFile(coll, u.mapping)
	}
	return nil, nil
}

// resolve is the upload's format: named by format=, else by the media
// type, else by the file part's name. Errors: EINVALID for an unknown
// format=, 415 for a media type that names none.
func (u *upload) resolve() (source.Format, error) {
	if u.format != "" {
		f, ok := source.FormatByName(u.format)
		if !ok {
			return f, invalid("format: %q is not a format zonegis reads; formats: %s", u.format, strings.Join(uploadFormats(), ", "))
		}
		return f, sidecars(f)
	}
	if f, ok := source.FormatByMediaType(u.mediaType); ok {
		return f, sidecars(f)
	}
	if f, ok := source.FormatByFileName(u.fileName); ok && u.fileName != "" {
		return f, sidecars(f)
	}
	what := "Content-Type " + httpx.QuoteHeader(u.mediaType)
	if u.mediaType == "" {
		what = "a body without a Content-Type"
	}
	if u.fileName != "" {
		what += " (file " + httpx.QuoteHeader(u.fileName) + ")"
	}
	return source.Format{}, httpx.UnsupportedMedia(what + " is not a format zonegis reads; name it with format= (" + strings.Join(uploadFormats(), ", ") + ")")
}

// sidecars refuses a format whose dataset is several files: one upload
// of it is a zip.
func sidecars(f source.Format) error {
	if f.Sidecars {
		return httpx.UnsupportedMedia("format " + f.Name + " is several files (such as .shp, .shx, .dbf, .prj, .cpg): send them in one zip, with format=shapefile-zip or mapinfo-zip")
	}
	return nil
}

// uploadFormats are the formats an upload may name.
func uploadFormats() []string {
	var names []string
	for _, f := range source.Formats {
		if !f.Sidecars {
			names = append(names, f.Name)
		}
	}
	return names
}
