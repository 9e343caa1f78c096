package registry_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/source"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// records is a RecordReader over a slice, failing with err at its end
// when err is set.
type records struct {
	recs []source.Record
	err  error
}

func (r *records) Next() (source.Record, error) {
	if len(r.recs) == 0 {
		if r.err != nil {
			return source.Record{}, r.err
		}
		return source.Record{}, io.EOF
	}
	rec := r.recs[0]
	r.recs = r.recs[1:]
	return rec, nil
}

func (r *records) FieldNames() []string {
	return []string{"zone_id", "lot_code", "land_use", "SO_THUA", "synthetic"}
}

// bound is the mapping ImportSource reads lot's records with by default.
func bound(t *testing.T) *registry.Mapping {
	m, err := registry.NewMapping(zonegis.CollectionParcels, nil, nil)
	if err == nil {
		m, err = m.Bind((&records{}).FieldNames())
	}
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func lot(i int, code, use string) source.Record {
	return source.Record{Index: i, FID: int64(100 + i), HasFID: true,
		Fields: []source.Field{{Name: "zone_id", Value: int64(1)}, {Name: "lot_code", Value: code}, {Name: "land_use", Value: use},
			{Name: "SO_THUA", Value: int64(7)}, {Name: "synthetic", Value: nil}},
		Geometry: orb.Polygon{{{106.7, 10.7}, {106.71, 10.7}, {106.71, 10.71}, {106.7, 10.7}}}}
}

func TestCandidateFromRecord(t *testing.T) {
	c := registry.CandidateFromRecord(bound(t), lot(3, "A-1", "industrial"))
	var f struct {
		Type       string
		Properties map[string]any
		Geometry   struct{ Type string }
	}
	if err := json.Unmarshal(c.Feature, &f); err != nil {
		t.Fatalf("%s: %v", c.Feature, err)
	}
	if c.Index != 3 || c.FID != 103 || !c.HasFID || len(c.Problems) != 0 || f.Type != "Feature" || f.Geometry.Type != "Polygon" ||
		fmt.Sprint(f.Properties) != "map[attributes:map[SO_THUA:7] land_use:industrial lot_code:A-1 zone_id:1]" {
		t.Fatalf("candidate %+v: %s", c, c.Feature)
	}
	if _, err := registry.ParseFeature(zonegis.CollectionParcels, c.Feature); err != nil {
		t.Errorf("the candidate's feature does not parse: %v", err)
	}
	huge := lot(5, "A-3", "industrial")
	ring := orb.Ring{}
	for i := range 400_000 {
		ring = append(ring, orb.Point{106.7 + float64(i)*1e-8, 10.7 + float64(i%2)*1e-8})
	}
	huge.Geometry = orb.Polygon{append(ring, ring[0])}
	if c := registry.CandidateFromRecord(bound(t), huge); c.Feature != nil || len(c.Problems) != 1 || c.Problems[0].Code != zonegis.ETOOLARGE {
		t.Errorf("a feature larger than an import takes: %d bytes, problems %+v", len(c.Feature), c.Problems)
	}
	bad := lot(4, "A-2", "industrial")
	bad.Fields[1].Value = nil
	bad.Problems = []source.FieldProblem{{Field: "lot_code", Reason: "text is not valid UTF-8"}}
	bad.Geometry = nil
	c = registry.CandidateFromRecord(bound(t), bad)
	if c.Feature != nil || len(c.Problems) != 2 || c.Problems[0].Field != "lot_code" || c.Problems[1].Field != "geometry" {
		t.Errorf("candidate with problems: %+v", c)
	}
}

func TestImportSource(t *testing.T) {
	ctx := context.Background()
	st := &refusingStore{}
	rep, err := registry.ImportSource(ctx, st, zonegis.System, zonegis.CollectionParcels,
		&records{recs: []source.Record{lot(0, "A", "industrial"), lot(1, "B", "industrial")}}, nil, zonegis.ImportOptions{})
	if err != nil || rep.Features != 2 || rep.Refused || fmt.Sprint(st.seen) != "[A B]" {
		t.Fatalf("report %+v, err %v, seen %v", rep, err, st.seen)
	}

	// Feature 1 has text the reader could not decode, 2 a land use the
	// mapping refuses, 4 the store refuses: every one is reported by its
	// index in the source, with its fid, and the import is refused.
	undecodable := lot(1, "B", "industrial")
	undecodable.Fields[1].Value = nil
	undecodable.Problems = []source.FieldProblem{{Field: "lot_code", Reason: `text "B\uFFFD" is not valid UTF-8`}}
	st = &refusingStore{refuse: map[int]bool{4: true}}
	rep, err = registry.ImportSource(ctx, st, zonegis.System, zonegis.CollectionParcels, &records{recs: []source.Record{
		lot(0, "A", "industrial"), undecodable, lot(2, "C", "farm"), lot(3, "D", "industrial"), lot(4, "E", "industrial")}}, nil, zonegis.ImportOptions{})
	if err != nil || !rep.Refused {
		t.Fatalf("report %+v, err %v", rep, err)
	}
	var got []string // each feature's codes once (a feature may have several problems)
	for _, p := range rep.Problems {
		if g := fmt.Sprintf("%d %s", p.Index, p.Code); len(got) == 0 || got[len(got)-1] != g {
			got = append(got, g)
		}
	}
	if fmt.Sprint(got) != "[1 invalid 2 invalid 4 conflict]" || rep.Problems[0].FID == nil || *rep.Problems[0].FID != 101 ||
		!strings.Contains(rep.Problems[0].Reason, "lot_code: text") || strings.Contains(rep.Problems[0].Reason, "lot_code: lot_code") {
		t.Errorf("problems %+v", rep.Problems)
	}

	// No feature; a file that breaks.
	_, err = registry.ImportSource(ctx, &refusingStore{}, zonegis.System, zonegis.CollectionParcels, &records{}, nil, zonegis.ImportOptions{})
	if !strings.Contains(zonegis.ErrorMessage(err), "file: the layer has no features") {
		t.Errorf("no features: %v", err)
	}
	broken := zonegis.Errorf(zonegis.EINVALID, "file: cannot read feature 1")
	_, err = registry.ImportSource(ctx, &refusingStore{}, zonegis.System, zonegis.CollectionParcels, &records{recs: []source.Record{lot(0, "A", "industrial")}, err: broken}, nil, zonegis.ImportOptions{})
	if err != broken {
		t.Errorf("a file that breaks: %v", err)
	}
}

// TestImportSourceMapping reads the records through a mapping: the lot code
// from the cadastral field SO_THUA composed with a prefix, the other
// fields kept in attributes; a mapping naming a field the source lacks is
// refused before any feature is read.
func TestImportSourceMapping(t *testing.T) {
	ctx := context.Background()
	m, err := registry.ParseMapSpec(zonegis.CollectionParcels, "lot_code=T-{SO_THUA}")
	if err != nil {
		t.Fatal(err)
	}
	st := &refusingStore{}
	rep, err := registry.ImportSource(ctx, st, zonegis.System, zonegis.CollectionParcels,
		&records{recs: []source.Record{lot(0, "A", "industrial")}}, m, zonegis.ImportOptions{})
	if err != nil || rep.Refused || fmt.Sprint(st.seen) != "[T-7]" {
		t.Fatalf("report %+v, err %v, seen %v", rep, err, st.seen)
	}
	m, err = registry.ParseMapSpec(zonegis.CollectionParcels, "lot_code=SO_TO")
	if err != nil {
		t.Fatal(err)
	}
	st = &refusingStore{}
	_, err = registry.ImportSource(ctx, st, zonegis.System, zonegis.CollectionParcels, &records{recs: []source.Record{lot(0, "A", "industrial")}}, m, zonegis.ImportOptions{})
	if !strings.Contains(zonegis.ErrorMessage(err), "SO_TO") || len(st.seen) != 0 {
		t.Errorf("a mapping naming a missing field: %v, seen %v", err, st.seen)
	}
}
