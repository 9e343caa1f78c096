package encode

import (
	"encoding/json"
	"net/url"
	"testing"
	"time"
)

// The answers built here are exactly the bytes the API sends.
func TestPageAnswers(t *testing.T) {
	b := PageHead(nil, 10, 0, time.Date(2026, 1, 2, 10, 4, 5, 0, time.FixedZone("ICT", 7*3600)))
	b = PageLinksHead(b)
	b = PageLink(b, "http://h/collections/zones/items", url.Values{"limit": {"2"}, "q": {"a b"}}, "next", 4, 2)
	b = append(b, ']', '}')
	want := `{"type":"FeatureCollection","numberMatched":10,"numberReturned":0,"timeStamp":"2026-01-02T03:04:05Z","features":[],` +
		`"links":[{"href":"http://h/collections/zones/items?limit=2\u0026offset=4\u0026q=a+b","rel":"next","type":"application/geo+json"}]}`
	var got, w any
	if err := json.Unmarshal(b, &got); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	json.Unmarshal([]byte(want), &w)
	if gb, _ := json.Marshal(got); string(gb) != mustMarshal(w) {
		t.Errorf("page:\n got %s\nwant %s", b, want)
	}
	if got := string(ItemLinks([]byte(`{"id":3}`), "http://h/collections/zones", 3)); got !=
		`{"id":3,"links":[{"href":"http://h/collections/zones/items/3","rel":"self","type":"application/geo+json"},{"href":"http://h/collections/zones","rel":"collection","type":"application/json"},`+
			`{"href":"http://h/collections/zones/items/3?f=html","rel":"alternate","type":"text/html"}]}` {
		t.Errorf("item links: %s", got)
	}
	if got := string(Split(nil, 7, nil)); got != `{"type":"FeatureCollection","retired":[7],"features":[]}` {
		t.Errorf("split: %s", got)
	}
}

func mustMarshal(v any) string { b, _ := json.Marshal(v); return string(b) }
