package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// importProblem is one refused feature of an import report.
type importProblem struct {
	Index        int         `json:"index"`
	LotCode      string      `json:"lot_code"`
	Code         string      `json:"code"`
	Reason       string      `json:"reason"`
	Location     *[2]float64 `json:"location"`
	OtherIndex   *int        `json:"other_index"`
	OtherLotCode string      `json:"other_lot_code"`
	OtherID      *int64      `json:"other_id"`
}

func collectionOf(features ...any) map[string]any {
	return map[string]any{"type": "FeatureCollection", "features": features}
}

// TestImportAllOrNothing posts a FeatureCollection with several bad
// features among good ones: the answer is 400 with every bad feature's
// index and reason, and nothing is written, not even the good ones.
func TestImportAllOrNothing(t *testing.T) {
	e := newWriteEnv(t)
	existing := e.createParcel(t, "OLD", 106.708, 10.758, 106.709, 10.759)
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{106.705, 10.755}, {106.707, 10.757}, {106.707, 10.755}, {106.705, 10.757}, {106.705, 10.755}}}}
	unknown := e.parcelDoc("I3", polygon(106.700, 10.757, 106.701, 10.758))
	unknown["properties"].(map[string]any)["owner"] = "Ông Ba"
	fc := collectionOf(
		e.parcelDoc("I0", polygon(106.700, 10.750, 106.701, 10.751)), // 0 good
		e.parcelDoc("I1", bowtie),                                    // 1 invalid geometry
		e.parcelDoc("I2", polygon(106.709, 10.759, 106.712, 10.762)), // 2 outside the zone
		unknown, // 3 unknown field
		e.parcelDoc("I4", polygon(106.702, 10.750, 106.704, 10.752)),                                                                             // 4 good
		e.parcelDoc("I5", polygon(106.703, 10.751, 106.705, 10.753)),                                                                             // 5 overlaps 4, same file
		e.parcelDoc("I6", polygon(106.7085, 10.7585, 106.7095, 10.759)),                                                                          // 6 overlaps the existing parcel
		e.parcelDoc("I0", polygon(106.700, 10.752, 106.701, 10.753)),                                                                             // 7 lot code of 0 again
		map[string]any{"type": "Feature", "geometry": polygon(106.700, 10.754, 106.701, 10.755), "properties": map[string]any{"zone_id": "one"}}, // 8 wrong type
		e.parcelDoc("I9", polygon(106.700, 10.755, 106.701, 10.756)),                                                                             // 9 good
	)
	parcels, audits, changes := e.count(t, "parcels"), e.count(t, "audit_log"), e.count(t, "changes")
	r := e.send(t, http.MethodPost, "/collections/parcels/import", e.planner, fc)
	p := wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "import refused: 7 features have problems; nothing was written")
	raw, _ := json.Marshal(p.Details["problems"])
	var probs []importProblem
	if err := json.Unmarshal(raw, &probs); err != nil {
		t.Fatal(err)
	}
	wantReasons := map[int][]string{
		1: {"boundary is not valid", "Self-intersection"},
		2: {"parcel I2 lies outside zone KCX-W"},
		3: {`unknown field "owner"`},
		5: {"parcel I5 overlaps parcel I4 (feature 4 of this file)"},
		6: {"parcel I6 overlaps existing parcel OLD", fmt.Sprintf("id %d", existing.ID)},
		7: {"already exists", "I0"},
		8: {`field "zone_id" must be a number`},
	}
	var got []int
	for _, pr := range probs {
		got = append(got, pr.Index)
		for _, part := range wantReasons[pr.Index] {
			if !strings.Contains(pr.Reason, part) {
				t.Errorf("feature %d: reason %q does not contain %q", pr.Index, pr.Reason, part)
			}
		}
		if pr.Code == "" {
			t.Errorf("feature %d: no code", pr.Index)
		}
	}
	if fmt.Sprint(got) != "[1 2 3 5 6 7 8]" {
		t.Fatalf("refused features %v, want [1 2 3 5 6 7 8]; report %s", got, raw)
	}
	// The invalid geometry's location (lon/lat) and the other feature of
	// an overlap or duplicate come along: its index in the file, or the
	// existing parcel's id and lot code (issue 12: never an id of the
	// rolled-back transaction).
	for _, pr := range probs {
		switch pr.Index {
		case 1:
			if pr.Location == nil || pr.Location[0] < 106.70 || pr.Location[0] > 106.71 || pr.Location[1] < 10.75 || pr.Location[1] > 10.76 {
				t.Errorf("feature 1: location %v", pr.Location)
			}
		case 5:
			if pr.OtherIndex == nil || *pr.OtherIndex != 4 || pr.OtherLotCode != "I4" || pr.Location == nil {
				t.Errorf("feature 5: other %v %q, location %v; want feature 4, I4", pr.OtherIndex, pr.OtherLotCode, pr.Location)
			}
		case 6:
			if pr.OtherID == nil || *pr.OtherID != existing.ID || pr.OtherLotCode != "OLD" || pr.OtherIndex != nil {
				t.Errorf("feature 6: other id %v %q, want %d OLD", pr.OtherID, pr.OtherLotCode, existing.ID)
			}
		case 7:
			if pr.OtherIndex == nil || *pr.OtherIndex != 0 || pr.OtherLotCode != "I0" {
				t.Errorf("feature 7: other %v %q, want the first holder, feature 0", pr.OtherIndex, pr.OtherLotCode)
			}
		}
	}
	if n := e.count(t, "parcels"); n != parcels {
		t.Fatalf("%d parcels after a refused import, want %d", n, parcels)
	}
	if n := e.count(t, "audit_log"); n != audits {
		t.Fatalf("%d audit entries after a refused import, want %d", n, audits)
	}
	if n := e.count(t, "changes"); n != changes {
		t.Fatalf("%d change-log rows after a refused import, want %d", n, changes)
	}
	var fc0 featureCollection
	if err := json.Unmarshal(e.send(t, http.MethodGet, "/collections/parcels/items", "", nil).body, &fc0); err != nil || len(fc0.Features) != 1 {
		t.Fatalf("items after a refused import: %d (%v), want 1", len(fc0.Features), err)
	}
}

