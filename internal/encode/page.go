package encode

import (
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Answers of the API built from features: a page of items with its
// links, an item with its links, a site found near a point, and the
// parcels a split or a merge made.

// PageHead appends the start of a page of items: a FeatureCollection with
// numberMatched, numberReturned and timeStamp (now, RFC 3339 in UTC), open
// at its features; the caller appends them, then PageLinksHead.
func PageHead(b []byte, matched, returned int, now time.Time) []byte {
	b = append(b, `{"type":"FeatureCollection","numberMatched":`...)
	b = strconv.AppendInt(b, int64(matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(returned), 10)
	b = append(b, `,"timeStamp":"`...)
	b = now.UTC().AppendFormat(b, time.RFC3339)
	return append(b, `","features":[`...)
}

// PageLinksHead closes a page's features and opens its links; the caller
// appends them with PageLink, then closes the page with "]}".
func PageLinksHead(b []byte) []byte { return append(b, `],"links":[`...) }

// PageLink appends a link object of rel to base with the query q;
// offset < 0 keeps the query as it is, else offset and limit are set.
// The href is base, then "?" and the query as url.Values.Encode writes
// it (keys sorted, each value escaped as url.QueryEscape does) when there
// is one, appended in place: a page's links are written on every items
// request, and a copy of the query, its encoding and the joined href were
// allocations each.
func PageLink(b []byte, base string, q url.Values, rel string, offset, limit int) []byte {
	b = append(b, `{"href":`...)
	if offset >= 0 {
		b = appendHref(b, base, q, setting{"limit", "", limit}, setting{"offset", "", offset})
	} else {
		b = appendHref(b, base, q, setting{}, setting{})
	}
	b = append(b, `,"rel":"`...)
	b = append(b, rel...)
	return append(b, `","type":"application/geo+json"}`...)
}

// PageSelf is PageLink's self link, then the same page as HTML
// (rel=alternate, f=html; internal/htmlpage).
func PageSelf(b []byte, base string, q url.Values, limit int) []byte {
	b = append(PageLink(b, base, q, "self", -1, limit), `,{"href":`...)
	b = appendHref(b, base, q, setting{"f", "html", -1}, setting{})
	return append(b, `,"rel":"alternate","type":"text/html"}`...)
}

// setting is a query parameter a link sets, replacing q's: the value s,
// or n when n >= 0; no key sets nothing.
type setting struct {
	key string
	s   string
	n   int
}

func (s setting) sets(key string) bool { return s.key != "" && s.key == key }

// appendHref appends, as a JSON string, base with q and the settings
// x and y (keys in the order url.Values.Encode sorts them).
func appendHref(b []byte, base string, q url.Values, x, y setting) []byte {
	b = AppendString(b, base)
	b = b[:len(b)-1] // reopen the string: the query is plain ASCII, nothing in it is escaped in JSON
	var arr [24]string
	keys := arr[:0]
	for k := range q {
		if !x.sets(k) && !y.sets(k) {
			keys = append(keys, k)
		}
	}
	for _, k := range [2]string{x.key, y.key} {
		if k != "" {
			keys = append(keys, k)
		}
	}
	if len(keys) == 0 {
		return append(b, '"')
	}
	slices.Sort(keys)
	b = append(b, '?')
	first := true
	pair := func(k, v string, n int) {
		if !first {
			b = append(b, '&')
		}
		first = false
		b = appendQueryEscape(b, k)
		b = append(b, '=')
		if n >= 0 {
			b = strconv.AppendInt(b, int64(n), 10)
		} else {
			b = appendQueryEscape(b, v)
		}
	}
	for _, k := range keys {
		switch {
		case x.sets(k):
			pair(k, x.s, x.n)
		case y.sets(k):
			pair(k, y.s, y.n)
		default:
			for _, v := range q[k] {
				pair(k, v, -1)
			}
		}
	}
	return append(b, '"')
}

// appendQueryEscape appends s escaped as url.QueryEscape does: letters,
// digits and -_.~ as they are, a space as '+', every other byte as %XX.
func appendQueryEscape(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', upperHex[c>>4], upperHex[c&0xf])
		}
	}
	return b
}

