package registry

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"net/http"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxImportFeatureBytes bounds one feature of an import, with the blanks
// before it: what the decoder holds at a time. It is the bound of one
// written feature's body over HTTP (httpapi.MaxBodyBytes), 8 MiB.
const MaxImportFeatureBytes = 8 << 20

// MaxImportProblems bounds the problems an import report lists.
const MaxImportProblems = 1000

// ParseImport reads a GeoJSON FeatureCollection for collection from r one
// feature at a time, checking each: good calls good with the feature's
// position and its raw JSON, a bad one becomes a problem. Only the
// feature being read is held in memory. It stops at MaxImportProblems
// problems. Members other than type and features (name, crs) are skipped.
func ParseImport(collection string, r io.Reader, good func(i int, raw []byte) error) (n int, probs []postgis.ImportProblem, err error) {
	return parseImport(collection, r, nil, good)
}

// parseImport is ParseImport counting into p: each feature read, and each
// refused here as checked.
func parseImport(collection string, r io.Reader, p *Progress, good func(i int, raw []byte) error) (n int, probs []postgis.ImportProblem, err error) {
	win := &window{r: r, limit: MaxImportFeatureBytes}
	dec := json.NewDecoder(win)
	if err := wantDelim(dec, '{', "body is not valid JSON: want a GeoJSON FeatureCollection object"); err != nil {
		return 0, nil, err
	}
	typ, features := "", false
	for {
		win.reset()
		if !dec.More() {
			break
		}
		tok, err := dec.Token()
		if err != nil {
			return 0, nil, importReadError(err, "body")
		}
		key, _ := tok.(string)
		switch key {
		case "type":
			if err := dec.Decode(&typ); err != nil {
				return 0, nil, importReadError(err, "type")
			}
			if typ != "FeatureCollection" {
				return 0, nil, invalid("body: want a GeoJSON FeatureCollection, got type %q", typ)
			}
		case "features":
			if features {
				return 0, nil, invalid("body: features given twice")
			}
			features = true
			if err := wantDelim(dec, '[', "features: want an array of Features"); err != nil {
				return 0, nil, err
			}
			for {
				win.reset()
				if !dec.More() {
					break
				}
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return 0, nil, importReadError(err, fmt.Sprintf("features[%d]", n))
				}
				p.Read(1)
				if _, err := ParseFeature(collection, raw); err != nil {
					probs = append(probs, postgis.ImportProblem{Index: n, Code: zonegis.ErrorCode(err), Reason: zonegis.ErrorMessage(err)})
					p.Checked(1)
					if len(probs) >= MaxImportProblems {
						return n + 1, probs, nil
					}
				} else if err := good(n, raw); err != nil {
					return 0, nil, err
				}
				n++
			}
			if _, err := dec.Token(); err != nil { // ]
				return 0, nil, importReadError(err, "features")
			}
		default:
			if strings.EqualFold(key, "type") || strings.EqualFold(key, "features") {
				return 0, nil, invalid("body: no member %q (names are case-sensitive: did you mean %q?)", key, strings.ToLower(key))
			}
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return 0, nil, importReadError(err, key)
			}
		}
	}
	if _, err := dec.Token(); err != nil { // }
		return 0, nil, importReadError(err, "body")
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return 0, nil, importReadError(err, "body")
		}
		return 0, nil, invalid("body: unexpected data after the FeatureCollection")
	}
	switch {
	case typ == "":
		return 0, nil, invalid("body: want a GeoJSON FeatureCollection, got no type")
	case n == 0:
		return 0, nil, invalid("body: the FeatureCollection has no features")
	}
	return n, probs, nil
}

// wantDelim reads the next token and wants it to be d.
func wantDelim(dec *json.Decoder, d json.Delim, msg string) error {
	tok, err := dec.Token()
	if err != nil {
		return importReadError(err, "body")
	}
	if tok != d {
		return invalid("%s, got %s", msg, jsonTokenKind(tok))
	}
	return nil
}

func jsonTokenKind(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			return "an array"
		}
		return "an object"
	case string:
		return "a string"
	case float64, json.Number:
		return "a number"
	case bool:
		return "true or false"
	}
	return "null"
}

