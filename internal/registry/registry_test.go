package registry_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func square(x, y, d float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x, y}, {x + d, y}, {x + d, y + d}, {x, y + d}, {x, y}}}}
}

func parcelFeature(lot string) string {
	return fmt.Sprintf(`{"type":"Feature","properties":{"zone_id":1,"lot_code":%q,"land_use":"industrial"},`+
		`"geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}}`, lot)
}

func collection(features ...string) string {
	return `{"type":"FeatureCollection","name":"lots","features":[` + strings.Join(features, ",") + `]}`
}

func TestParseImport(t *testing.T) {
	bad := `{"type":"Feature","properties":{"zone_id":1,"lot_code":"B","land_use":"farm"},"geometry":{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}}`
	var good []int
	n, probs, err := registry.ParseImport(zonegis.CollectionParcels, strings.NewReader(collection(parcelFeature("A"), bad, parcelFeature("C"))),
		func(i int, raw []byte) error { good = append(good, i); return nil })
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || fmt.Sprint(good) != "[0 2]" || len(probs) != 1 || probs[0].Index != 1 || !strings.Contains(probs[0].Reason, `land_use "farm"`) {
		t.Fatalf("n %d, good %v, problems %+v", n, good, probs)
	}
	for body, want := range map[string]string{
		`[]`: "want a GeoJSON FeatureCollection object",
		`{"type":"FeatureCollection","features":[]}`: "has no features",
		`{"Type":"FeatureCollection"}`:               `did you mean "type"`,
		collection(parcelFeature("A")) + `{}`:        "unexpected data after the FeatureCollection",
	} {
		_, _, err := registry.ParseImport(zonegis.CollectionParcels, strings.NewReader(body), func(int, []byte) error { return nil })
		if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.Contains(zonegis.ErrorMessage(err), want) {
			t.Errorf("%s: %v, want EINVALID with %q", body, err, want)
		}
	}
}

func TestParseFeature(t *testing.T) {
	it, err := registry.ParseFeature(zonegis.CollectionParcels, []byte(parcelFeature(" A1 ")))
	if err != nil {
		t.Fatal(err)
	}
	if pc := it.(*zonegis.Parcel); pc.LotCode != "A1" || pc.Status != zonegis.ParcelAvailable || len(pc.Boundary) != 1 {
		t.Errorf("parcel %+v", pc)
	}
	withStatus := strings.Replace(parcelFeature("A"), `"land_use"`, `"status":"leased","land_use"`, 1)
	if _, err := registry.ParseFeature(zonegis.CollectionParcels, []byte(withStatus)); !strings.Contains(zonegis.ErrorMessage(err), "a new parcel is available") {
		t.Errorf("a new parcel with a status: %v", err)
	}
	if _, err := registry.ParseFeature("roads", []byte(parcelFeature("A"))); zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
		t.Errorf("unknown collection: %v", err)
	}
}

// refusingStore refuses the rows at the given positions, as the database
// refuses an overlap, and records what it saw.
type refusingStore struct {
	refuse map[int]bool
	seen   []string
	opts   zonegis.ImportOptions
}

func (s *refusingStore) ZoneBoard(context.Context, int64) (string, error) { return "hepza", nil }
func (s *refusingStore) RecordBoard(context.Context, string, int64) (string, error) {
	return "hepza", nil
}

func (s *refusingStore) ImportChecked(_ context.Context, _ zonegis.Actor, coll string, rows iter.Seq2[postgis.ImportRow, error], o zonegis.ImportOptions) (*zonegis.ImportReport, *postgis.ImportStats, error) {
	s.opts = o
	rep := &zonegis.ImportReport{Collection: coll}
	for r, err := range rows {
		if err != nil {
			return nil, nil, err
		}
		rep.Features++
		rep.Problems = append(rep.Problems, r.Problems...)
		if s.refuse[r.Index] {
			rep.Problems = append(rep.Problems, zonegis.ImportProblem{Index: r.Index, Code: zonegis.ECONFLICT, Reason: "overlaps"})
		}
		if len(r.Problems) > 0 || s.refuse[r.Index] {
			rep.Skipped++
		}
		if p, ok := r.Item.(*zonegis.Parcel); ok {
			s.seen = append(s.seen, p.LotCode)
		} else {
			s.seen = append(s.seen, "?"+r.Key)
		}
	}
	rep.Refused = rep.Skipped > 0
	if !rep.Refused && !o.DryRun {
		rep.Imported = rep.Features
	}
	return rep, &postgis.ImportStats{}, nil
}

