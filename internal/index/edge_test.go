package index

import (
	"math"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// square is a closed lon/lat square of side d degrees with corner at (x, y).
func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

// edgeGeometries is the fixture of awkward boundaries every query must
// survive. located says whether the feature has a position, and so is in
// the R-tree.
var edgeGeometries = []struct {
	name    string
	mp      orb.MultiPolygon
	located bool
}{
	{"nil", nil, false},
	{"empty", orb.MultiPolygon{}, false},
	{"polygon without rings", orb.MultiPolygon{{}}, false},
	{"empty ring", orb.MultiPolygon{{{}}}, false},
	{"NaN vertex", orb.MultiPolygon{{{{106.7, 10.8}, {math.NaN(), 10.8}, {106.7, 10.81}, {106.7, 10.8}}}}, false},
	{"infinite vertex", orb.MultiPolygon{{{{106.7, 10.8}, {math.Inf(1), 10.8}, {106.7, 10.81}, {106.7, 10.8}}}}, false},
	{"empty first polygon", orb.MultiPolygon{{}, square(106.7, 10.8, 0.001)[0]}, true},
	{"single point", orb.MultiPolygon{{{{106.7, 10.8}, {106.7, 10.8}, {106.7, 10.8}, {106.7, 10.8}}}}, true},
	{"segment", orb.MultiPolygon{{{{106.7, 10.8}, {106.71, 10.8}, {106.7, 10.8}}}}, true},
	{"with hole", orb.MultiPolygon{{square(106.7, 10.8, 0.01)[0][0], square(106.702, 10.802, 0.001)[0][0]}}, true},
}

func TestEmptyIndex(t *testing.T) {
	for name, ix := range map[string]*Index{"zero": {}, "New": New()} {
		t.Run(name, func(t *testing.T) {
			s := ix.Snapshot()
			if s == nil || s != ix.Snapshot() {
				t.Fatal("Snapshot is nil or not stable")
			}
			if s.Seq() != 0 {
				t.Errorf("Seq = %d", s.Seq())
			}
			if z, p, g := s.Counts(); z+p+g != 0 {
				t.Errorf("Counts = %d, %d, %d", z, p, g)
			}
			expectNothing(t, s)
			ix.Apply(Batch{Seq: 3, DeletedParcels: []int64{1}})
			if s := ix.Snapshot(); s.Seq() != 3 {
				t.Errorf("Seq after Apply = %d", s.Seq())
			}
			expectNothing(t, ix.Snapshot())
			if s.Seq() != 0 {
				t.Error("old snapshot changed")
			}
		})
	}
	// The zero Snapshot is usable too.
	expectNothing(t, &Snapshot{})
}

// expectNothing runs every query against s and fails on any result.
func expectNothing(t *testing.T, s *Snapshot) {
	t.Helper()
	p := orb.Point{106.7, 10.8}
	fail := func(what string) { t.Helper(); t.Errorf("%s returned something", what) }
	if _, ok := s.Zone(1); ok {
		fail("Zone")
	}
	if _, ok := s.Parcel(1); ok {
		fail("Parcel")
	}
	if _, ok := s.GreenArea(1); ok {
		fail("GreenArea")
	}
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	s.ZonesInBound(world, func(*zonegis.Zone) bool { fail("ZonesInBound"); return true })
	s.ParcelsInBound(world, func(*zonegis.Parcel) bool { fail("ParcelsInBound"); return true })
	s.GreenAreasInBound(world, func(*zonegis.GreenArea) bool { fail("GreenAreasInBound"); return true })
	s.ZonesAt(p, func(*zonegis.Zone) bool { fail("ZonesAt"); return true })
	s.ParcelsAt(p, func(*zonegis.Parcel) bool { fail("ParcelsAt"); return true })
	s.GreenAreasAt(p, func(*zonegis.GreenArea) bool { fail("GreenAreasAt"); return true })
	sq := square(106.6, 10.7, 0.2)
	s.ZonesIntersecting(sq, func(*zonegis.Zone, float64) bool { fail("ZonesIntersecting"); return true })
	s.ParcelsIntersecting(sq, func(*zonegis.Parcel, float64) bool { fail("ParcelsIntersecting"); return true })
	s.GreenAreasIntersecting(sq, func(*zonegis.GreenArea, float64) bool { fail("GreenAreasIntersecting"); return true })
	s.AscendZones(math.MinInt64, func(*zonegis.Zone) bool { fail("AscendZones"); return true })
	s.AscendParcels(math.MinInt64, func(*zonegis.Parcel) bool { fail("AscendParcels"); return true })
	s.AscendGreenAreas(math.MinInt64, func(*zonegis.GreenArea) bool { fail("AscendGreenAreas"); return true })
	s.ParcelsOfZone(1, func(*zonegis.Parcel) bool { fail("ParcelsOfZone"); return true })
	s.GreenAreasOfZone(1, func(*zonegis.GreenArea) bool { fail("GreenAreasOfZone"); return true })
	s.NearbyParcels(p, math.Inf(1), nil, func(*zonegis.Parcel, float64) bool { fail("NearbyParcels"); return true })
}

// TestEdgeGeometry loads, updates and deletes features with each awkward
// boundary and checks they are kept by ID and found spatially only when
// located.
func TestEdgeGeometry(t *testing.T) {
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	normal := square(106.75, 10.85, 0.001)
	for _, tc := range edgeGeometries {
		t.Run(tc.name, func(t *testing.T) {
			odd := &zonegis.Parcel{ID: 7, ZoneID: 1, Boundary: tc.mp}
			ok := &zonegis.Parcel{ID: 8, ZoneID: 1, Boundary: normal}
			ix := New()
			ix.Load(1, []*zonegis.Zone{{ID: 1, Boundary: tc.mp}}, []*zonegis.Parcel{odd, ok}, []*zonegis.GreenArea{{ID: 1, ZoneID: 1, Boundary: tc.mp}})

			cur := tc.mp // parcel 7's boundary
			expect := func(step string, located bool) {
				t.Helper()
				s := ix.Snapshot()
				if got, found := s.ParcelEntries().Get(7); !found || fixedgeom.Points(got.Boundary(nil)) != fixedgeom.Points(cur) ||
					len(got.Boundary(nil)) != len(cur) {
					t.Fatalf("%s: Parcel(7) = %v, %v", step, got, found)
				}
				var of, inBound, nearby []int64
				s.ParcelsOfZone(1, func(p *zonegis.Parcel) bool { of = append(of, p.ID); return true })
				s.ParcelsInBound(world, func(p *zonegis.Parcel) bool { inBound = append(inBound, p.ID); return true })
				s.NearbyParcels(orb.Point{106.7, 10.8}, math.Inf(1), nil, func(p *zonegis.Parcel, _ float64) bool {
					nearby = append(nearby, p.ID)
					return true
				})
				slices.Sort(inBound)
				slices.Sort(nearby)
				want := []int64{8}
				if located {
					want = []int64{7, 8}
				}
				if !slices.Equal(of, []int64{7, 8}) || !slices.Equal(inBound, want) || !slices.Equal(nearby, want) {
					t.Fatalf("%s: of zone %v, in bound %v, nearby %v; want located %v", step, of, inBound, nearby, want)
				}
				if n := s.parcels.tree.Len(); n != len(want) {
					t.Fatalf("%s: R-tree holds %d, want %d", step, n, len(want))
				}
				// The spatial queries must not panic on the feature.
				s.ParcelsAt(orb.Point{106.7, 10.8}, func(*zonegis.Parcel) bool { return true })
				s.ParcelsIntersecting(square(106.6, 10.7, 0.2), func(*zonegis.Parcel, float64) bool { return true })
				s.ZonesAt(orb.Point{106.7, 10.8}, func(*zonegis.Zone) bool { return true })
				s.GreenAreasIntersecting(square(106.6, 10.7, 0.2), func(*zonegis.GreenArea, float64) bool { return true })
			}
			expect("load", tc.located)
			ix.Apply(Batch{Seq: 2, Parcels: []*zonegis.Parcel{{ID: 7, ZoneID: 1, Boundary: normal}}})
			cur = normal
			expect("update to normal", true)
			ix.Apply(Batch{Seq: 3, Parcels: []*zonegis.Parcel{{ID: 7, ZoneID: 1, Boundary: tc.mp}}})
			cur = tc.mp
			expect("update back", tc.located)
			ix.Apply(Batch{Seq: 4, DeletedParcels: []int64{7}, DeletedZones: []int64{1}, DeletedGreenAreas: []int64{1}})
			if _, found := ix.Snapshot().Parcel(7); found {
				t.Fatal("Parcel(7) still there after delete")
			}
			if z, p, g := ix.Snapshot().Counts(); z != 0 || p != 1 || g != 0 {
				t.Fatalf("Counts after delete = %d, %d, %d", z, p, g)
			}
		})
	}
}

func TestBatchSemantics(t *testing.T) {
	a := &zonegis.Parcel{ID: 1, ZoneID: 1, Boundary: square(106.70, 10.80, 0.001)}
	b := &zonegis.Parcel{ID: 2, ZoneID: 1, Boundary: square(106.71, 10.80, 0.001)}
	ix := New()
	// Load: the last of a duplicate ID wins; nils are skipped.
	a0 := &zonegis.Parcel{ID: 1, ZoneID: 9, Boundary: square(106.60, 10.75, 0.001)}
	want := *a // Load replaces the slice's records by its own, which hold no Boundary
	ix.Load(1, nil, []*zonegis.Parcel{a0, nil, b, a}, nil)
	s1 := ix.Snapshot()
	if got, _ := s1.ParcelEntries().Get(1); got == nil || !sameRecord[zonegis.Parcel, parcelFeature](got.WithBoundary(), &want) {
		t.Fatalf("Load duplicate: got %v, want the last", got)
	}
	if _, n, _ := s1.Counts(); n != 2 {
		t.Fatalf("Load: %d parcels", n)
	}
	expectIDs(t, "of zone 9 after Load", nil, func(fn func(*zonegis.Parcel) bool) { s1.ParcelsOfZone(9, fn) })
	expectIDs(t, "at a0 after Load", nil, func(fn func(*zonegis.Parcel) bool) { s1.ParcelsAt(orb.Point{106.6005, 10.7505}, fn) })

	// Apply: deleting absent IDs changes nothing but Seq.
	ix.Apply(Batch{Seq: 2, DeletedParcels: []int64{99, -5}, DeletedZones: []int64{1}, DeletedGreenAreas: []int64{1}})
	s2 := ix.Snapshot()
	if _, n, _ := s2.Counts(); s2.Seq() != 2 || n != 2 {
		t.Fatalf("after deleting absent ids: seq %d, %d parcels", s2.Seq(), n)
	}

	// Upserting an ID twice in one batch: the last wins, the first leaves no trace.
	a1 := &zonegis.Parcel{ID: 1, ZoneID: 3, Boundary: square(106.80, 10.90, 0.001)}
	a2 := &zonegis.Parcel{ID: 1, ZoneID: 4, Boundary: square(106.65, 10.85, 0.001)}
	ix.Apply(Batch{Seq: 3, Parcels: []*zonegis.Parcel{a1, nil, a2}})
	s3 := ix.Snapshot()
	if got, _ := s3.ParcelEntries().Get(1); got == nil || !sameRecord[zonegis.Parcel, parcelFeature](got.WithBoundary(), a2) {
		t.Fatalf("double upsert: got %v, want the last", got)
	}
	for _, at := range []orb.Point{{106.7005, 10.8005}, {106.8005, 10.9005}} {
		expectIDs(t, "at an old place", nil, func(fn func(*zonegis.Parcel) bool) { s3.ParcelsAt(at, fn) })
	}
	expectIDs(t, "at the new place", []int64{1}, func(fn func(*zonegis.Parcel) bool) { s3.ParcelsAt(orb.Point{106.6505, 10.8505}, fn) })
	expectIDs(t, "of zone 1", []int64{2}, func(fn func(*zonegis.Parcel) bool) { s3.ParcelsOfZone(1, fn) })
	expectIDs(t, "of zone 3", nil, func(fn func(*zonegis.Parcel) bool) { s3.ParcelsOfZone(3, fn) })
	expectIDs(t, "of zone 4", []int64{1}, func(fn func(*zonegis.Parcel) bool) { s3.ParcelsOfZone(4, fn) })

	// Upserted and deleted in one batch: deleted.
	ix.Apply(Batch{Seq: 4, Parcels: []*zonegis.Parcel{{ID: 5, Boundary: square(106.7, 10.7, 0.001)}}, DeletedParcels: []int64{5, 2}})
	s4 := ix.Snapshot()
	expectIDs(t, "after upsert+delete", []int64{1}, func(fn func(*zonegis.Parcel) bool) { s4.AscendParcels(math.MinInt64, fn) })

	// Earlier snapshots are untouched.
	expectIDs(t, "snapshot 1", []int64{1, 2}, func(fn func(*zonegis.Parcel) bool) { s1.AscendParcels(math.MinInt64, fn) })
	expectIDs(t, "snapshot 1 of zone 1", []int64{1, 2}, func(fn func(*zonegis.Parcel) bool) { s1.ParcelsOfZone(1, fn) })
	expectIDs(t, "snapshot 1 at a", []int64{1}, func(fn func(*zonegis.Parcel) bool) { s1.ParcelsAt(orb.Point{106.7005, 10.8005}, fn) })
}

func TestDegenerateQueries(t *testing.T) {
	ix := New()
	p := &zonegis.Parcel{ID: 1, Boundary: square(106.7, 10.8, 0.001)}
	z := &zonegis.Zone{ID: 1, Boundary: square(106.7, 10.8, 0.01)}
	ix.Load(1, []*zonegis.Zone{z}, []*zonegis.Parcel{p}, nil)
	s := ix.Snapshot()
	nan := math.NaN()
	for name, b := range map[string]orb.Bound{
		"empty (inverted)": {Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}},
		"inverted around":  {Min: orb.Point{106.8, 10.9}, Max: orb.Point{106.6, 10.7}},
		"zero":             {},
		"NaN":              {Min: orb.Point{nan, nan}, Max: orb.Point{nan, nan}},
		"half NaN":         {Min: orb.Point{106.6, 10.7}, Max: orb.Point{nan, 10.9}},
	} {
		expectIDs(t, "in bound "+name, nil, func(fn func(*zonegis.Parcel) bool) { s.ParcelsInBound(b, fn) })
	}
	// A degenerate bound on a corner still finds the parcel: edges are inclusive.
	corner := orb.Point{106.701, 10.801}
	expectIDs(t, "in point bound at corner", []int64{1}, func(fn func(*zonegis.Parcel) bool) {
		s.ParcelsInBound(orb.Bound{Min: corner, Max: corner}, fn)
	})
	for name, pt := range map[string]orb.Point{"NaN": {nan, nan}, "Inf": {math.Inf(1), 10.8}} {
		expectIDs(t, "at "+name, nil, func(fn func(*zonegis.Parcel) bool) { s.ParcelsAt(pt, fn) })
		expectIDs(t, "nearby "+name, nil, func(fn func(*zonegis.Parcel) bool) {
			s.NearbyParcels(pt, math.Inf(1), nil, func(p *zonegis.Parcel, _ float64) bool { return fn(p) })
		})
	}
	for _, g := range edgeGeometries {
		if !g.located {
			expectIDs(t, "intersecting "+g.name, nil, func(fn func(*zonegis.Parcel) bool) {
				s.ParcelsIntersecting(g.mp, func(p *zonegis.Parcel, _ float64) bool { return fn(p) })
			})
		}
	}
	in := orb.Point{106.7005, 10.8005}
	for _, r := range []float64{-1, nan, math.Inf(-1)} {
		expectIDs(t, "nearby with bad radius", nil, func(fn func(*zonegis.Parcel) bool) {
			s.NearbyParcels(in, r, nil, func(p *zonegis.Parcel, _ float64) bool { return fn(p) })
		})
	}
	expectIDs(t, "nearby within 0 m from inside", []int64{1}, func(fn func(*zonegis.Parcel) bool) {
		s.NearbyParcels(in, 0, nil, func(p *zonegis.Parcel, _ float64) bool { return fn(p) })
	})
	expectIDs(t, "nearby rejecting all", nil, func(fn func(*zonegis.Parcel) bool) {
		s.NearbyParcels(in, 1e6, func(*zonegis.Parcel) bool { return false }, func(p *zonegis.Parcel, _ float64) bool { return fn(p) })
	})
}

