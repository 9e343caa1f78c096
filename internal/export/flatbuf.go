package export

import (
	"encoding/binary"
	"math"
	"slices"
)

// fbuilder lays out a FlatBuffer front to back, enough of the format
// (https://flatbuffers.dev/internals/) for FlatGeobuf's header and
// features: tables of scalars and references, strings, and vectors of
// scalars and of tables.
//
// FlatBuffers references (uoffset) are unsigned and point forward, so a
// parent is written before its children: each reference field is left as
// a placeholder whose position the caller keeps, and ref patches it when
// the child is placed. Each table's vtable is written just before it
// (the table's soffset to it is then positive). Positions are relative to
// the buffer's start, which is what the alignment rules (a scalar aligned
// to its size; vectors' length fields to 4) are counted from.
type fbuilder struct{ b []byte }

// reset starts a new buffer whose first 4 bytes are the root reference.
func (f *fbuilder) reset() { f.b = append(f.b[:0], 0, 0, 0, 0) }

// pad aligns the end of the buffer to align bytes, plus offset: after
// pad(8, 4) the next byte is at 4 mod 8.
func (f *fbuilder) pad(align, offset int) {
	for len(f.b)%align != offset {
		f.b = append(f.b, 0)
	}
}

// ref makes the reference placeholder at at point to position to.
func (f *fbuilder) ref(at, to int) {
	binary.LittleEndian.PutUint32(f.b[at:], uint32(to-at))
}

// field is one field of a table: a scalar of size 1, 2, 4 or 8 bytes with
// its bits in v, or (isRef) a 4-byte reference to fill in later.
type field struct {
	slot  int
	size  int
	v     uint64
	isRef bool
}

func u8(slot int, v uint8) field   { return field{slot: slot, size: 1, v: uint64(v)} }
func u16(slot int, v uint16) field { return field{slot: slot, size: 2, v: uint64(v)} }
func i32(slot int, v int32) field  { return field{slot: slot, size: 4, v: uint64(uint32(v))} }
func refField(slot int) field      { return field{slot: slot, size: 4, isRef: true} }

// table writes a table with fields (at most 16) and returns its position
// and, in the order the fields were given, the positions of the reference
// placeholders (0 for scalars).
func (f *fbuilder) table(fields ...field) (pos int, refs [16]int) {
	nslots := 0
	maxSize := 4
	for _, fl := range fields {
		nslots = max(nslots, fl.slot+1)
		maxSize = max(maxSize, fl.size)
	}
	order := make([]int, len(fields))
	for i := range order {
		order[i] = i
	}
	// Largest first keeps every field aligned with the least padding.
	slices.SortStableFunc(order, func(a, b int) int { return fields[b].size - fields[a].size })

	vtSize := 4 + 2*nslots
	f.pad(2, 0)
	vt := len(f.b)
	f.b = append(f.b, make([]byte, vtSize)...)
	// The table starts so that its first field after the 4-byte soffset
	// is aligned to the largest field.
	f.pad(maxSize, (maxSize-4)%maxSize)
	pos = len(f.b)
	f.b = binary.LittleEndian.AppendUint32(f.b, uint32(int32(pos-vt)))
	for _, i := range order {
		fl := fields[i]
		f.pad(fl.size, 0)
		at := len(f.b)
		binary.LittleEndian.PutUint16(f.b[vt+4+2*fl.slot:], uint16(at-pos))
		switch fl.size {
		case 1:
			f.b = append(f.b, byte(fl.v))
		case 2:
			f.b = binary.LittleEndian.AppendUint16(f.b, uint16(fl.v))
		case 4:
			f.b = binary.LittleEndian.AppendUint32(f.b, uint32(fl.v))
		case 8:
			f.b = binary.LittleEndian.AppendUint64(f.b, fl.v)
		}
		if fl.isRef {
			refs[i] = at
		}
	}
	binary.LittleEndian.PutUint16(f.b[vt:], uint16(vtSize))
	binary.LittleEndian.PutUint16(f.b[vt+2:], uint16(len(f.b)-pos))
	return pos, refs
}

// str writes a string and returns its position.
func (f *fbuilder) str(s string) int {
	f.pad(4, 0)
	pos := len(f.b)
	f.b = binary.LittleEndian.AppendUint32(f.b, uint32(len(s)))
	f.b = append(f.b, s...)
	f.b = append(f.b, 0)
	return pos
}

// bytesVec writes a [ubyte] vector.
func (f *fbuilder) bytesVec(v []byte) int {
	f.pad(4, 0)
	pos := len(f.b)
	f.b = binary.LittleEndian.AppendUint32(f.b, uint32(len(v)))
	f.b = append(f.b, v...)
	return pos
}

// uint32Vec writes a [uint] vector.
func (f *fbuilder) uint32Vec(v []uint32) int {
	f.pad(4, 0)
	pos := len(f.b)
	f.b = binary.LittleEndian.AppendUint32(f.b, uint32(len(v)))
	for _, x := range v {
		f.b = binary.LittleEndian.AppendUint32(f.b, x)
	}
	return pos
}

// startFloat64Vec writes the length of a [double] vector of n elements
// (so that the elements are 8-aligned); the caller appends them with
// float64El.
func (f *fbuilder) startFloat64Vec(n int) int {
	f.pad(8, 4)
	pos := len(f.b)
	f.b = binary.LittleEndian.AppendUint32(f.b, uint32(n))
	return pos
}

func (f *fbuilder) float64El(x float64) {
	f.b = binary.LittleEndian.AppendUint64(f.b, math.Float64bits(x))
}

// refVec writes a vector of n references and returns its position; the
// reference of element i is at pos+4+4*i.
func (f *fbuilder) refVec(n int) int {
	f.pad(4, 0)
	pos := len(f.b)
	f.b = binary.LittleEndian.AppendUint32(f.b, uint32(n))
	f.b = append(f.b, make([]byte, 4*n)...)
	return pos
}
