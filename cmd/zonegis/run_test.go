package main

import (
	"strings"
	"testing"
)

// A base-map URL whose origin the web map's CSP cannot name is refused at
// start, not left for the page to fail on.
func TestConfigBasemapURL(t *testing.T) {
	env := func(v string) func(string) string {
		return func(k string) string {
			if k == "ZONEGIS_BASEMAP_URL" {
				return v
			}
			return ""
		}
	}
	for _, ok := range []string{"", "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "/basemap/{z}/{x}/{y}.png"} {
		if c, err := loadConfig(env(ok)); err != nil || c.BasemapURL != ok {
			t.Errorf("ZONEGIS_BASEMAP_URL=%q: %v, %q", ok, err, c.BasemapURL)
		}
	}
	for _, bad := range []string{"https://{s}.tile.example.org/{z}/{x}/{y}.png", "tile.example.org/{z}/{x}/{y}.png", "data:image/png;base64,AAAA"} {
		if _, err := loadConfig(env(bad)); err == nil || !strings.Contains(err.Error(), "ZONEGIS_BASEMAP_URL") {
			t.Errorf("ZONEGIS_BASEMAP_URL=%q: %v; want an error naming the variable", bad, err)
		}
	}
}
