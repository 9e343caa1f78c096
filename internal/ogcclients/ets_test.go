package ogcclients

import (
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// Our stand-in for the OGC executable test suite for OGC API - Features
// (ets-ogcapi-features10, github.com/opengeospatial/ets-ogcapi-features10),
// which needs Maven Central or Docker. Each check is named after the ETS
// method it mirrors, with the class it is in and the abstract test (ATS)
// and requirement it implements, read from the ETS sources:
//
//	conformance/core/landingpage/LandingPage.java
//	conformance/core/apidefinition/ApiDefinition.java
//	conformance/core/conformance/Conformance.java
//	conformance/core/collections/FeatureCollections.java, FeatureCollection.java
//	conformance/core/collections/Features.java, FeaturesAssertions.java
//	conformance/core/collections/FeaturesLimit.java, FeaturesBBox.java, FeaturesTime.java
//	conformance/core/collections/FeaturesErrorConditions.java, Feature.java
//	conformance/crs/discovery/collections/DiscoveryCollectionsDefaultCrs.java, ...StorageCrs.java
//	conformance/crs/query/crs/features/FeaturesCrsParameter.java (and feature/, bboxcrs/)
//
// The ETS skips what a server does not offer; ours does not: what the issue
// (issue 13) says zonegis offers is checked, so a missing feature fails.

// collectionIDs are the feature collections zonegis serves.
var collectionIDs = []string{"zones", "parcels", "green-areas"}

// tableIDs are the collections without geometry (enterprises, projects,
// their reports: located by their parcels), read from PostgreSQL: no
// spatial extent, and a bbox selects none of them.
var tableIDs = []string{"enterprises", "projects", "enterprise-reports"}

// allIDs are every collection /collections lists.
func allIDs() []string {
	return slices.Sorted(slices.Values(append(slices.Clone(collectionIDs), tableIDs...)))
}

const (
	mimeGeoJSON = "application/geo+json"
	crs84       = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	epsg4326    = "http://www.opengis.net/def/crs/EPSG/0/4326"
	epsg3857    = "http://www.opengis.net/def/crs/EPSG/0/3857"
	epsg9210    = "http://www.opengis.net/def/crs/EPSG/0/9210"
)

type link struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
	Type string `json:"type"`
}

func findLink(links []link, rel, typ string) (link, bool) {
	for _, l := range links {
		if l.Rel == rel && (typ == "" || l.Type == typ) {
			return l, true
		}
	}
	return link{}, false
}

// checkLinks is the links part of /ats/core/fc-links and
// /ats/core/root-success: every link has href and rel, and type.
func checkLinks(t *testing.T, where string, links []link) {
	t.Helper()
	for _, l := range links {
		if l.Href == "" || l.Rel == "" || l.Type == "" {
			t.Errorf("%s: link %+v lacks href, rel or type", where, l)
		}
	}
}

// TestETSLandingPage mirrors LandingPage.java: landingPageRetrieval
// (ATS 3 /ats/core/root-op) and landingPageValidation (ATS 4
// /ats/core/root-success: service-desc or service-doc, conformance and
// data links), with the self link /req/core/root-success names.
func TestETSLandingPage(t *testing.T) {
	f := seeded(t)
	t.Run("landingPageRetrieval", func(t *testing.T) {
		r := f.get(t, "/", "application/json")
		if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
			t.Fatalf("GET /: %d %s; want 200 application/json", r.status, r.header.Get("Content-Type"))
		}
	})
	t.Run("landingPageValidation", func(t *testing.T) {
		var lp struct{ Links []link }
		f.getJSON(t, "/", &lp)
		for _, rel := range []string{"self", "service-desc", "conformance", "data"} {
			if _, ok := findLink(lp.Links, rel, ""); !ok {
				t.Errorf("landing page: no %q link in %+v", rel, lp.Links)
			}
		}
		checkLinks(t, "landing page", lp.Links)
	})
}

// TestETSApiDefinition mirrors ApiDefinition.java: openapiDocumentRetrieval
// (ATS 5 /ats/core/api-definition-op, /ats/oas30/oas-definition-1): the
// service-desc link answers an OpenAPI 3.0 document.
func TestETSApiDefinition(t *testing.T) {
	f := seeded(t)
	var lp struct{ Links []link }
	f.getJSON(t, "/", &lp)
	desc, ok := findLink(lp.Links, "service-desc", "")
	if !ok {
		t.Fatal("no service-desc link")
	}
	r := f.get(t, desc.Href, desc.Type)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d", desc.Href, r.status)
	}
	var doc struct {
		OpenAPI string         `json:"openapi"`
		Paths   map[string]any `json:"paths"`
	}
	if err := json.Unmarshal(r.body, &doc); err != nil || !strings.HasPrefix(doc.OpenAPI, "3.0") || len(doc.Paths) == 0 {
		t.Fatalf("GET %s: openapi %q, %d paths, %v; want an OpenAPI 3.0 document", desc.Href, doc.OpenAPI, len(doc.Paths), err)
	}
}

