package zonegis

import (
	"bytes"
	"encoding/json"
	"math/big"
	"slices"
	"strconv"
)

// Decimal is an exact decimal number in its text form, as PostgreSQL's
// numeric prints it: an optional "-", digits, optionally "." and digits
// ("1250000.50"). "" is no number. Money is never a float64.
type Decimal string

// Rat returns d as a rational number; ok is false when d is not in the form
// above.
func (d Decimal) Rat() (r *big.Rat, ok bool) {
	if _, _, ok := d.digits(); !ok {
		return nil, false
	}
	r, ok = new(big.Rat).SetString(string(d))
	return r, ok
}

// digits returns how many digits d has before and after its point.
func (d Decimal) digits() (whole, frac int, ok bool) {
	s := string(d)
	if len(s) > 0 && s[0] == '-' {
		s = s[1:]
	}
	i := 0
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	whole = i
	if whole == 0 {
		return 0, 0, false
	}
	if i == len(s) {
		return whole, 0, true
	}
	if s[i] != '.' {
		return 0, 0, false
	}
	f := s[i+1:]
	if f == "" || !allDigits(f) {
		return 0, 0, false
	}
	return whole, len(f), true
}

// Fits reports whether d is a decimal with at most whole digits before
// its point and scale after it (the column's numeric(whole+scale, scale)).
func (d Decimal) Fits(whole, scale int) bool {
	w, f, ok := d.digits()
	return ok && w <= whole && f <= scale
}

// DecimalOf returns r rounded to scale digits after the point, halves away
// from zero (as PostgreSQL's round(numeric, scale)).
func DecimalOf(r *big.Rat, scale int) Decimal {
	pow := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(scale)), nil)
	n := new(big.Int).Mul(r.Num(), pow)
	q, m := new(big.Int).QuoRem(n, r.Denom(), new(big.Int))
	// |m|*2 >= denom: round away from zero.
	if new(big.Int).Mul(new(big.Int).Abs(m), big.NewInt(2)).Cmp(r.Denom()) >= 0 {
		if n.Sign() < 0 {
			q.Sub(q, big.NewInt(1))
		} else {
			q.Add(q, big.NewInt(1))
		}
	}
	neg := q.Sign() < 0
	s := new(big.Int).Abs(q).String()
	if scale > 0 {
		for len(s) <= scale {
			s = "0" + s
		}
		s = s[:len(s)-scale] + "." + s[len(s)-scale:]
	}
	if neg {
		s = "-" + s
	}
	return Decimal(s)
}

// Equivalents returns amount in currency (CurrencyVND or CurrencyUSD) in
// US dollars (to the cent) and in đồng (to the đồng) at rate, VND per
// 1 USD; both "" when amount or rate is not a decimal or rate is not
// positive. It is the database's zg_usd and zg_vnd (migrations/0015), the
// one rule, in Go for the in-memory stores; a test pins the two together.
func Equivalents(amount Decimal, currency string, rate Decimal) (usd, vnd Decimal) {
	a, ok1 := amount.Rat()
	r, ok2 := rate.Rat()
	if !ok1 || !ok2 || r.Sign() <= 0 {
		return "", ""
	}
	switch currency {
	case CurrencyUSD:
		return DecimalOf(a, 2), DecimalOf(new(big.Rat).Mul(a, r), 0)
	case CurrencyVND:
		return DecimalOf(new(big.Rat).Quo(a, r), 2), DecimalOf(a, 0)
	}
	return "", ""
}

// MarshalJSON writes d as a JSON number, its digits exactly; "" is null.
func (d Decimal) MarshalJSON() ([]byte, error) {
	if d == "" {
		return []byte("null"), nil
	}
	if _, _, ok := d.digits(); !ok {
		return json.Marshal(string(d))
	}
	return []byte(d), nil
}

// UnmarshalJSON reads a JSON number or a string holding one, keeping its
// digits as written (checked by Validate, not here); null is "".
func (d *Decimal) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	if string(b) == "null" {
		*d = ""
		return nil
	}
	if len(b) > 0 && b[0] == '"' {
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*d = Decimal(s)
		return nil
	}
	var n json.Number
	if err := json.Unmarshal(b, &n); err != nil {
		return Errorf(EINVALID, "a decimal number is expected, not %s", b)
	}
	*d = Decimal(n)
	return nil
}

func itoa(i int) string { return strconv.Itoa(i) }

func sortedUnique(ids []int64) []int64 {
	if len(ids) == 0 {
		return ids
	}
	s := slices.Clone(ids)
	slices.Sort(s)
	return slices.Compact(s)
}
