package httpapi_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// attrsOf reads a feature's attributes property as a JSON object.
func attrsOf(t *testing.T, what string, f feature) map[string]any {
	t.Helper()
	a, ok := f.Properties["attributes"].(map[string]any)
	if !ok {
		t.Fatalf("%s: attributes %v (%T); want an object", what, f.Properties["attributes"], f.Properties["attributes"])
	}
	return a
}

func wantAttrs(t *testing.T, what string, got, want map[string]any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s: attributes %v; want %v", what, got, want)
	}
}

// TestAttributesRoundTrip: a parcel's source attributes, Vietnamese text
// included, come back as posted from POST, GET, the database, the items
// page and every export; a PATCH merges them (RFC 7396: null deletes a
// key, unnamed keys stay, "attributes": null clears), a PUT replaces them,
// the audit trail records them, and bad ones are refused naming the
// attribute.
func TestAttributesRoundTrip(t *testing.T) {
	e := newWriteEnv(t)
	attrs := map[string]any{"DIA_CHI": "Lô A-12, Đường số 3, P. Tân Thuận Đông, Q. 7", "MDSD": "SKC",
		"GIA_TRI": 12500000.5, "HOP_LE": true, "GHI_CHU": nil, "Tờ": "12", "quote\"d": "a\\b"}
	doc := e.parcelDoc("ATTR-1", polygon(zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002))
	doc["properties"].(map[string]any)["attributes"] = attrs
	r := e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, doc)
	want(t, r, http.StatusCreated, "create")
	created := decodeFeature(t, r)
	wantAttrs(t, "POST answer", attrsOf(t, "POST", created), attrs)
	id := created.ID
	r = e.get(t, "parcels", id)
	want(t, r, http.StatusOK, "get")
	wantAttrs(t, "GET", attrsOf(t, "GET", decodeFeature(t, r)), attrs)
	if !bytes.Equal(compactJSON(t, created.rawProps(t)), compactJSON(t, decodeFeature(t, r).rawProps(t))) {
		t.Errorf("POST answered %s, GET %s: the same record", created.rawProps(t), decodeFeature(t, r).rawProps(t))
	}
	var stored []byte
	e.scalar(t, `SELECT attributes FROM parcels WHERE id = $1`, []any{id}, &stored)
	var fromDB map[string]any
	if err := json.Unmarshal(stored, &fromDB); err != nil || !reflect.DeepEqual(fromDB, attrs) {
		t.Errorf("database holds %s (%v); want %v", stored, err, attrs)
	}
	var fc featureCollection
	e.getJSON(t, "/collections/parcels/items?"+url.Values{"attributes.DIA_CHI": {attrs["DIA_CHI"].(string)}}.Encode(), &fc)
	if len(fc.Features) != 1 || fc.Features[0].ID != id {
		t.Fatalf("items?attributes.DIA_CHI=…: %v; want [%d]", fc.ids(), id)
	}
	wantAttrs(t, "items page", attrsOf(t, "items", fc.Features[0]), attrs)

	// Exports: GeoJSON keeps the object, CSV and FlatGeobuf its JSON text.
	r = e.do(t, http.MethodGet, "/collections/parcels/export?f=geojson&attributes.MDSD=SKC", nil, nil)
	want(t, r, http.StatusOK, "export geojson")
	var ex featureCollection
	if err := json.Unmarshal(r.body, &ex); err != nil || len(ex.Features) != 1 {
		t.Fatalf("export geojson: %v, %d features; body %.300s", err, len(ex.Features), r.body)
	}
	wantAttrs(t, "GeoJSON export", attrsOf(t, "export", ex.Features[0]), attrs)
	r = e.do(t, http.MethodGet, "/collections/parcels/export?f=csv&attributes.MDSD=SKC", nil, nil)
	want(t, r, http.StatusOK, "export csv")
	rows, err := csv.NewReader(bytes.NewReader(r.body)).ReadAll()
	if err != nil || len(rows) != 2 {
		t.Fatalf("export csv: %v, %d rows", err, len(rows))
	}
	col := slices.Index(rows[0], "attributes")
	var fromCSV map[string]any
	if col < 0 || json.Unmarshal([]byte(rows[1][col]), &fromCSV) != nil || !reflect.DeepEqual(fromCSV, attrs) {
		t.Errorf("CSV attributes column %d: %q; want %v", col, rows[1][max(col, 0)], attrs)
	}

	// PATCH merges; null deletes.
	r = e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", id), e.planner,
		map[string]any{"type": "Feature", "properties": map[string]any{"attributes": map[string]any{"MDSD": "TMD", "HOP_LE": nil, "MỚI": "Khu công nghiệp Hiệp Phước"}}})
	want(t, r, http.StatusOK, "patch attributes")
	merged := map[string]any{}
	for k, v := range attrs {
		merged[k] = v
	}
	merged["MDSD"], merged["MỚI"] = "TMD", "Khu công nghiệp Hiệp Phước"
	delete(merged, "HOP_LE")
	wantAttrs(t, "PATCH answer", attrsOf(t, "PATCH", decodeFeature(t, r)), merged)
	wantAttrs(t, "GET after PATCH", attrsOf(t, "GET", decodeFeature(t, e.get(t, "parcels", id))), merged)
	// A PATCH without attributes keeps them.
	r = e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", id), e.planner,
		map[string]any{"type": "Feature", "properties": map[string]any{"lot_code": "ATTR-1B"}})
	want(t, r, http.StatusOK, "patch lot code")
	wantAttrs(t, "PATCH of another property", attrsOf(t, "PATCH", decodeFeature(t, r)), merged)
	// The audit trail's after image has them.
	var audited []byte
	e.scalar(t, `SELECT after->'attributes' FROM audit_log WHERE item_id = $1 AND collection = 'parcels' ORDER BY id DESC LIMIT 1`, []any{id}, &audited)
	var fromAudit map[string]any
	if json.Unmarshal(audited, &fromAudit) != nil || !reflect.DeepEqual(fromAudit, merged) {
		t.Errorf("audit after image: attributes %s; want %v", audited, merged)
	}
	// The index followed: the old value no longer matches, the new one does.
	e.getJSON(t, "/collections/parcels/items?attributes.MDSD=SKC", &fc)
	if len(fc.Features) != 0 {
		t.Errorf("items?attributes.MDSD=SKC after the PATCH: %v; want none", fc.ids())
	}
	e.getJSON(t, "/collections/parcels/items?attributes.MDSD=TMD", &fc)
	if !slices.Equal(fc.ids(), []int64{id}) {
		t.Errorf("items?attributes.MDSD=TMD after the PATCH: %v; want [%d]", fc.ids(), id)
	}
	// "attributes": null clears them all.
	r = e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", id), e.planner,
		map[string]any{"type": "Feature", "properties": map[string]any{"attributes": nil}})
	want(t, r, http.StatusOK, "patch attributes null")
	wantAttrs(t, "PATCH attributes null", attrsOf(t, "PATCH", decodeFeature(t, r)), map[string]any{})
	var isNull bool
	e.scalar(t, `SELECT attributes IS NULL FROM parcels WHERE id = $1`, []any{id}, &isNull)
	if !isNull {
		t.Error(`after "attributes": null the column is not NULL`)
	}
	// PUT replaces.
	put := e.parcelDoc("ATTR-1", polygon(zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002))
	put["properties"].(map[string]any)["attributes"] = map[string]any{"SO_THUA": 45.0}
	r = e.send(t, http.MethodPut, fmt.Sprintf("/collections/parcels/items/%d", id), e.planner, put)
	want(t, r, http.StatusOK, "put")
	wantAttrs(t, "PUT", attrsOf(t, "PUT", decodeFeature(t, r)), map[string]any{"SO_THUA": 45.0})

	// Zones and green areas carry them too.
	green := map[string]any{"type": "Feature", "geometry": polygon(zx0+0.005, zy0+0.005, zx0+0.006, zy0+0.006),
		"properties": map[string]any{"zone_id": e.zone.ID, "kind": "park", "name": "Công viên", "attributes": map[string]any{"LOAI_CAY": "Sao đen"}}}
	r = e.send(t, http.MethodPost, "/collections/green-areas/items", e.planner, green)
	want(t, r, http.StatusCreated, "create green area")
	wantAttrs(t, "green area", attrsOf(t, "green", decodeFeature(t, e.get(t, "green-areas", decodeFeature(t, r).ID))), map[string]any{"LOAI_CAY": "Sao đen"})
	r = e.send(t, http.MethodPatch, fmt.Sprintf("/collections/zones/items/%d", e.zone.ID), e.planner,
		map[string]any{"type": "Feature", "properties": map[string]any{"attributes": map[string]any{"QUYET_DINH": "số 1234/QĐ-TTg"}}})
	want(t, r, http.StatusOK, "patch zone")
	wantAttrs(t, "zone", attrsOf(t, "zone", decodeFeature(t, e.get(t, "zones", e.zone.ID))), map[string]any{"QUYET_DINH": "số 1234/QĐ-TTg"})

	// Bad attributes: 400 naming the attribute; nothing written.
	for _, c := range []struct {
		attrs any
		field string
	}{
		{map[string]any{"MDSD": map[string]any{"a": 1}}, "properties.attributes.MDSD"},
		{[]any{"SKC"}, "properties.attributes"},
		{"SKC", "properties.attributes"},
		{map[string]any{"": 1}, "properties.attributes"},
		{map[string]any{"DIA_CHI": strings.Repeat("đ", 9000)}, "properties.attributes"},
	} {
		doc := e.parcelDoc("BAD", polygon(zx0+0.003, zy0+0.003, zx0+0.004, zy0+0.004))
		doc["properties"].(map[string]any)["attributes"] = c.attrs
		p := wantProblem(t, e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, doc), http.StatusBadRequest, "", c.field)
		if f, _ := p.Details["field"].(string); f != c.field {
			t.Errorf("attributes %.40v: details.field %q; want %q", c.attrs, f, c.field)
		}
	}
	wantProblem(t, e.send(t, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", id), e.planner,
		map[string]any{"type": "Feature", "properties": map[string]any{"attributes": map[string]any{"X": []any{1}}}}),
		http.StatusBadRequest, "", "properties.attributes.X")
	if n := e.count(t, "parcels WHERE lot_code = 'BAD'"); n != 0 {
		t.Errorf("%d bad parcels written", n)
	}
}

