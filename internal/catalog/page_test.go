package catalog

import (
	"cmp"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// lShape is a concave L of size d at (x, y), with a hole in its long arm
// when holed: its envelope holds points its geometry does not.
func lShape(x, y, d float64, holed bool) orb.Polygon {
	p := orb.Polygon{{{x, y}, {x + d, y}, {x + d, y + d/3}, {x + d/3, y + d/3}, {x + d/3, y + d}, {x, y + d}, {x, y}}}
	if holed {
		p = append(p, orb.Ring{{x + d/12, y + d/2}, {x + d/12, y + 0.8*d}, {x + d/4, y + 0.8*d}, {x + d/4, y + d/2}, {x + d/12, y + d/2}})
	}
	return p
}

// randomSnapshot: 4 zones of 2 boards, and n parcels of irregular shape
// (concave, holed, two-part) spread over them, some near the antimeridian.
func randomSnapshot(rng *rand.Rand, n int) *index.Snapshot {
	zones := make([]*zonegis.Zone, 4)
	for i := range zones {
		x := 105.0 + float64(i)
		if i == 3 {
			x = 179.0 // touches the antimeridian
		}
		zones[i] = &zonegis.Zone{ID: int64(i + 1), Code: "Z" + string(rune('A'+i)), BoardID: []string{"a", "b"}[i%2],
			Province: "P", Kind: "industrial_park", Status: "operating", Model: "conventional", AreaM2: 1e6,
			Boundary: orb.MultiPolygon{{{{x, 10}, {x + 1, 10}, {x + 1, 11}, {x, 11}, {x, 10}}}}}
	}
	ps := make([]*zonegis.Parcel, n)
	for i := range ps {
		z := zones[rng.IntN(len(zones))]
		b := z.Boundary.Bound()
		d := 0.02 + rng.Float64()*0.1
		x, y := b.Min[0]+rng.Float64()*(1-d), b.Min[1]+rng.Float64()*(1-d)
		mp := orb.MultiPolygon{lShape(x, y, d, rng.IntN(3) == 0)}
		if rng.IntN(4) == 0 && x+2*d < b.Max[0] {
			mp = append(mp, lShape(x+d+d/10, y, d/2, false))
		}
		ps[i] = &zonegis.Parcel{ID: int64(i + 1), ZoneID: z.ID, LandUse: []string{"industrial", "warehouse"}[rng.IntN(2)],
			Status: []string{"available", "leased"}[rng.IntN(2)], AreaM2: float64(1+rng.IntN(9)) * 1e4, Boundary: mp}
	}
	ix := index.New()
	ix.Load(1, zones, ps, nil)
	return ix.Snapshot()
}

// TestFindAgreesWithScan: over random boxes (some crossing the
// antimeridian) and filters, paging through Find gives, in id order, the
// features Scan visits, which are those a brute force over every parcel
// keeps (the filters, and the geometry intersecting a box), with
// numberMatched their count on every page.
func TestFindAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 16))
	s := randomSnapshot(rng, 600)
	filters := []string{"", "zone=1", "zone=ZD", "board=a", "status=leased", "land_use=warehouse&min_area_ha=3&max_area_ha=6", "zone=2&status=available"}
	nonEmpty := 0
	for trial := range 300 {
		var q Query
		{
			qq, err := Parcels.Parse(s, parseRaw(t, filters[trial%len(filters)]))
			if err != nil {
				t.Fatal(err)
			}
			q = qq
		}
		switch trial % 3 {
		case 0: // no bbox
		case 1:
			x, y := 104.5+rng.Float64()*4, 9.5+rng.Float64()*1.5
			w, h := rng.Float64()*0.5, rng.Float64()*0.5
			q.Bounds = []orb.Bound{{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}}
		case 2: // crossing the antimeridian, as the transport splits it
			y := 9.5 + rng.Float64()*1.5
			q.Bounds = []orb.Bound{
				{Min: orb.Point{179 + rng.Float64(), y}, Max: orb.Point{180, y + 0.5}},
				{Min: orb.Point{-180, y}, Max: orb.Point{-179, y + 0.5}},
			}
			if rng.IntN(2) == 0 { // and one overlapping the other, so features are found twice
				q.Bounds[1] = orb.Bound{Min: orb.Point{179.2, y}, Max: orb.Point{180, y + 0.3}}
			}
		}
		var want []int64
		s.ParcelEntries().Ascend(0, func(e *index.Entry[zonegis.Parcel]) bool {
			p := e.Record()
			if (q.zoneID == 0 || p.ZoneID == q.zoneID) && Parcels.k.match(&q, p) && bruteInBoxes(e.Boundary(nil), q.Bounds) {
				want = append(want, p.ID)
			}
			return true
		})
		var scanned []int64
		Parcels.Scan(s, &q, func(p *zonegis.Parcel) bool { scanned = append(scanned, p.ID); return true })
		if !slices.Equal(scanned, want) {
			t.Fatalf("trial %d: Scan %v; want %v", trial, scanned, want)
		}
		limit := 1 + rng.IntN(40)
		var paged []int64
		for offset := 0; ; offset += limit {
			p := Parcels.Find(s, &q, offset, limit)
			if p.Matched != len(want) {
				t.Fatalf("trial %d offset %d: matched %d; want %d", trial, offset, p.Matched, len(want))
			}
			for _, v := range p.Features {
				paged = append(paged, v.ID)
			}
			n := len(p.Features)
			p.Release()
			if n < limit {
				break
			}
		}
		if !slices.Equal(paged, want) {
			t.Fatalf("trial %d: Find pages %v; want %v", trial, paged, want)
		}
		if len(want) > 0 && q.Bounds != nil {
			nonEmpty++
		}
	}
	if nonEmpty < 50 {
		t.Fatalf("only %d bbox trials found anything; the test proves little", nonEmpty)
	}
}

