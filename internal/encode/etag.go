package encode

import (
	"slices"
	"strconv"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// VersionTag is the ETag of a zone or green area: its version.
func VersionTag(version int64) string { return `"` + strconv.FormatInt(version, 10) + `"` }

// ParcelTag is the ETag of a parcel: its version and its status, which
// changes by the calendar alone (a lease starting or ending) without a new
// version. A write compares only the version (TagVersion).
func ParcelTag(p *zonegis.Parcel) string {
	return `"` + strconv.FormatInt(p.Version, 10) + "-" + p.Status + `"`
}

// TagVersion reads the version an If-Match header holds: a VersionTag, a
// ParcelTag, either weak; 0 when the header is empty or *. ok is false
// for anything else.
func TagVersion(header string) (version int64, ok bool) {
	h := strings.TrimSpace(header)
	if h == "" || h == "*" {
		return 0, true
	}
	h = strings.TrimPrefix(h, "W/")
	h = strings.Trim(h, `"`)
	if i := strings.IndexByte(h, '-'); i > 0 && slices.Contains(zonegis.ParcelStatuses, h[i+1:]) {
		h = h[:i] // a parcel's tag: the version is what a write is checked against
	}
	v, err := strconv.ParseInt(h, 10, 64)
	if err != nil || v < 1 {
		return 0, false
	}
	return v, true
}