// conformanceClasses are the classes issue 13's done-when says
// /conformance declares, by the feature that brings each. Mirrors
// Conformance.java: validateConformanceOperationAndResponse (ATS 6
// /ats/core/conf-op, ATS 7 /ats/core/conf-success) and the
// RequirementClass list the ETS reads from it.
var conformanceClasses = []struct{ feature, uri string }{
	{"core", "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"},
	{"oas30", "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"},
	{"html", "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"},
	{"geojson", "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"},
	{"crs", "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"},
	{"queryables", "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables"},
	{"filter", "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter"},
	{"features-filter", "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter"},
	{"basic-cql2", "http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2"},
	{"cql2-text", "http://www.opengis.net/spec/cql2/1.0/conf/cql2-text"},
	{"cql2-json", "http://www.opengis.net/spec/cql2/1.0/conf/cql2-json"},
	{"advanced-comparison-operators", "http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators"},
	{"case-insensitive-comparison", "http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison"},
	{"accent-insensitive-comparison", "http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison"},
	{"basic-spatial-functions", "http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions"},
	{"spatial-functions", "http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions"},
	{"temporal-functions", "http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions"},
	{"arithmetic", "http://www.opengis.net/spec/cql2/1.0/conf/arithmetic"},
	{"create-replace-delete", "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete"},
	{"update", "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update"},
	{"optimistic-locking-etags", "http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags"},
	{"tiles-core", "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core"},
	{"tiles-tileset", "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset"},
	{"tiles-tilesets-list", "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list"},
	{"tiles-mvt", "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt"},
}

// TestETSConformance mirrors Conformance.java: the declaration answers
// 200 with conformsTo (validateConformanceOperationAndResponse), and each
// class issue 13 names is declared, one subtest a class.
func TestETSConformance(t *testing.T) {
	f := seeded(t)
	var c struct {
		ConformsTo []string `json:"conformsTo"`
	}
	f.getJSON(t, "/conformance", &c)
	for _, cc := range conformanceClasses {
		t.Run(cc.feature, func(t *testing.T) {
			if !slices.Contains(c.ConformsTo, cc.uri) {
				t.Errorf("/conformance does not declare %s", cc.uri)
			}
		})
	}
}

// collection is a collection's description as the ETS reads it.
type collection struct {
	ID         string   `json:"id"`
	Title      string   `json:"title"`
	Links      []link   `json:"links"`
	CRS        []string `json:"crs"`
	StorageCRS string   `json:"storageCrs"`
	Extent     struct {
		Spatial *struct {
			BBox [][]float64 `json:"bbox"`
			CRS  string      `json:"crs"`
		} `json:"spatial"`
		Temporal *struct {
			Interval [][]*string `json:"interval"`
			TRS      string      `json:"trs"`
		} `json:"temporal"`
	} `json:"extent"`
}

func collectionsDoc(t *testing.T, f *fixture) (links []link, cs []collection) {
	t.Helper()
	var doc struct {
		Links       []link       `json:"links"`
		Collections []collection `json:"collections"`
	}
	f.getJSON(t, "/collections", &doc)
	return doc.Links, doc.Collections
}

