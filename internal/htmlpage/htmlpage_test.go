package htmlpage

import (
	"net/http/httptest"
	"testing"
)

// TestWants: HTML for f=html and for a browser's Accept; JSON for f=json,
// for the Accept of GDAL, QGIS and curl, and when JSON is preferred.
func TestWants(t *testing.T) {
	for target, accepts := range map[string]map[string]bool{
		"/x": {
			"text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8": true,
			"application/geo+json, application/json":                          false,
			"*/*":                                                             false,
			"":                                                                false,
			"application/json, text/html;q=0.5":                               false,
			"text/html;q=0.9, application/json;q=0.5": true,
			"text/html;q=0": false,
		},
		"/x?f=html": {"application/json": true, "": true},
		"/x?f=json": {"text/html": false},
	} {
		for accept, want := range accepts {
			r := httptest.NewRequest("GET", target, nil)
			r.Header.Set("Accept", accept)
			if got := Wants(r); got != want {
				t.Errorf("%s, Accept %q: %v, want %v", target, accept, got, want)
			}
		}
	}
}
