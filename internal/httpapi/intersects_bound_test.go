package httpapi_test

import (
	"context"
	"encoding/json"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/geojsontest"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// gridAPI is the API over an index of one zone and a 60 × 60 grid of
// square parcels (0.002° cells) near Ho Chi Minh City, no database.
func gridAPI(t *testing.T) http.Handler {
	t.Helper()
	const n, cell = 60, 0.002
	x0, y0 := 106.5, 10.5
	zone := &zonegis.Zone{ID: 1, Code: "KCN-GRID", Sectors: []string{},
		Boundary: orb.MultiPolygon{{{{x0, y0}, {x0 + n*cell, y0}, {x0 + n*cell, y0 + n*cell}, {x0, y0 + n*cell}, {x0, y0}}}}, Version: 1}
	var ps []*zonegis.Parcel
	for i := range n * n {
		x, y := x0+float64(i%n)*cell, y0+float64(i/n)*cell
		ps = append(ps, &zonegis.Parcel{ID: int64(i + 1), ZoneID: 1, Status: "available", Version: 1,
			Boundary: orb.MultiPolygon{{{{x, y}, {x + cell, y}, {x + cell, y + cell}, {x, y + cell}, {x, y}}}}})
	}
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{zone}, ps, nil)
	return httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{})})
}

func postIntersects(ctx context.Context, h http.Handler, body string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	req := httptest.NewRequest(http.MethodPost, "/query/intersects", strings.NewReader(body)).WithContext(ctx)
	h.ServeHTTP(rec, req)
	return rec
}

// TestIntersectsWorkBudget: a comb of 99,999 vertices over every parcel
// is refused with 413 and a reason, quickly, whichever way its teeth run;
// a small comb is answered.
func TestIntersectsWorkBudget(t *testing.T) {
	h := gridAPI(t)
	for _, rot := range []float64{0, 45} {
		start := time.Now()
		rec := postIntersects(context.Background(), h, geojsontest.Comb(106.5, 10.5, 106.62, 10.62, 24999, rot))
		took := time.Since(start)
		if rec.Code != http.StatusRequestEntityTooLarge || !strings.Contains(rec.Body.String(), "split it into parts") {
			t.Errorf("comb turned %v°: %d %.300s", rot, rec.Code, rec.Body)
		}
		// Decoding the JSON alone takes ~100 ms here; the work after it is
		// bounded by the budget. Generous for a shared machine.
		if took > 3*time.Second {
			t.Errorf("comb turned %v°: refused after %v", rot, took)
		}
	}
	rec := postIntersects(context.Background(), h, geojsontest.Comb(106.5, 10.5, 106.52, 10.52, 200, 0))
	if rec.Code != http.StatusOK {
		t.Fatalf("small comb: %d %.300s", rec.Code, rec.Body)
	}
}

// TestIntersectsCancelled: the work stops when the request's context is
// done (the client went away) instead of running to the end.
func TestIntersectsCancelled(t *testing.T) {
	h := gridAPI(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	rec := postIntersects(ctx, h, geojsontest.Comb(106.5, 10.5, 106.52, 10.52, 200, 0))
	if rec.Code != http.StatusServiceUnavailable || !strings.Contains(rec.Body.String(), "cancelled") {
		t.Fatalf("cancelled request: %d %.300s", rec.Code, rec.Body)
	}
}

// TestIntersectsAntimeridianAndLargeAreas: a ring crossing ±180° is
// refused with how to split it (RFC 7946 §3.1.9), not matched the 358° way
// round; whole-world and full-width polygons have their real area.
func TestIntersectsAntimeridianAndLargeAreas(t *testing.T) {
	h := gridAPI(t)
	rec := postIntersects(context.Background(), h, `{"type":"Polygon","coordinates":[[[179,10],[-179,10],[-179,11],[179,11],[179,10]]]}`)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "antimeridian") || !strings.Contains(rec.Body.String(), "MultiPolygon") {
		t.Errorf("antimeridian ring: %d %s", rec.Code, rec.Body)
	}
	split := `{"type":"MultiPolygon","coordinates":[[[[179,10],[180,10],[180,11],[179,11],[179,10]]],[[[-180,10],[-179,10],[-179,11],[-180,11],[-180,10]]]]}`
	for _, c := range []struct {
		name, body string
		wantM2     float64
		zones      int
	}{
		{"split at the antimeridian", split, 24218606783.655396, 0}, // PostGIS, the ring the short way (one 2° great circle a side, not two of 1°: 7e-5 apart)
		{"whole world", `{"type":"Polygon","coordinates":[[[-180,-90],[180,-90],[180,90],[-180,90],[-180,-90]]]}`, 5.10065621724e14, 1},
		{"band 0..20", `{"type":"Polygon","coordinates":[[[-180,0],[180,0],[180,20],[-180,20],[-180,0]]]}`, 0, 1},
	} {
		rec := postIntersects(context.Background(), h, c.body)
		var got struct {
			AreaM2 float64 `json:"area_m2"`
			Zones  struct {
				Features []json.RawMessage `json:"features"`
			} `json:"zones"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &got) != nil {
			t.Errorf("%s: %d %.300s", c.name, rec.Code, rec.Body)
			continue
		}
		if c.wantM2 > 0 && math.Abs(got.AreaM2/c.wantM2-1) > 1e-4 {
			t.Errorf("%s: area_m2 %v, want %v", c.name, got.AreaM2, c.wantM2)
		}
		if got.AreaM2 <= 0 {
			t.Errorf("%s: area_m2 %v", c.name, got.AreaM2)
		}
		if len(got.Zones.Features) != c.zones {
			t.Errorf("%s: %d zones, want %d", c.name, len(got.Zones.Features), c.zones)
		}
	}
}
