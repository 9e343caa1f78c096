package index

import (
	"strconv"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// ZoneByRef returns the zone that ref names: its id or its code. It is the
// one zone lookup of the service's transports (the HTTP API's zone
// parameters and paths, the CLI's --zone).
//
//   - A ref that parses as a decimal integer (strconv.ParseInt, so "+7" and
//     "007" are id 7) is first an id. When no zone has that id it is tried
//     as a code, since a code may be all digits ("^[A-Z0-9][A-Z0-9-]{1,62}$").
//   - A code matches in any case: ref matches when strings.ToUpper(ref) is
//     the code (so "kcx-tan-thuan", and the dotless "ı" for I) or when
//     strings.EqualFold says they are equal (so the Kelvin sign "K" for K).
//     Nothing else is folded: no trimming, no accents removed.
//   - Codes are unique (the schema says so); were two to match, the one with
//     the lowest id is returned.
//
// It scans the zones for a code (there are hundreds, not millions).
func (s *Snapshot) ZoneByRef(ref string) (*zonegis.Zone, bool) {
	if id, err := strconv.ParseInt(ref, 10, 64); err == nil {
		if z, ok := s.Zone(id); ok {
			return z, true
		}
	}
	upper := strings.ToUpper(ref)
	var found *zonegis.Zone
	s.AscendZones(0, func(z *zonegis.Zone) bool {
		if z.Code == upper || strings.EqualFold(z.Code, ref) {
			found = z
			return false
		}
		return true
	})
	return found, found != nil
}