// TestImportWritesAll imports good features of each collection: all are
// written in one go, audited once, and visible to the next read.
func TestImportWritesAll(t *testing.T) {
	e := newWriteEnv(t)
	var feats []any
	for i := range 20 {
		x := 106.700 + 0.0005*float64(i)
		feats = append(feats, e.parcelDoc(fmt.Sprintf("IMP-%02d", i), polygon(x, 10.750, x+0.0004, 10.751)))
	}
	before := e.count(t, "parcels")
	r := e.send(t, http.MethodPost, "/collections/parcels/import", e.planner, collectionOf(feats...))
	want(t, r, http.StatusCreated, "import")
	var out struct {
		Imported   int    `json:"imported"`
		Collection string `json:"collection"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.Imported != 20 || out.Collection != "parcels" {
		t.Fatalf("import answer %s", r.body)
	}
	if n := e.count(t, "parcels"); n != before+20 {
		t.Fatalf("%d parcels, want %d", n, before+20)
	}
	var page featureCollection
	if err := json.Unmarshal(e.send(t, http.MethodGet, "/collections/parcels/items?limit=100", "", nil).body, &page); err != nil || len(page.Features) != 20 {
		t.Fatalf("items right after the import: %d (%v), want 20", len(page.Features), err)
	}
	var action, keyName string
	e.scalar(t, `SELECT action, key_name FROM audit_log WHERE collection = 'parcels' ORDER BY id DESC LIMIT 1`, nil, &action, &keyName)
	if action != "import" || keyName != e.plannerName {
		t.Fatalf("last audit entry %s by %q, want import by %q", action, keyName, e.plannerName)
	}

	// Zones and green areas import the same way.
	r = e.send(t, http.MethodPost, "/collections/green-areas/import", e.planner, collectionOf(
		feat(polygon(106.705, 10.755, 106.706, 10.756), map[string]any{"zone_id": e.zone.ID, "kind": "park", "name": "Công viên 1"}),
		feat(polygon(106.706, 10.756, 106.707, 10.757), map[string]any{"zone_id": e.zone.ID, "kind": "water_surface"}),
	))
	want(t, r, http.StatusCreated, "import green areas")
	r = e.send(t, http.MethodPost, "/collections/zones/import", e.planner, collectionOf(
		feat(polygon(106.80, 10.80, 106.81, 10.81), map[string]any{"code": "KCN-IMP", "name_vi": "Khu công nghiệp Nhập", "name_en": "Import IP",
			"kind": "industrial_park", "province": "Đồng Nai", "board_id": "hepza"}),
	))
	want(t, r, http.StatusCreated, "import zones")
	var zones featureCollection
	if err := json.Unmarshal(e.send(t, http.MethodGet, "/collections/zones/items", "", nil).body, &zones); err != nil || len(zones.Features) != 2 ||
		zones.Features[1].Properties["code"] != "KCN-IMP" {
		t.Fatalf("zones right after the import: %+v (%v)", zones.Features, err)
	}
}

// TestImportRequestErrors checks the answers to imports that are not
// FeatureCollections, and to callers without the planner role.
func TestImportRequestErrors(t *testing.T) {
	e := newWriteEnv(t)
	for _, c := range []struct {
		body any
		part string
	}{
		{`{"type": "Feature"}`, `want a GeoJSON FeatureCollection, got type "Feature"`},
		{`{"type": "FeatureCollection", "features": []}`, "has no features"},
		{`[1, 2]`, "not valid JSON"},
	} {
		wantProblem(t, e.send(t, http.MethodPost, "/collections/parcels/import", e.planner, c.body), http.StatusBadRequest, zonegis.EINVALID, c.part)
	}
	wantProblem(t, e.send(t, http.MethodPost, "/collections/boards/import", e.planner, collectionOf()), http.StatusNotFound, zonegis.ENOTFOUND)
	wantProblem(t, e.send(t, http.MethodPost, "/collections/parcels/import", "", collectionOf()), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
}

// TestImportRefusedForParseProblemsOnly checks all-or-nothing when the only
// bad features are refused before the database sees them (unknown field,
// wrong type): the good features must not be written either.
func TestImportRefusedForParseProblemsOnly(t *testing.T) {
	e := newWriteEnv(t)
	unknown := e.parcelDoc("U1", polygon(106.702, 10.750, 106.703, 10.751))
	unknown["properties"].(map[string]any)["colour"] = "red"
	before := e.count(t, "parcels")
	r := e.send(t, http.MethodPost, "/collections/parcels/import", e.planner, collectionOf(
		e.parcelDoc("G1", polygon(106.700, 10.750, 106.701, 10.751)),
		unknown,
	))
	p := wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, "1 feature has a problem; nothing was written")
	if raw, _ := json.Marshal(p.Details["problems"]); !strings.Contains(string(raw), `"index":1`) || strings.Contains(string(raw), `"index":0`) {
		t.Fatalf("problems %s, want feature 1 only", raw)
	}
	if n := e.count(t, "parcels"); n != before {
		t.Fatalf("%d parcels after a refused import, want %d: the good feature was written", n, before)
	}
}

// TestImportBadOptions sends imports with option values that mean
// nothing: each is 400 with a detail naming the parameter and what it
// takes, before the body is read, and nothing is written.
func TestImportBadOptions(t *testing.T) {
	e := newWriteEnv(t)
	fc := collectionOf(e.parcelDoc("OPT-1", polygon(106.700, 10.750, 106.701, 10.751)))
	before := e.count(t, "parcels")
	for _, c := range []struct {
		query string
		parts []string
	}{
		{"dry_run=maybe", []string{"dry_run", "true or false", `"maybe"`}},
		{"repair=fix", []string{"repair", "make_valid", `"fix"`}},
		{"overlap_tolerance_m2=-1", []string{"overlap_tolerance_m2", "from 0 to 10000", `"-1"`}},
		{"overlap_tolerance_m2=abc", []string{"overlap_tolerance_m2", `"abc"`}},
		{"overlap_tolerance_m2=NaN", []string{"overlap_tolerance_m2", `"NaN"`}},
		{"overlap_tolerance_m2=1e9", []string{"overlap_tolerance_m2", `"1e9"`}},
		{"on_conflict=ignore", []string{"on_conflict", "fail", "skip", `"ignore"`}},
		{"report=xml", []string{"report", "json, csv, geojson", `"xml"`}},
		{"dryrun=true", []string{`unknown query parameter "dryrun"`, "dry_run"}},
		{"dry_run=true&dry_run=false", []string{`"dry_run" given 2 times`}},
	} {
		t.Run(c.query, func(t *testing.T) {
			r := e.send(t, http.MethodPost, "/collections/parcels/import?"+c.query, e.planner, fc)
			wantProblem(t, r, http.StatusBadRequest, zonegis.EINVALID, c.parts...)
		})
	}
	if n := e.count(t, "parcels"); n != before {
		t.Fatalf("%d parcels after refused options, want %d", n, before)
	}
}

// TestImportReportFormats asks a dry run of a file with problems for its
// report as CSV (report=csv) and as GeoJSON (Accept:
// application/geo+json): encoding/csv reads the CSV, one row a problem,
// and GDAL's ogrinfo opens the GeoJSON as a point layer with a feature a
// located problem; nothing is written.
func TestImportReportFormats(t *testing.T) {
	pgtest.Tool(t, "ogrinfo", "gdal-bin")
	e := newWriteEnv(t)
	unknown := e.parcelDoc("F3", polygon(106.700, 10.757, 106.701, 10.758))
	unknown["properties"].(map[string]any)["owner"] = "Bà Tư, \"chủ\""
	fc := collectionOf(
		e.parcelDoc("F0", polygon(106.702, 10.750, 106.704, 10.752)),
		e.parcelDoc("F1", polygon(106.703, 10.751, 106.705, 10.753)), // overlaps F0
		e.parcelDoc("F0", polygon(106.700, 10.752, 106.701, 10.753)), // lot code of 0 again
		unknown, // no location
	)
	before := e.count(t, "parcels")

	r := e.send(t, http.MethodPost, "/collections/parcels/import?dry_run=true&report=csv", e.planner, fc)
	want(t, r, http.StatusOK, "csv report")
	if ct := r.contentType(); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("content type %q, want text/csv", ct)
	}
	recs, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("encoding/csv: %v\n%s", err, r.body)
	}
	if len(recs) != 4 || recs[0][0] != "index" || recs[0][5] != "reason" {
		t.Fatalf("CSV report %q, want a header and 3 problems", recs)
	}
	for i, wantIdx := range []string{"1", "2", "3"} {
		if recs[i+1][0] != wantIdx {
			t.Errorf("row %d: index %q, want %s", i+1, recs[i+1][0], wantIdx)
		}
	}
	if recs[1][3] != "overlap" || recs[1][8] != "0" || recs[1][9] != "F0" || recs[1][6] == "" {
		t.Errorf("overlap row %q: want problem overlap, other_index 0, other_lot_code F0, a location", recs[1])
	}
	if !strings.Contains(recs[3][5], `"owner"`) {
		t.Errorf("unknown-field row %q: reason should name the field", recs[3])
	}

	r = e.send(t, http.MethodPost, "/collections/parcels/import?dry_run=true", e.planner, fc, "Accept", "application/geo+json")
	want(t, r, http.StatusOK, "geojson report")
	if ct := r.contentType(); !strings.HasPrefix(ct, "application/geo+json") {
		t.Fatalf("content type %q, want application/geo+json", ct)
	}
	path := filepath.Join(t.TempDir(), "problems.geojson")
	if err := os.WriteFile(path, r.body, 0o644); err != nil {
		t.Fatal(err)
	}
	info, err := exec.Command("ogrinfo", "-ro", "-al", path).CombinedOutput()
	if err != nil {
		t.Fatalf("ogrinfo: %v\n%s", err, info)
	}
	for _, part := range []string{"Geometry: Point", "Feature Count: 2", "lot_code (String) = F1", "problem (String) = duplicate", "other_index (Integer) = 0"} {
		if !strings.Contains(string(info), part) {
			t.Errorf("ogrinfo says no %q:\n%s", part, info)
		}
	}
	if n := e.count(t, "parcels"); n != before {
		t.Fatalf("%d parcels after dry runs, want %d", n, before)
	}
}
