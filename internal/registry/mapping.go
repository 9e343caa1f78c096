package registry

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/paulmach/orb/geojson"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// A Mapping turns the records of a source file (package source: fields in
// the file's names) into import Candidates: GeoJSON Features whose
// properties carry zonegis's names. Each target property is filled from
// one source field (a rename), from several (a template such as
// "{SHBANDO}/{SO_THUA}", the cadastral key tờ/thửa), or with a constant;
// an enumerated property may translate the source's codes through a value
// map (land-use codes to our land uses). Every source field the mapping
// does not use goes into the feature's `attributes` under its own name,
// and so does every field whose text a translation changed or could not
// convert (a value map is lossy: SKC and SKK both become industrial, and
// attributes.MDSD=SKC stays searchable), unless the mapping drops it by
// name. A value that cannot be
// converted to its property's type is a CandidateProblem naming the source
// field, never dropped in silence.
//
// Build one with ParseMapSpec (the CLI's --map syntax) or
// ParseMappingFile (the JSON mapping file), check it against the source's
// fields with Check before reading any feature, then map each record with
// Candidate. A Mapping is read-only once built and safe to share.
type Mapping struct {
	collection string
	fields     []FieldMap
	drop       []string
	dropped    map[string]bool
	used       map[string]bool // source fields a property is made from: not kept in attributes unless translated
}

// FieldMap fills one target property. Exactly one of From, Template and
// Value (Const true) says where its value comes from.
type FieldMap struct {
	// Target is the zonegis property ("lot_code").
	Target string
	// From is a source field, by its name in the file ("SO_THUA").
	From string
	// Template composes text from several fields: {NAME} is the text of
	// field NAME; {{ and }} are literal braces.
	Template string
	// Value is a constant, already of the target's type (Const true).
	Value any
	Const bool
	// Values translates the source text (trimmed) to the target's value
	// for enumerated properties; "*" matches any value not listed. Nil:
	// the source text is the value (land_use falls back to
	// LandUseCodes).
	Values map[string]string

	parts []templatePart // Template, parsed
	typ   propType
}

type templatePart struct {
	text  string // literal text, or the field name when field
	field bool
}

// propType is the JSON type of a target property.
type propType int

const (
	tString propType = iota
	tInt
	tBool
	tDate
	tStrings
)

// mappable are the properties a mapping may fill, per collection, with
// their types and, for enumerations, their values. Computed and derived
// ones (area, version, a parcel's status) and attributes are not.
var mappable = map[string]map[string]propType{
	zonegis.CollectionZones: {
		"code": tString, "name_vi": tString, "name_en": tString, "kind": tString, "parent_id": tInt,
		"board_id": tString, "province": tString, "status": tString, "model": tString, "established": tDate,
		"enterprises": tInt, "workers": tInt, "sectors": tStrings, "source": tString,
	},
	zonegis.CollectionParcels: {
		"zone_id": tInt, "lot_code": tString, "land_use": tString, "synthetic": tBool,
	},
	zonegis.CollectionGreenAreas: {
		"zone_id": tInt, "kind": tString, "name": tString, "synthetic": tBool,
	},
}

// enumOf lists the values of an enumerated property of collection, nil
// for free text.
func enumOf(collection, target string) []string {
	switch {
	case target == "land_use":
		return zonegis.LandUses
	case target == "kind" && collection == zonegis.CollectionZones:
		return zonegis.ZoneKinds
	case target == "kind":
		return zonegis.GreenKinds
	case target == "status" && collection == zonegis.CollectionZones:
		return zonegis.ZoneStatuses
	case target == "model":
		return zonegis.ZoneModels
	}
	return nil
}

