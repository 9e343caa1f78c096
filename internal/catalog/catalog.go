// Package catalog is the feature collections: what each filter means and
// how a page of features is found, over an index.Snapshot.
//
// A Collection (Zones, Parcels, GreenAreas) names its filters; Parse turns
// their text into a Query and says, field by field, what is wrong with it;
// Find gives one page of the features a Query matches, with how many
// matched in all; Scan visits every match without gathering them (the
// exports). Both keep a feature when it passes the filters and, with a
// bbox, when its geometry intersects one of the boxes
// (measure.IntersectsBound, the rule the index's ...IntersectingBound
// searches by). Nothing here knows HTTP: the transport reads the query
// string, encodes the features and maps the errors (zonegis.EINVALID).
package catalog

import (
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/cql2"
	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Collection is one feature collection over the index. Its zero value is
// not usable; the three there are are Zones, Parcels and GreenAreas.
type Collection[T any] struct {
	name, title, description string
	filters                  []string            // the filter parameters, in the order Parse checks them
	kinds, statuses          []string            // the values of kind and status, nil when not a filter
	queryables               []cql2.Queryable[T] // what a CQL2 filter may name
	k                        kind[T]
	sortables                map[string]compare[T] // what sortby takes
	pages                    sync.Pool             // of *Page[T], see Find
}

// kind is what differs between collections: how to read a feature, how
// the index finds them, which filters a feature passes. The
// implementations are empty structs, as the index's are.
type kind[T any] interface {
	id(*T) int64
	zoneID(*T) int64 // 0 for zones
	// boundary is v's Boundary: nil for a record of the index, whose
	// geometry is its entry's (index.Entry.Boundary).
	boundary(*T) orb.MultiPolygon
	setBoundary(v *T, mp orb.MultiPolygon)
	// entries are the collection in s, each record with its geometry.
	entries(s *index.Snapshot) index.Entries[T]
	// retired are the features of the collection that are history (the
	// parcels splits and merges retired), which only a datetime finds; nil
	// for a collection without.
	retired(s *index.Snapshot) index.Entries[T]
	// extent is the collection's in s (index.Snapshot.Extents).
	extent(s *index.Snapshot) index.Extent
	intersecting(s *index.Snapshot, pq *measure.Prepared, fn func(*T, float64) bool) error
	// match reports whether v passes q's filters (zone and bbox aside).
	match(q *Query, v *T) bool
	// warm reads a byte of each of v's strings and attributes that its
	// encoding reads out of the record (Page.warm).
	warm(v *T) byte
}

// The feature collections.
var (
	Zones = &Collection[zonegis.Zone]{
		name: zonegis.CollectionZones, title: "Industrial zones",
		description: "Industrial parks, export processing zones, high-tech parks and economic zones. Boundaries © OpenStreetMap contributors (ODbL). " +
			"datetime selects zones by their established day or their last update.",
		filters: []string{"board", "province", "kind", "status", "model", "parent", "q", "min_area_ha", "max_area_ha", AttributesFilter},
		kinds:   zonegis.ZoneKinds, statuses: zonegis.ZoneStatuses,
		k: zoneKind{}, queryables: zoneQueryables, sortables: zoneSortables,
	}
	Parcels = &Collection[zonegis.Parcel]{
		name: zonegis.CollectionParcels, title: "Parcels",
		description: "Leasable lots inside the zones, with land use and status (available, reserved, leased). Seed parcels are synthetic. " +
			"datetime selects parcels by valid time: a parcel retired by a split or merge answers for the instants it existed.",
		filters:  []string{"zone", "board", "province", "status", "land_use", "min_area_ha", "max_area_ha", AttributesFilter},
		statuses: zonegis.ParcelStatuses,
		k:        parcelKind{}, queryables: parcelQueryables, sortables: parcelSortables,
	}
	GreenAreas = &Collection[zonegis.GreenArea]{
		name: zonegis.CollectionGreenAreas, title: "Green areas",
		description: "Parks, buffer strips, tree belts and water surfaces inside the zones. Seed green areas are synthetic. " +
			"datetime selects green areas by their last update.",
		filters: []string{"zone", "board", "province", "kind", "min_area_ha", "max_area_ha", AttributesFilter},
		kinds:   zonegis.GreenKinds,
		k:       greenKind{}, queryables: greenQueryables, sortables: greenSortables,
	}
)

// Names are the collections' names, in the order they are listed.
var Names = []string{zonegis.CollectionZones, zonegis.CollectionParcels, zonegis.CollectionGreenAreas}

// Enums are the values of the enumerated fields, the lists of package
// zonegis that the filters and the writes check against, by the field's
// plural name ("zone_kinds"): what the web map builds its filters and
// legend from (GET /enums). The map is new on each call; the lists are
// zonegis's own.
//
// Beside the lists, the places a site search takes (Sites): "provinces",
// the 34 provinces of 2025 by code with their names in Vietnamese and
// English and their region, and "regions", the six socio-economic regions
// with their names (crs.Provinces, crs.Regions).
func Enums() map[string]any {
	type place struct {
		Code   string `json:"code"`
		NameVI string `json:"name_vi"`
		NameEN string `json:"name_en"`
		Region string `json:"region,omitempty"`
	}
	var provinces, regions []place
	for _, p := range crs.Provinces() {
		provinces = append(provinces, place{p.Code, p.Name, p.NameEN, crs.RegionOf(p.Code)})
	}
	for _, r := range crs.Regions() {
		regions = append(regions, place{Code: r.Code, NameVI: r.NameVI, NameEN: r.NameEN})
	}
	return map[string]any{
		"zone_kinds":      zonegis.ZoneKinds,
		"zone_statuses":   zonegis.ZoneStatuses,
		"zone_models":     zonegis.ZoneModels,
		"land_uses":       zonegis.LandUses,
		"parcel_statuses": zonegis.ParcelStatuses,
		"green_kinds":     zonegis.GreenKinds,
		"provinces":       provinces,
		"regions":         regions,
	}
}

// Known reports whether name is a collection's.
func Known(name string) bool { return slices.Contains(Names, name) }

// Name is the collection's id ("parcels").
func (c *Collection[T]) Name() string { return c.name }

// Title is the collection's human title.
func (c *Collection[T]) Title() string { return c.title }

// Description says what the collection holds.
func (c *Collection[T]) Description() string { return c.description }

// Filters lists the filter parameters the collection takes. The slice is
// shared: do not modify it.
func (c *Collection[T]) Filters() []string { return c.filters }

// Extent is what the collection spans in s: the bound of its features and
// the interval of their time as datetime means it (index.Snapshot.Extents,
// computed once per snapshot, so current with every index sync).
func (c *Collection[T]) Extent(s *index.Snapshot) index.Extent { return c.k.extent(s) }

// Get returns the feature with id.
func (c *Collection[T]) Get(s *index.Snapshot, id int64) (*T, bool) {
	if e, ok := c.k.entries(s).Get(id); ok {
		return e.Record(), true
	}
	return nil, false
}

// Entry returns the feature with id as the index holds it, with its
// geometry.
func (c *Collection[T]) Entry(s *index.Snapshot, id int64) (*index.Entry[T], bool) {
	return c.k.entries(s).Get(id)
}

// ID returns v's id.
func (c *Collection[T]) ID(v *T) int64 { return c.k.id(v) }

type (
	zoneKind   struct{}
	parcelKind struct{}
	greenKind  struct{}
)

var (
	_ kind[zonegis.Zone]      = zoneKind{}
	_ kind[zonegis.Parcel]    = parcelKind{}
	_ kind[zonegis.GreenArea] = greenKind{}
)

func (zoneKind) id(z *zonegis.Zone) int64                              { return z.ID }
func (zoneKind) zoneID(*zonegis.Zone) int64                            { return 0 }
func (zoneKind) boundary(z *zonegis.Zone) orb.MultiPolygon             { return z.Boundary }
func (zoneKind) entries(s *index.Snapshot) index.Entries[zonegis.Zone] { return s.ZoneEntries() }
func (zoneKind) setBoundary(z *zonegis.Zone, mp orb.MultiPolygon)      { z.Boundary = mp }
func (zoneKind) extent(s *index.Snapshot) index.Extent                 { z, _, _ := s.Extents(); return z }
func (zoneKind) retired(*index.Snapshot) index.Entries[zonegis.Zone]   { return nil }
func (zoneKind) intersecting(s *index.Snapshot, pq *measure.Prepared, fn func(*zonegis.Zone, float64) bool) error {
	return s.ZonesIntersectingPrepared(pq, fn)
}
func (zoneKind) match(q *Query, z *zonegis.Zone) bool { return q.matchZone(z) }
func (zoneKind) warm(z *zonegis.Zone) byte {
	return first(z.NameVI) + first(z.NameEN) + first(string(z.Attributes))
}

func (parcelKind) id(p *zonegis.Parcel) int64                  { return p.ID }
func (parcelKind) zoneID(p *zonegis.Parcel) int64              { return p.ZoneID }
func (parcelKind) boundary(p *zonegis.Parcel) orb.MultiPolygon { return p.Boundary }
func (parcelKind) entries(s *index.Snapshot) index.Entries[zonegis.Parcel] {
	return s.ParcelEntries()
}
func (parcelKind) setBoundary(p *zonegis.Parcel, mp orb.MultiPolygon) { p.Boundary = mp }
func (parcelKind) extent(s *index.Snapshot) index.Extent              { _, p, _ := s.Extents(); return p }
func (parcelKind) retired(s *index.Snapshot) index.Entries[zonegis.Parcel] {
	return s.RetiredParcelEntries()
}
func (parcelKind) intersecting(s *index.Snapshot, pq *measure.Prepared, fn func(*zonegis.Parcel, float64) bool) error {
	return s.ParcelsIntersectingPrepared(pq, fn)
}
func (parcelKind) warm(p *zonegis.Parcel) byte { return first(p.LotCode) + first(string(p.Attributes)) }
func (parcelKind) match(q *Query, p *zonegis.Parcel) bool {
	return (q.status == "" || p.Status == q.status) && (q.landUse == "" || p.LandUse == q.landUse) &&
		p.AreaM2 >= q.minM2 && p.AreaM2 <= q.maxM2 && (q.zones == nil || q.zones[p.ZoneID]) && q.matchAttributes(p.Attributes) &&
		q.parcelTime(p)
}

func (greenKind) id(g *zonegis.GreenArea) int64                  { return g.ID }
func (greenKind) zoneID(g *zonegis.GreenArea) int64              { return g.ZoneID }
func (greenKind) boundary(g *zonegis.GreenArea) orb.MultiPolygon { return g.Boundary }
func (greenKind) entries(s *index.Snapshot) index.Entries[zonegis.GreenArea] {
	return s.GreenAreaEntries()
}
func (greenKind) setBoundary(g *zonegis.GreenArea, mp orb.MultiPolygon)    { g.Boundary = mp }
func (greenKind) extent(s *index.Snapshot) index.Extent                    { _, _, g := s.Extents(); return g }
func (greenKind) retired(*index.Snapshot) index.Entries[zonegis.GreenArea] { return nil }
func (greenKind) intersecting(s *index.Snapshot, pq *measure.Prepared, fn func(*zonegis.GreenArea, float64) bool) error {
	return s.GreenAreasIntersectingPrepared(pq, fn)
}
func (greenKind) warm(g *zonegis.GreenArea) byte { return first(g.Name) + first(string(g.Attributes)) }
func (greenKind) match(q *Query, g *zonegis.GreenArea) bool {
	return (q.kind == "" || g.Kind == q.kind) && g.AreaM2 >= q.minM2 && g.AreaM2 <= q.maxM2 &&
		(q.zones == nil || q.zones[g.ZoneID]) && q.matchAttributes(g.Attributes) &&
		q.when.Contains(g.UpdatedAt)
}
