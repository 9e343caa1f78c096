// Package export writes zones, parcels and green areas for GIS analysts:
// GeoJSON (RFC 7946 FeatureCollection), GeoJSON Text Sequences (RFC 8142),
// CSV with the geometry as WKT, and FlatGeobuf, in WGS 84 lon/lat (CRS84)
// or, transformed by PostGIS, in any CRS of crs.List: VN-2000 lon/lat
// (EPSG:4756), its UTM zones 48N and 49N (EPSG:3405, 3406) and its TM-3
// zones (EPSG:5896–5899, 9205–9218).
//
// A Writer streams: features go out as they are given, through a 64 KiB
// buffer that is handed to the destination (and, for HTTP, flushed to the
// client) at least once a second, so memory stays constant whatever the
// number of features. Nothing is collected first: the one bound is a batch
// of BatchSize features held while PostGIS transforms their coordinates
// when the output CRS is not CRS84.
//
// Properties are the columns of a Layer. Areas are the geodesic areas
// stored by PostGIS, in square metres (area_m2) and hectares (area_ha), at
// full precision (the items API rounds them; an export does not). A Writer
// may take features of several layers (the zone dossier): then every
// feature carries a "layer" property, and the tabular formats (CSV,
// FlatGeobuf) use the union of the layers' columns, empty where a layer
// has no such column.
package export

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Format is an output format.
type Format string

// Formats.
const (
	GeoJSON    Format = "geojson"
	GeoJSONSeq Format = "geojsonseq"
	CSV        Format = "csv"
	FlatGeobuf Format = "fgb"
)

// Formats lists the formats in the order they are offered.
func Formats() []Format { return []Format{GeoJSON, GeoJSONSeq, CSV, FlatGeobuf} }

// ParseFormat reads a format name; "" and "json" mean GeoJSON.
// Errors: EINVALID.
func ParseFormat(s string) (Format, error) {
	switch s {
	case "", "json", "geojson":
		return GeoJSON, nil
	case "geojsonseq", "geojson-seq", "jsonseq":
		return GeoJSONSeq, nil
	case "csv":
		return CSV, nil
	case "fgb", "flatgeobuf":
		return FlatGeobuf, nil
	}
	return "", zonegis.Errorf(zonegis.EINVALID, "f: %q is not one of geojson, geojsonseq, csv, fgb", s)
}

// MediaType is the Content-Type of the format.
func (f Format) MediaType() string {
	switch f {
	case GeoJSONSeq:
		return "application/geo+json-seq"
	case CSV:
		return "text/csv; charset=utf-8"
	case FlatGeobuf:
		return "application/flatgeobuf"
	}
	return "application/geo+json"
}

// Ext is the file name extension of the format, without the dot.
func (f Format) Ext() string {
	switch f {
	case GeoJSONSeq:
		return "geojsons"
	case CSV:
		return "csv"
	case FlatGeobuf:
		return "fgb"
	}
	return "geojson"
}

// Type is the type of a column.
type Type uint8

// Column types. Date is a calendar date ("YYYY-MM-DD"); DateTime an
// instant (RFC 3339, UTC); JSON a JSON text kept as it is.
const (
	String Type = iota
	Int32
	Int64
	Float64
	Bool
	Date
	DateTime
	JSON
)

// Column is a property of a layer.
type Column struct {
	Name string
	Type Type
}

// Value is the value of one column of one feature. Which field holds it
// depends on the column's Type: Int for Int32 and Int64, Float, Bool, Str
// for String and JSON, Time for Date and DateTime. Null marks a missing
// value.
type Value struct {
	Null  bool
	Int   int64
	Float float64
	Bool  bool
	Str   string
	Time  time.Time
}

// Layer is a collection: its name and its columns.
type Layer struct {
	Name    string // "zones", "parcels", "green-areas"
	Columns []Column
}

// Feature is one feature to write. Values follow Layer.Columns. A Writer
// keeps no reference to a Feature after Write returns except by copying
// it, so callers may reuse one Feature; the Values' strings must not be
// modified afterwards (they are shared, not copied).
type Feature struct {
	Layer    *Layer
	ID       int64
	Geometry orb.MultiPolygon // lon/lat, EPSG:4326
	Values   []Value
}