// rawProps is a feature's properties as JSON, for comparing answers.
func (f feature) rawProps(t *testing.T) []byte {
	t.Helper()
	p := map[string]any{}
	for k, v := range f.Properties {
		if k != "status_until" {
			p[k] = v
		}
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestAttributesFilterOracle: the items filter attributes.KEY=TEXT, over
// the index, keeps exactly the features PostGIS's attributes->>'KEY' =
// TEXT keeps (the same ids, in every collection it applies to), alone and
// ANDed, for strings, Vietnamese text, numbers as jsonb prints them,
// booleans, nulls and missing keys; and its bad forms are 400 naming the
// parameter.
func TestAttributesFilterOracle(t *testing.T) {
	e := newWriteEnv(t)
	ctx := context.Background()
	uses := []any{"SKC", "TMD", "ONT", "Đất ở", nil}
	sheets := []any{"12", 12.0, 12.5, "12.50", true}
	n := 0
	for i := range 8 {
		for j := range 5 {
			attrs := map[string]any{"MDSD": uses[(i+j)%len(uses)], "SHBANDO": sheets[(i*j)%len(sheets)]}
			if (i+j)%3 == 0 {
				delete(attrs, "SHBANDO")
			}
			if (i*7+j)%4 == 0 {
				attrs["GHI_CHU"] = "Thửa " + fmt.Sprint(i)
			}
			x0, y0 := zx0+0.0002+float64(i)*0.0012, zy0+0.0002+float64(j)*0.0019
			doc := e.parcelDoc(fmt.Sprintf("O-%d-%d", i, j), polygon(x0, y0, x0+0.001, y0+0.0015))
			doc["properties"].(map[string]any)["attributes"] = attrs
			if i == 7 && j == 4 {
				delete(doc["properties"].(map[string]any), "attributes") // one with none
			}
			want(t, e.send(t, http.MethodPost, "/collections/parcels/items", e.planner, doc), http.StatusCreated, "create")
			n++
		}
	}
	type filter map[string]string
	for _, f := range []filter{
		{"MDSD": "SKC"}, {"MDSD": "Đất ở"}, {"MDSD": "dat o"}, {"MDSD": ""}, {"MDSD": "null"},
		{"SHBANDO": "12"}, {"SHBANDO": "12.5"}, {"SHBANDO": "12.50"}, {"SHBANDO": "true"}, {"SHBANDO": "12.0"},
		{"MDSD": "SKC", "SHBANDO": "12"}, {"MDSD": "TMD", "GHI_CHU": "Thửa 3"}, {"NO_SUCH": "x"},
		{"GHI_CHU": "Thửa 1", "MDSD": "ONT", "SHBANDO": "12.5"},
	} {
		params := url.Values{}
		where := []string{"true"}
		var args []any
		for k, v := range f {
			params.Set("attributes."+k, v)
			args = append(args, k, v)
			where = append(where, fmt.Sprintf("attributes->>$%d = $%d", len(args)-1, len(args)))
		}
		params.Set("limit", "1000")
		var fc featureCollection
		e.getJSON(t, "/collections/parcels/items?"+params.Encode(), &fc)
		rows, err := e.pool.Query(ctx, `SELECT id FROM parcels WHERE `+strings.Join(where, " AND ")+` ORDER BY id`, args...)
		if err != nil {
			t.Fatal(err)
		}
		var want []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				t.Fatal(err)
			}
			want = append(want, id)
		}
		rows.Close()
		if d := sameIDs(fc.ids(), want); d != "" {
			t.Errorf("items?%s: %s", params.Encode(), d)
		}
		if fc.NumberMatched == nil || *fc.NumberMatched != len(want) {
			t.Errorf("items?%s: numberMatched %v; want %d", params.Encode(), fc.NumberMatched, len(want))
		}
	}
	// The filter is not vacuous here: some match, not all.
	var fc featureCollection
	e.getJSON(t, "/collections/parcels/items?attributes.MDSD=SKC&limit=1000", &fc)
	if len(fc.Features) == 0 || len(fc.Features) >= n {
		t.Fatalf("attributes.MDSD=SKC matched %d of %d", len(fc.Features), n)
	}
	e.getJSON(t, "/collections/zones/items?attributes.MDSD=SKC", &fc)
	if len(fc.Features) != 0 {
		t.Errorf("zones?attributes.MDSD=SKC: %v; want none", fc.ids())
	}
	// Bad forms.
	nine := url.Values{}
	for i := range 9 {
		nine.Set(fmt.Sprintf("attributes.K%d", i), "x")
	}
	for _, c := range []struct{ query, says string }{
		{"attributes.=SKC", `attributes.: name an attribute`},
		{"attributes.MDSD=SKC&attributes.MDSD=TMD", `"attributes.MDSD" given 2 times`},
		{nine.Encode(), "more than the 8 allowed"},
		{"attributes=SKC", `unknown query parameter "attributes"`},
		{"attributes.MDSD=SKC&atributes.X=1", `unknown query parameter "atributes.X"`},
	} {
		for _, path := range []string{"/collections/parcels/items?", "/collections/green-areas/export?"} {
			wantProblem(t, e.do(t, http.MethodGet, path+c.query, nil, nil), http.StatusBadRequest, "", c.says)
		}
	}
}

