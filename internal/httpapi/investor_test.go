package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestZoneInvestorFacts: a zone's investor facts (issue 15, point 4) are
// null until the board writes them; a PATCH sets them, GeoJSON and the
// database (migrations/0018) then hold the same values, a null clears one,
// and a bad value is 400 naming the field with nothing written.
func TestZoneInvestorFacts(t *testing.T) {
	e := newWriteEnv(t)
	item := fmt.Sprintf("/collections/zones/items/%d", e.zone.ID)
	props := decodeFeature(t, e.get(t, "zones", e.zone.ID)).Properties
	for _, k := range []string{"rent_min_usd_m2", "rent_max_usd_m2", "rent_term_ends", "fee_usd_m2_year", "power_mva", "water_m3_day",
		"wastewater_m3_day", "incentives_vi", "incentives_en", "contact_name", "contact_phone", "contact_email", "contact_website"} {
		if v, ok := props[k]; !ok || v != nil {
			t.Errorf("new zone: %s = %v (present %v), want null: unknown, never invented", k, v, ok)
		}
	}
	r := e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {
		"rent_min_usd_m2": 180, "rent_max_usd_m2": 220.5, "rent_term_ends": [2058, 2068], "fee_usd_m2_year": 0.85,
		"power_mva": 126, "water_m3_day": 15000, "wastewater_m3_day": 10000,
		"incentives_vi": "Miễn thuế 4 năm", "incentives_en": "4-year tax holiday",
		"contact_name": " Phòng Xúc tiến đầu tư ", "contact_phone": "+84 28 3770 1234", "contact_email": "sales@example.vn",
		"contact_website": "https://example.vn/invest"}}`)
	want(t, r, http.StatusOK, "PATCH investor facts")
	props = decodeFeature(t, e.get(t, "zones", e.zone.ID)).Properties
	for k, v := range map[string]any{"rent_min_usd_m2": 180.0, "rent_max_usd_m2": 220.5, "fee_usd_m2_year": 0.85, "power_mva": 126.0,
		"water_m3_day": 15000.0, "wastewater_m3_day": 10000.0, "incentives_en": "4-year tax holiday",
		"contact_name": "Phòng Xúc tiến đầu tư", "contact_email": "sales@example.vn", "contact_website": "https://example.vn/invest"} {
		if props[k] != v {
			t.Errorf("%s = %#v, want %#v", k, props[k], v)
		}
	}
	if ends, _ := props["rent_term_ends"].([]any); len(ends) != 2 || ends[0] != 2058.0 || ends[1] != 2068.0 {
		t.Errorf("rent_term_ends = %v", props["rent_term_ends"])
	}
	var (
		rentMax, power float64
		ends           []int32
		phone          string
	)
	e.scalar(t, `SELECT rent_max_usd_m2::float8, power_mva::float8, rent_term_ends, contact_phone FROM zones WHERE id = $1`,
		[]any{e.zone.ID}, &rentMax, &power, &ends, &phone)
	if rentMax != 220.5 || power != 126 || len(ends) != 2 || phone != "+84 28 3770 1234" {
		t.Errorf("database: rent_max %v, power %v, ends %v, phone %q", rentMax, power, ends, phone)
	}

	// The facts are queryables: a CQL2 filter over them finds the zone.
	var fc featureCollection
	e.getJSON(t, "/collections/zones/items?"+url.Values{"filter": {"rent_min_usd_m2 >= 150 AND power_mva = 126 AND contact_email LIKE '%@example.vn'"}}.Encode(), &fc)
	if ids := fc.ids(); len(ids) != 1 || ids[0] != e.zone.ID {
		t.Errorf("filter over the investor facts: %v, want [%d]", ids, e.zone.ID)
	}

	// null clears one fact; the others stay.
	want(t, e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {"power_mva": null, "contact_phone": null, "rent_term_ends": null}}`),
		http.StatusOK, "PATCH nulls")
	props = decodeFeature(t, e.get(t, "zones", e.zone.ID)).Properties
	if props["power_mva"] != nil || props["contact_phone"] != nil || props["rent_term_ends"] != nil || props["rent_min_usd_m2"] != 180.0 {
		t.Errorf("after nulls: %v", props)
	}
	var nulls int
	e.scalar(t, `SELECT num_nulls(power_mva, contact_phone, rent_term_ends) FROM zones WHERE id = $1`, []any{e.zone.ID}, &nulls)
	if nulls != 3 {
		t.Errorf("database keeps %d of the 3 nulled facts as NULL", 3-nulls)
	}

	// Bad values name the field; nothing changes.
	for body, reason := range map[string]string{
		`{"rent_min_usd_m2": 300}`:            "rent_min_usd_m2 (300) is more than rent_max_usd_m2 (220.5)",
		`{"fee_usd_m2_year": -1}`:             "fee_usd_m2_year must be from 0 to 10000",
		`{"rent_term_ends": [1890]}`:          "rent_term_ends: 1890 is not a year from 1990 to 2200",
		`{"contact_email": "not an address"}`: `contact_email "not an address" is not an email address`,
		`{"contact_phone": "call us"}`:        `contact_phone "call us" must be 6 to 32 digits`,
		`{"contact_website": "ftp://x.vn"}`:   `contact_website "ftp://x.vn" must be an http or https URL`,
		`{"power_mva": "a lot"}`:              `field "power_mva" must be a number`,
	} {
		wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": `+body+`}`),
			http.StatusBadRequest, zonegis.EINVALID, reason)
	}
	e.scalar(t, `SELECT rent_min_usd_m2::float8 FROM zones WHERE id = $1`, []any{e.zone.ID}, &rentMax)
	if rentMax != 180 {
		t.Errorf("a refused PATCH wrote rent_min_usd_m2 %v", rentMax)
	}
}
