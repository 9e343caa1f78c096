package export

import (
	"bufio"
	"strconv"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
)

// rs is the record separator that leads every GeoJSON Text Sequence
// record (RFC 8142).
const rs = 0x1e

// geojsonEncoder writes a FeatureCollection, or with seq a GeoJSON Text
// Sequence: each feature led by RS and ended by LF. Outside CRS84 the
// collection carries the (2008) "crs" member naming the EPSG code, which
// GDAL and QGIS honour; RFC 7946 has no other way to say it, and OGC API
// Part 2 clients read the Content-Crs header instead.
type geojsonEncoder struct {
	seq   bool
	multi bool
	name  string
	crs   CRS
	n     int64
	buf   []byte
}

func (e *geojsonEncoder) begin(w *bufio.Writer) error {
	if e.seq {
		return nil
	}
	b := append(e.buf[:0], `{"type":"FeatureCollection"`...)
	if e.name != "" {
		b = append(b, `,"name":`...)
		b = encode.AppendString(b, e.name)
	}
	if !e.crs.IsCRS84() {
		b = append(b, `,"crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::`...)
		b = strconv.AppendInt(b, int64(e.crs.EPSG), 10)
		b = append(b, `"}}`...)
	}
	b = append(b, `,"features":[`...)
	e.buf = b
	_, err := w.Write(b)
	return err
}

func (e *geojsonEncoder) feature(w *bufio.Writer, f *Feature) error {
	b := e.buf[:0]
	switch {
	case e.seq:
		b = append(b, rs)
	case e.n > 0:
		b = append(b, ",\n"...)
	default:
		b = append(b, '\n')
	}
	e.n++
	b = appendFeatureJSON(b, f, e.multi)
	if e.seq {
		b = append(b, '\n')
	}
	e.buf = b
	_, err := w.Write(b)
	return err
}

func (e *geojsonEncoder) end(w *bufio.Writer) error {
	if e.seq {
		return nil
	}
	_, err := w.WriteString("\n]}\n")
	return err
}

// appendFeatureJSON appends f as a GeoJSON Feature; with layer, the
// properties lead with "layer".
func appendFeatureJSON(b []byte, f *Feature, layer bool) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, f.ID, 10)
	b = append(b, `,"geometry":`...)
	b = encode.AppendMultiPolygon(b, f.Geometry)
	b = append(b, `,"properties":{`...)
	if layer {
		b = append(b, `"layer":`...)
		b = encode.AppendString(b, f.Layer.Name)
	}
	for i, c := range f.Layer.Columns {
		if i > 0 || layer {
			b = append(b, ',')
		}
		b = encode.AppendString(b, c.Name)
		b = append(b, ':')
		b = appendValueJSON(b, c.Type, f.Values[i])
	}
	return append(b, "}}"...)
}

func appendValueJSON(b []byte, t Type, v Value) []byte {
	if v.Null {
		return append(b, "null"...)
	}
	switch t {
	case Int32, Int64:
		return strconv.AppendInt(b, v.Int, 10)
	case Float64:
		return encode.AppendFloat(b, v.Float)
	case Bool:
		return strconv.AppendBool(b, v.Bool)
	case Date:
		return encode.AppendDate(b, &v.Time)
	case DateTime:
		return encode.AppendTime(b, v.Time)
	case JSON:
		return append(b, v.Str...)
	}
	return encode.AppendString(b, v.Str)
}

// appendValueText appends v as plain text (CSV cells, FlatGeobuf strings):
// numbers in their shortest exact form, dates YYYY-MM-DD, instants RFC 3339
// in UTC, JSON as is; nothing for Null.
func appendValueText(b []byte, t Type, v Value) []byte {
	if v.Null {
		return b
	}
	switch t {
	case Int32, Int64:
		return strconv.AppendInt(b, v.Int, 10)
	case Float64:
		return strconv.AppendFloat(b, v.Float, 'f', -1, 64)
	case Bool:
		return strconv.AppendBool(b, v.Bool)
	case Date:
		return v.Time.UTC().AppendFormat(b, time.DateOnly)
	case DateTime:
		return v.Time.UTC().AppendFormat(b, time.RFC3339Nano)
	}
	return append(b, v.Str...)
}

// appendWKT appends mp as WKT, coordinates in their shortest exact form.
func appendWKT(b []byte, mp orb.MultiPolygon) []byte {
	if len(mp) == 0 {
		return append(b, "MULTIPOLYGON EMPTY"...)
	}
	b = append(b, "MULTIPOLYGON ("...)
	for i, poly := range mp {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '(')
		for j, ring := range poly {
			if j > 0 {
				b = append(b, ", "...)
			}
			b = append(b, '(')
			for k, p := range ring {
				if k > 0 {
					b = append(b, ", "...)
				}
				b = strconv.AppendFloat(b, p[0], 'f', -1, 64)
				b = append(b, ' ')
				b = strconv.AppendFloat(b, p[1], 'f', -1, 64)
			}
			b = append(b, ')')
		}
		b = append(b, ')')
	}
	return append(b, ')')
}
