package crs_test

import (
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestParse(t *testing.T) {
	for in, want := range map[string]int{
		"EPSG:9210":   9210,
		"epsg:9210":   9210,
		" 9210 ":      9210,
		"9210":        9210,
		"[EPSG:9210]": 9210,
		"http://www.opengis.net/def/crs/EPSG/0/9210":  9210,
		"https://www.opengis.net/def/crs/EPSG/0/5899": 5899,
		"urn:ogc:def:crs:EPSG::9210":                  9210,
		"urn:ogc:def:crs:EPSG:9.9.1:9218":             9218,
		"EPSG:4756":                                   4756,
		"EPSG:3405":                                   3405,
		"3406":                                        3406,
		"EPSG:5896":                                   5896,
		"EPSG:9205":                                   9205,
		"CRS84":                                       4326,
		"OGC:CRS84":                                   4326,
		"ogc:crs84":                                   4326,
		"http://www.opengis.net/def/crs/OGC/1.3/CRS84": 4326,
		"urn:ogc:def:crs:OGC:1.3:CRS84":                4326,
		"EPSG:4326":                                    4326,
		// Not in the list, or not a CRS at all.
		"":                           0,
		"EPSG:":                      0,
		"EPSG:32648":                 0,
		"EPSG:9204":                  0,
		"EPSG:9219":                  0,
		"EPSG:+9210":                 0,
		"-9210":                      0,
		"EPSG:3857":                  0,
		"urn:ogc:def:crs:EPSG::2000": 0,
		"http://www.opengis.net/def/crs/EPSG/0/9999": 0,
		"+proj=tmerc +lon_0=105.75":                  0,
		"VN-2000":                                    0,
	} {
		c, err := crs.Parse(in)
		if want == 0 {
			if zonegis.ErrorCode(err) != zonegis.EINVALID {
				t.Errorf("Parse(%q) = %+v, %v; want EINVALID", in, c, err)
			}
			continue
		}
		if err != nil || c.EPSG != want {
			t.Errorf("Parse(%q) = %+v, %v; want EPSG %d", in, c, err, want)
		}
	}
	if c, _ := crs.Parse("EPSG:4326"); c != crs.CRS84 || c.SRS() != "OGC:CRS84" {
		t.Errorf("EPSG:4326 = %+v, want CRS84", c)
	}
}

// TestParseErrorSaysWhatIsAccepted: the refusal names the value, every
// code of the list (as ranges) and the ways to write one.
func TestParseErrorSaysWhatIsAccepted(t *testing.T) {
	_, err := crs.Parse("EPSG:32648")
	msg := err.Error()
	for _, want := range []string{`"EPSG:32648"`, "4326, 4756, 3405–3406, 5896–5899, 9205–9218", "EPSG:NNNN", "NNNN", "http://www.opengis.net/def/crs/EPSG/0/NNNN",
		"urn:ogc:def:crs:EPSG::NNNN", "CRS84"} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not say %q", msg, want)
		}
	}
	if _, err := crs.Parse(strings.Repeat("9", 10000)); err == nil || len(err.Error()) > 1000 {
		t.Errorf("a long value is echoed whole: %d bytes", len(err.Error()))
	}
}

// TestListEqualsPROJ checks the list against PROJ itself: each code's name
// and, for the projected ones, the projection, central meridian, scale,
// false easting and the EPSG:6960 shift in PROJ's definition.
func TestListEqualsPROJ(t *testing.T) {
	want := []int{4326, 4756, 3405, 3406, 5896, 5897, 5898, 5899}
	for c := 9205; c <= 9218; c++ {
		want = append(want, c)
	}
	got := crs.List()
	if len(got) != len(want) {
		t.Fatalf("%d CRSs, want %d", len(got), len(want))
	}
	nameRE := regexp.MustCompile(`^PROJCS\["([^"]+)"|^GEOGCS\["([^"]+)"`)
	lon0RE := regexp.MustCompile(`\+lon_0=([0-9.]+)`)
	const towgs84 = "+towgs84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278"
	for i, c := range got {
		if c.EPSG != want[i] {
			t.Fatalf("List()[%d] = EPSG %d, want %d", i, c.EPSG, want[i])
		}
		if b, ok := crs.ByEPSG(c.EPSG); !ok || b != c {
			t.Errorf("ByEPSG(%d) = %+v, %v", c.EPSG, b, ok)
		}
		if c.IsCRS84() {
			if p := projinfo(t, "OGC:CRS84", "PROJ"); c.PROJ() != p {
				t.Errorf("CRS84: PROJ() = %q, projinfo says %q", c.PROJ(), p)
			}
			if c.URI != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" || c.Kind != crs.Geographic {
				t.Errorf("CRS84 = %+v", c)
			}
			continue
		}
		if c.URI != "http://www.opengis.net/def/crs/EPSG/0/"+strconv.Itoa(c.EPSG) || c.SRS() != "EPSG:"+strconv.Itoa(c.EPSG) {
			t.Errorf("%d: URI %s, SRS %s", c.EPSG, c.URI, c.SRS())
		}
		wkt := projinfo(t, c.SRS(), "WKT1:GDAL")
		m := nameRE.FindStringSubmatch(wkt)
		if m == nil || m[1]+m[2] != c.Name {
			t.Errorf("%d: name %q, PROJ says %q", c.EPSG, c.Name, m)
		}
		p := projinfo(t, c.SRS(), "PROJ")
		if c.PROJ() != p {
			t.Errorf("%d: PROJ() = %q, projinfo says %q", c.EPSG, c.PROJ(), p)
		}
		if !strings.Contains(p, towgs84) || !strings.Contains(p, "+towgs84="+crs.TOWGS84+" ") {
			t.Errorf("%d: PROJ string %q lacks the EPSG:6960 shift", c.EPSG, p)
		}
		switch c.Kind {
		case crs.Geographic:
			if !strings.Contains(p, "+proj=longlat") || c.CentralMeridianDeg != 0 {
				t.Errorf("%d: %q for a geographic CRS %+v", c.EPSG, p, c)
			}
		case crs.UTM:
			zone := int(c.CentralMeridianDeg+183) / 6
			if !strings.Contains(p, "+proj=utm +zone="+strconv.Itoa(zone)+" ") {
				t.Errorf("%d: %q, want UTM zone %d (central meridian %v)", c.EPSG, p, zone, c.CentralMeridianDeg)
			}
		case crs.TM3:
			m := lon0RE.FindStringSubmatch(p)
			if m == nil || m[1] != strconv.FormatFloat(c.CentralMeridianDeg, 'f', -1, 64) ||
				!strings.Contains(p, "+proj=tmerc +lat_0=0 ") || !strings.Contains(p, " +k=0.9999 +x_0=500000 +y_0=0 ") {
				t.Errorf("%d: PROJ says %q; we say TM-3 central meridian %v", c.EPSG, p, c.CentralMeridianDeg)
			}
		default:
			t.Errorf("%d: kind %q", c.EPSG, c.Kind)
		}
	}
}

func projinfo(t *testing.T, def, format string) string {
	t.Helper()
	out, err := exec.Command("projinfo", def, "--boundcrs-to-wgs84", "-o", format, "--single-line", "-q").CombinedOutput()
	if err != nil {
		t.Fatalf("projinfo %s: %v: %s", def, err, out)
	}
	return strings.TrimSpace(string(out))
}
