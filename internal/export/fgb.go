package export

import (
	"bufio"
	"encoding/binary"
	"math"
)

// FlatGeobuf (https://flatgeobuf.org, format version 3) written as a
// stream: the magic bytes, the size-prefixed Header, then each Feature
// size-prefixed, in the order given. There is no spatial index
// (index_node_size 0) and features_count is 0, "unknown", since a stream
// does not know it up front; readers (GDAL, QGIS) then read features to
// the end of the file. The header names the CRS by EPSG code.
//
// Geometry: every feature is a MultiPolygon whose parts are Polygons, each
// with its rings' coordinates in xy and the cumulative point count at the
// end of each ring in ends. Properties use the columns encoding: for each
// non-null value, the column index (uint16) then the value (little-endian;
// strings, JSON and dates as uint32 length and UTF-8 bytes).

var fgbMagic = [8]byte{'f', 'g', 'b', 3, 'f', 'g', 'b', 0}

// FlatGeobuf enum values (header.fbs).
const (
	fgbPolygon      = 3
	fgbMultiPolygon = 6

	fgbBool     = 2
	fgbInt      = 5
	fgbLong     = 7
	fgbDouble   = 10
	fgbString   = 11
	fgbJSON     = 12
	fgbDateTime = 13
)

type fgbEncoder struct {
	schema *schema
	name   string
	crs    CRS
	fb     fbuilder
	row    []Value
	props  []byte
	ends   []uint32
	size   [4]byte
}

// fgbColumns are the file's columns: the feature id, the layer when there
// are several, then the schema's.
func (e *fgbEncoder) fgbColumns() []Column {
	cols := []Column{{"id", Int64}}
	if e.schema.multi {
		cols = append(cols, Column{"layer", String})
	}
	return append(cols, e.schema.columns...)
}

func fgbType(t Type) uint8 {
	switch t {
	case Int32:
		return fgbInt
	case Int64:
		return fgbLong
	case Float64:
		return fgbDouble
	case Bool:
		return fgbBool
	case Date, DateTime:
		return fgbDateTime
	case JSON:
		return fgbJSON
	}
	return fgbString
}

func (e *fgbEncoder) begin(w *bufio.Writer) error {
	cols := e.fgbColumns()
	f := &e.fb
	f.reset()
	// Header: name 0, geometry_type 2, columns 7, index_node_size 9, crs 10.
	h, hrefs := f.table(refField(0), u8(2, fgbMultiPolygon), refField(7), u16(9, 0), refField(10))
	f.ref(0, h)
	f.ref(hrefs[0], f.str(e.name))
	vec := f.refVec(len(cols))
	f.ref(hrefs[2], vec)
	for i, c := range cols {
		// Column: name 0, type 1.
		ct, crefs := f.table(refField(0), u8(1, fgbType(c.Type)))
		f.ref(vec+4+4*i, ct)
		f.ref(crefs[0], f.str(c.Name))
	}
	// Crs: org 0, code 1, name 2.
	crs, rrefs := f.table(refField(0), i32(1, int32(e.crs.EPSG)), refField(2))
	f.ref(hrefs[4], crs)
	f.ref(rrefs[0], f.str("EPSG"))
	f.ref(rrefs[2], f.str(e.crs.Name))
	if _, err := w.Write(fgbMagic[:]); err != nil {
		return err
	}
	e.row = make([]Value, len(e.schema.columns))
	return e.writeSized(w, f.b)
}

func (e *fgbEncoder) writeSized(w *bufio.Writer, b []byte) error {
	binary.LittleEndian.PutUint32(e.size[:], uint32(len(b)))
	if _, err := w.Write(e.size[:]); err != nil {
		return err
	}
	_, err := w.Write(b)
	return err
}

func (e *fgbEncoder) feature(w *bufio.Writer, ft *Feature) error {
	row, err := e.schema.row(e.row, ft)
	if err != nil {
		return err
	}
	// Properties: id first, then the layer, then the schema's columns.
	p := binary.LittleEndian.AppendUint16(e.props[:0], 0)
	p = binary.LittleEndian.AppendUint64(p, uint64(ft.ID))
	col := uint16(1)
	if e.schema.multi {
		p = binary.LittleEndian.AppendUint16(p, col)
		p = appendFGBString(p, ft.Layer.Name)
		col++
	}
	for i, c := range e.schema.columns {
		if v := row[i]; !v.Null {
			p = binary.LittleEndian.AppendUint16(p, col+uint16(i))
			p = appendFGBValue(p, c.Type, v)
		}
	}
	e.props = p

	f := &e.fb
	f.reset()
	// Feature: geometry 0, properties 1.
	ftab, frefs := f.table(refField(0), refField(1))
	f.ref(0, ftab)
	// Geometry: type 6, parts 7.
	g, grefs := f.table(u8(6, fgbMultiPolygon), refField(7))
	f.ref(frefs[0], g)
	parts := f.refVec(len(ft.Geometry))
	f.ref(grefs[1], parts)
	for i, poly := range ft.Geometry {
		// Geometry (a Polygon part): ends 0, xy 1, type 6.
		pt, prefs := f.table(refField(0), refField(1), u8(6, fgbPolygon))
		f.ref(parts+4+4*i, pt)
		e.ends = e.ends[:0]
		n := 0
		for _, ring := range poly {
			n += len(ring)
			e.ends = append(e.ends, uint32(n))
		}
		f.ref(prefs[0], f.uint32Vec(e.ends))
		f.ref(prefs[1], f.startFloat64Vec(2*n))
		for _, ring := range poly {
			for _, pt := range ring {
				f.float64El(pt[0])
				f.float64El(pt[1])
			}
		}
	}
	f.ref(frefs[1], f.bytesVec(e.props))
	return e.writeSized(w, f.b)
}

func (e *fgbEncoder) end(*bufio.Writer) error { return nil }

func appendFGBString(b []byte, s string) []byte {
	b = binary.LittleEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

func appendFGBValue(b []byte, t Type, v Value) []byte {
	switch t {
	case Int32:
		return binary.LittleEndian.AppendUint32(b, uint32(int32(v.Int)))
	case Int64:
		return binary.LittleEndian.AppendUint64(b, uint64(v.Int))
	case Float64:
		return binary.LittleEndian.AppendUint64(b, math.Float64bits(v.Float))
	case Bool:
		if v.Bool {
			return append(b, 1)
		}
		return append(b, 0)
	}
	// Strings, JSON and dates: length-prefixed text.
	at := len(b)
	b = append(b, 0, 0, 0, 0)
	b = appendValueText(b, t, v)
	binary.LittleEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	return b
}
