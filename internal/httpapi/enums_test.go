package httpapi

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestEnums: GET /enums serves the lists of package zonegis and the export
// formats of package export, the formats are those the OpenAPI document
// offers for f on the exports, and a query parameter is refused.
func TestEnums(t *testing.T) {
	srv := New(withMemStore(Options{}))
	w := do(srv, http.MethodGet, "/enums")
	if w.Code != http.StatusOK || !strings.HasPrefix(w.Header().Get("Content-Type"), "application/json") {
		t.Fatalf("GET /enums: %d %s %s", w.Code, w.Header().Get("Content-Type"), w.Body)
	}
	var got map[string][]string
	var places struct {
		Provinces, Regions []struct {
			Code   string `json:"code"`
			NameVI string `json:"name_vi"`
			NameEN string `json:"name_en"`
			Region string `json:"region"`
		}
	}
	var all map[string]json.RawMessage
	if err := json.Unmarshal(w.Body.Bytes(), &all); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(w.Body.Bytes(), &places); err != nil {
		t.Fatal(err)
	}
	delete(all, "provinces")
	delete(all, "regions")
	b, _ := json.Marshal(all)
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatal(err)
	}
	// The places a site search takes, named in both languages.
	if len(places.Provinces) != 34 || len(places.Regions) != 6 || places.Provinces[0].NameEN != "Ha Noi" ||
		places.Provinces[0].Region != "red_river_delta" || places.Regions[4].NameVI != "Đông Nam Bộ" {
		t.Errorf("GET /enums: provinces and regions %+v", places)
	}
	var formats []string
	for _, f := range export.Formats() {
		formats = append(formats, string(f))
	}
	want := map[string][]string{
		"zone_kinds":      zonegis.ZoneKinds,
		"zone_statuses":   zonegis.ZoneStatuses,
		"zone_models":     zonegis.ZoneModels,
		"land_uses":       zonegis.LandUses,
		"parcel_statuses": zonegis.ParcelStatuses,
		"green_kinds":     zonegis.GreenKinds,
		"export_formats":  formats,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("GET /enums: %v\nwant %v", got, want)
	}

	doc := loadOpenAPI(t)
	for _, path := range []string{"/collections/{collectionId}/export", "/zones/{id}/dossier"} {
		for _, p := range doc.params(t, doc.Paths[path]["get"]) {
			if p.In == "query" && p.Name == "f" && !reflect.DeepEqual(p.Schema.Enum, formats) {
				t.Errorf("api/openapi.yaml: %s offers f %v; the server has %v", path, p.Schema.Enum, formats)
			}
		}
	}

	if w := do(srv, http.MethodGet, "/enums?f=json"); w.Code != http.StatusBadRequest || !strings.Contains(w.Body.String(), `unknown query parameter \"f\"`) {
		t.Errorf("GET /enums?f=json: %d %s; want 400 naming f", w.Code, w.Body)
	}
}
