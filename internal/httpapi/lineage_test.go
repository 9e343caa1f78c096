package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// lineString is a GeoJSON LineString.
func lineString(pts ...[2]float64) map[string]any {
	return map[string]any{"type": "LineString", "coordinates": pts}
}

func lots(codes ...string) []map[string]any {
	out := make([]map[string]any, len(codes))
	for i, c := range codes {
		out[i] = map[string]any{"lot_code": c}
	}
	return out
}

// splitAnswer is the answer of POST /parcels/{id}/split.
type splitAnswer struct {
	Type     string    `json:"type"`
	Retired  []int64   `json:"retired"`
	Features []feature `json:"features"`
}

// endedLease leases parcel id from two years ago and ends the lease today,
// so that the parcel has history but no lease in force.
func (e *writeEnv) endedLease(t *testing.T, id int64, lessee string) lease {
	t.Helper()
	l := e.leaseParcel(t, id, leaseBody(lessee, today().AddDate(-2, 0, 0), 10))
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/leases/%d/end", l.ID), e.planner, nil), http.StatusOK, "end lease")
	return l
}

type lineageAnswer struct {
	ParcelID int64 `json:"parcel_id"`
	Current  bool  `json:"current"`
	Parents  []struct {
		ParcelID int64  `json:"parcel_id"`
		Op       string `json:"op"`
	} `json:"parents"`
	Children []struct {
		ParcelID int64  `json:"parcel_id"`
		Op       string `json:"op"`
	} `json:"children"`
}

func (e *writeEnv) lineage(t *testing.T, id int64) lineageAnswer {
	t.Helper()
	var out lineageAnswer
	e.getJSON(t, fmt.Sprintf("/parcels/%d/lineage", id), &out)
	return out
}