const upperHex = "0123456789ABCDEF"

// ItemLinks splices the links of an item into the Feature that ends b, as
// a foreign member: self (base/items/id, GeoJSON), its collection (base,
// JSON) and itself as HTML (alternate).
func ItemLinks(b []byte, base string, id int64) []byte {
	b = b[:len(b)-1]
	b = append(b, `,"links":[{"href":`...)
	b = AppendString(b, base+"/items/"+strconv.FormatInt(id, 10))
	b = append(b, `,"rel":"self","type":"application/geo+json"},{"href":`...)
	b = AppendString(b, base)
	b = append(b, `,"rel":"collection","type":"application/json"},{"href":`...)
	b = AppendString(b, base+"/items/"+strconv.FormatInt(id, 10)+"?f=html")
	return append(b, `,"rel":"alternate","type":"text/html"}]}`...)
}

// Site is the extra properties of a parcel a site search found distanceM
// metres away (rounded to 0.1 m, distance_m; null when negative: a search
// without a point) with, when z is not nil, its zone's province and code
// and names (province, zone_code, zone_name_vi, zone_name_en).
func Site(distanceM float64, z *zonegis.Zone) Extra {
	return func(b []byte) []byte {
		b = append(b, `,"distance_m":`...)
		if distanceM < 0 {
			b = append(b, "null"...)
		} else {
			b = AppendRounded(b, distanceM, 1)
		}
		if z != nil {
			b = append(b, `,"province":`...)
			b = AppendString(b, z.Province)
			b = append(b, `,"zone_code":`...)
			b = AppendString(b, z.Code)
			b = append(b, `,"zone_name_vi":`...)
			b = AppendString(b, z.NameVI)
			b = append(b, `,"zone_name_en":`...)
			b = AppendString(b, z.NameEN)
		}
		return b
	}
}

