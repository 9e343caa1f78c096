// Package source reads the features of the files boards hold (Shapefile,
// GeoPackage, FlatGeobuf, GeoJSON, KML, DXF, DGN, MapInfo, CSV) through
// GDAL, one at a time, as Records: the source's own fields, in its order
// and with its names, and the geometry in lon/lat. What those fields mean
// to zonegis is the import mapping's business (package registry), not
// this one's.
package source

import "github.com/paulmach/orb"

// Field is one attribute of a source feature, as the file names it. Value
// is nil (a null or unset field), string, int64, float64, bool, or a
// string "YYYY-MM-DD" / RFC 3339 for dates and date-times.
type Field struct {
	Name  string
	Value any
}

// Record is one feature of a source file.
type Record struct {
	// Index is the feature's 0-based position in the source (the layer's
	// reading order): what an import report calls it by.
	Index int
	// FID is the source's own feature id, when the format has one (HasFID).
	FID    int64
	HasFID bool
	// Fields are the feature's attributes in the layer's field order.
	Fields []Field
	// Geometry is in EPSG:4326, lon/lat, two-dimensional (Z and M are
	// dropped by the reader, which counts the features that had them), or
	// nil when the feature has none.
	Geometry orb.Geometry
	// Problems are what could not be taken from the feature as the file
	// has it: text that is not valid UTF-8 after the file's encoding was
	// applied (its Field's Value is then nil: never mojibake, never
	// replaced), a geometry that cannot be read or transformed (Field
	// "geometry", Geometry nil). A feature with problems is reported,
	// not written.
	Problems []FieldProblem
}

// FieldProblem is one thing wrong with a field of a source feature: Field
// is the field's name as the file spells it ("geometry" for the
// geometry), Reason says what is wrong and what to do.
type FieldProblem struct {
	Field  string
	Reason string
}

// Get returns the value of the field named name (exactly as the source
// spells it) and whether the record has such a field.
func (r *Record) Get(name string) (any, bool) {
	for _, f := range r.Fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return nil, false
}
