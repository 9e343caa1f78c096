package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestBoardsLifecycle creates, reads, edits and deletes a management board
// over the API on real PostGIS: admins only, the database's row checked at
// each step, If-Match guarding edits, a board that keeps zones refused
// deletion with the zones counted, every write in the audit trail.
func TestBoardsLifecycle(t *testing.T) {
	e := newWriteEnv(t)
	board := map[string]any{"id": "bql-dong-nai", "name_vi": "Ban Quản lý các Khu công nghiệp Đồng Nai",
		"name_en": "Dong Nai Industrial Zones Authority", "province": "Đồng Nai", "website": "https://diza.dongnai.gov.vn"}

	// Without a key 401, with a planner's 403; nothing is written.
	want(t, e.send(t, http.MethodPost, "/boards", "", board), http.StatusUnauthorized, "create without key")
	want(t, e.send(t, http.MethodPost, "/boards", e.planner, board), http.StatusForbidden, "create as planner")
	var n int
	e.scalar(t, `SELECT count(*) FROM boards WHERE id = 'bql-dong-nai'`, nil, &n)
	if n != 0 {
		t.Fatalf("a refused create wrote %d board(s)", n)
	}

	r := e.send(t, http.MethodPost, "/boards", e.admin, board)
	want(t, r, http.StatusCreated, "create as admin")
	if r.header.Get("ETag") != `"1"` || !strings.HasSuffix(r.header.Get("Location"), "/boards/bql-dong-nai") {
		t.Errorf("ETag %q Location %q", r.header.Get("ETag"), r.header.Get("Location"))
	}
	var nameVI, province, website string
	var version int64
	e.scalar(t, `SELECT name_vi, province, website, version FROM boards WHERE id = 'bql-dong-nai'`, nil, &nameVI, &province, &website, &version)
	if nameVI != board["name_vi"] || province != "Đồng Nai" || website != board["website"] || version != 1 {
		t.Fatalf("database row: %q %q %q %d", nameVI, province, website, version)
	}
	wantProblem(t, e.send(t, http.MethodPost, "/boards", e.admin, board), http.StatusConflict, zonegis.ECONFLICT,
		`id "bql-dong-nai" already exists`)

	// Bad input: every problem named at once, never a 500.
	p := wantProblem(t, e.send(t, http.MethodPost, "/boards", e.admin, map[string]any{"id": "Bad Id!", "name_en": "x", "website": "ftp://x"}),
		http.StatusBadRequest, zonegis.EINVALID, "id \"bad id!\" must be", "name_vi is required", "province is required", "website")
	wantProblem(t, e.send(t, http.MethodPost, "/boards", e.admin, `{"id":"x-y","name_vi":"a","name_en":"b","province":"c","zones":3}`),
		http.StatusBadRequest, zonegis.EINVALID, "zones")

	// Read one and the list.
	r = e.do(t, http.MethodGet, "/boards/bql-dong-nai", nil, nil)
	want(t, r, http.StatusOK, "get board")
	var got struct {
		ID, NameVI, NameEN, Province, Website string
		Version                               int64
	}
	if err := json.Unmarshal(r.body, &got); err != nil || got.ID != "bql-dong-nai" || got.Version != 1 || r.header.Get("ETag") != `"1"` {
		t.Fatalf("get board: %v %+v %q", err, got, r.header.Get("ETag"))
	}
	want(t, e.do(t, http.MethodGet, "/boards/bql-dong-nai", nil, map[string]string{"If-None-Match": `"1"`}), http.StatusNotModified, "If-None-Match")
	wantProblem(t, e.do(t, http.MethodGet, "/boards/no-such", nil, nil), http.StatusNotFound, zonegis.ENOTFOUND, `"no-such"`)
	var list struct {
		Boards []struct{ ID string } `json:"boards"`
	}
	e.getJSON(t, "/boards", &list)
	if len(list.Boards) != 2 || list.Boards[0].ID != "bql-dong-nai" || list.Boards[1].ID != "hepza" {
		t.Fatalf("GET /boards: %+v", list)
	}

	// Edit: a stale If-Match is 412, the id cannot change, required fields cannot be nulled.
	edit := `{"name_en":"Dong Nai IZ Authority","website":null}`
	wantProblem(t, e.send(t, http.MethodPatch, "/boards/bql-dong-nai", e.planner, edit), http.StatusForbidden, "")
	wantProblem(t, e.send(t, http.MethodPatch, "/boards/bql-dong-nai", e.admin, edit, "If-Match", `"7"`),
		http.StatusPreconditionFailed, zonegis.EPRECONDITION, "current 1")
	wantProblem(t, e.send(t, http.MethodPatch, "/boards/bql-dong-nai", e.admin, `{"id":"other"}`),
		http.StatusBadRequest, zonegis.EINVALID, "id cannot change")
	wantProblem(t, e.send(t, http.MethodPatch, "/boards/bql-dong-nai", e.admin, `{"name_vi":null}`),
		http.StatusBadRequest, zonegis.EINVALID, "name_vi cannot be null")
	wantProblem(t, e.send(t, http.MethodPatch, "/boards/bql-dong-nai", e.admin, `{"province":"  "}`),
		http.StatusBadRequest, zonegis.EINVALID, "province is required")
	wantProblem(t, e.send(t, http.MethodPatch, "/boards/no-such", e.admin, edit), http.StatusNotFound, zonegis.ENOTFOUND)
	r = e.send(t, http.MethodPatch, "/boards/bql-dong-nai", e.admin, edit, "If-Match", `"1"`)
	want(t, r, http.StatusOK, "patch")
	if r.header.Get("ETag") != `"2"` {
		t.Errorf("ETag after edit %q, want \"2\"", r.header.Get("ETag"))
	}
	var nameEN string
	e.scalar(t, `SELECT name_vi, name_en, website, version FROM boards WHERE id = 'bql-dong-nai'`, nil, &nameVI, &nameEN, &website, &version)
	if nameVI != board["name_vi"] || nameEN != "Dong Nai IZ Authority" || website != "" || version != 2 {
		t.Fatalf("after edit: %q %q %q %d", nameVI, nameEN, website, version)
	}

	// A board that keeps zones is not deleted: 409 with their count.
	// (The planner key is a planner on the boards there were when it was
	// made; this board is newer: the admin writes its zone.)
	r = e.send(t, http.MethodPost, "/collections/zones/items", e.admin, feat(polygon(106.72, 10.75, 106.73, 10.76), map[string]any{
		"code": "KCN-DN-1", "name_vi": "Khu công nghiệp Thử", "name_en": "Test IP", "kind": "industrial_park",
		"province": "Đồng Nai", "board_id": "bql-dong-nai"}))
	want(t, r, http.StatusCreated, "zone of the new board")
	p = wantProblem(t, e.send(t, http.MethodDelete, "/boards/bql-dong-nai", e.admin, nil), http.StatusConflict, zonegis.ECONFLICT, "1 zone(s)")
	if p.Details["zones"] != float64(1) {
		t.Errorf("409 zones = %v, want 1", p.Details["zones"])
	}
	want(t, e.send(t, http.MethodDelete, fmt.Sprintf("/collections/zones/items/%d", decodeFeature(t, r).ID), e.admin, nil), http.StatusNoContent, "delete the zone")
	want(t, e.send(t, http.MethodDelete, "/boards/bql-dong-nai", e.admin, nil, "If-Match", `"2"`), http.StatusNoContent, "delete board")
	e.scalar(t, `SELECT count(*) FROM boards WHERE id = 'bql-dong-nai'`, nil, &n)
	if n != 0 {
		t.Fatal("the board is still there")
	}

	// The trail: create, edit and delete, by the admin, with the rows before and after.
	var actions string
	e.scalar(t, `SELECT string_agg(action || ':' || key_name || ':' || coalesce(before->>'name_en', '-') || '>' || coalesce(after->>'name_en', '-'), ',' ORDER BY id)
		FROM audit_log WHERE collection = 'boards' AND coalesce(after, before)->>'id' = 'bql-dong-nai'`, nil, &actions)
	wantTrail := "create:" + e.adminName + ":->Dong Nai Industrial Zones Authority," +
		"replace:" + e.adminName + ":Dong Nai Industrial Zones Authority>Dong Nai IZ Authority," +
		"delete:" + e.adminName + ":Dong Nai IZ Authority>-"
	if actions != wantTrail {
		t.Errorf("audit trail\n got %s\nwant %s", actions, wantTrail)
	}
}

