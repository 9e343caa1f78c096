package crs_test

import (
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestParseFeatures: the crs of items (OGC API - Features Part 2): CRS84
// by its names longitude first, EPSG:4326 by any EPSG form latitude first
// (as EPSG:4756), 3857 and the VN-2000 projected CRSs easting first; what
// is not offered is EINVALID naming the parameter.
func TestParseFeatures(t *testing.T) {
	for in, want := range map[string]struct {
		uri      string
		latFirst bool
	}{
		"":                           {crs.CRS84.URI, false},
		"CRS84":                      {crs.CRS84.URI, false},
		crs.CRS84.URI:                {crs.CRS84.URI, false},
		"[OGC:CRS84]":                {crs.CRS84.URI, false},
		crs.EPSG4326:                 {crs.EPSG4326, true},
		"EPSG:4326":                  {crs.EPSG4326, true},
		"urn:ogc:def:crs:EPSG::4326": {crs.EPSG4326, true},
		"EPSG:4756":                  {"http://www.opengis.net/def/crs/EPSG/0/4756", true},
		"http://www.opengis.net/def/crs/EPSG/0/3857": {"http://www.opengis.net/def/crs/EPSG/0/3857", false},
		"EPSG:3857": {"http://www.opengis.net/def/crs/EPSG/0/3857", false},
		"9210":      {"http://www.opengis.net/def/crs/EPSG/0/9210", false},
		"EPSG:3405": {"http://www.opengis.net/def/crs/EPSG/0/3405", false},
	} {
		c, err := crs.ParseFeatures("crs", in)
		if err != nil || c.URI != want.uri || c.LatFirst != want.latFirst {
			t.Errorf("ParseFeatures(%q) = %+v, %v; want %s lat first %v", in, c, err, want.uri, want.latFirst)
		}
	}
	for _, in := range []string{"EPSG:32648", "EPSG:4269", "x", "EPSG:3857x"} {
		_, err := crs.ParseFeatures("bbox-crs", in)
		if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.HasPrefix(zonegis.ErrorMessage(err), "bbox-crs: ") {
			t.Errorf("ParseFeatures(%q): %v, want EINVALID naming bbox-crs", in, err)
		}
	}
	fs := crs.Features()
	if len(fs) != len(crs.List())+2 || fs[0].URI != crs.CRS84.URI || fs[1].URI != crs.EPSG4326 || fs[2].EPSG != 3857 {
		t.Errorf("Features: %+v", fs)
	}
}
