package tiles

import (
	"bytes"
	"encoding/binary"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb/encoding/mvt/vectortile"
)

// checkMVT holds a tile body to the MVT 2.1 specification, read with
// orb's protobuf types rather than its decoder (which forgives): layers
// of version 2 and DefaultExtent with unique names and at least one
// feature; key and value tables without repeats; every feature with an
// id, an even list of tags naming keys and values that exist, each key
// once, and a POLYGON geometry of MoveTo(1), LineTo(≥2), ClosePath
// commands, no LineTo of length 0, no ring of zero area, the first ring
// exterior (positive area in y-down tile units) and every point within
// the buffered tile.
func checkMVT(t *testing.T, body []byte) {
	t.Helper()
	var tile vectortile.Tile
	if err := tile.Unmarshal(body); err != nil {
		t.Fatalf("protobuf: %v", err)
	}
	names := map[string]bool{}
	for _, l := range tile.Layers {
		name := l.GetName()
		if names[name] {
			t.Errorf("layer %q twice", name)
		}
		names[name] = true
		if l.GetVersion() != 2 || l.GetExtent() != DefaultExtent || len(l.Features) == 0 {
			t.Errorf("layer %q: version %d, extent %d, %d features", name, l.GetVersion(), l.GetExtent(), len(l.Features))
		}
		keys := map[string]bool{}
		for _, k := range l.Keys {
			if keys[k] {
				t.Errorf("layer %q: key %q twice", name, k)
			}
			keys[k] = true
		}
		values := map[string]bool{}
		for _, v := range l.Values {
			raw, err := v.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			if values[string(raw)] {
				t.Errorf("layer %q: value %v twice", name, v)
			}
			values[string(raw)] = true
		}
		for _, f := range l.Features {
			if f.Id == nil || f.GetType() != vectortile.Tile_POLYGON || len(f.Tags)%2 != 0 {
				t.Fatalf("layer %q: feature id %v, type %v, %d tags", name, f.Id, f.GetType(), len(f.Tags))
			}
			seen := map[uint32]bool{}
			for i := 0; i < len(f.Tags); i += 2 {
				k, v := f.Tags[i], f.Tags[i+1]
				if int(k) >= len(l.Keys) || int(v) >= len(l.Values) || seen[k] {
					t.Fatalf("layer %q feature %d: tag %d=%d of %d keys, %d values", name, f.GetId(), k, v, len(l.Keys), len(l.Values))
				}
				seen[k] = true
			}
			checkPolygonCommands(t, f.GetId(), f.Geometry)
		}
	}
}

// checkPolygonCommands decodes the command integers of a polygon feature
// and checks them (see checkMVT).
func checkPolygonCommands(t *testing.T, id uint64, g []uint32) {
	t.Helper()
	const lo, hi = -DefaultBufferUnits, DefaultExtent + DefaultBufferUnits
	var x, y int64
	var ring [][2]int64
	nrings := 0
	param := func(i int) int64 { v := g[i]; return int64(int32(v>>1) ^ -int32(v&1)) }
	for i := 0; i < len(g); {
		id0, n := g[i]&7, int(g[i]>>3)
		switch {
		case id0 == cmdMoveTo && n == 1 && i+3 <= len(g):
			x, y = x+param(i+1), y+param(i+2)
			ring = append(ring[:0], [2]int64{x, y})
			i += 3
		case id0 == cmdLineTo && n >= 2 && len(ring) == 1 && i+1+2*n <= len(g):
			for k := range n {
				dx, dy := param(i+1+2*k), param(i+2+2*k)
				if dx == 0 && dy == 0 {
					t.Errorf("feature %d: LineTo of length 0", id)
				}
				x, y = x+dx, y+dy
				ring = append(ring, [2]int64{x, y})
			}
			i += 1 + 2*n
		case id0 == cmdClosePath && n == 1 && len(ring) >= 3:
			var a int64
			for k, p := range ring {
				q := ring[(k+1)%len(ring)]
				a += p[0]*q[1] - q[0]*p[1]
				if p[0] < lo || p[1] < lo || p[0] > hi || p[1] > hi {
					t.Errorf("feature %d: point %v outside the buffered tile", id, p)
				}
			}
			if a == 0 || (nrings == 0 && a < 0) {
				t.Errorf("feature %d: ring %d has twice the area %d", id, nrings, a)
			}
			nrings++
			ring = ring[:0]
			i++
		default:
			t.Fatalf("feature %d: command %d×%d at %d of %v", id, id0, n, i, g)
		}
	}
	if nrings == 0 || len(ring) != 0 {
		t.Errorf("feature %d: %d rings, %d points left open", id, nrings, len(ring))
	}
}

