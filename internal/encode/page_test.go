package encode

import (
	"encoding/json"
	"math/rand/v2"
	"net/url"
	"strconv"
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

// oldPageLink is how a page's link was written before its href was
// appended in place: a copy of the query, url.Values.Set and Encode (the
// standard library's encoding is the truth the links must keep).
func oldPageLink(base string, q url.Values, rel string, offset, limit int) []byte {
	v := url.Values{}
	for k, vs := range q {
		v[k] = vs
	}
	if offset >= 0 {
		v.Set("offset", strconv.Itoa(offset))
		v.Set("limit", strconv.Itoa(limit))
	}
	href := base
	if len(v) > 0 {
		href += "?" + v.Encode()
	}
	b := AppendString([]byte(`{"href":`), href)
	return append(append(append(b, `,"rel":"`...), rel...), `","type":"application/geo+json"}`...)
}

// TestPageLinksAsURLValues: the links of random queries (every byte in
// keys and values, repeated keys, empty values, the keys the links set,
// Vietnamese text, invalid UTF-8 in the base) are the bytes url.Values
// and AppendString make of them.
func TestPageLinksAsURLValues(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 17))
	pick := []string{"bbox", "limit", "offset", "f", "datetime", "zone_id", "sortby", "Khu công nghiệp", "a b", "", "x&y=z"}
	text := func() string {
		if rng.IntN(3) == 0 {
			return pick[rng.IntN(len(pick))]
		}
		b := make([]byte, rng.IntN(8))
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return string(b)
	}
	bases := []string{"http://h/collections/parcels/items", "https://x.vn:8443/c/items", "http://h\xff\"/p"}
	for i := range 3000 {
		q := url.Values{}
		for range rng.IntN(6) {
			k := text()
			for range rng.IntN(3) {
				q[k] = append(q[k], text())
			}
			if rng.IntN(5) == 0 {
				q[k] = []string{}
			}
		}
		base := bases[i%len(bases)]
		offset, limit := rng.IntN(300)-100, rng.IntN(1000)
		if got, want := PageLink(nil, base, q, "next", offset, limit), oldPageLink(base, q, "next", offset, limit); string(got) != string(want) {
			t.Fatalf("PageLink(%q, %q, %d, %d):\n got %s\nwant %s", base, q, offset, limit, got, want)
		}
		f := url.Values{}
		for k, vs := range q {
			f[k] = vs
		}
		f.Set("f", "html")
		want := append(oldPageLink(base, q, "self", -1, limit), `,{"href":`...)
		want = append(AppendString(want, base+"?"+f.Encode()), `,"rel":"alternate","type":"text/html"}`...)
		if got := PageSelf(nil, base, q, limit); string(got) != string(want) {
			t.Fatalf("PageSelf(%q, %q):\n got %s\nwant %s", base, q, got, want)
		}
	}
}

// TestPageLinksAllocate: a page's links allocate nothing of their own
// (they are written on every items request).
func TestPageLinksAllocate(t *testing.T) {
	q := url.Values{"bbox": {"106.1,10.2,106.3,10.4"}, "limit": {"100"}, "zone_id": {"7"}}
	b := make([]byte, 0, 4096)
	if n := testing.AllocsPerRun(100, func() {
		b = PageSelf(b[:0], "http://h/collections/parcels/items", q, 100)
		b = PageLink(b, "http://h/collections/parcels/items", q, "next", 100, 100)
	}); n != 0 {
		t.Errorf("PageSelf and PageLink: %v allocations, want 0", n)
	}
}