// TestAttributesImport: an import keeps each feature's attributes, and a
// feature with bad ones is refused with its index and the attribute named.
func TestAttributesImport(t *testing.T) {
	e := newWriteEnv(t)
	good := e.parcelDoc("IM-1", polygon(zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002))
	good["properties"].(map[string]any)["attributes"] = map[string]any{"MDSD": "SKC", "DIA_CHI": "Ấp Bình Hòa, xã Bình Chuẩn"}
	bad := e.parcelDoc("IM-2", polygon(zx0+0.003, zy0+0.003, zx0+0.004, zy0+0.004))
	bad["properties"].(map[string]any)["attributes"] = map[string]any{"TO_THUA": []any{12, 45}}
	r := e.send(t, http.MethodPost, "/collections/parcels/import", e.planner, collectionOf(good, bad))
	p := wantProblem(t, r, http.StatusBadRequest, "", "import refused: 1 feature has a problem")
	raw, _ := json.Marshal(p.Details["problems"])
	var probs []importProblem
	if err := json.Unmarshal(raw, &probs); err != nil || len(probs) != 1 || probs[0].Index != 1 ||
		!strings.Contains(probs[0].Reason, "properties.attributes.TO_THUA") {
		t.Fatalf("problems %s (%v); want feature 1 refused naming properties.attributes.TO_THUA", raw, err)
	}
	r = e.send(t, http.MethodPost, "/collections/parcels/import", e.planner, collectionOf(good))
	want(t, r, http.StatusCreated, "import")
	var fc featureCollection
	e.getJSON(t, "/collections/parcels/items?"+url.Values{"attributes.DIA_CHI": {"Ấp Bình Hòa, xã Bình Chuẩn"}}.Encode(), &fc)
	if len(fc.Features) != 1 {
		t.Fatalf("items?attributes.DIA_CHI=…: %v; want the imported parcel", fc.ids())
	}
	wantAttrs(t, "imported", attrsOf(t, "imported", fc.Features[0]), map[string]any{"MDSD": "SKC", "DIA_CHI": "Ấp Bình Hòa, xã Bình Chuẩn"})
}
