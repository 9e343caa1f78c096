package encode

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestDigits8 holds digits8 to strconv: every value of each 4-digit half
// with the other half at its edges (0, 1, 9999) and at random, so that
// every lane's divisions by multiply and shift are taken over their
// whole range; and put9 to putFrac (the general formatter's decimals) on
// the values with every count of trailing zeros and random ones.
func TestDigits8(t *testing.T) {
	text := func(x uint64) string {
		b := make([]byte, 8)
		for k := range b {
			b[k] = byte(x >> (8 * k))
		}
		return string(b)
	}
	rng := rand.New(rand.NewPCG(8, 8))
	for n := range uint32(10000) {
		for _, o := range []uint32{0, 1, 9999, rng.Uint32N(10000)} {
			for _, v := range []uint32{n*10000 + o, o*10000 + n} {
				if got, want := text(digits8(v)+zeros8), fmt.Sprintf("%08d", v); got != want {
					t.Fatalf("digits8(%d) = %q, want %q", v, got, want)
				}
			}
		}
	}
	check := func(f uint32) {
		var a, b [24]byte
		want := string(a[:putFrac(a[:10], f)])
		if got := string(b[3:put9(b[:], 3, f)]); got != want {
			t.Fatalf("put9(%d) = %q, want %q (putFrac)", f, got, want)
		}
		if s := strconv.FormatFloat(float64(f)/1e9, 'f', -1, 64); "0."+want != s {
			t.Fatalf("putFrac(%d) = %q, strconv %q", f, want, s)
		}
	}
	for z := range 9 {
		p := uint32(1)
		for range z {
			p *= 10
		}
		for range 20000 {
			if f := rng.Uint32N(1e9/p) * p; f != 0 {
				check(f)
			}
		}
		check(p)
		check(1e9 - p)
	}
	check(999999999)
}
