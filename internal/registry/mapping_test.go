package registry_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// cadastral is a record as GDAL reads an assessor's Shapefile: map sheet
// and parcel number (tờ/thửa), the land-use code, an address in
// Vietnamese, an assessed value, a date, and a null.
func cadastral(i int, fields ...source.Field) *source.Record {
	base := []source.Field{
		{Name: "SHBANDO", Value: int64(12)}, {Name: "SO_THUA", Value: "45"}, {Name: "MDSD", Value: "SKC"},
		{Name: "DIA_CHI", Value: "Lô A-12, Đường số 3, KCX Tân Thuận"}, {Name: "GIA_TRI", Value: 12500000.5},
		{Name: "NGAY_CAP", Value: "2019-06-30"}, {Name: "GHI_CHU", Value: nil}, {Name: "ZONE", Value: "7"},
	}
	for _, f := range fields {
		replaced := false
		for j := range base {
			if base[j].Name == f.Name {
				base[j], replaced = f, true
			}
		}
		if !replaced {
			base = append(base, f)
		}
	}
	return &source.Record{Index: i, FID: int64(100 + i), HasFID: true, Fields: base,
		Geometry: orb.Polygon{{{106.7, 10.7}, {106.701, 10.7}, {106.701, 10.701}, {106.7, 10.7}}}}
}

func fieldNames(r *source.Record) []string {
	var out []string
	for _, f := range r.Fields {
		out = append(out, f.Name)
	}
	return out
}

