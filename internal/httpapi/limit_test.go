package httpapi_test

import (
	"net/url"
	"testing"

	"github.com/zonegis/zonegis/internal/catalog"
)

// TestItemsLimitCapped: a limit above the maximum is served at the
// maximum on every collection's items (OGC API - Features
// /req/core/fc-limit-response-1; GDAL's PAGE_SIZE=20000), never refused;
// numberReturned tells, and the next link pages on at the maximum.
func TestItemsLimitCapped(t *testing.T) {
	f := seeded(t)
	for _, c := range []struct{ collection, table string }{{"zones", "zones"}, {"parcels", "parcels"}, {"green-areas", "green_areas"}} {
		var n int
		f.scalar(t, "SELECT count(*) FROM "+c.table, nil, &n)
		for _, limit := range []string{"10001", "20000", "99999999999999999999999"} {
			var fc featureCollection
			r := f.getJSON(t, "/collections/"+c.collection+"/items?limit="+limit, &fc)
			if r.status != 200 {
				t.Fatalf("%s limit=%s: status %d: %.300s", c.collection, limit, r.status, r.body)
			}
			if want := min(n, catalog.MaxLimit); *fc.NumberReturned != want || len(fc.Features) != want || *fc.NumberMatched != n {
				t.Errorf("%s limit=%s: numberReturned %d, %d features, numberMatched %d; want %d of %d",
					c.collection, limit, *fc.NumberReturned, len(fc.Features), *fc.NumberMatched, want, n)
			}
			if next, ok := fc.link("next"); ok {
				u, _ := url.Parse(next)
				if u.Query().Get("limit") != "10000" {
					t.Errorf("%s limit=%s: next link %s, want limit=10000", c.collection, limit, next)
				}
			}
		}
	}
}
