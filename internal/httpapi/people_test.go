package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// peopleEnv is a writeEnv with a second board (Hải Phòng) and its zone,
// and a key for a person of each role: a viewer, a planner and a board
// admin of HEPZA, the ministry reader, a system admin (e.admin) and the
// public ("").
type peopleEnv struct {
	*writeEnv
	other *zonegis.Zone // Hải Phòng's zone
	keys  map[string]string
	lots  atomic.Int64
	// next free cell of each zone, for parcels that never overlap
	cells map[int64]*atomic.Int64
}

func newPeopleEnv(t *testing.T) *peopleEnv {
	t.Helper()
	ctx := context.Background()
	e := &peopleEnv{writeEnv: newWriteEnv(t), keys: map[string]string{}, cells: map[int64]*atomic.Int64{}}
	if err := e.db.CreateBoard(ctx, zonegis.System, &zonegis.Board{ID: "haiphong", NameVI: "Ban Quản lý Khu kinh tế Hải Phòng",
		NameEN: "Hai Phong EZ Authority", Province: "Thành phố Hải Phòng"}); err != nil {
		t.Fatal(err)
	}
	e.other = &zonegis.Zone{Code: "KCN-HP", NameVI: "Khu công nghiệp Thử Hải Phòng", NameEN: "Test IP Hai Phong", Kind: zonegis.KindIndustrialPark,
		BoardID: "haiphong", Province: "Thành phố Hải Phòng", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional,
		Source: "manual", Boundary: rectMP(106.60, 20.80, 106.61, 20.81)}
	if _, err := e.db.CreateZone(ctx, zonegis.System, e.other); err != nil {
		t.Fatal(err)
	}
	e.cells[e.zone.ID], e.cells[e.other.ID] = &atomic.Int64{}, &atomic.Int64{}
	person := func(role, login, name, system, board, boardRole string) {
		u := &zonegis.User{Login: login, DisplayName: name, SystemRole: system}
		if err := e.db.CreateUser(ctx, zonegis.System, u); err != nil {
			t.Fatal(err)
		}
		if board != "" {
			if err := e.db.GrantRole(ctx, zonegis.System, u.ID, board, boardRole); err != nil {
				t.Fatal(err)
			}
		}
		key, _, err := e.db.CreateUserKey(ctx, u.ID, login+"'s key", nil)
		if err != nil {
			t.Fatal(err)
		}
		e.keys[role] = key
	}
	person("viewer", "vien.hepza", "Trần Thị Viên", "", "hepza", zonegis.BoardViewer)
	person("planner", "lan.hepza", "Nguyễn Thị Lan", "", "hepza", zonegis.BoardPlanner)
	person("board_admin", "minh.hepza", "Lê Văn Minh", "", "hepza", zonegis.BoardAdmin)
	person("ministry", "bo.khdt", "Bộ Kế hoạch và Đầu tư", zonegis.SystemMinistry, "", "")
	e.keys["admin"], e.keys["public"] = e.admin, ""
	return e
}

// zoneOf is the test zone of board ("hepza" or "haiphong").
func (e *peopleEnv) zoneOf(board string) *zonegis.Zone {
	if board == "hepza" {
		return e.zone
	}
	return e.other
}

// parcelOn creates, as the admin, a parcel of 0.0005° in a free cell of
// board's zone (two side by side when pair) and returns their ids.
func (e *peopleEnv) parcelOn(t *testing.T, board string, pair bool) []int64 {
	t.Helper()
	z := e.zoneOf(board)
	cell := e.cells[z.ID].Add(1) - 1
	x0, y0 := z.Boundary.Bound().Min[0]+float64(cell%9)*0.001, z.Boundary.Bound().Min[1]+float64(cell/9)*0.001
	n := 1
	if pair {
		n = 2
	}
	var ids []int64
	for i := 0; i < n; i++ {
		doc := e.parcelDocIn(z, polygon(x0+float64(i)*0.0004, y0, x0+float64(i+1)*0.0004, y0+0.0008))
		r := e.send(t, http.MethodPost, "/collections/parcels/items", e.admin, doc)
		want(t, r, http.StatusCreated, "set-up parcel on "+board)
		ids = append(ids, decodeFeature(t, r).ID)
	}
	return ids
}

