package api

import (
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"

	"gopkg.in/yaml.v3"
)

// The document served at /api also lists each collection's own paths
// (/collections/parcels/items, /collections/parcels/items/{featureId}),
// made here from the generic /collections/{collectionId}/... operations, so
// that the two cannot drift: QGIS's OAPIF provider takes a collection's
// filter parameters only from its literal items path (qgsoapifapirequest.cpp
// reads paths "/collections/<name>/items" and their query parameters with
// style form, explode false and a schema type).

// collectionPaths are the generic paths given a literal copy per collection.
var collectionPaths = []string{"/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}"}

// Served is the document as /api serves it, in JSON and in YAML: OpenAPI
// with each collection's own GET paths added, whose responses carry the
// collection's feature schema (features, by collection id: a JSON Schema
// of a GeoJSON Feature) and whose parameters are the generic operation's,
// less collectionId and the filters that do not apply to the collection
// (x-collections).
func Served(features map[string]map[string]any) (jsonDoc, yamlDoc []byte, err error) {
	var doc map[string]any
	if err := yaml.Unmarshal(OpenAPI, &doc); err != nil {
		return nil, nil, fmt.Errorf("api/openapi.yaml: %w", err)
	}
	if err := addCollectionPaths(doc, features); err != nil {
		return nil, nil, err
	}
	if jsonDoc, err = json.Marshal(doc); err != nil {
		return nil, nil, err
	}
	yamlDoc, err = yaml.Marshal(doc)
	return jsonDoc, yamlDoc, err
}

// ServedOnce returns Served(features) made at its first call, then kept:
// parsing and converting the document is tens of milliseconds of a core,
// which a server spends at the first /api request rather than at start-up.
// features is read at that first call.
func ServedOnce(features map[string]map[string]any) func() (jsonDoc, yamlDoc []byte, err error) {
	type served struct {
		json, yaml []byte
		err        error
	}
	once := sync.OnceValue(func() served {
		j, y, err := Served(features)
		return served{j, y, err}
	})
	return func() ([]byte, []byte, error) {
		s := once()
		return s.json, s.yaml, s.err
	}
}

func addCollectionPaths(doc map[string]any, features map[string]map[string]any) error {
	paths, _ := doc["paths"].(map[string]any)
	components, _ := doc["components"].(map[string]any)
	params, _ := components["parameters"].(map[string]any)
	schemas, _ := components["schemas"].(map[string]any)
	if paths == nil || params == nil || schemas == nil {
		return fmt.Errorf("api/openapi.yaml: no paths, parameters or schemas")
	}
	for _, name := range slices.Sorted(maps.Keys(features)) {
		feature := maps.Clone(features[name])
		delete(feature, "$schema") // OpenAPI 3.0 schema objects take neither
		delete(feature, "$id")
		key := strings.ReplaceAll(name, "-", "_") + "Feature"
		schemas[key] = feature
		ref := map[string]any{"$ref": "#/components/schemas/" + key}
		for _, generic := range collectionPaths {
			item, _ := paths[generic].(map[string]any)
			get, _ := item["get"].(map[string]any)
			if get == nil {
				return fmt.Errorf("api/openapi.yaml: no GET %s", generic)
			}
			op := maps.Clone(get)
			op["operationId"] = fmt.Sprint(get["operationId"], "_", key)
			op["summary"] = fmt.Sprint(get["summary"], " (", name, ")")
			var kept []any
			for _, p := range get["parameters"].([]any) {
				if applies(p, name, params) {
					kept = append(kept, p)
				}
			}
			op["parameters"] = kept
			op["responses"] = withSchema(get["responses"], strings.HasSuffix(generic, "/items"), ref)
			paths[strings.Replace(generic, "{collectionId}", name, 1)] = map[string]any{"get": op}
		}
	}
	return nil
}

// applies reports whether parameter p (a $ref or inline) belongs on
// collection's own path: not the collectionId, and a filter only where its
// x-collections name the collection.
func applies(p any, collection string, params map[string]any) bool {
	pm, _ := p.(map[string]any)
	if ref, ok := pm["$ref"].(string); ok {
		pm, _ = params[strings.TrimPrefix(ref, "#/components/parameters/")].(map[string]any)
	}
	if pm["in"] == "path" && pm["name"] == "collectionId" {
		return false
	}
	only, ok := pm["x-collections"].([]any)
	return !ok || slices.Contains(only, any(collection))
}

// withSchema is responses with the 200 answer's GeoJSON schema made the
// collection's: a FeatureCollection of feature (page) or feature itself.
func withSchema(responses any, page bool, feature map[string]any) map[string]any {
	out := maps.Clone(responses.(map[string]any))
	ok := maps.Clone(out["200"].(map[string]any))
	schema := feature
	if page {
		schema = map[string]any{"allOf": []any{
			map[string]any{"$ref": "#/components/schemas/FeatureCollection"},
			map[string]any{"type": "object", "properties": map[string]any{
				"features": map[string]any{"type": "array", "items": feature}}},
		}}
	}
	ok["content"] = map[string]any{"application/geo+json": map[string]any{"schema": schema}}
	out["200"] = ok
	return out
}
