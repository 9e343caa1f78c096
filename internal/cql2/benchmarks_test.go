package cql2

import (
	"math/rand/v2"
	"testing"
)

// benchFeats are n seeded features around Hồ Chí Minh City.
func benchFeats(n int) []feat {
	r := rand.New(rand.NewPCG(1, 2))
	out := make([]feat, n)
	for i := range out {
		out[i] = feat{name: "KCN " + string(rune('A'+r.IntN(26))) + " Tân Thuận", status: []string{"available", "reserved", "leased"}[r.IntN(3)],
			area: r.Float64() * 1e5, geom: square(106.5+r.Float64()*0.5, 10.5+r.Float64()*0.5, 0.002)}
	}
	return out
}

func benchFilter(b *testing.B, src string) {
	fs := benchFeats(10000)
	n, err := ParseText(src, DefaultLimits)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		p, err := Compile(n, testQueryables, 1<<62)
		if err != nil {
			b.Fatal(err)
		}
		for i := range fs {
			p.Match(&fs[i])
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(fs)), "ns/feature")
}

func BenchmarkCompare(b *testing.B) { benchFilter(b, "status = 'leased' AND area_m2 > 50000") }
func BenchmarkAccentiLike(b *testing.B) {
	benchFilter(b, "ACCENTI(name_vi) LIKE ACCENTI('%tan thuan%')")
}
func BenchmarkIntersects(b *testing.B) {
	benchFilter(b, "S_INTERSECTS(geometry, POLYGON((106.6 10.6, 106.8 10.62, 106.78 10.7, 106.62 10.74, 106.6 10.6)))")
}

// BenchmarkDisjoint: most features meet the literal's bound, so most go
// through GEOS.
func BenchmarkDisjoint(b *testing.B) {
	benchFilter(b, "S_DISJOINT(geometry, POLYGON((106.6 10.6, 106.8 10.62, 106.78 10.7, 106.62 10.74, 106.6 10.6)))")
}
