package httpapi

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// splitRawQuery must read a query exactly as url.ParseQuery does whenever
// it accepts it, or the point lookup would see other parameters than the
// rest of the API.
func TestSplitRawQuery(t *testing.T) {
	for _, raw := range []string{
		"", "lon=106.7&lat=10.8", "lat=10.8&lon=106.7", "lon=1&lon=2", "lon", "lon=", "=5", "&&lon=1&&",
		"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8", "lon=1=2",
	} {
		p, ok := splitRawQuery(raw)
		if !ok {
			t.Errorf("%q: refused, want split", raw)
			continue
		}
		if got, want := p.values(), mustParseQuery(t, raw); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: split into %v, url.ParseQuery gives %v", raw, got, want)
		}
	}
	for _, raw := range []string{"lon=1%2E5", "lon=1+2", "lon=1;lat=2", "a&b&c&d&e&f&g&h&i"} {
		if _, ok := splitRawQuery(raw); ok {
			t.Errorf("%q: split, want it left to url.ParseQuery", raw)
		}
	}
	p, _ := splitRawQuery("lon=1&lat=2&lon=3")
	if err := p.check("lon", "lat"); zonegis.ErrorMessage(err) != `query parameter "lon" given 2 times` {
		t.Errorf("repeated lon: got %v", err)
	}
	p, _ = splitRawQuery("lon=1&lat=2&zoom=3")
	if err := p.check("lon", "lat"); zonegis.ErrorMessage(err) != `unknown query parameter "zoom"; allowed: lon, lat` {
		t.Errorf("unknown zoom: got %v", err)
	}
	if p.get("lat") != "2" || p.get("nope") != "" {
		t.Errorf("get: lat=%q nope=%q", p.get("lat"), p.get("nope"))
	}
}

// FuzzSplitRawQuery checks splitRawQuery against url.ParseQuery on any
// input it accepts.
func FuzzSplitRawQuery(f *testing.F) {
	for _, s := range []string{"lon=106.7&lat=10.8", "&=&", "a=b=c&a", "lon=1&lat=2&lat=3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, ok := splitRawQuery(raw)
		if !ok {
			return
		}
		want, err := url.ParseQuery(raw)
		if err != nil {
			t.Fatalf("%q: split, but url.ParseQuery refuses it: %v", raw, err)
		}
		if got := p.values(); !reflect.DeepEqual(got, want) {
			t.Fatalf("%q: split into %v, url.ParseQuery gives %v", raw, got, want)
		}
	})
}

func mustParseQuery(t *testing.T, raw string) url.Values {
	t.Helper()
	v, err := url.ParseQuery(raw)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// values is the split query as url.Values, for comparison.
func (p *rawParams) values() url.Values {
	v := url.Values{}
	for _, kv := range p.kv[:p.n] {
		v[kv[0]] = append(v[kv[0]], kv[1])
	}
	return v
}
