package zonegis_test

import (
	"encoding/json"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestAttributesText reads values as PostgreSQL's ->> does (the oracle's
// rule for the items filter), on objects compacted from jsonb's print and
// as featurejson writes them; Has agrees with Text, by its fast search
// and by walking the members (names that need escapes).
func TestAttributesText(t *testing.T) {
	for _, a := range []zonegis.Attributes{
		zonegis.Attributes(`{"a":"x, y","n":12.50,"t":true,"z":null,"q\"k":"\"quoted\"","Tờ":"Thửa \u0031","e":""}`),
		zonegis.Attributes(`{"e":"","n":12.50,"t":true,"x":"\"n\":1,\"a\":\"x, y\"","z":null,"a":"x, y","q\"k":"\"quoted\"","Tờ":"Thửa 1"}`),
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
			{`q"k`, `"quoted"`, true}, {"Tờ", "Thửa 1", true}, {"e", "", true}, {"missing", "", false}, {"A", "", false}, {"k", "", false}, {`"n":1,"a"`, "", false},
		} {
			if text, ok := a.Text(c.key); text != c.text || ok != c.ok {
				t.Errorf("%s.Text(%q) = %q, %v; want %q, %v", a, c.key, text, ok, c.text, c.ok)
			}
			if a.Has(c.key, c.text) != c.ok || a.Has(c.key, c.text+"x") {
				t.Errorf("%s.Has(%q, %q) = %v; want %v", a, c.key, c.text, a.Has(c.key, c.text), c.ok)
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

// BenchmarkAttributesHas reads the last of 10 attributes of a typical
// assessor's record, as the items filter does for each candidate parcel.
func BenchmarkAttributesHas(b *testing.B) {
	a := zonegis.Attributes(`{"MDSD":"SKC","SO_TO":"12","SO_THUA":"45","DT_PL":1250.5,"CHU_SD":"Công ty TNHH Điện tử Sao Việt","DIA_CHI":"Lô A-12, Đường số 3, KCX Tân Thuận","GCN":"CS 04512","NGAY_CAP":"2019-06-30","GIA_TRI":12500000,"GHI_CHU":"Thửa đất đã đo đạc lại năm 2021"}`)
	b.ReportAllocs()
	for b.Loop() {
		if !a.Has("GHI_CHU", "Thửa đất đã đo đạc lại năm 2021") {
			b.Fatal("not found")
		}
	}
}
