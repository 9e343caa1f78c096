package httpx

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ServeFile sends a finished file under a strong etag with what clients
// that read files by URL need (GDAL's /vsicurl/, QGIS): Content-Length
// (a HEAD gets it too), Accept-Ranges and byte ranges (206 with
// Content-Range, several as multipart/byteranges), If-None-Match (304) and
// If-Range, through http.ServeContent. A Range header that cannot be
// parsed is ignored (RFC 9110 §14.2: the whole file, 200); one whose every
// range starts past the end is a 416 problem with Content-Range
// "bytes */size". The caller sets Content-Type and closes f.
func ServeFile(c echo.Context, f *os.File, etag string) error {
	st, err := f.Stat()
	if err != nil {
		return err
	}
	req := c.Request()
	if rg := req.Header.Get("Range"); rg != "" {
		switch satisfiable(rg, st.Size()) {
		case rangeMalformed:
			r := req.Clone(req.Context())
			r.Header.Del("Range")
			req = r
		case rangeUnsatisfiable:
			c.Response().Header().Set("Content-Range", "bytes */"+strconv.FormatInt(st.Size(), 10))
			return echo.NewHTTPError(http.StatusRequestedRangeNotSatisfiable,
				fmt.Sprintf("Range: %s asks for no byte of the %d-byte file", zonegis.Quoted(rg), st.Size()))
		}
	}
	c.Response().Header()["Etag"] = []string{etag}
	http.ServeContent(c.Response(), req, "", st.ModTime(), f)
	return nil
}

const (
	rangeOK = iota
	rangeMalformed
	rangeUnsatisfiable
)

// satisfiable classifies a Range header for a file of size bytes: a
// "bytes=" list of first-last, first- and -suffix ranges, any of which
// overlapping the file makes it satisfiable.
func satisfiable(header string, size int64) int {
	spec, ok := strings.CutPrefix(header, "bytes=")
	if !ok {
		return rangeMalformed
	}
	hit := false
	for _, r := range strings.Split(spec, ",") {
		first, last, ok := strings.Cut(strings.TrimSpace(r), "-")
		if !ok {
			return rangeMalformed
		}
		if first == "" { // the last N bytes
			n, err := strconv.ParseInt(last, 10, 64)
			if err != nil || n < 0 {
				return rangeMalformed
			}
			hit = hit || (n > 0 && size > 0)
			continue
		}
		a, err := strconv.ParseInt(first, 10, 64)
		if err != nil || a < 0 {
			return rangeMalformed
		}
		if last != "" {
			if b, err := strconv.ParseInt(last, 10, 64); err != nil || b < a {
				return rangeMalformed
			}
		}
		hit = hit || a < size
	}
	if !hit {
		return rangeUnsatisfiable
	}
	return rangeOK
}
