package catalog

import (
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// At is the point of a point lookup and the text it was read from.
type At struct {
	Point            orb.Point
	lonText, latText string
}

// ParseAt reads the point of a point lookup from the text of its lon and
// lat (LonLat), keeping the text for AppendAt's echo of it.
func ParseAt(lonText, latText string) (At, error) {
	p, err := LonLat(lonText, latText)
	return At{p, lonText, latText}, err
}

// AppendAt appends the point lookup's answer (GET /query/at) to b: the
// point (as encode.AppendFloat writes it: its text when that is the
// same, encode.AppendFloatText), then the zones, parcels and green areas
// of snap under it, each a FeatureCollection, their features written from
// their entries' geometries.
func AppendAt(b []byte, snap *index.Snapshot, at At) []byte {
	p := at.Point
	b = append(b, `{"point":[`...)
	b = encode.AppendFloatText(b, p[0], at.lonText)
	b = append(b, ',')
	b = encode.AppendFloatText(b, p[1], at.latText)
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