// Options configure a Writer.
type Options struct {
	Format Format
	// CRS is the output CRS; the zero value is CRS84.
	CRS CRS
	// Transformer converts coordinates when CRS is not CRS84.
	Transformer Transformer
	// Layers are the layers the features come from, in order. More than
	// one adds a "layer" property and makes the tabular formats use the
	// union of their columns.
	Layers []*Layer
	// Name names the collection inside the file (GeoJSON "name",
	// FlatGeobuf header name).
	Name string
	// Flush, if set, is called after buffered output has been written to
	// the destination, at most about once every FlushInterval (an HTTP
	// handler passes its response's Flush).
	Flush func() error
	// FlushInterval defaults to one second.
	FlushInterval time.Duration
	// BatchSize is how many features go to the Transformer per round
	// trip (default 1000).
	BatchSize int
	// BOM starts a CSV with a UTF-8 byte order mark (UTF8BOM), by which
	// Excel knows the text is UTF-8 (Vietnamese names); other formats
	// ignore it.
	BOM bool
}

// BufferSize is the size of the Writer's output buffer, in bytes.
const BufferSize = 64 << 10

// encoder is one format.
type encoder interface {
	begin(w *bufio.Writer) error
	feature(w *bufio.Writer, f *Feature) error
	end(w *bufio.Writer) error
}

// Writer streams features in one format and CRS.
type Writer struct {
	ctx       context.Context
	opts      Options
	w         *bufio.Writer
	enc       encoder
	batch     []Feature // pending transform; each slot owns its Values
	geoms     []orb.MultiPolygon
	count     int64
	lastFlush time.Time
	closed    bool
}

// NewWriter starts writing to w (the format's header goes out at once).
// Errors: EINVALID (format, CRS without a Transformer, no layers, layers
// whose columns of one name differ in type).
func NewWriter(ctx context.Context, w io.Writer, o Options) (*Writer, error) {
	if o.CRS.EPSG == 0 {
		o.CRS = CRS84
	}
	if !o.CRS.IsCRS84() && o.Transformer == nil {
		return nil, zonegis.Errorf(zonegis.EUNAVAILABLE, "output in %s needs PostGIS to transform coordinates", o.CRS.Name)
	}
	if len(o.Layers) == 0 {
		return nil, zonegis.Errorf(zonegis.EINVALID, "export: no layers")
	}
	if o.FlushInterval <= 0 {
		o.FlushInterval = time.Second
	}
	if o.BatchSize <= 0 {
		o.BatchSize = 1000
	}
	sch, err := newSchema(o.Layers)
	if err != nil {
		return nil, err
	}
	x := &Writer{ctx: ctx, opts: o, w: bufio.NewWriterSize(w, BufferSize), lastFlush: time.Now()}
	switch o.Format {
	case GeoJSON:
		x.enc = &geojsonEncoder{name: o.Name, crs: o.CRS, multi: sch.multi}
	case GeoJSONSeq:
		x.enc = &geojsonEncoder{seq: true, multi: sch.multi}
	case CSV:
		x.enc = &csvEncoder{schema: sch, bom: o.BOM}
	case FlatGeobuf:
		x.enc = &fgbEncoder{schema: sch, name: o.Name, crs: o.CRS}
	default:
		return nil, zonegis.Errorf(zonegis.EINVALID, "export: unknown format %q", o.Format)
	}
	if err := x.enc.begin(x.w); err != nil {
		return nil, err
	}
	return x, nil
}