// TestETSCollections mirrors FeatureCollections.java:
// validateFeatureCollectionsMetadataOperation (ATS 9 /ats/core/fc-md-op),
// validateFeatureCollectionsMetadataOperationResponse_Links (ATS 10
// /ats/core/fc-md-success, /req/core/fc-md-links: self; each collection's
// items link), validateFeatureCollectionsMetadataOperationResponse_Items
// (ATS 11 /ats/core/fc-md-items) and its extent checks (ATS 12
// /ats/core/fc-md-extent). The extent subtests hold issue 13's "spatial
// extents computed from the data, temporal extents".
func TestETSCollections(t *testing.T) {
	f := seeded(t)
	links, cs := collectionsDoc(t, f)
	t.Run("validateFeatureCollectionsMetadataOperationResponse_Links", func(t *testing.T) {
		if _, ok := findLink(links, "self", ""); !ok {
			t.Errorf("/collections: no self link in %+v", links)
		}
		checkLinks(t, "/collections", links)
		for _, c := range cs {
			if _, ok := findLink(c.Links, "items", mimeGeoJSON); !ok {
				t.Errorf("collection %s: no items link of type %s in %+v", c.ID, mimeGeoJSON, c.Links)
			}
			checkLinks(t, "collection "+c.ID, c.Links)
		}
	})
	t.Run("validateFeatureCollectionsMetadataOperationResponse_Items", func(t *testing.T) {
		var ids []string
		for _, c := range cs {
			ids = append(ids, c.ID)
		}
		slices.Sort(ids)
		if want := allIDs(); !slices.Equal(ids, want) {
			t.Errorf("/collections: ids %v; want %v", ids, want)
		}
	})
	t.Run("validateFeatureCollectionsMetadataOperationResponse_Extent", func(t *testing.T) {
		for _, c := range cs {
			if slices.Contains(tableIDs, c.ID) { // /req/core/fc-md-extent: "if provided"
				if c.Extent.Spatial != nil {
					t.Errorf("collection %s has no geometry, yet a spatial extent %+v", c.ID, c.Extent.Spatial)
				}
				continue
			}
			if c.Extent.Spatial == nil || len(c.Extent.Spatial.BBox) == 0 || len(c.Extent.Spatial.BBox[0]) != 4 {
				t.Errorf("collection %s: extent.spatial.bbox %+v; want one box of 4 numbers", c.ID, c.Extent.Spatial)
			}
		}
	})
	// Issue 13: "spatial extents computed from the data". The box must be
	// the bound of the collection's features (within 1e-6°), not one box
	// for the whole of Vietnam.
	t.Run("SpatialExtentFromData", func(t *testing.T) {
		for _, c := range cs {
			if slices.Contains(tableIDs, c.ID) {
				continue // checked above: none
			}
			if c.Extent.Spatial == nil || len(c.Extent.Spatial.BBox) == 0 || len(c.Extent.Spatial.BBox[0]) != 4 {
				t.Errorf("collection %s: no spatial extent", c.ID)
				continue
			}
			got, want := c.Extent.Spatial.BBox[0], dataBound(t, f, c.ID)
			for i := range 4 {
				if math.Abs(got[i]-want[i]) > 1e-6 {
					t.Errorf("collection %s: extent %v; the bound of its features is %v", c.ID, got, want)
					break
				}
			}
		}
	})
	// Issue 13: "temporal extents". /req/core/fc-md-extent-temporal: an
	// interval of two RFC 3339 instants or null (open), Gregorian TRS.
	t.Run("TemporalExtent", func(t *testing.T) {
		for _, c := range cs {
			tmp := c.Extent.Temporal
			if tmp == nil || len(tmp.Interval) == 0 || len(tmp.Interval[0]) != 2 {
				t.Errorf("collection %s: extent.temporal %+v; want an interval", c.ID, tmp)
				continue
			}
			for _, s := range tmp.Interval[0] {
				if s == nil {
					continue
				}
				if _, err := time.Parse(time.RFC3339, *s); err != nil {
					t.Errorf("collection %s: temporal extent %q: %v", c.ID, *s, err)
				}
			}
			if tmp.TRS != "" && tmp.TRS != "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian" {
				t.Errorf("collection %s: trs %q", c.ID, tmp.TRS)
			}
		}
	})
}

// dataBound is the bound [minLon, minLat, maxLon, maxLat] of every
// feature of a collection, read page by page.
func dataBound(t *testing.T, f *fixture, collection string) [4]float64 {
	t.Helper()
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	for _, ft := range allFeatures(t, f, "/collections/"+collection+"/items?limit=5000") {
		walkPositions(ft.Geometry.Coordinates, func(x, y float64) {
			b[0], b[1] = min(b[0], x), min(b[1], y)
			b[2], b[3] = max(b[2], x), max(b[3], y)
		})
	}
	return b
}

// TestETSCollection mirrors FeatureCollection.java:
// validateTheFeatureCollectionMetadataOperationAndResponse (ATS 13
// /ats/core/sfc-md-op, ATS 14 /ats/core/sfc-md-success): each collection
// answers at /collections/{id} as it is described in /collections.
func TestETSCollection(t *testing.T) {
	f := seeded(t)
	_, cs := collectionsDoc(t, f)
	for _, c := range cs {
		t.Run(c.ID, func(t *testing.T) {
			var one collection
			f.getJSON(t, "/collections/"+url.PathEscape(c.ID), &one)
			if one.ID != c.ID || one.Title != c.Title {
				t.Errorf("/collections/%s: id %q title %q; /collections says %q %q", c.ID, one.ID, one.Title, c.ID, c.Title)
			}
			a, _ := json.Marshal(one.Extent)
			b, _ := json.Marshal(c.Extent)
			if string(a) != string(b) {
				t.Errorf("/collections/%s: extent %s; /collections says %s", c.ID, a, b)
			}
		})
	}
}

