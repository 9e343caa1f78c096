package httpapi

import (
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestCheckJSONText: NUL, lone surrogates and invalid UTF-8 in any string
// of a body are refused with the field's path; escapes that encoding/json
// reads correctly pass.
func TestCheckJSONText(t *testing.T) {
	for _, ok := range []string{
		`{"name_vi":"Khu công nghiệp Tân Thuận"}`,
		`{"name_vi":"\ud83d\ude00 \u00e2 \\u0000 \" \u0041"}`, // a pair, an escaped backslash before u0000
		`{"a":[1,2,{"b":"c"}],"d":null}`,
		`[{"x":"\uFFFD"}]`,
		`{"unterminated`,
	} {
		if err := featurejson.CheckText([]byte(ok), ""); err != nil {
			t.Errorf("featurejson.CheckText(%s): %v", ok, err)
		}
	}
	for body, field := range map[string]string{
		`{"type":"Feature","properties":{"name_vi":"a\u0000b"}}`: "properties.name_vi",
		`{"lessee":"x\u0000"}`:                               "lessee",
		"{\"lessee\":\"x\x00\"}":                             "lessee",
		`{"name_vi":"\ud800"}`:                               "name_vi",
		`{"name_vi":"\ud800\u0041"}`:                         "name_vi",
		`{"name_vi":"\udc00x"}`:                              "name_vi",
		`{"name_vi":"x\uD800"}`:                              "name_vi",
		"{\"name_vi\":\"caf\xc3\"}":                          "name_vi",
		`{"lots":[{"lot_code":"A"},{"lot_code":"B\u0000"}]}`: "lots[1].lot_code",
		`{"properties":{"sectors":["ok","\u0000"]},"id":1}`:  "properties.sectors[1]",
		`{"a":{"b":1},"c":"\u0000"}`:                         "c",
		`{"properties":{"a\u0000b":1}}`:                      "properties",
		`["\u0000"]`:                                         "[0]",
	} {
		err := featurejson.CheckText([]byte(body), "")
		if zonegis.ErrorCode(err) != zonegis.EINVALID {
			t.Errorf("featurejson.CheckText(%s): %v, want EINVALID", body, err)
			continue
		}
		if got := err.(*zonegis.Error).Details["field"]; got != field {
			t.Errorf("featurejson.CheckText(%s) names %q, want %q (%v)", body, got, field, err)
		}
	}
	err := featurejson.CheckText([]byte(`{"properties":{"name":"\u0000"}}`), "features[3]")
	if err == nil || !strings.HasPrefix(zonegis.ErrorMessage(err), "features[3].properties.name: ") {
		t.Errorf("with a prefix: %v", err)
	}
}

// TestPositions: a position has 2 or 3 numbers; encoding/json alone reads
// [] as [0, 0] and [106] as [106, 0].
func TestPositions(t *testing.T) {
	ring := func(p string) string { return `[[106.7,10.7],[106.71,10.7],` + p + `,[106.7,10.7]]` }
	for _, c := range []struct {
		geom, want string
	}{
		{`{"type":"Polygon","coordinates":[` + ring(`[106.71,10.71]`) + `]}`, ""},
		{`{"type":"Polygon","coordinates":[` + ring(`[106.71,10.71,5]`) + `]}`, ""},
		{`{"type":"Polygon","coordinates":[` + ring(`[]`) + `]}`, "polygon 0 ring 0 position 2 is empty"},
		{`{"type":"Polygon","coordinates":[` + ring(`[106]`) + `]}`, "polygon 0 ring 0 position 2 is 1 number"},
		{`{"type":"Polygon","coordinates":[` + ring(`[106.71,10.71,1,2]`) + `]}`, "polygon 0 ring 0 position 2 is 4 numbers"},
		{`{"type":"MultiPolygon","coordinates":[[` + ring(`[106.71,10.71]`) + `],[` + ring(`[106.71,10.71]`) + `,` + ring(`[ 106.8 ]`) + `]]}`, "polygon 1 ring 1 position 2 is 1 number"},
		{`{"type":"Polygon","coordinates":[[[], [], [], []]]}`, "polygon 0 ring 0 position 0 is empty"},
	} {
		_, err := featurejson.DecodeGeometry([]byte(c.geom))
		switch {
		case c.want == "" && err != nil:
			t.Errorf("%s: %v", c.geom, err)
		case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
			t.Errorf("%s: %v, want an error with %q", c.geom, err, c.want)
		}
	}
	for _, line := range []string{`{"type":"LineString","coordinates":[[106.7,10.7],[106.8]]}`, `{"type":"LineString","coordinates":[[],[106.8,10.7]]}`} {
		if _, err := decodeLine([]byte(line)); err == nil || !strings.Contains(err.Error(), "line: position") {
			t.Errorf("%s: %v", line, err)
		}
	}
}

// TestExactNames: encoding/json matches member names case-insensitively;
// the API does not.
func TestExactNames(t *testing.T) {
	poly := `{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`
	for _, c := range []struct{ body, want string }{
		{`{"type":"Feature","geometry":` + poly + `,"properties":{"Name_VI":"x"}}`, `no property "Name_VI"`},
		{`{"Type":"Feature","geometry":` + poly + `}`, `no property "Type"`},
		{`{"type":"Feature","geometry":{"type":"Polygon","Coordinates":[]}}`, `no property "Coordinates"`},
		{`{"type":"Feature","geometry":{"TYPE":"Polygon","coordinates":[]}}`, `no property "TYPE"`},
	} {
		_, err := registry.ParseFeature(zonegis.CollectionZones, []byte(c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.body, err, c.want)
		}
	}
	var lots struct {
		Lots []struct {
			LotCode string `json:"lot_code"`
		} `json:"lots"`
	}
	err := featurejson.DecodeStrict([]byte(`{"lots":[{"lot_code":"A"},{"LOT_CODE":"B"}]}`), &lots, "body")
	if err == nil || !strings.Contains(err.Error(), `body.lots[1]: no property "LOT_CODE"`) {
		t.Errorf("nested: %v", err)
	}
	if err := featurejson.DecodeStrict([]byte(`{"lots":[{"lot_code":"A"}]}`), &lots, "body"); err != nil {
		t.Errorf("exact names: %v", err)
	}
}
