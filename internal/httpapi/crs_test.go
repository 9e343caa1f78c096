package httpapi_test

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/zonegis/zonegis/api"
	"github.com/zonegis/zonegis/internal/crs"
)

// cs2csTo transforms lon/lat points (CRS84) to target with PROJ's cs2cs,
// the oracle: target as cs2cs takes it (a PROJ string or EPSG:N, whose
// axis order PROJ follows: EPSG:4326 comes out latitude first).
func cs2csTo(t *testing.T, target string, pts [][]float64) [][2]float64 {
	t.Helper()
	var in strings.Builder
	for _, p := range pts {
		fmt.Fprintf(&in, "%.12f %.12f\n", p[0], p[1])
	}
	args := append([]string{"-f", "%.9f", "OGC:CRS84", "+to"}, strings.Fields(target)...)
	cmd := exec.Command("cs2cs", args...)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs %v: %v", args, err)
	}
	var res [][2]float64
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		x, err1 := strconv.ParseFloat(f[0], 64)
		y, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil {
			t.Fatalf("cs2cs line %q", line)
		}
		res = append(res, [2]float64{x, y})
	}
	return res
}

// positions are a feature's coordinates, in order.
func positions(t *testing.T, geom json.RawMessage) [][]float64 {
	t.Helper()
	var g geoJSONMultiPolygon
	if err := json.Unmarshal(geom, &g); err != nil {
		t.Fatal(err)
	}
	var out [][]float64
	for _, poly := range g.Coordinates {
		for _, ring := range poly {
			out = append(out, ring...)
		}
	}
	return out
}

