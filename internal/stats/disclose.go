package stats

import "math"

// Audience is who reads the figures, and so how capital is disclosed.
//
// Disclosure of capital. A lease's registered capital is confidential:
// only planners and admins see it, per lease and in every aggregate
// (Confidential). Everyone else (Public) sees a capital aggregate under
// this rule, applied alike to zones, boards, provinces, kinds and the
// periods of the leasing series, in JSON and CSV:
//
//  1. No leases: the figure is 0, exactly ("exact"): there is nothing to
//     hide.
//  2. Fewer than MinLessees distinct lessees: withheld (capital_usd null,
//     "withheld: fewer than 3 lessees"). With one lessee the sum is its
//     capital; with two, each knows the other's.
//  3. Otherwise the sum S is rounded to one significant digit: to the
//     nearest multiple of the unit U, the power of ten with U <= S < 10·U
//     (capital_rounding_usd says U), unless one lessee's capital (all of
//     its leases in the figure, summed) is larger than U, when the figure
//     is withheld ("withheld: one lessee's total is larger than the
//     rounding unit"). S = 0 with leases is withheld the
//     same way (it would show every lease to be 0).
//
// Why it holds against differencing. The public figure R is within U/2 of
// S, and every lessee's part x of the group (all its leases there) is at
// most U. Take two answers around one change — a lease recorded, ended, or
// starting or ending its term with the date — or two overlapping groups
// that differ by one lessee's part (a board and all but one of its zones, a
// year and three of its quarters): R' − R is within (U + U')/2 of x, an
// interval of width U + U' where the larger group's unit is at least x. So
// any one difference leaves the part uncertain by at least its own size: it
// tells at most its order of magnitude, never the figure. The part is the
// lessee's, not one lease's: a lessee of several small leases could
// otherwise dominate a group whose every lease is below the unit, and the
// difference of the group with and without it would tell its total. Small-group suppression alone
// would not do this: a group of 3 before and 4 after gives the fourth
// lease exactly. Rounding to a fixed unit would not either: a lease much
// larger than the unit would show through. The limits: a lease larger
// than U makes itself known as such by the withheld figure, and a
// determined reader combining many overlapping answers can narrow the
// intervals further than one difference does; planners who need exact
// figures have keys.
//
// Derived figures follow the disclosed ones: the leasing series' capital
// change year on year and its percentage of plan are computed from the
// figures the audience sees (null when one is withheld), so they tell
// nothing the figures do not. Enterprises (lessees) and workers are public
// per lease and stay exact.
//
// An audience may see some boards' figures exactly (the roles of those
// boards: registry.StatsAudience) and the rest under the rule: a figure
// is exact only when it sums the leases of boards the audience sees, all
// of them; a figure that sums any other board's leases is disclosed as it
// is to the public, so that no difference of two answers tells the other
// board's part more exactly than the public figures do.
type Audience struct {
	all    bool            // every board's figures, exactly
	boards map[string]bool // these boards' figures, exactly
}

// Audiences.
var (
	// Public callers see capital under the disclosure rule.
	Public = Audience{}
	// Confidential callers (system admins, the ministry reader) see
	// every board's capital exactly.
	Confidential = Audience{all: true}
)

// BoardsAudience sees the figures of boards exactly, the rest under the
// rule.
func BoardsAudience(boards ...string) Audience {
	a := Audience{boards: map[string]bool{}}
	for _, b := range boards {
		a.boards[b] = true
	}
	return a
}

// SeesAny reports whether a sees any figure exactly (its answers are then
// private, never for a shared cache).
func (a Audience) SeesAny() bool { return a.all || len(a.boards) > 0 }

// Sees reports whether a sees exactly a figure summed over boards: all of
// them are a's (an empty list is a figure of no board's: only an audience
// of every board sees it).
func (a Audience) Sees(boards ...string) bool {
	if a.all {
		return true
	}
	for _, b := range boards {
		if !a.boards[b] {
			return false
		}
	}
	return len(boards) > 0
}

// MinLessees is the fewest distinct lessees a public capital figure may
// be the sum of.
const MinLessees = 3

// Disclosures: how a capital figure was given (capital_disclosure).
const (
	DisclosureExact      = "exact"
	DisclosureRounded    = "rounded"
	DisclosureFewLessees = "withheld: fewer than 3 lessees"
	DisclosureDominant   = "withheld: one lessee's total is larger than the rounding unit"
)

// Capital is a capital figure as one audience sees it, US dollars.
type Capital struct {
	// CapitalUSD is nil when withheld.
	CapitalUSD *float64 `json:"capital_usd"`
	// CapitalRoundingUSD is the unit CapitalUSD is rounded to, nil when it
	// is exact or withheld.
	CapitalRoundingUSD *float64 `json:"capital_rounding_usd"`
	// CapitalDisclosure is one of the Disclosure constants.
	CapitalDisclosure string `json:"capital_disclosure"`
}

// capitalSum is what the rule needs to know of the leases behind a
// capital aggregate.
type capitalSum struct {
	sumUSD, maxUSD float64 // the sum and the largest capital of one lessee (all its leases in the figure)
	lessees        int64   // distinct lessees
}

// disclose applies the rule for an audience of every board (a.all) or
// the public.
func (c capitalSum) disclose(a Audience) Capital { return c.discloseExact(a.all) }

// discloseExact gives c exactly when exact, else under the rule.
func (c capitalSum) discloseExact(exact bool) Capital {
	if exact || c.lessees == 0 {
		v := c.sumUSD
		return Capital{CapitalUSD: &v, CapitalDisclosure: DisclosureExact}
	}
	if c.lessees < MinLessees {
		return Capital{CapitalDisclosure: DisclosureFewLessees}
	}
	unit := roundingUnit(c.sumUSD)
	if c.sumUSD <= 0 || c.maxUSD > unit {
		return Capital{CapitalDisclosure: DisclosureDominant}
	}
	v := math.Round(c.sumUSD/unit) * unit
	return Capital{CapitalUSD: &v, CapitalRoundingUSD: &unit, CapitalDisclosure: DisclosureRounded}
}

// roundingUnit is the power of ten U with U <= usd < 10·U, at least 1 (a
// sum below a dollar rounds to 0 or 1). Powers of ten up to 1e22 are
// exact in float64, so repeated multiplication loses nothing.
func roundingUnit(usd float64) float64 {
	u := 1.0
	for u*10 <= usd && !math.IsInf(u*10, 0) {
		u *= 10
	}
	return u
}
