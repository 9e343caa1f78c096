package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/metrics"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/session"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The write tests each get a database of their own (the shared seeded
// fixture is for read-only tests): one board, one zone of 0.01° × 0.01°
// (about 1.1 km × 1.1 km) near Hồ Chí Minh City, a planner and an admin
// key, and an API instance whose follower runs as in production, so that
// "visible to the next read" is tested for real.

// Test zone bounds, degrees.
const (
	zx0, zy0, zx1, zy1 = 106.70, 10.75, 106.71, 10.76
)

// writeEnv is a private registry with the API over it.
type writeEnv struct {
	*fixture      // pool and url of the first instance; do, scalar, ids
	db            *postgis.DB
	zone          *zonegis.Zone
	planner       string // API keys, in clear
	admin         string
	plannerName   string
	adminName     string
	plannerPrefix string
}

func newWriteEnv(t *testing.T) *writeEnv {
	t.Helper()
	ctx := context.Background()
	db := postgistest.Open(t)
	if err := db.CreateBoard(ctx, zonegis.System, &zonegis.Board{ID: "hepza", NameVI: "Ban Quản lý các Khu chế xuất và công nghiệp TP.HCM",
		NameEN: "HEPZA", Province: "Thành phố Hồ Chí Minh"}); err != nil {
		t.Fatal(err)
	}
	z := &zonegis.Zone{Code: "KCX-W", NameVI: "Khu chế xuất Thử", NameEN: "Test EPZ", Kind: zonegis.KindExportProcessingZone,
		BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional,
		Source: "manual", Boundary: rectMP(zx0, zy0, zx1, zy1)}
	if _, err := db.CreateZone(ctx, zonegis.System, z); err != nil {
		t.Fatal(err)
	}
	e := &writeEnv{db: db, zone: z, plannerName: "Phòng Quy hoạch (planner)", adminName: "Quản trị (admin)"}
	var k *zonegis.Key
	var err error
	if e.planner, k, err = db.CreateKey(ctx, e.plannerName, zonegis.RolePlanner); err != nil {
		t.Fatal(err)
	}
	e.plannerPrefix = k.Prefix
	if e.admin, _, err = db.CreateKey(ctx, e.adminName, zonegis.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	e.fixture = &fixture{pool: db.Pool(), url: startInstance(t, db)}
	return e
}

// startInstance runs what `zonegis serve` runs over db: an index loaded by
// a follower that then follows the change log, and the API with web
// sessions, on a loopback port. It returns the base URL; everything stops when the test ends.
func startInstance(t *testing.T, db *postgis.DB) string {
	t.Helper()
	logger := slog.New(slog.DiscardHandler)
	ix := index.New()
	fl := indexsync.New(db, ix, logger)
	if err := fl.Load(context.Background()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = fl.Run(ctx)
	}()
	// With its metrics, as `zonegis serve` (the disclosure walk reads them).
	sessions := session.New(session.Config{Store: db, Accounts: registry.Accounts{Store: db, Params: registry.TestPasswordParams}})
	mx := metrics.New(metrics.Options{Follower: fl, Pools: db})
	api := httpapi.New(httpapi.Options{Index: ix, Store: db, Follower: fl, Logger: logger, Metrics: mx, Sessions: sessions})
	srv := httptest.NewServer(api)
	t.Cleanup(func() {
		srv.Close()
		api.Close()
		cancel()
		<-done
	})
	return srv.URL
}

// send makes a request with an API key ("" for none) and a body: a string
// or []byte as is, anything else as JSON. hdr are extra header pairs.
func (e *writeEnv) send(t *testing.T, method, path, key string, body any, hdr ...string) response {
	t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	case []byte:
		r = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		r = bytes.NewReader(j)
	}
	h := map[string]string{}
	if body != nil {
		h["Content-Type"] = "application/json"
	}
	if key != "" {
		h["Authorization"] = "Bearer " + key
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		h[hdr[i]] = hdr[i+1]
	}
	return e.do(t, method, path, r, h)
}

// want fails the test unless r has status.
func want(t *testing.T, r response, status int, what string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("%s: status %d, want %d; body %.800s", what, r.status, status, r.body)
	}
}

