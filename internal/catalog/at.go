package catalog

import (
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// AppendAt appends the point lookup's answer (GET /query/at) to b: the
// zones, parcels and green areas of snap under p, each a FeatureCollection,
// their features written from their entries' geometries.
func AppendAt(b []byte, snap *index.Snapshot, p orb.Point) []byte {
	b = append(b, `{"point":[`...)
	b = encode.AppendFloat(b, p[0])
	b = append(b, ',')
	b = encode.AppendFloat(b, p[1])
	// Each collection written out, not through the collection
	// interface: the busiest route allocates no closures.
	b = append(b, `],"zones":{"type":"FeatureCollection","features":[`...)
	n := 0
	snap.ZoneEntriesAt(p, func(e *index.Entry[zonegis.Zone]) bool {
		b = encode.Comma(b, &n)
		b = encode.ZoneCached(b, e.Record(), e.Geometry(), nil)
		return true
	})
	b = append(b, `]},"parcels":{"type":"FeatureCollection","features":[`...)
	n = 0
	snap.ParcelEntriesAt(p, func(e *index.Entry[zonegis.Parcel]) bool {
		b = encode.Comma(b, &n)
		b = encode.ParcelCached(b, e.Record(), e.Geometry(), nil)
		return true
	})
	b = append(b, `]},"green_areas":{"type":"FeatureCollection","features":[`...)
	n = 0
	snap.GreenAreaEntriesAt(p, func(e *index.Entry[zonegis.GreenArea]) bool {
		b = encode.Comma(b, &n)
		b = encode.GreenAreaCached(b, e.Record(), e.Geometry(), nil)
		return true
	})
	return append(b, `]}}`...)
}
