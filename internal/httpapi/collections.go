package httpapi

import (
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/invest"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/reports"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// collection is one feature collection as the API serves it. The items,
// item and export handlers are written once, in served[T], over the
// collection's catalog.Collection (what its filters mean, how a page is
// found) and its wire (how its features are written).
type collection interface {
	name() string
	title() string
	// etag is the ETag of a record of the collection (*T).
	etag(record any) string
	info(base string, snap *index.Snapshot) map[string]any
	items(s *Server, c echo.Context, snap *index.Snapshot) error
	item(s *Server, c echo.Context, snap *index.Snapshot) error
	queryables(s *Server, c echo.Context, snap *index.Snapshot) error // GET /collections/{c}/queryables
	export(s *Server, c echo.Context, snap *index.Snapshot) error
	// appendIntersecting appends the collection's member of an
	// intersects answer (a FeatureCollection).
	appendIntersecting(b []byte, snap *index.Snapshot, pq *measure.Prepared) ([]byte, error)
}

// wire is how the features of one collection are written: as GeoJSON
// (encode, from the GeoJSON the index cached for the record), their ETag,
// and as export features; one value per collection, below.
type wire[T any] struct {
	encode func(b []byte, e *index.Entry[T], extra encode.Extra) []byte
	// record encodes a record a search of s handed out (its entry's bytes).
	record  func(b []byte, s *index.Snapshot, v *T, extra encode.Extra) []byte
	etag    func(*T) string
	feature func(f *export.Feature, v *T)
	layer   *export.Layer
}

// served is a collection over a catalog.Collection and its wire.
type served[T any] struct {
	cat  *catalog.Collection[T]
	wire wire[T]
	// params and exportParams are the query parameters its items and its
	// export accept: the route's own and the collection's filters.
	params, exportParams []string
	// head opens its member in an intersects answer.
	head string
}

func serve[T any](cat *catalog.Collection[T], member string, w wire[T]) *served[T] {
	return &served[T]{cat: cat, wire: w, head: `,"` + member + `":{"type":"FeatureCollection","features":[`,
		params:       append(slices.Clone(itemsParams), cat.Filters()...),
		exportParams: append(slices.Clone(exportParams), cat.Filters()...)}
}

var (
	parcelsServed = serve[zonegis.Parcel](catalog.Parcels, "parcels", parcelWire)
	// listed are the collections in the order they are listed
	// (catalog.Names); collections are the same by id.
	listed = []collection{serve[zonegis.Zone](catalog.Zones, "zones", zoneWire), parcelsServed,
		serve[zonegis.GreenArea](catalog.GreenAreas, "green_areas", greenWire), table{invest.Enterprises()}, table{invest.Projects()},
		table{&reports.Collection{Sees: registry.SeesConfidential, SeesAll: registry.SeesAllConfidential}}}
	collections = map[string]collection{}
)

func init() {
	for _, l := range listed {
		collections[l.name()] = l
	}
}

// collectionOf returns the collection the route's {collection} names.
func collectionOf(c echo.Context) (collection, error) {
	if l, ok := collections[c.Param("collection")]; ok {
		return l, nil
	}
	return nil, errNoSuchCollection
}

var (
	zoneWire = wire[zonegis.Zone]{record: zoneFeature, feature: export.ZoneFeature, layer: export.Zones,
		encode: func(b []byte, e *index.Entry[zonegis.Zone], x encode.Extra) []byte {
			return encode.ZoneCached(b, e.Record(), e.Geometry(), x)
		},
		etag: func(z *zonegis.Zone) string { return encode.VersionTag(z.Version) }}
	parcelWire = wire[zonegis.Parcel]{record: parcelFeature, feature: export.ParcelFeature, layer: export.Parcels,
		encode: func(b []byte, e *index.Entry[zonegis.Parcel], x encode.Extra) []byte {
			return encode.ParcelCached(b, e.Record(), e.Geometry(), x)
		},
		etag: encode.ParcelTag}
	greenWire = wire[zonegis.GreenArea]{record: greenAreaFeature, feature: export.GreenAreaFeature, layer: export.GreenAreas,
		encode: func(b []byte, e *index.Entry[zonegis.GreenArea], x encode.Extra) []byte {
			return encode.GreenAreaCached(b, e.Record(), e.Geometry(), x)
		},
		etag: func(g *zonegis.GreenArea) string { return encode.VersionTag(g.Version) }}
)

// table is a catalog.Table as a collection. Its answers depend on the caller (the
// confidential figures), so no shared cache keeps them.
type table struct{ catalog.Table }

func (t table) name() string                                       { return t.Name() }
func (t table) title() string                                      { return t.Title() }
func (t table) etag(record any) string                             { return t.Tag(record) }
func (t table) info(base string, _ *index.Snapshot) map[string]any { return t.Info(base) }
func (t table) queryables(_ *Server, c echo.Context, _ *index.Snapshot) error {
	doc, err := t.Queryables(httpx.BaseURL(c), c.QueryParams())
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, http.StatusOK, encode.MIMESchema, doc)
}
func (t table) items(s *Server, c echo.Context, _ *index.Snapshot) error {
	b, err := t.Page(c.Request().Context(), s.store, principalOf(c), c.QueryParams(), httpx.BaseURL(c)+c.Request().URL.Path)
	return sendPrivate(c, b, "", err)
}
func (t table) item(s *Server, c echo.Context, _ *index.Snapshot) error {
	b, etag, err := t.Feature(c.Request().Context(), s.store, principalOf(c), c.Param("id"), c.QueryParams())
	return sendPrivate(c, b, etag, err)
}
func (t table) export(s *Server, c echo.Context, _ *index.Snapshot) error {
	name, write, err := t.Export(c.Request().Context(), s.store, principalOf(c), c.QueryParams())
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private")
	h.Set(echo.HeaderContentType, httpx.MIMECSV)
	h.Set(echo.HeaderContentDisposition, `attachment; filename="`+name+`"`)
	c.Response().WriteHeader(http.StatusOK)
	return write(c.Response())
}
func (table) appendIntersecting(b []byte, _ *index.Snapshot, _ *measure.Prepared) ([]byte, error) {
	return b, nil
}