// problem is an error answer (application/problem+json).
type problem struct {
	Status  int            `json:"status"`
	Code    string         `json:"code"`
	Detail  string         `json:"detail"`
	Details map[string]any `json:"details"`
}

// wantProblem checks an error answer's status, code and that its detail
// contains each of parts, and returns it.
func wantProblem(t *testing.T, r response, status int, code string, parts ...string) problem {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %.800s", r.status, status, r.body)
	}
	if ct := r.contentType(); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	var p problem
	if err := json.Unmarshal(r.body, &p); err != nil {
		t.Fatalf("problem: %v; body %.500s", err, r.body)
	}
	if p.Status != status || (code != "" && p.Code != code) {
		t.Fatalf("problem %+v, want status %d code %q", p, status, code)
	}
	for _, s := range parts {
		if !strings.Contains(p.Detail, s) {
			t.Fatalf("detail %q does not contain %q", p.Detail, s)
		}
	}
	return p
}

// decodeFeature reads a Feature answer.
func decodeFeature(t *testing.T, r response) feature {
	t.Helper()
	var f feature
	if err := json.Unmarshal(r.body, &f); err != nil {
		t.Fatalf("feature: %v; body %.500s", err, r.body)
	}
	return f
}

// etag is the ETag header as a version number (a parcel's tag also names
// its status: "3-leased").
func etag(t *testing.T, r response) int64 {
	t.Helper()
	tag := strings.Trim(r.header.Get("ETag"), `"`)
	if i := strings.IndexByte(tag, '-'); i > 0 {
		tag = tag[:i]
	}
	v, err := strconv.ParseInt(tag, 10, 64)
	if err != nil {
		t.Fatalf("ETag %q: %v", r.header.Get("ETag"), err)
	}
	return v
}

// count counts rows of a table (a constant name from the test).
func (e *writeEnv) count(t *testing.T, table string) int {
	t.Helper()
	var n int
	e.scalar(t, "SELECT count(*) FROM "+table, nil, &n)
	return n
}

