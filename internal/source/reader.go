package source

/*
#include "zg.h"
*/
import "C"

import (
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"

	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Options say how to read a file.
type Options struct {
	// Format names the file's format (a Format's Name); empty: by the
	// file's extension, else any format of Formats that GDAL recognises.
	Format string
	// Layer names the layer to read; empty: the file's only layer (a file
	// of several layers then needs one named).
	Layer string
	// CRS is the source CRS as "EPSG:N": it overrides the file's own, or
	// supplies one where the file has none.
	CRS string
	// DefaultCRS ("EPSG:N") is used only when the file has no CRS.
	DefaultCRS string
	// Table reads the rows of a table without geometry (a CSV without a
	// WKT column, a spreadsheet): no CRS is needed, and a geometry a row
	// has is ignored (Record.Geometry stays nil).
	Table bool
}

// Counts are what a Reader has read so far.
type Counts struct {
	// Read is the features read.
	Read int
	// DroppedZM is the features whose Z or M coordinates were dropped.
	DroppedZM int
}

// Reader reads one layer of a file, one feature at a time: it holds one
// feature in memory. It is not safe for concurrent use. Its calls into
// GDAL all run on one OS thread of its own, since GDAL's error state and
// the PROJ context its transformation was made in belong to a thread;
// that thread reads a few features ahead.
type Reader struct {
	// The caller's side.
	items     chan item
	stop      chan struct{} // closed by Close
	closed    chan struct{} // closed once GDAL's handles are released
	closeOnce sync.Once
	end       error // what ended the reading
	counts    Counts

	// The reader thread's side.
	index  int // of the next feature
	ds     C.GDALDatasetH
	layer  C.OGRLayerH
	src    C.OGRSpatialReferenceH
	dst    C.OGRSpatialReferenceH
	ct     C.OGRCoordinateTransformationH
	fields []fieldDef
	// cp1258: the layer's text is Windows-1258, decoded here.
	cp1258 bool
	// mapInfoVN: a MapInfo table whose charset is WindowsVietnamese.
	mapInfoVN bool
	// table: rows without geometry (Options.Table).
	table bool
	// CRS is the source CRS the features are transformed from, as its
	// authority names it ("EPSG:9210") or by its name.
	CRS string
	// LayerName is the layer being read.
	LayerName string
}

type fieldDef struct {
	name    string
	typ     C.OGRFieldType
	subtype C.OGRFieldSubType
}

// epsgCode is the only CRS syntax taken from outside: never a file name
// or URL, which GDAL's OSRSetFromUserInput would read.
var epsgCode = regexp.MustCompile(`(?i)^\s*EPSG:{1,2}([0-9]{1,6})\s*$`)

// invalid is an EINVALID error naming what is at fault.
func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}

// Open opens the file at name for reading its features in EPSG:4326.
// Errors (EINVALID, naming "file", "layer" or "crs"): not a file of a
// format of Formats, corrupt, no such layer, several layers and none
// named, a CRS string that is not EPSG:N or that PROJ does not know, a
// file without a CRS when none is given.
func Open(name string, o Options) (*Reader, error) {
	type opened struct {
		r   *Reader
		err error
	}
	ch := make(chan opened)
	go func() {
		// Unlocked at the end, not left to die with the goroutine: a
		// thread that ends sends its children's parent-death signal
		// (PR_SET_PDEATHSIG is per thread), and the private PostgreSQL
		// that pgcluster starts stops on it when this thread started it.
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		r, err := open(name, o)
		ch <- opened{r, err}
		if err == nil {
			r.readAhead()
		}
	}()
	op := <-ch
	return op.r, op.err
}

// readAhead reads the features, on the reader's thread, into r.items
// until the end of the layer, an error or Close.
func (r *Reader) readAhead() {
	defer close(r.closed)
	defer r.release()
	for {
		rec, zm, err := r.next()
		select {
		case r.items <- item{rec, zm, err}:
		case <-r.stop:
			return
		}
		if err != nil {
			<-r.stop
			return
		}
	}
}

