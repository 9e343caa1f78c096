package httpx

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"io"
	"mime"
	"net/http"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Request bodies: how they may be encoded and what type they must be.
//
// A body may come gzip-compressed (Content-Encoding: gzip); it is inflated
// as it is read (Decompress), so the size bounds a route sets hold for the
// inflated bytes and a small compressed body cannot blow up in memory.
// Gzip that is cut short or corrupt is the client's mistake, a 400; any
// other Content-Encoding (deflate, br, ...) is a 415.
//
// Routes that take JSON take application/json or application/geo+json
// (and PATCH application/merge-patch+json), in UTF-8; another type is a
// 415 (CheckJSONContentType). A body without a Content-Type is read as
// JSON, so that a plain `curl --data-binary @f.geojson -H ...` without one
// still works.

// UnsupportedMedia is a 415 with a detail.
func UnsupportedMedia(detail string) error {
	return echo.NewHTTPError(http.StatusUnsupportedMediaType, detail)
}

// gzipReaders pools gzip readers (each holds a 32 KiB window).
var gzipReaders sync.Pool

// Decompress replaces the body of a request marked with Content-Encoding
// by the inflated one. It reads the gzip header at once, so a body that is
// not gzip, or too short to be, is refused on every route. release returns
// the reader to the pool once the request is answered.
func Decompress(c echo.Context) (release func(), err error) {
	req := c.Request()
	var codings []string
	for _, v := range req.Header.Values(echo.HeaderContentEncoding) {
		for _, cd := range strings.Split(v, ",") {
			if cd = strings.ToLower(strings.TrimSpace(cd)); cd != "" && cd != "identity" {
				codings = append(codings, cd)
			}
		}
	}
	switch {
	case len(codings) == 0:
		return func() {}, nil
	case len(codings) > 1 || codings[0] != "gzip" && codings[0] != "x-gzip":
		c.Response().Header().Set("Accept-Encoding", "gzip")
		return nil, UnsupportedMedia("Content-Encoding " + strings.Join(codings, ", ") +
			" is not supported; send the body as it is, or compressed once with gzip (Content-Encoding: gzip)")
	}
	zr, _ := gzipReaders.Get().(*gzip.Reader)
	if zr == nil {
		zr = new(gzip.Reader)
	}
	if err := zr.Reset(req.Body); err != nil {
		gzipReaders.Put(zr)
		if err == io.EOF {
			return func() {}, nil // no body at all: nothing to inflate
		}
		return nil, gzipError(err)
	}
	req.Body = &gzipBody{zr: zr, body: req.Body}
	return func() { gzipReaders.Put(zr) }, nil
}

// gzipBody is an inflated request body whose gzip errors are the client's.
type gzipBody struct {
	zr   *gzip.Reader
	body io.ReadCloser
}

func (g *gzipBody) Read(p []byte) (int, error) {
	n, err := g.zr.Read(p)
	if err != nil && err != io.EOF {
		err = gzipError(err)
	}
	return n, err
}

func (g *gzipBody) Close() error { return g.body.Close() }

// gzipError maps what the gzip reader says about a body to a 400; errors
// of the connection itself pass.
func gzipError(err error) error {
	var ce flate.CorruptInputError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF):
		return invalid("body: marked Content-Encoding: gzip, but the gzip data ends too soon (cut short?)")
	case errors.Is(err, gzip.ErrHeader), errors.Is(err, gzip.ErrChecksum), errors.As(err, &ce):
		return invalid("body: marked Content-Encoding: gzip, but it is not valid gzip (%v)", err)
	}
	return err
}

// CheckJSONContentType refuses a body whose Content-Type is not JSON.
func CheckJSONContentType(req *http.Request) error {
	ct := req.Header.Get(echo.HeaderContentType)
	if ct == "" {
		return nil
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return UnsupportedMedia("Content-Type " + zonegis.Quoted(ct) + " is not a media type; send application/json or application/geo+json")
	}
	switch mt {
	case MIMEJSON, MIMEGeoJSON:
	case "application/merge-patch+json":
		if req.Method != http.MethodPatch {
			return UnsupportedMedia("Content-Type application/merge-patch+json is for PATCH; send application/json or application/geo+json")
		}
	default:
		return UnsupportedMedia("Content-Type " + zonegis.Quoted(mt) + " is not accepted here; send JSON as application/json or application/geo+json" +
			" (with curl: -H 'Content-Type: application/json')")
	}
	if cs, ok := params["charset"]; ok && !strings.EqualFold(cs, "utf-8") {
		return UnsupportedMedia("charset " + zonegis.Quoted(cs) + " is not accepted; send the JSON in UTF-8")
	}
	return nil
}

// JSONBody checks that the request body is JSON (CheckJSONContentType)
// and returns it, bounded to limit bytes: reading past them fails with
// *http.MaxBytesError (BodyReadError says ETOOLARGE).
func JSONBody(c echo.Context, limit int64) (io.Reader, error) {
	req := c.Request()
	if req.ContentLength != 0 { // an empty body has no type to check
		if err := CheckJSONContentType(req); err != nil {
			return nil, err
		}
	}
	return http.MaxBytesReader(c.Response(), req.Body, limit), nil
}

// ReadJSONBody reads a JSON request body of at most limit bytes (after
// gzip): ETOOLARGE beyond, EINVALID "body: empty" when it holds only
// white space, 415 when it is not JSON.
func ReadJSONBody(c echo.Context, limit int64) ([]byte, error) {
	r, err := JSONBody(c, limit)
	if err != nil {
		return nil, err
	}
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, BodyReadError(err, limit)
	}
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, invalid("body: empty")
	}
	return b, nil
}

// BodyReadError is the answer to an error reading a body bounded to limit
// bytes.
func BodyReadError(err error, limit int64) error {
	var mbe *http.MaxBytesError
	var de *zonegis.Error
	switch {
	case errors.As(err, &mbe):
		return zonegis.Errorf(zonegis.ETOOLARGE, "request body is larger than %d bytes", limit)
	case errors.As(err, &de):
		return err // a gzip body that is not gzip (see gzipBody)
	}
	return invalid("request body could not be read: %v", err)
}
