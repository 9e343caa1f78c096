package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/measure"
)

func (s *Server) handleItems() echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Param("collection") {
		case zonesLayer.id:
			return items(c, s.ix.Snapshot(), &zonesLayer)
		case parcelsLayer.id:
			return items(c, s.ix.Snapshot(), &parcelsLayer)
		case greensLayer.id:
			return items(c, s.ix.Snapshot(), &greensLayer)
		}
		return errNoSuchCollection
	}
}

func (s *Server) handleItem() echo.HandlerFunc {
	return func(c echo.Context) error {
		switch c.Param("collection") {
		case zonesLayer.id:
			return item(c, s.ix.Snapshot(), &zonesLayer)
		case parcelsLayer.id:
			return item(c, s.ix.Snapshot(), &parcelsLayer)
		case greensLayer.id:
			return item(c, s.ix.Snapshot(), &greensLayer)
		}
		return errNoSuchCollection
	}
}

// Response buffers are pooled: items pages are the hot path, and reusing
// their buffers keeps the garbage collector (which must scan the whole
// index) from running often. Buffers over 4 MiB are dropped, not pooled.
var bufPool = sync.Pool{New: func() any { b := make([]byte, 0, 64<<10); return &b }}

func getBuffer() *[]byte { return bufPool.Get().(*[]byte) }

func putBuffer(b *[]byte) {
	if cap(*b) <= 4<<20 {
		bufPool.Put(b)
	}
}

// itemsParams are the parameters every items request may carry.
var itemsParams = []string{"f", "bbox", "bbox-crs", "limit", "offset"}

// params lists the query parameters l's items accept: itemsParams and its
// filters.
func (l *layer[T]) params() []string {
	l.paramsOnce.Do(func() { l.allowed = append(slices.Clone(itemsParams), l.filters...) })
	return l.allowed
}

// query is a parsed items request: where to look and what to keep.
type query[T any] struct {
	bounds []orb.Bound // nil: no bbox; two when the box crosses the antimeridian
	zoneID int64       // 0: any zone
	keep   func(*T) bool
}

// inBoxes reports whether a geometry passes qq's bbox: it intersects one
// of the boxes (measure.IntersectsBound, the rule the index's
// ...IntersectingBound searches by), or there is no bbox.
func (qq query[T]) inBoxes(mp orb.MultiPolygon) bool {
	if qq.bounds == nil {
		return true
	}
	for _, b := range qq.bounds {
		if measure.IntersectsBound(mp, b) {
			return true
		}
	}
	return false
}

// parseQuery checks an items request's parameters against l.
func parseQuery[T any](snap *index.Snapshot, l *layer[T], q url.Values) (query[T], error) {
	var qq query[T]
	if err := checkParams(q, l.params()...); err != nil {
		return qq, err
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" {
		return qq, invalid("f: only json (GeoJSON) is offered here, not %q", f)
	}
	if crs := q.Get("bbox-crs"); crs != "" && crs != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" {
		return qq, invalid("bbox-crs: only http://www.opengis.net/def/crs/OGC/1.3/CRS84 is supported")
	}
	var err error
	if v := q.Get("bbox"); v != "" {
		if qq.bounds, err = parseBBox(v); err != nil {
			return qq, err
		}
	}
	if qq.keep, err = l.filter(snap, q); err != nil {
		return qq, err
	}
	if v := q.Get("zone"); v != "" && l.ofZone != nil {
		z, err := resolveZone(snap, v)
		if err != nil {
			return qq, err
		}
		qq.zoneID = z.ID
	}
	return qq, nil
}

// hit is a feature found in a bbox, with its id beside it: sorting on ids
// held in the slice, not behind each feature's pointer, keeps the sort in
// cache.
type hit[T any] struct {
	id int64
	v  *T
}

// scratch is the per-request working memory of an items page, pooled per
// layer: the hits of a bbox and the page kept of them.
type scratch[T any] struct {
	hits []hit[T]
	page []*T
}

func (l *layer[T]) getScratch() *scratch[T] {
	if sc, ok := l.scratch.Get().(*scratch[T]); ok {
		return sc
	}
	return &scratch[T]{hits: make([]hit[T], 0, 128), page: make([]*T, 0, 128)}
}

// putScratch returns sc to the pool, cleared (it must not keep features of
// an old snapshot alive) and unless it grew large.
func (l *layer[T]) putScratch(sc *scratch[T]) {
	if cap(sc.hits) > 4096 || cap(sc.page) > 4096 {
		return
	}
	clear(sc.hits[:cap(sc.hits)])
	clear(sc.page[:cap(sc.page)])
	sc.hits, sc.page = sc.hits[:0], sc.page[:0]
	l.scratch.Put(sc)
}

