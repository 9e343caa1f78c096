package index

import (
	"cmp"
	"maps"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// model is the expected content of the index: plain maps, queried by
// linear scan.
type model struct {
	seq     int64
	zones   map[int64]*zonegis.Zone
	parcels map[int64]*zonegis.Parcel
	greens  map[int64]*zonegis.GreenArea
}

// asHeld is a copy of v with its geometry as the index holds it: rounded
// to 1e-9 degrees (fixedgeom), so that the brute-force answers are of the
// same geometry the index searches.
func asHeld[T any, F feature[T]](v *T) *T {
	var f F
	c := *v
	g := fixedgeom.From(f.boundary(v), nil)
	f.setBoundary(&c, g.Decode(nil))
	return &c
}

func newModel(seq int64, zones []*zonegis.Zone, parcels []*zonegis.Parcel, greens []*zonegis.GreenArea) *model {
	m := &model{seq: seq, zones: map[int64]*zonegis.Zone{}, parcels: map[int64]*zonegis.Parcel{}, greens: map[int64]*zonegis.GreenArea{}}
	for _, z := range zones {
		if z != nil {
			m.zones[z.ID] = asHeld[zonegis.Zone, zoneFeature](z)
		}
	}
	for _, p := range parcels {
		if p != nil {
			m.parcels[p.ID] = asHeld[zonegis.Parcel, parcelFeature](p)
		}
	}
	for _, g := range greens {
		if g != nil {
			m.greens[g.ID] = asHeld[zonegis.GreenArea, greenFeature](g)
		}
	}
	return m
}

func (m *model) clone() *model {
	return &model{seq: m.seq, zones: maps.Clone(m.zones), parcels: maps.Clone(m.parcels), greens: maps.Clone(m.greens)}
}

// apply is the specification of Index.Apply.
func (m *model) apply(b Batch) {
	m.seq = b.Seq
	for _, z := range b.Zones {
		if z != nil {
			m.zones[z.ID] = asHeld[zonegis.Zone, zoneFeature](z)
		}
	}
	for _, p := range b.Parcels {
		if p != nil {
			m.parcels[p.ID] = asHeld[zonegis.Parcel, parcelFeature](p)
		}
	}
	for _, g := range b.GreenAreas {
		if g != nil {
			m.greens[g.ID] = asHeld[zonegis.GreenArea, greenFeature](g)
		}
	}
	for _, id := range b.DeletedZones {
		delete(m.zones, id)
	}
	for _, id := range b.DeletedParcels {
		delete(m.parcels, id)
	}
	for _, id := range b.DeletedGreenAreas {
		delete(m.greens, id)
	}
}

// view binds one kind's snapshot methods to its expected map.
type view[T any] struct {
	name         string
	want         map[int64]*T
	get          func(int64) (*T, bool)
	inBound      func(orb.Bound, func(*T) bool)
	inBox        func(orb.Bound, func(*T) bool) // ...IntersectingBound
	at           func(orb.Point, func(*T) bool)
	intersecting func(orb.MultiPolygon, func(*T, float64) bool)
	ascend       func(int64, func(*T) bool)
	ofZone       func(int64, func(*T) bool) // nil for zones
}

// queries are the probes one check runs, shared by the three kinds.
type queries struct {
	bounds []orb.Bound
	points []orb.Point
	shapes []orb.MultiPolygon
	radii  []float64 // NearbyParcels, paired with points
	limits []int     // stop after this many results; 0: never
}

// newQueries makes n probes of each sort. Points and bounds are drawn both
// at random and from the features themselves (vertices, exact bounds), so
// that boundary cases are hit.
func newQueries(g *gen, m *model, n int) queries {
	var q queries
	var shapes []orb.MultiPolygon // in ID order: map order is random
	for _, id := range slices.Sorted(maps.Keys(m.parcels)) {
		shapes = append(shapes, m.parcels[id].Boundary)
	}
	for _, id := range slices.Sorted(maps.Keys(m.zones)) {
		shapes = append(shapes, m.zones[id].Boundary)
	}
	pick := func() orb.MultiPolygon {
		if len(shapes) == 0 {
			return nil
		}
		return shapes[g.r.IntN(len(shapes))]
	}
	for i := range n {
		switch s := pick(); {
		case s != nil && i%4 == 0: // a vertex, or within measure's 1e-9° of it
			ring := s[0][0]
			p := ring[g.r.IntN(len(ring))]
			if i%8 == 0 {
				p[0] += (g.r.Float64() - 0.5) * 1.4e-9
				p[1] += (g.r.Float64() - 0.5) * 1.4e-9
			}
			q.points = append(q.points, p)
		case s != nil && i%4 == 1: // the bound centre: usually inside
			q.points = append(q.points, s.Bound().Center())
		default:
			q.points = append(q.points, g.point(hcmc))
		}
		switch s := pick(); {
		case s != nil && i%5 == 0: // exactly a feature's bound: edges touch
			q.bounds = append(q.bounds, s.Bound())
		case i%5 == 1: // a point
			p := g.point(hcmc)
			q.bounds = append(q.bounds, orb.Bound{Min: p, Max: p})
		case s != nil && i%5 == 2: // a tiny box inside a feature's bound: often in a notch
			c, d := g.point(s.Bound()), g.r.Float64()*2e-5
			q.bounds = append(q.bounds, orb.Bound{Min: c, Max: orb.Point{c[0] + d, c[1] + d}})
		default:
			c, w, h := g.point(hcmc), g.r.Float64()*0.03, g.r.Float64()*0.03
			q.bounds = append(q.bounds, orb.Bound{Min: orb.Point{c[0] - w, c[1] - h}, Max: orb.Point{c[0] + w, c[1] + h}})
		}
		if s := pick(); s != nil && i%5 == 2 { // a neighbour just touching, or 0.5e-9° off
			b := s.Bound()
			q.shapes = append(q.shapes, shift(s, b.Max[0]-b.Min[0]+float64(g.r.IntN(3)-1)*5e-10, 0))
		} else {
			q.shapes = append(q.shapes, g.shape(g.point(hcmc), 50+g.r.Float64()*3000))
		}
		switch i % 4 {
		case 0:
			q.radii = append(q.radii, 0)
		case 1:
			q.radii = append(q.radii, 50_000) // everything, with a limit
		default:
			q.radii = append(q.radii, g.r.Float64()*1500)
		}
		q.limits = append(q.limits, []int{0, 0, 1, 3, 20}[g.r.IntN(5)])
	}
	return q
}

// check compares every query of s against a linear scan of m.
func check(t *testing.T, g *gen, s *Snapshot, m *model, n int) {
	t.Helper()
	if s.Seq() != m.seq {
		t.Errorf("Seq = %d, want %d", s.Seq(), m.seq)
	}
	nz, np, ng := s.Counts()
	if nz != len(m.zones) || np != len(m.parcels) || ng != len(m.greens) {
		t.Errorf("Counts = %d, %d, %d; want %d, %d, %d", nz, np, ng, len(m.zones), len(m.parcels), len(m.greens))
	}
	q := newQueries(g, m, n)
	maxZone := int64(0)
	for id := range m.zones {
		maxZone = max(maxZone, id)
	}
	checkKind[zonegis.Zone, zoneFeature](t, g, q, maxZone, view[zonegis.Zone]{
		"zone", m.zones, withBoundary(s.ZoneEntries()), s.ZonesInBound, s.ZonesIntersectingBound, s.ZonesAt, s.ZonesIntersecting, s.AscendZones, nil,
	})
	checkKind[zonegis.Parcel, parcelFeature](t, g, q, maxZone, view[zonegis.Parcel]{
		"parcel", m.parcels, withBoundary(s.ParcelEntries()), s.ParcelsInBound, s.ParcelsIntersectingBound, s.ParcelsAt, s.ParcelsIntersecting, s.AscendParcels, s.ParcelsOfZone,
	})
	checkKind[zonegis.GreenArea, greenFeature](t, g, q, maxZone, view[zonegis.GreenArea]{
		"green area", m.greens, withBoundary(s.GreenAreaEntries()), s.GreenAreasInBound, s.GreenAreasIntersectingBound, s.GreenAreasAt, s.GreenAreasIntersecting, s.AscendGreenAreas, s.GreenAreasOfZone,
	})
	checkNearby(t, s, m, q)
}

func checkKind[T any, F feature[T]](t *testing.T, g *gen, q queries, maxZone int64, v view[T]) {
	t.Helper()
	var f F
	ids := slices.Sorted(maps.Keys(v.want))

	// By ID: the index's copy of the record given.
	for _, id := range ids {
		if got, ok := v.get(id); !ok || !sameRecord[T, F](got, v.want[id]) {
			t.Fatalf("%s %d: got %+v, %v; want %+v", v.name, id, got, ok, v.want[id])
		}
	}
	for range 20 {
		id := g.r.Int64N(int64(len(ids))*3+10) - 5
		if _, want := v.want[id]; !want {
			if got, ok := v.get(id); ok {
				t.Fatalf("%s %d: got %p for a missing id", v.name, id, got)
			}
		}
	}

	// Ascend.
	froms := []int64{math.MinInt64, math.MaxInt64, 0}
	if len(ids) > 0 {
		for range len(q.limits) {
			id := ids[g.r.IntN(len(ids))]
			froms = append(froms, id, id+1)
		}
		froms = append(froms, ids[len(ids)-1]+1)
	}
	for i, from := range froms {
		limit := q.limits[i%len(q.limits)]
		var want []int64
		for _, id := range ids {
			if id >= from && (limit == 0 || len(want) < limit) {
				want = append(want, id)
			}
		}
		got := collectIDs[T, F](limit, func(fn func(*T) bool) { v.ascend(from, fn) })
		if !slices.Equal(got, want) {
			t.Fatalf("Ascend %ss from %d (limit %d): got %v, want %v", v.name, from, limit, got, want)
		}
	}

	// Of zone.
	if v.ofZone != nil {
		byZone := map[int64][]int64{}
		for _, id := range ids { // in ID order
			z := f.zoneID(v.want[id])
			byZone[z] = append(byZone[z], id)
		}
		for z := int64(-1); z <= maxZone+2; z++ {
			got := collectIDs[T, F](0, func(fn func(*T) bool) { v.ofZone(z, fn) })
			if !slices.Equal(got, byZone[z]) {
				t.Fatalf("%ss of zone %d: got %v, want %v", v.name, z, got, byZone[z])
			}
		}
	}

	// In bound: rectangle test on the feature's bound, edges inclusive.
	bounds := map[int64]orb.Bound{}
	for id, x := range v.want {
		if xb, ok := boundOrb(f.boundary(x)); ok {
			bounds[id] = xb
		}
	}
	for i, b := range q.bounds {
		want := map[int64]bool{}
		for id, xb := range bounds {
			if xb.Intersects(b) {
				want[id] = true
			}
		}
		got := collectSet[T, F](t, func(fn func(*T) bool) { v.inBound(b, fn) })
		compareSets(t, v.name+"s in bound", i, got, want)
	}

	// Intersecting a bound: the geometry, not its bound, meets the box
	// (measure.IntersectsBound; PostGIS is the oracle of that predicate in
	// the httpapi tests).
	for i, b := range q.bounds {
		want := map[int64]bool{}
		for id, x := range v.want {
			if measure.IntersectsBound(f.boundary(x), b) {
				want[id] = true
			}
		}
		got := collectSet[T, F](t, func(fn func(*T) bool) { v.inBox(b, fn) })
		compareSets(t, v.name+"s intersecting bound", i, got, want)
	}

	// At: exact containment, boundary included.
	for i, p := range q.points {
		want := map[int64]bool{}
		for id, x := range v.want {
			if len(f.boundary(x)) > 0 && measure.Contains(f.boundary(x), p) {
				want[id] = true
			}
		}
		got := collectSet[T, F](t, func(fn func(*T) bool) { v.at(p, fn) })
		compareSets(t, v.name+"s at point", i, got, want)
	}

	// Intersecting, with the overlap area.
	for i, shape := range q.shapes {
		want := map[int64]float64{}
		for id, x := range v.want {
			if len(f.boundary(x)) > 0 && measure.Intersects(f.boundary(x), shape) {
				want[id] = measure.IntersectionAreaM2(f.boundary(x), shape)
			}
		}
		got := map[int64]float64{}
		v.intersecting(shape, func(x *T, areaM2 float64) bool {
			id := f.id(x)
			if _, dup := got[id]; dup {
				t.Fatalf("%ss intersecting #%d: %d twice", v.name, i, id)
			}
			got[id] = areaM2
			return true
		})
		// The index prepares the shape (measure.Prepared), whose sums run
		// as IntersectionAreaM2's but may classify a piece that grazes a
		// boundary the other way: equal to a few 1e-10 m².
		if !maps.EqualFunc(got, want, func(a, b float64) bool { return math.Abs(a-b) <= 1e-9+1e-12*math.Abs(b) }) {
			t.Fatalf("%ss intersecting #%d %v:\n got %v\nwant %v", v.name, i, shape, got, want)
		}
	}
	// Early stop.
	if len(ids) > 1 {
		n := 0
		v.inBound(hcmc, func(*T) bool { n++; return n < 2 })
		if n != 2 {
			t.Fatalf("%ss in bound: fn called %d times after returning false at 2", v.name, n)
		}
		// Past the first batch of exact tests too (see intersectingBound).
		for _, stop := range []int{1, 2, 40} {
			n = 0
			v.inBox(hcmc, func(*T) bool { n++; return n < stop })
			if n != min(stop, len(ids)) {
				t.Fatalf("%ss intersecting bound: fn called %d times after returning false at %d", v.name, n, stop)
			}
		}
	}
}

// boundOrb is the oracle's bound: orb's, when every coordinate is finite.
func boundOrb(mp orb.MultiPolygon) (orb.Bound, bool) {
	if len(mp) == 0 || len(mp[0]) == 0 || len(mp[0][0]) == 0 {
		return orb.Bound{}, false
	}
	b := mp.Bound()
	return b, finite(b.Min[0]) && finite(b.Min[1]) && finite(b.Max[0]) && finite(b.Max[1])
}

type nearbyHit struct {
	id    int64
	distM float64
}

func checkNearby(t *testing.T, s *Snapshot, m *model, q queries) {
	t.Helper()
	available := func(p *zonegis.Parcel) bool { return p.Status == zonegis.ParcelAvailable }
	var located []*zonegis.Parcel
	for _, pc := range m.parcels {
		if _, ok := boundOrb(pc.Boundary); ok {
			located = append(located, pc)
		}
	}
	for i, p := range q.points {
		radiusM, limit := q.radii[i], q.limits[i]
		var filter func(*zonegis.Parcel) bool
		if i%3 == 0 {
			filter = available
		}
		var want []nearbyHit
		for _, pc := range located {
			if filter != nil && !filter(pc) {
				continue
			}
			if d := measure.DistanceM(p, pc.Boundary); d <= radiusM {
				want = append(want, nearbyHit{pc.ID, d})
			}
		}
		slices.SortFunc(want, func(a, b nearbyHit) int { return cmp.Or(cmp.Compare(a.distM, b.distM), cmp.Compare(a.id, b.id)) })
		if limit > 0 && len(want) > limit {
			want = want[:limit]
		}
		var got []nearbyHit
		filtered := map[int64]int{}
		countingFilter := filter
		if filter != nil {
			countingFilter = func(pc *zonegis.Parcel) bool { filtered[pc.ID]++; return filter(pc) }
		}
		s.NearbyParcels(p, radiusM, countingFilter, func(pc *zonegis.Parcel, d float64) bool {
			got = append(got, nearbyHit{pc.ID, d})
			return limit == 0 || len(got) < limit
		})
		if !slices.Equal(got, want) {
			t.Fatalf("NearbyParcels #%d at %v within %v m (filter %v, limit %d):\n got %v\nwant %v",
				i, p, radiusM, filter != nil, limit, got, want)
		}
		for id, n := range filtered {
			if n > 1 {
				t.Fatalf("NearbyParcels #%d: filter called %d times for %d", i, n, id)
			}
		}
	}
}

func collectIDs[T any, F feature[T]](limit int, each func(func(*T) bool)) []int64 {
	var f F
	var ids []int64
	each(func(x *T) bool {
		ids = append(ids, f.id(x))
		return limit == 0 || len(ids) < limit
	})
	return ids
}

func collectSet[T any, F feature[T]](t *testing.T, each func(func(*T) bool)) map[int64]bool {
	t.Helper()
	var f F
	got := map[int64]bool{}
	each(func(x *T) bool {
		if got[f.id(x)] {
			t.Fatalf("%d returned twice", f.id(x))
		}
		got[f.id(x)] = true
		return true
	})
	return got
}

func compareSets(t *testing.T, what string, i int, got, want map[int64]bool) {
	t.Helper()
	if maps.Equal(got, want) {
		return
	}
	var missing, extra []int64
	for id := range want {
		if !got[id] {
			missing = append(missing, id)
		}
	}
	for id := range got {
		if !want[id] {
			extra = append(extra, id)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	t.Fatalf("%s #%d: missing %v, extra %v", what, i, missing, extra)
}

// randomBatch makes a batch of inserts (new IDs from *next), updates that
// move geometry, deletes of present and absent IDs, and repeats.
func randomBatch(g *gen, m *model, seq int64, next *int64, zones int) Batch {
	b := Batch{Seq: seq}
	r := g.r
	some := func(ids []int64, n int) []int64 {
		r.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		return ids[:min(n, len(ids))]
	}
	newID := func() int64 { *next += 1 + r.Int64N(3); return *next }

	for range r.IntN(3) {
		b.Zones = append(b.Zones, g.zone(newID()))
	}
	for _, id := range some(slices.Sorted(maps.Keys(m.zones)), r.IntN(3)) {
		z := g.zone(id)
		z.Version = m.zones[id].Version + 1
		b.Zones = append(b.Zones, z)
	}
	for range r.IntN(60) {
		b.Parcels = append(b.Parcels, g.parcel(newID(), zones))
	}
	for _, id := range some(slices.Sorted(maps.Keys(m.parcels)), r.IntN(80)) {
		b.Parcels = append(b.Parcels, g.movedParcel(m.parcels[id], zones))
		if r.IntN(10) == 0 { // upserted twice in one batch: last wins
			b.Parcels = append(b.Parcels, g.movedParcel(m.parcels[id], zones))
		}
	}
	for range r.IntN(15) {
		b.GreenAreas = append(b.GreenAreas, g.green(newID(), zones))
	}
	for _, id := range some(slices.Sorted(maps.Keys(m.greens)), r.IntN(15)) {
		q := g.green(id, zones)
		q.Version = m.greens[id].Version + 1
		b.GreenAreas = append(b.GreenAreas, q)
	}
	if r.IntN(3) == 0 {
		b.Parcels = append(b.Parcels, nil)
	}

	b.DeletedZones = some(slices.Sorted(maps.Keys(m.zones)), r.IntN(2))
	b.DeletedParcels = some(slices.Sorted(maps.Keys(m.parcels)), r.IntN(60))
	b.DeletedGreenAreas = some(slices.Sorted(maps.Keys(m.greens)), r.IntN(10))
	// Absent IDs, and an ID upserted and deleted in the same batch.
	b.DeletedParcels = append(b.DeletedParcels, -1, *next+1000)
	b.DeletedGreenAreas = append(b.DeletedGreenAreas, *next+7)
	if len(b.Parcels) > 0 && b.Parcels[0] != nil {
		b.DeletedParcels = append(b.DeletedParcels, b.Parcels[0].ID)
	}
	return b
}

// randomLoad makes a full content with IDs from *next, including a
// duplicate ID (the last given wins) and a nil.
func randomLoad(g *gen, next *int64, zones, parcels, greens int) ([]*zonegis.Zone, []*zonegis.Parcel, []*zonegis.GreenArea) {
	var zs []*zonegis.Zone
	for id := range int64(zones) {
		zs = append(zs, g.zone(id+1))
	}
	var ps []*zonegis.Parcel
	for range parcels {
		*next += 1 + g.r.Int64N(3)
		ps = append(ps, g.parcel(*next, zones))
	}
	var gs []*zonegis.GreenArea
	for range greens {
		*next += 1 + g.r.Int64N(3)
		gs = append(gs, g.green(*next, zones))
	}
	// Load must not rely on input order.
	g.r.Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	g.r.Shuffle(len(gs), func(i, j int) { gs[i], gs[j] = gs[j], gs[i] })
	ps = append(ps, nil, g.parcel(ps[0].ID, zones))
	gs = append(gs, g.green(gs[len(gs)-1].ID, zones))
	return zs, ps, gs
}

// withBoundary is a snapshot's Get with the records' geometries
// (Entry.WithBoundary), to compare with the records given.
func withBoundary[T any](es Entries[T]) func(int64) (*T, bool) {
	return func(id int64) (*T, bool) {
		if e, ok := es.Get(id); ok {
			return e.WithBoundary(), true
		}
		return nil, false
	}
}

// sameRecord reports whether got is want as the index holds it: equal
// but for the geometry, whose coordinates are want's rounded to 1e-9
// degrees (within half of that).
func sameRecord[T any, F feature[T]](got, want *T) bool {
	var f F
	g, w := *got, *want
	f.setBoundary(&g, nil)
	f.setBoundary(&w, nil)
	gb, wb := f.boundary(got), f.boundary(want)
	return reflect.DeepEqual(g, w) && (len(gb) == 0 && len(wb) == 0 || near(gb, wb, 0.5e-9))
}