// rectMP is the lon/lat rectangle as a MultiPolygon.
func rectMP(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// polygon is a GeoJSON Polygon of the rectangle.
func polygon(x0, y0, x1, y1 float64) map[string]any {
	return map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// parcelDoc is a parcel Feature in the test zone.
func (e *writeEnv) parcelDoc(lot string, geom any) map[string]any {
	return map[string]any{"type": "Feature", "geometry": geom,
		"properties": map[string]any{"zone_id": e.zone.ID, "lot_code": lot, "land_use": "industrial"}}
}

// createParcel posts a parcel and returns it.
func (e *writeEnv) createParcel(t *testing.T, lot string, x0, y0, x1, y1 float64) feature {
	t.Helper()
	r := e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, e.parcelDoc(lot, polygon(x0, y0, x1, y1)))
	want(t, r, http.StatusCreated, "create parcel "+lot)
	return decodeFeature(t, r)
}

// get GETs an item (no key) and returns the answer.
func (e *writeEnv) get(t *testing.T, collection string, id int64) response {
	t.Helper()
	return e.do(t, http.MethodGet, fmt.Sprintf("/collections/%s/items/%d", collection, id), nil, nil)
}

// TestWriteItemLifecycle creates, reads, replaces, patches and deletes an
// item of each collection, with If-Match: a stale version is 412 for PUT,
// PATCH and DELETE, the current one succeeds, and every write is visible
// to the GET right after it (no retry).
func TestWriteItemLifecycle(t *testing.T) {
	e := newWriteEnv(t)
	cases := []struct {
		collection             string
		create, replace, patch map[string]any
		prop                   string // a property each write changes
		created, replaced      any
		patched                any
	}{
		{
			collection: "zones",
			create: feat(polygon(106.72, 10.75, 106.73, 10.76), map[string]any{"code": "KCN-NEW", "name_vi": "Khu công nghiệp Mới",
				"name_en": "New IP", "kind": "industrial_park", "province": "Thành phố Hồ Chí Minh", "board_id": "hepza", "enterprises": 12}),
			replace: feat(polygon(106.72, 10.75, 106.735, 10.76), map[string]any{"code": "KCN-NEW", "name_vi": "Khu công nghiệp Mới 2",
				"name_en": "New IP 2", "kind": "industrial_park", "province": "Thành phố Hồ Chí Minh", "board_id": "hepza"}),
			patch:   map[string]any{"type": "Feature", "properties": map[string]any{"name_en": "New IP 3"}},
			prop:    "name_en",
			created: "New IP", replaced: "New IP 2", patched: "New IP 3",
		},
		{
			collection: "parcels",
			create:     e.parcelDoc("L1", polygon(106.701, 10.751, 106.702, 10.752)),
			replace:    e.parcelDoc("L1-R", polygon(106.701, 10.751, 106.7025, 10.752)),
			patch:      map[string]any{"type": "Feature", "properties": map[string]any{"land_use": "warehouse"}},
			prop:       "land_use",
			created:    "industrial", replaced: "industrial", patched: "warehouse",
		},
		{
			collection: "green-areas",
			create: feat(polygon(106.705, 10.755, 106.706, 10.756), map[string]any{"zone_id": e.zone.ID, "kind": "park",
				"name": "Công viên A"}),
			replace: feat(polygon(106.705, 10.755, 106.707, 10.756), map[string]any{"zone_id": e.zone.ID, "kind": "tree_belt",
				"name": "Vành đai cây"}),
			patch:   map[string]any{"type": "Feature", "properties": map[string]any{"name": "Vành đai cây xanh"}},
			prop:    "name",
			created: "Công viên A", replaced: "Vành đai cây", patched: "Vành đai cây xanh",
		},
	}
	for _, c := range cases {
		t.Run(c.collection, func(t *testing.T) {
			items := "/collections/" + c.collection + "/items"
			r := e.send(t, http.MethodPost, items, e.planner, c.create)
			want(t, r, http.StatusCreated, "POST")
			f := decodeFeature(t, r)
			if etag(t, r) != 1 || !strings.HasSuffix(r.header.Get("Location"), fmt.Sprintf("%s/%d", items, f.ID)) {
				t.Fatalf("create: ETag %s Location %s", r.header.Get("ETag"), r.header.Get("Location"))
			}
			item := fmt.Sprintf("%s/%d", items, f.ID)
			g := e.get(t, c.collection, f.ID)
			want(t, g, http.StatusOK, "GET after create")
			if got := decodeFeature(t, g).Properties[c.prop]; got != c.created || etag(t, g) != 1 {
				t.Fatalf("GET after create: %s = %v, ETag %s", c.prop, got, g.header.Get("ETag"))
			}

			// Replace: a stale version is refused and changes nothing.
			wantProblem(t, e.send(t, http.MethodPut, item, e.planner, c.replace, "If-Match", `"7"`),
				http.StatusPreconditionFailed, zonegis.EPRECONDITION, "your version 7, current 1")
			r = e.send(t, http.MethodPut, item, e.planner, c.replace, "If-Match", `"1"`)
			want(t, r, http.StatusOK, "PUT with the current version")
			replacedGeom := decodeFeature(t, r).Geometry
			if etag(t, r) != 2 {
				t.Fatalf("PUT: ETag %s, want \"2\"", r.header.Get("ETag"))
			}
			g = e.get(t, c.collection, f.ID)
			if got := decodeFeature(t, g).Properties[c.prop]; got != c.replaced || etag(t, g) != 2 {
				t.Fatalf("GET after PUT: %s = %v, ETag %s", c.prop, got, g.header.Get("ETag"))
			}

			// Patch: the old ETag is stale now; a weak ETag of the current
			// version is accepted.
			p := wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, c.patch, "If-Match", `"1"`),
				http.StatusPreconditionFailed, zonegis.EPRECONDITION, "your version 1, current 2")
			if p.Details["current_version"] != float64(2) {
				t.Fatalf("412 details %v, want current_version 2", p.Details)
			}
			r = e.send(t, http.MethodPatch, item, e.planner, c.patch, "If-Match", `W/"2"`)
			want(t, r, http.StatusOK, "PATCH with the current version")
			g = e.get(t, c.collection, f.ID)
			got := decodeFeature(t, g)
			if got.Properties[c.prop] != c.patched || etag(t, g) != 3 {
				t.Fatalf("GET after PATCH: %s = %v, ETag %s", c.prop, got.Properties[c.prop], g.header.Get("ETag"))
			}
			if !bytes.Equal(compactJSON(t, got.Geometry), compactJSON(t, replacedGeom)) {
				t.Fatal("PATCH without geometry changed the geometry")
			}

			// Delete.
			wantProblem(t, e.send(t, http.MethodDelete, item, e.planner, nil, "If-Match", `"2"`),
				http.StatusPreconditionFailed, zonegis.EPRECONDITION, "current 3")
			want(t, e.get(t, c.collection, f.ID), http.StatusOK, "GET after a refused DELETE")
			want(t, e.send(t, http.MethodDelete, item, e.planner, nil, "If-Match", `"3"`), http.StatusNoContent, "DELETE")
			wantProblem(t, e.get(t, c.collection, f.ID), http.StatusNotFound, zonegis.ENOTFOUND)
			wantProblem(t, e.send(t, http.MethodDelete, item, e.planner, nil), http.StatusNotFound, zonegis.ENOTFOUND)
		})
	}
}