// TestEncoderWire checks the encoder's bytes against hand-made protobuf:
// a layer with one feature, its tags and a square ring written clockwise
// from an anticlockwise input, and the tables deduplicated.
func TestEncoderWire(t *testing.T) {
	e := newEncoder()
	e.reset(Tile{}, DefaultExtent, DefaultBufferUnits, 0)
	e.beginLayer([]string{"a", "b"})
	// Two features sharing the string value; ids 1 and 300 (a 2-byte varint).
	for _, id := range []int64{1, 300} {
		e.geom = e.geom[:0]
		e.cx, e.cy = 0, 0
		e.writeRing([]ipoint{{1, 1}, {1, 3}, {3, 3}, {3, 1}, {1, 1}}, true) // anticlockwise in y-down
		e.tagString(0, "x")
		e.tagInt(1, -id)
		e.endFeature(uint64(id))
	}
	e.endLayer("L")

	geom := []byte{
		9, 2, 2, // MoveTo(1) +1,+1
		3<<3 | 2, 4, 0, 0, 4, 3, 0, // LineTo(3) (3,1) (3,3) (1,3): reversed, so clockwise
		15, // ClosePath(1)
	}
	// Each feature's cursor starts at (0,0), so both have these bytes.
	feature := func(id []byte, tags ...byte) []byte {
		var b []byte
		b = append(b, 0x08)
		b = append(b, id...)
		b = append(b, 0x12, byte(len(tags)))
		b = append(b, tags...)
		b = append(b, 0x18, 3, 0x22, byte(len(geom)))
		b = append(b, geom...)
		return append([]byte{0x12, byte(len(b))}, b...)
	}
	var layer []byte
	layer = append(layer, 0x0a, 1, 'L')
	layer = append(layer, feature([]byte{1}, 0, 0, 1, 1)...)
	layer = append(layer, feature([]byte{0xac, 0x02}, 0, 0, 1, 2)...)
	layer = append(layer, 0x1a, 1, 'a', 0x1a, 1, 'b')
	layer = append(layer, 0x22, 3, 0x0a, 1, 'x')  // "x"
	layer = append(layer, 0x22, 2, 0x30, 1)       // sint -1
	layer = append(layer, 0x22, 3, 0x30, 0xd7, 4) // sint -300: zigzag 599
	layer = append(layer, 0x28, 0x80, 0x20, 0x78, 2)
	want := append([]byte{0x1a}, binary.AppendUvarint(nil, uint64(len(layer)))...)
	want = append(want, layer...)
	if !bytes.Equal(e.tile, want) {
		t.Errorf("tile\n got %v\nwant %v", e.tile, want)
	}
	checkMVT(t, e.tile)

	// Doubles: by bits, one value for the same number.
	e.beginLayer([]string{"d"})
	e.tagDouble(0, 0.25)
	e.tagDouble(0, 0.25)
	e.tagDouble(0, math.Inf(1))
	if wantVals := []byte{0x22, 9, 0x19, 0, 0, 0, 0, 0, 0, 0xd0, 0x3f, 0x22, 9, 0x19, 0, 0, 0, 0, 0, 0, 0xf0, 0x7f}; !bytes.Equal(e.vals, wantVals) {
		t.Errorf("values %v, want %v", e.vals, wantVals)
	}
}

func TestZigzagAndVarint(t *testing.T) {
	for v, want := range map[int32]uint32{0: 0, -1: 1, 1: 2, -2: 3, 2: 4, math.MaxInt32: math.MaxUint32 - 1, math.MinInt32: math.MaxUint32} {
		if got := zigzag32(v); got != want {
			t.Errorf("zigzag32(%d) = %d, want %d", v, got, want)
		}
	}
	for _, v := range []uint64{0, 1, 127, 128, 300, 1 << 21, 1<<63 + 5} {
		b := appendVarint(nil, v)
		got, n := binary.Uvarint(b)
		if got != v || n != len(b) || varintLen(v) != len(b) {
			t.Errorf("varint %d: %v decodes to %d (%d bytes), varintLen %d", v, b, got, n, varintLen(v))
		}
	}
}

// TestEncoderStringsByAddress checks the string values found by where
// their bytes lie (strSeen) against the rule they shortcut: one value per
// string of a layer, whatever copy of it a feature holds, the first seen
// first; and a layer knows nothing of the strings of the layer before.
func TestEncoderStringsByAddress(t *testing.T) {
	e := newEncoder()
	e.reset(Tile{}, DefaultExtent, DefaultBufferUnits, 0)
	leased := "leased"
	copyOf := strings.Clone(leased)
	e.beginLayer([]string{"a", "b"})
	for _, v := range []string{leased, copyOf, "available", leased, copyOf, leased[:5], "available"} {
		e.tagString(0, v)
	}
	// Values: "leased", "available", "lease"; tags index them.
	wantVals := []byte{0x22, 8, 0x0a, 6, 'l', 'e', 'a', 's', 'e', 'd',
		0x22, 11, 0x0a, 9, 'a', 'v', 'a', 'i', 'l', 'a', 'b', 'l', 'e',
		0x22, 7, 0x0a, 5, 'l', 'e', 'a', 's', 'e'}
	if !bytes.Equal(e.vals, wantVals) {
		t.Errorf("values %q, want %q", e.vals, wantVals)
	}
	if wantTags := []byte{0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 2, 0, 1}; !bytes.Equal(e.tags, wantTags) {
		t.Errorf("tags %v, want %v", e.tags, wantTags)
	}
	e.tags = e.tags[:0]
	e.beginLayer([]string{"a"})
	e.tagString(0, "available")
	e.tagString(0, leased)
	if wantVals := []byte{0x22, 11, 0x0a, 9, 'a', 'v', 'a', 'i', 'l', 'a', 'b', 'l', 'e', 0x22, 8, 0x0a, 6, 'l', 'e', 'a', 's', 'e', 'd'}; !bytes.Equal(e.vals, wantVals) {
		t.Errorf("second layer: values %q, want %q", e.vals, wantVals)
	}
	if wantTags := []byte{0, 0, 0, 1}; !bytes.Equal(e.tags, wantTags) {
		t.Errorf("second layer: tags %v, want %v", e.tags, wantTags)
	}
}
