package export

import (
	"bufio"
	"bytes"
	"strconv"
)

// csvEncoder writes RFC 4180 CSV, UTF-8, CRLF line ends: a header row
// "id", ["layer",] the columns, "wkt"; then a row per feature with the
// geometry as WKT in the output CRS. GDAL reads the wkt column as the
// geometry (its CSV driver recognises the name).
type csvEncoder struct {
	schema *schema
	bom    bool // UTF8BOM before the header
	row    []Value
	buf    []byte
	cell   []byte
}

func (e *csvEncoder) begin(w *bufio.Writer) error {
	b := e.buf[:0]
	if e.bom {
		b = append(b, UTF8BOM...)
	}
	b = append(b, "id"...)
	if e.schema.multi {
		b = append(b, ",layer"...)
	}
	for _, c := range e.schema.columns {
		b = append(b, ',')
		b = appendCSV(b, []byte(c.Name))
	}
	b = append(b, ",wkt\r\n"...)
	e.buf = b
	e.row = make([]Value, len(e.schema.columns))
	_, err := w.Write(b)
	return err
}

func (e *csvEncoder) feature(w *bufio.Writer, f *Feature) error {
	row, err := e.schema.row(e.row, f)
	if err != nil {
		return err
	}
	b := strconv.AppendInt(e.buf[:0], f.ID, 10)
	if e.schema.multi {
		b = append(b, ',')
		b = appendCSV(b, []byte(f.Layer.Name))
	}
	for i, c := range e.schema.columns {
		b = append(b, ',')
		e.cell = appendValueText(e.cell[:0], c.Type, row[i])
		b = appendCSV(b, e.cell)
	}
	b = append(b, ",\""...)
	b = appendWKT(b, f.Geometry) // WKT has no quotes to double
	b = append(b, "\"\r\n"...)
	e.buf = b
	_, err = w.Write(b)
	return err
}

func (e *csvEncoder) end(*bufio.Writer) error { return nil }

// appendCSV appends a cell, quoted when it holds a comma, a quote, a line
// break or leading or trailing space (quotes doubled).
func appendCSV(b, cell []byte) []byte {
	if len(cell) == 0 || (bytes.IndexAny(cell, ",\"\r\n") < 0 && cell[0] != ' ' && cell[len(cell)-1] != ' ') {
		return append(b, cell...)
	}
	b = append(b, '"')
	for _, c := range cell {
		if c == '"' {
			b = append(b, '"')
		}
		b = append(b, c)
	}
	return append(b, '"')
}
