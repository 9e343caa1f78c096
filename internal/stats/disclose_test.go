package stats

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
)

func TestDiscloseRule(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	for _, c := range []struct {
		name string
		in   capitalSum
		a    Audience
		want Capital
	}{
		{"planner, one lease", capitalSum{123456789.37, 123456789.37, 1}, Confidential, Capital{f(123456789.37), nil, DisclosureExact}},
		{"no leases", capitalSum{}, Public, Capital{f(0), nil, DisclosureExact}},
		{"one lease", capitalSum{123456789.37, 123456789.37, 1}, Public, Capital{nil, nil, DisclosureFewLessees}},
		{"two lessees", capitalSum{3e7, 2e7, 2}, Public, Capital{nil, nil, DisclosureFewLessees}},
		{"three, rounded", capitalSum{257e6, 9e7, 3}, Public, Capital{f(3e8), f(1e8), DisclosureRounded}},
		{"a lease at the unit", capitalSum{2.5e8, 1e8, 3}, Public, Capital{f(3e8), f(1e8), DisclosureRounded}},
		{"a lease above the unit", capitalSum{2.5e8, 1.2e8, 5}, Public, Capital{nil, nil, DisclosureDominant}},
		{"a dominant lease, yet no larger than the unit", capitalSum{1.02e9, 1e9, 3}, Public, Capital{f(1e9), f(1e9), DisclosureRounded}},
		{"leases of no capital", capitalSum{0, 0, 4}, Public, Capital{nil, nil, DisclosureDominant}},
		{"under a dollar", capitalSum{0.6, 0.3, 3}, Public, Capital{f(1), f(1), DisclosureRounded}},
	} {
		got := c.in.disclose(c.a)
		if !samePtr(got.CapitalUSD, c.want.CapitalUSD) || !samePtr(got.CapitalRoundingUSD, c.want.CapitalRoundingUSD) ||
			got.CapitalDisclosure != c.want.CapitalDisclosure {
			t.Errorf("%s: %v → %s; want %s", c.name, c.in, show(got), show(c.want))
		}
	}
	for _, c := range []struct{ usd, unit float64 }{{1, 1}, {9.99, 1}, {10, 10}, {999999999.99, 1e8}, {1e9, 1e9}, {5.3e12, 1e12}} {
		if u := roundingUnit(c.usd); u != c.unit {
			t.Errorf("roundingUnit(%v) = %v, want %v", c.usd, u, c.unit)
		}
	}
}

// TestDiscloseDifferencing adds one lease to random groups and checks what
// the difference of the two public figures tells of it: an interval of
// width at least the lease's own capital (the rule's promise), and never
// the capital itself to a dollar where the interval is that wide.
func TestDiscloseDifferencing(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 4))
	published := 0
	for range 100000 {
		n := rng.IntN(40)
		var g capitalSum
		for range n {
			x := math.Round(math.Exp(rng.NormFloat64()*1.5+16)*100) / 100 // median about 9 million USD
			g.sumUSD += x
			g.maxUSD = max(g.maxUSD, x)
		}
		g.lessees = int64(n)
		x := math.Round(math.Exp(rng.NormFloat64()*1.5+16)*100) / 100
		h := capitalSum{g.sumUSD + x, max(g.maxUSD, x), g.lessees + 1}
		before, after := g.disclose(Public), h.disclose(Public)
		if before.CapitalUSD == nil || after.CapitalUSD == nil {
			continue
		}
		published++
		var u, u2 float64 // a group without leases is exact: no rounding
		if before.CapitalRoundingUSD != nil {
			u = *before.CapitalRoundingUSD
		}
		u2 = *after.CapitalRoundingUSD
		d := *after.CapitalUSD - *before.CapitalUSD
		if math.Abs(d-x) > (u+u2)/2 || u+u2 < x || h.maxUSD > u2 {
			t.Fatalf("%d lessees %v + lease %v: public %v → %v (units %v, %v): the difference %v pins the lease to less than its size",
				n, g.sumUSD, x, *before.CapitalUSD, *after.CapitalUSD, u, u2, d)
		}
	}
	if published < 10000 {
		t.Fatalf("only %d of 100000 random groups published both figures: the rule withholds nearly everything", published)
	}
	t.Logf("%d of 100000 random groups published a figure before and after one more lease", published)
}

func samePtr(a, b *float64) bool { return (a == nil) == (b == nil) && (a == nil || *a == *b) }

func show(c Capital) string {
	s := func(p *float64) any {
		if p == nil {
			return "null"
		}
		return *p
	}
	return fmt.Sprintf("%v rounded to %v (%s)", s(c.CapitalUSD), s(c.CapitalRoundingUSD), c.CapitalDisclosure)
}