// Counts appends a site search's numberMatched (every parcel it keeps)
// and numberReturned (those in the answer) and closes the object.
func Counts(b []byte, matched, returned int) []byte {
	b = append(b, `,"numberMatched":`...)
	b = strconv.AppendInt(b, int64(matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(returned), 10)
	return append(b, '}')
}

// Overlap is the extra property of a feature an intersects query found:
// the area it shares with the query's polygon (overlap_m2, rounded to
// 0.01 m²).
func Overlap(m2 float64) Extra {
	return func(b []byte) []byte {
		b = append(b, `,"overlap_m2":`...)
		return AppendRounded(b, m2, 2)
	}
}

// Split appends the answer to a split: a FeatureCollection of the new
// parcels with the id of the parcel they replace in "retired".
func Split(b []byte, retired int64, children []*zonegis.Parcel) []byte {
	b = append(b, `{"type":"FeatureCollection","retired":[`...)
	b = strconv.AppendInt(b, retired, 10)
	b = append(b, `],"features":[`...)
	for i, ch := range children {
		if i > 0 {
			b = append(b, ',')
		}
		b = Parcel(b, ch)
	}
	return append(b, "]}"...)
}

// Merged appends the answer to a merge: the new parcel, with the ids of
// those it replaces in a foreign member "retired".
func Merged(b []byte, child *zonegis.Parcel, retired []int64) []byte {
	b = Parcel(b, child)
	b = append(b[:len(b)-1], `,"retired":[`...)
	for i, id := range retired {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return append(b, "]}"...)
}

// Extent is what a collection spans (as index.Extent, which converts to
// it): the bound of its located features (lon/lat, CRS84) and the interval
// of its features' time, a zero Start or End being open.
type Extent struct {
	Bound      orb.Bound
	Located    bool
	Start, End time.Time
}

// Gregorian is the temporal reference system of an extent's interval.
const Gregorian = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"

// Collection is the OGC description of a feature collection, shared by
// /collections and /collections/{id}: its id, title and description, the
// CRS its features are stored in (storage, a URI: storageCrs) and the list
// they are offered in (crs.Features: crs, OGC API - Features Part 2), its extent (spatial.bbox left out when
// nothing is located; temporal.interval with null for an open end, as
// OGC API - Features Part 1's extent schema says) and its self and items
// links under base.
func Collection(base, id, title, description, storage string, ext Extent) map[string]any {
	end := func(t time.Time) any {
		if t.IsZero() {
			return nil
		}
		return t.UTC().Format(time.RFC3339Nano)
	}
	extent := map[string]any{
		"temporal": map[string]any{"interval": [][]any{{end(ext.Start), end(ext.End)}}, "trs": Gregorian},
	}
	if ext.Located {
		b := ext.Bound
		extent["spatial"] = map[string]any{"bbox": [][]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}, "crs": storage}
	}
	return map[string]any{
		"id":          id,
		"title":       title,
		"description": description,
		"itemType":    "feature",
		"crs":         offered(),
		"storageCrs":  storage,
		"extent":      extent,
		"links": append([]map[string]string{
			{"href": base + "/collections/" + id, "rel": "self", "type": "application/json", "title": title},
			{"href": base + "/collections/" + id + "?f=html", "rel": "alternate", "type": "text/html", "title": title + " (HTML)"},
			{"href": base + "/collections/" + id + "/items", "rel": "items", "type": "application/geo+json", "title": title + " (GeoJSON)"},
			{"href": base + "/collections/" + id + "/queryables", "rel": "http://www.opengis.net/def/rel/ogc/1.0/queryables", "type": "application/schema+json", "title": "What a filter may name"},
			{"href": base + "/collections/" + id + "/tiles", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "type": "application/json", "title": title + " (vector tiles)"},
		}, SchemaLinks(base, id)...),
	}
}

// offered are the URIs of crs.Features, the CRSs the items are offered in.
func offered() []string {
	fs := crs.Features()
	out := make([]string, len(fs))
	for i, c := range fs {
		out[i] = c.URI
	}
	return out
}

// Collections is the answer of /collections: its self link under base and
// the collections' descriptions (Collection).
func Collections(base string, collections []map[string]any) map[string]any {
	return map[string]any{
		"links": []map[string]string{{"href": base + "/collections", "rel": "self", "type": "application/json", "title": "Collections"},
			{"href": base + "/collections?f=html", "rel": "alternate", "type": "text/html", "title": "Collections (HTML)"}},
		"collections": collections,
	}
}

// Landing is the OGC API landing page under base: the service's title,
// description, attribution and links.
func Landing(base string) map[string]any {
	return map[string]any{
		"title":       "zonegis",
		"description": "Land records of Vietnam's industrial-zone management boards: zones, parcels, green areas and leases. Zone boundaries © OpenStreetMap contributors (ODbL).",
		"attribution": "Zone boundaries © OpenStreetMap contributors, ODbL 1.0",
		"links": []map[string]string{
			{"href": base + "/", "rel": "self", "type": "application/json", "title": "This document"},
			{"href": base + "/?f=html", "rel": "alternate", "type": "text/html", "title": "This document as HTML"},
			{"href": base + "/api", "rel": "service-desc", "type": "application/vnd.oai.openapi+json;version=3.0", "title": "The API definition (OpenAPI 3.0)"},
			{"href": base + "/conformance", "rel": "conformance", "type": "application/json", "title": "Conformance classes"},
			{"href": base + "/collections", "rel": "data", "type": "application/json", "title": "Feature collections"},
			{"href": base + "/tiles", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", "type": "application/json", "title": "Vector tiles of every collection"},
			{"href": base + "/tileMatrixSets", "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", "type": "application/json", "title": "Tile matrix sets"},
			{"href": base + "/app/", "rel": "alternate", "type": "text/html", "title": "Web map"},
		},
	}
}