// geoFeature is a GeoJSON feature as the checks read it.
type geoFeature struct {
	Type     string `json:"type"`
	ID       any    `json:"id"`
	Geometry struct {
		Type        string          `json:"type"`
		Coordinates json.RawMessage `json:"coordinates"`
	} `json:"geometry"`
	Properties map[string]any `json:"properties"`
	Links      []link         `json:"links"`
}

type featurePage struct {
	Type           string       `json:"type"`
	NumberMatched  *int         `json:"numberMatched"`
	NumberReturned *int         `json:"numberReturned"`
	TimeStamp      *string      `json:"timeStamp"`
	Features       []geoFeature `json:"features"`
	Links          []link       `json:"links"`
}

func (f *fixture) page(t *testing.T, path string) (featurePage, response) {
	t.Helper()
	r := f.get(t, path, mimeGeoJSON)
	if r.status != http.StatusOK {
		t.Fatalf("GET %s: %d; want 200; body %.500s", path, r.status, r.body)
	}
	var p featurePage
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return p, r
}

// allFeatures follows the next links from path and returns every
// feature; it fails t on a loop or past 100 pages.
func allFeatures(t *testing.T, f *fixture, path string) []geoFeature {
	t.Helper()
	var out []geoFeature
	seen := map[string]bool{}
	for range 100 {
		p, _ := f.page(t, path)
		out = append(out, p.Features...)
		next, ok := findLink(p.Links, "next", "")
		if !ok {
			return out
		}
		if seen[next.Href] {
			t.Fatalf("next link %s seen before", next.Href)
		}
		seen[next.Href] = true
		path = next.Href
	}
	t.Fatalf("more than 100 pages from %s", path)
	return nil
}

// walkPositions calls fn with every position of GeoJSON coordinates of any
// depth.
func walkPositions(raw json.RawMessage, fn func(x, y float64)) {
	var pos []float64
	if json.Unmarshal(raw, &pos) == nil && len(pos) >= 2 {
		fn(pos[0], pos[1])
		return
	}
	var parts []json.RawMessage
	if json.Unmarshal(raw, &parts) == nil {
		for _, p := range parts {
			walkPositions(p, fn)
		}
	}
}

func featureBound(ft geoFeature) [4]float64 {
	b := [4]float64{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	walkPositions(ft.Geometry.Coordinates, func(x, y float64) {
		b[0], b[1] = min(b[0], x), min(b[1], y)
		b[2], b[3] = max(b[2], x), max(b[3], y)
	})
	return b
}

// checkFeaturesResponse is the ETS's AbstractFeatures validations of one
// items answer: validateTypeProperty and validateFeaturesProperty (ATS 22
// /ats/core/fc-response, methods 1, 2), validateLinks (ATS 23
// /ats/core/fc-links: self, all links typed), validateTimeStamp (ATS 24
// /ats/core/fc-timeStamp: the time of the answer), validateNumberReturned
// (ATS 26) and validateGeometriesInCrs84 (ATS 2 /ats/core/crs84).
func checkFeaturesResponse(t *testing.T, where string, p featurePage, before, after time.Time) {
	t.Helper()
	if p.Type != "FeatureCollection" {
		t.Errorf("%s: type %q; want FeatureCollection", where, p.Type)
	}
	if p.Features == nil {
		t.Errorf("%s: no features array", where)
	}
	if _, ok := findLink(p.Links, "self", ""); !ok {
		t.Errorf("%s: no self link", where)
	}
	checkLinks(t, where, p.Links)
	if p.TimeStamp != nil {
		ts, err := time.Parse(time.RFC3339, *p.TimeStamp)
		if err != nil || ts.Before(before.Truncate(time.Second)) || ts.After(after.Add(time.Second)) {
			t.Errorf("%s: timeStamp %q (%v); want the time of the answer, %v..%v", where, *p.TimeStamp, err, before, after)
		}
	}
	if p.NumberReturned == nil || *p.NumberReturned != len(p.Features) {
		t.Errorf("%s: numberReturned %v for %d features", where, p.NumberReturned, len(p.Features))
	}
	for _, ft := range p.Features {
		if ft.Type != "Feature" {
			t.Errorf("%s: feature type %q", where, ft.Type)
		}
		if ft.Geometry.Type == "" && len(ft.Geometry.Coordinates) == 0 {
			continue // "geometry": null (a collection without geometry): no positions
		}
		b := featureBound(ft)
		if b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[0] > b[2] {
			t.Errorf("%s: feature %v has positions outside CRS84 (%v)", where, ft.ID, b)
		}
	}
}

// TestETSItems mirrors Features.java for each collection:
// validateFeaturesOperation (ATS 13 /ats/core/fc-op), the fc-response
// checks (checkFeaturesResponse) and validateFeaturesResponse_NumberMatched
// (ATS 25 /ats/core/fc-numberMatched, FeaturesAssertions.assertNumberMatched:
// numberMatched equals the features of every page, followed by next).
func TestETSItems(t *testing.T) {
	f := seeded(t)
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			before := time.Now()
			p, _ := f.page(t, "/collections/"+c+"/items")
			checkFeaturesResponse(t, c+" items", p, before, time.Now())
			if p.NumberMatched == nil {
				t.Fatal("no numberMatched")
			}
			all := allFeatures(t, f, "/collections/"+c+"/items?limit=5000")
			if len(all) != *p.NumberMatched {
				t.Errorf("numberMatched %d; the pages hold %d features", *p.NumberMatched, len(all))
			}
		})
	}
}

