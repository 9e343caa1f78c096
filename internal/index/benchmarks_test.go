package index

import (
	"flag"
	"fmt"
	"math"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/zonegis"
)

var benchParcels = flag.Int("index.parcels", 1_000_000, "parcels in the benchmark data set")

// benchData is the seeded benchmark data set: *benchParcels parcels of
// 15-45 m across the hcmc box (about 1100 per km² at 1M), in 200 zones,
// and an index loaded with it. Built once per test binary.
type benchData struct {
	parcels []*zonegis.Parcel
	bounds  []orb.Bound // for the linear-scan baseline
	ix      *Index
	g       *gen
}

var benchOnce = sync.OnceValue(func() *benchData {
	g := newGen(42)
	d := &benchData{g: g}
	for id := range int64(*benchParcels) {
		p := g.parcel(id+1, 200)
		p.Boundary = g.shape(g.point(hcmc), 15+g.r.Float64()*30)
		d.parcels = append(d.parcels, p)
		d.bounds = append(d.bounds, p.Boundary.Bound())
	}
	d.ix = New()
	d.ix.Load(1, nil, copiesOf(d.parcels), nil)
	return d
})

// copiesOf returns copies of ps (sharing their geometry) for a Load, which
// replaces the records it is given with the index's own, holding no
// geometry: the data set's parcels keep theirs.
func copiesOf(ps []*zonegis.Parcel) []*zonegis.Parcel {
	out := make([]*zonegis.Parcel, len(ps))
	for i, p := range ps {
		c := *p
		out[i] = &c
	}
	return out
}

// windowSideD is the side, in degrees, of a square window expected to meet
// about 64 parcel bounds at the data set's density.
func windowSideD(n int) float64 {
	areaD2 := (hcmc.Max[0] - hcmc.Min[0]) * (hcmc.Max[1] - hcmc.Min[1])
	const meanParcelD = 30.0 / metresPerDegLat // mean bound side
	return math.Sqrt(64*areaD2/float64(n)) - meanParcelD
}

func benchWindows(d *benchData, n int) []orb.Bound {
	side := windowSideD(len(d.parcels))
	g := newGen(7)
	ws := make([]orb.Bound, n)
	for i := range ws {
		c := g.point(hcmc)
		ws[i] = orb.Bound{Min: c, Max: orb.Point{c[0] + side, c[1] + side}}
	}
	return ws
}

// BenchmarkLoad bulk-loads the data set into a new index. heap-MB is the
// live heap after the load: the data set's parcels (as generated, with
// their orb geometries) and the index; index-MB and index-B/parcel are the
// index's share: entries with their fixed-point geometry, and the trees.
// Each round loads copies of the parcels, because Load replaces the
// records it is given with the index's own, which hold no geometry: a
// second round loading those would measure an index of empty geometries.
func BenchmarkLoad(b *testing.B) {
	d := benchOnce()
	d.ix = nil // measure this benchmark's index only
	var in []*zonegis.Parcel
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapAlloc
	b.ReportAllocs()
	b.ResetTimer()
	var ix *Index
	for b.Loop() {
		b.StopTimer()
		ix, in = nil, nil
		in = copiesOf(d.parcels)
		b.StartTimer()
		ix = New()
		ix.Load(1, nil, in, nil)
	}
	b.StopTimer()
	in = nil // the index's records, which the index holds anyway
	runtime.GC()
	// A collection's cost with the index live: it marks the whole index
	// (wall time of a forced collection, on every CPU).
	gcStart := time.Now()
	runtime.GC()
	b.ReportMetric(float64(time.Since(gcStart).Microseconds())/1000, "gc-ms")
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	grown := float64(ms.HeapAlloc) - float64(base)
	b.ReportMetric(grown/(1<<20), "index-MB")
	b.ReportMetric(grown/float64(len(d.parcels)), "index-B/parcel")
	b.ReportMetric(float64(len(d.parcels)), "parcels")
	d.ix = ix
	runtime.KeepAlive(ix)
}

