package source

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Format is a file format the reader takes: the name zonegis gives it
// (format= over HTTP), the GDAL drivers that may read it, the file name
// extension GDAL wants to see, and the media types that name it.
type Format struct {
	Name string
	// Drivers are GDAL's short driver names allowed to open the file.
	Drivers []string
	// Ext is the extension (with its dot) a file of this format is given
	// when it is spooled, since some drivers (CSV, GeoJSONSeq) go by it.
	Ext string
	// Zip is true for a zip archive holding the dataset (read through
	// GDAL's /vsizip/).
	Zip bool
	// MediaTypes name the format in a Content-Type.
	MediaTypes []string
	// Sidecars: the dataset is several files (a .shp with its .shx,
	// .dbf, .prj, .cpg; a .mif with its .mid), so one upload of it is a
	// zip.
	Sidecars bool
}

// Formats are every format the reader takes, GeoJSON (a FeatureCollection
// imports through registry.ParseImport without GDAL) included last.
var Formats = []Format{
	{Name: "shapefile-zip", Drivers: []string{"ESRI Shapefile"}, Ext: ".zip", Zip: true, MediaTypes: []string{"application/x-shapefile+zip"}},
	{Name: "mapinfo-zip", Drivers: []string{"MapInfo File"}, Ext: ".zip", Zip: true, MediaTypes: []string{"application/x-mapinfo+zip"}},
	{Name: "zip", Drivers: []string{"ESRI Shapefile", "MapInfo File"}, Ext: ".zip", Zip: true, MediaTypes: []string{"application/zip", "application/x-zip-compressed"}},
	{Name: "shapefile", Drivers: []string{"ESRI Shapefile"}, Ext: ".shp", Sidecars: true},
	{Name: "mapinfo", Drivers: []string{"MapInfo File"}, Ext: ".tab", Sidecars: true},
	{Name: "mif", Drivers: []string{"MapInfo File"}, Ext: ".mif", Sidecars: true},
	{Name: "gpkg", Drivers: []string{"GPKG"}, Ext: ".gpkg", MediaTypes: []string{"application/geopackage+sqlite3"}},
	{Name: "fgb", Drivers: []string{"FlatGeobuf"}, Ext: ".fgb", MediaTypes: []string{"application/flatgeobuf"}},
	{Name: "geojsonseq", Drivers: []string{"GeoJSONSeq"}, Ext: ".geojsons", MediaTypes: []string{"application/geo+json-seq", "application/json-seq"}},
	{Name: "kml", Drivers: []string{"LIBKML", "KML"}, Ext: ".kml", MediaTypes: []string{"application/vnd.google-earth.kml+xml"}},
	{Name: "dxf", Drivers: []string{"DXF"}, Ext: ".dxf", MediaTypes: []string{"image/vnd.dxf", "application/dxf"}},
	{Name: "dgn", Drivers: []string{"DGN"}, Ext: ".dgn", MediaTypes: []string{"image/vnd.dgn", "application/x-dgn"}},
	{Name: "csv", Drivers: []string{"CSV"}, Ext: ".csv", MediaTypes: []string{"text/csv"}},
	{Name: "xlsx", Drivers: []string{"XLSX"}, Ext: ".xlsx", MediaTypes: []string{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}},
	{Name: "geojson", Drivers: []string{"GeoJSON"}, Ext: ".geojson", MediaTypes: []string{"application/geo+json", "application/json"}},
}

// allDrivers are the drivers a file of no named format may be opened
// with: only these, so that no other GDAL driver (VRT, which reads other
// files by name, or a network one) ever reads an upload.
var allDrivers = func() []string {
	var d []string
	for _, f := range Formats {
		for _, n := range f.Drivers {
			if !slices.Contains(d, n) {
				d = append(d, n)
			}
		}
	}
	return d
}()

// FormatNames are the names of Formats, in order.
func FormatNames() []string {
	names := make([]string, len(Formats))
	for i, f := range Formats {
		names[i] = f.Name
	}
	return names
}

// FormatByName is the format named name (case-insensitive).
func FormatByName(name string) (Format, bool) {
	for _, f := range Formats {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Format{}, false
}

// FormatByMediaType is the format a media type (without parameters) names.
func FormatByMediaType(mt string) (Format, bool) {
	for _, f := range Formats {
		if slices.Contains(f.MediaTypes, strings.ToLower(mt)) {
			return f, true
		}
	}
	return Format{}, false
}

// FormatByFileName is the format a file's name says by its extension
// (".shp.zip" and ".zip" are zips of a Shapefile or MapInfo table).
func FormatByFileName(name string) (Format, bool) {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".geojsonl", ".geojsonseq":
		ext = ".geojsons"
	case ".json":
		ext = ".geojson"
	case ".zip", ".shz":
		if ext == ".shz" || strings.HasSuffix(strings.ToLower(name), ".shp.zip") {
			return FormatByName("shapefile-zip")
		}
		return FormatByName("zip")
	}
	for _, f := range Formats {
		if f.Ext == ext && !f.Zip {
			return f, true
		}
	}
	return Format{}, false
}

// Unsupported is the error of Resolve for a media type or file name that
// names no format an upload may have (HTTP 415).
type Unsupported struct{ Detail string }

func (e *Unsupported) Error() string { return e.Detail }

// Resolve is the format of an uploaded file: named (a format's name), else
// by its media type, else by its file name. A format of several files
// (Sidecars) can only come as a zip. Errors: EINVALID naming format for an
// unknown name; *Unsupported for a media type or file that names none.
func Resolve(name, mediaType, fileName string) (Format, error) {
	f, ok := FormatByName(name)
	switch {
	case name != "" && !ok:
		return f, zonegis.Errorf(zonegis.EINVALID, "format: %q is not a format zonegis reads; formats: %s", name, strings.Join(UploadFormats(), ", "))
	case name == "":
		if f, ok = FormatByMediaType(mediaType); !ok && fileName != "" {
			f, ok = FormatByFileName(fileName)
		}
	}
	if !ok {
		what := "Content-Type " + zonegis.Quoted(mediaType)
		if mediaType == "" {
			what = "a body without a Content-Type"
		}
		if fileName != "" {
			what += " (file " + zonegis.Quoted(fileName) + ")"
		}
		return f, &Unsupported{what + " is not a format zonegis reads; name it with format= (" + strings.Join(UploadFormats(), ", ") + ")"}
	}
	if f.Sidecars {
		return f, &Unsupported{"format " + f.Name + " is several files (such as .shp, .shx, .dbf, .prj, .cpg): send them in one zip, with format=shapefile-zip or mapinfo-zip"}
	}
	return f, nil
}

// UploadFormats are the formats an upload may name: those of one file.
func UploadFormats() []string {
	var names []string
	for _, f := range Formats {
		if !f.Sidecars {
			names = append(names, f.Name)
		}
	}
	return names
}
