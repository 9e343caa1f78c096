package featurejson_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestDecodeAttributes: flat objects of strings, numbers, booleans and
// null come back compact (Vietnamese as UTF-8, escapes undone), empty
// ones as none; everything else is refused naming the attribute.
func TestDecodeAttributes(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{`null`, ``},
		{`{}`, ``},
		{` { "MDSD" : "SKC" , "GIA_TRI": 12.50, "HOP_LE": true, "GHI_CHU": null } `,
			`{"MDSD":"SKC","GIA_TRI":12.50,"HOP_LE":true,"GHI_CHU":null}`},
		{`{"DIA_CHI":"Đường số 3, P. T\u00e2n Thu\u1eadn"}`, `{"DIA_CHI":"Đường số 3, P. Tân Thuận"}`},
		{`{"a.b":"dotted","Tờ":"12"}`, `{"a.b":"dotted","Tờ":"12"}`},
	} {
		got, err := featurejson.DecodeAttributes([]byte(c.in))
		if err != nil || string(got) != c.want {
			t.Errorf("DecodeAttributes(%s) = %s, %v; want %s", c.in, got, err, c.want)
		}
		if c.want == "" && got != nil {
			t.Errorf("DecodeAttributes(%s) = %q; want nil", c.in, got)
		}
	}
	long := `{"` + strings.Repeat("k", zonegis.MaxAttributeKeyBytes+1) + `":1}`
	many := make(map[string]int)
	for i := range zonegis.MaxAttributes + 1 {
		many["k"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+strings.Repeat("y", i/26)] = i
	}
	manyJSON, _ := json.Marshal(many)
	big := `{"a":"` + strings.Repeat("x", zonegis.MaxAttributesBytes) + `"}`
	for _, c := range []struct{ in, field, says string }{
		{`"SKC"`, "properties.attributes", "want a JSON object"},
		{`[1,2]`, "properties.attributes", "not an array"},
		{`{"MDSD":{"a":1}}`, "properties.attributes.MDSD", "not an object (attributes are flat"},
		{`{"THUA":[1]}`, "properties.attributes.THUA", "not an array"},
		{`{"":1}`, "properties.attributes", "name is empty"},
		{`{"MDSD":"SKC","MDSD":"ONT"}`, "properties.attributes.MDSD", "given twice"},
		{long, "properties.attributes", "more than the 128 allowed"},
		{string(manyJSON), "properties.attributes", "more than 256 attributes"},
		{big, "properties.attributes", "more than the 16384 allowed"},
		{`{"a":"x\u0000"}`, "properties.attributes.a", "NUL"},
		{"{\"a\":\"\xff\"}", "properties.attributes.a", "not valid UTF-8"},
		{`{"a":1,}`, "properties.attributes", "invalid JSON"},
		{`{"a":1} {}`, "properties.attributes", "after the object"},
	} {
		_, err := featurejson.DecodeAttributes([]byte(c.in))
		var ze *zonegis.Error
		if err == nil || !asError(err, &ze) || ze.Code != zonegis.EINVALID {
			t.Errorf("DecodeAttributes(%.60s): %v; want EINVALID", c.in, err)
			continue
		}
		if f, _ := ze.Details["field"].(string); f != c.field || !strings.Contains(ze.Message, c.says) || !strings.HasPrefix(ze.Message, c.field) {
			t.Errorf("DecodeAttributes(%.60s): %q (field %v); want field %s saying %q", c.in, ze.Message, ze.Details["field"], c.field, c.says)
		}
	}
}

func asError(err error, ze **zonegis.Error) bool {
	e, ok := err.(*zonegis.Error)
	*ze = e
	return ok
}

// TestMergeAttributes: RFC 7396 inside attributes: values set or
// replace, null deletes, unnamed stay, null as a whole clears.
func TestMergeAttributes(t *testing.T) {
	cur := zonegis.Attributes(`{"MDSD":"SKC","SO_TO":"12","GIA":100}`)
	for _, c := range []struct{ patch, want string }{
		{`{"MDSD":"ONT"}`, `{"MDSD":"ONT","SO_TO":"12","GIA":100}`},
		{`{"GIA":null,"MOI":"Mới"}`, `{"MDSD":"SKC","SO_TO":"12","MOI":"Mới"}`},
		{`{"NONE":null}`, `{"MDSD":"SKC","SO_TO":"12","GIA":100}`},
		{`{}`, `{"MDSD":"SKC","SO_TO":"12","GIA":100}`},
		{`null`, ``},
		{`{"MDSD":null,"SO_TO":null,"GIA":null}`, ``},
	} {
		got, err := featurejson.MergeAttributes(cur, []byte(c.patch))
		if err != nil || string(got) != c.want || (c.want == "" && got != nil) {
			t.Errorf("MergeAttributes(%s) = %q, %v; want %s", c.patch, got, err, c.want)
		}
	}
	if _, err := featurejson.MergeAttributes(cur, []byte(`{"MDSD":[1]}`)); err == nil || !strings.Contains(err.Error(), "properties.attributes.MDSD") {
		t.Errorf("a nested value in a patch: %v; want it refused naming properties.attributes.MDSD", err)
	}
	if len(cur) != len(`{"MDSD":"SKC","SO_TO":"12","GIA":100}`) || string(cur) != `{"MDSD":"SKC","SO_TO":"12","GIA":100}` {
		t.Errorf("the merge changed its input: %s", cur)
	}
}

// TestApplyAttributes: the attributes property decodes through
// DecodeStrict and ApplyParcel like the others (a wrong case is refused).
func TestApplyAttributes(t *testing.T) {
	var p featurejson.ParcelProps
	if err := featurejson.DecodeStrict([]byte(`{"zone_id":1,"lot_code":"A","land_use":"industrial","attributes":{"MDSD":"SKC"}}`), &p, "properties"); err != nil {
		t.Fatal(err)
	}
	pc := &zonegis.Parcel{}
	if err := featurejson.ApplyParcel(pc, p); err != nil || string(pc.Attributes) != `{"MDSD":"SKC"}` {
		t.Errorf("ApplyParcel: %s, %v", pc.Attributes, err)
	}
	if err := featurejson.DecodeStrict([]byte(`{"Attributes":{}}`), &p, "properties"); err == nil || !strings.Contains(err.Error(), `did you mean "attributes"`) {
		t.Errorf("Attributes: %v; want refused as a wrong case", err)
	}
	var g featurejson.GreenProps
	if err := featurejson.DecodeStrict([]byte(`{"attributes":{"a":{"b":1}}}`), &g, "properties"); err != nil {
		t.Fatal(err)
	}
	if err := featurejson.ApplyGreen(&zonegis.GreenArea{ZoneID: 1, Kind: "park"}, g); err == nil || !strings.Contains(err.Error(), "properties.attributes.a") {
		t.Errorf("ApplyGreen with a nested attribute: %v", err)
	}
	var z featurejson.ZoneProps
	if err := featurejson.DecodeStrict([]byte(`{"attributes":null}`), &z, "properties"); err != nil {
		t.Fatal(err)
	}
	zone := &zonegis.Zone{Code: "AB", NameVI: "a", NameEN: "a", Kind: zonegis.KindIndustrialPark, BoardID: "b1", Province: "x", Attributes: zonegis.Attributes(`{"a":1}`)}
	if err := featurejson.ApplyZone(zone, z); err != nil || zone.Attributes != nil {
		t.Errorf("ApplyZone with attributes null: %s, %v; want none", zone.Attributes, err)
	}
}
