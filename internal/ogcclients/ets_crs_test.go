package ogcclients

import (
	"context"
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

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
)

// OGC API - Features Part 2 (crs), as the ETS's crs conformance classes
// check it (conformance/crs/...). Issue 13 names the CRSs: CRS84,
// EPSG:4326 (latitude first), 3857 and the VN-2000 codes of the import
// issue (here EPSG:9210, the TM-3 zone of Hồ Chí Minh City's seed data).
var partTwoCRSs = []string{crs84, epsg4326, epsg3857, epsg9210}

// TestETSCrsDiscovery mirrors DiscoveryCollectionsDefaultCrs.java and
// DiscoveryCollectionsStorageCrs.java (Abstract Test 2 /conf/crs/crs-discovery,
// Requirements /req/crs/fc-md-crs-list A, /req/crs/fc-md-storageCrs):
// each collection lists its CRSs, CRS84 among them, and a storageCrs
// among them.
//
// A collection's list may hold "#/crs", the global list of /collections
// (/req/crs/fc-md-crs-list-global); it is expanded here as a client does.
func TestETSCrsDiscovery(t *testing.T) {
	f := seeded(t)
	var global struct {
		CRS []string `json:"crs"`
	}
	f.getJSON(t, "/collections", &global)
	_, cs := collectionsDoc(t, f)
	for _, c := range cs {
		t.Run(c.ID, func(t *testing.T) {
			var list []string
			for _, crs := range c.CRS {
				if crs == "#/crs" {
					list = append(list, global.CRS...)
				} else {
					list = append(list, crs)
				}
			}
			for _, want := range partTwoCRSs {
				if !slices.Contains(list, want) {
					t.Errorf("collection %s: crs %v lacks %s", c.ID, list, want)
				}
			}
			if c.StorageCRS == "" || !slices.Contains(list, c.StorageCRS) {
				t.Errorf("collection %s: storageCrs %q; want one of its crs %v", c.ID, c.StorageCRS, list)
			}
		})
	}
}

// TestETSCrsParameter mirrors FeaturesCrsParameter.verifyFeaturesCrsParameter
// and FeatureCrsParameter.verifyFeatureCrsParameter (Abstract Test 4
// /conf/crs/crs-parameter; /req/crs/fc-crs-definition, fc-crs-valid-value B,
// ogc-crs-header, ogc-crs-header-value): items and item with crs=X answer
// 200 with Content-Crs: <X>, and FeaturesCrsParameterInvalid (an unknown
// crs is 400).
func TestETSCrsParameter(t *testing.T) {
	f := seeded(t)
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			p, _ := f.page(t, "/collections/"+c+"/items?limit=1")
			if len(p.Features) == 0 {
				t.Fatal("no feature")
			}
			item := "/collections/" + c + "/items/" + fmt.Sprint(p.Features[0].ID)
			for _, crs := range partTwoCRSs {
				for _, path := range []string{"/collections/" + c + "/items?limit=2&", item + "?"} {
					q := path + "crs=" + url.QueryEscape(crs)
					r := f.get(t, q, mimeGeoJSON)
					if r.status != http.StatusOK {
						t.Errorf("GET %s: %d; want 200: %.200s", q, r.status, r.body)
						continue
					}
					if got := r.header.Get("Content-Crs"); got != "<"+crs+">" {
						t.Errorf("GET %s: Content-Crs %q; want <%s>", q, got, crs)
					}
				}
			}
			wantProblem(t, f, "/collections/"+c+"/items?crs="+url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/99999"), http.StatusBadRequest)
		})
	}
}