// item is one feature read ahead: the record, whether Z/M was dropped
// from it, or the error that ends the reading (io.EOF at the end).
type item struct {
	rec Record
	zm  bool
	err error
}

// readAheadFeatures is how many features a Reader reads ahead of Next:
// its thread and the caller work at once, and at most this many records
// are held.
const readAheadFeatures = 16

func open(name string, o Options) (*Reader, error) {
	register()
	f, named := Format{}, false
	if o.Format != "" {
		var ok bool
		if f, ok = FormatByName(o.Format); !ok {
			return nil, invalid("format: %q is not a format zonegis reads; formats: %s", o.Format, strings.Join(FormatNames(), ", "))
		}
		named = true
	} else {
		f, named = FormatByFileName(name)
	}
	drivers := allDrivers
	if named {
		drivers = f.Drivers
	}
	open := name
	if f.Zip || !named && strings.EqualFold(filepath.Ext(name), ".zip") {
		var err error
		if open, err = insideZip(name, drivers); err != nil {
			return nil, err
		}
	}
	var oo []string
	if slices.Contains(drivers, "CSV") {
		// CSV with WKT: the geometry is the column named so, not a field.
		oo = append(oo, "GEOM_POSSIBLE_NAMES=WKT,wkt,geometry,geom,the_geom", "KEEP_GEOM_COLUMNS=NO")
	}
	if slices.Contains(drivers, "XLSX") {
		// The first row names the columns (GDAL 3.6's XLSX driver takes
		// this as a configuration option only, read as the sheet's fields
		// are: at open, on this thread).
		setThreadConfig("OGR_XLSX_HEADERS", "FORCE")
		defer setThreadConfig("OGR_XLSX_HEADERS", "")
	}
	r := &Reader{items: make(chan item, readAheadFeatures), stop: make(chan struct{}), closed: make(chan struct{})}
	switch ext := strings.ToLower(path.Ext(open)); {
	case ext == ".dxf" && slices.Contains(drivers, "DXF") && isCP1258(dxfCodePage(head(open))):
		// As for Shapefiles (see Reader.open): GDAL reads the text as it
		// is, and it is decoded here. The option is read at open, on this
		// thread only.
		setThreadConfig("DXF_ENCODING", "UTF-8")
		defer setThreadConfig("DXF_ENCODING", "")
		r.cp1258 = true
	case (ext == ".tab" || ext == ".mif") && slices.Contains(drivers, "MapInfo File") && isCP1258(mapInfoCharset(head(open))):
		r.mapInfoVN = true // decoded here unless GDAL does (Reader.open)
	}
	if err := r.open(open, drivers, oo, named, f, o); err != nil {
		r.release()
		return nil, err
	}
	return r, nil
}

// open opens the dataset and its layer, and sets up the fields and the
// transformation.
func (r *Reader) open(name string, drivers, oo []string, named bool, f Format, o Options) error {
	var err error
	if r.ds, err = openDataset(name, drivers, oo, named, f); err != nil {
		return err
	}
	i, err := r.pickLayer(o.Layer)
	if err != nil {
		return err
	}
	if enc := C.zg_shape_encoding(r.ds, r.layer); enc != nil && isCP1258(C.GoString(enc)) {
		// GDAL 3.6 recodes Windows-1258 with iconv and drops the last
		// character of every string (glibc's converter holds it back for
		// a tone mark that may follow, and GDAL never flushes it). So the
		// DBF is read as it is and decoded here.
		C.GDALClose(r.ds)
		if r.ds, err = openDataset(name, drivers, append(oo, "ENCODING="), named, f); err != nil {
			return err
		}
		r.layer = C.GDALDatasetGetLayer(r.ds, C.int(i))
		r.cp1258 = true
	}
	if r.mapInfoVN {
		// GDAL 3.6 knows no iconv encoding for MapInfo's WindowsVietnamese
		// and passes the text on as it is; should it ever recode it, the
		// layer says its strings are UTF-8 and it is not decoded twice.
		cap := cString("StringsAsUTF8")
		r.cp1258 = C.OGR_L_TestCapability(r.layer, cap) == 0
		C.free(unsafe.Pointer(cap))
	}
	return r.init(o)
}