func feat(geom any, props map[string]any) map[string]any {
	return map[string]any{"type": "Feature", "geometry": geom, "properties": props}
}

func compactJSON(t *testing.T, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := json.Compact(&buf, b); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestWritePatchNullClears checks that null in a PATCH clears a nullable
// property, and that properties left out keep their values.
func TestWritePatchNullClears(t *testing.T) {
	e := newWriteEnv(t)
	r := e.send(t, http.MethodPost, "/collections/zones/items", e.planner, feat(polygon(106.72, 10.75, 106.73, 10.76), map[string]any{
		"code": "KCN-NULL", "name_vi": "Khu công nghiệp Rỗng", "name_en": "Null IP", "kind": "industrial_park",
		"province": "Thành phố Hồ Chí Minh", "board_id": "hepza", "parent_id": e.zone.ID, "established": "2001-05-20",
		"enterprises": 40, "workers": 12000}))
	want(t, r, http.StatusCreated, "create zone")
	id := decodeFeature(t, r).ID
	item := fmt.Sprintf("/collections/zones/items/%d", id)
	r = e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {"enterprises": null, "established": null}}`)
	want(t, r, http.StatusOK, "PATCH nulls")
	props := decodeFeature(t, e.get(t, "zones", id)).Properties
	for _, k := range []string{"enterprises", "established"} {
		if v, ok := props[k]; !ok || v != nil {
			t.Errorf("%s = %v (present %v), want null", k, v, ok)
		}
	}
	if props["workers"] != float64(12000) || props["parent_id"] != float64(e.zone.ID) || props["name_en"] != "Null IP" || props["board_id"] != "hepza" {
		t.Errorf("properties left out of the PATCH changed: %v", props)
	}
	var enterprises *int32
	e.scalar(t, `SELECT enterprises FROM zones WHERE id = $1`, []any{id}, &enterprises)
	if enterprises != nil {
		t.Errorf("database still has enterprises %v", enterprises)
	}
	// A required property cannot be cleared.
	wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {"workers": null, "name_en": ""}}`),
		http.StatusBadRequest, zonegis.EINVALID, "name_en is required")
}