// Write writes f, or queues it for the next coordinate transform.
func (x *Writer) Write(f *Feature) error {
	if x.closed {
		return fmt.Errorf("export: write after close")
	}
	if x.opts.CRS.IsCRS84() {
		if err := x.enc.feature(x.w, f); err != nil {
			return err
		}
		x.count++
		if x.count%256 != 0 { // the clock is read every 256 features
			return nil
		}
		return x.maybeFlush()
	}
	if len(x.batch) == cap(x.batch) && len(x.batch) > 0 {
		if err := x.drain(); err != nil {
			return err
		}
	}
	if x.batch == nil {
		x.batch = make([]Feature, 0, x.opts.BatchSize)
	}
	x.batch = x.batch[:len(x.batch)+1]
	slot := &x.batch[len(x.batch)-1]
	slot.Layer, slot.ID, slot.Geometry = f.Layer, f.ID, f.Geometry
	slot.Values = append(slot.Values[:0], f.Values...)
	return nil
}

// drain transforms the queued features and writes them.
func (x *Writer) drain() error {
	if len(x.batch) == 0 {
		return nil
	}
	x.geoms = x.geoms[:0]
	for i := range x.batch {
		x.geoms = append(x.geoms, x.batch[i].Geometry)
	}
	out, err := x.opts.Transformer.Transform(x.ctx, x.opts.CRS.EPSG, x.geoms)
	if err != nil {
		return err
	}
	if len(out) != len(x.batch) {
		return fmt.Errorf("export: transform returned %d geometries for %d", len(out), len(x.batch))
	}
	for i := range x.batch {
		x.batch[i].Geometry = out[i]
		if err := x.enc.feature(x.w, &x.batch[i]); err != nil {
			return err
		}
		x.batch[i].Geometry = nil
		x.count++
	}
	clear(x.geoms)
	x.batch = x.batch[:0]
	return x.maybeFlush()
}

// maybeFlush flushes when FlushInterval has passed since the last flush.
func (x *Writer) maybeFlush() error {
	if time.Since(x.lastFlush) < x.opts.FlushInterval {
		return nil
	}
	return x.flush()
}

func (x *Writer) flush() error {
	x.lastFlush = time.Now()
	if err := x.w.Flush(); err != nil {
		return err
	}
	if x.opts.Flush != nil {
		return x.opts.Flush()
	}
	return nil
}

// Count is the number of features written so far.
func (x *Writer) Count() int64 { return x.count }

// Close writes the queued features and the format's trailer and flushes
// everything to the destination; it does not close the destination.
func (x *Writer) Close() error {
	if x.closed {
		return nil
	}
	if err := x.drain(); err != nil {
		return err
	}
	x.closed = true
	if err := x.enc.end(x.w); err != nil {
		return err
	}
	return x.flush()
}

// schema is the columns the tabular formats write: the union of the
// layers' columns, in order of first appearance, and where each layer's
// columns go in it.
type schema struct {
	columns []Column
	multi   bool             // more than one layer: a "layer" column leads
	at      map[*Layer][]int // layer column index -> schema column index
}

func newSchema(layers []*Layer) (*schema, error) {
	s := &schema{multi: len(layers) > 1, at: map[*Layer][]int{}}
	pos := map[string]int{}
	for _, l := range layers {
		idx := make([]int, len(l.Columns))
		for i, c := range l.Columns {
			j, ok := pos[c.Name]
			if !ok {
				j = len(s.columns)
				pos[c.Name] = j
				s.columns = append(s.columns, c)
			} else if s.columns[j].Type != c.Type {
				return nil, zonegis.Errorf(zonegis.EINVALID, "export: column %q has two types", c.Name)
			}
			idx[i] = j
		}
		s.at[l] = idx
	}
	return s, nil
}

// row spreads f's values over the schema's columns into dst (len =
// len(columns)), Null where f's layer has no such column.
func (s *schema) row(dst []Value, f *Feature) ([]Value, error) {
	idx, ok := s.at[f.Layer]
	if !ok {
		return nil, fmt.Errorf("export: feature of layer %q, which the writer was not given", f.Layer.Name)
	}
	if len(f.Values) != len(idx) {
		return nil, fmt.Errorf("export: %s feature %d has %d values for %d columns", f.Layer.Name, f.ID, len(f.Values), len(idx))
	}
	dst = dst[:len(s.columns)]
	for i := range dst {
		dst[i] = Value{Null: true}
	}
	for i, j := range idx {
		dst[j] = f.Values[i]
	}
	return dst, nil
}