// bruteInBoxes: the geometry intersects one of the boxes, or there are none.
func bruteInBoxes(mp orb.MultiPolygon, bs []orb.Bound) bool {
	if bs == nil {
		return true
	}
	for _, b := range bs {
		if measure.IntersectsBound(mp, b) {
			return true
		}
	}
	return false
}

// TestFindOffsetPastEnd: an offset beyond the matches gives an empty page
// that still counts them.
func TestFindOffsetPastEnd(t *testing.T) {
	s := fixture()
	q, err := Parcels.Parse(s, parseRaw(t, ""))
	if err != nil {
		t.Fatal(err)
	}
	p := Parcels.Find(s, &q, 10, 5)
	defer p.Release()
	if len(p.Features) != 0 || p.Matched != 4 {
		t.Fatalf("got %d features, matched %d; want 0, 4", len(p.Features), p.Matched)
	}
}

// sortHits puts any hits in id order, as a sort by id does: few and many,
// ids in order, reversed, in runs (as an R-tree hands them out) and at
// random, and ids the packed keys cannot hold (negative, 2^48 and over),
// which take the comparison sort.
func TestSortHits(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 9))
	p := &Page[zonegis.Parcel]{}
	for round := range 2000 {
		n := rng.IntN(300)
		if round%100 == 0 {
			n = 1<<16 + rng.IntN(3)
		}
		ids := rng.Perm(n * 3)[:n]
		switch round % 5 {
		case 1:
			slices.Sort(ids)
		case 2:
			slices.Sort(ids)
			slices.Reverse(ids)
		case 3: // runs of ascending ids
			for i := 0; i < n; i += 9 {
				slices.Sort(ids[i:min(i+9, n)])
			}
		}
		p.hits = p.hits[:0]
		for _, id := range ids {
			e := new(index.Entry[zonegis.Parcel])
			p.hits = append(p.hits, hit[zonegis.Parcel]{int64(id), e})
		}
		if round%7 == 6 && n > 0 {
			p.hits[rng.IntN(n)].id = []int64{-5, 1 << 48, 1<<62 + 3}[rng.IntN(3)]
		}
		want := slices.Clone(p.hits)
		slices.SortFunc(want, func(a, b hit[zonegis.Parcel]) int { return cmp.Compare(a.id, b.id) })
		p.sortHits()
		if !slices.Equal(p.hits, want) {
			t.Fatalf("round %d (%d hits): not in id order", round, n)
		}
	}
}
