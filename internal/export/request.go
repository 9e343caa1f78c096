package export

import (
	"context"
	"io"
	"net/http"
	"strconv"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ParseRequest reads what an export asks for: its format (f, ParseFormat),
// output CRS (crs, ParseCRS) and byte order mark (bom, ParseBOM). Errors:
// EINVALID, the format's first, then the CRS's.
func ParseRequest(f, crs, bom string) (Format, CRS, bool, error) {
	format, err := ParseFormat(f)
	if err != nil {
		return "", CRS{}, false, err
	}
	c, err := ParseCRS(crs)
	if err != nil {
		return "", CRS{}, false, err
	}
	b, err := ParseBOM(bom, format == CSV)
	return format, c, b, err
}

// UTF8BOM is the byte order mark a CSV starts with for Excel (bom=true).
const UTF8BOM = "\ufeff"

// ParseBOM reads the bom parameter of an answer that is CSV when csv is
// true: "true" (start it with UTF8BOM) or "false"/"" (not). Errors:
// EINVALID for another value, or true for an answer that is not CSV.
func ParseBOM(v string, csv bool) (bool, error) {
	switch v {
	case "", "false":
		return false, nil
	case "true":
		if !csv {
			return false, zonegis.Errorf(zonegis.EINVALID, "bom: a byte order mark is for CSV only (f=csv)")
		}
		return true, nil
	}
	return false, zonegis.Errorf(zonegis.EINVALID, "bom: want true or false, got %s", zonegis.Quoted(v))
}

// Projected says whether a crs parameter, of an export or of items
// (crs.ParseFeatures, which takes every CRS ParseCRS takes, and 3857),
// asks for a CRS that the Transformer computes (PostGIS transforms every
// geometry): not "", not CRS84 or EPSG:4326, and valid. Such a request is
// heavy.
func Projected(s string) bool {
	if s == "" {
		return false
	}
	c, err := crs.ParseFeatures("crs", s)
	return err == nil && !c.IsCRS84()
}

// ErrTransformUnavailable answers an export whose Preflight failed.
var ErrTransformUnavailable error = &zonegis.Error{Code: zonegis.EUNAVAILABLE,
	Message: "the database is unavailable to transform coordinates; try again shortly"}

// Preflight returns the Transformer of an export to c: nil for CRS84,
// else tr once a transform of nothing, a round trip, proves it answers, so
// that an export does not begin a 200 it cannot finish. Errors: tr's,
// which the caller logs and answers with ErrTransformUnavailable.
func Preflight(ctx context.Context, tr Transformer, c CRS) (Transformer, error) {
	if c.IsCRS84() {
		return nil, nil
	}
	if _, err := tr.Transform(ctx, c.EPSG, nil); err != nil {
		return nil, err
	}
	return tr, nil
}

// SetHeaders sets the headers of an export answer: its Content-Type, the
// CRS of its coordinates (Content-Crs, OGC API - Features Part 2), the
// file name a browser saves it under (file, without extension) and the
// index sequence it was read at (X-Index-Seq).
func SetHeaders(h http.Header, format Format, crs CRS, file string, seq int64) {
	h.Set("Content-Type", format.MediaType())
	h.Set("Content-Crs", "<"+crs.URI+">")
	h.Set("Content-Disposition", `attachment; filename="`+file+"."+format.Ext()+`"`)
	h.Set("X-Index-Seq", strconv.FormatInt(seq, 10))
}

// WriteAll writes an export to dst: the features write gives a Writer of
// o, then the end of the file. Errors: NewWriter's, write's, Close's.
func WriteAll(ctx context.Context, dst io.Writer, o Options, write func(*Writer) error) error {
	w, err := NewWriter(ctx, dst, o)
	if err != nil {
		return err
	}
	if err := write(w); err != nil {
		return err
	}
	return w.Close()
}
