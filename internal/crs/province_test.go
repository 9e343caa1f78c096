package crs_test

import (
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/vntext"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// sharedData finds ../shared/data/vn beside the repository (the project's
// shared data sets) from the test's directory upwards.
func sharedData(t *testing.T, name string) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for d := dir; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "data", "vn", name)
		if _, err := os.Stat(p); err == nil {
			return p
		}
		if filepath.Dir(d) == d {
			t.Fatalf("shared/data/vn/%s not found above %s", name, dir)
		}
	}
}

// TestEveryProvinceHasAZone: each of the 34 provinces of the shared data
// (vn_provinces34_2025.geojson) is found by its code, its Vietnamese and
// its English name, and gets a TM-3 zone whose central meridian is within
// 1.5° of the province's centroid (area-weighted, so the
// offshore islands of Đà Nẵng and Khánh Hòa do not pull it) (a 3° zone covers it); the table has no
// province the data lacks.
func TestEveryProvinceHasAZone(t *testing.T) {
	b, err := os.ReadFile(sharedData(t, "vn_provinces34_2025.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(fc.Features) != 34 || len(crs.Provinces()) != 34 {
		t.Fatalf("%d provinces in the data, %d in the table; want 34", len(fc.Features), len(crs.Provinces()))
	}
	seen := map[string]bool{}
	for _, f := range fc.Features {
		code, nameVI, nameEN := f.Properties.MustString("code"), f.Properties.MustString("name_vi"), f.Properties.MustString("name_en")
		p, err := crs.ForProvince(code)
		if err != nil {
			t.Errorf("province %s %s: %v", code, nameVI, err)
			continue
		}
		seen[p.Code] = true
		if p.Code != code || p.Name != nameVI || p.NameEN != nameEN {
			t.Errorf("ForProvince(%q) = %s %s / %s; the data says %s / %s", code, p.Code, p.Name, p.NameEN, nameVI, nameEN)
		}
		for _, s := range []string{nameVI, nameEN, strings.ToUpper(vntext.Strip(nameVI))} {
			if q, err := crs.ForProvince(s); err != nil || q.Code != code {
				t.Errorf("ForProvince(%q) = %s, %v; want %s", s, q.Code, err, code)
			}
		}
		if p.CRS.Kind != crs.TM3 {
			t.Errorf("%s: zone %+v is not TM-3", nameVI, p.CRS)
		}
		if c, ok := crs.ByEPSG(p.CRS.EPSG); !ok || c != p.CRS {
			t.Errorf("%s: zone %+v not in the list", nameVI, p.CRS)
		}
		mid, _ := planar.CentroidArea(f.Geometry)
		if math.Abs(mid[0]-p.CRS.CentralMeridianDeg) > 1.5 {
			t.Errorf("%s has its centroid at %.2f°E; its zone %s (%v°E) is more than 1.5° from it", nameVI, mid[0], p.CRS.Name, p.CRS.CentralMeridianDeg)
		}
	}
	for _, p := range crs.Provinces() {
		if !seen[p.Code] {
			t.Errorf("province %s %s is not in the shared data", p.Code, p.Name)
		}
	}
}

// TestProvinceSeatRule: a province's zone is that of its seat, the former
// province whose code it kept; no former province is listed twice, and the
// 63 former provinces are all there.
func TestProvinceSeatRule(t *testing.T) {
	former := map[string]string{}
	for _, p := range crs.Provinces() {
		if len(p.Former) == 0 || p.Former[0].Code != p.Code || p.CRS != p.Former[0].CRS {
			t.Errorf("%s %s: zone %s, former %+v; want the seat's (code %s) first", p.Code, p.Name, p.CRS.Name, p.Former, p.Code)
		}
		if p.Merged() != (len(p.Former) > 1) {
			t.Errorf("%s: Merged %v with %d former", p.Name, p.Merged(), len(p.Former))
		}
		for _, f := range p.Former {
			if other, dup := former[f.Code]; dup {
				t.Errorf("former %s %s listed in %s and %s", f.Code, f.Name, other, p.Name)
			}
			former[f.Code] = p.Name
		}
	}
	if len(former) != 63 {
		t.Errorf("%d former provinces, want 63", len(former))
	}
}

// TestFormerProvincesInEPSGArea checks the Appendix 02 meridians against
// an independent reading of the same table: EPSG's areas of use for the
// TM-3 CRSs in PROJ's proj.db name, for each zone, the provinces that use
// it. Every former province must be named in its zone's area.
func TestFormerProvincesInEPSGArea(t *testing.T) {
	areas := map[int]string{}
	for _, p := range crs.Provinces() {
		for _, f := range p.Former {
			area, ok := areas[f.CRS.EPSG]
			if !ok {
				out, err := exec.Command("projinfo", f.CRS.SRS(), "-o", "PROJJSON", "-q").Output()
				if err != nil {
					t.Fatalf("projinfo %s: %v", f.CRS.SRS(), err)
				}
				var j struct {
					Area   string `json:"area"`
					Usages []struct {
						Area string `json:"area"`
					} `json:"usages"`
				}
				if err := json.Unmarshal(out, &j); err != nil {
					t.Fatal(err)
				}
				area = j.Area
				for _, u := range j.Usages {
					area += "; " + u.Area
				}
				area = " " + key(area) + " "
				areas[f.CRS.EPSG] = area
			}
			if !strings.Contains(area, " "+key(f.Name)+" ") {
				t.Errorf("former %s (now %s): zone %s, whose EPSG area of use is %q", f.Name, p.Name, f.CRS.Name, area)
			}
		}
	}
}

// key folds a name as EPSG spells it: no diacritics, lower case, words
// only ("Thừa Thiên Huế" and "Thua Thien-Hue" both "thua thien hue").
func key(s string) string {
	return strings.Join(strings.FieldsFunc(vntext.Fold(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}), " ")
}

func TestForProvince(t *testing.T) {
	for in, want := range map[string]int{
		"79":                    9210,
		"Thành phố Hồ Chí Minh": 9210,
		"TP. Hồ Chí Minh":       9210,
		"tp ho chi minh":        9210,
		"Ho Chi Minh City":      9210,
		"1":                     5897,
		"Hà Nội":                5897,
		"ha noi":                5897,
		"Tỉnh Đồng Nai":         5899,
		"Dong Nai Province":     5899,
		"Quảng Ngãi":            5898,
		"Lai Châu":              9205,
		"Gia Lai":               9217,
		"Bắc Ninh":              9214,
		"Huế":                   9214,
		"An Giang":              9207,
	} {
		p, err := crs.ForProvince(in)
		if err != nil || p.CRS.EPSG != want {
			t.Errorf("ForProvince(%q) = %s %s, %v; want EPSG:%d", in, p.Name, p.CRS.SRS(), err, want)
		}
	}
	for in, says := range map[string][]string{
		"":                  {`""`, "two-digit code"},
		"99":                {`"99"`, "34 provinces"},
		"Saigon":            {`"Saigon"`, "34 provinces"},
		"Bình Dương":        {"part of Thành phố Hồ Chí Minh (code 79)", "EPSG:9210"},
		"Bà Rịa - Vũng Tàu": {"part of Thành phố Hồ Chí Minh", "EPSG:5899"},
		"Kon Tum":           {"part of Quảng Ngãi", "EPSG:9216"},
	} {
		_, err := crs.ForProvince(in)
		if zonegis.ErrorCode(err) != zonegis.EINVALID {
			t.Errorf("ForProvince(%q): %v, want EINVALID", in, err)
			continue
		}
		for _, s := range says {
			if !strings.Contains(err.Error(), s) {
				t.Errorf("ForProvince(%q): %q does not say %q", in, err, s)
			}
		}
	}
}