// TestETSItemsPaging checks the next and prev links the ETS follows
// (FeaturesAssertions.assertNumberMatched walks next; /req/core/fc-next-1
// and the prev permission of fc-links): every feature once over the pages,
// in the same order as one large page, and prev giving the page before.
func TestETSItemsPaging(t *testing.T) {
	f := seeded(t)
	const limit = 700
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			one, _ := f.page(t, fmt.Sprintf("/collections/%s/items?limit=10000", c))
			path := fmt.Sprintf("/collections/%s/items?limit=%d", c, limit)
			var ids []string
			var pages []featurePage
			for range 100 {
				p, _ := f.page(t, path)
				pages = append(pages, p)
				if p.NumberMatched == nil || *p.NumberMatched != *one.NumberMatched {
					t.Fatalf("%s: numberMatched %v; the whole answer has %d", path, p.NumberMatched, *one.NumberMatched)
				}
				for _, ft := range p.Features {
					ids = append(ids, fmt.Sprint(ft.ID))
				}
				next, ok := findLink(p.Links, "next", "")
				if !ok {
					break
				}
				path = next.Href
			}
			var want []string
			for _, ft := range one.Features {
				want = append(want, fmt.Sprint(ft.ID))
			}
			if !slices.Equal(ids, want) {
				t.Errorf("the pages of %d give %d ids; one page gives %d, or they differ in order", limit, len(ids), len(want))
			}
			if _, ok := findLink(pages[0].Links, "prev", ""); ok {
				t.Errorf("the first page has a prev link")
			}
			for i := 1; i < len(pages); i++ {
				prev, ok := findLink(pages[i].Links, "prev", "")
				if !ok {
					t.Errorf("page %d has no prev link", i)
					continue
				}
				p, _ := f.page(t, prev.Href)
				if !sameIDs(p.Features, pages[i-1].Features) {
					t.Errorf("page %d's prev link %s does not give page %d", i, prev.Href, i-1)
				}
			}
		})
	}
}

func sameIDs(a, b []geoFeature) bool {
	return slices.EqualFunc(a, b, func(x, y geoFeature) bool { return fmt.Sprint(x.ID) == fmt.Sprint(y.ID) })
}

// openAPIParameter is a query parameter of the OpenAPI document.
type openAPIParameter struct {
	Name     string         `json:"name"`
	In       string         `json:"in"`
	Required bool           `json:"required"`
	Style    string         `json:"style"`
	Explode  *bool          `json:"explode"`
	Schema   map[string]any `json:"schema"`
}