// LandUseCodes translates the land-use codes of Vietnamese cadastral and
// planning maps (the "mã loại đất" of Circular 08/2024/TT-BTNMT, Appendix
// I, as in Circulars 27/2018 and 25/2014 before it) to zonegis land uses,
// for the codes that occur inside industrial zones. A land_use mapped
// from a field without a value map of its own uses it; codes outside it
// are a problem naming the field (give a value map, with "*" for the
// rest).
var LandUseCodes = map[string]string{
	"SKK": "industrial",           // đất khu công nghiệp
	"SKC": "industrial",           // đất cơ sở sản xuất phi nông nghiệp
	"SKN": "industrial",           // đất cụm công nghiệp
	"TMD": "commercial",           // đất thương mại, dịch vụ
	"DNL": "utilities",            // đất công trình năng lượng
	"DTL": "utilities",            // đất thủy lợi
	"DRA": "utilities",            // đất công trình xử lý chất thải
	"TSC": "administrative",       // đất xây dựng trụ sở cơ quan
	"DTS": "administrative",       // đất xây dựng trụ sở của tổ chức sự nghiệp
	"DKH": "research",             // đất xây dựng cơ sở khoa học và công nghệ
	"ODT": "residential_services", // đất ở tại đô thị
	"ONT": "residential_services", // đất ở tại nông thôn
}

// Collection is the collection the mapping makes features for.
func (m *Mapping) Collection() string { return m.collection }

// NewMapping builds a mapping for collection from its field maps and the
// source fields to drop (kept neither in a property nor in attributes).
// Errors: EINVALID naming the property or field at fault.
func NewMapping(collection string, fields []FieldMap, drop []string) (*Mapping, error) {
	props, ok := mappable[collection]
	if !ok {
		return nil, ErrNoSuchCollection
	}
	m := &Mapping{collection: collection, used: map[string]bool{}, dropped: map[string]bool{}}
	seen := map[string]bool{}
	for _, f := range fields {
		typ, ok := props[f.Target]
		if !ok {
			return nil, invalid("mapping: %s has no property %q a mapping can fill; it can fill %s", collection, f.Target, strings.Join(sortedKeys(props), ", "))
		}
		if seen[f.Target] {
			return nil, invalid("mapping: %s is mapped twice", f.Target)
		}
		seen[f.Target] = true
		f.typ = typ
		n := 0
		if f.From != "" {
			n++
			m.used[f.From] = true
		}
		if f.Template != "" {
			n++
			parts, err := parseTemplate(f.Target, f.Template)
			if err != nil {
				return nil, err
			}
			f.parts = parts
			for _, p := range parts {
				if p.field {
					m.used[p.text] = true
				}
			}
		}
		if f.Const {
			n++
			v, prob := convert(f.Value, typ)
			if prob != "" {
				return nil, invalid("mapping: %s: the constant %s", f.Target, prob)
			}
			f.Value = v
		}
		if n != 1 {
			return nil, invalid("mapping: %s needs exactly one of a source field, a template or a constant", f.Target)
		}
		if f.Values != nil {
			if typ != tString || f.Const {
				return nil, invalid("mapping: %s: a value map applies only to a text property read from the source", f.Target)
			}
			if enum := enumOf(collection, f.Target); enum != nil {
				for code, v := range f.Values {
					if !slices.Contains(enum, v) {
						return nil, invalid("mapping: %s: the value map sends %q to %q, which is not one of %s", f.Target, code, v, strings.Join(enum, ", "))
					}
				}
			}
		}
		if f.Const && enumOf(collection, f.Target) != nil && !slices.Contains(enumOf(collection, f.Target), f.Value.(string)) {
			return nil, invalid("mapping: %s: the constant %q is not one of %s", f.Target, f.Value, strings.Join(enumOf(collection, f.Target), ", "))
		}
		m.fields = append(m.fields, f)
	}
	for _, d := range drop {
		if d == "" {
			return nil, invalid("mapping: drop names an empty field")
		}
		m.dropped[d] = true
	}
	m.drop = slices.Clone(drop)
	return m, nil
}

// keptInAttributes reports whether a source field goes into attributes:
// not dropped, and either not used by a property or among translated, the
// fields whose text a value map or the land-use codes changed for this
// record (SKC became industrial: the code itself would be lost).
func (m *Mapping) keptInAttributes(name string, translated []string) bool {
	return !m.dropped[name] && (!m.used[name] || slices.Contains(translated, name))
}

