package registry

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"iter"
	"slices"
	"strconv"
	"strings"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// GeoJSONCandidates yields the features of a GeoJSON FeatureCollection
// read from r as Candidates, one at a time (ReadFeatureCollection): the
// Feature's numeric id, when it has one, is its FID. An error reading the
// collection ends the sequence with that error.
func GeoJSONCandidates(r io.Reader) iter.Seq2[Candidate, error] {
	return func(yield func(Candidate, error) bool) {
		errStop := &zonegis.Error{Code: zonegis.EINTERNAL, Message: "stopped"}
		_, err := ReadFeatureCollection(r, func(i int, raw []byte) error {
			c := Candidate{Index: i, Feature: raw}
			var head struct {
				ID json.RawMessage `json:"id"`
			}
			if json.Unmarshal(raw, &head) == nil && len(head.ID) > 0 {
				if id, err := strconv.ParseInt(string(head.ID), 10, 64); err == nil {
					c.FID, c.HasFID = id, true
				}
			}
			if !yield(c, nil) {
				return errStop
			}
			return nil
		})
		if err != nil && err != error(errStop) {
			yield(Candidate{}, err)
		}
	}
}

// Import runs an import of collection from cands as actor, with options
// o: each Candidate is read as a record of the collection (ParseFeature),
// its problems of reading become the report's, and the store checks them
// all in one pass and writes (ImportStore.ImportChecked). A refused import
// (all or nothing with problems) is a report with Refused, not an error;
// RefusalError makes the error a transport answers it with. Errors: what
// reading the source returned (EINVALID, ETOOLARGE), ENOTFOUND for an
// unknown collection, EUNAVAILABLE.
func Import(ctx context.Context, db ImportStore, actor zonegis.Actor, collection string, cands iter.Seq2[Candidate, error], o zonegis.ImportOptions) (*zonegis.ImportReport, error) {
	if _, ok := importCollections[collection]; !ok {
		return nil, ErrNoSuchCollection
	}
	if o.OnConflict == "" {
		o.OnConflict = zonegis.OnConflictFail
	}
	prog := ProgressFrom(ctx) // nil when no one watches
	prog.SetPhase(PhaseReading)
	may := importAuthorizer(db, actor)
	rows := func(yield func(postgis.ImportRow, error) bool) {
		n := 0
		for c, err := range cands {
			if err != nil {
				yield(postgis.ImportRow{}, err)
				return
			}
			prog.Read(1)
			n++
			r := importRow(collection, c)
			if err := may(ctx, r); err != nil {
				yield(postgis.ImportRow{}, err)
				return
			}
			if !yield(r, nil) {
				return
			}
		}
		prog.SetTotal(int64(n)) // all read: the checks run set-wise now
		prog.SetPhase(PhaseChecking)
	}
	rep, _, err := db.ImportChecked(ctx, actor, collection, rows, o)
	if err != nil {
		return nil, err
	}
	prog.Checked(rep.Features)
	if rep.Imported > 0 {
		prog.SetPhase(PhaseWriting)
		prog.Written(rep.Imported)
	}
	if rep.Features == 0 {
		return nil, invalid("body: the FeatureCollection has no features")
	}
	return rep, nil
}

// importAuthorizer checks each feature of an import against the caller's
// rights on its board (a zone's own, a parcel's or green area's zone's),
// looking each zone's board up once. A feature that cannot be read is
// left to the import's report; a zone that does not exist to its checks.
func importAuthorizer(bf BoardFinder, a zonegis.Actor) func(context.Context, postgis.ImportRow) error {
	p := callerOf(a)
	if MayEverywhere(p, WriteRecords) {
		return func(context.Context, postgis.ImportRow) error { return nil }
	}
	zoneBoards := map[int64]string{}
	return func(ctx context.Context, r postgis.ImportRow) error {
		var board string
		zone := int64(0)
		switch it := r.Item.(type) {
		case *zonegis.Zone:
			board = it.BoardID
		case *zonegis.Parcel:
			zone = it.ZoneID
		case *zonegis.GreenArea:
			zone = it.ZoneID
		default:
			return nil
		}
		if zone != 0 {
			b, ok := zoneBoards[zone]
			if !ok {
				var err error
				if b, err = bf.ZoneBoard(ctx, zone); zonegis.ErrorCode(err) == zonegis.ENOTFOUND {
					return nil
				} else if err != nil {
					return err
				}
				zoneBoards[zone] = b
			}
			board = b
		}
		if err := Authorize(p, WriteRecords, board); err != nil {
			return zonegis.Errorf(zonegis.ErrorCode(err), "features[%d]: %s", r.Index, zonegis.ErrorMessage(err))
		}
		return nil
	}
}

var importCollections = map[string]bool{zonegis.CollectionZones: true, zonegis.CollectionParcels: true, zonegis.CollectionGreenAreas: true}

// ImportFile is Import from r, a GeoJSON FeatureCollection.
func ImportFile(ctx context.Context, db ImportStore, actor zonegis.Actor, collection string, r io.Reader, o zonegis.ImportOptions) (*zonegis.ImportReport, error) {
	if collection == zonegis.CollectionEnterpriseReports {
		return nil, invalid("format: enterprise reports import from a table (format=csv or xlsx), not GeoJSON")
	}
	return Import(ctx, db, actor, collection, GeoJSONCandidates(r), o)
}