// itemsParameters mirrors OpenApiUtils.retrieveTestPointsForCollection and
// retrieveParameterByName: the parameters of the collection's items GET,
// from its own path (/collections/parcels/items) if the document has one,
// else from /collections/{collectionId}/items, $refs resolved.
func itemsParameters(t *testing.T, f *fixture, c string) (path string, params map[string]openAPIParameter) {
	t.Helper()
	var doc struct {
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]openAPIParameter `json:"parameters"`
		} `json:"components"`
	}
	f.getJSON(t, "/api", &doc)
	path = "/collections/" + c + "/items"
	item, ok := doc.Paths[path]
	if !ok {
		path = "/collections/{collectionId}/items"
		if item, ok = doc.Paths[path]; !ok {
			t.Fatalf("/api has no items path for %s", c)
		}
	}
	var raw []json.RawMessage
	var get struct {
		Parameters []json.RawMessage `json:"parameters"`
	}
	if p, ok := item["parameters"]; ok {
		_ = json.Unmarshal(p, &raw)
	}
	if err := json.Unmarshal(item["get"], &get); err != nil {
		t.Fatalf("/api %s get: %v", path, err)
	}
	params = map[string]openAPIParameter{}
	for _, r := range append(raw, get.Parameters...) {
		var ref struct {
			Ref string `json:"$ref"`
		}
		var p openAPIParameter
		if json.Unmarshal(r, &ref) == nil && ref.Ref != "" {
			p = doc.Components.Parameters[strings.TrimPrefix(ref.Ref, "#/components/parameters/")]
		} else {
			_ = json.Unmarshal(r, &p)
		}
		if p.Name != "" && p.In == "query" {
			params[p.Name] = p
		}
	}
	return path, params
}

// checkParameterDefinition is the ETS's *ParameterDefinition shape: in
// query, not required, style form, explode false, schema type typ.
func checkParameterDefinition(t *testing.T, path string, params map[string]openAPIParameter, name, typ string) openAPIParameter {
	t.Helper()
	p, ok := params[name]
	if !ok {
		t.Errorf("%s: no %s parameter in the OpenAPI document", path, name)
		return p
	}
	if p.Required || (p.Style != "" && p.Style != "form") || (p.Explode != nil && *p.Explode) {
		t.Errorf("%s %s: required %v style %q explode %v; want false, form, false", path, name, p.Required, p.Style, p.Explode)
	}
	if p.Schema["type"] != typ {
		t.Errorf("%s %s: schema type %v; want %s", path, name, p.Schema["type"], typ)
	}
	return p
}

// TestETSItemsLimit mirrors FeaturesLimit.java: limitParameterDefinition
// (ATS 16 /ats/core/fc-limit-definition: integer, minimum and default
// ≥ 0), validateFeaturesWithLimitOperation and
// validateFeaturesWithLimitResponse (ATS 17 /ats/core/fc-limit-response:
// at most limit features, at most the maximum) at min, between and max,
// and past the maximum, where /req/core/fc-limit-response B says the
// server caps (issue 13: "limit capped at the maximum").
func TestETSItemsLimit(t *testing.T) {
	f := seeded(t)
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			path, params := itemsParameters(t, f, c)
			p := checkParameterDefinition(t, path, params, "limit", "integer")
			if p.Name == "" {
				t.FailNow()
			}
			lo, _ := p.Schema["minimum"].(float64)
			hi, _ := p.Schema["maximum"].(float64)
			def, _ := p.Schema["default"].(float64)
			if lo < 0 || def < 0 || hi < lo {
				t.Fatalf("%s limit: minimum %v default %v maximum %v", path, lo, def, hi)
			}
			for _, limit := range []int{int(lo), min(int(lo+(hi-lo)/2), 100), int(hi), int(hi) * 2} {
				before := time.Now()
				page, _ := f.page(t, fmt.Sprintf("/collections/%s/items?limit=%d", c, limit))
				checkFeaturesResponse(t, fmt.Sprintf("%s limit=%d", c, limit), page, before, time.Now())
				if len(page.Features) > min(limit, int(hi)) {
					t.Errorf("limit=%d: %d features; want at most %d", limit, len(page.Features), min(limit, int(hi)))
				}
			}
		})
	}
}

// bboxes are boxes over the seeded data: Tân Thuận and Linh Trung in Hồ
// Chí Minh City, and one across the Red River delta.
var bboxes = [][4]float64{
	{106.70, 10.74, 106.78, 10.77},
	{106.74, 10.84, 106.82, 10.90},
	{105.5, 20.5, 106.9, 21.3},
}