// sources lists the source fields f reads.
func (f *FieldMap) sources() []string {
	if f.From != "" {
		return []string{f.From}
	}
	var out []string
	for _, p := range f.parts {
		if p.field {
			out = append(out, p.text)
		}
	}
	return out
}

// Check says, before any feature is read, whether the source's fields
// (fieldNames, the layer's field names) have every field the mapping
// names; the error (EINVALID) names each missing one and what the source
// has, with the right spelling when only the case differs.
func (m *Mapping) Check(fieldNames []string) error {
	var missing []string
	need := func(name, what string) {
		if slices.Contains(fieldNames, name) {
			return
		}
		msg := fmt.Sprintf("%q (%s)", name, what)
		for _, f := range fieldNames {
			if strings.EqualFold(f, name) {
				msg += fmt.Sprintf(": did you mean %q? names are case-sensitive", f)
				break
			}
		}
		if !slices.Contains(missing, msg) {
			missing = append(missing, msg)
		}
	}
	for _, f := range m.fields {
		if f.From != "" {
			need(f.From, "for "+f.Target)
		}
		for _, p := range f.parts {
			if p.field {
				need(p.text, "in the template of "+f.Target)
			}
		}
	}
	for _, d := range m.drop {
		need(d, "to drop")
	}
	if len(missing) == 0 {
		return nil
	}
	has := "no fields"
	if len(fieldNames) > 0 {
		has = "the fields " + strings.Join(fieldNames, ", ")
	}
	return &zonegis.Error{Code: zonegis.EINVALID,
		Message: fmt.Sprintf("mapping: the source has no field %s; it has %s", strings.Join(missing, ", no field "), has),
		Details: map[string]any{"missing_fields": len(missing)}}
}

// Bind checks the mapping against a source's fields (Check) and returns
// the mapping to read it with: m's own field maps, and, for each property
// m does not fill, the source field of the same name when there is one
// (not dropped, not used by another property): a file whose fields already
// carry our names needs no mapping (NewMapping with no fields, bound, maps
// them all). Errors: Check's.
func (m *Mapping) Bind(fieldNames []string) (*Mapping, error) {
	if err := m.Check(fieldNames); err != nil {
		return nil, err
	}
	fields := slices.Clone(m.fields)
	for _, target := range sortedKeys(mappable[m.collection]) {
		if !slices.Contains(fieldNames, target) || m.dropped[target] || m.used[target] ||
			slices.ContainsFunc(fields, func(f FieldMap) bool { return f.Target == target }) {
			continue
		}
		fields = append(fields, FieldMap{Target: target, From: target})
	}
	return NewMapping(m.collection, fields, m.drop)
}