// openDataset opens name with GDAL as a vector dataset.
func openDataset(name string, drivers, oo []string, named bool, f Format) (C.GDALDatasetH, error) {
	cpath, cdrv, coo := cString(name), cString(strings.Join(drivers, "\n")), cString(strings.Join(oo, "\n"))
	defer C.free(unsafe.Pointer(cpath))
	defer C.free(unsafe.Pointer(cdrv))
	defer C.free(unsafe.Pointer(coo))
	var cerr *C.char
	ds := C.zg_open(cpath, cdrv, coo, &cerr)
	if ds == nil {
		msg := goString(cerr)
		what := "a file of a format zonegis reads (" + strings.Join(FormatNames(), ", ") + ")"
		if named {
			what = "a readable " + f.Name + " file"
		}
		if msg != "" {
			msg = " (GDAL: " + msg + ")"
		}
		return nil, invalid("file: not %s%s", what, msg)
	}
	return ds, nil
}

// MaxUnzippedBytes bounds what a zip may hold, uncompressed: GDAL inflates
// it as it reads, so a small zip could otherwise make a huge feature.
const MaxUnzippedBytes = 1 << 30

// insideZip is the GDAL path of the dataset in the zip at name: its one
// Shapefile or MapInfo table, or the folder holding several.
func insideZip(name string, drivers []string) (string, error) {
	abs, err := filepath.Abs(name)
	if err != nil {
		return "", invalid("file: %v", err)
	}
	vsi := "/vsizip/" + abs
	cvsi := cString(vsi)
	defer C.free(unsafe.Pointer(cvsi))
	entries := C.zg_zip_entries(cvsi)
	if entries == nil {
		return "", invalid("file: not a readable zip archive")
	}
	want := map[string]bool{}
	for _, d := range drivers {
		switch d {
		case "ESRI Shapefile":
			want[".shp"] = true
		case "MapInfo File":
			want[".tab"], want[".mif"] = true, true
		}
	}
	var found []string
	var total int64
	for _, e := range lines(entries) {
		ce := cString(vsi + "/" + e)
		total += max(int64(C.zg_size(ce)), 0)
		C.free(unsafe.Pointer(ce))
		if total > MaxUnzippedBytes {
			return "", zonegis.Errorf(zonegis.ETOOLARGE, "file: the zip holds more than %d bytes uncompressed", int64(MaxUnzippedBytes))
		}
		if want[strings.ToLower(path.Ext(e))] && !strings.HasPrefix(path.Base(e), ".") && !strings.HasPrefix(e, "__MACOSX/") {
			found = append(found, e)
		}
	}
	switch {
	case len(found) == 0:
		return "", invalid("file: the zip holds no Shapefile (.shp) or MapInfo table (.tab, .mif)")
	case len(found) == 1:
		return vsi + "/" + found[0], nil
	}
	dir := path.Dir(found[0])
	for _, e := range found[1:] {
		if path.Dir(e) != dir {
			return "", invalid("file: the zip holds datasets in several folders (%s); send one", strings.Join(found, ", "))
		}
	}
	if dir == "." {
		return vsi, nil
	}
	return vsi + "/" + dir, nil
}

// pickLayer sets the layer named name (the only one when name is empty)
// and returns its position.
func (r *Reader) pickLayer(name string) (int, error) {
	names := lines(C.zg_layer_names(r.ds))
	i := 0
	switch {
	case len(names) == 0:
		return 0, invalid("file: it has no layer")
	case name != "":
		if i = slices.Index(names, name); i < 0 {
			return 0, invalid("layer: the file has no layer %q; its layers: %s", name, strings.Join(names, ", "))
		}
	case len(names) > 1:
		return 0, invalid("layer: the file has %d layers (%s); name one (--layer on the command line, layer= over HTTP)", len(names), strings.Join(names, ", "))
	}
	r.layer = C.GDALDatasetGetLayer(r.ds, C.int(i))
	return i, nil
}