// props decodes a candidate's Feature properties.
func props(t *testing.T, c registry.Candidate) map[string]any {
	t.Helper()
	if c.Feature == nil {
		t.Fatalf("candidate %d: no feature; problems %+v", c.Index, c.Problems)
	}
	var f struct {
		Type       string         `json:"type"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal(c.Feature, &f); err != nil {
		t.Fatalf("candidate %d: %v: %s", c.Index, err, c.Feature)
	}
	if f.Type != "Feature" || (f.Geometry["type"] != "Polygon" && f.Geometry["type"] != "MultiPolygon") {
		t.Errorf("candidate %d: %s", c.Index, c.Feature)
	}
	return f.Properties
}

// TestMappingSpec: the --map syntax renames, composes the tờ/thửa key,
// sets constants, translates land-use codes, and keeps every other source
// field (and the translated code) in attributes, named as in the source;
// the Feature is one the import reads (registry.ParseFeature).
func TestMappingSpec(t *testing.T) {
	m, err := registry.ParseMapSpec(zonegis.CollectionParcels, `lot_code={SHBANDO}/{SO_THUA}, land_use=MDSD, zone_id=ZONE, synthetic="false"`)
	if err != nil {
		t.Fatal(err)
	}
	r := cadastral(3)
	if err := m.Check(fieldNames(r)); err != nil {
		t.Fatal(err)
	}
	c := m.Candidate(r)
	if len(c.Problems) > 0 || c.Index != 3 || c.FID != 103 || !c.HasFID {
		t.Fatalf("candidate %+v", c)
	}
	p := props(t, c)
	want := map[string]any{"lot_code": "12/45", "land_use": "industrial", "zone_id": 7.0, "synthetic": false,
		"attributes": map[string]any{"MDSD": "SKC", "DIA_CHI": "Lô A-12, Đường số 3, KCX Tân Thuận", "GIA_TRI": 12500000.5,
			"NGAY_CAP": "2019-06-30", "GHI_CHU": nil}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("properties %v;\nwant %v", p, want)
	}
	rec, err := registry.ParseFeature(zonegis.CollectionParcels, c.Feature)
	if err != nil {
		t.Fatalf("ParseFeature: %v (%s)", err, c.Feature)
	}
	pc := rec.(*zonegis.Parcel)
	if pc.LotCode != "12/45" || pc.LandUse != "industrial" || pc.ZoneID != 7 {
		t.Errorf("parcel %+v", pc)
	}
	if v, ok := pc.Attributes.Text("DIA_CHI"); !ok || v != "Lô A-12, Đường số 3, KCX Tân Thuận" {
		t.Errorf("attributes %s", pc.Attributes)
	}
}

// TestMappingFile: the JSON form with a value map ("*" for the rest),
// constants of their types, a date and a drop list.
func TestMappingFile(t *testing.T) {
	m, err := registry.ParseMappingFile(zonegis.CollectionParcels, []byte(`{
		"fields": {
			"lot_code": "{SHBANDO}/{SO_THUA}",
			"land_use": {"from": "MDSD", "values": {"SKC": "industrial", "TMD": "commercial", "*": "warehouse"}},
			"zone_id": {"value": 3}
		},
		"drop": ["GHI_CHU", "ZONE"]
	}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		code, want string
	}{{"SKC", "industrial"}, {"tmd", "commercial"}, {"KHO", "warehouse"}, {"warehouse", "warehouse"}} {
		cand := m.Candidate(cadastral(0, source.Field{Name: "MDSD", Value: c.code}))
		p := props(t, cand)
		if p["land_use"] != c.want || p["zone_id"] != 3.0 || p["lot_code"] != "12/45" {
			t.Errorf("MDSD %s: %v", c.code, p)
		}
		attrs := p["attributes"].(map[string]any)
		if _, ok := attrs["GHI_CHU"]; ok {
			t.Errorf("a dropped field is kept: %v", attrs)
		}
		if _, ok := attrs["ZONE"]; ok {
			t.Errorf("a dropped field is kept: %v", attrs)
		}
		if c.code == c.want {
			if _, ok := attrs["MDSD"]; ok {
				t.Errorf("MDSD %s, already ours, is kept in attributes too: %v", c.code, attrs)
			}
		} else if attrs["MDSD"] != c.code {
			t.Errorf("the translated code is not kept: %v", attrs)
		}
	}
	z, err := registry.ParseMappingFile(zonegis.CollectionZones, []byte(`{"fields": {
		"code": "MA_KCN", "name_vi": "TEN", "name_en": "TEN_EN", "kind": {"value": "industrial_park"},
		"province": {"value": "Đồng Nai"}, "board_id": {"value": "bql-dong-nai"}, "established": "NGAY_TL", "workers": "SO_LD", "sectors": "NGANH"}}`))
	if err != nil {
		t.Fatal(err)
	}
	r := &source.Record{Fields: []source.Field{
		{Name: "MA_KCN", Value: "KCN-AMATA"}, {Name: "TEN", Value: "Khu công nghiệp Amata"}, {Name: "TEN_EN", Value: "Amata IP"},
		{Name: "NGAY_TL", Value: "15/03/1994"}, {Name: "SO_LD", Value: "12000"}, {Name: "NGANH", Value: "điện tử; cơ khí;"},
	}, Geometry: orb.MultiPolygon{{{{106.7, 10.7}, {106.8, 10.7}, {106.8, 10.8}, {106.7, 10.7}}}}}
	cand := z.Candidate(r)
	p := props(t, cand)
	if p["established"] != "1994-03-15" || p["workers"] != 12000.0 || !reflect.DeepEqual(p["sectors"], []any{"điện tử", "cơ khí"}) || p["province"] != "Đồng Nai" {
		t.Errorf("zone properties %v", p)
	}
	if _, ok := p["attributes"]; ok {
		t.Errorf("every field mapped, yet attributes %v", p["attributes"])
	}
	if _, err := registry.ParseFeature(zonegis.CollectionZones, cand.Feature); err != nil {
		t.Errorf("ParseFeature: %v (%s)", err, cand.Feature)
	}
}

