package httpapi

import (
	"cmp"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/api"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
	"gopkg.in/yaml.v3"
)

// The OpenAPI document is the source of truth for the routes; these tests
// hold the router and the handlers' parameter lists to it, both ways.

// openAPIDoc is the part of api/openapi.yaml the tests read; the rest is
// checked through the generic tree in TestOpenAPIRefsResolve.
type openAPIDoc struct {
	OpenAPI    string                          `yaml:"openapi"`
	Paths      map[string]map[string]operation `yaml:"paths"`
	Components struct {
		Parameters map[string]parameter `yaml:"parameters"`
	} `yaml:"components"`
}

type operation struct {
	OperationID string      `yaml:"operationId"`
	Tags        []string    `yaml:"tags"`
	Parameters  []parameter `yaml:"parameters"`
	Responses   map[string]any
	// Security overrides the document's optional key: nil keeps it.
	Security []map[string][]string `yaml:"security"`
	// Role is the role the operation needs; "" means public.
	Role string `yaml:"x-role"`
}

// needsKey reports whether the operation cannot be called without a key.
func (op operation) needsKey() bool {
	return op.Security != nil && !slices.ContainsFunc(op.Security, func(r map[string][]string) bool { return len(r) == 0 })
}

type parameter struct {
	Ref         string   `yaml:"$ref"`
	Name        string   `yaml:"name"`
	In          string   `yaml:"in"`
	Required    bool     `yaml:"required"`
	Collections []string `yaml:"x-collections"`
	Schema      struct {
		Enum    []string `yaml:"enum"`
		Minimum *float64 `yaml:"minimum"`
		Maximum *float64 `yaml:"maximum"`
		Default any      `yaml:"default"`
	} `yaml:"schema"`
}

func loadOpenAPI(t *testing.T) *openAPIDoc {
	t.Helper()
	var doc openAPIDoc
	if err := yaml.Unmarshal(api.OpenAPI, &doc); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	return &doc
}

// params returns an operation's parameters with $refs resolved.
func (d *openAPIDoc) params(t *testing.T, op operation) []parameter {
	t.Helper()
	var out []parameter
	for _, p := range op.Parameters {
		if p.Ref != "" {
			name, ok := strings.CutPrefix(p.Ref, "#/components/parameters/")
			r, found := d.Components.Parameters[name]
			if !ok || !found {
				t.Fatalf("parameter $ref %q does not resolve", p.Ref)
			}
			p = r
		}
		out = append(out, p)
	}
	return out
}

// httpMethods are the methods OpenAPI path items may hold; other keys
// (parameters, summary, x-...) are not operations.
var httpMethods = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

var (
	echoParam    = regexp.MustCompile(`:[^/]+`)
	openAPIParam = regexp.MustCompile(`\{[^/}]+\}`)
)

// routeKey names a route by method and path shape: parameter names differ
// on purpose (the document uses OGC's {collectionId}/{featureId} where
// the router has :collection/:id), so both become {}.
func routeKey(method, path string, param *regexp.Regexp) string {
	return strings.ToUpper(method) + " " + param.ReplaceAllString(path, "{}")
}

func TestOpenAPIRoutesDocumented(t *testing.T) {
	doc := loadOpenAPI(t)
	s := New(withMemStore(Options{}))

	registered := map[string]string{} // key -> echo path (and method)
	for _, r := range s.Routes() {
		if !slices.Contains(httpMethods, strings.ToLower(r.Method)) {
			continue // echo's internal routes (any, not-found), if any
		}
		registered[routeKey(r.Method, r.Path, echoParam)] = r.Path
	}
	if len(registered) == 0 {
		t.Fatal("the server registered no routes")
	}
	documented := map[string]string{}
	for path, item := range doc.Paths {
		for method, op := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			key := routeKey(method, path, openAPIParam)
			if prev, dup := documented[key]; dup {
				t.Errorf("%s is documented twice: %s and %s", key, prev, path)
			}
			documented[key] = path
			name := strings.ToUpper(method) + " " + path
			checkPathParams(t, doc, name, op)
			echoPath, ok := registered[key]
			if !ok {
				continue
			}
			// The document's x-role and security say what the role table enforces.
			role, ok := requiredRole(strings.ToUpper(method), echoPath)
			if !ok {
				t.Errorf("%s: the role table has no role for %s %s", name, strings.ToUpper(method), echoPath)
			}
			if documentedRole := cmp.Or(op.Role, zonegis.RolePublic); documentedRole != role {
				t.Errorf("%s: x-role %q; the role table says %q", name, documentedRole, role)
			}
			if op.needsKey() != (role != zonegis.RolePublic) {
				t.Errorf("%s: security requires a key: %v; role %q", name, op.needsKey(), role)
			}
		}
	}
	for key, path := range registered {
		if _, ok := documented[key]; !ok {
			t.Errorf("route %s (%s) is not documented in api/openapi.yaml", key, path)
		}
	}
	for key, path := range documented {
		if _, ok := registered[key]; !ok {
			t.Errorf("api/openapi.yaml documents %s (%s), which the server does not register", key, path)
		}
	}
}

