package export_test

import (
	"testing"

	"github.com/zonegis/zonegis/api"
	"github.com/zonegis/zonegis/internal/export"
	"gopkg.in/yaml.v3"
)

// TestOpenAPIListsOutputCRSs: the crs parameter of api/openapi.yaml lists
// exactly the output CRSs, in order, by URI.
func TestOpenAPIListsOutputCRSs(t *testing.T) {
	var doc struct {
		Components struct {
			Parameters map[string]struct {
				Schema struct {
					Enum    []string `yaml:"enum"`
					Default string   `yaml:"default"`
				} `yaml:"schema"`
			} `yaml:"parameters"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatal(err)
	}
	p := doc.Components.Parameters["crs"]
	crss := export.CRSs()
	if len(p.Schema.Enum) != len(crss) || p.Schema.Default != export.CRS84.URI {
		t.Fatalf("openapi crs: %d values, default %q; want %d, %q", len(p.Schema.Enum), p.Schema.Default, len(crss), export.CRS84.URI)
	}
	for i, c := range crss {
		if p.Schema.Enum[i] != c.URI {
			t.Errorf("openapi crs enum[%d] = %q, want %q (%s)", i, p.Schema.Enum[i], c.URI, c.Name)
		}
	}
}