// TestMappingProblems: values that cannot be converted are problems
// naming the source field (the feature is still made, for the other
// checks); nothing is dropped in silence.
func TestMappingProblems(t *testing.T) {
	m, err := registry.ParseMappingFile(zonegis.CollectionParcels, []byte(`{"fields": {
		"lot_code": "{SHBANDO}/{SO_THUA}", "land_use": "MDSD", "zone_id": "ZONE", "synthetic": "GIA"}}`))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		fields []source.Field
		field  string
		says   string
		kept   bool // the unconverted value is kept in attributes
	}{
		{"unknown land-use code", []source.Field{{Name: "MDSD", Value: "XYZ"}}, "MDSD", `MDSD "XYZ" is not one of industrial`, true},
		{"zone not a number", []source.Field{{Name: "ZONE", Value: "bảy"}}, "ZONE", `"bảy" is not a whole number, for zone_id`, true},
		{"zone a fraction", []source.Field{{Name: "ZONE", Value: 7.5}}, "ZONE", `7.5 is not a whole number`, true},
		{"empty part of the key", []source.Field{{Name: "SO_THUA", Value: " "}}, "SO_THUA", `lot_code is made as {SHBANDO}/{SO_THUA}, but SO_THUA is empty`, false},
		{"null part of the key", []source.Field{{Name: "SHBANDO", Value: nil}}, "SHBANDO", `but SHBANDO is empty`, false},
		{"not a boolean", []source.Field{{Name: "GIA", Value: "nhiều"}}, "GIA", `"nhiều" is not true or false`, true},
		{"text with NUL", []source.Field{{Name: "DIA_CHI", Value: "a\x00b"}}, "DIA_CHI", `NUL`, false},
		{"bad bytes", []source.Field{{Name: "DIA_CHI", Value: "\xff"}}, "DIA_CHI", `not valid UTF-8`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			fields := append([]source.Field{{Name: "GIA", Value: "1"}}, c.fields...)
			cand := m.Candidate(cadastral(5, fields...))
			if len(cand.Problems) != 1 {
				t.Fatalf("problems %+v; want one", cand.Problems)
			}
			p := cand.Problems[0]
			if p.Field != c.field || p.Code != zonegis.EINVALID || !strings.Contains(p.Reason, c.says) {
				t.Errorf("problem %+v; want field %s saying %q", p, c.field, c.says)
			}
			if cand.Feature == nil {
				t.Fatal("no feature: the other checks cannot see it")
			}
			if c.kept {
				attrs, _ := props(t, cand)["attributes"].(map[string]any)
				if v, ok := attrs[c.field]; !ok || v != c.fields[len(c.fields)-1].Value {
					t.Errorf("attributes %v: the unconverted %s is lost", attrs, c.field)
				}
			}
		})
	}
	r := cadastral(1, source.Field{Name: "GIA", Value: "1"})
	r.Geometry = nil
	if cand := m.Candidate(r); cand.Feature != nil || len(cand.Problems) != 1 || !strings.Contains(cand.Problems[0].Reason, "no geometry") {
		t.Errorf("no geometry: %+v", cand)
	}
	big := cadastral(2, source.Field{Name: "GIA", Value: "1"}, source.Field{Name: "MO_TA", Value: strings.Repeat("ư", zonegis.MaxAttributesBytes/2)})
	if cand := m.Candidate(big); len(cand.Problems) != 1 || !strings.Contains(cand.Problems[0].Reason, "more than the 16384 allowed") {
		t.Errorf("too many attribute bytes: %+v", cand.Problems)
	}
}