// checkPathParams checks that the {names} in a path and its in:path
// parameters are the same set.
func checkPathParams(t *testing.T, doc *openAPIDoc, name string, op operation) {
	t.Helper()
	var inPath, declared []string
	for _, m := range openAPIParam.FindAllString(strings.SplitN(name, " ", 2)[1], -1) {
		inPath = append(inPath, strings.Trim(m, "{}"))
	}
	for _, p := range doc.params(t, op) {
		if p.In == "path" {
			if !p.Required {
				t.Errorf("%s: path parameter %s must be required", name, p.Name)
			}
			declared = append(declared, p.Name)
		}
	}
	sort.Strings(inPath)
	sort.Strings(declared)
	if !slices.Equal(inPath, declared) {
		t.Errorf("%s: path has parameters %v, operation declares %v", name, inPath, declared)
	}
}

// TestOpenAPIQueryParams asks every documented operation about a parameter
// it cannot know and compares the allowed list in the 400 answer with the
// query parameters the document gives for it, so neither drifts.
func TestOpenAPIQueryParams(t *testing.T) {
	doc := loadOpenAPI(t)
	s := New(withMemStore(Options{}))
	defer s.Close() // checkFormats builds a FlatGeobuf export
	// Operations that take any query string, with the reason.
	lenient := map[string]string{
		"GET /healthz": "probes may add cache-busting parameters",
		"GET /app/":    "a shared link opens the map whatever it carries (?fbclid=, ?utm_source=; issue 15)",
	}
	for path, item := range doc.Paths {
		for method, op := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			name := strings.ToUpper(method) + " " + path
			if op.needsKey() {
				continue // answered 401 before its parameters are read; no keys without a database
			}
			params := doc.params(t, op)
			for _, target := range concretePaths(t, path, params) {
				var want []string
				for _, p := range params {
					if p.In == "query" && (target.collection == "" || p.Collections == nil || slices.Contains(p.Collections, target.collection)) {
						want = append(want, p.Name)
					}
				}
				for _, p := range params {
					if p.In == "query" && p.Name == "f" {
						checkFormats(t, s, strings.ToUpper(method), target.path, p.Schema.Enum)
					}
				}
				req := httptest.NewRequest(strings.ToUpper(method), target.path+"?zz_undocumented=1", nil)
				rec := httptest.NewRecorder()
				s.ServeHTTP(rec, req)
				var p Problem
				_ = json.Unmarshal(rec.Body.Bytes(), &p)
				_, allowedList, rejected := strings.Cut(p.Detail, "; allowed: ")
				if rec.Code != http.StatusBadRequest || !rejected {
					if _, ok := lenient[name]; !ok {
						t.Errorf("%s %s?zz_undocumented=1: got %d %q; want 400 for an unknown parameter", method, target.path, rec.Code, p.Detail)
					}
					continue
				}
				var got []string
				if allowedList != "" {
					got = strings.Split(allowedList, ", ")
				}
				sort.Strings(got)
				sort.Strings(want)
				if !slices.Equal(got, want) {
					t.Errorf("%s (%s): server allows %v, document lists %v", name, target.path, got, want)
				}
			}
		}
	}
}

// checkFormats checks that every documented value of f is accepted and
// an undocumented one refused.
func checkFormats(t *testing.T, s *Server, method, path string, formats []string) {
	t.Helper()
	for _, f := range append(slices.Clone(formats), "xml") {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(method, path+"?f="+f, nil))
		var p Problem
		_ = json.Unmarshal(rec.Body.Bytes(), &p)
		refused := rec.Code == http.StatusBadRequest && strings.HasPrefix(p.Detail, "f:")
		if want := !slices.Contains(formats, f); refused != want {
			t.Errorf("%s %s?f=%s: %d %q; documented formats %v", method, path, f, rec.Code, p.Detail, formats)
		}
	}
}

type concretePath struct{ path, collection string }

// concretePaths fills a documented path's parameters with sample values:
// every collection for collectionId, 1 for ids.
func concretePaths(t *testing.T, path string, params []parameter) []concretePath {
	t.Helper()
	out := []concretePath{{path: path}}
	for _, p := range params {
		if p.In != "path" {
			continue
		}
		values := []string{"1"}
		if p.Name == "collectionId" {
			values = p.Schema.Enum
		}
		var next []concretePath
		for _, c := range out {
			for _, v := range values {
				cp := concretePath{path: strings.ReplaceAll(c.path, "{"+p.Name+"}", url.PathEscape(v)), collection: c.collection}
				if p.Name == "collectionId" {
					cp.collection = v
				}
				next = append(next, cp)
			}
		}
		out = next
	}
	return out
}

