package registry

import (
	"context"
	"net/url"
	"os"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// FileOptions say how an import reads a file: its format, and, for files
// GDAL reads, the layer, the source CRS (CRS, else the file's own, else
// the TM-3 zone of Province) and the mapping of its fields to ours.
type FileOptions struct {
	Format   source.Format
	Layer    string
	CRS      string // "EPSG:N"; overrides the file's
	Province string // for a file without a CRS: its province's TM-3 zone (crs.DefaultSource)
	Mapping  *Mapping
}

// FileRead is what reading a file through GDAL found.
type FileRead struct {
	Format, Layer, CRS string
	source.Counts
}

// viaJSON says whether the file is read as a GeoJSON FeatureCollection in
// our names (ParseImport) rather than through GDAL: GeoJSON given no CRS,
// layer or mapping.
func (o FileOptions) viaJSON() bool {
	return o.Format.Name == "geojson" && o.CRS == "" && o.Layer == "" && o.Mapping == nil
}

// ViaJSON is viaJSON for the transports, which read such a file as a
// stream (ImportFile) instead of a path.
func (o FileOptions) ViaJSON() bool { return o.viaJSON() }

// ImportPath imports the file at path into collection as actor, with the
// import options io: a GeoJSON FeatureCollection in our names through
// ImportFile, any other file (or one given a CRS, layer or mapping)
// through GDAL (ImportSource). read says what GDAL read (nil for the JSON
// path). Errors: as ImportFile and ImportSource; EINVALID naming province
// for one crs.DefaultSource does not know, and source.Open's.
func ImportPath(ctx context.Context, db ImportStore, actor zonegis.Actor, collection, path string, o FileOptions, io zonegis.ImportOptions) (rep *zonegis.ImportReport, read *FileRead, err error) {
	if collection == zonegis.CollectionEnterpriseReports { // a table, one report a row (reports.go)
		if o.Format.Name != "csv" && o.Format.Name != "xlsx" {
			return nil, nil, invalid("format: enterprise reports import from a table: csv or xlsx, not %s", o.Format.Name)
		}
		return importReports(ctx, db, actor, path, o, io)
	}
	if o.viaJSON() {
		f, err := os.Open(path)
		if err != nil {
			return nil, nil, err
		}
		defer f.Close()
		rep, err = ImportFile(ctx, db, actor, collection, f, io)
		return rep, nil, err
	}
	var defaultCRS string
	if o.Province != "" {
		if defaultCRS, err = crs.DefaultSource(o.Province); err != nil {
			return nil, nil, invalid("province: %s", zonegis.ErrorMessage(err))
		}
	}
	r, err := source.Open(path, source.Options{Format: o.Format.Name, Layer: o.Layer, CRS: o.CRS, DefaultCRS: defaultCRS})
	if err != nil {
		return nil, nil, err
	}
	defer r.Close()
	rep, err = ImportSource(ctx, db, actor, collection, r, o.Mapping, io)
	return rep, &FileRead{Format: o.Format.Name, Layer: r.LayerName, CRS: r.CRS, Counts: r.Counts()}, err
}

// ParseMapping is the mapping a transport was given for collection: spec
// in the --map syntax (ParseMapSpec) or file, a JSON mapping file
// (ParseMappingFile), or nil for neither. Errors: EINVALID naming map or
// mapping.
func ParseMapping(collection, spec string, file []byte) (*Mapping, error) {
	switch {
	case spec != "" && file != nil:
		return nil, invalid("map and mapping: give one of them")
	case spec != "":
		m, err := ParseMapSpec(collection, spec)
		if err != nil {
			return nil, invalid("map: %s", zonegis.ErrorMessage(err))
		}
		return m, nil
	case file != nil:
		m, err := ParseMappingFile(collection, file)
		if err != nil {
			return nil, invalid("mapping: %s", zonegis.ErrorMessage(err))
		}
		return m, nil
	}
	return nil, nil
}

// UploadOptions are the options of an uploaded file's import: format, crs,
// layer, province and map from the query q or the form fields (not both),
// the form's mapping (a file of it), the format resolved from them or the
// part's media type and file name (source.Resolve: *source.Unsupported
// when those name none). Errors: EINVALID naming the field.
func UploadOptions(collection string, q url.Values, fields map[string]string, mediaType, fileName string) (FileOptions, error) {
	var o FileOptions
	var format, spec string
	for name, dst := range map[string]*string{"format": &format, "crs": &o.CRS, "layer": &o.Layer, "province": &o.Province, "map": &spec} {
		v, inForm := fields[name]
		if inForm && q.Has(name) {
			return o, zonegis.Errorf(zonegis.EINVALID, "%s: given twice (in the query and the form)", name)
		}
		*dst = v + q.Get(name)
	}
	var err error
	if o.Format, err = source.Resolve(format, mediaType, fileName); err != nil {
		return o, err
	}
	var mapping []byte
	if v, ok := fields["mapping"]; ok {
		mapping = []byte(v)
	}
	o.Mapping, err = ParseMapping(collection, spec, mapping)
	return o, err
}