// parcelDocIn is a parcel Feature in zone z with a fresh lot code.
func (e *peopleEnv) parcelDocIn(z *zonegis.Zone, geom any) map[string]any {
	return map[string]any{"type": "Feature", "geometry": geom,
		"properties": map[string]any{"zone_id": z.ID, "lot_code": fmt.Sprintf("W%d", e.lots.Add(1)), "land_use": "industrial"}}
}

// freeGeom is a small polygon in a free cell of board's zone.
func (e *peopleEnv) freeGeom(board string) map[string]any {
	z := e.zoneOf(board)
	cell := e.cells[z.ID].Add(1) - 1
	x0, y0 := z.Boundary.Bound().Min[0]+float64(cell%9)*0.001, z.Boundary.Bound().Min[1]+float64(cell/9)*0.001
	return polygon(x0, y0, x0+0.0004, y0+0.0008)
}

// walkRules is the test's own rule table: which roles may call each write
// route on a record of their own board ("own") and of another ("other").
// registry's table must agree with it (checked below), and every write
// route the server registers must be here, so a new route without a rule
// fails this test.
var walkRules = map[string]struct {
	action     registry.Action
	own, other []string // roles answered 2xx; the other authenticated roles get 403, the public 401
}{
	"POST /query/intersects":                    {registry.Read, all, all},
	"POST /collections/:collection/items":       {registry.WriteRecords, writers, onlyAdmin},
	"PUT /collections/:collection/items/:id":    {registry.WriteRecords, writers, onlyAdmin},
	"PATCH /collections/:collection/items/:id":  {registry.WriteRecords, writers, onlyAdmin},
	"DELETE /collections/:collection/items/:id": {registry.WriteRecords, writers, onlyAdmin},
	"POST /collections/:collection/import":      {registry.WriteRecords, writers, onlyAdmin},
	"POST /parcels/:id/leases":                  {registry.WriteRecords, writers, onlyAdmin},
	"POST /parcels/:id/reserve":                 {registry.WriteRecords, writers, onlyAdmin},
	"POST /parcels/:id/release":                 {registry.WriteRecords, writers, onlyAdmin},
	"POST /leases/:id/end":                      {registry.WriteRecords, writers, onlyAdmin},
	"POST /parcels/:id/split":                   {registry.WriteRecords, writers, onlyAdmin},
	"POST /parcels/merge":                       {registry.WriteRecords, writers, onlyAdmin},
	"POST /boards":                              {registry.ManageBoards, onlyAdmin, onlyAdmin},
	"PATCH /boards/:id":                         {registry.ManageBoards, onlyAdmin, onlyAdmin},
	"DELETE /boards/:id":                        {registry.ManageBoards, onlyAdmin, onlyAdmin},
	"GET /audit":                                {registry.ReadAudit, []string{"board_admin", "admin"}, onlyAdmin},
}

var (
	roles     = []string{"public", "viewer", "planner", "board_admin", "ministry", "admin"}
	all       = roles
	writers   = []string{"planner", "board_admin", "admin"}
	onlyAdmin = []string{"admin"}
)