// TestSplitParcel splits a parcel with an ended lease into two lots along a
// north–south line, and merges them back.
func TestSplitParcel(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "A1", 106.700, 10.750, 106.704, 10.754)
	old := e.endedLease(t, p.ID, "Công ty Cổ phần Dệt may Cũ")
	area := p.num(t, "area_m2")
	seqBefore := 0
	e.scalar(t, `SELECT coalesce(max(seq), 0)::int FROM changes`, nil, &seqBefore)

	// If-Match with the version read now (create, lease and end bumped it).
	version := etag(t, e.get(t, "parcels", p.ID))
	r := e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/split", p.ID), e.planner,
		map[string]any{"lots": lots("A1-1", "A1-2"), "line": lineString([2]float64{106.7015, 10.749}, [2]float64{106.7015, 10.755})},
		"If-Match", fmt.Sprintf(`"%d"`, version))
	want(t, r, http.StatusCreated, "split")
	var ans splitAnswer
	if err := json.Unmarshal(r.body, &ans); err != nil {
		t.Fatal(err)
	}
	if ans.Type != "FeatureCollection" || len(ans.Features) != 2 || fmt.Sprint(ans.Retired) != fmt.Sprintf("[%d]", p.ID) {
		t.Fatalf("split answer %s", r.body)
	}
	west, east := ans.Features[0], ans.Features[1]
	if west.Properties["lot_code"] != "A1-1" || east.Properties["lot_code"] != "A1-2" || west.BBox[2] > 106.70150001 || east.BBox[0] < 106.70149999 {
		t.Fatalf("pieces out of order: %v %v / %v %v", west.Properties["lot_code"], west.BBox, east.Properties["lot_code"], east.BBox)
	}
	for _, c := range ans.Features {
		if c.Properties["status"] != zonegis.ParcelAvailable || c.Properties["land_use"] != "industrial" || c.Properties["zone_id"] != float64(e.zone.ID) {
			t.Errorf("child %d: %v", c.ID, c.Properties)
		}
	}
	if d := math.Abs(west.num(t, "area_m2") + east.num(t, "area_m2") - area); d > 0.01 {
		t.Fatalf("the pieces' areas differ from the parent's %v m² by %v m²", area, d)
	}
	if math.Abs(west.num(t, "area_m2")-area*3/8) > 1 {
		t.Fatalf("west piece %v m², want 3/8 of %v", west.num(t, "area_m2"), area)
	}

	// Read-your-writes: the parent is gone, the children are there.
	wantProblem(t, e.get(t, "parcels", p.ID), http.StatusNotFound, zonegis.ENOTFOUND)
	for _, c := range ans.Features {
		want(t, e.get(t, "parcels", c.ID), http.StatusOK, "GET child")
	}

	// The old lease is in each child's history, marked with the parent.
	for _, c := range ans.Features {
		h := e.history(t, c.ID, "")
		if len(h) != 1 || h[0].ID != old.ID || h[0].AncestorParcelID == nil || *h[0].AncestorParcelID != p.ID || h[0].ParcelID != p.ID {
			t.Fatalf("history of child %d: %+v, want lease %d marked with ancestor %d", c.ID, h, old.ID, p.ID)
		}
		if h[0].CapitalUSD != nil {
			t.Fatal("the ancestor's lease shows capital to the public")
		}
		s := e.statusOn(t, c.ID, today().AddDate(-1, 0, 0), "")
		if !s.Leased || s.Lease == nil || s.Lease.ID != old.ID || s.Lease.AncestorParcelID == nil || *s.Lease.AncestorParcelID != p.ID {
			t.Fatalf("child %d a year ago: %+v, want the parent's lease", c.ID, s)
		}
		if s := e.statusOn(t, c.ID, today(), ""); s.Leased || s.CurrentStatus != zonegis.ParcelAvailable {
			t.Fatalf("child %d today: %+v", c.ID, s)
		}
		if l := e.lineage(t, c.ID); !l.Current || len(l.Parents) != 1 || l.Parents[0].ParcelID != p.ID || l.Parents[0].Op != "split" {
			t.Fatalf("lineage of %d: %+v", c.ID, l)
		}
	}
	if l := e.lineage(t, p.ID); l.Current || len(l.Children) != 2 || l.Children[0].ParcelID != west.ID || l.Children[1].ParcelID != east.ID {
		t.Fatalf("lineage of the retired parcel: %+v", l)
	}
	wantProblem(t, e.send(t, http.MethodGet, "/parcels/999999/lineage", "", nil), http.StatusNotFound, zonegis.ENOTFOUND)

	// In the database: lineage, the retired image, the lease untouched.
	var retiredBy, retiredLot string
	e.scalar(t, `SELECT retired_by, lot_code FROM parcels_retired WHERE id = $1`, []any{p.ID}, &retiredBy, &retiredLot)
	if retiredBy != "split" || retiredLot != "A1" {
		t.Fatalf("parcels_retired: %s %s", retiredBy, retiredLot)
	}
	if got := e.ids(t, `SELECT child_id FROM parcel_lineage WHERE parent_id = $1 AND op = 'split' ORDER BY child_id`, p.ID); fmt.Sprint(got) != fmt.Sprint([]int64{west.ID, east.ID}) {
		t.Fatalf("lineage rows %v", got)
	}
	var leaseParcel int64
	e.scalar(t, `SELECT parcel_id FROM leases WHERE id = $1`, []any{old.ID}, &leaseParcel)
	if leaseParcel != p.ID {
		t.Fatalf("the old lease moved to parcel %d", leaseParcel)
	}
	// The change log has the delete, then the inserts (so followers drop
	// the parent and add the children), in one transaction's seq range.
	rows, err := e.pool.Query(context.Background(), `SELECT op, item_id FROM changes WHERE seq > $1 AND collection = 'parcels' ORDER BY seq`, seqBefore)
	if err != nil {
		t.Fatal(err)
	}
	var log []string
	for rows.Next() {
		var op string
		var id int64
		if err := rows.Scan(&op, &id); err != nil {
			t.Fatal(err)
		}
		log = append(log, fmt.Sprintf("%s %d", op, id))
	}
	rows.Close()
	if want := fmt.Sprintf("[delete %d insert %d insert %d]", p.ID, west.ID, east.ID); fmt.Sprint(log) != want {
		t.Fatalf("change log %v, want %s", log, want)
	}
	// The audit trail has the parent's before and each child's after.
	es := e.auditOf(t, "parcels", p.ID)
	if len(es) == 0 || es[0].Action != "split" || props(t, es[0].Before)["lot_code"] != "A1" || props(t, es[0].After) != nil || es[0].KeyName != e.plannerName {
		t.Fatalf("audit of the parent: %+v", es)
	}
	for _, c := range ans.Features {
		es := e.auditOf(t, "parcels", c.ID)
		if len(es) != 1 || es[0].Action != "split" || props(t, es[0].Before) != nil || props(t, es[0].After)["lot_code"] != c.Properties["lot_code"] {
			t.Fatalf("audit of child %d: %+v", c.ID, es)
		}
	}

	// Merge the two back: the grandchild has the whole area and the old
	// lease once.
	r = e.send(t, http.MethodPost, "/parcels/merge", e.planner, map[string]any{"ids": []int64{east.ID, west.ID}, "lot_code": "A1"})
	want(t, r, http.StatusCreated, "merge")
	m := decodeFeature(t, r)
	if d := math.Abs(m.num(t, "area_m2") - area); d > 0.01 || m.Properties["lot_code"] != "A1" {
		t.Fatalf("merged parcel %v, area off by %v m²", m.Properties, d)
	}
	h := e.history(t, m.ID, e.planner)
	if len(h) != 1 || h[0].ID != old.ID || h[0].AncestorParcelID == nil || *h[0].AncestorParcelID != p.ID || h[0].CapitalUSD == nil {
		t.Fatalf("history of the merged parcel: %+v", h)
	}
}

