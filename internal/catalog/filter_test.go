package catalog

import (
	"math/rand/v2"
	"net/url"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestFilterFindAgreesWithScan: a CQL2 filter keeps in Find (by the
// R-tree, narrowed to its spatial literal's bound) the features Scan
// keeps (every feature, tested whole), and the ones a brute test keeps.
func TestFilterFindAgreesWithScan(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := randomSnapshot(rng, 600)
	for _, f := range []string{
		"S_INTERSECTS(geometry, POLYGON((105.3 10.3, 107.5 10.4, 106.2 10.9, 105.3 10.3))) AND area_m2 > 0",
		"status = 'leased' OR S_WITHIN(geometry, BBOX(105, 10, 107, 11))",
		"NOT S_DISJOINT(geometry, BBOX(106, 10.2, 106.5, 10.7))",
	} {
		q, err := Parcels.Parse(s, url.Values{"filter": {f}})
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		pg := Parcels.Find(s, &q, 0, 1<<30)
		var scanned []int64
		Parcels.Scan(s, &q, func(p *zonegis.Parcel) bool { scanned = append(scanned, p.ID); return true })
		if len(pg.Features) != len(scanned) || pg.Matched != len(scanned) {
			t.Errorf("%s: Find %d (matched %d), Scan %d", f, len(pg.Features), pg.Matched, len(scanned))
		}
		for i := range scanned {
			if i < len(pg.Features) && pg.Features[i].ID != scanned[i] {
				t.Errorf("%s: Find and Scan differ at %d", f, i)
				break
			}
		}
		if len(scanned) == 0 {
			t.Errorf("%s: matched nothing", f)
		}
		pg.Release()
	}
}

// TestFilterBudget: a filter whose work passes MaxFilterWork is ETOOLARGE,
// not a partial answer.
func TestFilterBudget(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	s := randomSnapshot(rng, 600)
	f := "ACCENTI(lot_code) LIKE ACCENTI('%x%')"
	q, err := Parcels.Parse(s, url.Values{"filter": {f}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 10 && q.FilterErr() == nil; i++ {
		pg := Parcels.Find(s, &q, 0, 10)
		pg.Release()
	}
	if q.FilterErr() != nil {
		t.Fatalf("600 parcels spent the budget: %v", q.FilterErr())
	}
	program[zonegis.Parcel](&q).Spend(MaxFilterWork)
	pg := Parcels.Find(s, &q, 0, 10)
	defer pg.Release()
	if zonegis.ErrorCode(q.FilterErr()) != zonegis.ETOOLARGE || pg.Matched != 0 {
		t.Errorf("past the budget: %v, matched %d", q.FilterErr(), pg.Matched)
	}
}