// TestItemsCRS: items and item in every CRS of the crs list (OGC API -
// Features Part 2), each with Content-Crs <URI>, at the coordinates PROJ's
// cs2cs gives for the CRS84 ones (EPSG:4326 latitude first; VN-2000 with
// the EPSG:6960 shift of its PROJ string); the collections list them with
// storageCrs; bbox-crs EPSG:4326 takes the box latitude first; a crs or
// bbox-crs not offered is 400 naming it; Part 2 is declared.
func TestItemsCRS(t *testing.T) {
	f := seeded(t)
	var base featureCollection
	f.getJSON(t, "/collections/parcels/items?limit=3&zone=SHTP", &base)
	if len(base.Features) != 3 {
		t.Fatalf("%d parcels", len(base.Features))
	}
	var desc struct {
		CRS        []string `json:"crs"`
		StorageCRS string   `json:"storageCrs"`
	}
	f.getJSON(t, "/collections/parcels", &desc)
	if desc.StorageCRS != crs.CRS84.URI || !slices.Contains(desc.CRS, crs.EPSG4326) || !slices.Contains(desc.CRS, "http://www.opengis.net/def/crs/EPSG/0/3857") {
		t.Errorf("collection crs %v, storageCrs %q", desc.CRS, desc.StorageCRS)
	}
	for _, c := range crs.Features() {
		if !slices.Contains(desc.CRS, c.URI) {
			t.Errorf("crs list lacks %s", c.URI)
		}
		target := c.PROJ()
		switch {
		case c.URI == crs.EPSG4326:
			target = "EPSG:4326"
		case c.EPSG == 3857:
			target = "EPSG:3857"
		}
		geo := c.Kind == crs.Geographic
		tol := 0.001 // metres
		if geo {
			tol = 1e-8 // degrees
		}
		for _, name := range []string{c.URI, "EPSG:" + strconv.Itoa(c.EPSG)} {
			if c.URI == crs.CRS84.URI && name == "EPSG:4326" {
				continue // EPSG:4326 is the latitude-first one
			}
			var fc featureCollection
			r := f.getJSON(t, "/collections/parcels/items?limit=3&zone=SHTP&crs="+url.QueryEscape(name), &fc)
			if r.status != 200 || r.header.Get("Content-Crs") != "<"+c.URI+">" {
				t.Fatalf("crs=%s: %d, Content-Crs %q: %.300s", name, r.status, r.header.Get("Content-Crs"), r.body)
			}
			for i, ft := range fc.Features {
				if ft.ID != base.Features[i].ID {
					t.Fatalf("crs=%s: feature %d is %d, want %d", name, i, ft.ID, base.Features[i].ID)
				}
				lonlat := positions(t, base.Features[i].Geometry)
				got := positions(t, ft.Geometry)
				want := cs2csTo(t, target, lonlat)
				if c.LatFirst && c.URI != crs.EPSG4326 { // a PROJ string is longitude first; EPSG:4756 is not
					for k := range want {
						want[k][0], want[k][1] = want[k][1], want[k][0]
					}
				}
				for k := range want {
					if math.Abs(got[k][0]-want[k][0]) > tol || math.Abs(got[k][1]-want[k][1]) > tol {
						t.Fatalf("crs=%s feature %d position %d: %v, cs2cs says %v", name, ft.ID, k, got[k], want[k])
					}
				}
			}
		}
		var one feature
		r := f.getJSON(t, fmt.Sprintf("/collections/parcels/items/%d?crs=%s", base.Features[0].ID, url.QueryEscape(c.URI)), &one)
		want := cs2csTo(t, target, positions(t, base.Features[0].Geometry)[:1])[0]
		if c.LatFirst && c.URI != crs.EPSG4326 {
			want[0], want[1] = want[1], want[0]
		}
		if got := positions(t, one.Geometry)[0]; r.header.Get("Content-Crs") != "<"+c.URI+">" || math.Abs(got[0]-want[0]) > tol || math.Abs(got[1]-want[1]) > tol {
			t.Errorf("item crs=%s: Content-Crs %q, %v, cs2cs says %v", c.URI, r.header.Get("Content-Crs"), got, want)
		}
	}
	// The default is CRS84, and says so.
	if r := f.do(t, http.MethodGet, "/collections/zones/items?limit=1", nil, nil); r.header.Get("Content-Crs") != "<"+crs.CRS84.URI+">" {
		t.Errorf("default Content-Crs %q", r.header.Get("Content-Crs"))
	}
	// bbox-crs EPSG:4326: the same box latitude first, the same parcels.
	lonFirst := f.all(t, "parcels", url.Values{"bbox": {"106.78,10.83,106.80,10.86"}}).ids()
	latFirst := f.all(t, "parcels", url.Values{"bbox": {"10.83,106.78,10.86,106.80"}, "bbox-crs": {crs.EPSG4326}}).ids()
	if len(lonFirst) == 0 || !slices.Equal(lonFirst, latFirst) {
		t.Errorf("bbox-crs EPSG:4326: %s", sameIDs(latFirst, lonFirst))
	}
	for _, q := range []string{"crs=EPSG:32648", "crs=EPSG:4269", "crs=x", "bbox=1,2,3,4&bbox-crs=EPSG:32648"} {
		name := q[:strings.Index(q, "=")]
		if strings.HasPrefix(q, "bbox=") {
			name = "bbox-crs"
		}
		for _, path := range []string{"/collections/parcels/items?", fmt.Sprintf("/collections/parcels/items/%d?", base.Features[0].ID)} {
			if name == "bbox-crs" && strings.Contains(path, "/items/") {
				continue
			}
			r := f.do(t, http.MethodGet, path+q, nil, nil)
			checkProblem(t, path+q, r, http.StatusBadRequest)
			if !strings.Contains(string(r.body), name+": ") {
				t.Errorf("%s%s: %s does not name %s", path, q, r.body, name)
			}
		}
	}
	var conf struct {
		ConformsTo []string `json:"conformsTo"`
	}
	f.getJSON(t, "/conformance", &conf)
	if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs") {
		t.Errorf("conformance %v lacks Part 2 crs", conf.ConformsTo)
	}
}

// TestOpenAPIFeaturesCRS: the items' crs parameter lists crs.Features, in
// order, as the collections' crs lists do.
func TestOpenAPIFeaturesCRS(t *testing.T) {
	var doc struct {
		Components struct {
			Parameters map[string]struct {
				Name   string `yaml:"name"`
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
	p := doc.Components.Parameters["featuresCrs"]
	var want []string
	for _, c := range crs.Features() {
		want = append(want, c.URI)
	}
	if p.Name != "crs" || !slices.Equal(p.Schema.Enum, want) || p.Schema.Default != crs.CRS84.URI {
		t.Errorf("featuresCrs: %+v, want enum %v", p, want)
	}
}