// TestSplitRefusals checks that a split that cannot be done is refused with
// a reason, and changes nothing.
func TestSplitRefusals(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "B1", 106.700, 10.750, 106.704, 10.754)
	other := e.createParcel(t, "B2", 106.705, 10.750, 106.706, 10.751)
	cut := lineString([2]float64{106.702, 10.749}, [2]float64{106.702, 10.755})
	split := func(id int64, body any, hdr ...string) response {
		return e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/split", id), e.planner, body, hdr...)
	}
	counts := func() string {
		return fmt.Sprint(e.count(t, "parcels"), e.count(t, "parcels_retired"), e.count(t, "parcel_lineage"))
	}
	before := counts()
	cases := []struct {
		name   string
		id     int64
		body   any
		hdr    []string
		status int
		code   string
		parts  []string
	}{
		{"line inside the parcel", p.ID, map[string]any{"lots": lots("X", "Y"), "line": lineString([2]float64{106.701, 10.751}, [2]float64{106.702, 10.752})},
			nil, 400, zonegis.EINVALID, []string{fmt.Sprintf("the line does not cut parcel %d", p.ID), "from one edge to another"}},
		{"line outside the parcel", p.ID, map[string]any{"lots": lots("X", "Y"), "line": lineString([2]float64{106.708, 10.749}, [2]float64{106.708, 10.755})},
			nil, 400, zonegis.EINVALID, []string{"does not cut"}},
		{"more lots than pieces", p.ID, map[string]any{"lots": lots("X", "Y", "Z"), "line": cut},
			nil, 400, zonegis.EINVALID, []string{fmt.Sprintf("the line cuts parcel %d into 2 pieces, but 3 lots were given", p.ID)}},
		{"one lot", p.ID, map[string]any{"lots": lots("X"), "line": cut}, nil, 400, zonegis.EINVALID, []string{"want 2 to 100 lots"}},
		{"same lot twice", p.ID, map[string]any{"lots": lots("X", "X"), "line": cut}, nil, 400, zonegis.EINVALID, []string{`lots[1].lot_code "X" is also lots[0]'s`}},
		{"empty lot code", p.ID, map[string]any{"lots": lots("X", " "), "line": cut}, nil, 400, zonegis.EINVALID, []string{"lots[1].lot_code is required"}},
		{"unknown land use", p.ID, map[string]any{"lots": []map[string]any{{"lot_code": "X", "land_use": "farm"}, {"lot_code": "Y"}}, "line": cut},
			nil, 400, zonegis.EINVALID, []string{`lots[0].land_use "farm" is not one of`}},
		{"lot code taken", p.ID, map[string]any{"lots": lots("X", "B2"), "line": cut}, nil, 409, zonegis.ECONFLICT, []string{"already exists", "B2"}},
		{"no line", p.ID, map[string]any{"lots": lots("X", "Y")}, nil, 400, zonegis.EINVALID, []string{"line: a GeoJSON LineString to cut along is required"}},
		{"polygon for a line", p.ID, map[string]any{"lots": lots("X", "Y"), "line": polygon(106.701, 10.751, 106.702, 10.752)},
			nil, 400, zonegis.EINVALID, []string{"line: want a LineString, got Polygon"}},
		{"line out of range", p.ID, map[string]any{"lots": lots("X", "Y"), "line": lineString([2]float64{106.702, 10.749}, [2]float64{106.702, 95})},
			nil, 400, zonegis.EINVALID, []string{"line: position 1 [106.702, 95] is outside lon [-180, 180] / lat [-90, 90]"}},
		{"one-point line", p.ID, map[string]any{"lots": lots("X", "Y"), "line": lineString([2]float64{106.702, 10.749})},
			nil, 400, zonegis.EINVALID, []string{"at least 2 positions"}},
		{"unknown field", p.ID, map[string]any{"lots": lots("X", "Y"), "line": cut, "blade": cut}, nil, 400, zonegis.EINVALID, []string{`unknown field "blade"`}},
		{"stale version", p.ID, map[string]any{"lots": lots("X", "Y"), "line": cut}, []string{"If-Match", `"9"`},
			412, zonegis.EPRECONDITION, []string{"your version 9, current 1"}},
		{"no such parcel", 999999, map[string]any{"lots": lots("X", "Y"), "line": cut}, nil, 404, zonegis.ENOTFOUND, []string{"no parcel with id 999999"}},
		{"not a parcel id", 0, map[string]any{"lots": lots("X", "Y"), "line": cut}, nil, 404, zonegis.ENOTFOUND, nil},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			wantProblem(t, split(c.id, c.body, c.hdr...), c.status, c.code, c.parts...)
		})
	}

	// A reserved parcel, a parcel with a lease in force and one with a
	// lease starting next year are refused with 409.
	body := map[string]any{"lots": lots("X", "Y"), "line": cut}
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", p.ID), e.planner, nil), http.StatusOK, "reserve")
	wantProblem(t, split(p.ID, body), http.StatusConflict, zonegis.ECONFLICT, "is reserved; release it before splitting")
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/release", p.ID), e.planner, nil), http.StatusOK, "release")

	now := e.leaseParcel(t, p.ID, leaseBody("Đang Thuê Co.", today().AddDate(0, -1, 0), 5))
	pr := wantProblem(t, split(p.ID, body), http.StatusConflict, zonegis.ECONFLICT,
		fmt.Sprintf("parcel %d has lease %d until", p.ID, now.ID), "in force today or later cannot be split or merged")
	if fmt.Sprint(pr.Details["lease_ids"]) != fmt.Sprintf("[%d]", now.ID) {
		t.Fatalf("details %v", pr.Details)
	}
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/leases/%d/end", now.ID), e.planner, nil), http.StatusOK, "end")
	later := e.leaseParcel(t, p.ID, leaseBody("Sắp Thuê Co.", today().AddDate(1, 0, 0), 5))
	wantProblem(t, split(p.ID, body), http.StatusConflict, zonegis.ECONFLICT, fmt.Sprintf("has lease %d until", later.ID))

	if got := counts(); got != before {
		t.Fatalf("rows (parcels, retired, lineage) %s after refused splits, want %s", got, before)
	}
	want(t, e.get(t, "parcels", p.ID), http.StatusOK, "the parcel is still there")
	want(t, e.get(t, "parcels", other.ID), http.StatusOK, "the other parcel is still there")
}

