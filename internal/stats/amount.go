package stats

import (
	"math/big"
	"strconv"
)

// Disclosure of an exact money figure (the investment statistics): the
// rule of Audience (disclose.go), with enterprises in the place of
// lessees and exact decimals in the place of float64 dollars:
//
//  1. No enterprise contributes: the figure is "0", exactly.
//  2. Fewer than MinLessees enterprises contribute: withheld.
//  3. Otherwise the sum S is rounded, half up, to the power of ten U with
//     U <= S < 10·U (at least 1), unless one enterprise's contribution
//     (all of its projects' or adjustments' amounts in the figure, summed)
//     is larger than U, or S <= 0: then withheld.
//
// The largest contribution is one enterprise's, not one project's, so
// that an enterprise with several projects in a group is covered as a
// whole: the difference of two answers that differ by one enterprise's
// part (a year and the year before it, a board and one group of it) is
// within (U + U')/2 of that part, and the larger answer's U' is at least
// it.
const (
	DisclosureFewEnterprises = "withheld: fewer than 3 enterprises"
	DisclosureDominantEnt    = "withheld: one enterprise is larger than the rounding unit"
)

// Amount is an exact money figure as one audience sees it. Value and
// Rounding are decimal text ("146000000000000.00"), exact as the
// database summed them; the unit is the figure's own (its name says it:
// _usd, _vnd).
type Amount struct {
	// Value is nil when withheld.
	Value *string `json:"value"`
	// Rounding is the power of ten Value is rounded to; nil when exact
	// or withheld.
	Rounding *string `json:"rounding"`
	// Disclosure is DisclosureExact, DisclosureRounded,
	// DisclosureFewEnterprises or DisclosureDominantEnt.
	Disclosure string `json:"disclosure"`
}

// Float is Value as a float64 (for percentages), false when withheld.
func (a Amount) Float() (float64, bool) {
	if a.Value == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(*a.Value, 64)
	return v, err == nil
}

// amountSum is what the rule needs to know of an exact figure.
type amountSum struct {
	sum, max    string // decimal text; "" for none; max is the largest absolute contribution of one enterprise
	enterprises int64
	boards      []string // whose zones contribute
}

// discloseTo gives a to audience au: exactly when au sees every board
// that contributes.
func (a amountSum) discloseTo(au Audience) Amount { return a.disclose(au.Sees(a.boards...)) }

// disclose gives a exactly when exact, else under the rule.
func (a amountSum) disclose(exact bool) Amount {
	if a.enterprises == 0 || a.sum == "" {
		zero := "0"
		return Amount{Value: &zero, Disclosure: DisclosureExact}
	}
	if exact {
		v := a.sum
		return Amount{Value: &v, Disclosure: DisclosureExact}
	}
	if a.enterprises < MinLessees {
		return Amount{Disclosure: DisclosureFewEnterprises}
	}
	s, ok1 := new(big.Rat).SetString(a.sum)
	m, ok2 := new(big.Rat).SetString(a.max)
	if !ok1 || !ok2 || s.Sign() <= 0 {
		return Amount{Disclosure: DisclosureDominantEnt}
	}
	unit := decimalUnit(s)
	if m.Cmp(new(big.Rat).SetInt(unit)) > 0 {
		return Amount{Disclosure: DisclosureDominantEnt}
	}
	// round half up: floor(S/U + 1/2) · U
	q := new(big.Rat).Quo(s, new(big.Rat).SetInt(unit))
	q.Add(q, big.NewRat(1, 2))
	n := new(big.Int).Quo(q.Num(), q.Denom()) // q > 0: truncation is floor
	n.Mul(n, unit)
	v, u := n.String(), unit.String()
	return Amount{Value: &v, Rounding: &u, Disclosure: DisclosureRounded}
}

// decimalUnit is the power of ten U with U <= s < 10·U, at least 1.
func decimalUnit(s *big.Rat) *big.Int {
	whole := new(big.Int).Quo(s.Num(), s.Denom())
	if whole.Sign() <= 0 {
		return big.NewInt(1)
	}
	digits := len(whole.String())
	return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits-1)), nil)
}