// TestWriteValidationReasons checks that each kind of bad feature is
// refused with a reason a planner can act on, and that nothing is written.
func TestWriteValidationReasons(t *testing.T) {
	e := newWriteEnv(t)
	a := e.createParcel(t, "A", 106.700, 10.750, 106.703, 10.753)
	b := e.createParcel(t, "B", 106.704, 10.750, 106.706, 10.753)
	bowtie := map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{106.705, 10.755}, {106.707, 10.757}, {106.707, 10.755}, {106.705, 10.757}, {106.705, 10.755}}}}
	many := make([][2]float64, 0, featurejson.MaxFeatureVertices+2)
	for i := range featurejson.MaxFeatureVertices + 1 {
		ang := 2 * math.Pi * float64(i) / float64(featurejson.MaxFeatureVertices+1)
		many = append(many, [2]float64{106.705 + 0.001*math.Cos(ang), 10.755 + 0.001*math.Sin(ang)})
	}
	many = append(many, many[0])
	huge := `{"type": "Feature", "properties": {"lot_code": "` + strings.Repeat("x", httpapi.MaxBodyBytes) + `"}}`
	cases := []struct {
		name   string
		body   any
		status int
		code   string
		parts  []string
		check  func(t *testing.T, p problem)
	}{
		{name: "invalid geometry", body: e.parcelDoc("BAD", bowtie), status: 400, code: zonegis.EINVALID,
			parts: []string{"parcel BAD boundary is not valid", "Self-intersection"},
			check: func(t *testing.T, p problem) {
				// The bow tie's edges cross at its centre.
				loc, _ := p.Details["location"].(string)
				var x, y float64
				if _, err := fmt.Sscanf(loc, "POINT(%g %g)", &x, &y); err != nil || math.Abs(x-106.706) > 1e-9 || math.Abs(y-10.756) > 1e-9 {
					t.Errorf("location %q, want POINT(106.706 10.756)", loc)
				}
			}},
		{name: "outside the zone", body: e.parcelDoc("OUT", polygon(106.709, 10.759, 106.712, 10.762)), status: 400, code: zonegis.EINVALID,
			parts: []string{"parcel OUT lies outside zone KCX-W", "m² outside"},
			check: func(t *testing.T, p problem) {
				if loc, _ := p.Details["location"].(string); !strings.HasPrefix(loc, "POINT(") {
					t.Errorf("location %q, want a point of the part outside", loc)
				}
			}},
		{name: "overlap", body: e.parcelDoc("OVER", polygon(106.702, 10.751, 106.705, 10.752)), status: 409, code: zonegis.ECONFLICT,
			parts: []string{"parcel OVER overlaps parcel(s)", fmt.Sprintf("%d, %d", a.ID, b.ID), "in zone KCX-W"},
			check: func(t *testing.T, p problem) {
				if got := fmt.Sprint(p.Details["conflicting_ids"]); got != fmt.Sprintf("[%d %d]", a.ID, b.ID) {
					t.Errorf("conflicting_ids %s, want [%d %d]", got, a.ID, b.ID)
				}
			}},
		{name: "wrong type", body: `{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[106.7065, 10.7565], [106.707, 10.7565], [106.707, 10.757], [106.7065, 10.7565]]]}, "properties": {"zone_id": "KCX-W", "lot_code": "T", "land_use": "industrial"}}`,
			status: 400, code: zonegis.EINVALID, parts: []string{`properties: field "zone_id" must be a number, not a JSON string`}},
		{name: "wrong type of lot_code", body: `{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[106.7065, 10.7565], [106.707, 10.7565], [106.707, 10.757], [106.7065, 10.7565]]]}, "properties": {"lot_code": 7}}`,
			status: 400, code: zonegis.EINVALID, parts: []string{`field "lot_code" must be a string, not a JSON number`}},
		{name: "unknown property", body: feat(polygon(106.7065, 10.7565, 106.707, 10.757), map[string]any{"zone_id": e.zone.ID, "lot_code": "U", "land_use": "industrial", "colour": "red"}),
			status: 400, code: zonegis.EINVALID, parts: []string{`properties: unknown field "colour" (no such property)`}},
		{name: "unknown member", body: `{"type": "Feature", "geometry": null, "properties": {}, "style": {}}`,
			status: 400, code: zonegis.EINVALID, parts: []string{`body: unknown field "style"`}},
		{name: "unknown enum value", body: feat(polygon(106.7065, 10.7565, 106.707, 10.757), map[string]any{"zone_id": e.zone.ID, "lot_code": "E", "land_use": "farm"}),
			status: 400, code: zonegis.EINVALID, parts: []string{`land_use "farm" is not one of industrial, logistics`}},
		{name: "missing properties", body: feat(polygon(106.7065, 10.7565, 106.707, 10.757), map[string]any{}),
			status: 400, code: zonegis.EINVALID, parts: []string{"zone_id is required", "lot_code is required", "land_use is required"}},
		{name: "coordinates out of range", body: e.parcelDoc("FAR", polygon(106.70, 10.75, 186.70, 10.76)), status: 400, code: zonegis.EINVALID,
			parts: []string{"position 1 [186.7, 10.75] is outside lon [-180, 180] / lat [-90, 90]"}},
		{name: "latitude out of range", body: e.parcelDoc("FAR", polygon(106.70, 89.9, 106.71, 90.5)), status: 400, code: zonegis.EINVALID,
			parts: []string{"outside lon [-180, 180] / lat [-90, 90]"}},
		{name: "not a polygon", body: e.parcelDoc("LINE", map[string]any{"type": "LineString", "coordinates": [][2]float64{{106.70, 10.75}, {106.71, 10.76}}}),
			status: 400, code: zonegis.EINVALID, parts: []string{"want a Polygon or MultiPolygon, got LineString"}},
		{name: "ring not closed", body: e.parcelDoc("OPEN", map[string]any{"type": "Polygon", "coordinates": [][][2]float64{{{106.701, 10.755}, {106.702, 10.755}, {106.702, 10.756}, {106.701, 10.756}}}}),
			status: 400, code: zonegis.EINVALID, parts: []string{"ring 0 is not closed"}},
		{name: "too many vertices", body: e.parcelDoc("MANY", map[string]any{"type": "Polygon", "coordinates": [][][2]float64{many}}),
			status: 400, code: zonegis.EINVALID, parts: []string{fmt.Sprintf("%d vertices, more than the %d allowed", len(many), featurejson.MaxFeatureVertices)}},
		{name: "body too large", body: huge, status: 413, code: zonegis.ETOOLARGE,
			parts: []string{fmt.Sprintf("larger than %d bytes", httpapi.MaxBodyBytes)}},
		{name: "not JSON", body: `{"type": "Feature",`, status: 400, code: zonegis.EINVALID, parts: []string{"body:"}},
		{name: "not a feature", body: polygon(106.701, 10.755, 106.702, 10.756), status: 400, code: zonegis.EINVALID,
			parts: []string{`unknown field "coordinates"`}},
	}
	before := e.count(t, "parcels")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := wantProblem(t, e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, c.body), c.status, c.code, c.parts...)
			if c.check != nil {
				c.check(t, p)
			}
		})
	}
	if n := e.count(t, "parcels"); n != before {
		t.Fatalf("%d parcels after the refused writes, want %d", n, before)
	}
	// The same rules hold for a replace: moving A onto B is an overlap.
	r := e.send(t, http.MethodPut, fmt.Sprintf("/collections/parcels/items/%d", a.ID), e.planner, e.parcelDoc("A", polygon(106.700, 10.750, 106.705, 10.753)))
	p := wantProblem(t, r, http.StatusConflict, zonegis.ECONFLICT, "parcel A overlaps parcel(s)")
	if got := fmt.Sprint(p.Details["conflicting_ids"]); got != fmt.Sprintf("[%d]", b.ID) {
		t.Fatalf("conflicting_ids %s, want [%d]", got, b.ID)
	}
}

