package featurejson

import (
	"testing"

	"github.com/zonegis/zonegis/internal/geojsontest"
)

// BenchmarkDecodeBodyPolygon: reading a comb of 99,999 vertices (3 MB) as
// POST /query/intersects does, with the one-pass decoder and, as the
// baseline to beat, the old encoding/json one.
func BenchmarkDecodeBodyPolygon(b *testing.B) {
	body := []byte(geojsontest.Comb(106.5, 10.5, 106.7, 10.7, 24999, 45))
	feature := append(append([]byte(`{"type":"Feature","properties":{},"geometry":`), body...), '}')
	for _, c := range []struct {
		name string
		body []byte
		read func([]byte) error
	}{
		{"one-pass", body, func(b []byte) error { _, err := ReadPolygon(b); return err }},
		{"one-pass-feature", feature, func(b []byte) error { _, err := ReadPolygon(b); return err }},
		{"encoding-json", body, func(b []byte) error { _, err := oldReadPolygon(b); return err }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(c.body)))
			for b.Loop() {
				if err := c.read(c.body); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
