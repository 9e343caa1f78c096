package index

import (
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestExtentsFollowApply: the extents are the bound of the features a
// snapshot holds (brute force the oracle) after loads, upserts and deletes,
// and the times those the records carry; an older snapshot keeps its own.
func TestExtentsFollowApply(t *testing.T) {
	sq := func(x, y, d float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
	}
	d := func(s string) time.Time { v, _ := time.Parse(time.DateOnly, s); return v }
	e1, e2 := d("1991-09-24"), d("2005-01-01")
	from := d("2022-03-01")
	ix := New()
	ix.Load(1,
		[]*zonegis.Zone{{ID: 1, Established: &e1, UpdatedAt: d("2020-01-01"), Boundary: sq(106, 10, 1)},
			{ID: 2, Established: &e2, UpdatedAt: d("2024-01-01"), Boundary: sq(108, 12, 1)}},
		[]*zonegis.Parcel{{ID: 1, ZoneID: 1, ValidFrom: &from, Boundary: sq(106.1, 10.1, 0.1)}, {ID: 2, ZoneID: 2, ValidFrom: &from, Boundary: sq(108.5, 12.5, 0.1)}},
		[]*zonegis.GreenArea{{ID: 1, ZoneID: 1, UpdatedAt: d("2021-05-05"), Boundary: sq(106.2, 10.2, 0.1)}})
	old := ix.Snapshot()
	z, p, g := old.Extents()
	if z.Bound != (orb.Bound{Min: orb.Point{106, 10}, Max: orb.Point{109, 13}}) || !z.Start.Equal(e1) || !z.End.Equal(d("2024-01-01")) {
		t.Errorf("zones: %+v", z)
	}
	if p.Bound != (orb.Bound{Min: orb.Point{106.1, 10.1}, Max: orb.Point{108.6, 12.6}}) || !p.Start.Equal(from) || !p.End.IsZero() {
		t.Errorf("parcels: %+v", p)
	}
	if !g.Located || !g.Start.Equal(d("2021-05-05")) || !g.End.Equal(d("2021-05-05")) {
		t.Errorf("green areas: %+v", g)
	}
	ix.Apply(Batch{Seq: 2, DeletedZones: []int64{2}, DeletedParcels: []int64{2}, DeletedGreenAreas: []int64{1},
		Parcels: []*zonegis.Parcel{{ID: 3, ZoneID: 1, Boundary: sq(105.5, 9.5, 0.1)}}})
	z, p, g = ix.Snapshot().Extents()
	if z.Bound != sq(106, 10, 1).Bound() || !z.End.Equal(d("2020-01-01")) {
		t.Errorf("zones after delete: %+v", z)
	}
	// The bound of the coordinates the index holds, rounded to 1e-9°:
	// 106.2, not the sum 106.1+0.1 (106.19999999999999).
	if want := (orb.Bound{Min: orb.Point{105.5, 9.5}, Max: orb.Point{106.2, 10.2}}); p.Bound != want || !p.Start.IsZero() {
		t.Errorf("parcels after the writes: %+v, want %v from always (parcel 3 has no ValidFrom)", p, want)
	}
	if g.Located {
		t.Errorf("no green area left, yet %+v", g)
	}
	if z, _, _ := old.Extents(); z.Bound.Max != (orb.Point{109, 13}) {
		t.Errorf("the old snapshot's extent changed: %+v", z)
	}
}