var _ registry.ImportStore = (*refusingStore)(nil)

// TestImportFile: every feature reaches the store, those that do not
// parse too (with what could be read of them, for the checks between
// features), their problems at their position in the file.
func TestImportFile(t *testing.T) {
	ctx := context.Background()
	st := &refusingStore{}
	rep, err := registry.ImportFile(ctx, st, zonegis.System, zonegis.CollectionParcels, strings.NewReader(collection(parcelFeature("A"), parcelFeature("B"))), zonegis.ImportOptions{})
	if err != nil || rep.Features != 2 || fmt.Sprint(st.seen) != "[A B]" || st.opts.OnConflict != zonegis.OnConflictFail {
		t.Fatalf("report %+v, err %v, seen %v, opts %+v", rep, err, st.seen, st.opts)
	}
	bad := strings.Replace(parcelFeature("X"), `"industrial"`, `"farm"`, 1)
	st = &refusingStore{refuse: map[int]bool{2: true}}
	rep, err = registry.ImportFile(ctx, st, zonegis.System, zonegis.CollectionParcels, strings.NewReader(collection(bad, parcelFeature("A"), parcelFeature("B"))), zonegis.ImportOptions{})
	if err != nil || fmt.Sprint(st.seen) != "[?X A B]" {
		t.Fatalf("err %v, seen %v", err, st.seen)
	}
	probs := rep.Problems
	if len(probs) != 2 || probs[0].Index != 0 || probs[0].Problem != zonegis.ProblemRead || probs[0].LotCode != "X" || probs[1].Index != 2 || probs[1].Code != zonegis.ECONFLICT {
		t.Errorf("problems %+v", probs)
	}
	if msg := zonegis.ErrorMessage(registry.RefusalError(rep)); !strings.Contains(msg, "2 features have problems; nothing was written") {
		t.Errorf("message %q", msg)
	}
}

func TestWriteDossier(t *testing.T) {
	ix := index.New()
	ix.Load(1,
		[]*zonegis.Zone{{ID: 1, Code: "A", Boundary: square(106, 10, 1)}, {ID: 2, Code: "B", Boundary: square(108, 10, 1)}},
		[]*zonegis.Parcel{{ID: 5, ZoneID: 1, LotCode: "L5", Boundary: square(106.5, 10.5, 0.1)}, {ID: 3, ZoneID: 1, LotCode: "L3", Boundary: square(106.1, 10.1, 0.1)},
			{ID: 4, ZoneID: 2, LotCode: "other", Boundary: square(108.1, 10.1, 0.1)}},
		[]*zonegis.GreenArea{{ID: 9, ZoneID: 1, Kind: zonegis.GreenPark, Boundary: square(106.7, 10.7, 0.1)}})
	snap := ix.Snapshot()
	z, _ := snap.Zone(1)
	var buf bytes.Buffer
	w, err := export.NewWriter(context.Background(), &buf, export.Options{Format: export.GeoJSONSeq, Layers: registry.DossierLayers, Name: registry.DossierName(z)})
	if err != nil {
		t.Fatal(err)
	}
	if err := registry.WriteDossier(w, snap, z); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []string
	sc := bufio.NewScanner(&buf)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var f struct {
			ID         any            `json:"id"`
			Properties map[string]any `json:"properties"`
			Geometry   struct {
				Coordinates [][][][2]float64 `json:"coordinates"`
			} `json:"geometry"`
		}
		if err := json.Unmarshal(bytes.TrimLeft(sc.Bytes(), "\x1e"), &f); err != nil {
			t.Fatalf("%v: %q", err, sc.Bytes())
		}
		// The index's records hold no geometry of their own (index.Entry):
		// a dossier written from them must still carry every boundary.
		if c := f.Geometry.Coordinates; len(c) != 1 || len(c[0]) != 1 || len(c[0][0]) < 4 {
			t.Errorf("%v:%v: geometry %v; want its square", f.Properties["layer"], f.ID, c)
		}
		got = append(got, fmt.Sprintf("%v:%v", f.Properties["layer"], f.ID))
	}
	if want := "[zones:1 parcels:3 parcels:5 green-areas:9]"; fmt.Sprint(got) != want {
		t.Errorf("dossier %v, want %s", got, want)
	}
}
