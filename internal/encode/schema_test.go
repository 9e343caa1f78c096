package encode

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestKeepProperties: the properties kept are exactly those named, with
// their values as encoding/json reads them, whatever the others hold
// (commas, braces, quotes, nested attributes); the rest of the feature and
// what precedes it in the buffer are untouched.
func TestKeepProperties(t *testing.T) {
	when := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	z := &zonegis.Zone{ID: 7, Code: `K,{"}[\`, NameVI: "Tân Thuận, \"A\"", Kind: "industrial_park", Sectors: []string{"a,b", "}"},
		Attributes: zonegis.Attributes(`{"x":{"y":[1,2]},"z":"}"}`), AreaM2: 12.5, Version: 3, UpdatedAt: when,
		Boundary: orb.MultiPolygon{{{{1, 2}, {3, 2}, {3, 4}, {1, 2}}}}}
	full := Zone(nil, z)
	var all map[string]any
	if err := json.Unmarshal(full, &all); err != nil {
		t.Fatal(err)
	}
	for _, names := range [][]string{{"code"}, {"sectors", "attributes", "workers"}, {"updated_at", "name_vi"}, {}} {
		b := KeepProperties(append([]byte("prefix,"), full...), len("prefix,"), names)
		if string(b[:7]) != "prefix," {
			t.Fatalf("prefix changed: %q", b[:7])
		}
		var got map[string]any
		if err := json.Unmarshal(b[7:], &got); err != nil {
			t.Fatalf("%v: %v\n%s", names, err, b[7:])
		}
		want := map[string]any{}
		for _, n := range names {
			want[n] = all["properties"].(map[string]any)[n]
		}
		if !reflect.DeepEqual(got["properties"], want) || !reflect.DeepEqual(got["geometry"], all["geometry"]) || got["id"] != all["id"] {
			t.Errorf("%v: %s", names, b[7:])
		}
	}
	if b := KeepProperties(full, 0, nil); string(b) != string(full) {
		t.Error("names nil changed the feature")
	}
}
