package catalog

import (
	"context"
	"io"
	"net/url"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Table is a collection without geometry, read from the store a page at a
// time rather than from the index (packages invest and reports): what its
// requests mean and its answers' bytes for caller p, st being the store
// (each asserts the interface it needs: ENOTFOUND without). httpapi serves
// it. Errors: EINVALID naming the parameter, ENOTFOUND.
type Table interface {
	Name() string
	Title() string
	Tag(record any) string
	Info(base string) map[string]any
	Queryables(base string, q url.Values) (any, error)
	// Page is an items page; self is its URL, for its links.
	Page(ctx context.Context, st any, p zonegis.Principal, q url.Values, self string) ([]byte, error)
	// Feature is the record ref's Feature and its ETag.
	Feature(ctx context.Context, st any, p zonegis.Principal, ref string, q url.Values) ([]byte, string, error)
	// Export names the export's CSV file and writes it, once its query is checked.
	Export(ctx context.Context, st any, p zonegis.Principal, q url.Values) (string, func(io.Writer) error, error)
}