// TestETSCrsTransform mirrors FeatureCrsParameterTransform.java (Abstract
// Test 4, /req/crs/crs-action): the coordinates of a feature in crs=X are
// its CRS84 coordinates transformed to X, in X's axis order. The oracle is
// PROJ: the pipeline projinfo picks for EPSG:4326 to EPSG:9210 (the
// Helmert shift of EPSG:6960), run by cct; EPSG:4326 is the same numbers
// swapped (latitude first), EPSG:3857 the spherical Mercator formula.
func TestETSCrsTransform(t *testing.T) {
	f := seeded(t)
	projinfo, cct := pgtest.Tool(t, "projinfo", "proj-bin"), pgtest.Tool(t, "cct", "proj-bin")
	p, _ := f.page(t, "/collections/parcels/items?limit=1&bbox=106.70,10.74,106.78,10.77")
	if len(p.Features) == 0 {
		t.Fatal("no parcel in Tân Thuận")
	}
	item := "/collections/parcels/items/" + fmt.Sprint(p.Features[0].ID)
	positions := func(t *testing.T, crs string) [][2]float64 {
		q := item
		if crs != "" {
			q += "?crs=" + url.QueryEscape(crs)
		}
		r := f.get(t, q, mimeGeoJSON)
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d: %.200s", q, r.status, r.body)
		}
		var ft geoFeature
		if err := json.Unmarshal(r.body, &ft); err != nil {
			t.Fatal(err)
		}
		var out [][2]float64
		walkPositions(ft.Geometry.Coordinates, func(x, y float64) { out = append(out, [2]float64{x, y}) })
		return out
	}
	lonlat := positions(t, "")
	near := func(t *testing.T, crs string, want [][2]float64, tol float64) {
		got := positions(t, crs)
		if len(got) != len(want) {
			t.Fatalf("crs %s: %d positions; CRS84 has %d", crs, len(got), len(want))
		}
		for i := range got {
			if math.Abs(got[i][0]-want[i][0]) > tol || math.Abs(got[i][1]-want[i][1]) > tol {
				t.Fatalf("crs %s: position %d is %v; want %v (±%g)", crs, i, got[i], want[i], tol)
			}
		}
	}
	t.Run("EPSG4326LatLon", func(t *testing.T) {
		var want [][2]float64
		for _, p := range lonlat {
			want = append(want, [2]float64{p[1], p[0]})
		}
		near(t, epsg4326, want, 1e-9)
	})
	t.Run("EPSG3857", func(t *testing.T) {
		const r = 6378137.0
		var want [][2]float64
		for _, p := range lonlat {
			want = append(want, [2]float64{r * p[0] * math.Pi / 180, r * math.Log(math.Tan(math.Pi/4+p[1]*math.Pi/360))})
		}
		near(t, epsg3857, want, 0.01)
	})
	t.Run("EPSG9210", func(t *testing.T) {
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		defer cancel()
		pipe, err := exec.CommandContext(ctx, projinfo, "-s", "EPSG:4326", "-t", "EPSG:9210", "-o", "PROJ", "-q", "--spatial-test", "intersects", "--single-line").Output()
		if err != nil {
			t.Fatalf("projinfo: %v", err)
		}
		args := append([]string{"-d", "4"}, strings.Fields(strings.SplitN(string(pipe), "\n", 2)[0])...)
		cmd := exec.CommandContext(ctx, cct, args...)
		var in strings.Builder
		for _, p := range lonlat {
			fmt.Fprintf(&in, "%.9f %.9f 0 0\n", p[1], p[0]) // EPSG:4326 order, as the pipeline reads
		}
		cmd.Stdin = strings.NewReader(in.String())
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("cct: %v", err)
		}
		var want [][2]float64
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			fs := strings.Fields(line)
			e, _ := strconv.ParseFloat(fs[0], 64)
			n, _ := strconv.ParseFloat(fs[1], 64)
			want = append(want, [2]float64{e, n})
		}
		near(t, epsg9210, want, 0.01)
	})
}

// TestETSBBoxCrs mirrors BBoxCrsParameter.verifyBboxCrsParameter and
// BBoxCrsParameterInvalid (Abstract Test 3 /conf/crs/bbox-crs-parameter):
// a box given in EPSG:3857 with bbox-crs selects the same features as the
// same box in CRS84, and an unknown bbox-crs is 400.
func TestETSBBoxCrs(t *testing.T) {
	f := seeded(t)
	const r = 6378137.0
	merc := func(lon, lat float64) (float64, float64) {
		return r * lon * math.Pi / 180, r * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
	}
	b := bboxes[0]
	x0, y0 := merc(b[0], b[1])
	x1, y1 := merc(b[2], b[3])
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			ours, _ := f.page(t, fmt.Sprintf("/collections/%s/items?limit=10000&bbox=%v,%v,%v,%v", c, b[0], b[1], b[2], b[3]))
			theirs, _ := f.page(t, fmt.Sprintf("/collections/%s/items?limit=10000&bbox=%.3f,%.3f,%.3f,%.3f&bbox-crs=%s", c, x0, y0, x1, y1, url.QueryEscape(epsg3857)))
			if !sameIDs(ours.Features, theirs.Features) {
				t.Errorf("bbox in EPSG:3857: %d features; in CRS84 %d", len(theirs.Features), len(ours.Features))
			}
			wantProblem(t, f, "/collections/"+c+"/items?bbox=1,2,3,4&bbox-crs="+url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/99999"), http.StatusBadRequest)
		})
	}
}
