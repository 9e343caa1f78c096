package stats_test

import (
	"context"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/stats"
)

// TestDiscloseLesseeOfTwoSmallLeases gives one lessee two leases in a zone,
// each well below the zone's rounding unit but together above it, and the
// zone's other lessees small leases. The public figures of the zone and of
// its board, taken with the lessee's two leases at 0 and at their capital
// (two answers that differ by that lessee's part only), must not pin the
// part to less than its own size: the rule's dominant contributor is the
// lessee, all of its leases, not its largest lease. The leasing series'
// largest contributor is checked against the leases the same way.
func TestDiscloseLesseeOfTwoSmallLeases(t *testing.T) {
	db := seeded(t)
	pool := db.Pool()
	ctx := context.Background()
	svc := stats.New(db, stats.Options{})
	const code = "KCX-TAN-THUAN"
	rows, err := pool.Query(ctx, `SELECT l.id FROM leases l JOIN parcels p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
		 WHERE z.code = $1 AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $2::date ORDER BY l.id`, code, asOf)
	if err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) < 4 || len(ids) > 500 {
		t.Fatalf("%s has %d leases in force on %s; the test needs 4 to 500", code, len(ids), asOf.Format(time.DateOnly))
	}
	// Small lessees of 10,000 USD each; the two-lease lessee's leases.
	small, two := ids[:len(ids)-2], ids[len(ids)-2:]
	if _, err := pool.Exec(ctx, `UPDATE leases SET lessee = 'Small lessee ' || id, capital_usd = 10000 WHERE id = ANY($1)`, small); err != nil {
		t.Fatal(err)
	}
	const part = 12e6 // two leases of 6 million USD: each below the unit of 10 million, together above it
	setTwo := func(each float64) {
		t.Helper()
		if _, err := pool.Exec(ctx, `UPDATE leases SET lessee = 'Two-Lease Holdings', capital_usd = $2 WHERE id = ANY($1)`, two, each); err != nil {
			t.Fatal(err)
		}
	}
	public := func() (zone, board stats.Capital) {
		t.Helper()
		zs, err := svc.Zones(ctx, stats.Public)
		if err != nil {
			t.Fatal(err)
		}
		var boardID string
		for _, z := range zs.Items {
			if z.Code == code {
				zone, boardID = z.Capital, z.BoardID
			}
		}
		gs, err := svc.Groups(ctx, stats.ByBoard, stats.Public)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range gs.Items {
			if g.Key == boardID {
				board = g.Capital
			}
		}
		return zone, board
	}
	setTwo(0)
	zoneBefore, boardBefore := public()
	setTwo(part / 2)
	zoneAfter, boardAfter := public()
	// No one lease is larger than the unit here: the reason given says
	// what the rule tests, the lessee's total.
	const dominant = "withheld: one lessee's total is larger than the rounding unit"
	if zoneAfter.CapitalDisclosure != dominant || zoneAfter.CapitalUSD != nil {
		t.Errorf("zone with a lessee of two leases of %v USD in a sum of %v: %s, want withheld (%s)",
			part/2, part+float64(len(small))*1e4, showCapital(zoneAfter), dominant)
	}
	for _, c := range []struct {
		what          string
		before, after stats.Capital
	}{{"zone", zoneBefore, zoneAfter}, {"board", boardBefore, boardAfter}} {
		if c.before.CapitalUSD == nil || c.after.CapitalUSD == nil {
			continue // one of the two is withheld: the difference tells nothing
		}
		var u, u2 float64
		if c.before.CapitalRoundingUSD != nil {
			u = *c.before.CapitalRoundingUSD
		}
		if c.after.CapitalRoundingUSD != nil {
			u2 = *c.after.CapitalRoundingUSD
		}
		d := *c.after.CapitalUSD - *c.before.CapitalUSD
		if u+u2 < part || math.Abs(d-part) > (u+u2)/2 {
			t.Errorf("%s: public %s → %s: the difference %v pins the lessee's %v USD to an interval of %v",
				c.what, showCapital(c.before), showCapital(c.after), d, part, u+u2)
		}
	}

	// The leasing series: the largest part of one lessee in each period,
	// straight from the leases.
	want := map[[2]int]float64{}
	rows, err = pool.Query(ctx, `SELECT y, max(part)::float8 FROM (
		SELECT date_part('year', l.start_date)::int AS y, l.lessee, sum(l.capital_usd) AS part
		  FROM leases l GROUP BY 1, 2) t GROUP BY y`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var y int
		var m float64
		if err := rows.Scan(&y, &m); err != nil {
			t.Fatal(err)
		}
		want[[2]int{y, 0}] = m
	}
	rows.Close()
	figures, err := db.Leasing(ctx, "", "", false)
	if err != nil {
		t.Fatal(err)
	}
	if len(figures) != len(want) {
		t.Fatalf("%d leasing periods, want %d", len(figures), len(want))
	}
	for _, f := range figures {
		if w := want[[2]int{f.Year, f.Quarter}]; !near(f.CapitalMaxUSD, w) {
			t.Errorf("leasing %d: largest lessee %v USD, want %v", f.Year, f.CapitalMaxUSD, w)
		}
	}
}

func showCapital(c stats.Capital) string {
	s := func(p *float64) any {
		if p == nil {
			return "null"
		}
		return *p
	}
	return fmt.Sprintf("%v rounded to %v (%s)", s(c.CapitalUSD), s(c.CapitalRoundingUSD), c.CapitalDisclosure)
}
