package tiles

import (
	"encoding/binary"
	"hash/maphash"
	"math"
	"unsafe"
)

// encoder writes one tile as MVT 2.1 protobuf bytes (vector_tile.proto),
// by hand, into buffers it keeps for the next tile: a tile costs no
// allocation once the buffers have grown to its size. Layers are written
// one at a time: beginLayer, a feature at a time (shape, then the tags,
// then endFeature), endLayer. The fields come in the order of their
// numbers, as protobuf encoders write them.
//
// Each layer gets its own key and value tables. Keys are fixed per layer
// (every feature of a collection has the same properties, written in the
// order of their names). Values are deduplicated by type and value: a
// string, a sint64 and a double that print alike are three values.
type encoder struct {
	shaper

	extent uint32
	tile   []byte // the finished layers, each a Tile.layers field

	keys   []string // the open layer's keys
	feats  []byte   // the open layer's features, each a Layer.features field
	nfeats int
	vals   []byte // the open layer's values, each a Layer.values field
	nvals  uint32
	strs   valueTable[string] // value index of each string value
	ints   valueTable[uint64] // of each sint64 value, by its bits
	dbls   valueTable[uint64] // of each double value, by its bits
	seed   maphash.Seed       // of strs' hashes
	// seen finds the strings met before in the open layer by where their
	// bytes lie (strSeen), before strs hashes them.
	seen [64]strSeen
	tags []byte // the open feature's tags, packed varints
}

// Protobuf keys (field number << 3 | wire type) of vector_tile.proto.
const (
	tileLayers = 3<<3 | 2

	layerName     = 1<<3 | 2
	layerFeatures = 2<<3 | 2
	layerKeys     = 3<<3 | 2
	layerValues   = 4<<3 | 2
	layerExtent   = 5<<3 | 0
	layerVersion  = 15<<3 | 0

	featureID       = 1<<3 | 0
	featureTags     = 2<<3 | 2
	featureType     = 3<<3 | 0
	featureGeometry = 4<<3 | 2

	valueString = 1<<3 | 2
	valueDouble = 3<<3 | 1
	valueSint   = 6<<3 | 0

	geomPoint   = 1 // Tile.GeomType POINT
	geomPolygon = 3 // Tile.GeomType POLYGON
	mvtVersion  = 2
)

func newEncoder() *encoder {
	return &encoder{seed: maphash.MakeSeed()}
}

// reset empties the encoder for tile t.
func (e *encoder) reset(t Tile, extent uint32, bufferUnits, toleranceUnits float64) {
	e.shaper.reset(t, extent, bufferUnits, toleranceUnits)
	e.extent = extent
	e.tile = e.tile[:0]
}

// size is about what the encoder's buffers and maps hold, bytes.
func (e *encoder) size() int {
	return cap(e.tile) + cap(e.feats) + cap(e.vals) + cap(e.tags) + cap(e.geom) +
		16*(cap(e.pts)+cap(e.alt)) + 8*(cap(e.ring)+cap(e.stack)) + cap(e.mask) +
		e.strs.size() + e.ints.size() + e.dbls.size()
}

// beginLayer opens a layer whose features have the properties keys.
func (e *encoder) beginLayer(keys []string) {
	e.keys = keys
	e.feats, e.nfeats = e.feats[:0], 0
	e.vals, e.nvals = e.vals[:0], 0
	e.strs.reset()
	e.ints.reset()
	e.dbls.reset()
}

// endLayer closes the open layer and appends it to the tile as name,
// unless it has no feature.
func (e *encoder) endLayer(name string) {
	if e.nfeats == 0 {
		return
	}
	n := 1 + varintLen(uint64(len(name))) + len(name) + len(e.feats) + len(e.vals) +
		1 + varintLen(uint64(e.extent)) + 2
	for _, k := range e.keys {
		n += 1 + varintLen(uint64(len(k))) + len(k)
	}
	b := append(e.tile, tileLayers)
	b = appendVarint(b, uint64(n))
	b = append(b, layerName)
	b = appendVarint(b, uint64(len(name)))
	b = append(b, name...)
	b = append(b, e.feats...)
	for _, k := range e.keys {
		b = append(b, layerKeys)
		b = appendVarint(b, uint64(len(k)))
		b = append(b, k...)
	}
	b = append(b, e.vals...)
	b = append(b, layerExtent)
	b = appendVarint(b, uint64(e.extent))
	e.tile = append(b, layerVersion, mvtVersion)
}

