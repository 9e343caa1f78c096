package encode

import (
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestPut9AsPutFrac holds put9 (the decimals of the bbox and, written out
// on putSharedPoints' window, of every shared-prefix coordinate) to
// putFrac and putFrac to strconv, on values with every count of
// trailing zeros, the groups' edges and random ones; and 0 keeps none.
func TestPut9AsPutFrac(t *testing.T) {
	rng := rand.New(rand.NewPCG(8, 8))
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
		for _, g := range []uint32{1, 999, 1000, 999000, 1000000, 999000000} {
			check(g)
		}
	}
	if k := put9(make([]byte, 16), 3, 0); k != 3 {
		t.Fatalf("put9(0) ends at %d, want 3 (no decimal)", k)
	}
}
