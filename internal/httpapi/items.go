package httpapi

import (
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
)

// onCollection is a read route on the route's {collection}: do with the
// index's current snapshot.
func (s *Server) onCollection(do func(collection, *Server, echo.Context, *index.Snapshot) error) echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		return do(l, s, c, s.ix.Snapshot())
	}
}

func (s *Server) handleItems() echo.HandlerFunc { return s.onCollection(collection.items) }
func (s *Server) handleItem() echo.HandlerFunc  { return s.onCollection(collection.item) }

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
var itemsParams = append([]string{"f", "bbox", "bbox-crs", "crs", "datetime", "limit", "offset", "sortby", "properties"}, catalog.FilterParams...)

// parseQuery reads an items request's parameters into l's catalog.Query:
// the parameters l takes and f here, bbox and the filters by
// catalog.Collection.Parse.
func (l *served[T]) parseQuery(snap *index.Snapshot, q url.Values) (catalog.Query, error) {
	if err := checkParams(q, l.params...); err != nil {
		return catalog.Query{}, err
	}
	if f := q.Get("f"); f != "" && f != "json" && f != "geojson" {
		return catalog.Query{}, invalid("f: only json (GeoJSON) is offered here, not %q", f)
	}
	return l.cat.Parse(snap, q)
}

// items answers GET /collections/{c}/items: a GeoJSON FeatureCollection
// page with numberMatched, numberReturned and next/prev links.
func (l *served[T]) items(s *Server, c echo.Context, snap *index.Snapshot) error {
	q := c.QueryParams()
	limit, err := catalog.Limit(q.Get("limit"))
	if err != nil {
		return err
	}
	offset, err := catalog.Offset(q.Get("offset"))
	if err != nil {
		return err
	}
	cq, err := l.parseQuery(snap, q)
	if err != nil {
		return err
	}
	pg := l.cat.Find(snap, &cq, offset, limit)
	defer pg.Release()
	if err := cq.FilterErr(); err != nil {
		return err
	}
	page, matched := pg.Entries, pg.Matched
	encoded, err := l.inCRS(s, c, snap, pg.Entries)
	if err != nil {
		return err
	}
	buf := getBuffer()
	defer putBuffer(buf)
	b := encode.PageHead((*buf)[:0], matched, len(page), time.Now())
	for i, v := range page {
		if i > 0 {
			b = append(b, ',')
		}
		start := len(b)
		b = encode.KeepProperties(encoded(b, v, i), start, cq.Properties)
	}
	b = encode.PageLinksHead(b)
	self := httpx.BaseURL(c) + "/collections/" + l.cat.Name() + "/items"
	b = encode.PageSelf(b, self, q, limit)
	if offset+len(page) < matched {
		b = append(b, ',')
		b = encode.PageLink(b, self, q, "next", offset+limit, limit)
	}
	if offset > 0 {
		b = append(b, ',')
		b = encode.PageLink(b, self, q, "prev", max(offset-limit, 0), limit)
	}
	b = append(b, `]}`...)
	*buf = b
	c.Response().Header().Set("X-Index-Seq", strconv.FormatInt(snap.Seq(), 10))
	return httpx.WriteBytes(c, http.StatusOK, mimeGeoJSON, b)
}

// inCRS writes es in the request's crs (catalog.Collection.Projected) and sets Content-Crs.
func (l *served[T]) inCRS(s *Server, c echo.Context, snap *index.Snapshot, es []*index.Entry[T]) (func([]byte, *index.Entry[T], int) []byte, error) {
	contentCRS, projected, err := l.cat.Projected(c.Request().Context(), s.store, c.QueryParam("crs"), es)
	if err != nil {
		return nil, err
	}
	c.Response().Header().Set("Content-Crs", contentCRS)
	return func(b []byte, e *index.Entry[T], i int) []byte {
		if projected == nil {
			return l.wire.encode(b, e, nil)
		}
		return l.wire.record(b, snap, projected[i], nil)
	}, nil
}

// item answers GET /collections/{c}/items/{id} with the feature, its ETag
// (encode.VersionTag, encode.ParcelTag) and 304 when If-None-Match already has it.
func (l *served[T]) item(s *Server, c echo.Context, snap *index.Snapshot) error {
	if err := checkParams(c.QueryParams(), "f", "crs"); err != nil {
		return err
	}
	if f := c.QueryParam("f"); f != "" && f != "json" && f != "geojson" {
		return invalid("f: %q is not offered here; use json or geojson", f)
	}
	id, err := parseID(c.Param("id"))
	if err != nil {
		return err
	}
	e, ok := l.cat.Entry(snap, id)
	if !ok {
		return notFound("no %s feature with id %d", l.cat.Name(), id)
	}
	if httpx.Revalidate(c, l.wire.etag(e.Record())) {
		return nil
	}
	encoded, err := l.inCRS(s, c, snap, []*index.Entry[T]{e})
	if err != nil {
		return err
	}
	base := httpx.BaseURL(c) + "/collections/" + l.cat.Name()
	buf := getBuffer()
	defer putBuffer(buf)
	b := encode.ItemLinks(encoded((*buf)[:0], e, 0), base, id)
	*buf = b
	return httpx.WriteBytes(c, http.StatusOK, mimeGeoJSON, b)
}