// importReadError turns an error reading an import into its answer: too
// large, the body's own error (bad gzip), or invalid JSON where.
func importReadError(err error, where string) error {
	var mbe *http.MaxBytesError
	var de *zonegis.Error
	var se *json.SyntaxError
	switch {
	case errors.As(err, &mbe):
		return zonegis.Errorf(zonegis.ETOOLARGE, "request body is larger than %d bytes", mbe.Limit)
	case errors.Is(err, errWindow):
		return zonegis.Errorf(zonegis.ETOOLARGE, "%s: more than %d bytes without the end of a feature; a feature of an import may have at most %d bytes", where, MaxImportFeatureBytes, MaxImportFeatureBytes)
	case errors.As(err, &de):
		return err
	case errors.As(err, &se):
		return invalid("%s: body is not valid JSON: %v", where, err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return invalid("%s: body is not valid JSON: it ends too soon", where)
	}
	return invalid("%s: body is not valid JSON: %v", where, err)
}

// errWindow is window's error past its limit.
var errWindow = errors.New("import: feature window exceeded")

// window is a reader that fails once more than limit bytes were read since
// its last reset: it bounds what a json.Decoder buffers for one value
// (the decoder also buffers the blanks before a value whole).
type window struct {
	r        io.Reader
	n, limit int
}

func (w *window) reset() { w.n = 0 }

func (w *window) Read(p []byte) (int, error) {
	if w.n >= w.limit {
		return 0, errWindow
	}
	if len(p) > w.limit-w.n {
		p = p[:w.limit-w.n]
	}
	n, err := w.r.Read(p)
	w.n += n
	return n, err
}

// ParseFeature decodes one GeoJSON Feature into a new record of
// collection (a *zonegis.Zone, *zonegis.Parcel or *zonegis.GreenArea),
// with its defaults, validated, as a create does. Errors: EINVALID naming
// the field; ENOTFOUND for an unknown collection.
func ParseFeature(collection string, raw []byte) (any, error) {
	if err := featurejson.CheckText(raw, ""); err != nil {
		return nil, err
	}
	doc, geom, err := featurejson.DecodeFeature(raw, false)
	if err != nil {
		return nil, err
	}
	props := doc.Properties
	if len(props) == 0 || string(props) == "null" {
		props = []byte("{}")
	}
	switch collection {
	case zonegis.CollectionZones:
		var p featurejson.ZoneProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return nil, err
		}
		z := &zonegis.Zone{Boundary: geom}
		return z, featurejson.ApplyZone(z, p)
	case zonegis.CollectionParcels:
		var p featurejson.ParcelProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return nil, err
		}
		if err := CheckParcelStatus(p.Status, true, ""); err != nil {
			return nil, err
		}
		pc := &zonegis.Parcel{Boundary: geom}
		return pc, featurejson.ApplyParcel(pc, p)
	case zonegis.CollectionGreenAreas:
		var p featurejson.GreenProps
		if err := featurejson.DecodeStrict(props, &p, "properties"); err != nil {
			return nil, err
		}
		g := &zonegis.GreenArea{Boundary: geom}
		return g, featurejson.ApplyGreen(g, p)
	}
	return nil, ErrNoSuchCollection
}

