package registry

import (
	"context"
	"encoding/json"
	"io"
	"iter"
	"strconv"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/postgis"
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
	rows := func(yield func(postgis.ImportRow, error) bool) {
		for c, err := range cands {
			if err != nil {
				yield(postgis.ImportRow{}, err)
				return
			}
			if !yield(importRow(collection, c), nil) {
				return
			}
		}
	}
	rep, _, err := db.ImportChecked(ctx, actor, collection, rows, o)
	if err != nil {
		return nil, err
	}
	if rep.Features == 0 {
		return nil, invalid("body: the FeatureCollection has no features")
	}
	return rep, nil
}

var importCollections = map[string]bool{zonegis.CollectionZones: true, zonegis.CollectionParcels: true, zonegis.CollectionGreenAreas: true}

// ImportFile is Import from r, a GeoJSON FeatureCollection.
func ImportFile(ctx context.Context, db ImportStore, actor zonegis.Actor, collection string, r io.Reader, o zonegis.ImportOptions) (*zonegis.ImportReport, error) {
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
