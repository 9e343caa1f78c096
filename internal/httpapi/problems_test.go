package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
	"testing"
	"time"
)

// schemaWords are what PostgreSQL's own messages say and a problem must
// not: constraint, table and column names (quoted, as PostgreSQL quotes
// them, where they are also English words), SQLSTATEs, key details.
var schemaWords = regexp.MustCompile(`(?i)constraint|_fkey|_pkey|_key\b|_check\b|sqlstate|relation|\btable\b|Key \(|violates|duplicate key|` +
	`"(zones|parcels|green_areas|leases|boards)"|green_areas|parcels_retired|parcel_lineage|api_keys|audit_log|start_date|end_date|ended_on|` +
	`\b\d\d[0-9A-Z]\d\d\b`)

// checkNoSchema fails t when a problem's detail or details name the
// schema. The type and instance are ours (URLs), so they are left out.
func checkNoSchema(t *testing.T, what string, r response) {
	t.Helper()
	var p struct {
		Detail  string `json:"detail"`
		Details any    `json:"details"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("%s: %v; body %.500s", what, err, r.body)
	}
	extra, _ := json.Marshal(p.Details)
	for _, s := range []string{p.Detail, string(extra)} {
		if m := schemaWords.FindString(s); m != "" {
			t.Errorf("%s: the problem names the schema (%q): %s", what, m, r.body)
		}
	}
}

// problemText is what a problem says: its detail and its list of
// problems (the validation's sentences, an import's reasons), one a line.
func problemText(t *testing.T, r response) string {
	t.Helper()
	var p struct {
		Detail  string `json:"detail"`
		Details struct {
			Problems []any `json:"problems"`
		} `json:"details"`
	}
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("%v; body %.500s", err, r.body)
	}
	s := p.Detail
	for _, q := range p.Details.Problems {
		switch q := q.(type) {
		case string:
			s += "\n" + q
		case map[string]any:
			s += fmt.Sprintf("\n%v", q["reason"])
		}
	}
	return s
}

// TestProblemsNameNoSchema provokes every constraint of the schema that a
// write through the API can break (unique lot codes and zone codes,
// references to boards, zones and parcels, deletes of what others refer
// to, the one lease in force, number ranges) and checks that the answer
// is a 4xx whose detail says which field breaks which rule, in words a
// planner can act on, and names no table, constraint, column of the
// schema or SQLSTATE. The public, sending the same requests, is refused
// before anything reaches the database, with nothing named either.
func TestProblemsNameNoSchema(t *testing.T) {
	e := newWriteEnv(t)
	a := e.createParcel(t, "A1", 106.701, 10.751, 106.702, 10.752)
	b := e.createParcel(t, "B1", 106.703, 10.751, 106.704, 10.752)
	leased := e.createParcel(t, "C1", 106.705, 10.751, 106.706, 10.752)
	today := time.Now().UTC()
	e.leaseParcel(t, leased.ID, leaseBody("Công ty TNHH Thử", today, 10))
	zone := func(code string, extra map[string]any) map[string]any {
		p := map[string]any{"code": code, "name_vi": "Khu công nghiệp Thử", "name_en": "Test IP", "kind": "industrial_park",
			"province": "Thành phố Hồ Chí Minh", "board_id": "hepza"}
		for k, v := range extra {
			p[k] = v
		}
		return feat(polygon(106.72, 10.75, 106.73, 10.76), p)
	}
	parcels := "/collections/parcels/items"
	cases := []struct {
		name         string
		method, path string
		body         any
		status       int
		want         string // a regexp the body matches: the detail, or an import's report
	}{
		{"lot code taken (create)", http.MethodPost, parcels, e.parcelDoc("A1", polygon(106.707, 10.753, 106.708, 10.754)),
			http.StatusConflict, `lot_code "A1" already exists in the zone`},
		{"lot code taken (patch)", http.MethodPatch, fmt.Sprintf("%s/%d", parcels, b.ID),
			map[string]any{"type": "Feature", "properties": map[string]any{"lot_code": "A1"}}, http.StatusConflict, `lot_code "A1" already exists`},
		{"lot code taken (import)", http.MethodPost, "/collections/parcels/import",
			collectionOf(e.parcelDoc("A1", polygon(106.707, 10.755, 106.708, 10.756))), 0, `lot_code "A1" already exists`},
		{"lot code taken (split)", http.MethodPost, fmt.Sprintf("/parcels/%d/split", a.ID),
			map[string]any{"lots": lots("X", "B1"), "line": lineString([2]float64{106.7015, 10.7505}, [2]float64{106.7015, 10.7525})},
			http.StatusConflict, `lot_code "B1" already exists`},
		{"zone code taken", http.MethodPost, "/collections/zones/items", zone(e.zone.Code, nil),
			http.StatusConflict, fmt.Sprintf("code %q already exists", e.zone.Code)},
		// A planner has no role on a board that does not exist: 403 (an
		// admin gets the 400 naming board_id: TestBoardsLifecycle).
		{"unknown board", http.MethodPost, "/collections/zones/items", zone("KCN-NO-BOARD", map[string]any{"board_id": "no-such-board"}),
			http.StatusForbidden, "on board no-such-board needs role planner"},
		{"unknown parent zone", http.MethodPost, "/collections/zones/items", zone("KCN-NO-PARENT", map[string]any{"parent_id": 987654}),
			http.StatusBadRequest, "parent_id: no zone has this id"},
		{"unknown zone of a parcel", http.MethodPost, parcels,
			map[string]any{"type": "Feature", "geometry": polygon(106.701, 10.757, 106.702, 10.758),
				"properties": map[string]any{"zone_id": 987654, "lot_code": "Z1", "land_use": "industrial"}},
			http.StatusBadRequest, "zone_id: no zone has this id"},
		{"unknown zone of a green area", http.MethodPost, "/collections/green-areas/items",
			feat(polygon(106.701, 10.757, 106.702, 10.758), map[string]any{"zone_id": 987654, "kind": "park"}),
			http.StatusBadRequest, "zone_id: no zone has this id"},
		{"delete a zone with parcels", http.MethodDelete, fmt.Sprintf("/collections/zones/items/%d", e.zone.ID), nil,
			http.StatusBadRequest, "the zone still has parcels or green areas"},
		{"delete a leased parcel", http.MethodDelete, fmt.Sprintf("%s/%d", parcels, leased.ID), nil,
			http.StatusBadRequest, "the parcel has leases"},
		{"second lease in force", http.MethodPost, fmt.Sprintf("/parcels/%d/leases", leased.ID), leaseBody("Công ty Khác", today, 5),
			http.StatusConflict, "already leased|lease in force"},
		{"capital out of range", http.MethodPost, fmt.Sprintf("/parcels/%d/leases", a.ID),
			map[string]any{"lessee": "Công ty Lớn", "country": "VN", "start": dateOf(today), "end": dateOf(today.AddDate(5, 0, 0)), "capital_usd": 1e17},
			http.StatusBadRequest, `capital_usd, for one, is below 10\^16`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := e.send(t, c.method, c.path, e.planner, c.body)
			if c.status != 0 && r.status != c.status || r.status < 400 || r.status >= 500 {
				t.Fatalf("%s %s: status %d, want %d; body %.800s", c.method, c.path, r.status, c.status, r.body)
			}
			if said := problemText(t, r); !regexp.MustCompile(c.want).MatchString(said) {
				t.Errorf("%s %s: %q; want it to say %s", c.method, c.path, said, c.want)
			}
			checkNoSchema(t, "planner", r)

			pub := e.send(t, c.method, c.path, "", c.body)
			if pub.status != http.StatusUnauthorized {
				t.Errorf("public %s %s: status %d, want 401; body %.500s", c.method, c.path, pub.status, pub.body)
			}
			checkNoSchema(t, "public", pub)
		})
	}
}