// ImportFile runs a whole import into collection from r, a GeoJSON
// FeatureCollection, as actor: parse and check every feature,
// then write all or nothing. It holds one feature at a time in memory: the
// good features go to a temporary file as they are checked and are read
// back from it one by one inside the transaction. The error is EINVALID
// with every problem listed in Details["problems"]
// ([]postgis.ImportProblem). It returns the change-log seq and the count.
func ImportFile(ctx context.Context, db ImportStore, actor zonegis.Actor, collection string, r io.Reader) (int64, int, error) {
	spool, err := os.CreateTemp("", "zonegis-import-*.json")
	if err != nil {
		return 0, 0, fmt.Errorf("import: %w", err)
	}
	os.Remove(spool.Name()) // gone with the file handle
	defer spool.Close()
	w := bufio.NewWriterSize(spool, 64<<10)
	var positions []int
	prog := ProgressFrom(ctx) // nil when no one watches
	_, probs, err := parseImport(collection, r, prog, func(i int, raw []byte) error {
		positions = append(positions, i)
		_, err := w.Write(raw)
		return err
	})
	if err != nil {
		return 0, 0, err
	}
	if len(probs) >= MaxImportProblems {
		// The rest of the body is not read: the import is refused anyway.
		return 0, 0, &zonegis.Error{Code: zonegis.EINVALID,
			Message: fmt.Sprintf("import refused: at least %d features have problems (the first %d are listed); nothing was written", len(probs), len(probs)),
			Details: map[string]any{"problems": probs}}
	}
	if err := w.Flush(); err != nil {
		return 0, 0, fmt.Errorf("import: %w", err)
	}
	if _, err := spool.Seek(0, io.SeekStart); err != nil {
		return 0, 0, fmt.Errorf("import: %w", err)
	}
	items := func(yield func(any, error) bool) {
		dec := json.NewDecoder(bufio.NewReaderSize(spool, 64<<10))
		for range positions {
			var raw json.RawMessage
			if err := dec.Decode(&raw); err != nil {
				yield(nil, fmt.Errorf("import: reading back checked features: %w", err))
				return
			}
			it, err := ParseFeature(collection, raw)
			if err != nil {
				err = fmt.Errorf("import: a checked feature no longer parses: %w", err)
			}
			if !yield(it, err) {
				return
			}
			prog.Checked(1) // the store has tried it
			if len(probs) == 0 {
				prog.Written(1)
			}
		}
	}
	var seq int64
	if len(positions) > 0 {
		if len(probs) > 0 {
			prog.SetPhase(PhaseChecking)
			// Some features are refused already: the rest are only
			// checked, so their problems are reported and nothing is written.
			err = db.CheckImportSeq(ctx, collection, items)
		} else {
			prog.SetPhase(PhaseWriting)
			seq, err = db.ImportSeq(ctx, actor, collection, items)
		}
		var ie *postgis.ImportError
		if err != nil {
			prog.RolledBack()
		}
		if errors.As(err, &ie) {
			for _, p := range ie.Problems {
				p.Index = positions[p.Index]
				probs = append(probs, p)
			}
		} else if err != nil {
			return 0, 0, err
		}
	}
	if len(probs) > 0 {
		sort.Slice(probs, func(i, j int) bool { return probs[i].Index < probs[j].Index })
		msg := importRefused(len(probs))
		if len(probs) > MaxImportProblems {
			probs = probs[:MaxImportProblems]
			msg += fmt.Sprintf(" (the first %d are listed)", MaxImportProblems)
		}
		return 0, 0, &zonegis.Error{Code: zonegis.EINVALID, Message: msg,
			Details: map[string]any{"problems": probs}}
	}
	return seq, len(positions), nil
}

func importRefused(n int) string {
	if n == 1 {
		return "import refused: 1 feature has a problem; nothing was written"
	}
	return fmt.Sprintf("import refused: %d features have problems; nothing was written", n)
}

// CandidateFromRecord maps one source record with m (a bound Mapping,
// see ImportSource): the reader's problems (text it could not decode)
// first, each naming its field, then the mapping's; a record without a
// geometry, or one larger as GeoJSON than an import's feature may be, has
// no Feature.
func CandidateFromRecord(m *Mapping, rec source.Record) Candidate {
	var read []CandidateProblem
	for _, p := range rec.Problems {
		read = append(read, CandidateProblem{Code: zonegis.EINVALID, Field: p.Field, Reason: p.Field + ": " + p.Reason})
	}
	if rec.Geometry == nil {
		if !slices.ContainsFunc(rec.Problems, func(p source.FieldProblem) bool { return p.Field == "geometry" }) {
			read = append(read, CandidateProblem{Code: zonegis.EINVALID, Field: "geometry", Reason: "geometry: the feature has none"})
		}
		return Candidate{Index: rec.Index, FID: rec.FID, HasFID: rec.HasFID, Problems: read}
	}
	c := m.Candidate(&rec)
	for i := range c.Problems {
		if p := &c.Problems[i]; p.Field != "" && !strings.HasPrefix(p.Reason, p.Field+":") {
			p.Reason = p.Field + ": " + p.Reason
		}
	}
	c.Problems = append(read, c.Problems...)
	if len(c.Feature) > MaxImportFeatureBytes {
		// ParseImport would refuse the whole import at it.
		c.Problems = append(c.Problems, CandidateProblem{Code: zonegis.ETOOLARGE, Field: "geometry",
			Reason: fmt.Sprintf("geometry: the feature is %d bytes as GeoJSON, more than the %d a feature of an import may have; simplify or split it", len(c.Feature), MaxImportFeatureBytes)})
		c.Feature = nil
	}
	return c
}

// RecordReader yields the features of a source file (*source.Reader):
// io.EOF after the last.
type RecordReader interface {
	Next() (source.Record, error)
	// FieldNames are the source's fields, in its order, as it names them.
	FieldNames() []string
}

