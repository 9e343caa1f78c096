package httpapi_test

import (
	"bytes"
	"fmt"
	"github.com/zonegis/zonegis/internal/httpapi/httpapitest"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// syntheticIndex is an index of one zone holding n square parcels of about
// 50 m, on a grid near Ho Chi Minh City. No database is involved.
func syntheticIndex(n int) *index.Index {
	const side = 0.00045 // degrees, ~50 m
	cols := 1
	for cols*cols < n {
		cols++
	}
	x0, y0 := 106.5, 10.6
	zb := orb.MultiPolygon{{{{x0, y0}, {x0 + float64(cols)*side, y0}, {x0 + float64(cols)*side, y0 + float64(cols)*side}, {x0, y0 + float64(cols)*side}, {x0, y0}}}}
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	zone := &zonegis.Zone{ID: 1, Code: "SYN", NameVI: "Khu công nghiệp Tổng hợp", NameEN: "Synthetic Industrial Park",
		Kind: zonegis.KindIndustrialPark, Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating,
		Model: zonegis.ModelConventional, Sectors: []string{}, Source: "manual", AreaM2: 1e9, Boundary: zb, Version: 1, UpdatedAt: now}
	parcels := make([]*zonegis.Parcel, n)
	for i := range parcels {
		x, y := x0+float64(i%cols)*side, y0+float64(i/cols)*side
		parcels[i] = &zonegis.Parcel{ID: int64(i + 1), ZoneID: 1, LotCode: fmt.Sprintf("L%06d", i+1), LandUse: "industrial",
			Status: zonegis.ParcelStatuses[i%3], Synthetic: true, AreaM2: 2400 + float64(i%100),
			Boundary: orb.MultiPolygon{{{{x, y}, {x + side*0.9, y}, {x + side*0.9, y + side*0.9}, {x, y + side*0.9}, {x, y}}}},
			Version:  1, UpdatedAt: now}
	}
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{zone}, parcels, nil)
	return ix
}

// sampler is a ResponseWriter that drops the body, counts it and, every
// sampleEvery bytes, collects garbage and records the live heap.
type sampler struct {
	header      http.Header
	status      int
	n           int64
	records     int // GeoJSON Text Sequence records (RS bytes) seen
	sampleEvery int64
	next        int64
	peakHeap    uint64
	samples     int
}

func (s *sampler) Header() http.Header  { return s.header }
func (s *sampler) WriteHeader(code int) { s.status = code }
func (s *sampler) Flush()               {}

func (s *sampler) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	s.n += int64(len(b))
	s.records += bytes.Count(b, []byte{0x1e})
	if s.sampleEvery > 0 && s.n >= s.next {
		s.next = s.n + s.sampleEvery
		s.peakHeap = max(s.peakHeap, liveHeap())
		s.samples++
	}
	return len(b), nil
}

// liveHeap is the heap in use after a full collection, in bytes.
func liveHeap() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestExportConstantMemory streams 200,000 parcels from an in-memory index
// through the HTTP handler, in every format and gzipped, and checks that
// the live heap, sampled 20 times along the output, never grows by more
// than 1 MiB: nothing is gathered or buffered whole. It also reports the throughput of an unsampled run.
// FlatGeobuf is written to its file by the same Writer (export.Files) and
// then sent from the file, sampled as it is sent.
func TestExportConstantMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 200,000 parcels several times")
	}
	const n = 200_000
	ix := syntheticIndex(n)
	api := httpapi.New(httpapi.Options{Index: ix, Store: httpapitest.New(ix, time.Time{})})
	defer api.Close() // the FlatGeobuf exports' temporary directory
	for _, c := range []struct {
		f    string
		gzip bool
	}{{"geojson", false}, {"geojsonseq", false}, {"csv", false}, {"fgb", false}, {"geojson", true}, {"fgb", true}} {
		name := c.f
		if c.gzip {
			name += "+gzip"
		}
		t.Run(name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/collections/parcels/export?f="+c.f, nil)
			if c.gzip {
				req.Header.Set("Accept-Encoding", "gzip")
			}
			// Unsampled, for the throughput.
			w := &sampler{header: http.Header{}}
			start := time.Now()
			api.ServeHTTP(w, req)
			took := time.Since(start)
			if w.status != http.StatusOK {
				t.Fatalf("status %d", w.status)
			}
			// FlatGeobuf is sent from a file with byte ranges, never gzipped.
			if gz := c.gzip && c.f != "fgb"; gz != (w.header.Get("Content-Encoding") == "gzip") {
				t.Errorf("Content-Encoding %q", w.header.Get("Content-Encoding"))
			}
			if c.f == "geojsonseq" && w.records != n {
				t.Errorf("%d records, want %d", w.records, n)
			}
			// Sampled, for the memory.
			base := liveHeap()
			s := &sampler{header: http.Header{}, sampleEvery: max(w.n/20, 64<<10)}
			sampled := req.Clone(req.Context())
			if c.f == "fgb" { // not the file the first request built: build another
				sampled.URL.RawQuery += "&bbox=-180,-90,180,90"
			}
			api.ServeHTTP(s, sampled)
			growth := int64(s.peakHeap) - int64(base)
			t.Logf("%d parcels, %.1f MiB out in %v (%.0f features/s, %.0f MiB/s); live heap growth during the stream at most %.2f MiB over %d samples",
				n, float64(w.n)/(1<<20), took.Round(time.Millisecond), n/took.Seconds(), float64(w.n)/(1<<20)/took.Seconds(),
				float64(growth)/(1<<20), s.samples)
			if s.samples < 3 {
				t.Fatalf("only %d samples over %d bytes", s.samples, s.n)
			}
			// 1 MiB: less than the 1.6 MB that merely gathering the 200,000
			// parcel pointers would take, and far below the output.
			if limit := int64(1 << 20); growth > limit {
				t.Errorf("live heap grew by %d bytes while streaming %d: more than %d; the export buffers", growth, s.n, limit)
			}
		})
	}
}
