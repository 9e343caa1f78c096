package index

import (
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Snapshot is an immutable view of the index at one change-log sequence
// number. All methods are safe for concurrent use and take no locks.
//
// Callbacks: fn returning false stops the iteration. A callback may call
// Load or Apply; the snapshot it is iterating does not change.
//
// The ...InBound, ...IntersectingBound, ...At and ...Intersecting methods visit features in no
// particular order. Features whose geometry is empty or has non-finite
// coordinates are known by ID (Zone, Ascend..., ...OfZone, Counts) but are
// never found by the spatial methods.
type Snapshot struct {
	seq     int64
	today   time.Time
	zones   layer[zonegis.Zone, zoneFeature]
	parcels layer[zonegis.Parcel, parcelFeature]
	greens  layer[zonegis.GreenArea, greenFeature]
	// retired are the parcels splits and merges retired, history that
	// never changes (parcels_retired): found only by RetiredParcelEntries,
	// never by the live parcels' searches.
	retired layer[zonegis.Parcel, parcelFeature]

	ext extents // computed on first use (Extents)
}

// Seq returns the change-log sequence number the snapshot reflects.
func (s *Snapshot) Seq() int64 { return s.seq }

// Today returns the day the parcels' statuses are as of: the database's day
// when the follower last read it, else today's date by the system clock
// (zonegis.Today).
func (s *Snapshot) Today() time.Time {
	if s.today.IsZero() {
		return zonegis.Today(time.Now())
	}
	return s.today
}

// Counts returns the number of zones, parcels and green areas.
func (s *Snapshot) Counts() (zones, parcels, greens int) {
	return s.zones.len(), s.parcels.len(), s.greens.len()
}

// RetiredParcels returns the number of retired parcels the snapshot keeps.
func (s *Snapshot) RetiredParcels() int { return s.retired.len() }

// Zone returns the zone with id.
func (s *Snapshot) Zone(id int64) (*zonegis.Zone, bool) { return s.zones.get(id) }

// Parcel returns the parcel with id.
func (s *Snapshot) Parcel(id int64) (*zonegis.Parcel, bool) { return s.parcels.get(id) }

// GreenArea returns the green area with id.
func (s *Snapshot) GreenArea(id int64) (*zonegis.GreenArea, bool) { return s.greens.get(id) }

// ZonesInBound calls fn for each zone whose bound (envelope) intersects b
// (lon/lat, edges inclusive). It is a rectangle test only, the candidate
// search of a caller that clips geometries to b itself (tiles): the zone
// may not reach b. To select features by a box (a bbox parameter), use
// ZonesIntersectingBound. An empty (inverted) or non-finite b matches
// nothing.
func (s *Snapshot) ZonesInBound(b orb.Bound, fn func(*zonegis.Zone) bool) {
	s.zones.inBound(b, fn)
}

// ParcelsInBound is ZonesInBound for parcels.
func (s *Snapshot) ParcelsInBound(b orb.Bound, fn func(*zonegis.Parcel) bool) {
	s.parcels.inBound(b, fn)
}

// GreenAreasInBound is ZonesInBound for green areas.
func (s *Snapshot) GreenAreasInBound(b orb.Bound, fn func(*zonegis.GreenArea) bool) {
	s.greens.inBound(b, fn)
}

// ZonesIntersectingBound calls fn for each zone whose geometry shares at
// least one point with the box b (lon/lat, edges inclusive), as decided by
// measure.IntersectsBound: what PostGIS ST_Intersects(boundary,
// ST_MakeEnvelope(b)) selects. A box in a zone's notch or inside one of
// its holes does not find it. An empty (inverted) or non-finite b matches
// nothing.
func (s *Snapshot) ZonesIntersectingBound(b orb.Bound, fn func(*zonegis.Zone) bool) {
	s.zones.intersectingBound(b, fn)
}

// ParcelsIntersectingBound is ZonesIntersectingBound for parcels.
func (s *Snapshot) ParcelsIntersectingBound(b orb.Bound, fn func(*zonegis.Parcel) bool) {
	s.parcels.intersectingBound(b, fn)
}

// GreenAreasIntersectingBound is ZonesIntersectingBound for green areas.
func (s *Snapshot) GreenAreasIntersectingBound(b orb.Bound, fn func(*zonegis.GreenArea) bool) {
	s.greens.intersectingBound(b, fn)
}

// ZonesAt calls fn for each zone that contains p (lon/lat), boundary
// included, as decided by measure.Contains.
func (s *Snapshot) ZonesAt(p orb.Point, fn func(*zonegis.Zone) bool) { s.zones.at(p, fn) }

// ParcelsAt is ZonesAt for parcels.
func (s *Snapshot) ParcelsAt(p orb.Point, fn func(*zonegis.Parcel) bool) { s.parcels.at(p, fn) }

// GreenAreasAt is ZonesAt for green areas.
func (s *Snapshot) GreenAreasAt(p orb.Point, fn func(*zonegis.GreenArea) bool) {
	s.greens.at(p, fn)
}

// ZoneEntriesAt, ParcelEntriesAt and GreenAreaEntriesAt are ZonesAt,
// ParcelsAt and GreenAreasAt with each record's entry (its geometry).
func (s *Snapshot) ZoneEntriesAt(p orb.Point, fn func(*Entry[zonegis.Zone]) bool) {
	s.zones.entriesAt(p, fn)
}

func (s *Snapshot) ParcelEntriesAt(p orb.Point, fn func(*Entry[zonegis.Parcel]) bool) {
	s.parcels.entriesAt(p, fn)
}

func (s *Snapshot) GreenAreaEntriesAt(p orb.Point, fn func(*Entry[zonegis.GreenArea]) bool) {
	s.greens.entriesAt(p, fn)
}

// ZonesIntersecting calls fn for each zone sharing at least one point with g
// (measure.Intersects), with the area of their intersection in square
// metres (0 when they only touch).
func (s *Snapshot) ZonesIntersecting(g orb.MultiPolygon, fn func(z *zonegis.Zone, overlapM2 float64) bool) {
	s.zones.intersecting(prepared(g), fn) //nolint:errcheck // unlimited: cannot fail
}

// ParcelsIntersecting is ZonesIntersecting for parcels.
func (s *Snapshot) ParcelsIntersecting(g orb.MultiPolygon, fn func(p *zonegis.Parcel, overlapM2 float64) bool) {
	s.parcels.intersecting(prepared(g), fn) //nolint:errcheck // unlimited: cannot fail
}

// GreenAreasIntersecting is ZonesIntersecting for green areas.
func (s *Snapshot) GreenAreasIntersecting(g orb.MultiPolygon, fn func(g *zonegis.GreenArea, overlapM2 float64) bool) {
	s.greens.intersecting(prepared(g), fn) //nolint:errcheck // unlimited: cannot fail
}

// prepared is g prepared without a budget.
func prepared(g orb.MultiPolygon) *measure.Prepared {
	q, _ := measure.Prepare(g, nil) // cannot fail without a budget
	return q
}

// ZonesIntersectingPrepared is ZonesIntersecting for a prepared query: each
// candidate costs about O(log n + k) for the k of q's n edges near it, and
// the work is charged to q's budget. It returns measure.ErrBudget when the
// budget runs out, or the budget's context error when that is done; fn
// has then seen only some of the zones.
func (s *Snapshot) ZonesIntersectingPrepared(q *measure.Prepared, fn func(z *zonegis.Zone, overlapM2 float64) bool) error {
	return s.zones.intersecting(q, fn)
}

// ParcelsIntersectingPrepared is ZonesIntersectingPrepared for parcels.
func (s *Snapshot) ParcelsIntersectingPrepared(q *measure.Prepared, fn func(p *zonegis.Parcel, overlapM2 float64) bool) error {
	return s.parcels.intersecting(q, fn)
}

// GreenAreasIntersectingPrepared is ZonesIntersectingPrepared for green areas.
func (s *Snapshot) GreenAreasIntersectingPrepared(q *measure.Prepared, fn func(g *zonegis.GreenArea, overlapM2 float64) bool) error {
	return s.greens.intersecting(q, fn)
}

// AscendZones calls fn for each zone with ID >= fromID, in ID order.
func (s *Snapshot) AscendZones(fromID int64, fn func(*zonegis.Zone) bool) {
	s.zones.ascend(fromID, fn)
}

// AscendParcels is AscendZones for parcels.
func (s *Snapshot) AscendParcels(fromID int64, fn func(*zonegis.Parcel) bool) {
	s.parcels.ascend(fromID, fn)
}

// AscendGreenAreas is AscendZones for green areas.
func (s *Snapshot) AscendGreenAreas(fromID int64, fn func(*zonegis.GreenArea) bool) {
	s.greens.ascend(fromID, fn)
}

// ParcelsOfZone calls fn for each parcel whose ZoneID is zoneID, in ID
// order. The zone itself need not be in the index.
func (s *Snapshot) ParcelsOfZone(zoneID int64, fn func(*zonegis.Parcel) bool) {
	s.parcels.ofZone(zoneID, fn)
}

// GreenAreasOfZone is ParcelsOfZone for green areas.
func (s *Snapshot) GreenAreasOfZone(zoneID int64, fn func(*zonegis.GreenArea) bool) {
	s.greens.ofZone(zoneID, fn)
}

// NearbyParcels calls fn for each parcel within radiusM metres of p
// (measure.DistanceM: 0 when p is inside) that passes filter (nil passes
// all), in increasing distance, equal distances in ID order. A negative or
// NaN radiusM matches nothing; +Inf matches every located parcel. filter is
// called during the search, only for parcels whose bound is within radiusM,
// at most once each.
func (s *Snapshot) NearbyParcels(p orb.Point, radiusM float64, filter func(*zonegis.Parcel) bool, fn func(pc *zonegis.Parcel, distM float64) bool) {
	s.parcels.nearby(p, radiusM, filter, fn)
}
