package tiles

import (
	"fmt"
	"hash/maphash"
	"math/rand/v2"
	"testing"
)

// TestValueTableAgreesWithMap runs layers of random lookups through one
// valueTable of each kind and a Go map per layer: the same index for a
// value seen before, a new one for a value not seen in this layer (values
// of earlier layers are forgotten), across growth from empty to thousands.
func TestValueTableAgreesWithMap(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 3))
	seed := maphash.MakeSeed()
	var ints valueTable[uint64]
	var strs valueTable[string]
	for layer := range 40 {
		ints.reset()
		strs.reset()
		wantInts, wantStrs := map[uint64]uint32{}, map[string]uint32{}
		n := 1 + r.IntN(5000)
		var next uint32
		for range n {
			v := uint64(r.IntN(n)) << (layer % 40) // clustered and spread values
			i, added := ints.index(v, hashInt(v), next)
			w, seen := wantInts[v]
			if !seen {
				wantInts[v], w = next, next
			}
			if added == seen || i != w {
				t.Fatalf("layer %d: int %d: index %d, added %v; want %d, added %v", layer, v, i, added, w, !seen)
			}
			if added {
				next++
			}
			s := fmt.Sprintf("L%05d", r.IntN(n))
			i, added = strs.index(s, hashString(seed, s), next)
			w, seen = wantStrs[s]
			if !seen {
				wantStrs[s], w = next, next
			}
			if added == seen || i != w {
				t.Fatalf("layer %d: string %q: index %d, added %v; want %d, added %v", layer, s, i, added, w, !seen)
			}
			if added {
				next++
			}
		}
		if ints.n != len(wantInts) || strs.n != len(wantStrs) {
			t.Fatalf("layer %d: %d ints and %d strings held, want %d and %d", layer, ints.n, strs.n, len(wantInts), len(wantStrs))
		}
	}
	// A wrapped generation empties the slots rather than reviving those
	// of the layer that had generation 1.
	var w valueTable[uint64]
	w.reset()
	w.index(7, hashInt(7), 0)
	w.gen = ^uint32(0)
	w.reset()
	if _, added := w.index(7, hashInt(7), 0); !added {
		t.Error("after the generation wrapped, a value of an old layer was found")
	}
}
