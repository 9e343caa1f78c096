package httpapi

import (
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/vntext"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// layer describes one feature collection over the index: how to search it,
// filter it and encode it. The items handlers are written once against it.
type layer[T any] struct {
	id, title, description string
	// filters lists the query parameters that filter this collection.
	filters []string
	count   func(s *index.Snapshot) int
	get     func(s *index.Snapshot, id int64) (*T, bool)
	// inBound finds the features whose geometry intersects a box (the
	// index's ...IntersectingBound), the one rule of every bbox.
	inBound func(s *index.Snapshot, b orb.Bound, fn func(*T) bool)
	ascend  func(s *index.Snapshot, from int64, fn func(*T) bool)
	ofZone  func(s *index.Snapshot, zoneID int64, fn func(*T) bool) // nil for zones
	idOf    func(*T) int64
	zoneOf  func(*T) int64 // 0 for zones
	boundOf func(*T) orb.MultiPolygon
	filter  func(s *index.Snapshot, q url.Values) (func(*T) bool, error)
	encode  func(b []byte, v *T, extra encode.Extra) []byte
	etag    func(*T) string
	touch   func(*T) byte // see encode.TouchParcel

	paramsOnce sync.Once
	allowed    []string  // see params
	scratch    sync.Pool // of *scratch[T], see getScratch
}

var zonesLayer = layer[zonegis.Zone]{
	id: zonegis.CollectionZones, title: "Industrial zones",
	description: "Industrial parks, export processing zones, high-tech parks and economic zones. Boundaries © OpenStreetMap contributors (ODbL).",
	filters:     []string{"board", "province", "kind", "status", "model", "parent", "q", "min_area_ha", "max_area_ha"},
	count:       func(s *index.Snapshot) int { z, _, _ := s.Counts(); return z },
	get:         (*index.Snapshot).Zone,
	inBound:     (*index.Snapshot).ZonesIntersectingBound,
	ascend:      (*index.Snapshot).AscendZones,
	idOf:        func(z *zonegis.Zone) int64 { return z.ID },
	zoneOf:      func(z *zonegis.Zone) int64 { return 0 },
	boundOf:     func(z *zonegis.Zone) orb.MultiPolygon { return z.Boundary },
	filter:      zoneFilter,
	encode:      encode.ZoneWith,
	touch:       encode.TouchZone,
	etag:        func(z *zonegis.Zone) string { return versionTag(z.Version) },
}

var parcelsLayer = layer[zonegis.Parcel]{
	id: zonegis.CollectionParcels, title: "Parcels",
	description: "Leasable lots inside the zones, with land use and status (available, reserved, leased). Seed parcels are synthetic.",
	filters:     []string{"zone", "board", "province", "status", "land_use", "min_area_ha", "max_area_ha"},
	count:       func(s *index.Snapshot) int { _, p, _ := s.Counts(); return p },
	get:         (*index.Snapshot).Parcel,
	inBound:     (*index.Snapshot).ParcelsIntersectingBound,
	ascend:      (*index.Snapshot).AscendParcels,
	ofZone:      (*index.Snapshot).ParcelsOfZone,
	idOf:        func(p *zonegis.Parcel) int64 { return p.ID },
	zoneOf:      func(p *zonegis.Parcel) int64 { return p.ZoneID },
	boundOf:     func(p *zonegis.Parcel) orb.MultiPolygon { return p.Boundary },
	filter:      parcelFilter,
	encode:      encode.ParcelWith,
	touch:       encode.TouchParcel,
	etag:        parcelTag,
}

var greensLayer = layer[zonegis.GreenArea]{
	id: zonegis.CollectionGreenAreas, title: "Green areas",
	description: "Parks, buffer strips, tree belts and water surfaces inside the zones. Seed green areas are synthetic.",
	filters:     []string{"zone", "board", "province", "kind", "min_area_ha", "max_area_ha"},
	count:       func(s *index.Snapshot) int { _, _, g := s.Counts(); return g },
	get:         (*index.Snapshot).GreenArea,
	inBound:     (*index.Snapshot).GreenAreasIntersectingBound,
	ascend:      (*index.Snapshot).AscendGreenAreas,
	ofZone:      (*index.Snapshot).GreenAreasOfZone,
	idOf:        func(g *zonegis.GreenArea) int64 { return g.ID },
	zoneOf:      func(g *zonegis.GreenArea) int64 { return g.ZoneID },
	boundOf:     func(g *zonegis.GreenArea) orb.MultiPolygon { return g.Boundary },
	filter:      greenFilter,
	encode:      encode.GreenAreaWith,
	touch:       encode.TouchGreenArea,
	etag:        func(g *zonegis.GreenArea) string { return versionTag(g.Version) },
}

// resolveZone finds a zone by id or by code (index.Snapshot.ZoneByRef) or
// says which it could not find.
func resolveZone(s *index.Snapshot, v string) (*zonegis.Zone, error) {
	if z, ok := s.ZoneByRef(v); ok {
		return z, nil
	}
	if id, err := strconv.ParseInt(v, 10, 64); err == nil {
		return nil, invalid("zone: no zone with id %d", id)
	}
	return nil, invalid("zone: no zone with code %q", v)
}

// zoneSet returns the ids of the zones matching board and province filters,
// or nil when neither is given.
func zoneSet(s *index.Snapshot, q url.Values) map[int64]bool {
	board, province := q.Get("board"), q.Get("province")
	if board == "" && province == "" {
		return nil
	}
	set := map[int64]bool{}
	s.AscendZones(0, func(z *zonegis.Zone) bool {
		if (board == "" || z.BoardID == board) && (province == "" || foldEqual(z.Province, province)) {
			set[z.ID] = true
		}
		return true
	})
	return set
}

func zoneFilter(s *index.Snapshot, q url.Values) (func(*zonegis.Zone) bool, error) {
	kind, err := parseEnum("kind", q.Get("kind"), zonegis.ZoneKinds)
	if err != nil {
		return nil, err
	}
	status, err := parseEnum("status", q.Get("status"), zonegis.ZoneStatuses)
	if err != nil {
		return nil, err
	}
	model, err := parseEnum("model", q.Get("model"), zonegis.ZoneModels)
	if err != nil {
		return nil, err
	}
	minM2, maxM2, err := areaRange(q)
	if err != nil {
		return nil, err
	}
	var parent int64
	if v := q.Get("parent"); v != "" {
		z, err := resolveZone(s, v)
		if err != nil {
			return nil, invalid("parent: %s", zonegis.ErrorMessage(err))
		}
		parent = z.ID
	}
	board, province, text := q.Get("board"), q.Get("province"), vntext.Fold(q.Get("q"))
	return func(z *zonegis.Zone) bool {
		return (kind == "" || z.Kind == kind) && (status == "" || z.Status == status) &&
			(model == "" || z.Model == model) && (board == "" || z.BoardID == board) &&
			(province == "" || foldEqual(z.Province, province)) &&
			(parent == 0 || (z.ParentID != nil && *z.ParentID == parent)) &&
			z.AreaM2 >= minM2 && z.AreaM2 <= maxM2 &&
			(text == "" || strings.Contains(vntext.Fold(z.NameVI+" "+z.NameEN+" "+z.Code), text))
	}, nil
}

func parcelFilter(s *index.Snapshot, q url.Values) (func(*zonegis.Parcel) bool, error) {
	status, err := parseEnum("status", q.Get("status"), zonegis.ParcelStatuses)
	if err != nil {
		return nil, err
	}
	use, err := parseEnum("land_use", q.Get("land_use"), zonegis.LandUses)
	if err != nil {
		return nil, err
	}
	minM2, maxM2, err := areaRange(q)
	if err != nil {
		return nil, err
	}
	zones := zoneSet(s, q)
	return func(p *zonegis.Parcel) bool {
		return (status == "" || p.Status == status) && (use == "" || p.LandUse == use) &&
			p.AreaM2 >= minM2 && p.AreaM2 <= maxM2 && (zones == nil || zones[p.ZoneID])
	}, nil
}

func greenFilter(s *index.Snapshot, q url.Values) (func(*zonegis.GreenArea) bool, error) {
	kind, err := parseEnum("kind", q.Get("kind"), zonegis.GreenKinds)
	if err != nil {
		return nil, err
	}
	minM2, maxM2, err := areaRange(q)
	if err != nil {
		return nil, err
	}
	zones := zoneSet(s, q)
	return func(g *zonegis.GreenArea) bool {
		return (kind == "" || g.Kind == kind) && g.AreaM2 >= minM2 && g.AreaM2 <= maxM2 &&
			(zones == nil || zones[g.ZoneID])
	}, nil
}

// collectionInfo is the OGC collection description shared by /collections
// and /collections/{id}.
func collectionInfo(base, id, title, description string) map[string]any {
	return map[string]any{
		"id":          id,
		"title":       title,
		"description": description,
		"itemType":    "feature",
		"crs":         []string{"http://www.opengis.net/def/crs/OGC/1.3/CRS84"},
		"extent": map[string]any{
			"spatial": map[string]any{
				"bbox": [][]float64{{102.14, 8.43, 117.0, 23.4}},
				"crs":  "http://www.opengis.net/def/crs/OGC/1.3/CRS84",
			},
		},
		"links": []map[string]string{
			{"href": base + "/collections/" + id, "rel": "self", "type": mimeJSON, "title": title},
			{"href": base + "/collections/" + id + "/items", "rel": "items", "type": mimeGeoJSON, "title": title + " (GeoJSON)"},
		},
	}
}

// collectionIDs are the feature collections, in the order they are listed.
var collectionIDs = []string{zonegis.CollectionZones, zonegis.CollectionParcels, zonegis.CollectionGreenAreas}

func knownCollection(id string) bool { return slices.Contains(collectionIDs, id) }

func (s *Server) handleCollections() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		base := baseURL(c)
		cols := []map[string]any{
			collectionInfo(base, zonesLayer.id, zonesLayer.title, zonesLayer.description),
			collectionInfo(base, parcelsLayer.id, parcelsLayer.title, parcelsLayer.description),
			collectionInfo(base, greensLayer.id, greensLayer.title, greensLayer.description),
		}
		return writeJSON(c, 200, mimeJSON, map[string]any{
			"links": []map[string]string{
				{"href": base + "/collections", "rel": "self", "type": mimeJSON, "title": "Collections"},
			},
			"collections": cols,
		})
	}
}

func (s *Server) handleCollection() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		base := baseURL(c)
		switch c.Param("collection") {
		case zonesLayer.id:
			return writeJSON(c, 200, mimeJSON, collectionInfo(base, zonesLayer.id, zonesLayer.title, zonesLayer.description))
		case parcelsLayer.id:
			return writeJSON(c, 200, mimeJSON, collectionInfo(base, parcelsLayer.id, parcelsLayer.title, parcelsLayer.description))
		case greensLayer.id:
			return writeJSON(c, 200, mimeJSON, collectionInfo(base, greensLayer.id, greensLayer.title, greensLayer.description))
		}
		return errNoSuchCollection
	}
}

// foldEqual compares names ignoring case and diacritics.
func foldEqual(a, b string) bool { return vntext.Fold(a) == vntext.Fold(b) }