// TestWriteVisibleOnSecondInstance runs a second instance (its own index,
// follower and API) over the same database and checks that it sees a
// create, a patch and a delete made through the first within 1 s.
func TestWriteVisibleOnSecondInstance(t *testing.T) {
	e := newWriteEnv(t)
	db2, err := postgis.Open(context.Background(), e.db.Pool().Config().ConnString())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db2.Close)
	second := &fixture{pool: db2.Pool(), url: startInstance(t, db2)}

	// seen polls the second instance until check accepts its answer for
	// the parcel, and returns how long that took.
	seen := func(t *testing.T, id int64, check func(r response) bool) time.Duration {
		t.Helper()
		start := time.Now()
		deadline := start.Add(3 * time.Second)
		for {
			r := second.do(t, http.MethodGet, fmt.Sprintf("/collections/parcels/items/%d", id), nil, nil)
			if check(r) {
				return time.Since(start)
			}
			if time.Now().After(deadline) {
				t.Fatalf("the second instance did not see the write within 3 s: status %d body %.300s", r.status, r.body)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	for round := range 3 {
		lot := fmt.Sprintf("S%d", round)
		f := e.createParcel(t, lot, 106.700+0.002*float64(round), 10.750, 106.701+0.002*float64(round), 10.751)
		if d := seen(t, f.ID, func(r response) bool { return r.status == http.StatusOK }); d >= time.Second {
			t.Fatalf("create seen after %v, want < 1 s", d)
		} else {
			t.Logf("create %s seen by the second instance after %v", lot, d)
		}
		r := e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", f.ID), e.planner,
			`{"type": "Feature", "properties": {"land_use": "logistics"}}`)
		want(t, r, http.StatusOK, "PATCH")
		if d := seen(t, f.ID, func(r response) bool {
			return r.status == http.StatusOK && decodeFeature(t, r).Properties["land_use"] == "logistics"
		}); d >= time.Second {
			t.Fatalf("patch seen after %v, want < 1 s", d)
		}
		want(t, e.send(t, http.MethodDelete, fmt.Sprintf("/collections/parcels/items/%d", f.ID), e.planner, nil), http.StatusNoContent, "DELETE")
		if d := seen(t, f.ID, func(r response) bool { return r.status == http.StatusNotFound }); d >= time.Second {
			t.Fatalf("delete seen after %v, want < 1 s", d)
		}
	}
}

// TestWriteStatusFollowsLeasing: a parcel's status is not an editable
// property: it cannot start leased, and edits cannot change it (that is the
// leasing workflow's job), while repeating it is fine. Required properties
// cannot be nulled.
func TestWriteStatusFollowsLeasing(t *testing.T) {
	e := newWriteEnv(t)
	doc := e.parcelDoc("S1", polygon(zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002))
	doc["properties"].(map[string]any)["status"] = "leased"
	wantProblem(t, e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, doc),
		http.StatusBadRequest, zonegis.EINVALID, "a new parcel is available (it has no lease and no reservation)")
	doc["properties"].(map[string]any)["status"] = "reserved"
	wantProblem(t, e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, doc),
		http.StatusBadRequest, zonegis.EINVALID, "then reserve or lease it")
	p := e.createParcel(t, "S1", zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002)
	item := fmt.Sprintf("/collections/parcels/items/%d", p.ID)
	wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {"status": "leased"}}`),
		http.StatusBadRequest, zonegis.EINVALID, "status follows from its leases and reservation; it is available, not leased")
	put := e.parcelDoc("S1", polygon(zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002))
	put["properties"].(map[string]any)["status"] = "reserved"
	wantProblem(t, e.send(t, http.MethodPut, item, e.planner, put), http.StatusBadRequest, zonegis.EINVALID, "it is available, not reserved")
	want(t, e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {"status": "available", "land_use": "logistics"}}`),
		http.StatusOK, "repeating the status")
	wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, `{"type": "Feature", "properties": {"lot_code": null}}`),
		http.StatusBadRequest, zonegis.EINVALID, "lot_code cannot be null")
	// Reserved through the workflow, a PUT that repeats it keeps it.
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", p.ID), e.planner, nil), http.StatusOK, "reserve")
	want(t, e.send(t, http.MethodPut, item, e.planner, put), http.StatusOK, "PUT repeating reserved")
	if got := decodeFeature(t, e.get(t, "parcels", p.ID)).Properties["status"]; got != "reserved" {
		t.Fatalf("status %v after PUT, want reserved", got)
	}
}
