package httpapi_test

import (
	"bytes"
	"encoding/csv"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The figures themselves are cross-checked against PostGIS in package
// stats; these tests check the HTTP side: parameters, JSON and CSV that
// agree number for number, filters, errors, and one zone's figures
// against SQL written here.

type zoneStatsDoc struct {
	AsOf        string           `json:"as_of"`
	MinGreenPct float64          `json:"min_green_pct"`
	Items       []map[string]any `json:"items"`
}

// statsCSV GETs path and parses the CSV, checking the media type.
func (f *fixture) statsCSV(t *testing.T, path string) [][]string {
	t.Helper()
	r := f.do(t, http.MethodGet, path, nil, nil)
	if r.status != http.StatusOK || r.contentType() != "text/csv; charset=utf-8" {
		t.Fatalf("GET %s: %d %s: %.300s", path, r.status, r.contentType(), r.body)
	}
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil {
		t.Fatalf("GET %s: %v", path, err)
	}
	return rows
}

// sameAsCSV checks that every JSON item equals its CSV row, field by field:
// numbers exactly, null as an empty cell.
func sameAsCSV(t *testing.T, what string, items []map[string]any, rows [][]string) {
	t.Helper()
	if len(rows) != len(items)+1 {
		t.Fatalf("%s: %d CSV rows for %d JSON items (+1 header)", what, len(rows), len(items))
	}
	head := rows[0]
	for i, it := range items {
		if len(it) != len(head) {
			t.Fatalf("%s: JSON item has %d fields, CSV %d: %v", what, len(it), len(head), head)
		}
		for j, name := range head {
			cell := rows[i+1][j]
			switch v := it[name].(type) {
			case nil:
				if cell != "" {
					t.Errorf("%s row %d %s: CSV %q, JSON null", what, i, name, cell)
				}
			case float64:
				if got, err := strconv.ParseFloat(cell, 64); err != nil || got != v {
					t.Errorf("%s row %d %s: CSV %q, JSON %v", what, i, name, cell, v)
				}
			case bool:
				if cell != strconv.FormatBool(v) {
					t.Errorf("%s row %d %s: CSV %q, JSON %v", what, i, name, cell, v)
				}
			case string:
				if cell != v {
					t.Errorf("%s row %d %s: CSV %q, JSON %q", what, i, name, cell, v)
				}
			default:
				t.Fatalf("%s: field %s is %T", what, name, v)
			}
		}
	}
}

func TestStatsHTTPZones(t *testing.T) {
	f := seeded(t)
	var doc zoneStatsDoc
	f.getJSON(t, "/stats/zones", &doc)
	var nZones int
	f.scalar(t, `SELECT count(*) FROM zones`, nil, &nZones)
	if len(doc.Items) != nZones || doc.MinGreenPct != 10 || doc.AsOf == "" {
		t.Fatalf("%d zones, min_green_pct %v, as_of %q; want %d, 10", len(doc.Items), doc.MinGreenPct, doc.AsOf, nZones)
	}
	sameAsCSV(t, "/stats/zones", doc.Items, f.statsCSV(t, "/stats/zones?f=csv"))

	// One zone, by code and by id, against SQL written here.
	var one struct {
		AsOf string         `json:"as_of"`
		Zone map[string]any `json:"zone"`
	}
	f.getJSON(t, "/stats/zones/shtp", &one)
	var byID struct {
		Zone map[string]any `json:"zone"`
	}
	f.getJSON(t, "/stats/zones/"+strconv.FormatFloat(one.Zone["zone_id"].(float64), 'f', -1, 64), &byID)
	if one.Zone["code"] != "SHTP" || byID.Zone["code"] != "SHTP" {
		t.Fatalf("zone by code %v, by id %v", one.Zone["code"], byID.Zone["code"])
	}
	var leased, green, capital float64
	var inForce int
	f.scalar(t, `
		SELECT (SELECT sum(ST_Area(p.boundary::geography)) / 1e4 FROM parcels_now p WHERE p.zone_id = z.id AND p.status = 'leased'),
		       (SELECT ST_Area(ST_Intersection(ST_UnaryUnion(ST_Collect(g.boundary)), z.boundary)::geography) / 1e4
		          FROM green_areas g WHERE g.zone_id = z.id),
		       (SELECT coalesce(sum(l.capital_usd), 0)::float8 FROM leases l JOIN parcels p ON p.id = l.parcel_id
		         WHERE p.zone_id = z.id AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $1::date),
		       (SELECT count(*) FROM leases l JOIN parcels p ON p.id = l.parcel_id
		         WHERE p.zone_id = z.id AND daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $1::date)
		  FROM zones z WHERE z.code = 'SHTP'`, []any{one.AsOf}, &leased, &green, &capital, &inForce)
	for name, want := range map[string]float64{"leased_ha": leased, "green_ha": green, "leases_in_force": float64(inForce)} {
		got, _ := one.Zone[name].(float64)
		if math.Abs(got-want) > 1e-9*math.Max(1, want) || want == 0 {
			t.Errorf("SHTP %s = %v, PostGIS %v", name, got, want)
		}
	}
	// Capital, to a reader without a key, is the sum rounded to one
	// significant digit (the planner's exact figures: disclosure_test.go).
	gotCapital, _ := one.Zone["capital_usd"].(float64)
	unit, _ := one.Zone["capital_rounding_usd"].(float64)
	if one.Zone["capital_disclosure"] != "rounded" || unit == 0 || math.Abs(gotCapital-capital) > unit/2 ||
		capital < unit || capital >= 10*unit || math.Mod(gotCapital, unit) != 0 {
		t.Errorf("SHTP capital_usd = %v rounded to %v (%v); PostGIS %v", gotCapital, unit, one.Zone["capital_disclosure"], capital)
	}
	if one.Zone["enterprises_source"] != "published" || one.Zone["enterprises"] != 162.0 {
		t.Errorf("SHTP enterprises %v (%v), want 162 published", one.Zone["enterprises"], one.Zone["enterprises_source"])
	}
	if rows := f.statsCSV(t, "/stats/zones/SHTP?f=csv"); len(rows) != 2 || rows[1][1] != "SHTP" {
		t.Errorf("one zone as CSV: %v", rows)
	}

	// Filters.
	var hepza zoneStatsDoc
	f.getJSON(t, "/stats/zones?board=hepza&kind=export_processing_zone&province=thanh%20pho%20ho%20chi%20minh", &hepza)
	want := f.ids(t, `SELECT id FROM zones WHERE board_id = 'hepza' AND kind = 'export_processing_zone' ORDER BY id`)
	var got []int64
	for _, z := range hepza.Items {
		got = append(got, int64(z["zone_id"].(float64)))
	}
	if !slices.Equal(got, want) || len(got) == 0 {
		t.Errorf("hepza EPZs %v, want %v", got, want)
	}
}

func TestStatsHTTPGroupsAndLeasing(t *testing.T) {
	f := seeded(t)
	for _, by := range []string{"boards", "provinces", "kinds"} {
		var doc zoneStatsDoc
		f.getJSON(t, "/stats/"+by, &doc)
		if len(doc.Items) == 0 {
			t.Fatalf("/stats/%s: no groups", by)
		}
		rows := f.statsCSV(t, "/stats/"+by+"?f=csv")
		sameAsCSV(t, "/stats/"+by, doc.Items, rows)
		if by == "boards" && !slices.ContainsFunc(rows, func(r []string) bool {
			return r[1] == "hepza" && strings.HasPrefix(r[2], "Ban Quản lý các Khu chế xuất")
		}) {
			t.Errorf("/stats/boards?f=csv: no hepza row with its Vietnamese name")
		}
	}
	var l struct {
		By        string           `json:"by"`
		Board     string           `json:"board"`
		PlanScope string           `json:"plan_scope"`
		Periods   []map[string]any `json:"periods"`
	}
	f.getJSON(t, "/stats/leasing?by=quarter&board=hepza&from=2015&to=2024", &l)
	if l.By != "quarter" || l.Board != "hepza" || len(l.Periods) != 40 || l.Periods[0]["period"] != "2015-Q1" {
		t.Fatalf("leasing: by %q board %q, %d periods from %v", l.By, l.Board, len(l.Periods), l.Periods[0]["period"])
	}
	var n float64
	for _, p := range l.Periods {
		n += p["leases"].(float64)
	}
	var want float64
	f.scalar(t, `SELECT count(*)::float8 FROM leases l JOIN parcels p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
		WHERE z.board_id = 'hepza' AND l.start_date >= '2015-01-01' AND l.start_date < '2025-01-01'`, nil, &want)
	if n != want || n == 0 {
		t.Errorf("hepza leases 2015-2024: %v, want %v", n, want)
	}
	sameAsCSV(t, "/stats/leasing", l.Periods, f.statsCSV(t, "/stats/leasing?by=quarter&board=hepza&from=2015&to=2024&f=csv"))

	for _, path := range []string{
		"/stats/zones?f=xml", "/stats/zones?kind=airport", "/stats/zones?limit=3", "/stats/boards?board=hepza",
		"/stats/leasing?by=month", "/stats/leasing?from=abc", "/stats/leasing?province=Atlantis",
		"/stats/leasing?board=nope", "/stats/leasing?from=2020&to=2010",
	} {
		if r := f.do(t, http.MethodGet, path, nil, nil); r.status != http.StatusBadRequest || r.contentType() != "application/problem+json" {
			t.Errorf("GET %s: %d %s, want 400 problem", path, r.status, r.contentType())
		}
	}
	if r := f.do(t, http.MethodGet, "/stats/zones/NOPE", nil, nil); r.status != http.StatusNotFound {
		t.Errorf("GET /stats/zones/NOPE: %d, want 404", r.status)
	}
}
