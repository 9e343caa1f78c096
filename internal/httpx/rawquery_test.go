package httpx

import (
	"errors"
	"fmt"
	"net/url"
	"reflect"
	"testing"
)

// SplitQuery must read a query exactly as url.ParseQuery does whenever
// it accepts it, or a route reading it would see other parameters than
// the rest of the API; Check sees every pair with its count.
func TestSplitQuery(t *testing.T) {
	for _, raw := range []string{
		"", "lon=106.7&lat=10.8", "lat=10.8&lon=106.7", "lon=1&lon=2", "lon", "lon=", "=5", "&&lon=1&&",
		"a=1&b=2&c=3&d=4&e=5&f=6&g=7&h=8", "lon=1=2",
	} {
		p, ok := SplitQuery(raw)
		if !ok {
			t.Errorf("%q: refused, want split", raw)
			continue
		}
		if got, want := p.values(), mustParseQuery(t, raw); !reflect.DeepEqual(got, want) {
			t.Errorf("%q: split into %v, url.ParseQuery gives %v", raw, got, want)
		}
	}
	for _, raw := range []string{"lon=1%2E5", "lon=1+2", "lon=1;lat=2", "a&b&c&d&e&f&g&h&i"} {
		if _, ok := SplitQuery(raw); ok {
			t.Errorf("%q: split, want it left to url.ParseQuery", raw)
		}
	}
	p, _ := SplitQuery("lon=1&lat=2&lon=3&zoom=4")
	var calls []string
	stop := errors.New("stop")
	err := p.Check(func(name string, n int, allowed []string) error {
		calls = append(calls, fmt.Sprintf("%s×%d of %v", name, n, allowed))
		if name == "zoom" {
			return stop
		}
		return nil
	}, "lon", "lat")
	if want := []string{"lon×2 of [lon lat]", "lat×1 of [lon lat]", "lon×1 of [lon lat]", "zoom×1 of [lon lat]"}; err != stop || !reflect.DeepEqual(calls, want) {
		t.Errorf("Check: calls %q, error %v; want %q and the check's error", calls, err, want)
	}
	if p.Get("lat") != "2" || p.Get("nope") != "" {
		t.Errorf("get: lat=%q nope=%q", p.Get("lat"), p.Get("nope"))
	}
}

// FuzzSplitQuery checks SplitQuery against url.ParseQuery on any
// input it accepts.
func FuzzSplitQuery(f *testing.F) {
	for _, s := range []string{"lon=106.7&lat=10.8", "&=&", "a=b=c&a", "lon=1&lat=2&lat=3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		p, ok := SplitQuery(raw)
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
func (p *RawQuery) values() url.Values {
	v := url.Values{}
	for _, kv := range p.kv[:p.n] {
		v[kv[0]] = append(v[kv[0]], kv[1])
	}
	return v
}
