package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/index"
)

func (s *Server) handleItems() echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		return l.items(c, s.ix.Snapshot())
	}
}

func (s *Server) handleItem() echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		return l.item(c, s.ix.Snapshot())
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

// parseQuery reads an items request's parameters into l's catalog.Query:
// the parameters l takes, f, bbox-crs and the bbox here, the filters by
// catalog.Collection.Parse.
func (l *served[T]) parseQuery(snap *index.Snapshot, q url.Values) (catalog.Query, error) {
	if err := checkParams(q, l.params...); err != nil {
		return catalog.Query{}, err
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" {
		return catalog.Query{}, invalid("f: only json (GeoJSON) is offered here, not %q", f)
	}
	if crs := q.Get("bbox-crs"); crs != "" && crs != "http://www.opengis.net/def/crs/OGC/1.3/CRS84" {
		return catalog.Query{}, invalid("bbox-crs: only http://www.opengis.net/def/crs/OGC/1.3/CRS84 is supported")
	}
	var bounds []orb.Bound // nil: no bbox; two when the box crosses the antimeridian
	if v := q.Get("bbox"); v != "" {
		var err error
		if bounds, err = parseBBox(v); err != nil {
			return catalog.Query{}, err
		}
	}
	cq, err := l.cat.Parse(snap, q.Get)
	cq.Bounds = bounds
	return cq, err
}

// items answers GET /collections/{c}/items: a GeoJSON FeatureCollection
// page with numberMatched, numberReturned and next/prev links.
func (l *served[T]) items(c echo.Context, snap *index.Snapshot) error {
	q := c.QueryParams()
	limit, err := parseLimit(q.Get("limit"))
	if err != nil {
		return err
	}
	offset, err := parseOffset(q.Get("offset"))
	if err != nil {
		return err
	}
	cq, err := l.parseQuery(snap, q)
	if err != nil {
		return err
	}
	pg := l.cat.Find(snap, &cq, offset, limit)
	defer pg.Release()
	page, matched := pg.Entries, pg.Matched
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
		b = l.wire.encode(b, v, nil)
	}
	b = append(b, `],"links":[`...)
	self := baseURL(c) + "/collections/" + l.cat.Name() + "/items"
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
func (l *served[T]) item(c echo.Context, snap *index.Snapshot) error {
	if err := checkFormat(c, "json", "geojson"); err != nil {
		return err
	}
	id, err := parseID(c.Param("id"))
	if err != nil {
		return err
	}
	e, ok := l.cat.Entry(snap, id)
	if !ok {
		return notFound("no %s feature with id %d", l.cat.Name(), id)
	}
	etag := l.wire.etag(e.Record())
	c.Response().Header().Set("ETag", etag)
	if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
		return c.NoContent(http.StatusNotModified)
	}
	base := baseURL(c) + "/collections/" + l.cat.Name()
	buf := getBuffer()
	defer putBuffer(buf)
	b := l.wire.encode((*buf)[:0], e, nil)
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
