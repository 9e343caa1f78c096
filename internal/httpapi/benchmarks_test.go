package httpapi_test

import (
	"flag"
	"fmt"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/geojsontest"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/metrics"
	"github.com/zonegis/zonegis/internal/zonegis"
)

var benchGrid = flag.Int("httpapi.grid", 200, "side of the benchmark grid of parcels (200: 40,000 parcels)")

// benchServer is the API over an index of a -httpapi.grid × -httpapi.grid
// grid of 13-vertex parcels (0.001° cells; 200 × 200 by default) in one
// zone, no database; -httpapi.grid=1000 makes it a million parcels, an
// index far larger than the CPU's caches.
func benchServer(b testing.TB) (http.Handler, orb.Bound) {
	b.Helper()
	const cell = 0.001
	n := *benchGrid
	fn := float64(n)
	x0, y0 := 106.5, 10.5
	zone := &zonegis.Zone{ID: 1, Code: "KCN-BENCH", NameVI: "Khu công nghiệp thử", NameEN: "Bench", Kind: "industrial_park",
		Province: "Thành phố Hồ Chí Minh", Status: "operating", Model: "conventional", Sectors: []string{},
		Boundary: orb.MultiPolygon{{{{x0, y0}, {x0 + fn*cell, y0}, {x0 + fn*cell, y0 + fn*cell}, {x0, y0 + fn*cell}, {x0, y0}}}}, Version: 1}
	ps := make([]*zonegis.Parcel, 0, n*n)
	for i := range n * n {
		cx, cy := x0+float64(i%n)*cell+cell/2, y0+float64(i/n)*cell+cell/2
		ring := make(orb.Ring, 13)
		for k := range 12 {
			a := float64(k) * math.Pi / 6
			ring[k] = orb.Point{cx + 0.4*cell*math.Cos(a), cy + 0.4*cell*math.Sin(a)}
		}
		ring[12] = ring[0]
		p := &zonegis.Parcel{ID: int64(i + 1), ZoneID: 1, LotCode: fmt.Sprintf("L%05d", i), LandUse: "industrial",
			Status: "available", AreaM2: 10000, Boundary: orb.MultiPolygon{{ring}}, Version: 1, UpdatedAt: time.Unix(1.7e9, 0)}
		ps = append(ps, p)
	}
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{zone}, ps, nil)
	// Timed by the metrics, as `zonegis serve` is; the first request
	// resolves their label sets, once, outside the benchmark's loop.
	h := httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{}), Metrics: metrics.New(metrics.Options{})})
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/healthz", nil))
	return h, zone.Boundary.Bound()
}

func benchGet(b *testing.B, h http.Handler, url func(*rand.Rand) string) {
	rng := rand.New(rand.NewPCG(1, 1))
	b.ReportAllocs()
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, url(rng), nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
		size = rec.Body.Len()
	}
	b.SetBytes(int64(size))
}

// BenchmarkItemsBBox: a bbox page of about 64 parcels.
func BenchmarkItemsBBox(b *testing.B) {
	h, bd := benchServer(b)
	benchGet(b, h, func(r *rand.Rand) string {
		x := bd.Min[0] + r.Float64()*(bd.Max[0]-bd.Min[0]-0.008)
		y := bd.Min[1] + r.Float64()*(bd.Max[1]-bd.Min[1]-0.008)
		return fmt.Sprintf("/collections/parcels/items?bbox=%f,%f,%f,%f&limit=100", x, y, x+0.008, y+0.008)
	})
}

// BenchmarkQueryAt: the zone, parcel and green areas under a point.
func BenchmarkQueryAt(b *testing.B) {
	h, bd := benchServer(b)
	benchGet(b, h, func(r *rand.Rand) string {
		return fmt.Sprintf("/query/at?lon=%f&lat=%f", bd.Min[0]+r.Float64()*(bd.Max[0]-bd.Min[0]), bd.Min[1]+r.Float64()*(bd.Max[1]-bd.Min[1]))
	})
}

// BenchmarkStatic is the floor: the same middleware-free recorder path
// serving a fixed body, for scale.
func BenchmarkStatic(b *testing.B) {
	body := make([]byte, 40000)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write(body) }) //nolint:errcheck // benchmark
	benchGet(b, h, func(*rand.Rand) string { return "/" })
}

// worstIntersects are the worst bodies for POST /query/intersects that fit
// the vertex and body caps, over benchServer's 40,000 parcels: combs of
// 99,999 vertices whose teeth run over every parcel, along an axis and on
// the diagonal (long edges side by side), and a coarser comb that is
// answered in full.
var worstIntersects = []struct {
	name string
	body string
}{
	{"comb", geojsontest.Comb(106.5, 10.5, 106.7, 10.7, 24999, 0)},
	{"comb-diagonal", geojsontest.Comb(106.52, 10.52, 106.68, 10.68, 24999, 45)},
	{"comb-answered", geojsontest.Comb(106.5, 10.5, 106.52, 10.52, 500, 0)},
}

// BenchmarkIntersectsWorst: each worst body end to end (decoding, the
// self-crossing check, preparing, the candidates), answered or refused
// with 413 when over the work budget.
func BenchmarkIntersectsWorst(b *testing.B) {
	h, _ := benchServer(b)
	for _, w := range worstIntersects {
		b.Run(w.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(w.body)))
			code := 0
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/query/intersects", strings.NewReader(w.body)))
				code = rec.Code
				if code != http.StatusOK && code != http.StatusRequestEntityTooLarge {
					b.Fatalf("%d %s", rec.Code, rec.Body)
				}
			}
			b.ReportMetric(float64(code), "status")
		})
	}
}