// TestMergeParcels merges adjacent parcels and refuses parcels that are not
// adjacent, in different zones, leased, or unknown.
func TestMergeParcels(t *testing.T) {
	e := newWriteEnv(t)
	ctx := context.Background()
	z2 := &zonegis.Zone{Code: "KCX-E", NameVI: "Khu chế xuất Đông", NameEN: "East EPZ", Kind: zonegis.KindExportProcessingZone,
		BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Source: "manual",
		Boundary: rectMP(zx1, zy0, zx1+0.01, zy1)}
	if _, err := e.db.CreateZone(ctx, zonegis.System, z2); err != nil {
		t.Fatal(err)
	}
	a := e.createParcel(t, "M-A", 106.700, 10.750, 106.702, 10.752)
	b := e.createParcel(t, "M-B", 106.702, 10.750, 106.704, 10.752)
	c := e.createParcel(t, "M-C", 106.706, 10.750, 106.707, 10.752)    // apart from A
	d := e.createParcel(t, "M-D", 106.701, 10.753, 106.702, 10.754)    // touches... nothing
	f := e.createParcel(t, "M-F", 106.702, 10.754, 106.703, 10.755)    // touches D at a corner only
	l := e.createParcel(t, "M-L", 106.700, 10.752, 106.701, 10.753)    // leased, adjacent to A
	edge := e.createParcel(t, "M-E", 106.709, 10.750, 106.710, 10.751) // on zone 1's east edge
	r := e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, map[string]any{"type": "Feature",
		"geometry": polygon(106.710, 10.750, 106.711, 10.751), "properties": map[string]any{"zone_id": z2.ID, "lot_code": "E-1", "land_use": "industrial"}})
	want(t, r, http.StatusCreated, "parcel in zone 2")
	across := decodeFeature(t, r)
	e.leaseParcel(t, l.ID, leaseBody("Đang Thuê Co.", today(), 5))
	oldA := e.endedLease(t, a.ID, "Cũ A")
	oldB := e.endedLease(t, b.ID, "Cũ B")

	merge := func(ids []int64, lot string) response {
		return e.send(t, http.MethodPost, "/parcels/merge", e.planner, map[string]any{"ids": ids, "lot_code": lot})
	}
	counts := func() string {
		return fmt.Sprint(e.count(t, "parcels"), e.count(t, "parcels_retired"), e.count(t, "parcel_lineage"))
	}
	before := counts()
	wantProblem(t, merge([]int64{a.ID, c.ID}, "X"), http.StatusBadRequest, zonegis.EINVALID,
		"are not adjacent: together they form 2 separate areas", "share an edge")
	wantProblem(t, merge([]int64{d.ID, f.ID}, "X"), http.StatusBadRequest, zonegis.EINVALID, "not adjacent")
	wantProblem(t, merge([]int64{edge.ID, across.ID}, "X"), http.StatusBadRequest, zonegis.EINVALID,
		"are in different zones", fmt.Sprintf("%d: zone %d", across.ID, z2.ID))
	p := wantProblem(t, merge([]int64{a.ID, l.ID}, "X"), http.StatusConflict, zonegis.ECONFLICT, fmt.Sprintf("parcel %d has lease", l.ID))
	if fmt.Sprint(p.Details["parcel_ids"]) != fmt.Sprintf("[%d]", l.ID) {
		t.Fatalf("details %v", p.Details)
	}
	wantProblem(t, merge([]int64{a.ID, 999999}, "X"), http.StatusNotFound, zonegis.ENOTFOUND, "no parcel with id 999999")
	wantProblem(t, merge([]int64{a.ID, a.ID}, "X"), http.StatusBadRequest, zonegis.EINVALID, "each parcel may appear once")
	wantProblem(t, merge([]int64{a.ID}, "X"), http.StatusBadRequest, zonegis.EINVALID, "want 2 to 100 parcel ids")
	wantProblem(t, merge([]int64{a.ID, b.ID}, ""), http.StatusBadRequest, zonegis.EINVALID, "lot_code is required")
	wantProblem(t, merge([]int64{a.ID, b.ID}, "M-C"), http.StatusConflict, zonegis.ECONFLICT, "already exists")
	wantProblem(t, e.send(t, http.MethodPost, "/parcels/merge", e.planner, `{"ids": [1, 2], "lot_code": "X", "geometry": null}`),
		http.StatusBadRequest, zonegis.EINVALID, `unknown field "geometry"`)
	if got := counts(); got != before {
		t.Fatalf("rows (parcels, retired, lineage) %s after refused merges, want %s", got, before)
	}

	// A and B share an edge: they merge, keeping both histories.
	r = merge([]int64{b.ID, a.ID}, "M-AB")
	want(t, r, http.StatusCreated, "merge")
	m := decodeFeature(t, r)
	var retired struct {
		Retired []int64 `json:"retired"`
	}
	_ = json.Unmarshal(r.body, &retired)
	if fmt.Sprint(retired.Retired) != fmt.Sprint([]int64{a.ID, b.ID}) || etag(t, r) != 1 || r.header.Get("Location") == "" {
		t.Fatalf("merge answer: retired %v, ETag %s, Location %q", retired.Retired, r.header.Get("ETag"), r.header.Get("Location"))
	}
	if d := math.Abs(m.num(t, "area_m2") - a.num(t, "area_m2") - b.num(t, "area_m2")); d > 0.01 {
		t.Fatalf("merged area off by %v m²", d)
	}
	var geom struct {
		Type        string          `json:"type"`
		Coordinates [][][][]float64 `json:"coordinates"`
	}
	if err := json.Unmarshal(m.Geometry, &geom); err != nil || geom.Type != "MultiPolygon" || len(geom.Coordinates) != 1 {
		t.Fatalf("merged geometry %s", m.Geometry)
	}
	for _, id := range []int64{a.ID, b.ID} {
		wantProblem(t, e.get(t, "parcels", id), http.StatusNotFound, zonegis.ENOTFOUND)
	}
	h := e.history(t, m.ID, "")
	if len(h) != 2 || h[0].ID != oldA.ID || h[1].ID != oldB.ID || *h[0].AncestorParcelID != a.ID || *h[1].AncestorParcelID != b.ID {
		t.Fatalf("history of the merged parcel: %+v", h)
	}
	if got := e.ids(t, `SELECT parent_id FROM parcel_lineage WHERE child_id = $1 AND op = 'merge' ORDER BY parent_id`, m.ID); fmt.Sprint(got) != fmt.Sprint([]int64{a.ID, b.ID}) {
		t.Fatalf("lineage %v", got)
	}
	es := e.auditOf(t, "parcels", m.ID)
	if len(es) != 1 || es[0].Action != "merge" || props(t, es[0].After)["lot_code"] != "M-AB" {
		t.Fatalf("audit of the merged parcel: %+v", es)
	}
	if es := e.auditOf(t, "parcels", a.ID); es[0].Action != "merge" || props(t, es[0].Before)["lot_code"] != "M-A" || props(t, es[0].After) != nil {
		t.Fatalf("audit of a merged parent: %+v", es[0])
	}
	// A parcel with history still cannot simply be deleted.
	wantProblem(t, e.send(t, http.MethodDelete, fmt.Sprintf("/collections/parcels/items/%d", l.ID), e.planner, nil),
		http.StatusBadRequest, zonegis.EINVALID, "the parcel has leases; its history is kept")
}