// ImportSource runs a whole import into collection from the features r
// reads (any format package source reads), as actor: each becomes a
// Candidate through m bound to the source's fields (Mapping.Bind; nil:
// the fields named as ours map themselves, the rest go to attributes),
// and the good ones go through ImportFile,
// the GeoJSON import, as one FeatureCollection streamed through a pipe,
// one feature at a time. A candidate with problems is reported beside the
// problems ImportFile finds, and then nothing is written (the others are
// only checked). Problems carry the source's index (and fid in their
// details). Errors: as ImportFile; EINVALID naming "file" for a file that
// cannot be read on, or has no features.
//
// It bridges the GDAL reader to today's import; the import of Candidates
// with the complete report replaces it.
func ImportSource(ctx context.Context, db ImportStore, actor zonegis.Actor, collection string, r RecordReader, m *Mapping) (int64, int, error) {
	if m == nil {
		var err error
		if m, err = NewMapping(collection, nil, nil); err != nil {
			return 0, 0, err
		}
	}
	if m.Collection() != collection {
		return 0, 0, invalid("mapping: it is for %s, not %s", m.Collection(), collection)
	}
	m, err := m.Bind(r.FieldNames())
	if err != nil {
		return 0, 0, err
	}
	pr, pw := io.Pipe()
	var (
		positions []int // source index of each feature sent to ImportFile
		cprobs    []postgis.ImportProblem
		readErr   error
	)
	done := make(chan struct{})
	go func() {
		defer close(done)
		w := bufio.NewWriterSize(pw, 64<<10)
		w.WriteString(`{"type":"FeatureCollection","features":[`)
		for len(cprobs) < MaxImportProblems {
			rec, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				readErr = err
				pw.CloseWithError(err)
				return
			}
			c := CandidateFromRecord(m, rec)
			for _, p := range c.Problems {
				d := map[string]any{}
				if p.Field != "" {
					d["field"] = p.Field
				}
				if c.HasFID {
					d["fid"] = c.FID
				}
				cprobs = append(cprobs, postgis.ImportProblem{Index: c.Index, Code: p.Code, Reason: p.Reason, Details: d})
			}
			if len(c.Problems) > 0 {
				continue
			}
			if len(positions) > 0 {
				w.WriteByte(',')
			}
			if _, err := w.Write(c.Feature); err != nil {
				return // the import stopped reading
			}
			positions = append(positions, c.Index)
		}
		w.WriteString("]}")
		if err := w.Flush(); err == nil {
			pw.Close()
		}
	}()
	finish := func() {
		pr.CloseWithError(errImportStopped)
		<-done
	}
	seq, n, err := ImportFile(ctx, sourceImportStore{db, func() bool { <-done; return len(cprobs) > 0 }}, actor, collection, pr)
	finish()
	var probs []postgis.ImportProblem
	switch {
	case readErr != nil:
		return 0, 0, readErr // the file's own: it cannot be read on
	case len(positions) == 0 && len(cprobs) == 0:
		return 0, 0, invalid("file: the layer has no features")
	case len(positions) == 0:
		// Every feature has a problem: ImportFile saw an empty collection.
	case err == nil && len(cprobs) == 0:
		return seq, n, nil
	case err != nil:
		var de *zonegis.Error
		ps, ok := []postgis.ImportProblem(nil), false
		if errors.As(err, &de) {
			ps, ok = de.Details["problems"].([]postgis.ImportProblem)
		}
		if !ok {
			return 0, 0, err
		}
		for _, p := range ps {
			p.Index = positions[p.Index]
			probs = append(probs, p)
		}
	}
	probs = append(probs, cprobs...)
	sort.SliceStable(probs, func(i, j int) bool { return probs[i].Index < probs[j].Index })
	msg := importRefused(countFeatures(probs))
	if len(probs) > MaxImportProblems {
		probs = probs[:MaxImportProblems]
		msg += fmt.Sprintf(" (the first %d are listed)", MaxImportProblems)
	}
	return 0, 0, &zonegis.Error{Code: zonegis.EINVALID, Message: msg, Details: map[string]any{"problems": probs}}
}

// errImportStopped ends the feature pipe once the import stopped reading.
var errImportStopped = errors.New("import: stopped reading")

// countFeatures is the features problems are about (sorted by index).
func countFeatures(probs []postgis.ImportProblem) int {
	n := 0
	for i, p := range probs {
		if i == 0 || p.Index != probs[i-1].Index {
			n++
		}
	}
	return n
}

// sourceImportStore is the store of an ImportSource: once some candidate
// had a problem (refuse, asked when the features are all read), the
// import only checks the others, and writes nothing.
type sourceImportStore struct {
	ImportStore
	refuse func() bool
}

func (s sourceImportStore) ImportSeq(ctx context.Context, a zonegis.Actor, collection string, items iter.Seq2[any, error]) (int64, error) {
	if s.refuse() {
		return 0, s.CheckImportSeq(ctx, collection, items)
	}
	return s.ImportStore.ImportSeq(ctx, a, collection, items)
}