// Candidate maps one source record. The Feature is made whenever the
// record has a geometry, also when some values could not be converted
// (those properties are left out, and Problems says why, each naming its
// source field), so that the import's other checks, such as overlaps, can
// still see it; a candidate with Problems is never written.
func (m *Mapping) Candidate(r *source.Record) Candidate {
	c := Candidate{Index: r.Index, FID: r.FID, HasFID: r.HasFID}
	problem := func(field, format string, args ...any) {
		c.Problems = append(c.Problems, CandidateProblem{Code: zonegis.EINVALID, Field: field, Reason: fmt.Sprintf(format, args...)})
	}
	props := []byte{'{'}
	member := func(name string) {
		if len(props) > 1 {
			props = append(props, ',')
		}
		props = encode.AppendString(props, name)
		props = append(props, ':')
	}
	var translated []string
	for i := range m.fields {
		f := &m.fields[i]
		v, changed, ok := m.value(f, r, problem)
		if changed {
			translated = append(translated, f.sources()...)
		}
		if !ok {
			continue
		}
		member(f.Target)
		props = appendValue(props, v)
	}
	attrs := []byte{'{'}
	nAttrs := 0
	for _, fl := range r.Fields {
		if !m.keptInAttributes(fl.Name, translated) {
			continue
		}
		switch {
		case fl.Name == "" || len(fl.Name) > zonegis.MaxAttributeKeyBytes:
			problem(fl.Name, "the field's name must be 1 to %d bytes to be kept as an attribute; drop it or map it", zonegis.MaxAttributeKeyBytes)
			continue
		case !utf8.ValidString(fl.Name):
			problem(fl.Name, "the field's name is not valid UTF-8")
			continue
		}
		v, prob := attributeValue(fl.Value)
		if prob != "" {
			problem(fl.Name, "%s", prob)
			continue
		}
		if nAttrs > 0 {
			attrs = append(attrs, ',')
		}
		nAttrs++
		attrs = encode.AppendString(attrs, fl.Name)
		attrs = append(attrs, ':')
		attrs = appendValue(attrs, v)
	}
	attrs = append(attrs, '}')
	switch {
	case nAttrs > zonegis.MaxAttributes:
		problem("", "%d fields to keep as attributes, more than the %d allowed; map or drop some", nAttrs, zonegis.MaxAttributes)
	case len(attrs) > zonegis.MaxAttributesBytes:
		problem("", "the unmapped fields make %d bytes of attributes, more than the %d allowed; map or drop some", len(attrs), zonegis.MaxAttributesBytes)
	case nAttrs > 0:
		member("attributes")
		props = append(props, attrs...)
	}
	props = append(props, '}')
	if r.Geometry == nil {
		problem("", "the feature has no geometry")
		return c
	}
	geom, err := geojson.NewGeometry(r.Geometry).MarshalJSON()
	if err != nil {
		problem("", "the geometry cannot be written as GeoJSON: %v", err)
		return c
	}
	b := append([]byte(`{"type":"Feature","geometry":`), geom...)
	b = append(b, `,"properties":`...)
	b = append(b, props...)
	c.Feature = append(b, '}')
	return c
}

// value is f's value for record r, converted to its type, or ok false
// after reporting why not (problem). A source null leaves the property
// out (the record's own checks then say if it is required). changed says
// that a translation changed the source's text, or could not translate it
// (the source's fields are then kept in attributes).
func (m *Mapping) value(f *FieldMap, r *source.Record, problem func(field, format string, args ...any)) (v any, changed, ok bool) {
	if f.Const {
		return f.Value, false, true
	}
	var (
		raw   any
		field string
	)
	switch {
	case f.From != "":
		field = f.From
		raw, _ = r.Get(f.From)
		if raw == nil {
			return nil, false, false
		}
	default:
		var b strings.Builder
		for _, p := range f.parts {
			if !p.field {
				b.WriteString(p.text)
				continue
			}
			pv, _ := r.Get(p.text)
			s, prob := text(pv)
			if prob != "" {
				problem(p.text, "%s (in %s, made as %s)", prob, f.Target, f.Template)
				return nil, false, false
			}
			if strings.TrimSpace(s) == "" {
				problem(p.text, "%s is made as %s, but %s is empty", f.Target, f.Template, p.text)
				return nil, false, false
			}
			b.WriteString(strings.TrimSpace(s))
		}
		raw = b.String()
		field = f.templateFields()
	}
	if enum := enumOf(m.collection, f.Target); enum != nil {
		s, prob := text(raw)
		if prob != "" {
			problem(field, "%s, for %s", prob, f.Target)
			return nil, false, false
		}
		got, found := translate(s, f.Values, f.Target == "land_use", enum)
		if !found {
			problem(field, "%s %q is not one of %s%s", field, strings.TrimSpace(s), strings.Join(enum, ", "), valueMapHint(f))
			return nil, true, false
		}
		return got, got != strings.TrimSpace(s), true
	}
	if f.Values != nil {
		s, _ := text(raw)
		if got, found := translate(s, f.Values, false, nil); found && got != strings.TrimSpace(s) {
			raw, changed = got, true
		}
	}
	cv, prob := convert(raw, f.typ)
	if prob != "" {
		problem(field, "%s %s, for %s", field, prob, f.Target)
		return nil, true, false
	}
	return cv, changed, true
}

