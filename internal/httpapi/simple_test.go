package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/index"
)

func TestCrossing(t *testing.T) {
	square := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	for _, c := range []struct {
		name string
		mp   orb.MultiPolygon
		bad  bool
		at   orb.Point
	}{
		{"square", orb.MultiPolygon{{square}}, false, orb.Point{}},
		{"bow-tie", orb.MultiPolygon{{{{0, 0}, {1, 1}, {1, 0}, {0, 1}, {0, 0}}}}, true, orb.Point{0.5, 0.5}},
		{"hole inside", orb.MultiPolygon{{square, {{0.2, 0.2}, {0.2, 0.8}, {0.8, 0.8}, {0.2, 0.2}}}}, false, orb.Point{}},
		{"hole through the shell", orb.MultiPolygon{{square, {{0.5, 0.5}, {0.5, 1.5}, {0.8, 1.5}, {0.5, 0.5}}}}, true, orb.Point{0.5, 1}},
		{"hole touching the shell at a point", orb.MultiPolygon{{square, {{0.5, 0}, {0.8, 0.5}, {0.2, 0.5}, {0.5, 0}}}}, false, orb.Point{}},
		{"spike back along an edge", orb.MultiPolygon{{{{0, 0}, {2, 0}, {1, 0}, {1, 1}, {0, 0}}}}, true, orb.Point{}},
		{"two separate squares", orb.MultiPolygon{{square}, {{{2, 2}, {3, 2}, {3, 3}, {2, 2}}}}, false, orb.Point{}},
		{"concave L", orb.MultiPolygon{{{{0, 0}, {2, 0}, {2, 1}, {1, 1}, {1, 2}, {0, 2}, {0, 0}}}}, false, orb.Point{}},
	} {
		_, p, bad := crossing(c.mp)
		if bad != c.bad {
			t.Errorf("%s: crossing = %v at %v, want %v", c.name, bad, p, c.bad)
		}
		if bad && c.at != (orb.Point{}) && p != c.at {
			t.Errorf("%s: at %v, want %v", c.name, p, c.at)
		}
	}
}

func TestIntersectsRefusesCrossedPolygon(t *testing.T) {
	s := New(Options{Index: index.New()})
	body := `{"type":"Polygon","coordinates":[[[106.70,10.75],[106.71,10.76],[106.71,10.75],[106.70,10.76],[106.70,10.75]]]}`
	rec := httptest.NewRecorder()
	s.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/query/intersects", strings.NewReader(body)))
	if rec.Code != http.StatusBadRequest || rec.Header().Get("Content-Type") != "application/problem+json" ||
		!strings.Contains(rec.Body.String(), "edges cross at [106.7050000, 10.7550000]") {
		t.Fatalf("%d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
}