// RefusalError is the error a refused import is answered with: EINVALID,
// the report's summary as message, the problems (and the report) in
// Details; nil when rep was not refused.
func RefusalError(rep *zonegis.ImportReport) error {
	if rep == nil || !rep.Refused {
		return nil
	}
	msg := rep.Summary()
	if rep.Truncated {
		msg += " (the first " + strconv.Itoa(len(rep.Problems)) + " problems are listed)"
	}
	return &zonegis.Error{Code: zonegis.EINVALID, Message: msg,
		Details: map[string]any{"problems": rep.Problems, "features": rep.Features, "skipped": rep.Skipped, "repairs": rep.Repairs}}
}

// importRow reads Candidate c as a row of collection: the record, or
// its problems and what could be read of it for the checks between
// features (zone_id, lot code or zone code, the boundary).
func importRow(collection string, c Candidate) postgis.ImportRow {
	r := postgis.ImportRow{Index: c.Index}
	if c.HasFID {
		fid := c.FID
		r.FID = &fid
	}
	for _, p := range c.Problems {
		reason := p.Reason
		if p.Field != "" {
			reason = p.Field + ": " + reason
		}
		r.Problems = append(r.Problems, zonegis.ImportProblem{Index: c.Index, FID: r.FID, Code: p.Code, Problem: zonegis.ProblemRead, Reason: reason})
	}
	if c.Feature == nil {
		return r
	}
	it, err := ParseFeature(collection, c.Feature)
	if err == nil && len(r.Problems) == 0 {
		r.Item = it
		return r
	}
	if err != nil {
		r.Problems = append(r.Problems, zonegis.ImportProblem{Index: c.Index, FID: r.FID, Code: zonegis.ErrorCode(err), Problem: zonegis.ProblemRead, Reason: zonegis.ErrorMessage(err)})
	}
	// What can be read of it, leniently, for the pair checks.
	if doc, geom, err := featurejson.DecodeFeature(c.Feature, true); err == nil {
		r.Boundary = geom
		var props map[string]any
		if json.Unmarshal(doc.Properties, &props) == nil {
			if z, ok := props["zone_id"].(float64); ok && z == float64(int64(z)) {
				id := int64(z)
				r.ZoneID = &id
			}
			key := "lot_code"
			if collection == zonegis.CollectionZones {
				key = "code"
			}
			if s, ok := props[key].(string); ok {
				r.Key = s
			}
		}
	}
	for i := range r.Problems {
		r.Problems[i].LotCode = r.Key
	}
	return r
}

// CandidateFromRecord maps one source record with m (a bound Mapping,
// see ImportSource): the reader's problems (text it could not decode)
// first, each naming its field, then the mapping's; a record without a
// geometry, or one larger as GeoJSON than an import's feature may be, has
// no Feature.
func CandidateFromRecord(m *Mapping, rec source.Record) Candidate {
	var read []CandidateProblem
	for _, p := range rec.Problems {
		read = append(read, CandidateProblem{Code: zonegis.EINVALID, Field: p.Field, Reason: p.Reason})
	}
	if rec.Geometry == nil {
		if !slices.ContainsFunc(rec.Problems, func(p source.FieldProblem) bool { return p.Field == "geometry" }) {
			read = append(read, CandidateProblem{Code: zonegis.EINVALID, Field: "geometry", Reason: "the feature has none"})
		}
		return Candidate{Index: rec.Index, FID: rec.FID, HasFID: rec.HasFID, Problems: read}
	}
	c := m.Candidate(&rec)
	c.Problems = append(read, c.Problems...)
	if len(c.Feature) > MaxImportFeatureBytes {
		// The checks would refuse the whole import at it.
		c.Problems = append(c.Problems, CandidateProblem{Code: zonegis.ETOOLARGE, Field: "geometry",
			Reason: fmt.Sprintf("the feature is %d bytes as GeoJSON, more than the %d a feature of an import may have; simplify or split it", len(c.Feature), MaxImportFeatureBytes)})
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

// ImportSource is Import from the features r reads (any format package
// source reads): each becomes a Candidate through m bound to the source's
// fields (Mapping.Bind; nil: the fields named as ours map themselves, the
// rest go to attributes). Errors: Import's; the mapping's (Bind, before any
// feature is read); EINVALID naming "file" for a file that cannot be read
// on, or has no features.
func ImportSource(ctx context.Context, db ImportStore, actor zonegis.Actor, collection string, r RecordReader, m *Mapping, o zonegis.ImportOptions) (*zonegis.ImportReport, error) {
	if m == nil {
		var err error
		if m, err = NewMapping(collection, nil, nil); err != nil {
			return nil, err
		}
	}
	if m.Collection() != collection {
		return nil, invalid("mapping: it is for %s, not %s", m.Collection(), collection)
	}
	m, err := m.Bind(r.FieldNames())
	if err != nil {
		return nil, err
	}
	cands := func(yield func(Candidate, error) bool) {
		for {
			rec, err := r.Next()
			if err == io.EOF {
				return
			}
			if err != nil {
				yield(Candidate{}, err)
				return
			}
			if !yield(CandidateFromRecord(m, rec), nil) {
				return
			}
		}
	}
	rep, err := Import(ctx, db, actor, collection, cands, o)
	if zonegis.ErrorCode(err) == zonegis.EINVALID && strings.Contains(zonegis.ErrorMessage(err), "has no features") {
		return nil, invalid("file: the layer has no features")
	}
	return rep, err
}
