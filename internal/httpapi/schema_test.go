package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// schemaServer serves an index of zones whose optional figures are all
// null, as GDAL and QGIS find them on a first page of real data, with a
// parcel and a green area.
func schemaServer(t *testing.T) string { return schemaServerNamed(t, "Khu công nghiệp") }

// schemaServerNamed is schemaServer with the first zone's Vietnamese name.
func schemaServerNamed(t *testing.T, first string) string {
	t.Helper()
	ix := index.New()
	square := func(x float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, 10}, {x + 0.01, 10}, {x + 0.01, 10.01}, {x, 10.01}, {x, 10}}}}
	}
	when := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	var zones []*zonegis.Zone
	for i := range 12 {
		zones = append(zones, &zonegis.Zone{ID: int64(i + 1), Code: fmt.Sprintf("KCN-%02d", i), NameVI: "Khu công nghiệp", NameEN: "Park",
			Kind: zonegis.ZoneKinds[0], BoardID: "hepza", Province: "Hồ Chí Minh", Status: zonegis.ZoneStatuses[0], Model: zonegis.ZoneModels[0],
			Source: "manual", AreaM2: 1e6, Boundary: square(106 + float64(i)*0.02), Version: 1, UpdatedAt: when})
	}
	parcels := []*zonegis.Parcel{{ID: 1, ZoneID: 1, LotCode: "A-01", LandUse: zonegis.LandUses[0], Status: "available",
		AreaM2: 5000, Boundary: square(106.001), Version: 1, UpdatedAt: when}}
	greens := []*zonegis.GreenArea{{ID: 1, ZoneID: 1, Kind: zonegis.GreenKinds[0], Name: "Park", AreaM2: 100, Boundary: square(106.005), Version: 1, UpdatedAt: when}}
	zones[0].NameVI = first
	ix.Load(1, zones, parcels, greens)
	srv := httptest.NewServer(httpapi.New(withMemStore(httpapi.Options{Index: ix})))
	t.Cleanup(srv.Close)
	return srv.URL
}

var ogrField = regexp.MustCompile(`(?m)^(\w+): (\w+(?:\(\w+\))?) `)

// TestFieldTypesGDAL: GDAL 3.6's OAPIF driver reads the types of zones'
// numbers and dates from the schema the collection links to, not from a
// first page where all of them are null (it guessed String for them).
func TestFieldTypesGDAL(t *testing.T) {
	ogrinfo := pgtest.Tool(t, "ogrinfo", "gdal-bin")
	base := schemaServer(t)
	want := map[string]map[string]string{
		"zones": {"code": "String", "parent_id": "Integer", "established": "Date", "enterprises": "Integer", "workers": "Integer",
			"sectors": "StringList", "area_m2": "Real", "area_ha": "Real", "version": "Integer", "updated_at": "DateTime"},
		"parcels":     {"zone_id": "Integer", "lot_code": "String", "synthetic": "Integer(Boolean)", "area_m2": "Real", "updated_at": "DateTime"},
		"green-areas": {"zone_id": "Integer", "name": "String", "area_m2": "Real"},
	}
	for c, fields := range want {
		out, err := exec.Command(ogrinfo, "-ro", "-so", "OAPIF:"+base, c).CombinedOutput()
		if err != nil {
			t.Fatalf("ogrinfo %s: %v\n%s", c, err, out)
		}
		got := map[string]string{}
		for _, m := range ogrField.FindAllStringSubmatch(string(out), -1) {
			got[m[1]] = m[2]
		}
		for name, typ := range fields {
			if got[name] != typ {
				t.Errorf("ogrinfo %s: %s is %q, want %s\n%s", c, name, got[name], typ, out)
			}
		}
	}
}

func getDoc(t *testing.T, url string) (http.Header, map[string]any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %s", url, resp.StatusCode, b)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	return resp.Header, v
}