// each calls fn for every feature matching qq, in ascending id order: with
// a bbox, those whose geometry intersects it (see inBoxes). Bbox results
// are gathered in sc and sorted (they are few); zone and full
// scans come in id order already, so nothing is gathered.
func (qq query[T]) each(snap *index.Snapshot, l *layer[T], sc *scratch[T], fn func(*T) bool) {
	switch {
	case qq.bounds != nil:
		hits := sc.hits[:0]
		for i, b := range qq.bounds {
			l.inBound(snap, b, func(v *T) bool {
				id := l.idOf(v)
				if (qq.zoneID == 0 || l.zoneOf(v) == qq.zoneID) && qq.keep(v) &&
					(i == 0 || !slices.ContainsFunc(hits, func(h hit[T]) bool { return h.id == id })) {
					hits = append(hits, hit[T]{id, v})
				}
				return true
			})
		}
		sc.hits = hits
		slices.SortFunc(hits, func(a, b hit[T]) int { return cmpInt(a.id, b.id) })
		for _, h := range hits {
			if !fn(h.v) {
				return
			}
		}
	case qq.zoneID != 0:
		l.ofZone(snap, qq.zoneID, func(v *T) bool { return !qq.keep(v) || fn(v) })
	default:
		l.ascend(snap, 0, func(v *T) bool { return !qq.keep(v) || fn(v) })
	}
}

func cmpInt(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// items answers GET /collections/{c}/items: a GeoJSON FeatureCollection
// page with numberMatched, numberReturned and next/prev links.
func items[T any](c echo.Context, snap *index.Snapshot, l *layer[T]) error {
	q := c.QueryParams()
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	offset, err := parseOffset(q.Get("offset"))
	if err != nil {
		return err
	}
	qq, err := parseQuery(snap, l, q)
	if err != nil {
		return err
	}
	// Count every match; keep only the page.
	sc := l.getScratch()
	defer l.putScratch(sc)
	matched := 0
	page := sc.page[:0]
	qq.each(snap, l, sc, func(v *T) bool {
		if matched >= offset && len(page) < limit {
			page = append(page, v)
		}
		matched++
		return true
	})
	sc.page = page
	// Bring the page's records into cache together (see encode.TouchParcel).
	var sum byte
	for _, v := range page {
		sum += l.touch(v)
	}
	encode.Touched(sum)
	buf := getBuffer()
	defer putBuffer(buf)
	b := (*buf)[:0]
	b = append(b, `{"type":"FeatureCollection","numberMatched":`...)
	b = strconv.AppendInt(b, int64(matched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(len(page)), 10)
	b = append(b, `,"timeStamp":"`...)
	b = time.Now().UTC().AppendFormat(b, time.RFC3339)
	b = append(b, `","features":[`...)
	for i, v := range page {
		if i > 0 {
			b = append(b, ',')
		}
		b = l.encode(b, v, nil)
	}
	b = append(b, `],"links":[`...)
	self := baseURL(c) + "/collections/" + l.id + "/items"
	b = appendLink(b, self, q, "self", -1, limit)
	if offset+len(page) < matched {
		b = append(b, ',')
		b = appendLink(b, self, q, "next", offset+limit, limit)
	}
	if offset > 0 {
		b = append(b, ',')
		b = appendLink(b, self, q, "prev", max(offset-limit, 0), limit)
	}
	b = append(b, `]}`...)
	*buf = b
	c.Response().Header().Set("X-Index-Seq", strconv.FormatInt(snap.Seq(), 10))
	return writeBytes(c, http.StatusOK, mimeGeoJSON, b)
}

// appendLink appends a link object; offset < 0 keeps the query as it is.
func appendLink(b []byte, base string, q url.Values, rel string, offset, limit int) []byte {
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
	b = append(b, `{"href":`...)
	b = appendJSONString(b, href)
	b = append(b, `,"rel":"`...)
	b = append(b, rel...)
	b = append(b, `","type":"application/geo+json"}`...)
	return b
}

// item answers GET /collections/{c}/items/{id} with the feature, its ETag
// (versionTag, parcelTag) and 304 when If-None-Match already has it.
func item[T any](c echo.Context, snap *index.Snapshot, l *layer[T]) error {
	if err := checkFormat(c, "json", "geojson"); err != nil {
		return err
	}
	id, err := parseID(c.Param("id"))
	if err != nil {
		return err
	}
	v, ok := l.get(snap, id)
	if !ok {
		return notFound("no %s feature with id %d", l.id, id)
	}
	etag := l.etag(v)
	c.Response().Header().Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	base := baseURL(c) + "/collections/" + l.id
	buf := getBuffer()
	defer putBuffer(buf)
	b := l.encode((*buf)[:0], v, nil)
	// Splice the links in as a foreign member of the feature.
	b = b[:len(b)-1]
	b = append(b, `,"links":[{"href":`...)
	b = appendJSONString(b, base+"/items/"+strconv.FormatInt(id, 10))
	b = append(b, `,"rel":"self","type":"application/geo+json"},{"href":`...)
	b = appendJSONString(b, base)
	b = append(b, `,"rel":"collection","type":"application/json"}]}`...)
	*buf = b
	return writeBytes(c, http.StatusOK, mimeGeoJSON, b)
}

// etagMatches reports whether an If-None-Match header (a list of tags, weak
// or strong, or *) matches etag.
func etagMatches(header, etag string) bool {
	for _, t := range strings.Split(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}