// TestRouteWalkRolesByBoard sends every write route, as each role, at a
// record of the caller's own board (HEPZA) and of another (Hải Phòng),
// against real PostGIS, and checks each answer against walkRules: 2xx for
// the roles it lists, 403 for the other people, 401 for the public. A
// write route registered without a row in walkRules fails it.
func TestRouteWalkRolesByBoard(t *testing.T) {
	e := newPeopleEnv(t)
	srv := httpapi.New(httpapi.Options{Index: index.New(), Store: e.db})
	for _, r := range srv.Routes() {
		key := r.Method + " " + r.Path
		// Signing in and out is anyone's (TestSession* test them, with
		// sessions this walk's server does not have).
		signIn := key == "POST /auth/login" || key == "POST /auth/logout"
		if _, ok := walkRules[key]; !ok && !signIn && r.Method != http.MethodGet && r.Method != http.MethodHead {
			t.Errorf("write route %s has no row in walkRules: say who may call it on which board", key)
		}
	}
	// registry's rule table agrees with the test's.
	for key, rule := range walkRules {
		p := map[string]zonegis.Principal{"public": {}, "viewer": {Login: "v", Grants: map[string]string{"hepza": zonegis.BoardViewer}},
			"planner":     {Login: "p", Grants: map[string]string{"hepza": zonegis.BoardPlanner}},
			"board_admin": {Login: "b", Grants: map[string]string{"hepza": zonegis.BoardAdmin}},
			"ministry":    {Login: "m", SystemRole: zonegis.SystemMinistry}, "admin": {Login: "a", SystemRole: zonegis.SystemAdmin}}
		for _, role := range roles {
			own := containsString(rule.own, role)
			if got := registry.May(p[role], rule.action, "hepza"); got != own && rule.action != registry.ManageBoards {
				t.Errorf("%s: registry.May(%s, hepza) = %v, walkRules says %v", key, role, got, own)
			}
		}
	}
	today := today()
	send := map[string]func(t *testing.T, board, key string) response{
		"POST /query/intersects": func(t *testing.T, board, key string) response {
			return e.send(t, http.MethodPost, "/query/intersects", key, e.freeGeom(board))
		},
		"POST /collections/:collection/items": func(t *testing.T, board, key string) response {
			return e.send(t, http.MethodPost, "/collections/parcels/items", key, e.parcelDocIn(e.zoneOf(board), e.freeGeom(board)))
		},
		"PUT /collections/:collection/items/:id": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			return e.send(t, http.MethodPut, fmt.Sprintf("/collections/parcels/items/%d", id), key, e.parcelDocIn(e.zoneOf(board), e.freeGeom(board)))
		},
		"PATCH /collections/:collection/items/:id": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			return e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", id), key, `{"type": "Feature", "properties": {"land_use": "logistics"}}`)
		},
		"DELETE /collections/:collection/items/:id": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			return e.send(t, http.MethodDelete, fmt.Sprintf("/collections/parcels/items/%d", id), key, nil)
		},
		"POST /collections/:collection/import": func(t *testing.T, board, key string) response {
			return e.send(t, http.MethodPost, "/collections/parcels/import", key, collectionOf(e.parcelDocIn(e.zoneOf(board), e.freeGeom(board))))
		},
		"POST /parcels/:id/leases": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			return e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", id), key, leaseBody("Công ty Thử", today, 10))
		},
		"POST /parcels/:id/reserve": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			return e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", id), key, nil)
		},
		"POST /parcels/:id/release": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", id), e.admin, nil), http.StatusOK, "set-up reserve")
			return e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/release", id), key, nil)
		},
		"POST /leases/:id/end": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			r := e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", id), e.admin, leaseBody("Công ty Thử", today.AddDate(0, 0, -30), 10))
			want(t, r, http.StatusCreated, "set-up lease")
			var l lease
			if err := json.Unmarshal(r.body, &l); err != nil {
				t.Fatal(err)
			}
			return e.send(t, http.MethodPost, fmt.Sprintf("/leases/%d/end", l.ID), key, map[string]any{})
		},
		"POST /parcels/:id/split": func(t *testing.T, board, key string) response {
			id := e.parcelOn(t, board, false)[0]
			var x0, y0 float64
			e.scalar(t, `SELECT ST_XMin(boundary), ST_YMin(boundary) FROM parcels WHERE id = $1`, []any{id}, &x0, &y0)
			return e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/split", id), key, map[string]any{
				"lots": lots(fmt.Sprintf("S%d-1", id), fmt.Sprintf("S%d-2", id)),
				"line": lineString([2]float64{x0 + 0.0002, y0 - 0.0001}, [2]float64{x0 + 0.0002, y0 + 0.0009})})
		},
		"POST /parcels/merge": func(t *testing.T, board, key string) response {
			ids := e.parcelOn(t, board, true)
			return e.send(t, http.MethodPost, "/parcels/merge", key, map[string]any{"ids": ids, "lot_code": fmt.Sprintf("M%d", ids[0])})
		},
		"POST /boards": func(t *testing.T, board, key string) response {
			return e.send(t, http.MethodPost, "/boards", key, map[string]any{"id": fmt.Sprintf("walk-%d", e.lots.Add(1)),
				"name_vi": "Ban Thử", "name_en": "Test board", "province": "Thành phố Hải Phòng"})
		},
		"PATCH /boards/:id": func(t *testing.T, board, key string) response {
			return e.send(t, http.MethodPatch, "/boards/"+board, key, map[string]any{"website": "https://example.org"})
		},
		"DELETE /boards/:id": func(t *testing.T, board, key string) response {
			id := fmt.Sprintf("empty-%d", e.lots.Add(1))
			want(t, e.send(t, http.MethodPost, "/boards", e.admin, map[string]any{"id": id, "name_vi": "Ban Rỗng",
				"name_en": "Empty board", "province": "Thành phố Hải Phòng"}), http.StatusCreated, "set-up board")
			return e.send(t, http.MethodDelete, "/boards/"+id, key, nil)
		},
		"GET /audit": func(t *testing.T, board, key string) response {
			return e.send(t, http.MethodGet, "/audit?board="+board, key, nil)
		},
	}
	for key, rule := range walkRules {
		do := send[key]
		if do == nil {
			t.Errorf("%s: no request in the walk", key)
			continue
		}
		for _, board := range []string{"hepza", "haiphong"} {
			allowed := rule.own
			if board != "hepza" {
				allowed = rule.other
			}
			for _, role := range roles {
				r := do(t, board, e.keys[role])
				switch {
				case containsString(allowed, role):
					if r.status < 200 || r.status > 299 {
						t.Errorf("%s on %s as %s: %d %s, want 2xx", key, board, role, r.status, r.body)
					}
				case role == "public":
					if r.status != http.StatusUnauthorized {
						t.Errorf("%s on %s as the public: %d %s, want 401", key, board, r.status, r.body)
					}
				default:
					if r.status != http.StatusForbidden || !strings.Contains(string(r.body), "role") {
						t.Errorf("%s on %s as %s: %d %s, want 403 naming the role", key, board, role, r.status, r.body)
					}
				}
			}
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestHEPZAPlannerDoneWhen is issue 14's done-when: a HEPZA planner edits
// a HEPZA parcel, gets 403 on a Hải Phòng parcel, sees only HEPZA's
// confidential lease figures (per lease and in the statistics), and the
// audit trail names them.
func TestHEPZAPlannerDoneWhen(t *testing.T) {
	e := newPeopleEnv(t)
	lan := e.keys["planner"]
	own, other := e.parcelOn(t, "hepza", false)[0], e.parcelOn(t, "haiphong", false)[0]
	patch := `{"type": "Feature", "properties": {"land_use": "logistics"}}`
	want(t, e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", own), lan, patch), http.StatusOK, "HEPZA planner edits a HEPZA parcel")
	wantProblem(t, e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", other), lan, patch),
		http.StatusForbidden, zonegis.EFORBIDDEN, "board haiphong", "Nguyễn Thị Lan")
	// Moving the HEPZA parcel into Hải Phòng's zone needs rights on both.
	wantProblem(t, e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", own), lan,
		map[string]any{"type": "Feature", "properties": map[string]any{"zone_id": e.other.ID}, "geometry": e.freeGeom("haiphong")}),
		http.StatusForbidden, zonegis.EFORBIDDEN, "board haiphong")

	// One lease on each board, by the admin.
	for _, id := range []int64{own, other} {
		want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", id), e.admin, leaseBody(fmt.Sprintf("Công ty %d", id), today().AddDate(0, 0, -10), 10)),
			http.StatusCreated, "lease")
	}
	sees := func(key string, id int64) bool {
		hs := e.history(t, id, key)
		if len(hs) != 1 {
			t.Fatalf("parcel %d: %d leases", id, len(hs))
		}
		return hs[0].CapitalUSD != nil
	}
	for _, c := range []struct {
		role         string
		hepza, haiph bool
	}{{"planner", true, false}, {"viewer", true, false}, {"public", false, false}, {"ministry", true, true}, {"admin", true, true}} {
		if got := sees(e.keys[c.role], own); got != c.hepza {
			t.Errorf("%s sees HEPZA's capital: %v, want %v", c.role, got, c.hepza)
		}
		if got := sees(e.keys[c.role], other); got != c.haiph {
			t.Errorf("%s sees Hải Phòng's capital: %v, want %v", c.role, got, c.haiph)
		}
	}
	// The statistics: HEPZA's zone exact for Lan, Hải Phòng's as the
	// public sees it, and every group that sums Hải Phòng's leases too.
	type report struct {
		Items []struct {
			ZoneID            int64    `json:"zone_id"`
			Key               string   `json:"key"`
			CapitalUSD        *float64 `json:"capital_usd"`
			CapitalDisclosure string   `json:"capital_disclosure"`
		} `json:"items"`
	}
	for _, path := range []string{"/stats/zones", "/stats/boards", "/stats/kinds", "/stats/provinces"} {
		var mine, pub report
		r := e.send(t, http.MethodGet, path, lan, nil)
		want(t, r, http.StatusOK, path)
		if err := json.Unmarshal(r.body, &mine); err != nil {
			t.Fatal(err)
		}
		r = e.send(t, http.MethodGet, path, "", nil)
		if err := json.Unmarshal(r.body, &pub); err != nil {
			t.Fatal(err)
		}
		for i, it := range mine.Items {
			hepzaOnly := it.ZoneID == e.zone.ID || it.Key == "hepza" || it.Key == "Thành phố Hồ Chí Minh" || it.Key == zonegis.KindExportProcessingZone
			if hepzaOnly && it.CapitalDisclosure != "exact" {
				t.Errorf("%s %d %q: %s, want exact for HEPZA's planner", path, it.ZoneID, it.Key, it.CapitalDisclosure)
			}
			if !hepzaOnly && (it.CapitalDisclosure != pub.Items[i].CapitalDisclosure || fmt.Sprint(it.CapitalUSD) != fmt.Sprint(pub.Items[i].CapitalUSD)) {
				t.Errorf("%s %d %q: the planner sees %s %v, the public %s: another board's figure told",
					path, it.ZoneID, it.Key, it.CapitalDisclosure, it.CapitalUSD, pub.Items[i].CapitalDisclosure)
			}
		}
	}
	// The audit trail names Lan, on HEPZA's board; HEPZA's board admin
	// reads it, but not Hải Phòng's.
	r := e.send(t, http.MethodGet, "/audit?user=lan.hepza&collection=parcels", e.keys["board_admin"], nil)
	want(t, r, http.StatusOK, "board admin reads the audit")
	var es struct{ Entries []auditEntry }
	if err := json.Unmarshal(r.body, &es); err != nil {
		t.Fatal(err)
	}
	if len(es.Entries) != 1 || es.Entries[0].UserLogin != "lan.hepza" || es.Entries[0].BoardID == nil || *es.Entries[0].BoardID != "hepza" ||
		es.Entries[0].Action != "replace" {
		t.Errorf("audit of Lan: %+v", es.Entries)
	}
	r = e.send(t, http.MethodGet, "/audit?board=haiphong", e.keys["board_admin"], nil)
	wantProblem(t, r, http.StatusForbidden, zonegis.EFORBIDDEN, "haiphong")
	r = e.send(t, http.MethodGet, "/audit?f=csv&user=lan.hepza", e.admin, nil)
	if !strings.HasPrefix(r.contentType(), "text/csv") || !strings.Contains(string(r.body), "lan.hepza,hepza") {
		t.Errorf("CSV: %s %s", r.contentType(), r.body)
	}
}
