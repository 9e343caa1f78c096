package registry_test

import (
	"context"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// memStore keeps the land records in maps and applies an update's change
// to a copy of the record as it is, as the database does under its row
// lock: the handler logic is tested here without PostGIS (the API's tests
// in internal/httpapi run the same writes against it).
type memStore struct {
	seq     int64
	zones   map[int64]zonegis.Zone
	parcels map[int64]zonegis.Parcel
	greens  map[int64]zonegis.GreenArea
	calls   []string
}

func newMemStore() *memStore {
	return &memStore{zones: map[int64]zonegis.Zone{}, parcels: map[int64]zonegis.Parcel{}, greens: map[int64]zonegis.GreenArea{}}
}

// memCreate stores t under the next id with version 1.
func memCreate[T any](s *memStore, m map[int64]T, t *T, set func(*T, int64, int64)) (int64, error) {
	id := int64(len(m) + 1)
	set(t, id, 1)
	m[id] = *t
	s.seq++
	return s.seq, nil
}

// memUpdate applies change to a copy of record id, checking ifVersion, and
// stores the result with the next version.
func memUpdate[T any](s *memStore, m map[int64]T, id, ifVersion int64, change func(*T) error, version func(*T) int64, set func(*T, int64, int64)) (*T, int64, error) {
	cur, ok := m[id]
	if !ok {
		return nil, 0, zonegis.Errorf(zonegis.ENOTFOUND, "no feature %d", id)
	}
	v := version(&cur)
	if ifVersion != 0 && ifVersion != v {
		return nil, 0, zonegis.Errorf(zonegis.EPRECONDITION, "version %d, not %d", v, ifVersion)
	}
	if err := change(&cur); err != nil {
		return nil, 0, err
	}
	set(&cur, id, v+1)
	m[id] = cur
	s.seq++
	return &cur, s.seq, nil
}

func setZone(z *zonegis.Zone, id, v int64)       { z.ID, z.Version = id, v }
func setGreen(g *zonegis.GreenArea, id, v int64) { g.ID, g.Version = id, v }
func zoneVersion(z *zonegis.Zone) int64          { return z.Version }
func greenVersion(g *zonegis.GreenArea) int64    { return g.Version }
func parcelVersion(p *zonegis.Parcel) int64      { return p.Version }
func setParcel(p *zonegis.Parcel, id, v int64)   { p.ID, p.Version = id, v }

func (s *memStore) CreateZone(_ context.Context, _ zonegis.Actor, z *zonegis.Zone) (int64, error) {
	s.calls = append(s.calls, "create zone")
	return memCreate(s, s.zones, z, setZone)
}

func (s *memStore) UpdateZone(_ context.Context, _ zonegis.Actor, id, ifVersion int64, change func(*zonegis.Zone) error) (*zonegis.Zone, int64, error) {
	s.calls = append(s.calls, "update zone")
	return memUpdate(s, s.zones, id, ifVersion, change, zoneVersion, setZone)
}

func (s *memStore) CreateParcel(_ context.Context, _ zonegis.Actor, p *zonegis.Parcel) (int64, error) {
	s.calls = append(s.calls, "create parcel")
	return memCreate(s, s.parcels, p, setParcel)
}

// UpdateParcel keeps the status, as the database derives it from leases.
func (s *memStore) UpdateParcel(_ context.Context, _ zonegis.Actor, id, ifVersion int64, change func(*zonegis.Parcel) error) (*zonegis.Parcel, int64, error) {
	s.calls = append(s.calls, "update parcel")
	status := s.parcels[id].Status
	return memUpdate(s, s.parcels, id, ifVersion, change, parcelVersion, func(p *zonegis.Parcel, id, v int64) {
		setParcel(p, id, v)
		p.Status = status
	})
}

func (s *memStore) CreateGreenArea(_ context.Context, _ zonegis.Actor, g *zonegis.GreenArea) (int64, error) {
	s.calls = append(s.calls, "create green")
	return memCreate(s, s.greens, g, setGreen)
}

func (s *memStore) UpdateGreenArea(_ context.Context, _ zonegis.Actor, id, ifVersion int64, change func(*zonegis.GreenArea) error) (*zonegis.GreenArea, int64, error) {
	s.calls = append(s.calls, "update green")
	return memUpdate(s, s.greens, id, ifVersion, change, greenVersion, setGreen)
}

func (s *memStore) Delete(_ context.Context, _ zonegis.Actor, collection string, id, _ int64) (int64, error) {
	s.calls = append(s.calls, "delete "+collection)
	s.seq++
	return s.seq, nil
}

const polygon = `{"type":"Polygon","coordinates":[[[106.7,10.7],[106.71,10.7],[106.71,10.71],[106.7,10.7]]]}`

func feature(geometry, props string) []byte {
	return []byte(`{"type":"Feature","geometry":` + geometry + `,"properties":` + props + `}`)
}

const zoneProps = `{"code":"kcx-1","name_vi":"Khu chế xuất","name_en":"EPZ","kind":"industrial_park","province":"HCM",` +
	`"parent_id":9,"board_id":"hepza","enterprises":12,"workers":3400,"established":"2001-05-01"}`

// wantInvalid fails unless err is EINVALID with a message containing want.
func wantInvalid(t *testing.T, what string, err error, want string) {
	t.Helper()
	if zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.Contains(zonegis.ErrorMessage(err), want) {
		t.Errorf("%s: %v, want EINVALID with %q", what, err, want)
	}
}

func TestFeaturesCreateAndPatch(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	f := registry.Features{Store: st}
	w, err := f.Create(ctx, zonegis.System, zonegis.CollectionZones, feature(polygon, zoneProps))
	if err != nil {
		t.Fatal(err)
	}
	z := w.Record.(*zonegis.Zone)
	if w.ID != 1 || w.Version != 1 || w.Seq != 1 || z.Code != "KCX-1" || z.Status != zonegis.ZoneOperating || len(z.Boundary) != 1 {
		t.Fatalf("created %+v: %+v", w, z)
	}
	if b := string(w.AppendGeoJSON(nil)); !strings.Contains(b, `"code":"KCX-1"`) || !strings.HasPrefix(b, `{"type":"Feature"`) {
		t.Errorf("encoded: %s", b)
	}

	// A PATCH without geometry merges: what it names changes, null clears
	// an optional property, the rest (geometry included) stays.
	w, err = f.Update(ctx, zonegis.System, zonegis.CollectionZones, 1, 1, feature("null", `{"name_en":"Export zone","parent_id":null,"workers":null}`), true)
	if err != nil {
		t.Fatal(err)
	}
	z = w.Record.(*zonegis.Zone)
	if z.NameEN != "Export zone" || z.NameVI != "Khu chế xuất" || z.ParentID != nil || z.Workers != nil || z.Enterprises == nil || *z.Enterprises != 12 ||
		z.BoardID != "hepza" || z.Established == nil || len(z.Boundary) != 1 || w.Version != 2 {
		t.Fatalf("patched: %+v", z)
	}
	w, err = f.Update(ctx, zonegis.System, zonegis.CollectionZones, 1, 0, feature("null", `{"established":null,"enterprises":null}`), true)
	if z = w.Record.(*zonegis.Zone); err != nil || z.BoardID != "hepza" || z.Established != nil || z.Enterprises != nil {
		t.Fatalf("nulls: %v, %+v", err, z)
	}
	// Every zone is kept by a board: board_id cannot be nulled.
	_, err = f.Update(ctx, zonegis.System, zonegis.CollectionZones, 1, 0, feature("null", `{"board_id":null}`), true)
	wantInvalid(t, "board_id null", err, "board_id cannot be null")

	// A replace (PUT) overwrites: what it does not name is gone.
	w, err = f.Update(ctx, zonegis.System, zonegis.CollectionZones, 1, 0, feature(polygon, `{"code":"KCX-1","name_vi":"A","name_en":"B","kind":"industrial_park","board_id":"hepza","province":"HCM"}`), false)
	if z = w.Record.(*zonegis.Zone); err != nil || z.Workers != nil || z.ID != 1 || z.NameVI != "A" {
		t.Fatalf("replace: %v, %+v", err, z)
	}

	// A stale If-Match is the store's answer, passed through.
	if _, err := f.Update(ctx, zonegis.System, zonegis.CollectionZones, 1, 1, feature("null", `{"name_en":"C"}`), true); zonegis.ErrorCode(err) != zonegis.EPRECONDITION {
		t.Errorf("stale version: %v", err)
	}
}

func TestFeaturesRefusals(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	f := registry.Features{Store: st}
	if _, err := f.Create(ctx, zonegis.System, zonegis.CollectionZones, feature(polygon, zoneProps)); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Create(ctx, zonegis.System, zonegis.CollectionGreenAreas, feature(polygon, `{"zone_id":1,"kind":"park","name":"Công viên"}`)); err != nil {
		t.Fatal(err)
	}
	st.calls = nil
	for _, c := range []struct {
		what, coll string
		id         int64
		body       string
		patch      bool
		want       string
	}{
		{"body id", zonegis.CollectionZones, 1, `{"type":"Feature","id":2,"geometry":null,"properties":{}}`, true,
			"id: the body is feature 2 but the URL names feature 1; they must agree (or leave id out)"},
		{"body id as a string", zonegis.CollectionZones, 1, `{"type":"Feature","id":"7","geometry":` + polygon + `,"properties":{}}`, false,
			"the body is feature 7 but the URL names feature 1"},
		{"body id neither", zonegis.CollectionZones, 1, `{"type":"Feature","id":true,"geometry":null,"properties":{}}`, true,
			"id: want the feature's id, a number or a string, got true"},
		{"a required property nulled", zonegis.CollectionZones, 1, string(feature("null", `{"code":null}`)), true,
			"properties: code cannot be null; it is required"},
		{"a parcel's required property nulled", zonegis.CollectionParcels, 1, string(feature("null", `{"lot_code":null}`)), true,
			"properties: lot_code cannot be null; it is required"},
		{"a green area's name nulled", zonegis.CollectionGreenAreas, 1, string(feature("null", `{"name":null}`)), true,
			"properties: name cannot be null; it is required"},
		{"properties not an object", zonegis.CollectionZones, 1, string(feature("null", `[1]`)), true,
			"properties: want a JSON object"},
		{"an unknown property", zonegis.CollectionGreenAreas, 1, string(feature("null", `{"owner":"x"}`)), true,
			`"owner"`},
		{"geometry required", zonegis.CollectionZones, 0, string(feature("null", zoneProps)), false,
			"geometry: a Polygon or MultiPolygon is required"},
		{"a new parcel's status", zonegis.CollectionParcels, 0, string(feature(polygon, `{"zone_id":1,"lot_code":"A1","land_use":"industrial","status":"leased"}`)), false,
			"status: a new parcel is available"},
		{"a green area's validation", zonegis.CollectionGreenAreas, 1, string(feature("null", `{"kind":"lawn"}`)), true,
			`kind "lawn" is not one of`},
	} {
		_, err := f.Update(ctx, zonegis.System, c.coll, c.id, 0, []byte(c.body), c.patch)
		wantInvalid(t, c.what, err, c.want)
	}
	// Nothing refused before the row lock reached the store; those refused
	// under it (the validations) wrote nothing.
	for _, call := range st.calls {
		if !strings.HasPrefix(call, "update") {
			t.Errorf("store call %q for a refused write", call)
		}
	}
	if st.zones[1].Version != 1 || st.greens[1].Version != 1 || len(st.parcels) != 0 {
		t.Errorf("a refused write was stored: %+v %+v %+v", st.zones[1], st.greens[1], st.parcels)
	}
	if _, err := f.Create(ctx, zonegis.System, "leases", feature(polygon, `{}`)); err != registry.ErrNoSuchCollection {
		t.Errorf("unknown collection: %v", err)
	}
	if _, err := f.Delete(ctx, zonegis.System, "roads", 1, 0); err != registry.ErrNoSuchCollection {
		t.Errorf("delete of an unknown collection: %v", err)
	}
	if seq, err := f.Delete(ctx, zonegis.System, zonegis.CollectionGreenAreas, 1, 0); err != nil || seq == 0 || st.calls[len(st.calls)-1] != "delete green-areas" {
		t.Errorf("delete: seq %d, %v, calls %v", seq, err, st.calls)
	}
}

// TestFeaturesParcelStatus: a write may repeat a parcel's status as it
// read it, never set it; the status is what the leases make it (the
// store's), whatever a replace leaves out.
func TestFeaturesParcelStatus(t *testing.T) {
	ctx := context.Background()
	st := newMemStore()
	f := registry.Features{Store: st}
	w, err := f.Create(ctx, zonegis.System, zonegis.CollectionParcels, feature(polygon, `{"zone_id":1,"lot_code":" A1 ","land_use":"industrial","status":"available"}`))
	if err != nil {
		t.Fatal(err)
	}
	if p := w.Record.(*zonegis.Parcel); p.Status != zonegis.ParcelAvailable || p.LotCode != "A1" {
		t.Fatalf("created %+v", p)
	}
	p := st.parcels[1]
	p.Status = zonegis.ParcelLeased // a lease started
	st.parcels[1] = p

	_, err = f.Update(ctx, zonegis.System, zonegis.CollectionParcels, 1, 0, feature("null", `{"status":"available"}`), true)
	wantInvalid(t, "patching the status", err, "status: a parcel's status follows from its leases and reservation; it is leased, not available (use reserve, release, lease and end-lease)")
	if st.parcels[1].Version != 1 {
		t.Fatalf("the refused patch was stored: %+v", st.parcels[1])
	}
	w, err = f.Update(ctx, zonegis.System, zonegis.CollectionParcels, 1, 1, feature(polygon, `{"zone_id":1,"lot_code":"A2","land_use":"logistics","status":" leased "}`), false)
	if err != nil {
		t.Fatal(err)
	}
	if p := w.Record.(*zonegis.Parcel); p.Status != zonegis.ParcelLeased || p.LotCode != "A2" || p.LandUse != "logistics" || w.Version != 2 {
		t.Fatalf("replace repeating the status: %+v", p)
	}
	w, err = f.Update(ctx, zonegis.System, zonegis.CollectionParcels, 1, 0, feature(polygon, `{"zone_id":1,"lot_code":"A3","land_use":"logistics"}`), false)
	if err != nil || w.Record.(*zonegis.Parcel).Status != zonegis.ParcelLeased {
		t.Fatalf("replace without a status: %v, %+v", err, w.Record)
	}
}
