package featurejson

import (
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestDateNamesTheField: a value that is not a calendar date is refused
// with a problem that names the field (nested, too) and says what it must
// be; a date is read as UTC midnight.
func TestDateNamesTheField(t *testing.T) {
	type lease struct {
		Start *Date `json:"start"`
		Zone  struct {
			Established *Date `json:"established"`
		} `json:"zone"`
	}
	for body, want := range map[string]string{
		`{"start":"2026-13-01"}`:                  `body: field "start" must be a date YYYY-MM-DD, not "2026-13-01"`,
		`{"start":20260101}`:                      `body: field "start" must be a date YYYY-MM-DD, not JSON 20260101`,
		`{"zone":{"established":"yesterday"}}`:    `body: field "zone.established" must be a date YYYY-MM-DD, not "yesterday"`,
		`{"zone":{"established":["2026-01-01"]}}`: `body: field "zone.established" must be a date YYYY-MM-DD, not JSON ["2026-01-01"]`,
	} {
		var v lease
		err := DecodeStrict([]byte(body), &v, "body")
		if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.Contains(zonegis.ErrorMessage(err), want) {
			t.Errorf("%s: %v, want EINVALID %q", body, err, want)
		}
	}
	var v lease
	if err := DecodeStrict([]byte(`{"start":"2026-02-28"}`), &v, "body"); err != nil || v.Start == nil || v.Start.Format("2006-01-02") != "2026-02-28" {
		t.Fatalf("a date: %v, %+v", err, v.Start)
	}
}