// TestMappingCheck: a mapping naming a field the source lacks is refused
// before any feature is read, naming each missing field (and the right
// case when only that differs).
func TestMappingCheck(t *testing.T) {
	m, err := registry.ParseMapSpec(zonegis.CollectionParcels, "lot_code={SHBANDO}/{So_Thua},land_use=MA_DAT")
	if err != nil {
		t.Fatal(err)
	}
	err = m.Check(fieldNames(cadastral(0)))
	if zonegis.ErrorCode(err) != zonegis.EINVALID {
		t.Fatalf("Check: %v; want EINVALID", err)
	}
	for _, s := range []string{`no field "So_Thua" (in the template of lot_code): did you mean "SO_THUA"?`, `"MA_DAT" (for land_use)`, "it has the fields SHBANDO, SO_THUA, MDSD"} {
		if !strings.Contains(err.Error(), s) {
			t.Errorf("Check: %q; want it to say %q", err, s)
		}
	}
	f, err := registry.ParseMappingFile(zonegis.CollectionParcels, []byte(`{"fields": {"lot_code": "SO_THUA"}, "drop": ["Shape_Leng"]}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Check(fieldNames(cadastral(0))); err == nil || !strings.Contains(err.Error(), `"Shape_Leng" (to drop)`) {
		t.Errorf("Check of a drop: %v", err)
	}
	if err := f.Check([]string{"SO_THUA", "Shape_Leng"}); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestMappingParseErrors: bad specs and files are refused naming what is
// wrong.
func TestMappingParseErrors(t *testing.T) {
	for _, c := range []struct{ spec, says string }{
		{"lot_code", `"lot_code" is not TARGET=FIELD`},
		{"lot_code=SO_THUA,,land_use=MDSD", "an empty item"},
		{"lot=SO_THUA", `parcels has no property "lot" a mapping can fill; it can fill land_use, lot_code, synthetic, zone_id`},
		{"status=TRANG_THAI", `no property "status"`},
		{"attributes=X", `no property "attributes"`},
		{"lot_code=A,lot_code=B", "lot_code is mapped twice"},
		{"lot_code={SHBANDO/{SO_THUA}", "empty or nested"},
		{"lot_code={SHBANDO", "a { without its }"},
		{"lot_code=SHBANDO}", "a } without its {"},
		{`zone_id="bảy"`, `zone_id: the constant "bảy" is not a whole number`},
		{`land_use="farm"`, `the constant "farm" is not one of industrial`},
	} {
		_, err := registry.ParseMapSpec(zonegis.CollectionParcels, c.spec)
		if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseMapSpec(%q): %v; want EINVALID saying %q", c.spec, err, c.says)
		}
	}
	for _, c := range []struct{ file, says string }{
		{`{"fields": {"lot_code": "SO_THUA"}, "mapping": 1}`, `unknown field "mapping"`},
		{`{"fields": {"land_use": {"from": "MDSD", "values": {"SKC": "factory"}}}}`, `sends "SKC" to "factory", which is not one of industrial`},
		{`{"fields": {"lot_code": {"from": "A", "template": "{B}"}}}`, "exactly one of"},
		{`{"fields": {"lot_code": {"form": "A"}}}`, `unknown field "form"`},
		{`{"fields": {"zone_id": {"from": "Z", "values": {"a": "b"}}}}`, "a value map applies only to a text property"},
		{`{}`, "nothing to map"},
		{`[`, "mapping file"},
	} {
		_, err := registry.ParseMappingFile(zonegis.CollectionParcels, []byte(c.file))
		if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.Contains(err.Error(), c.says) {
			t.Errorf("ParseMappingFile(%s): %v; want EINVALID saying %q", c.file, err, c.says)
		}
	}
	if _, err := registry.ParseMapSpec("leases", "lot_code=A"); zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
		t.Errorf("a mapping for leases: %v", err)
	}
}

// TestMappingBind: fields that already carry our names map themselves,
// besides what the mapping says; the rest go to attributes.
func TestMappingBind(t *testing.T) {
	none, err := registry.NewMapping(zonegis.CollectionParcels, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := &source.Record{Fields: []source.Field{{Name: "lot_code", Value: "A-1"}, {Name: "land_use", Value: "warehouse"},
		{Name: "zone_id", Value: int64(4)}, {Name: "SO_TO", Value: "9"}},
		Geometry: orb.Polygon{{{106.7, 10.7}, {106.701, 10.7}, {106.701, 10.701}, {106.7, 10.7}}}}
	m, err := none.Bind(fieldNames(r))
	if err != nil {
		t.Fatal(err)
	}
	p := props(t, m.Candidate(r))
	want := map[string]any{"lot_code": "A-1", "land_use": "warehouse", "zone_id": 4.0, "attributes": map[string]any{"SO_TO": "9"}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("bound with no mapping: %v; want %v", p, want)
	}
	// An explicit map wins over the same name, and a field used by one
	// does not map itself too.
	spec, err := registry.ParseMapSpec(zonegis.CollectionParcels, "lot_code={SO_TO}-{lot_code}")
	if err != nil {
		t.Fatal(err)
	}
	if m, err = spec.Bind(fieldNames(r)); err != nil {
		t.Fatal(err)
	}
	p = props(t, m.Candidate(r))
	if p["lot_code"] != "9-A-1" || p["zone_id"] != 4.0 || p["land_use"] != "warehouse" {
		t.Errorf("bound spec: %v", p)
	}
	if _, err := spec.Bind([]string{"lot_code"}); err == nil || !strings.Contains(err.Error(), `"SO_TO"`) {
		t.Errorf("Bind to a source without SO_TO: %v", err)
	}
}