func valueMapHint(f *FieldMap) string {
	if f.Values != nil {
		return " and the mapping's value map has no entry for it (add one, or \"*\" for every other value)"
	}
	if f.Target == "land_use" {
		return " nor a land-use code zonegis knows (give a value map)"
	}
	return " (give a value map)"
}

// templateFields names the fields of a template, for problems.
func (f *FieldMap) templateFields() string {
	var names []string
	for _, p := range f.parts {
		if p.field {
			names = append(names, p.text)
		}
	}
	return strings.Join(names, "+")
}

// translate maps source text s through values ("*": any other), then,
// for land uses, LandUseCodes, and accepts a value already in enum.
func translate(s string, values map[string]string, landUse bool, enum []string) (string, bool) {
	s = strings.TrimSpace(s)
	if v, ok := values[s]; ok {
		return v, true
	}
	for k, v := range values {
		if k != "*" && strings.EqualFold(k, s) {
			return v, true
		}
	}
	if v, ok := values["*"]; ok {
		return v, true
	}
	if landUse && values == nil {
		if v, ok := LandUseCodes[strings.ToUpper(s)]; ok {
			return v, true
		}
	}
	if enum != nil && slices.Contains(enum, s) {
		return s, true
	}
	return "", false
}

// text is a source value as text: strings as they are, numbers in their
// shortest form (a whole float without decimals: 45.0 is "45"), booleans
// as true/false.
func text(v any) (string, string) {
	switch v := v.(type) {
	case nil:
		return "", ""
	case string:
		return v, ""
	case int64:
		return strconv.FormatInt(v, 10), ""
	case int:
		return strconv.Itoa(v), ""
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return "", fmt.Sprintf("%v is not a number that can be stored", v)
		}
		return strconv.FormatFloat(v, 'f', -1, 64), ""
	case bool:
		return strconv.FormatBool(v), ""
	}
	return "", fmt.Sprintf("has a value of an unexpected type %T", v)
}

// convert converts a source value (or a constant) to a property type;
// the problem, when there is one, reads after the field's name ("SO_NV
// "12,5" is not a whole number").
func convert(v any, t propType) (any, string) {
	switch t {
	case tString:
		s, prob := text(v)
		if prob != "" {
			return nil, prob
		}
		if bad := badText(s); bad != "" {
			return nil, bad
		}
		return strings.TrimSpace(s), ""
	case tInt:
		switch v := v.(type) {
		case int64:
			return v, ""
		case int:
			return int64(v), ""
		case float64:
			if v != math.Trunc(v) || math.Abs(v) > 1<<53 {
				return nil, fmt.Sprintf("%v is not a whole number", v)
			}
			return int64(v), ""
		case string:
			s := strings.TrimSpace(v)
			if n, err := strconv.ParseInt(s, 10, 64); err == nil {
				return n, ""
			}
			if f, err := strconv.ParseFloat(s, 64); err == nil && f == math.Trunc(f) && math.Abs(f) <= 1<<53 {
				return int64(f), ""
			}
			return nil, fmt.Sprintf("%q is not a whole number", v)
		}
	case tBool:
		switch v := v.(type) {
		case bool:
			return v, ""
		case int64:
			if v == 0 || v == 1 {
				return v == 1, ""
			}
			return nil, fmt.Sprintf("%d is not true or false (1 or 0)", v)
		case string:
			switch strings.ToLower(strings.TrimSpace(v)) {
			case "true", "t", "yes", "y", "1", "có":
				return true, ""
			case "false", "f", "no", "n", "0", "không":
				return false, ""
			}
			return nil, fmt.Sprintf("%q is not true or false", v)
		}
	case tDate:
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Sprintf("%v is not a date", v)
		}
		s = strings.TrimSpace(s)
		for _, layout := range []string{time.DateOnly, time.RFC3339, "2006-01-02T15:04:05", "02/01/2006", "2/1/2006"} {
			if d, err := time.Parse(layout, s); err == nil {
				return d.Format(time.DateOnly), ""
			}
		}
		return nil, fmt.Sprintf("%q is not a date (YYYY-MM-DD, or DD/MM/YYYY as Vietnamese records write it)", s)
	case tStrings:
		s, prob := text(v)
		if prob != "" {
			return nil, prob
		}
		if bad := badText(s); bad != "" {
			return nil, bad
		}
		out := []string{}
		for _, part := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == ',' }) {
			if p := strings.TrimSpace(part); p != "" {
				out = append(out, p)
			}
		}
		return out, ""
	}
	return nil, fmt.Sprintf("%v (%T) cannot be converted", v, v)
}

