package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestAuthWritesNeedAValidKey checks 401 without a key and with a garbage,
// forged or revoked one, on every kind of write, and that both ways of
// presenting a key work.
func TestAuthWritesNeedAValidKey(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "K1", 106.700, 10.750, 106.701, 10.751)
	item := fmt.Sprintf("/collections/parcels/items/%d", p.ID)
	doc := e.parcelDoc("K2", polygon(106.702, 10.750, 106.703, 10.751))
	writes := []struct {
		method, path string
		body         any
	}{
		{http.MethodPost, "/collections/parcels/items", doc},
		{http.MethodPut, item, doc},
		{http.MethodPatch, item, `{"type": "Feature", "properties": {"land_use": "warehouse"}}`},
		{http.MethodDelete, item, nil},
		{http.MethodPost, "/collections/parcels/import", `{"type": "FeatureCollection", "features": []}`},
		{http.MethodPost, fmt.Sprintf("/parcels/%d/leases", p.ID), `{}`},
		{http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", p.ID), nil},
		{http.MethodPost, fmt.Sprintf("/parcels/%d/release", p.ID), nil},
		{http.MethodPost, "/leases/1/end", nil},
		{http.MethodPost, fmt.Sprintf("/parcels/%d/split", p.ID), `{}`},
		{http.MethodPost, "/parcels/merge", `{}`},
	}
	revoked, k, err := e.db.CreateKey(context.Background(), "ex-employee", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.RevokeKey(context.Background(), k.Prefix); err != nil {
		t.Fatal(err)
	}
	forged := e.planner[:12] + strings.Repeat("0", 32)
	for _, w := range writes {
		name := w.method + " " + w.path
		r := e.send(t, w.method, w.path, "", w.body)
		wantProblem(t, r, http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "needs role planner or board_admin on the board, or admin: sign in, or send an API key")
		if got := r.header.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
			t.Errorf("%s: WWW-Authenticate %q, want a Bearer challenge", name, got)
		}
		wantProblem(t, e.send(t, w.method, w.path, "garbage", w.body), http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "invalid API key")
		wantProblem(t, e.send(t, w.method, w.path, forged, w.body), http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "invalid API key")
		wantProblem(t, e.send(t, w.method, w.path, revoked, w.body), http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "revoked")
		wantProblem(t, e.send(t, w.method, w.path, "", w.body, "X-API-Key", "zg_00000000_"+strings.Repeat("0", 32)),
			http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "invalid API key")
	}
	// Nothing above was written.
	if n := e.count(t, "parcels"); n != 1 {
		t.Fatalf("%d parcels, want 1", n)
	}
	var audited int
	e.scalar(t, `SELECT count(*) FROM audit_log WHERE key_id IS NOT NULL`, nil, &audited)
	if n := audited; n != 1 {
		t.Fatalf("%d audited writes with a key, want 1 (the create)", n)
	}
	// A key given on a public read must be valid too.
	wantProblem(t, e.send(t, http.MethodGet, item, "garbage", nil), http.StatusUnauthorized, zonegis.EUNAUTHORIZED)
	want(t, e.send(t, http.MethodGet, item, e.planner, nil), http.StatusOK, "GET with a planner key")

	// Both headers work.
	r := e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", p.ID), "", nil, "X-API-Key", e.planner)
	want(t, r, http.StatusOK, "reserve with X-API-Key")
	r = e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/release", p.ID), "", nil, "Authorization", "bearer "+e.planner)
	want(t, r, http.StatusOK, "release with a lower-case bearer")
}

// TestAuthRoles checks the roles: public reads, planners write but cannot
// read the audit trail (403), admins can do both.
func TestAuthRoles(t *testing.T) {
	e := newWriteEnv(t)
	wantProblem(t, e.send(t, http.MethodGet, "/audit", "", nil), http.StatusUnauthorized, zonegis.EUNAUTHORIZED, "role board_admin on the board, or admin")
	wantProblem(t, e.send(t, http.MethodGet, "/audit", e.planner, nil), http.StatusForbidden, zonegis.EFORBIDDEN,
		"this needs role board_admin on the board, or admin", e.plannerName, "has no role that allows it")
	want(t, e.send(t, http.MethodGet, "/audit", e.admin, nil), http.StatusOK, "admin reads the audit trail")
	// An admin may do what a planner may.
	r := e.send(t, http.MethodPost, "/collections/parcels/items", e.admin, e.parcelDoc("ADM", polygon(106.700, 10.750, 106.701, 10.751)))
	want(t, r, http.StatusCreated, "admin creates a parcel")
	// Public reads need no key.
	want(t, e.send(t, http.MethodGet, "/collections/parcels/items", "", nil), http.StatusOK, "public read")
	want(t, e.send(t, http.MethodPost, "/query/intersects", "", polygon(106.70, 10.75, 106.71, 10.76)), http.StatusOK, "public POST query")
}

