package httpx

import (
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestCheckQuery: what url.ParseQuery would drop or store is refused, with
// the parameter named; plain and properly escaped queries pass.
func TestCheckQuery(t *testing.T) {
	for _, ok := range []string{"", "lon=106.7&lat=10.8", "q=t%C3%A2n+thu%E1%BA%ADn", "zone=291&&limit=3", "q=%3B", "q=%25", "f"} {
		if err := CheckQuery(ok); err != nil {
			t.Errorf("CheckQuery(%q): %v", ok, err)
		}
	}
	for raw, param := range map[string]string{
		"zone=291;":            "zone",
		"crs=EPSG:3405;":       "crs",
		"lon=106.7;lat=10.8":   "lon",
		"limit=3&zone=1;x=2":   "zone",
		"board=%00":            "board",
		"board=%ff":            "board",
		"collection=%00":       "collection",
		"q=a%0Ab":              "q",
		"q=%zz":                "q",
		"q=100%":               "q",
		"%ff=1":                "\xff",
		"b%00oard=1":           "b\x00oard",
		"name=%ED%A0%80":       "name", // an encoded surrogate is not UTF-8
		"q=caf%C3":             "q",
		"lat=10.8&lon=\x7f106": "lon",
	} {
		err := CheckQuery(raw)
		if zonegis.ErrorCode(err) != zonegis.EINVALID {
			t.Errorf("CheckQuery(%q): %v, want EINVALID", raw, err)
			continue
		}
		if got := err.(*zonegis.Error).Details["parameter"]; got != param {
			t.Errorf("CheckQuery(%q) names %q, want %q (%v)", raw, got, param, err)
		}
	}
}