// init reads the layer's fields and sets up the transformation.
func (r *Reader) init(o Options) error {
	r.LayerName = C.GoString(C.OGR_L_GetName(r.layer))
	defn := C.OGR_L_GetLayerDefn(r.layer)
	for i := range int(C.OGR_FD_GetFieldCount(defn)) {
		fd := C.OGR_FD_GetFieldDefn(defn, C.int(i))
		name, ok := r.text(C.GoString(C.OGR_Fld_GetNameRef(fd)))
		if !ok {
			return invalid("file: field %d's name %q %s", i, name, r.undecodable())
		}
		r.fields = append(r.fields, fieldDef{name: name, typ: C.OGR_Fld_GetType(fd), subtype: C.OGR_Fld_GetSubType(fd)})
	}
	if o.Table {
		r.table = true
		return nil
	}
	var err error
	switch {
	case o.CRS != "":
		r.src, err = epsg(o.CRS, "crs")
	default:
		r.src = C.zg_srs_layer(r.layer)
		if r.src == nil && o.DefaultCRS != "" {
			r.src, err = epsg(o.DefaultCRS, "crs")
		}
	}
	if err != nil {
		return err
	}
	if r.src == nil {
		return invalid("crs: the file has no CRS; give the source CRS (--crs EPSG:9210 on the command line, crs=EPSG:9210 over HTTP)")
	}
	r.CRS = goString(C.zg_srs_name(r.src))
	if err := r.officialShift(); err != nil {
		return err
	}
	if r.dst, err = epsg("EPSG:4326", "crs"); err != nil {
		return err
	}
	var cerr *C.char
	if r.ct = C.zg_transform(r.src, r.dst, &cerr); r.ct == nil {
		return invalid("crs: no transformation from %s to EPSG:4326 (PROJ: %s)", r.CRS, goString(cerr))
	}
	return nil
}

// officialShift replaces a VN-2000 source SRS by its bound CRS with the
// EPSG:6960 shift (crs.CRS.PROJ): given the EPSG code or a .prj, PROJ picks
// EPSG:5194 (Total's unofficial Mekong-delta parameters, 0.8 m off) for
// points in 9.35–11.04°N 104.24–107.11°E, Hồ Chí Minh City among them.
// Exports transform the same way (postgis.Transform), so a file imported
// and exported in its own CRS comes back where it was.
func (r *Reader) officialShift() error {
	code := int(C.zg_srs_epsg_of(r.src))
	c, ok := crs.ByEPSG(code)
	if !ok || c.IsCRS84() {
		return nil
	}
	p := C.CString(c.PROJ())
	defer C.free(unsafe.Pointer(p))
	var cerr *C.char
	s := C.zg_srs(0, p, &cerr)
	if s == nil {
		return invalid("crs: EPSG:%d: PROJ refuses its definition (%s)", code, goString(cerr))
	}
	C.OSRDestroySpatialReference(r.src)
	r.src = s
	r.CRS = fmt.Sprintf("EPSG:%d", code)
	return nil
}

// epsg is the SRS of an "EPSG:N" string, in x/y order; field names the
// option for errors.
func epsg(s, field string) (C.OGRSpatialReferenceH, error) {
	m := epsgCode.FindStringSubmatch(s)
	if m == nil {
		return nil, invalid("%s: %q is not a CRS: give it as EPSG:N, such as EPSG:9210 (VN-2000 / TM-3 zone 105-45)", field, s)
	}
	code, _ := strconv.Atoi(m[1])
	var cerr *C.char
	srs := C.zg_srs(C.int(code), nil, &cerr)
	if srs == nil {
		return nil, invalid("%s: PROJ does not know EPSG:%d (%s)", field, code, goString(cerr))
	}
	return srs, nil
}