// auditEntry is one entry of GET /audit.
type auditEntry struct {
	ID         int64           `json:"id"`
	KeyID      *int64          `json:"key_id"`
	KeyName    string          `json:"key_name"`
	Role       string          `json:"role"`
	Action     string          `json:"action"`
	Collection string          `json:"collection"`
	ItemID     *int64          `json:"item_id"`
	UserID     *int64          `json:"user_id"`
	UserLogin  string          `json:"user_login"`
	BoardID    *string         `json:"board_id"`
	Before     json.RawMessage `json:"before"`
	After      json.RawMessage `json:"after"`
	RequestID  string          `json:"request_id"`
}

// auditOf reads the audit trail of one item as an admin, newest first.
func (e *writeEnv) auditOf(t *testing.T, collection string, id int64) []auditEntry {
	t.Helper()
	r := e.send(t, http.MethodGet, fmt.Sprintf("/audit?collection=%s&item_id=%d", collection, id), e.admin, nil)
	want(t, r, http.StatusOK, "GET /audit")
	var out struct {
		Entries []auditEntry `json:"entries"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatal(err)
	}
	return out.Entries
}

// props reads the image of a row in the audit trail; nil for JSON null.
func props(t *testing.T, raw json.RawMessage) map[string]any {
	t.Helper()
	if string(raw) == "null" || len(raw) == 0 {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("audit image %s: %v", raw, err)
	}
	return m
}

// TestAuditRecordsWrites checks that create, replace, patch and delete each
// leave an entry with the key, its name and role, the time, and the row's
// image before and after.
func TestAuditRecordsWrites(t *testing.T) {
	e := newWriteEnv(t)
	f := e.createParcel(t, "AU1", 106.700, 10.750, 106.701, 10.751)
	item := fmt.Sprintf("/collections/parcels/items/%d", f.ID)
	want(t, e.send(t, http.MethodPut, item, e.planner, e.parcelDoc("AU1-R", polygon(106.700, 10.750, 106.7015, 10.751))), http.StatusOK, "PUT")
	want(t, e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {"land_use": "research"}}`), http.StatusOK, "PATCH")
	want(t, e.send(t, http.MethodDelete, item, e.planner, nil), http.StatusNoContent, "DELETE")

	es := e.auditOf(t, "parcels", f.ID)
	if len(es) != 4 {
		t.Fatalf("%d audit entries, want 4: %+v", len(es), es)
	}
	del, patch, put, create := es[0], es[1], es[2], es[3]
	for _, x := range es {
		if x.KeyName != e.plannerName || x.Role != "user" || x.UserID == nil || !strings.HasPrefix(x.UserLogin, "key-") ||
			x.BoardID == nil || x.KeyID == nil || x.Collection != "parcels" ||
			x.ItemID == nil || *x.ItemID != f.ID || x.RequestID == "" {
			t.Errorf("entry %+v: want key %q, its user, the zone's board, item %d, a request id", x, e.plannerName, f.ID)
		}
	}
	if create.Action != "create" || props(t, create.Before) != nil || props(t, create.After)["lot_code"] != "AU1" {
		t.Errorf("create entry: %s before %s after %s", create.Action, create.Before, create.After)
	}
	if put.Action != "replace" || props(t, put.Before)["lot_code"] != "AU1" || props(t, put.After)["lot_code"] != "AU1-R" {
		t.Errorf("replace entry: %s before %s after %s", put.Action, put.Before, put.After)
	}
	if patch.Action != "replace" || props(t, patch.Before)["land_use"] != "industrial" || props(t, patch.After)["land_use"] != "research" {
		t.Errorf("patch entry: %s before %s after %s", patch.Action, patch.Before, patch.After)
	}
	if del.Action != "delete" || props(t, del.Before)["lot_code"] != "AU1-R" || props(t, del.After) != nil {
		t.Errorf("delete entry: %s before %s after %s", del.Action, del.Before, del.After)
	}
	// The images carry the geometry as GeoJSON.
	if g, ok := props(t, put.After)["geometry"].(map[string]any); !ok || g["type"] != "MultiPolygon" {
		t.Errorf("replace after-image geometry %v", props(t, put.After)["geometry"])
	}
	// The entry is in the trail as of the write: nothing to wait for.
	var n int
	e.scalar(t, `SELECT count(*) FROM audit_log WHERE item_id = $1 AND collection = 'parcels'`, []any{f.ID}, &n)
	if n != 4 {
		t.Fatalf("%d rows in audit_log", n)
	}
	// Paging and filters.
	r := e.send(t, http.MethodGet, fmt.Sprintf("/audit?limit=1&before=%d", del.ID), e.admin, nil)
	want(t, r, http.StatusOK, "audit page")
	var page struct {
		Entries []auditEntry `json:"entries"`
	}
	if err := json.Unmarshal(r.body, &page); err != nil || len(page.Entries) != 1 || page.Entries[0].ID != patch.ID {
		t.Fatalf("page before %d: %s", del.ID, r.body)
	}
	wantProblem(t, e.send(t, http.MethodGet, "/audit?limit=0", e.admin, nil), http.StatusBadRequest, zonegis.EINVALID, "limit")
}