// attributeValue is a source value as an attribute's: strings, numbers and
// booleans as they are, null as null.
func attributeValue(v any) (any, string) {
	switch v := v.(type) {
	case nil, bool, int64:
		return v, ""
	case int:
		return int64(v), ""
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Sprintf("%v is not a number that can be stored", v)
		}
		return v, ""
	case string:
		if bad := badText(v); bad != "" {
			return nil, bad
		}
		return v, ""
	}
	return nil, fmt.Sprintf("has a value of an unexpected type %T", v)
}

// badText says what is wrong with text the database cannot store.
func badText(s string) string {
	if !utf8.ValidString(s) {
		return "is not valid UTF-8 (check the source's encoding, its .cpg)"
	}
	if strings.IndexByte(s, 0) >= 0 {
		return "contains a NUL character, which cannot be stored"
	}
	return ""
}

// appendValue appends a converted value as JSON.
func appendValue(b []byte, v any) []byte {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...)
	case string:
		return encode.AppendString(b, v)
	case int64:
		return strconv.AppendInt(b, v, 10)
	case float64:
		return encode.AppendFloat(b, v)
	case bool:
		return strconv.AppendBool(b, v)
	case []string:
		b = append(b, '[')
		for i, s := range v {
			if i > 0 {
				b = append(b, ',')
			}
			b = encode.AppendString(b, s)
		}
		return append(b, ']')
	}
	return append(b, "null"...)
}

// parseTemplate reads "{A}/{B}": literal text and {FIELD} references;
// {{ and }} are literal braces.
func parseTemplate(target, t string) ([]templatePart, error) {
	var parts []templatePart
	var lit strings.Builder
	for i := 0; i < len(t); i++ {
		switch c := t[i]; {
		case c == '{' && i+1 < len(t) && t[i+1] == '{', c == '}' && i+1 < len(t) && t[i+1] == '}':
			lit.WriteByte(c)
			i++
		case c == '{':
			end := strings.IndexByte(t[i+1:], '}')
			if end < 0 {
				return nil, invalid("mapping: %s: the template %q has a { without its }", target, t)
			}
			name := t[i+1 : i+1+end]
			if name == "" || strings.ContainsRune(name, '{') {
				return nil, invalid("mapping: %s: the template %q has an empty or nested {}", target, t)
			}
			if lit.Len() > 0 {
				parts = append(parts, templatePart{text: lit.String()})
				lit.Reset()
			}
			parts = append(parts, templatePart{text: name, field: true})
			i += end + 1
		case c == '}':
			return nil, invalid("mapping: %s: the template %q has a } without its { (write }} for a brace)", target, t)
		default:
			lit.WriteByte(c)
		}
	}
	if lit.Len() > 0 {
		parts = append(parts, templatePart{text: lit.String()})
	}
	return parts, nil
}