// TestETSItemsBBox mirrors FeaturesBBox.java: bboxParameterDefinition
// (ATS 14 /ats/core/fc-bbox-definition: an array of 4 or 6 numbers),
// validateFeaturesWithBoundingBoxOperation and
// validateFeaturesWithBoundingBoxResponse (ATS 15
// /ats/core/fc-bbox-response: every feature returned meets the box).
func TestETSItemsBBox(t *testing.T) {
	f := seeded(t)
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			path, params := itemsParameters(t, f, c)
			p := checkParameterDefinition(t, path, params, "bbox", "array")
			if items, _ := p.Schema["items"].(map[string]any); items["type"] != "number" {
				t.Errorf("%s bbox: items %v; want numbers", path, p.Schema["items"])
			}
			for _, b := range bboxes {
				q := fmt.Sprintf("/collections/%s/items?limit=10000&bbox=%v,%v,%v,%v", c, b[0], b[1], b[2], b[3])
				before := time.Now()
				page, _ := f.page(t, q)
				checkFeaturesResponse(t, q, page, before, time.Now())
				for _, ft := range page.Features {
					fb := featureBound(ft)
					if fb[0] > b[2] || fb[2] < b[0] || fb[1] > b[3] || fb[3] < b[1] {
						t.Errorf("%s: feature %v (bound %v) is outside the box", q, ft.ID, fb)
					}
				}
				if page.NumberMatched == nil || *page.NumberMatched != len(page.Features) {
					t.Errorf("%s: numberMatched %v for %d features in one page", q, page.NumberMatched, len(page.Features))
				}
			}
		})
	}
}

// TestETSItemsDatetime mirrors FeaturesTime.java: timeParameterDefinition
// (ATS 18 /ats/core/fc-time-definition: a string parameter, required by
// Part 1 core), validateFeaturesWithDateTimeOperation with its data
// provider's three values from each collection's temporal extent (a
// date-time, an interval, a start and a later date; Part 1 examples 6-8),
// and the open ends of /req/core/fc-time-response; ATS 19: a feature with
// no time is in every answer, and a feature of today is in every interval
// that reaches today, so ../.. matches at least every feature the items
// answer without datetime (which are today's; parcels retired by a split
// or merge may add their history).
func TestETSItemsDatetime(t *testing.T) {
	f := seeded(t)
	_, cs := collectionsDoc(t, f)
	for _, c := range cs {
		t.Run(c.ID, func(t *testing.T) {
			path, params := itemsParameters(t, f, c.ID)
			checkParameterDefinition(t, path, params, "datetime", "string")
			all := f.count(t, c.ID, "")
			begin, end := time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC), time.Now().UTC()
			if tmp := c.Extent.Temporal; tmp != nil && len(tmp.Interval) > 0 && len(tmp.Interval[0]) == 2 {
				if s := tmp.Interval[0][0]; s != nil {
					if b, err := time.Parse(time.RFC3339, *s); err == nil {
						begin = b
					}
				}
				if s := tmp.Interval[0][1]; s != nil {
					if e, err := time.Parse(time.RFC3339, *s); err == nil {
						end = e
					}
				}
			}
			quarter := end.Sub(begin) / 4
			b1 := begin.Add(quarter)
			values := []string{
				begin.Format(time.RFC3339),
				b1.Format(time.RFC3339) + "/" + b1.Add(quarter).Format(time.RFC3339),
				b1.Format("2006-01-02") + "/" + b1.AddDate(0, 0, 2).Format("2006-01-02"),
				"../" + end.Format(time.RFC3339),
				begin.Format(time.RFC3339) + "/..",
				"2020-06-15",
			}
			for _, v := range values {
				q := "/collections/" + c.ID + "/items?limit=10&datetime=" + url.QueryEscape(v)
				before := time.Now()
				r := f.get(t, q, mimeGeoJSON)
				if r.status != http.StatusOK {
					t.Errorf("datetime=%s: %d; want 200: %.300s", v, r.status, r.body)
					continue
				}
				var page featurePage
				if err := json.Unmarshal(r.body, &page); err != nil {
					t.Fatal(err)
				}
				checkFeaturesResponse(t, q, page, before, time.Now())
				if page.NumberMatched == nil {
					t.Errorf("datetime=%s: no numberMatched", v)
				}
			}
			if r := f.get(t, "/collections/"+c.ID+"/items?datetime=../..", mimeGeoJSON); r.status != http.StatusOK {
				t.Errorf("datetime=../..: %d; want 200", r.status)
			} else if n := f.count(t, c.ID, "datetime=../.."); n < all {
				t.Errorf("datetime=../.. matches %d; today's features are %d", n, all)
			}
			if r := f.get(t, "/collections/"+c.ID+"/items?datetime=yesterday", mimeGeoJSON); r.status != http.StatusBadRequest {
				t.Errorf("datetime=yesterday: %d; want 400", r.status)
			}
		})
	}
}

