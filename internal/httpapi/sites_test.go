package httpapi_test

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestQuerySitesByProvince compares the site search by province and by
// region (no point: largest first, ties by id) with SQL over the zones'
// provinces, numberMatched included, and the cut at limit; a point with a
// province keeps only that province's parcels near it.
func TestQuerySitesByProvince(t *testing.T) {
	f := seeded(t)
	for _, c := range []struct {
		query     url.Values
		provinces []string // the zones' provinces (as stored) the answer must come from
	}{
		{url.Values{"province": {"Ho Chi Minh City"}}, []string{"Thành phố Hồ Chí Minh"}},
		{url.Values{"province": {"79"}, "limit": {"1000"}, "land_use": {"industrial"}}, []string{"Thành phố Hồ Chí Minh"}},
		{url.Values{"province": {"tp. hồ chí minh"}, "status": {"leased"}, "limit": {"5"}}, []string{"Thành phố Hồ Chí Minh"}},
		{url.Values{"region": {"southeast"}, "limit": {"7"}}, []string{"Thành phố Hồ Chí Minh", "Đồng Nai", "Tây Ninh"}},
		{url.Values{"region": {"red_river_delta"}}, []string{"Hà Nội", "Hải Phòng", "Quảng Ninh", "Bắc Ninh", "Hưng Yên", "Ninh Bình"}},
		{url.Values{"province": {"Đồng Nai"}}, []string{"Đồng Nai"}},
	} {
		path := "/query/sites?" + c.query.Encode()
		var fc featureCollection
		if r := f.getJSON(t, path, &fc); r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.status, r.body)
		}
		status, limit := "available", 50
		if v := c.query.Get("status"); v != "" {
			status = v
		}
		if v := c.query.Get("limit"); v != "" {
			limit, _ = strconv.Atoi(v)
		}
		want := f.ids(t, `SELECT p.id FROM parcels_now p JOIN zones z ON z.id = p.zone_id
			WHERE z.province = ANY($1) AND p.status = $2 AND ($3 = '' OR p.land_use = $3)
			ORDER BY p.area_m2 DESC, p.id`, c.provinces, status, c.query.Get("land_use"))
		if fc.NumberMatched == nil || *fc.NumberMatched != len(want) {
			t.Errorf("%s: numberMatched %v, want %d", path, fc.NumberMatched, len(want))
		}
		want = want[:min(len(want), limit)]
		if d := sameIDs(fc.ids(), want); d != "" || !slices.Equal(fc.ids(), want) {
			t.Errorf("%s: ids (in order) differ from SQL's: %s\n got %v\nwant %v", path, d, head(fc.ids()), head(want))
		}
		if fc.NumberReturned == nil || *fc.NumberReturned != len(want) {
			t.Errorf("%s: numberReturned %v, want %d", path, fc.NumberReturned, len(want))
		}
		for _, ft := range fc.Features {
			if p, _ := ft.Properties["province"].(string); !slices.Contains(c.provinces, p) || ft.Properties["distance_m"] != nil {
				t.Errorf("%s: feature %d province %q, distance_m %v", path, ft.ID, p, ft.Properties["distance_m"])
			}
		}
	}
	if n := len(f.ids(t, `SELECT p.id FROM parcels_now p JOIN zones z ON z.id = p.zone_id WHERE z.province = 'Thành phố Hồ Chí Minh' AND p.status = 'available'`)); n <= 50 {
		t.Fatalf("the seed has %d available parcels in Hồ Chí Minh City: too few to test the cut at 50", n)
	}

	// A point and a province: near the point, and only in the province.
	var near, other featureCollection
	f.getJSON(t, "/query/sites?lon=106.74&lat=10.76&radius_m=50000", &near)
	f.getJSON(t, "/query/sites?lon=106.74&lat=10.76&radius_m=50000&province=dong%20nai", &other)
	if len(near.Features) == 0 || len(other.Features) != 0 || other.NumberMatched == nil || *other.NumberMatched != 0 {
		t.Errorf("point + province Đồng Nai: %d parcels (numberMatched %v), want 0; without the province %d", len(other.Features), other.NumberMatched, len(near.Features))
	}
	if near.NumberMatched == nil || *near.NumberMatched < len(near.Features) {
		t.Errorf("point search: numberMatched %v, returned %d", near.NumberMatched, len(near.Features))
	}

	for path, reason := range map[string]string{
		"/query/sites":                            "lon and lat are required, unless province or region is given",
		"/query/sites?province=Bình%20Dương":      "is part of Thành phố Hồ Chí Minh",
		"/query/sites?province=Atlantis":          `province: "Atlantis" is not one of the 34 provinces`,
		"/query/sites?region=south":               `region: "south" is not one of northern_midlands_mountains`,
		"/query/sites?region=southeast&lon=106.7": "lat",
	} {
		wantProblem(t, f.do(t, http.MethodGet, path, nil, nil), http.StatusBadRequest, zonegis.EINVALID, reason)
	}
}