// TestNearbyTies: parcels at equal distance come in ID order, and stopping
// inside a tie stops.
func TestNearbyTies(t *testing.T) {
	var ps []*zonegis.Parcel
	for _, id := range []int64{9, 3, 7, 1, 5} { // all contain the query point
		ps = append(ps, &zonegis.Parcel{ID: id, Boundary: square(106.7, 10.8, 0.001*float64(id))})
	}
	ps = append(ps, &zonegis.Parcel{ID: 2, Boundary: square(106.72, 10.8, 0.001)})
	ix := New()
	ix.Load(1, nil, ps, nil)
	s := ix.Snapshot()
	p := orb.Point{106.7001, 10.8001}
	var got []int64
	s.NearbyParcels(p, 10_000, nil, func(pc *zonegis.Parcel, d float64) bool {
		got = append(got, pc.ID)
		return true
	})
	if want := []int64{1, 3, 5, 7, 9, 2}; !slices.Equal(got, want) {
		t.Fatalf("order %v, want %v", got, want)
	}
	got = got[:0]
	s.NearbyParcels(p, 10_000, nil, func(pc *zonegis.Parcel, d float64) bool {
		got = append(got, pc.ID)
		return len(got) < 2
	})
	if want := []int64{1, 3}; !slices.Equal(got, want) {
		t.Fatalf("stopped at %v, want %v", got, want)
	}
}

