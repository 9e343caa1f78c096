package httpapi_test

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestItemsDatetimeParcelsLineage: datetime on parcels is valid time from
// the lineage. After a split, the retired parcel answers for the instants
// before it, its pieces for those from it, checked against PostGIS's own
// ranges over parcels and parcels_retired; with bbox and paging, the next
// links keep datetime and numberMatched counts both; a bad datetime is a
// 400 problem naming datetime.
func TestItemsDatetimeParcelsLineage(t *testing.T) {
	e := newWriteEnv(t)
	a := e.createParcel(t, "A1", 106.700, 10.750, 106.704, 10.754)
	b := e.createParcel(t, "B1", 106.705, 10.750, 106.707, 10.752)
	r := e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/split", a.ID), e.planner,
		map[string]any{"lots": lots("A1-1", "A1-2"), "line": lineString([2]float64{106.7015, 10.749}, [2]float64{106.7015, 10.755})})
	want(t, r, http.StatusCreated, "split")
	var split time.Time
	e.scalar(t, `SELECT retired_at FROM parcels_retired WHERE id = $1`, []any{a.ID}, &split)
	// The oracle: each parcel's valid time as a PostgreSQL range, tested
	// with && against the datetime's range.
	const oracle = `SELECT id FROM (
		SELECT p.id, (SELECT min(at) FROM parcel_lineage WHERE child_id = p.id) f, NULL::timestamptz t FROM parcels p
		UNION ALL
		SELECT r.id, (SELECT min(at) FROM parcel_lineage WHERE child_id = r.id), r.retired_at FROM parcels_retired r) x
		WHERE tstzrange(f, t, '[)') && tstzrange($1, $2, $3) ORDER BY id`
	ts := func(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }
	before, after := split.Add(-time.Millisecond), split.Add(time.Millisecond)
	for _, c := range []struct {
		datetime string
		lo, hi   any
		bounds   string
	}{
		{"../" + ts(before), nil, before, "[]"},
		{ts(before), before, before, "[]"},
		{ts(split), split, split, "[]"},
		{ts(after) + "/..", after, nil, "[]"},
		{ts(before) + "/" + ts(after), before, after, "[]"},
		{"../..", nil, nil, "[]"},
		{split.UTC().Format(time.DateOnly), time.Date(split.Year(), split.Month(), split.Day(), 0, 0, 0, 0, time.UTC),
			time.Date(split.Year(), split.Month(), split.Day()+1, 0, 0, 0, 0, time.UTC), "[)"},
	} {
		wantIDs := e.ids(t, oracle, c.lo, c.hi, c.bounds)
		var got []int64
		pages := e.fixture.walk(t, "/collections/parcels/items?limit=1&datetime="+url.QueryEscape(c.datetime), "next")
		for _, p := range pages {
			if *p.NumberMatched != len(wantIDs) {
				t.Errorf("datetime=%s: numberMatched %d, want %d", c.datetime, *p.NumberMatched, len(wantIDs))
			}
			if next, ok := p.link("next"); ok {
				if u, _ := url.Parse(next); u.Query().Get("datetime") != c.datetime {
					t.Errorf("datetime=%s: next link %s drops it", c.datetime, next)
				}
			}
			got = append(got, p.ids()...)
		}
		if !slices.Equal(got, wantIDs) {
			t.Errorf("datetime=%s: %s", c.datetime, sameIDs(got, wantIDs))
		}
	}
	// The history is what the split found: before it, a and b; after, b
	// and the pieces (not a).
	if got := e.all(t, "parcels", url.Values{"datetime": {"../" + ts(before)}}).ids(); !slices.Equal(got, []int64{a.ID, b.ID}) {
		t.Errorf("before the split: %v, want [%d %d]", got, a.ID, b.ID)
	}
	// With a bbox over the west piece only: a before, the west piece after.
	box := "106.7001,10.7501,106.7010,10.7530"
	old := e.all(t, "parcels", url.Values{"datetime": {ts(before)}, "bbox": {box}})
	if got := old.ids(); !slices.Equal(got, []int64{a.ID}) {
		t.Errorf("bbox before the split: %v, want [%d]", got, a.ID)
	} else if old.Features[0].Properties["retired_at"] == nil {
		t.Errorf("the retired parcel lacks retired_at: %v", old.Features[0].Properties)
	}
	now := e.all(t, "parcels", url.Values{"datetime": {ts(after)}, "bbox": {box}})
	if len(now.Features) != 1 || now.Features[0].ID == a.ID || now.Features[0].Properties["valid_from"] == nil {
		t.Errorf("bbox after the split: %+v, want the west piece with valid_from", now.Features)
	}
	// No datetime: the live parcels, as before.
	if got, live := e.all(t, "parcels", nil).ids(), e.ids(t, "SELECT id FROM parcels ORDER BY id"); !slices.Equal(got, live) {
		t.Errorf("no datetime: %s", sameIDs(got, live))
	}
	for _, bad := range []string{"yesterday", "2024-13-01", "2025-01-01/2024-01-01", "2024-05-01T08:00:00"} {
		for _, coll := range []string{"zones", "parcels", "green-areas"} {
			r := e.do(t, http.MethodGet, "/collections/"+coll+"/items?datetime="+url.QueryEscape(bad), nil, nil)
			checkProblem(t, coll+" datetime="+bad, r, http.StatusBadRequest)
			if !strings.Contains(string(r.body), "datetime") {
				t.Errorf("%s datetime=%s: %s does not name datetime", coll, bad, r.body)
			}
		}
	}
}

// TestItemsDatetimeZonesAndGreenAreas: zones by their established day or
// last update, green areas by their last update, against the rows.
func TestItemsDatetimeZonesAndGreenAreas(t *testing.T) {
	f := seeded(t)
	for _, c := range []struct{ collection, datetime, sql string }{
		{"zones", "../1995-12-31", "SELECT id FROM zones WHERE established < '1996-01-01' ORDER BY id"},
		{"zones", "2000-01-01/2004-12-31", "SELECT id FROM zones WHERE established >= '2000-01-01' AND established < '2005-01-01' ORDER BY id"},
		{"zones", "1980-01-01/..", "SELECT id FROM zones ORDER BY id"}, // every zone was updated since
		{"green-areas", "../1999-12-31", "SELECT id FROM green_areas WHERE updated_at < '2000-01-01' ORDER BY id"},
		{"green-areas", "2000-01-01/..", "SELECT id FROM green_areas ORDER BY id"},
	} {
		wantIDs := f.ids(t, c.sql)
		if len(wantIDs) == 0 && c.collection == "zones" && strings.HasPrefix(c.datetime, "..") {
			t.Fatalf("%s: the seed has no zone established by then; the check would be empty", c.datetime)
		}
		got := f.all(t, c.collection, url.Values{"datetime": {c.datetime}}).ids()
		if !slices.Equal(got, wantIDs) {
			t.Errorf("%s datetime=%s: %s", c.collection, c.datetime, sameIDs(got, wantIDs))
		}
	}
}
