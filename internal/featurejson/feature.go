package featurejson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxFeatureVertices bounds the vertices of one written feature.
const MaxFeatureVertices = 50000

// MaxPolygonVertices bounds the vertices of any polygon CheckPolygon
// accepts (a posted query polygon may have this many).
const MaxPolygonVertices = 100000

// Feature is a GeoJSON Feature as posted. Properties stay raw so that
// each collection decodes them strictly (unknown fields are errors).
type Feature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id,omitempty"`
	BBox       json.RawMessage `json:"bbox,omitempty"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties json.RawMessage `json:"properties"`
	Links      json.RawMessage `json:"links,omitempty"`
}

// DecodeStrict decodes data into v, rejecting unknown fields and trailing
// data, with messages that name the field.
func DecodeStrict(data []byte, v any, what string) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var te *json.UnmarshalTypeError
		var se *json.SyntaxError
		switch {
		case errors.As(err, &te) && te.Type == dateType:
			return invalid("%s: field %q must be a date YYYY-MM-DD, not %.100s", what, te.Field, te.Value)
		case errors.As(err, &te):
			return invalid("%s: field %q must be %s, not a JSON %s", what, jsonField(te.Field), jsonKind(te.Type.String()), te.Value)
		case errors.As(err, &se):
			return invalid("%s: invalid JSON at byte %d: %v", what, se.Offset, err)
		case strings.HasPrefix(err.Error(), "json: unknown field"):
			return invalid("%s: %s (no such property)", what, strings.TrimPrefix(err.Error(), "json: "))
		case errors.Is(err, io.EOF):
			return invalid("%s: empty body", what)
		}
		return invalid("%s: %v", what, err)
	}
	if dec.More() {
		return invalid("%s: unexpected data after the JSON value", what)
	}
	return exactNames(data, reflect.TypeOf(v), what)
}

// jsonField is a decoder's field path without the Go names of embedded
// structs ("InvestorProps.power_mva" is "power_mva"): our JSON names are
// lower case.
func jsonField(path string) string {
	parts := strings.Split(path, ".")
	for len(parts) > 1 && parts[0] != "" && parts[0][0] >= 'A' && parts[0][0] <= 'Z' {
		parts = parts[1:]
	}
	return strings.Join(parts, ".")
}

// exactNames refuses, in data decoded into a value of type t, any object
// member whose name matches a field only when case is ignored:
// encoding/json matches names case-insensitively, so "Name_VI" would set
// name_vi. It walks nested structs, slices and maps; members that match no
// field at all are left to the decoder (DisallowUnknownFields, or ignored
// where foreign members are allowed). Data that does not decode is left to
// the decoder too.
func exactNames(data []byte, t reflect.Type, path string) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil // json.RawMessage, date: not decoded by field name
	}
	switch t.Kind() {
	case reflect.Struct:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			return nil
		}
		fields := jsonFields(t)
		for name, raw := range members {
			if ft, ok := fields[name]; ok {
				if err := exactNames(raw, ft, path+"."+name); err != nil {
					return err
				}
				continue
			}
			for fname := range fields {
				if strings.EqualFold(fname, name) {
					return &zonegis.Error{Code: zonegis.EINVALID,
						Message: fmt.Sprintf("%s: no property %q (names are case-sensitive: did you mean %q?)", path, name, fname),
						Details: map[string]any{"field": strings.TrimPrefix(path+"."+name, "body.")}}
				}
			}
		}
	case reflect.Slice, reflect.Array:
		var elems []json.RawMessage
		if json.Unmarshal(data, &elems) != nil {
			return nil
		}
		for i, raw := range elems {
			if err := exactNames(raw, t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
	case reflect.Map:
		var members map[string]json.RawMessage
		if json.Unmarshal(data, &members) != nil {
			return nil
		}
		for name, raw := range members {
			if err := exactNames(raw, t.Elem(), path+"."+name); err != nil {
				return err
			}
		}
	}
	return nil
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// jsonFieldsCache holds jsonFields per struct type.
var jsonFieldsCache sync.Map // reflect.Type -> map[string]reflect.Type

// jsonFields maps the JSON names of a struct's fields, embedded structs'
// included, to their types, as encoding/json names them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	if m, ok := jsonFieldsCache.Load(t); ok {
		return m.(map[string]reflect.Type)
	}
	m := map[string]reflect.Type{}
	for _, f := range reflect.VisibleFields(t) {
		if f.Anonymous && f.Type.Kind() == reflect.Struct && f.Tag.Get("json") == "" {
			continue // its fields are listed too
		}
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			continue
		case "":
			name = f.Name
		}
		m[name] = f.Type
	}
	jsonFieldsCache.Store(t, m)
	return m
}

func jsonKind(goType string) string {
	switch {
	case strings.Contains(goType, "int"), strings.Contains(goType, "float"):
		return "a number"
	case strings.Contains(goType, "string"):
		return "a string"
	case strings.Contains(goType, "bool"):
		return "true or false"
	case strings.HasPrefix(goType, "[]"), strings.HasPrefix(goType, "*[]"):
		return "an array"
	}
	return "a " + goType
}

// DecodeFeature reads a Feature; geometry is required unless optionalGeom.
func DecodeFeature(data []byte, optionalGeom bool) (Feature, orb.MultiPolygon, error) {
	var f Feature
	if err := DecodeStrict(data, &f, "body"); err != nil {
		return f, nil, err
	}
	if f.Type != "Feature" {
		return f, nil, invalid("body: want a GeoJSON Feature (\"type\": \"Feature\"), got type %q", f.Type)
	}
	if len(f.Geometry) == 0 || string(f.Geometry) == "null" {
		if optionalGeom {
			return f, nil, nil
		}
		return f, nil, invalid("geometry: a Polygon or MultiPolygon is required")
	}
	mp, err := DecodeGeometry(f.Geometry)
	return f, mp, err
}

// DecodeGeometry reads a GeoJSON Polygon or MultiPolygon and checks its
// structure, coordinates and size.
func DecodeGeometry(raw []byte) (orb.MultiPolygon, error) {
	mp, err := decodePolygonal(raw, "geometry")
	if err != nil {
		return nil, err
	}
	if n := VertexCount(mp); n > MaxFeatureVertices {
		return nil, invalid("geometry: %d vertices, more than the %d allowed for one feature", n, MaxFeatureVertices)
	}
	return mp, CheckPolygon(mp)
}

// decodePolygonal reads a GeoJSON Polygon or MultiPolygon as a
// MultiPolygon; what names it in errors.
func decodePolygonal(raw []byte, what string) (orb.MultiPolygon, error) {
	g, err := DecodeGeoJSON(raw, what, "Polygon", "MultiPolygon")
	if err != nil {
		return nil, err
	}
	if p, ok := g.(orb.Polygon); ok {
		return orb.MultiPolygon{p}, nil
	}
	return g.(orb.MultiPolygon), nil
}

func typeName(t string) string {
	if t == "" {
		return "no type"
	}
	for _, r := range t {
		if !(r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z') {
			return strconv.Quote(t)
		}
	}
	return t
}

// positionName names a position by its indices, as CheckPolygon does.
func positionName(idx []int, depth int) string {
	switch depth {
	case 2:
		return fmt.Sprintf("position %d", idx[0])
	case 3:
		return fmt.Sprintf("polygon 0 ring %d position %d", idx[0], idx[1])
	}
	return fmt.Sprintf("polygon %d ring %d position %d", idx[0], idx[1], idx[2])
}

func numbers(n int) string {
	switch n {
	case 0:
		return "empty"
	case 1:
		return "1 number"
	}
	return fmt.Sprintf("%d numbers", n)
}

func VertexCount(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n
}

// Date is a YYYY-MM-DD JSON string.
type Date struct{ time.Time }

// UnmarshalJSON refuses anything but a calendar date with an
// *json.UnmarshalTypeError, which encoding/json fills in with the field's
// path, so that the problem names the field (DecodeStrict).
func (d *Date) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return &json.UnmarshalTypeError{Value: "JSON " + strings.TrimSpace(string(b)), Type: dateType}
	}
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return &json.UnmarshalTypeError{Value: strconv.Quote(s), Type: dateType}
	}
	d.Time = t
	return nil
}

var dateType = reflect.TypeOf(Date{})

// readOnly are properties the service computes; a client may send them back
// (as read) and they are ignored.
type readOnly struct {
	AreaM2    *json.RawMessage `json:"area_m2,omitempty"`
	AreaHa    *json.RawMessage `json:"area_ha,omitempty"`
	Version   *json.RawMessage `json:"version,omitempty"`
	UpdatedAt *json.RawMessage `json:"updated_at,omitempty"`
}

type ZoneProps struct {
	Code        *string   `json:"code"`
	NameVI      *string   `json:"name_vi"`
	NameEN      *string   `json:"name_en"`
	Kind        *string   `json:"kind"`
	ParentID    *int64    `json:"parent_id"`
	BoardID     *string   `json:"board_id"`
	Province    *string   `json:"province"`
	Status      *string   `json:"status"`
	Model       *string   `json:"model"`
	Established *Date     `json:"established"`
	Enterprises *int32    `json:"enterprises"`
	Workers     *int32    `json:"workers"`
	Sectors     *[]string `json:"sectors"`
	Source      *string   `json:"source"`
	// Attributes is the raw `attributes` object (DecodeAttributes), nil
	// when the body has none.
	Attributes json.RawMessage `json:"attributes"`
	InvestorProps
	readOnly
}

// InvestorProps are a zone's investor facts (zonegis.InvestorFacts) as
// properties; a null clears one (registry's nullable, by name).
type InvestorProps struct {
	RentMinUSDM2    *float64 `json:"rent_min_usd_m2"`
	RentMaxUSDM2    *float64 `json:"rent_max_usd_m2"`
	RentTermEnds    *[]int32 `json:"rent_term_ends"`
	FeeUSDM2Year    *float64 `json:"fee_usd_m2_year"`
	PowerMVA        *float64 `json:"power_mva"`
	WaterM3Day      *float64 `json:"water_m3_day"`
	WastewaterM3Day *float64 `json:"wastewater_m3_day"`
	IncentivesVI    *string  `json:"incentives_vi"`
	IncentivesEN    *string  `json:"incentives_en"`
	ContactName     *string  `json:"contact_name"`
	ContactPhone    *string  `json:"contact_phone"`
	ContactEmail    *string  `json:"contact_email"`
	ContactWebsite  *string  `json:"contact_website"`
}

// apply merges the facts given into f (nil keeps f's).
func (p InvestorProps) apply(f *zonegis.InvestorFacts) {
	for _, n := range []struct {
		dst **float64
		v   *float64
	}{{&f.RentMinUSDM2, p.RentMinUSDM2}, {&f.RentMaxUSDM2, p.RentMaxUSDM2},
		{&f.FeeUSDM2Year, p.FeeUSDM2Year}, {&f.PowerMVA, p.PowerMVA}, {&f.WaterM3Day, p.WaterM3Day}, {&f.WastewaterM3Day, p.WastewaterM3Day}} {
		if n.v != nil {
			*n.dst = n.v
		}
	}
	for _, t := range []struct{ dst, v *string }{{&f.IncentivesVI, p.IncentivesVI}, {&f.IncentivesEN, p.IncentivesEN},
		{&f.ContactName, p.ContactName}, {&f.ContactPhone, p.ContactPhone}, {&f.ContactEmail, p.ContactEmail}, {&f.ContactWebsite, p.ContactWebsite}} {
		if t.v != nil {
			*t.dst = strings.TrimSpace(*t.v)
		}
	}
	if p.RentTermEnds != nil {
		f.RentTermEnds = *p.RentTermEnds
	}
}

type ParcelProps struct {
	ZoneID    *int64  `json:"zone_id"`
	LotCode   *string `json:"lot_code"`
	LandUse   *string `json:"land_use"`
	Status    *string `json:"status"`
	Synthetic *bool   `json:"synthetic"`
	// Attributes as ZoneProps'.
	Attributes json.RawMessage `json:"attributes"`
	readOnly
	// The valid time the lineage gives (read-only, ignored as readOnly's).
	ValidFrom *json.RawMessage `json:"valid_from,omitempty"`
	RetiredAt *json.RawMessage `json:"retired_at,omitempty"`
}

type GreenProps struct {
	ZoneID    *int64  `json:"zone_id"`
	Kind      *string `json:"kind"`
	Name      *string `json:"name"`
	Synthetic *bool   `json:"synthetic"`
	// Attributes as ZoneProps'.
	Attributes json.RawMessage `json:"attributes"`
	readOnly
}

// ApplyZone merges props into z (nil fields keep z's values; attributes,
// when given, replace z's) and validates the result (zonegis.Zone.Validate).
func ApplyZone(z *zonegis.Zone, props ZoneProps) error {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&z.Code, props.Code)
	set(&z.NameVI, props.NameVI)
	set(&z.NameEN, props.NameEN)
	set(&z.Kind, props.Kind)
	set(&z.BoardID, props.BoardID)
	set(&z.Province, props.Province)
	set(&z.Status, props.Status)
	set(&z.Model, props.Model)
	set(&z.Source, props.Source)
	if props.ParentID != nil {
		z.ParentID = props.ParentID
	}
	if props.Established != nil {
		t := props.Established.Time
		z.Established = &t
	}
	if props.Enterprises != nil {
		z.Enterprises = props.Enterprises
	}
	if props.Workers != nil {
		z.Workers = props.Workers
	}
	if props.Sectors != nil {
		z.Sectors = *props.Sectors
	}
	props.InvestorProps.apply(&z.Investor)
	if err := applyAttributes(&z.Attributes, props.Attributes); err != nil {
		return err
	}
	return z.Validate()
}

// ApplyParcel merges props into p and validates the result.
func ApplyParcel(pc *zonegis.Parcel, props ParcelProps) error {
	if props.ZoneID != nil {
		pc.ZoneID = *props.ZoneID
	}
	if props.LotCode != nil {
		pc.LotCode = strings.TrimSpace(*props.LotCode)
	}
	if props.LandUse != nil {
		pc.LandUse = strings.TrimSpace(*props.LandUse)
	}
	if props.Status != nil {
		pc.Status = strings.TrimSpace(*props.Status)
	}
	if props.Synthetic != nil {
		pc.Synthetic = *props.Synthetic
	}
	if err := applyAttributes(&pc.Attributes, props.Attributes); err != nil {
		return err
	}
	return pc.Validate()
}

// ApplyGreen merges props into g and validates the result.
func ApplyGreen(g *zonegis.GreenArea, props GreenProps) error {
	if props.ZoneID != nil {
		g.ZoneID = *props.ZoneID
	}
	if props.Kind != nil {
		g.Kind = strings.TrimSpace(*props.Kind)
	}
	if props.Name != nil {
		g.Name = strings.TrimSpace(*props.Name)
	}
	if props.Synthetic != nil {
		g.Synthetic = *props.Synthetic
	}
	if err := applyAttributes(&g.Attributes, props.Attributes); err != nil {
		return err
	}
	return g.Validate()
}

// applyAttributes sets *dst from raw, a body's attributes, replacing
// what was there (null or {} leaves none); nil raw keeps *dst. (A PATCH
// merges instead: MergeAttributes.)
func applyAttributes(dst *zonegis.Attributes, raw json.RawMessage) error {
	if raw == nil {
		return nil
	}
	a, err := DecodeAttributes(raw)
	if err != nil {
		return err
	}
	*dst = a
	return nil
}

// invalid is shorthand for an EINVALID error.
func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}
