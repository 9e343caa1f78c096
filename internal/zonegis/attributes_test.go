package zonegis_test

import (
	"encoding/json"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestAttributesText reads values as PostgreSQL's ->> does (the oracle's
// rule for the items filter), on objects as jsonb prints them and compact.
func TestAttributesText(t *testing.T) {
	for _, a := range []zonegis.Attributes{
		zonegis.Attributes(`{"a": "x, y", "n": 12.50, "t": true, "z": null, "q\"k": "\"quoted\"", "Tờ": "Thửa \u0031", "e": ""}`),
		zonegis.Attributes(`{"a":"x, y","n":12.50,"t":true,"z":null,"q\"k":"\"quoted\"","Tờ":"Thửa 1","e":""}`),
	} {
		var m map[string]any
		if err := json.Unmarshal(a, &m); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			key, text string
			ok        bool
		}{
			{"a", "x, y", true}, {"n", "12.50", true}, {"t", "true", true}, {"z", "", false},
			{`q"k`, `"quoted"`, true}, {"Tờ", "Thửa 1", true}, {"e", "", true}, {"missing", "", false}, {"A", "", false},
		} {
			if text, ok := a.Text(c.key); text != c.text || ok != c.ok {
				t.Errorf("%s.Text(%q) = %q, %v; want %q, %v", a, c.key, text, ok, c.text, c.ok)
			}
		}
		if n := a.Len(); n != len(m) {
			t.Errorf("%s.Len() = %d; want %d", a, n, len(m))
		}
	}
	var none zonegis.Attributes
	if _, ok := none.Text("a"); ok || none.Len() != 0 {
		t.Error("nil attributes have a value")
	}
}