// TestETSItem mirrors Feature.java: validateTheFeatureOperation and
// validateTheFeatureResponse (ATS 27 /ats/core/f-op, ATS 28
// /ats/core/f-success: a Feature with self and collection links), for the
// first feature of each collection.
func TestETSItem(t *testing.T) {
	f := seeded(t)
	for _, c := range collectionIDs {
		t.Run(c, func(t *testing.T) {
			p, _ := f.page(t, "/collections/"+c+"/items?limit=1")
			if len(p.Features) != 1 {
				t.Fatalf("%s: no feature", c)
			}
			id := fmt.Sprint(p.Features[0].ID)
			r := f.get(t, "/collections/"+c+"/items/"+id, mimeGeoJSON)
			if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), mimeGeoJSON) {
				t.Fatalf("item %s: %d %s", id, r.status, r.header.Get("Content-Type"))
			}
			var ft geoFeature
			if err := json.Unmarshal(r.body, &ft); err != nil {
				t.Fatal(err)
			}
			if ft.Type != "Feature" || fmt.Sprint(ft.ID) != id {
				t.Errorf("item %s: type %q id %v", id, ft.Type, ft.ID)
			}
			for _, rel := range []string{"self", "collection"} {
				if _, ok := findLink(ft.Links, rel, ""); !ok {
					t.Errorf("item %s: no %s link", id, rel)
				}
			}
			checkLinks(t, "item "+id, ft.Links)
		})
	}
}

// TestETSErrors mirrors FeaturesErrorConditions.java:
// validateFeaturesOperation_QueryParamInvalid (ATS 20
// /ats/core/query-param-invalid: limit=unlimited is 400) and
// validateFeaturesOperation_QueryParamUnknown (ATS 21
// /ats/core/query-param-unknown: an unknown parameter is 400), with the
// 404s of /req/core/sfc-md-op and /req/core/f-op for an unknown collection
// or feature; every error is application/problem+json.
func TestETSErrors(t *testing.T) {
	f := seeded(t)
	cases := []struct{ name, path string }{
		{"validateFeaturesOperation_QueryParamInvalid", "/collections/%s/items?limit=unlimited"},
		{"validateFeaturesOperation_QueryParamUnknown", "/collections/%s/items?unknownQueryParameter12345=1"},
		{"InvalidBBox", "/collections/%s/items?bbox=106,10,107"},
		{"InvalidOffset", "/collections/%s/items?offset=-1"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, c := range collectionIDs {
				wantProblem(t, f, fmt.Sprintf(tc.path, c), http.StatusBadRequest)
			}
		})
	}
	t.Run("UnknownCollection", func(t *testing.T) {
		wantProblem(t, f, "/collections/no-such-collection", http.StatusNotFound)
		wantProblem(t, f, "/collections/no-such-collection/items", http.StatusNotFound)
	})
	t.Run("UnknownFeature", func(t *testing.T) {
		for _, c := range collectionIDs {
			wantProblem(t, f, "/collections/"+c+"/items/999999999", http.StatusNotFound)
		}
	})
}

func wantProblem(t *testing.T, f *fixture, path string, status int) {
	t.Helper()
	r := f.get(t, path, mimeGeoJSON)
	if r.status != status {
		t.Errorf("GET %s: %d; want %d", path, r.status, status)
		return
	}
	var p struct {
		Detail string `json:"detail"`
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/problem+json") || json.Unmarshal(r.body, &p) != nil || p.Detail == "" {
		t.Errorf("GET %s: %s %.200s; want application/problem+json with a detail", path, r.header.Get("Content-Type"), r.body)
	}
}

// TestETSHTML checks the HTML requirement class of Part 1 (§8.3,
// /req/html/definition: every 200 answer of the core resources is also
// offered as text/html; /req/html/content) that issue 13 deliverable 1
// declares; the ETS itself reads only JSON. Each resource answers HTML by
// content negotiation (a browser's Accept) and by f=html.
func TestETSHTML(t *testing.T) {
	f := seeded(t)
	p, _ := f.page(t, "/collections/parcels/items?limit=1")
	if len(p.Features) == 0 {
		t.Fatal("no parcel")
	}
	const browser = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
	for _, path := range []string{"/", "/collections", "/collections/parcels", "/collections/parcels/items", "/collections/parcels/items/" + fmt.Sprint(p.Features[0].ID)} {
		name := strings.ReplaceAll(strings.Trim(path, "/"), "/", "_")
		if name == "" {
			name = "landing"
		}
		t.Run(name, func(t *testing.T) {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			for _, r := range []response{f.get(t, path, browser), f.get(t, path+sep+"f=html", "")} {
				if r.status != http.StatusOK || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") ||
					!strings.Contains(strings.ToLower(string(r.body)), "<html") {
					t.Errorf("GET %s as HTML: %d %s %.120q", path, r.status, r.header.Get("Content-Type"), r.body)
				}
			}
		})
	}
}
