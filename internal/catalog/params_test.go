package catalog

import (
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestParseBBoxAndCRS: Parse reads bbox into Bounds (two boxes across
// the antimeridian), refuses a bbox-crs other than CRS84 and bad boxes
// with the messages the HTTP API has always sent.
func TestParseBBoxAndCRS(t *testing.T) {
	s := fixture()
	q, err := parse(t, s, Parcels, "bbox=106,10,107,11&bbox-crs="+CRS84)
	if err != nil || len(q.Bounds) != 1 || q.Bounds[0] != (orb.Bound{Min: orb.Point{106, 10}, Max: orb.Point{107, 11}}) {
		t.Fatalf("bbox: %v %v", q.Bounds, err)
	}
	if q, err := parse(t, s, Zones, "bbox=179,0,-179,1"); err != nil || len(q.Bounds) != 2 {
		t.Fatalf("bbox across the antimeridian: %v %v", q.Bounds, err)
	}
	if q, _ := parse(t, s, Zones, ""); q.Bounds != nil {
		t.Fatalf("no bbox: %v", q.Bounds)
	}
	for raw, want := range map[string]string{
		"bbox=1,2,3":           "bbox: want 4 numbers minLon,minLat,maxLon,maxLat (or 6 with heights), got 3",
		"bbox=0,50,1,40":       "bbox: minimum latitude 50 is greater than maximum 40",
		"bbox=0,0,1,NaN":       `bbox: "NaN" is not a finite number`,
		"bbox=-181,0,1,1":      "bbox: longitude -181 outside [-180, 180]",
		"bbox=0,0,0,0&limit=x": "", // limit is not a filter: Parse leaves it to the page
	} {
		_, err := parse(t, s, GreenAreas, raw)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", raw, err)
			}
			continue
		}
		if zonegis.ErrorCode(err) != zonegis.EINVALID || zonegis.ErrorMessage(err) != want {
			t.Errorf("%s: %v, want %q", raw, err, want)
		}
	}
	if _, err := Limit("0"); zonegis.ErrorMessage(err) != `limit: want a whole number from 1 (at most 10000 are returned), got "0"` {
		t.Errorf("limit 0: %v", err)
	}
	if n, err := Offset(""); n != 0 || err != nil {
		t.Errorf("offset: %d %v", n, err)
	}
}

// TestLimitCappedAtMaximum: a limit above MaxLimit is the maximum, not an
// error (OGC API - Features /req/core/fc-limit-response-1; GDAL's
// PAGE_SIZE=20000); below 1 or not a number is still refused, naming limit.
func TestLimitCappedAtMaximum(t *testing.T) {
	for in, want := range map[string]int{"": DefaultLimit, "1": 1, "10000": MaxLimit, "10001": MaxLimit, "20000": MaxLimit,
		"99999999999999999999999": MaxLimit} {
		if n, err := Limit(in); err != nil || n != want {
			t.Errorf("Limit(%q) = %d, %v; want %d", in, n, err, want)
		}
	}
	for _, in := range []string{"0", "-5", "x", "1.5", "-99999999999999999999999"} {
		if _, err := Limit(in); zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.HasPrefix(zonegis.ErrorMessage(err), "limit: ") {
			t.Errorf("Limit(%q): %v, want EINVALID naming limit", in, err)
		}
	}
}

// TestParseBBoxCRS: bbox-crs EPSG:4326 takes the box latitude first (its
// EPSG axis order), CRS84 longitude first, to the same Bounds; a crs the
// answers are offered in but a box is not, or an unknown one, is EINVALID
// naming bbox-crs.
func TestParseBBoxCRS(t *testing.T) {
	s := fixture()
	want := orb.Bound{Min: orb.Point{106, 10}, Max: orb.Point{107, 11}}
	for _, raw := range []string{"bbox=106,10,107,11", "bbox=106,10,107,11&bbox-crs=CRS84", "bbox=10,106,11,107&bbox-crs=EPSG:4326",
		"bbox=10,106,11,107&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", "bbox=10,106,0,11,107,5&bbox-crs=urn:ogc:def:crs:EPSG::4326"} {
		q, err := parse(t, s, Parcels, raw)
		if err != nil || len(q.Bounds) != 1 || q.Bounds[0] != want {
			t.Errorf("%s: %v %v, want %v", raw, q.Bounds, err, want)
		}
	}
	// EPSG:3857 metres, the corners of want as cs2cs gives them
	// (cs2cs +proj=longlat +datum=WGS84 +to EPSG:3857).
	q, err := parse(t, s, Parcels, "bbox=11799866.0241,1118889.9749,11911185.5149,1232106.8019&bbox-crs=EPSG:3857")
	if err != nil || len(q.Bounds) != 1 || math.Abs(q.Bounds[0].Min[0]-106) > 1e-6 || math.Abs(q.Bounds[0].Min[1]-10) > 1e-6 ||
		math.Abs(q.Bounds[0].Max[0]-107) > 1e-6 || math.Abs(q.Bounds[0].Max[1]-11) > 1e-6 {
		t.Errorf("bbox-crs=EPSG:3857: %v %v, want %v", q.Bounds, err, want)
	}
	for _, raw := range []string{"bbox-crs=EPSG:32648", "bbox-crs=EPSG:9210", "bbox-crs=x"} {
		if _, err := parse(t, s, Zones, "bbox=1,2,3,4&"+raw); zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.HasPrefix(zonegis.ErrorMessage(err), "bbox-crs: ") {
			t.Errorf("%s: %v, want EINVALID naming bbox-crs", raw, err)
		}
	}
}