// FieldNames are the layer's fields, in its order, as the file names them
// (decoded as its text is).
func (r *Reader) FieldNames() []string {
	names := make([]string, len(r.fields))
	for i, f := range r.fields {
		names[i] = f.name
	}
	return names
}

// Counts are the features read so far and those whose Z/M was dropped.
func (r *Reader) Counts() Counts { return r.counts }

// Next returns the next feature, or io.EOF after the last. A problem of
// one feature (text that is not UTF-8, a geometry that cannot be
// transformed) is in its Record's Problems; an error is the file's:
// EINVALID when it cannot be read on (corrupt).
func (r *Reader) Next() (Record, error) {
	if r.end != nil {
		return Record{}, r.end
	}
	it := <-r.items
	if it.err != nil {
		r.end = it.err
		return Record{}, it.err
	}
	r.counts.Read++
	if it.zm {
		r.counts.DroppedZM++
	}
	return it.rec, nil
}

// next reads the next feature (on the reader's thread); zm says whether
// Z or M was dropped from its geometry.
func (r *Reader) next() (rec Record, zm bool, err error) {
	var f C.zg_feature
	switch C.zg_next(r.layer, r.ct, &f) {
	case 0:
		return Record{}, false, io.EOF
	case -1:
		return Record{}, false, invalid("file: cannot read feature %d: %s", r.index, goString(f.err))
	}
	defer C.OGR_F_Destroy(f.f)
	rec = Record{Index: r.index}
	r.index++
	if fid := int64(C.OGR_F_GetFID(f.f)); fid != C.OGRNullFID {
		rec.FID, rec.HasFID = fid, true
	}
	rec.Fields = make([]Field, len(r.fields))
	for i, fd := range r.fields {
		v, problem := r.value(f.f, C.int(i), fd)
		rec.Fields[i] = Field{Name: fd.name, Value: v}
		if problem != "" {
			rec.Problems = append(rec.Problems, FieldProblem{Field: fd.name, Reason: problem})
		}
	}
	switch {
	case r.table: // no geometry is read
		if f.geomerr != nil {
			C.free(unsafe.Pointer(f.geomerr))
		}
		if f.wkb != nil {
			C.free(unsafe.Pointer(f.wkb))
		}
	case f.geomerr != nil:
		rec.Problems = append(rec.Problems, FieldProblem{Field: "geometry", Reason: "the geometry cannot be read: " + goString(f.geomerr)})
	case f.wkb != nil:
		b := C.GoBytes(unsafe.Pointer(f.wkb), f.wkblen)
		C.free(unsafe.Pointer(f.wkb))
		g, hadZM, err := decodeWKB(b)
		if err != nil {
			rec.Problems = append(rec.Problems, FieldProblem{Field: "geometry", Reason: "the geometry cannot be read: " + err.Error()})
			break
		}
		zm, rec.Geometry = hadZM, g
	}
	return rec, zm, nil
}

// value reads field i of f as Field.Value has it; problem says what is
// wrong with it (text that is not UTF-8, which is never passed on).
func (r *Reader) value(f C.OGRFeatureH, i C.int, fd fieldDef) (v any, problem string) {
	if C.OGR_F_IsFieldSetAndNotNull(f, i) == 0 {
		return nil, ""
	}
	switch fd.typ {
	case C.OFTInteger, C.OFTInteger64:
		n := int64(C.OGR_F_GetFieldAsInteger64(f, i))
		if fd.subtype == C.OFSTBoolean {
			return n != 0, ""
		}
		return n, ""
	case C.OFTReal:
		return float64(C.OGR_F_GetFieldAsDouble(f, i)), ""
	case C.OFTDate, C.OFTDateTime, C.OFTTime:
		var t [6]C.int
		var sec C.float
		C.zg_field_time(f, i, &t[0], &sec)
		return timeText(fd.typ, t, float64(sec)), ""
	}
	// Strings, and lists as GDAL writes them ("(2:a,b)").
	s, ok := r.text(C.GoString(C.OGR_F_GetFieldAsString(f, i)))
	if !ok {
		return nil, fmt.Sprintf("text %q %s", s, r.undecodable())
	}
	return s, ""
}