func expectIDs(t *testing.T, what string, want []int64, each func(func(*zonegis.Parcel) bool)) {
	t.Helper()
	var got []int64
	each(func(p *zonegis.Parcel) bool { got = append(got, p.ID); return true })
	if !slices.Equal(got, want) {
		t.Errorf("%s: got %v, want %v", what, got, want)
	}
}

// TestMutatedGeometry: a caller that breaks the contract and changes a
// stored geometry in place still gets a consistent index on the next update.
func TestMutatedGeometry(t *testing.T) {
	p := &zonegis.Parcel{ID: 1, ZoneID: 1, Boundary: square(106.70, 10.80, 0.001)}
	ix := New()
	ix.Load(1, nil, []*zonegis.Parcel{p}, nil)
	p.Boundary = square(106.80, 10.90, 0.001) // not allowed, but done
	q := &zonegis.Parcel{ID: 1, ZoneID: 1, Boundary: square(106.60, 10.70, 0.001)}
	ix.Apply(Batch{Seq: 2, Parcels: []*zonegis.Parcel{q}})
	s := ix.Snapshot()
	world := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	expectIDs(t, "in bound", []int64{1}, func(fn func(*zonegis.Parcel) bool) { s.ParcelsInBound(world, fn) })
	if n := s.parcels.tree.Len(); n != 1 {
		t.Fatalf("R-tree holds %d", n)
	}
}
