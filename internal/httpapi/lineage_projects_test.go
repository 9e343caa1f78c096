package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"testing"
)

// TestLineageMovesProjectParcels: a project listing a parcel that a split
// retires lists the split's pieces instead, and after a merge of those
// pieces the merged parcel, in the lineage write's transaction; a parcel
// of the project that neither touches stays; a project listing none of
// them is not touched. Checked in SQL (project_parcels) and in each
// project's history (the audit log: one entry per split and merge, with
// the parcel ids before and after).
func TestLineageMovesProjectParcels(t *testing.T) {
	e := newWriteEnv(t)
	a := e.createParcel(t, "PJ-A", 106.700, 10.750, 106.704, 10.754)
	x := e.createParcel(t, "PJ-X", 106.705, 10.750, 106.706, 10.751) // listed, never split
	other := e.createParcel(t, "PJ-O", 106.707, 10.750, 106.708, 10.751)
	ent := `{"type":"Feature","geometry":null,"properties":{"board_id":"hepza","name_vi":"Công ty TNHH Dự án Lô","country":"JP"}}`
	r := e.send(t, http.MethodPost, "/collections/enterprises/items", e.planner, ent)
	want(t, r, http.StatusCreated, "create enterprise")
	var created struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal(r.body, &created); err != nil {
		t.Fatal(err)
	}
	project := func(irc string, parcels ...int64) int64 {
		t.Helper()
		ids, _ := json.Marshal(parcels)
		r := e.send(t, http.MethodPost, "/collections/projects/items", e.planner, fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{
			"irc_number":%q,"irc_date":"2024-03-01","enterprise_id":%d,"zone_id":%d,"name_vi":"Dự án %s","origin":"fdi","currency":"USD",
			"capital":"1000000","rate":"24000","rate_date":"2024-03-01","parcel_ids":%s}}`, irc, created.ID, e.zone.ID, irc, ids))
		want(t, r, http.StatusCreated, "create project")
		var p struct {
			ID int64 `json:"id"`
		}
		if err := json.Unmarshal(r.body, &p); err != nil {
			t.Fatal(err)
		}
		return p.ID
	}
	listing := project("LOT-1", a.ID, x.ID)
	bystander := project("LOT-2", other.ID)
	parcelsOf := func(id int64) []int64 {
		t.Helper()
		var ids []int64
		e.scalar(t, `SELECT coalesce(array_agg(parcel_id ORDER BY parcel_id), '{}') FROM project_parcels WHERE project_id = $1`, []any{id}, &ids)
		return ids
	}
	sorted := func(ids ...int64) []int64 { return slices.Sorted(slices.Values(ids)) }

	r = e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/split", a.ID), e.planner,
		map[string]any{"lots": lots("PJ-A1", "PJ-A2"), "line": lineString([2]float64{106.702, 10.749}, [2]float64{106.702, 10.755})})
	want(t, r, http.StatusCreated, "split")
	var split splitAnswer
	if err := json.Unmarshal(r.body, &split); err != nil || len(split.Features) != 2 {
		t.Fatalf("split answer %s (%v)", r.body, err)
	}
	p1, p2 := split.Features[0].ID, split.Features[1].ID
	if got, w := parcelsOf(listing), sorted(p1, p2, x.ID); !slices.Equal(got, w) {
		t.Errorf("after the split the project lists parcels %v, want the pieces and the other %v (the retired %d gone)", got, w, a.ID)
	}

	r = e.send(t, http.MethodPost, "/parcels/merge", e.planner, map[string]any{"ids": []int64{p1, p2}, "lot_code": "PJ-M"})
	want(t, r, http.StatusCreated, "merge")
	merged := decodeFeature(t, r).ID
	if got, w := parcelsOf(listing), sorted(merged, x.ID); !slices.Equal(got, w) {
		t.Errorf("after the merge the project lists parcels %v, want %v", got, w)
	}
	if got := parcelsOf(bystander); !slices.Equal(got, []int64{other.ID}) {
		t.Errorf("a project of neither lists %v, want [%d]", got, other.ID)
	}
	var stale int
	e.scalar(t, `SELECT count(*) FROM project_parcels pp WHERE NOT EXISTS (SELECT 1 FROM parcels p WHERE p.id = pp.parcel_id)`, nil, &stale)
	if stale != 0 {
		t.Errorf("%d project parcel ids name retired parcels", stale)
	}

	// The project's history: the split and the merge, each with the ids before and after.
	type step struct {
		action        string
		before, after string
	}
	entries := e.auditOf(t, "projects", listing)
	slices.SortFunc(entries, func(a, b auditEntry) int { return int(a.ID - b.ID) }) // oldest first
	var steps []step
	for _, en := range entries {
		if en.Action == "split" || en.Action == "merge" {
			steps = append(steps, step{en.Action, fmt.Sprint(props(t, en.Before)["parcel_ids"]), fmt.Sprint(props(t, en.After)["parcel_ids"])})
		}
	}
	ids := func(v ...int64) string {
		f := make([]any, len(v))
		for i, id := range sorted(v...) {
			f[i] = float64(id)
		}
		return fmt.Sprint(f)
	}
	wantSteps := []step{{"split", ids(a.ID, x.ID), ids(p1, p2, x.ID)}, {"merge", ids(p1, p2, x.ID), ids(merged, x.ID)}}
	if !slices.Equal(steps, wantSteps) {
		t.Errorf("the project's history: %v, want %v", steps, wantSteps)
	}
	if n := len(e.auditOf(t, "projects", bystander)); n != 1 {
		t.Errorf("the bystander project has %d history entries, want 1 (its creation)", n)
	}
}