// TestZoneNeedsBoard: every zone is kept by a board, so a create or PUT
// without board_id, or with null, and a PATCH that nulls it, are refused
// with a 400 naming board_id; nothing is written.
func TestZoneNeedsBoard(t *testing.T) {
	e := newWriteEnv(t)
	props := func(board any, set bool) map[string]any {
		p := map[string]any{"code": "KCN-NB", "name_vi": "Khu công nghiệp Thử", "name_en": "Test IP", "kind": "industrial_park",
			"province": "Thành phố Hồ Chí Minh"}
		if set {
			p["board_id"] = board
		}
		return p
	}
	geom := polygon(106.72, 10.75, 106.73, 10.76)
	for _, c := range []struct {
		name  string
		props map[string]any
	}{{"missing", props(nil, false)}, {"null", props(nil, true)}, {"empty", props("", true)}} {
		wantProblem(t, e.send(t, http.MethodPost, "/collections/zones/items", e.planner, feat(geom, c.props)),
			http.StatusBadRequest, zonegis.EINVALID, "board_id is required")
	}
	var n int
	e.scalar(t, `SELECT count(*) FROM zones WHERE code = 'KCN-NB'`, nil, &n)
	if n != 0 {
		t.Fatalf("refused creates wrote %d zone(s)", n)
	}
	r := e.send(t, http.MethodPost, "/collections/zones/items", e.planner, feat(geom, props("hepza", true)))
	want(t, r, http.StatusCreated, "create with a board")
	item := fmt.Sprintf("/collections/zones/items/%d", decodeFeature(t, r).ID)
	wantProblem(t, e.send(t, http.MethodPut, item, e.planner, feat(geom, props(nil, false))), http.StatusBadRequest, zonegis.EINVALID, "board_id is required")
	wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, `{"type":"Feature","properties":{"board_id":null}}`),
		http.StatusBadRequest, zonegis.EINVALID, "board_id cannot be null")
	var board string
	e.scalar(t, `SELECT board_id FROM zones WHERE code = 'KCN-NB'`, nil, &board)
	if board != "hepza" {
		t.Fatalf("board_id = %q after refused writes, want hepza", board)
	}
}

// TestBoardRenameReachesStats: the statistics name each board (cached by
// the change-log position), so renaming one shows in /stats/boards at once.
func TestBoardRenameReachesStats(t *testing.T) {
	e := newWriteEnv(t)
	name := func() string {
		var s struct {
			Items []struct{ Key, Name string } `json:"items"`
		}
		e.getJSON(t, "/stats/boards", &s)
		for _, g := range s.Items {
			if g.Key == "hepza" {
				return g.Name
			}
		}
		t.Fatalf("/stats/boards has no hepza: %+v", s)
		return ""
	}
	if got := name(); got != "Ban Quản lý các Khu chế xuất và công nghiệp TP.HCM" {
		t.Fatalf("before: %q", got)
	}
	want(t, e.send(t, http.MethodPatch, "/boards/hepza", e.admin, `{"name_vi":"Ban Quản lý HEPZA"}`), http.StatusOK, "rename")
	if got := name(); got != "Ban Quản lý HEPZA" {
		t.Fatalf("/stats/boards after the rename names hepza %q", got)
	}
}