// TestSchemas: each collection links to its Part 5 schema and to its
// GeoJSON Feature schema; both list exactly the properties its features
// carry, the Part 5 one with the roles of id, geometry and instant.
func TestSchemas(t *testing.T) {
	base := schemaServer(t)
	for _, c := range []string{"zones", "parcels", "green-areas"} {
		_, col := getDoc(t, base+"/collections/"+c)
		rels := map[string]string{}
		for _, l := range col["links"].([]any) {
			l := l.(map[string]any)
			if l["type"] == encode.MIMESchema {
				rels[l["rel"].(string)] = l["href"].(string)
			}
		}
		if rels["describedBy"] != base+"/collections/"+c+"/schemas/feature" || rels[encode.RelSchema] != base+"/collections/"+c+"/schema" {
			t.Errorf("%s: schema links %v", c, rels)
		}
		_, page := getDoc(t, base+"/collections/"+c+"/items?limit=1")
		props := page["features"].([]any)[0].(map[string]any)["properties"].(map[string]any)
		featureKeys := slices.Sorted(maps.Keys(props))

		h, s := getDoc(t, base+"/collections/"+c+"/schema")
		if ct := h.Get("Content-Type"); ct != encode.MIMESchema {
			t.Errorf("%s/schema: Content-Type %q", c, ct)
		}
		if s["$schema"] != "https://json-schema.org/draft/2020-12/schema" || s["type"] != "object" {
			t.Errorf("%s/schema: $schema %v, type %v", c, s["$schema"], s["type"])
		}
		sp := s["properties"].(map[string]any)
		roles := map[string]string{}
		for name, p := range sp {
			if r, ok := p.(map[string]any)["x-ogc-role"].(string); ok && r != "reference" {
				roles[r] = name
			}
		}
		if want := map[string]string{"id": "id", "primary-geometry": "geometry", "primary-instant": "updated_at"}; !maps.Equal(roles, want) {
			t.Errorf("%s/schema: roles %v, want %v", c, roles, want)
		}
		delete(sp, "id")
		delete(sp, "geometry")
		if got := slices.Sorted(maps.Keys(sp)); !slices.Equal(got, featureKeys) {
			t.Errorf("%s/schema lists %v; features carry %v", c, got, featureKeys)
		}

		_, fs := getDoc(t, base+"/collections/"+c+"/schemas/feature")
		fp := fs["properties"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any)
		if got := slices.Sorted(maps.Keys(fp)); !slices.Equal(got, featureKeys) {
			t.Errorf("%s/schemas/feature lists %v; features carry %v", c, got, featureKeys)
		}
	}
	if c := (&http.Client{}); true {
		resp, err := c.Get(base + "/collections/nope/schema")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound || !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/problem+json") {
			t.Errorf("unknown collection's schema: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// TestOpenAPICollectionPaths: /api lists each collection's own items and
// item paths, as QGIS's OAPIF provider reads them (query parameters with
// style form, explode false and a schema type, taken only from a literal
// /collections/<name>/items path), with exactly the parameters the server
// takes for that collection and the collection's feature schema.
func TestOpenAPICollectionPaths(t *testing.T) {
	base := schemaServer(t)
	_, doc := getDoc(t, base+"/api")
	paths := doc["paths"].(map[string]any)
	params := doc["components"].(map[string]any)["parameters"].(map[string]any)
	resolve := func(p any) map[string]any {
		pm := p.(map[string]any)
		if ref, ok := pm["$ref"].(string); ok {
			return params[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)
		}
		return pm
	}
	for _, c := range []string{"zones", "parcels", "green-areas"} {
		items, ok := paths["/collections/"+c+"/items"].(map[string]any)
		if !ok {
			t.Fatalf("/api has no /collections/%s/items", c)
		}
		if _, ok := paths["/collections/"+c+"/items/{featureId}"].(map[string]any)["get"]; !ok {
			t.Errorf("/api has no GET /collections/%s/items/{featureId}", c)
		}
		get := items["get"].(map[string]any)
		var documented, simple []string
		for _, p := range get["parameters"].([]any) {
			pm := resolve(p)
			if pm["in"] != "query" {
				t.Errorf("%s: parameter %v in %v", c, pm["name"], pm["in"])
				continue
			}
			documented = append(documented, pm["name"].(string))
			if _, typed := pm["schema"].(map[string]any)["type"].(string); pm["style"] == "form" && pm["explode"] == false && typed {
				simple = append(simple, pm["name"].(string))
			}
		}
		// The server's own list, from its answer to an unknown parameter.
		resp, err := http.Get(base + "/collections/" + c + "/items?zz=1")
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Detail string }
		_ = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		_, list, _ := strings.Cut(p.Detail, "; allowed: ")
		allowed := strings.Split(list, ", ")
		for _, name := range allowed {
			if name != catalogAttributes && !slices.Contains(documented, name) {
				t.Errorf("/collections/%s/items takes %s; /api does not list it there", c, name)
			}
		}
		for _, name := range documented {
			if !slices.Contains(allowed, name) {
				t.Errorf("/api lists %s on /collections/%s/items; the server refuses it", name, c)
			}
		}
		for _, name := range []string{"status", "zone", "kind", "province"} {
			if slices.Contains(allowed, name) && !slices.Contains(simple, name) {
				t.Errorf("/collections/%s/items: %s is not a parameter QGIS takes as a filter (style form, explode false, typed)", c, name)
			}
		}
		schema := get["responses"].(map[string]any)["200"].(map[string]any)["content"].(map[string]any)["application/geo+json"].(map[string]any)["schema"].(map[string]any)
		ref := schema["allOf"].([]any)[1].(map[string]any)["properties"].(map[string]any)["features"].(map[string]any)["items"].(map[string]any)["$ref"].(string)
		feature := doc["components"].(map[string]any)["schemas"].(map[string]any)[strings.TrimPrefix(ref, "#/components/schemas/")].(map[string]any)
		fp := feature["properties"].(map[string]any)["properties"].(map[string]any)["properties"].(map[string]any)
		var want []string
		for _, f := range encode.Fields(c) {
			want = append(want, f.Name)
		}
		if got := slices.Sorted(maps.Keys(fp)); !slices.Equal(got, slices.Sorted(slices.Values(want))) || len(want) == 0 {
			t.Errorf("/collections/%s/items: the features' schema lists %v; want %v", c, got, want)
		}
	}
}

const catalogAttributes = "attributes.KEY"

// TestSortByAndProperties over HTTP: sortby orders the page and its next
// link keeps it; properties keeps the properties named (id and geometry
// stay); an unknown name is 400 naming the parameter; the sortables are
// served as a schema the collection links to.
func TestSortByAndProperties(t *testing.T) {
	base := schemaServer(t)
	_, page := getDoc(t, base+"/collections/zones/items?sortby=-code&limit=3&properties=code,area_m2")
	var codes []string
	for _, f := range page["features"].([]any) {
		f := f.(map[string]any)
		props := f["properties"].(map[string]any)
		codes = append(codes, props["code"].(string))
		if keys := slices.Sorted(maps.Keys(props)); !slices.Equal(keys, []string{"area_m2", "code"}) || f["id"] == nil || f["geometry"] == nil {
			t.Errorf("properties=code,area_m2: feature %v, properties %v", f["id"], keys)
		}
	}
	if !slices.Equal(codes, []string{"KCN-11", "KCN-10", "KCN-09"}) {
		t.Errorf("sortby=-code: %v", codes)
	}
	var next string
	for _, l := range page["links"].([]any) {
		if l := l.(map[string]any); l["rel"] == "next" {
			next = l["href"].(string)
		}
	}
	if !strings.Contains(next, "sortby=-code") || !strings.Contains(next, "offset=3") {
		t.Errorf("next link %q does not keep the sortby", next)
	}
	for q, word := range map[string]string{"sortby=shape": "sortby:", "properties=code,shape": "properties:"} {
		resp, err := http.Get(base + "/collections/zones/items?" + q)
		if err != nil {
			t.Fatal(err)
		}
		var p struct{ Detail string }
		_ = json.NewDecoder(resp.Body).Decode(&p)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || !strings.HasPrefix(p.Detail, word) || !strings.Contains(p.Detail, `"shape"`) {
			t.Errorf("%s: %d %q", q, resp.StatusCode, p.Detail)
		}
	}
	h, s := getDoc(t, base+"/collections/parcels/sortables")
	props := s["properties"].(map[string]any)
	if h.Get("Content-Type") != encode.MIMESchema || props["area_m2"] == nil || props["lot_code"] == nil || props["geometry"] != nil {
		t.Errorf("sortables: %s %v", h.Get("Content-Type"), props)
	}
}
