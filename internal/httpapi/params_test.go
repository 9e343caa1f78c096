package httpapi

import (
	"testing"

	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// A split query (the point lookup's) is checked with the same errors as
// checkParams gives.
func TestRawQueryCheck(t *testing.T) {
	p, _ := httpx.SplitQuery("lon=1&lat=2&lon=3")
	if err := p.Check(catalog.CheckParam, "lon", "lat"); zonegis.ErrorMessage(err) != `query parameter "lon" given 2 times` {
		t.Errorf("repeated lon: got %v", err)
	}
	p, _ = httpx.SplitQuery("lon=1&lat=2&zoom=3")
	if err := p.Check(catalog.CheckParam, "lon", "lat"); zonegis.ErrorMessage(err) != `unknown query parameter "zoom"; allowed: lon, lat` {
		t.Errorf("unknown zoom: got %v", err)
	}
}
