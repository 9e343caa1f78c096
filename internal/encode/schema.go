package encode

import (
	"bytes"
	"cmp"
	"slices"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// MIMESchema is the media type of a JSON Schema document.
const MIMESchema = "application/schema+json"

// Field is one property of a collection's features as the encoders in this
// package write it (ZoneProperties, ParcelProperties, GreenAreaProperties),
// described for the schemas clients learn field types from.
type Field struct {
	Name  string
	Title string
	// Type is the JSON Schema type: string, integer, number, boolean,
	// array (of strings) or object.
	Type string
	// Format is the JSON Schema format of a string: date or date-time.
	Format string
	Enum   []string
	// Nullable fields may be null in a feature.
	Nullable bool
	// Role is the x-ogc-role of OGC API - Features Part 5 (primary-instant,
	// reference), "" for none.
	Role string
	// Collection is the collection a reference field's ids are of.
	Collection string
	// Items is the JSON Schema type of an array's items; "" is string.
	Items string
}

var commonTail = []Field{
	{Name: "attributes", Title: "Source attributes no other property holds", Type: "object"},
	{Name: "area_m2", Title: "Geodesic area (m²)", Type: "number"},
	{Name: "area_ha", Title: "Geodesic area (ha)", Type: "number"},
	{Name: "version", Title: "Record version (the ETag)", Type: "integer"},
	{Name: "updated_at", Title: "Last change", Type: "string", Format: "date-time", Role: "primary-instant"},
}

// fields are each collection's properties in the order features carry
// them; TestSchemaMatchesFeatures holds them to the encoders.
var fields = map[string][]Field{
	zonegis.CollectionZones: append([]Field{
		{Name: "code", Title: "Zone code", Type: "string"},
		{Name: "name_vi", Title: "Name (Vietnamese)", Type: "string"},
		{Name: "name_en", Title: "Name (English)", Type: "string"},
		{Name: "kind", Title: "Kind of zone", Type: "string", Enum: zonegis.ZoneKinds},
		{Name: "parent_id", Title: "Economic zone this zone lies in", Type: "integer", Nullable: true, Role: "reference", Collection: zonegis.CollectionZones},
		{Name: "board_id", Title: "Management board", Type: "string", Nullable: true},
		{Name: "province", Title: "Province", Type: "string"},
		{Name: "status", Title: "Zone status", Type: "string", Enum: zonegis.ZoneStatuses},
		{Name: "model", Title: "Development model", Type: "string", Enum: zonegis.ZoneModels},
		{Name: "established", Title: "Date established", Type: "string", Format: "date", Nullable: true},
		{Name: "enterprises", Title: "Enterprises (published figure)", Type: "integer", Nullable: true},
		{Name: "workers", Title: "Workers (published figure)", Type: "integer", Nullable: true},
		{Name: "sectors", Title: "Sectors", Type: "array"},
		{Name: "source", Title: "Source of the boundary", Type: "string"},
	}, commonTail...),
	zonegis.CollectionParcels: append([]Field{
		{Name: "zone_id", Title: "Zone", Type: "integer", Role: "reference", Collection: zonegis.CollectionZones},
		{Name: "lot_code", Title: "Lot code", Type: "string"},
		{Name: "land_use", Title: "Land use", Type: "string", Enum: zonegis.LandUses},
		{Name: "status", Title: "Status (derived from leases and the hold)", Type: "string", Enum: zonegis.ParcelStatuses},
		{Name: "synthetic", Title: "Synthetic seed data", Type: "boolean"},
	}, commonTail...),
	zonegis.CollectionGreenAreas: append([]Field{
		{Name: "zone_id", Title: "Zone", Type: "integer", Role: "reference", Collection: zonegis.CollectionZones},
		{Name: "kind", Title: "Kind of green area", Type: "string", Enum: zonegis.GreenKinds},
		{Name: "name", Title: "Name", Type: "string"},
		{Name: "synthetic", Title: "Synthetic seed data", Type: "boolean"},
	}, commonTail...),
	zonegis.CollectionEnterprises: {
		{Name: "board_id", Title: "Management board that registered it", Type: "string"},
		{Name: "mst", Title: "Tax code (MST: 10 digits, or 10-3 for a branch)", Type: "string", Nullable: true},
		{Name: "name_vi", Title: "Name (Vietnamese)", Type: "string"},
		{Name: "name_en", Title: "Name (English)", Type: "string"},
		{Name: "country", Title: "Investor country (ISO 3166-1 alpha-2)", Type: "string"},
		{Name: "vsic", Title: "VSIC 2018 code (2 to 5 digits)", Type: "string", Nullable: true},
		{Name: "vsic_section", Title: "VSIC 2018 section (A to U)", Type: "string", Nullable: true},
		{Name: "high_tech", Title: "High-tech enterprise", Type: "boolean"},
		{Name: "supporting_industry", Title: "Supporting-industry enterprise", Type: "boolean"},
		{Name: "contact", Title: "Contact (confidential: null to the public)", Type: "string", Nullable: true},
		{Name: "source", Title: "How it entered the register", Type: "string", Enum: zonegis.EnterpriseSources},
		{Name: "synthetic", Title: "Synthetic seed data", Type: "boolean"},
		{Name: "version", Title: "Record version (the ETag)", Type: "integer"},
		{Name: "updated_at", Title: "Last change", Type: "string", Format: "date-time", Role: "primary-instant"},
	},
	zonegis.CollectionProjects: {
		{Name: "irc_number", Title: "Investment registration certificate number", Type: "string"},
		{Name: "irc_date", Title: "Investment registration certificate date", Type: "string", Format: "date"},
		{Name: "enterprise_id", Title: "Enterprise", Type: "integer", Role: "reference", Collection: zonegis.CollectionEnterprises},
		{Name: "zone_id", Title: "Zone", Type: "integer", Role: "reference", Collection: zonegis.CollectionZones},
		{Name: "board_id", Title: "Management board (the zone's)", Type: "string"},
		{Name: "name_vi", Title: "Name (Vietnamese)", Type: "string"},
		{Name: "name_en", Title: "Name (English)", Type: "string"},
		{Name: "origin", Title: "FDI or domestic", Type: "string", Enum: zonegis.Origins},
		{Name: "currency", Title: "Currency of its amounts", Type: "string", Enum: zonegis.Currencies},
		{Name: "capital", Title: "Registered capital in its currency (confidential)", Type: "number", Nullable: true},
		{Name: "rate", Title: "Exchange rate, VND per 1 USD", Type: "number"},
		{Name: "rate_date", Title: "Date of the exchange rate", Type: "string", Format: "date"},
		{Name: "capital_usd", Title: "Registered capital, USD equivalent (confidential)", Type: "number", Nullable: true},
		{Name: "capital_vnd", Title: "Registered capital, VND equivalent (confidential)", Type: "number", Nullable: true},
		{Name: "status", Title: "Project status", Type: "string", Enum: zonegis.ProjectStatuses},
		{Name: "workers_planned_vn", Title: "Workers planned, Vietnamese", Type: "integer"},
		{Name: "workers_planned_foreign", Title: "Workers planned, foreign", Type: "integer"},
		{Name: "workers_vn", Title: "Workers, Vietnamese", Type: "integer"},
		{Name: "workers_foreign", Title: "Workers, foreign", Type: "integer"},
		{Name: "parcel_ids", Title: "Parcels it uses (where it is)", Type: "array", Items: "integer"},
		{Name: "adjustments", Title: "Capital adjustments (tăng vốn)", Type: "array", Items: "object"},
		{Name: "disbursements", Title: "Capital disbursed per year", Type: "array", Items: "object"},
		{Name: "synthetic", Title: "Synthetic seed data", Type: "boolean"},
		{Name: "version", Title: "Record version (the ETag)", Type: "integer"},
		{Name: "updated_at", Title: "Last change", Type: "string", Format: "date-time", Role: "primary-instant"},
	},
}

// geometryless are the collections whose features have geometry null.
var geometryless = map[string]bool{zonegis.CollectionEnterprises: true, zonegis.CollectionProjects: true}

// Fields are the properties of the features of collection, in their
// order; nil for an unknown collection. The slice is shared: do not
// modify it.
func Fields(collection string) []Field { return fields[collection] }

// property is f as a JSON Schema property. GDAL 3.6 reads the type of a
// property only from a single "type" string, so nullability is not written
// as a type list: Nullable fields are simply not required.
func (f Field) property(base string, roles bool) map[string]any {
	p := map[string]any{"title": f.Title, "type": f.Type}
	if f.Format != "" {
		p["format"] = f.Format
	}
	if f.Enum != nil {
		p["enum"] = f.Enum
	}
	if f.Type == "array" {
		p["items"] = map[string]any{"type": cmp.Or(f.Items, "string")}
	}
	if roles && f.Role != "" {
		p["x-ogc-role"] = f.Role
		if f.Collection != "" {
			p["x-ogc-collectionId"] = base + "/collections/" + f.Collection
		}
	}
	return p
}

// Schema is the schema of collection's features as OGC API - Features
// Part 5 (draft) describes it, at /collections/{c}/schema: a JSON Schema
// 2020-12 object whose properties are the feature's id (x-ogc-role id),
// its geometry (primary-geometry) and its properties.
func Schema(base, collection, title string) map[string]any {
	props := map[string]any{
		"id":       map[string]any{"title": "Feature id", "type": "integer", "x-ogc-role": "id"},
		"geometry": map[string]any{"title": "Boundary", "format": "geometry-multipolygon", "x-ogc-role": "primary-geometry"},
	}
	need := []string{"id", "geometry"}
	if geometryless[collection] {
		delete(props, "geometry")
		need = need[:1]
	}
	for _, f := range fields[collection] {
		props[f.Name] = f.property(base, true)
	}
	return map[string]any{
		"$schema":    "https://json-schema.org/draft/2020-12/schema",
		"$id":        base + "/collections/" + collection + "/schema",
		"title":      title,
		"type":       "object",
		"required":   required(collection, need...),
		"properties": props,
	}
}

// FeatureSchema is the JSON Schema of one of collection's features as a
// GeoJSON Feature, at /collections/{c}/schemas/feature: the shape GDAL's
// OAPIF driver reads field types from (a "describedBy" link of type
// application/schema+json whose properties.properties lists the fields).
func FeatureSchema(base, collection, title string) map[string]any {
	props := map[string]any{}
	for _, f := range fields[collection] {
		props[f.Name] = f.property(base, false)
	}
	geometry := map[string]any{"type": "object", "title": "GeoJSON MultiPolygon",
		"properties": map[string]any{"type": map[string]any{"type": "string", "enum": []string{"MultiPolygon"}}}}
	if geometryless[collection] {
		geometry = map[string]any{"type": "null", "title": "None: located by its parcels"}
	}
	return map[string]any{
		"$schema":  "https://json-schema.org/draft/2020-12/schema",
		"$id":      base + "/collections/" + collection + "/schemas/feature",
		"title":    title + " (GeoJSON Feature)",
		"type":     "object",
		"required": []string{"type", "id", "geometry", "properties"},
		"properties": map[string]any{
			"type":     map[string]any{"type": "string", "enum": []string{"Feature"}},
			"id":       map[string]any{"type": "integer"},
			"geometry": geometry,
			"properties": map[string]any{"type": "object", "required": required(collection),
				"properties": props},
		},
	}
}

// required lists first and then the fields of collection that are never null.
func required(collection string, first ...string) []string {
	out := append([]string(nil), first...)
	for _, f := range fields[collection] {
		if !f.Nullable {
			out = append(out, f.Name)
		}
	}
	return out
}

// SchemaLinks are a collection's links to its schemas: the GeoJSON Feature
// schema (FeatureSchema) under the spelling "describedBy" that GDAL 3.6's
// OAPIF driver looks for (link relations compare case-insensitively, RFC
// 8288 §2.1.1), and the Part 5 schema (Schema) under Part 5's relation.
func SchemaLinks(base, collection string) []map[string]string {
	c := base + "/collections/" + collection
	return []map[string]string{
		{"href": c + "/schemas/feature", "rel": "describedBy", "type": MIMESchema, "title": "JSON Schema of a feature (GeoJSON)"},
		{"href": c + "/schema", "rel": RelSchema, "type": MIMESchema, "title": "Schema of the features (OGC API - Features Part 5)"},
		{"href": c + "/sortables", "rel": RelSortables, "type": MIMESchema, "title": "Sortables (sortby)"},
	}
}

// RelSchema is OGC API - Features Part 5's link relation to a schema.
const RelSchema = "http://www.opengis.net/def/rel/ogc/1.0/schema"

// RelSortables is Part 5's link relation to the sortables.
const RelSortables = "http://www.opengis.net/def/rel/ogc/1.0/sortables"

// JSONSchema is f as a property of a JSON Schema (types, format, enum),
// without the Part 5 roles.
func (f Field) JSONSchema() map[string]any { return f.property("", false) }

// KeepProperties rewrites the GeoJSON Feature that b holds from start on
// so that its properties member keeps only the properties names (id,
// geometry and the feature's other members stay); names nil leaves it as
// it is. The feature is one this package wrote: valid, compact JSON.
func KeepProperties(b []byte, start int, names []string) []byte {
	if names == nil {
		return b
	}
	feature := append([]byte(nil), b[start:]...)
	i := bytes.Index(feature, []byte(`,"properties":{`))
	if i < 0 {
		return b
	}
	obj := feature[i+len(`,"properties":`):]
	end := objectEnd(obj)
	out := append(b[:start], feature[:i+len(`,"properties":{`)]...)
	n := 0
	for _, m := range members(obj[:end]) {
		if slices.Contains(names, m.name) {
			if n > 0 {
				out = append(out, ',')
			}
			out = append(out, m.raw...)
			n++
		}
	}
	out = append(out, '}')
	return append(out, obj[end:]...)
}

// member is one "name":value of a JSON object, raw.
type member struct {
	name string
	raw  []byte
}

// objectEnd is the length of the JSON object obj starts with.
func objectEnd(obj []byte) int {
	depth, inString := 0, false
	for i := 0; i < len(obj); i++ {
		switch c := obj[i]; {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth--; depth == 0 {
				return i + 1
			}
		}
	}
	return len(obj)
}

// members splits a compact JSON object into its members.
func members(obj []byte) []member {
	var out []member
	body := obj[1 : len(obj)-1]
	for len(body) > 0 {
		// The name: a string without escapes (ours are ASCII identifiers).
		q := bytes.IndexByte(body[1:], '"') + 1
		name := string(body[1:q])
		// The value runs to the next comma at depth 0.
		depth, inString, j := 0, false, q+2
		for ; j < len(body); j++ {
			c := body[j]
			if inString {
				if c == '\\' {
					j++
				} else if c == '"' {
					inString = false
				}
				continue
			}
			if c == '"' {
				inString = true
			} else if c == '{' || c == '[' {
				depth++
			} else if c == '}' || c == ']' {
				depth--
			} else if c == ',' && depth == 0 {
				break
			}
		}
		out = append(out, member{name, body[:j]})
		if j < len(body) {
			j++
		}
		body = body[j:]
	}
	return out
}