// text is s, as GDAL gives it, in UTF-8; ok is false when it cannot be
// (s is then shown with U+FFFD for what is wrong, for the report only).
func (r *Reader) text(s string) (string, bool) {
	if r.cp1258 {
		return decodeCP1258(s)
	}
	if !utf8.ValidString(s) {
		return strings.ToValidUTF8(s, "\uFFFD"), false
	}
	return s, true
}

// undecodable says why text could not be read, and what to do.
func (r *Reader) undecodable() string {
	if r.cp1258 {
		return "is not Windows-1258 text, as the file's .cpg says it is: correct the .cpg (UTF-8 is 65001)"
	}
	return "is not valid UTF-8: give the file's encoding (a .cpg beside a Shapefile, such as 1258 for Windows-1258)"
}

// timeText writes a date "YYYY-MM-DD", a time "hh:mm:ss" or a date-time
// in RFC 3339 (without an offset when the file gives no time zone).
func timeText(typ C.OGRFieldType, t [6]C.int, sec float64) string {
	date := fmt.Sprintf("%04d-%02d-%02d", t[0], t[1], t[2])
	whole := int(sec)
	clock := fmt.Sprintf("%02d:%02d:%02d", t[3], t[4], whole)
	if ms := int((sec-float64(whole))*1000 + 0.5); ms > 0 {
		clock += fmt.Sprintf(".%03d", ms)
	}
	switch typ {
	case C.OFTDate:
		return date
	case C.OFTTime:
		return clock
	}
	// OGR's time zone flag: 0 unknown, 1 local time, 100 UTC, 100±n
	// quarter hours east or west of it.
	tz := int(t[5])
	if tz < 100 {
		return date + "T" + clock
	}
	off := time.Duration(tz-100) * 15 * time.Minute
	if off == 0 {
		return date + "T" + clock + "Z"
	}
	sign := "+"
	if off < 0 {
		sign, off = "-", -off
	}
	return fmt.Sprintf("%sT%s%s%02d:%02d", date, clock, sign, int(off.Hours()), int(off.Minutes())%60)
}

// errClosed is what Next returns after Close.
var errClosed = errors.New("source: reader closed")

// Close releases the file and everything GDAL holds for it; a Reader
// that Open returned must be closed (its thread waits for it).
func (r *Reader) Close() error {
	r.closeOnce.Do(func() {
		close(r.stop)
		<-r.closed
		r.end = errClosed
	})
	return nil
}

// release frees what GDAL holds for the reader.
func (r *Reader) release() {
	if r.ct != nil {
		C.OCTDestroyCoordinateTransformation(r.ct)
		r.ct = nil
	}
	for _, s := range []*C.OGRSpatialReferenceH{&r.src, &r.dst} {
		if *s != nil {
			C.OSRDestroySpatialReference(*s)
			*s = nil
		}
	}
	if r.ds != nil {
		C.GDALClose(r.ds)
		r.ds = nil
	}
}

// setThreadConfig sets a GDAL configuration option for this thread ("":
// clears it).
func setThreadConfig(key, value string) {
	ck := cString(key)
	defer C.free(unsafe.Pointer(ck))
	var cv *C.char
	if value != "" {
		cv = cString(value)
		defer C.free(unsafe.Pointer(cv))
	}
	C.zg_thread_config(ck, cv)
}

// head is the first 64 KiB of a file GDAL can read, for the headers the
// reader looks at itself (a DXF's code page, a MapInfo table's charset).
func head(name string) []byte {
	cn := cString(name)
	defer C.free(unsafe.Pointer(cn))
	var n C.int
	buf := C.zg_head(cn, 64<<10, &n)
	if buf == nil {
		return nil
	}
	defer C.free(unsafe.Pointer(buf))
	return C.GoBytes(unsafe.Pointer(buf), n)
}