// TestOpenAPILimits holds the documented OGC parameters to the constants
// the handlers use.
func TestOpenAPILimits(t *testing.T) {
	doc := loadOpenAPI(t)
	limit := doc.Components.Parameters["limit"]
	if limit.Name != "limit" || limit.Schema.Minimum == nil || *limit.Schema.Minimum != 1 ||
		limit.Schema.Maximum == nil || *limit.Schema.Maximum != catalog.MaxLimit || limit.Schema.Default != catalog.DefaultLimit {
		t.Errorf("components.parameters.limit = %+v; want minimum 1, maximum %d, default %d", limit.Schema, catalog.MaxLimit, catalog.DefaultLimit)
	}
	collections := doc.Components.Parameters["collectionId"].Schema.Enum
	if !slices.Equal(collections, catalog.Names) {
		t.Errorf("collectionId enum = %v; want %v", collections, catalog.Names)
	}
	// OGC API - Features Part 1 operation ids, which clients look for.
	ogc := map[string]string{
		"/":                                 "getLandingPage",
		"/conformance":                      "getConformanceDeclaration",
		"/collections":                      "getCollections",
		"/collections/{collectionId}":       "describeCollection",
		"/collections/{collectionId}/items": "getFeatures",
		"/collections/{collectionId}/items/{featureId}": "getFeature",
	}
	ids := map[string]string{}
	for path, item := range doc.Paths {
		for method, op := range item {
			if !slices.Contains(httpMethods, method) {
				continue
			}
			name := strings.ToUpper(method) + " " + path
			if op.OperationID == "" || len(op.Tags) == 0 || len(op.Responses) == 0 {
				t.Errorf("%s: want an operationId, tags and responses", name)
			}
			if prev, dup := ids[op.OperationID]; dup {
				t.Errorf("operationId %q used by %s and %s", op.OperationID, prev, name)
			}
			ids[op.OperationID] = name
		}
	}
	for path, id := range ogc {
		if got := doc.Paths[path]["get"].OperationID; got != id {
			t.Errorf("GET %s: operationId %q; want %q", path, got, id)
		}
	}
}

// TestOpenAPIRefsResolve checks that every $ref in the document points at
// something in it.
func TestOpenAPIRefsResolve(t *testing.T) {
	var root map[string]any
	if err := yaml.Unmarshal(api.OpenAPI, &root); err != nil {
		t.Fatal(err)
	}
	walkRefs(t, root)
	served, _, err := api.Served(map[string]map[string]any{"zones": encode.FeatureSchema("", "zones", "Zones")})
	if err != nil {
		t.Fatal(err)
	}
	root = nil
	if err := json.Unmarshal(served, &root); err != nil {
		t.Fatal(err)
	}
	walkRefs(t, root) // and those of the collections' own paths
}

func walkRefs(t *testing.T, root map[string]any) {
	t.Helper()
	n := 0
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case map[string]any:
			for k, c := range v {
				if ref, ok := c.(string); ok && k == "$ref" {
					n++
					if !resolves(root, ref) {
						t.Errorf("$ref %q does not resolve", ref)
					}
				}
				walk(c)
			}
		case []any:
			for _, c := range v {
				walk(c)
			}
		}
	}
	walk(root)
	if n == 0 {
		t.Error("no $ref found; is the document empty?")
	}
}

func resolves(root map[string]any, ref string) bool {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return false
	}
	var cur any = root
	for _, part := range strings.Split(rest, "/") {
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

var openAPIVersion = regexp.MustCompile(`^3\.0\.\d+$`)

func TestOpenAPIServed(t *testing.T) {
	s := New(withMemStore(Options{}))
	get := func(target string) (*http.Response, []byte) {
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		res := rec.Result()
		body, _ := io.ReadAll(res.Body)
		return res, body
	}

	res, body := get("/api")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api: %d %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.oai.openapi+json;version=3.0" {
		t.Errorf("GET /api: Content-Type %q", ct)
	}
	var fromJSON map[string]any
	if err := json.Unmarshal(body, &fromJSON); err != nil {
		t.Fatalf("GET /api: not JSON: %v", err)
	}
	if v, _ := fromJSON["openapi"].(string); !openAPIVersion.MatchString(v) {
		t.Errorf("GET /api: openapi %q; want 3.0.x", v)
	}
	if paths, _ := fromJSON["paths"].(map[string]any); len(paths) == 0 {
		t.Error("GET /api: no paths")
	}

	res, body = get("/api?f=yaml")
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET /api?f=yaml: %d %s", res.StatusCode, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "application/vnd.oai.openapi;version=3.0" {
		t.Errorf("GET /api?f=yaml: Content-Type %q", ct)
	}
	var fromYAML any
	if err := yaml.Unmarshal(body, &fromYAML); err != nil {
		t.Fatalf("GET /api?f=yaml: not YAML: %v", err)
	}
	// The two forms are the same document: compare through JSON, which
	// makes yaml's int and json's float64 numbers alike.
	viaJSON, err := json.Marshal(fromYAML)
	if err != nil {
		t.Fatal(err)
	}
	var yamlAsJSON map[string]any
	if err := json.Unmarshal(viaJSON, &yamlAsJSON); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(fromJSON, yamlAsJSON) {
		t.Error("GET /api and GET /api?f=yaml differ")
	}

	res, body = get("/api?f=xml")
	if res.StatusCode != http.StatusBadRequest || !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
		t.Errorf("GET /api?f=xml: %d %s %s; want a 400 problem", res.StatusCode, res.Header.Get("Content-Type"), body)
	}
}
