package encode

import (
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// A tag the API sends reads back as its version.
func TestTagVersion(t *testing.T) {
	p := &zonegis.Parcel{Version: 3, Status: zonegis.ParcelStatuses[0]}
	for h, want := range map[string]int64{"": 0, "*": 0, VersionTag(7): 7, ParcelTag(p): 3, "W/" + ParcelTag(p): 3, ` "12" `: 12} {
		if v, ok := TagVersion(h); !ok || v != want {
			t.Errorf("%q: %d %v, want %d", h, v, ok, want)
		}
	}
	for _, h := range []string{`"0"`, `"x"`, `"3-nostatus"`, `"-1"`} {
		if _, ok := TagVersion(h); ok {
			t.Errorf("%q accepted", h)
		}
	}
}