// ParseMapSpec reads the CLI's --map syntax for collection: comma-separated
// TARGET=SOURCE items, where SOURCE is a field name (lot_code=SO_THUA), a
// template with {FIELD}s (lot_code={SHBANDO}/{SO_THUA}) or a constant in
// double quotes (zone_id="3", synthetic="false"). Value maps and drops
// need the mapping file. Errors: EINVALID naming the item.
func ParseMapSpec(collection, spec string) (*Mapping, error) {
	var fields []FieldMap
	for item := range strings.SplitSeq(spec, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			return nil, invalid("--map %q: an empty item; write TARGET=FIELD items separated by commas", spec)
		}
		target, src, ok := strings.Cut(item, "=")
		target, src = strings.TrimSpace(target), strings.TrimSpace(src)
		if !ok || target == "" || src == "" {
			return nil, invalid("--map: %q is not TARGET=FIELD (as lot_code=SO_THUA)", item)
		}
		f := FieldMap{Target: target}
		switch {
		case len(src) >= 2 && src[0] == '"' && src[len(src)-1] == '"':
			f.Value, f.Const = src[1:len(src)-1], true
		case strings.ContainsAny(src, "{}"):
			f.Template = src
		default:
			f.From = src
		}
		fields = append(fields, f)
	}
	return NewMapping(collection, fields, nil)
}

// mappingFile is the JSON mapping file:
//
//	{
//	  "fields": {
//	    "lot_code": "{SHBANDO}/{SO_THUA}",
//	    "land_use": {"from": "MDSD", "values": {"SKC": "industrial", "TMD": "commercial", "*": "industrial"}},
//	    "zone_id": {"value": 12}
//	  },
//	  "drop": ["Shape_Leng", "Shape_Area"]
//	}
//
// A property's entry is a string (a field name, or a template when it has
// braces) or an object with one of from, template or value, and values.
type mappingFile struct {
	Fields map[string]json.RawMessage `json:"fields"`
	Drop   []string                   `json:"drop"`
}

type fileField struct {
	From     string            `json:"from"`
	Template string            `json:"template"`
	Value    json.RawMessage   `json:"value"`
	Values   map[string]string `json:"values"`
}

// ParseMappingFile reads a JSON mapping file for collection (see
// mappingFile; README, "Import mappings"). Unknown members are refused.
// The properties are mapped in name order. Errors: EINVALID naming the
// property or member at fault.
func ParseMappingFile(collection string, data []byte) (*Mapping, error) {
	var mf mappingFile
	if err := strictJSON(data, &mf); err != nil {
		return nil, invalid("mapping file: %v", err)
	}
	if len(mf.Fields) == 0 && len(mf.Drop) == 0 {
		return nil, invalid(`mapping file: no "fields" and no "drop": nothing to map`)
	}
	var fields []FieldMap
	for _, target := range sortedKeys(mf.Fields) {
		raw := bytes.TrimSpace(mf.Fields[target])
		f := FieldMap{Target: target}
		var s string
		if len(raw) > 0 && raw[0] == '"' {
			if err := json.Unmarshal(raw, &s); err != nil {
				return nil, invalid("mapping file: fields.%s: %v", target, err)
			}
			if strings.ContainsAny(s, "{}") {
				f.Template = s
			} else {
				f.From = s
			}
		} else {
			var ff fileField
			if err := strictJSON(raw, &ff); err != nil {
				return nil, invalid("mapping file: fields.%s: want a field name, a template or an object with from, template or value (and values): %v", target, err)
			}
			f.From, f.Template, f.Values = ff.From, ff.Template, ff.Values
			if len(ff.Value) > 0 {
				var v any
				dec := json.NewDecoder(bytes.NewReader(ff.Value))
				dec.UseNumber()
				if err := dec.Decode(&v); err != nil {
					return nil, invalid("mapping file: fields.%s.value: %v", target, err)
				}
				if n, ok := v.(json.Number); ok {
					if i, err := n.Int64(); err == nil {
						v = i
					} else if fl, err := n.Float64(); err == nil {
						v = fl
					}
				}
				f.Value, f.Const = v, true
			}
		}
		fields = append(fields, f)
	}
	return NewMapping(collection, fields, mf.Drop)
}

// strictJSON decodes data into v refusing unknown members and trailing
// data.
func strictJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return fmt.Errorf("unexpected data after the JSON value")
	}
	return nil
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