// endFeature appends the feature whose geometry shape wrote and whose tags
// the tag methods wrote, with id, to the open layer, and starts the next
// feature's tags.
func (e *encoder) endFeature(id uint64) { e.endFeatureType(id, geomPolygon) }

// endFeatureType is endFeature for a feature of geometry type typ
// (geomPoint, geomPolygon).
func (e *encoder) endFeatureType(id uint64, typ byte) {
	n := 1 + varintLen(id) + 2 + 1 + varintLen(uint64(len(e.geom))) + len(e.geom)
	if len(e.tags) > 0 {
		n += 1 + varintLen(uint64(len(e.tags))) + len(e.tags)
	}
	b := append(e.feats, layerFeatures)
	b = appendVarint(b, uint64(n))
	b = append(b, featureID)
	b = appendVarint(b, id)
	if len(e.tags) > 0 {
		b = append(b, featureTags)
		b = appendVarint(b, uint64(len(e.tags)))
		b = append(b, e.tags...)
	}
	b = append(b, featureType, typ, featureGeometry)
	b = appendVarint(b, uint64(len(e.geom)))
	e.feats = append(b, e.geom...)
	e.nfeats++
	e.tags = e.tags[:0]
}

// tagString tags the open feature with key (an index into the layer's
// keys) = v.
func (e *encoder) tagString(key uint32, v string) {
	if len(v) == 0 {
		e.tag(key, e.stringValue(v))
		return
	}
	p := uintptr(unsafe.Pointer(unsafe.StringData(v)))
	c := &e.seen[(p>>3)%uintptr(len(e.seen))]
	if c.p != p || c.n != len(v) || c.gen != e.strs.gen {
		*c = strSeen{p: p, n: len(v), gen: e.strs.gen, idx: e.stringValue(v)}
	}
	e.tag(key, c.idx)
}

// strSeen is the value index of a string of the open layer, by the
// address and length of its bytes. The index holds one copy of each land
// use and status (postgis interns them, as it does lot codes), so most
// string tags of a tile of lots are found by address without hashing
// their bytes. Same address and length is the same string; an entry
// counts only in the layer (strs's generation) that wrote it, while the
// strings the layer is drawn from are alive, so an address is not reused
// under it. The address is kept as a number, which holds nothing alive.
type strSeen struct {
	p   uintptr
	n   int
	gen uint32
	idx uint32
}

// stringValue is the value index of v, which it adds to the layer's
// values when new.
func (e *encoder) stringValue(v string) uint32 {
	i, added := e.strs.index(v, hashString(e.seed, v), e.nvals)
	if added {
		e.nvals++
		e.vals = append(e.vals, layerValues)
		e.vals = appendVarint(e.vals, uint64(1+varintLen(uint64(len(v)))+len(v)))
		e.vals = append(e.vals, valueString)
		e.vals = appendVarint(e.vals, uint64(len(v)))
		e.vals = append(e.vals, v...)
	}
	return i
}

// tagInt tags the open feature with key = v, a sint64 value.
func (e *encoder) tagInt(key uint32, v int64) {
	i, added := e.ints.index(uint64(v), hashInt(uint64(v)), e.nvals)
	if added {
		e.nvals++
		z := uint64(v<<1) ^ uint64(v>>63)
		e.vals = append(e.vals, layerValues, byte(1+varintLen(z)), valueSint)
		e.vals = appendVarint(e.vals, z)
	}
	e.tag(key, i)
}

// tagDouble tags the open feature with key = v, a double value.
func (e *encoder) tagDouble(key uint32, v float64) {
	bits := math.Float64bits(v)
	i, added := e.dbls.index(bits, hashInt(bits), e.nvals)
	if added {
		e.nvals++
		e.vals = append(e.vals, layerValues, 9, valueDouble)
		e.vals = binary.LittleEndian.AppendUint64(e.vals, bits)
	}
	e.tag(key, i)
}

func (e *encoder) tag(key, value uint32) {
	e.tags = appendVarint(e.tags, uint64(key))
	e.tags = appendVarint(e.tags, uint64(value))
}

// appendVarint appends v as a protobuf varint.
func appendVarint(b []byte, v uint64) []byte {
	if v < 0x80 {
		return append(b, byte(v))
	}
	return binary.AppendUvarint(b, v)
}

// varintLen is the length of v as a varint, bytes.
func varintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}
