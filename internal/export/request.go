package export

import (
	"context"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ParseRequest reads what an export asks for: its format (f, ParseFormat)
// and output CRS (crs, ParseCRS). Errors: EINVALID, the format's first.
func ParseRequest(f, crs string) (Format, CRS, error) {
	format, err := ParseFormat(f)
	if err != nil {
		return "", CRS{}, err
	}
	c, err := ParseCRS(crs)
	return format, c, err
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