// sendPrivate answers err, or the GeoJSON b for this caller only, with its
// ETag if any (304 when If-None-Match has it).
func sendPrivate(c echo.Context, b []byte, etag string, err error) error {
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("Cache-Control", "private")
	if etag != "" && httpx.Revalidate(c, etag) {
		return nil
	}
	return httpx.WriteBytes(c, http.StatusOK, mimeGeoJSON, b)
}

func (l *served[T]) name() string           { return l.cat.Name() }
func (l *served[T]) title() string          { return l.cat.Title() }
func (l *served[T]) etag(record any) string { return l.wire.etag(record.(*T)) }

func (l *served[T]) info(base string, snap *index.Snapshot) map[string]any {
	return encode.Collection(base, l.cat.Name(), l.cat.Title(), l.cat.Description(), catalog.CRS84, encode.Extent(l.cat.Extent(snap)))
}

func (l *served[T]) queryables(_ *Server, c echo.Context, _ *index.Snapshot) error {
	if err := checkFormat(c, "json"); err != nil {
		return err
	}
	return httpx.WriteJSON(c, 200, "application/schema+json", l.cat.Queryables(httpx.BaseURL(c)))
}

func (s *Server) handleCollections() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		base, snap := httpx.BaseURL(c), s.ix.Snapshot()
		cols := make([]map[string]any, 0, len(listed))
		for _, l := range listed {
			cols = append(cols, l.info(base, snap))
		}
		return httpx.WriteJSON(c, 200, mimeJSON, encode.Collections(base, cols))
	}
}

func (s *Server) handleCollection() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		l, err := collectionOf(c)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, 200, mimeJSON, l.info(httpx.BaseURL(c), s.ix.Snapshot()))
	}
}

// appendIntersecting appends the features pq intersects (at most
// catalog.MaxIntersectHits), each with its overlap_m2.
func (l *served[T]) appendIntersecting(b []byte, snap *index.Snapshot, pq *measure.Prepared) ([]byte, error) {
	b = append(b, l.head...)
	n := 0
	err := l.cat.Intersecting(snap, pq, func(v *T, m2 float64) bool {
		b = encode.Comma(b, &n)
		b = l.wire.record(b, snap, v, encode.Overlap(m2))
		return n < catalog.MaxIntersectHits
	})
	return append(b, `]}`...), err
}

// The queries' features (/query/...) come from the snapshot's searches by
// record; their cached GeoJSON is found by id, a lookup that is cheap beside
// the geometry tests those searches make (a page's records come with their
// entries, catalog.Page.Entries). A record not found as it was handed out
// cannot happen; it would be encoded afresh, to the same bytes.

func zoneFeature(b []byte, s *index.Snapshot, z *zonegis.Zone, x encode.Extra) []byte {
	if e, ok := s.ZoneEntries().Get(z.ID); ok && e.Record() == z {
		return encode.ZoneCached(b, z, e.Geometry(), x)
	}
	return encode.ZoneWith(b, z, x)
}

func parcelFeature(b []byte, s *index.Snapshot, p *zonegis.Parcel, x encode.Extra) []byte {
	if e, ok := s.ParcelEntries().Get(p.ID); ok && e.Record() == p {
		return encode.ParcelCached(b, p, e.Geometry(), x)
	}
	return encode.ParcelWith(b, p, x)
}

func greenAreaFeature(b []byte, s *index.Snapshot, g *zonegis.GreenArea, x encode.Extra) []byte {
	if e, ok := s.GreenAreaEntries().Get(g.ID); ok && e.Record() == g {
		return encode.GreenAreaCached(b, g, e.Geometry(), x)
	}
	return encode.GreenAreaWith(b, g, x)
}
