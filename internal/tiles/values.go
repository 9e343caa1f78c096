package tiles

import "hash/maphash"

// valueTable maps the values of a tile's open layer, of one type, to
// their indexes in the layer's values, for the encoder's deduplication.
// A tile of lots looks up six values a feature, most of them new to the
// layer (ids, lot codes), which in Go maps took a sixth of a cold z15
// tile's rendering; this is open addressing with linear probing over a
// power-of-two array kept at most half full, the hash given by the caller
// (hashInt, hashString), emptied for the next layer by moving to the next
// generation rather than by zeroing. The zero value is empty.
type valueTable[K comparable] struct {
	slots []valueSlot[K]
	shift uint8  // 64 − log2(len(slots)): a hash's top bits pick its slot
	gen   uint32 // slots of another generation are empty
	n     int    // the slots of this generation
}

type valueSlot[K comparable] struct {
	key  K
	hash uint64
	gen  uint32
	idx  uint32
}

// reset empties the table.
func (t *valueTable[K]) reset() {
	t.n = 0
	t.gen++
	if t.gen == 0 { // wrapped: every slot of 2³² layers ago would count
		clear(t.slots)
		t.gen = 1
	}
}

// index returns the index of k, whose hash is h, or adds k with index
// next and reports that it did.
func (t *valueTable[K]) index(k K, h uint64, next uint32) (idx uint32, added bool) {
	if 2*(t.n+1) > len(t.slots) {
		t.grow()
	}
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		s := &t.slots[i]
		if s.gen != t.gen {
			*s = valueSlot[K]{key: k, hash: h, gen: t.gen, idx: next}
			t.n++
			return next, true
		}
		if s.hash == h && s.key == k {
			return s.idx, false
		}
	}
}

// grow doubles the slots (64 at first), keeping this generation's.
func (t *valueTable[K]) grow() {
	if t.gen == 0 {
		t.gen = 1
	}
	old := t.slots
	n := max(64, 2*len(old))
	t.slots = make([]valueSlot[K], n)
	t.shift = uint8(64 - log2(n))
	mask := uint64(n - 1)
	for _, s := range old {
		if s.gen != t.gen {
			continue
		}
		i := s.hash >> t.shift
		for t.slots[i].gen == t.gen {
			i = (i + 1) & mask
		}
		t.slots[i] = s
	}
}

// size is about what the table holds, bytes.
func (t *valueTable[K]) size() int { return 32 * cap(t.slots) }

// log2 of n, a power of two.
func log2(n int) int {
	k := 0
	for 1<<k < n {
		k++
	}
	return k
}

// hashInt spreads v over 64 bits (Fibonacci hashing: the top bits of the
// product are those the table uses).
func hashInt(v uint64) uint64 { return v * 0x9e3779b97f4a7c15 }

// hashString hashes s with seed (the runtime's string hash).
func hashString(seed maphash.Seed, s string) uint64 { return maphash.String(seed, s) }