func BenchmarkParcelsInBound(b *testing.B) {
	d := benchOnce()
	ws := benchWindows(d, 1024)
	s := d.ix.Snapshot()
	b.Run("index", func(b *testing.B) {
		b.ReportAllocs()
		hits, i := 0, 0
		for b.Loop() {
			s.ParcelsInBound(ws[i%len(ws)], func(*zonegis.Parcel) bool { hits++; return true })
			i++
		}
		b.ReportMetric(float64(hits)/float64(i), "hits/op")
	})
	// The exact search a bbox uses: the geometry meets the window.
	b.Run("intersecting", func(b *testing.B) {
		b.ReportAllocs()
		hits, i := 0, 0
		for b.Loop() {
			s.ParcelsIntersectingBound(ws[i%len(ws)], func(*zonegis.Parcel) bool { hits++; return true })
			i++
		}
		b.ReportMetric(float64(hits)/float64(i), "hits/op")
	})
	b.Run("linear-scan", func(b *testing.B) {
		b.ReportAllocs()
		hits, i := 0, 0
		for b.Loop() {
			w := ws[i%len(ws)]
			for j, pb := range d.bounds {
				if pb.Intersects(w) {
					_ = d.parcels[j]
					hits++
				}
			}
			i++
		}
		b.ReportMetric(float64(hits)/float64(i), "hits/op")
	})
}

// BenchmarkParcelsAt looks up 1024 random points over and over (the tree
// stays in cache); BenchmarkParcelsAtCold a million, so that the tree's
// nodes and the parcels are mostly out of cache, as they are in a server
// answering random points.
func BenchmarkParcelsAt(b *testing.B)     { benchParcelsAt(b, 1024) }
func BenchmarkParcelsAtCold(b *testing.B) { benchParcelsAt(b, 1<<20) }

func benchParcelsAt(b *testing.B, points int) {
	d := benchOnce()
	g := newGen(8)
	pts := make([]orb.Point, points)
	for i := range pts {
		pts[i] = g.point(hcmc)
	}
	s := d.ix.Snapshot()
	b.ReportAllocs()
	hits, i := 0, 0
	for b.Loop() {
		s.ParcelsAt(pts[i%len(pts)], func(*zonegis.Parcel) bool { hits++; return true })
		i++
	}
	b.ReportMetric(float64(hits)/float64(i), "hits/op")
}

func BenchmarkNearbyParcels(b *testing.B) {
	d := benchOnce()
	g := newGen(9)
	pts := make([]orb.Point, 1024)
	for i := range pts {
		pts[i] = g.point(hcmc)
	}
	s := d.ix.Snapshot()
	available := func(p *zonegis.Parcel) bool { return p.Status == zonegis.ParcelAvailable }
	for _, bc := range []struct {
		name    string
		radiusM float64
		limit   int
		filter  func(*zonegis.Parcel) bool
	}{
		{"all-within-200m", 200, 0, nil},
		{"10-nearest-within-5km", 5000, 10, nil},
		{"10-nearest-available-within-5km", 5000, 10, available},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			hits, i := 0, 0
			for b.Loop() {
				n := 0
				s.NearbyParcels(pts[i%len(pts)], bc.radiusM, bc.filter, func(*zonegis.Parcel, float64) bool {
					n++
					return bc.limit == 0 || n < bc.limit
				})
				hits += n
				i++
			}
			b.ReportMetric(float64(hits)/float64(i), "hits/op")
		})
	}
}

// BenchmarkApply updates parcels' geometry (moved up to ~50 m) and zone on
// the full index, one Apply per batch: copy-on-write keeps a batch to a few
// copied nodes per tree and change, not a copy of the index.
func BenchmarkApply(b *testing.B) {
	d := benchOnce()
	ix := New()
	ix.Load(1, nil, copiesOf(d.parcels), nil)
	g := newGen(10)
	ups := make([]*zonegis.Parcel, 1<<14)
	for i := range ups {
		old := d.parcels[g.r.IntN(len(d.parcels))]
		p := *old
		p.ZoneID = 1 + g.r.Int64N(200)
		p.Boundary = shift(old.Boundary, (g.r.Float64()-0.5)*1e-3, (g.r.Float64()-0.5)*1e-3)
		ups[i] = &p
	}
	held := ix.Snapshot() // a reader holding an old snapshot throughout
	for _, size := range []int{1, 100} {
		b.Run(fmt.Sprintf("parcels-%d", size), func(b *testing.B) {
			b.ReportAllocs()
			seq, next := int64(1), 0
			for b.Loop() {
				seq++
				batch := Batch{Seq: seq, Parcels: make([]*zonegis.Parcel, size)}
				for i := range batch.Parcels {
					batch.Parcels[i] = ups[next%len(ups)]
					next++
				}
				ix.Apply(batch)
			}
		})
	}
	runtime.KeepAlive(held)
}
