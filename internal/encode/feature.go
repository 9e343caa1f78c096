package encode

import (
	"strconv"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// AppendMultiPolygon appends mp as a GeoJSON MultiPolygon geometry object.
// Rings are written as stored (the schema keeps them valid and closed).
func AppendMultiPolygon(b []byte, mp orb.MultiPolygon) []byte {
	b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
	for i, poly := range mp {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j, ring := range poly {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			for k, p := range ring {
				if k > 0 {
					b = append(b, ',')
				}
				b = append(b, '[')
				b = AppendCoord(b, p[0])
				b = append(b, ',')
				b = AppendCoord(b, p[1])
				b = append(b, ']')
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

func appendBBox(b []byte, mp orb.MultiPolygon) []byte {
	bd, ok := measure.Bound(mp)
	if !ok {
		return b // no (finite) coordinates: no bbox member
	}
	b = append(b, `,"bbox":[`...)
	b = AppendCoord(b, bd.Min[0])
	b = append(b, ',')
	b = AppendCoord(b, bd.Min[1])
	b = append(b, ',')
	b = AppendCoord(b, bd.Max[0])
	b = append(b, ',')
	b = AppendCoord(b, bd.Max[1])
	return append(b, ']')
}

// GeometryMembers returns the `,"bbox":[…],"geometry":{…}` members of a
// Feature for mp, for the index to cache (index.Entry).
func GeometryMembers(mp orb.MultiPolygon) []byte {
	b := AppendGeometryMembers(make([]byte, 0, GeometryMembersSize(mp)), mp)
	return b[:len(b):len(b)]
}

// AppendGeometryMembers appends what GeometryMembers returns to b.
func AppendGeometryMembers(b []byte, mp orb.MultiPolygon) []byte {
	b = appendBBox(b, mp)
	b = append(b, `,"geometry":`...)
	return AppendMultiPolygon(b, mp)
}

// GeometryMembersSize estimates the size of mp's GeometryMembers.
func GeometryMembersSize(mp orb.MultiPolygon) int { return 64 + vertexBytes(mp) }

// vertexBytes estimates the encoded size of mp's coordinates.
func vertexBytes(mp orb.MultiPolygon) int {
	n := 0
	for _, p := range mp {
		for _, r := range p {
			n += len(r)
		}
	}
	return n * 26
}

// appendGeometry appends the bbox and geometry members, copied from cached
// when it is not empty.
func appendGeometry(b []byte, cached []byte, mp orb.MultiPolygon) []byte {
	if len(cached) > 0 {
		return append(b, cached...)
	}
	b = appendBBox(b, mp)
	b = append(b, `,"geometry":`...)
	return AppendMultiPolygon(b, mp)
}

func appendHead(b []byte, id int64) []byte {
	b = append(b, `{"type":"Feature","id":`...)
	b = strconv.AppendInt(b, id, 10)
	return b
}

func appendOptInt(b []byte, v *int32) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, int64(*v), 10)
}

func appendOptID(b []byte, v *int64) []byte {
	if v == nil {
		return append(b, "null"...)
	}
	return strconv.AppendInt(b, *v, 10)
}

func appendStrings(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = AppendString(b, s)
	}
	return append(b, ']')
}

// appendAttributes appends the `,"attributes":{…}` member: always there,
// {} when the record has none, so that every feature of a collection has
// the same properties.
func appendAttributes(b []byte, a zonegis.Attributes) []byte {
	b = append(b, `,"attributes":`...)
	if len(a) == 0 {
		return append(b, "{}"...)
	}
	return append(b, a...)
}

func appendArea(b []byte, m2 float64) []byte {
	b = append(b, `"area_m2":`...)
	b = AppendRounded(b, m2, 2)
	b = append(b, `,"area_ha":`...)
	return AppendRounded(b, m2/10000, 4)
}

// ZoneProperties appends the properties object of a zone.
func ZoneProperties(b []byte, z *zonegis.Zone) []byte {
	b = append(b, `{"code":`...)
	b = AppendString(b, z.Code)
	b = append(b, `,"name_vi":`...)
	b = AppendString(b, z.NameVI)
	b = append(b, `,"name_en":`...)
	b = AppendString(b, z.NameEN)
	b = append(b, `,"kind":`...)
	b = AppendString(b, z.Kind)
	b = append(b, `,"parent_id":`...)
	b = appendOptID(b, z.ParentID)
	b = append(b, `,"board_id":`...)
	if z.BoardID == "" {
		b = append(b, "null"...)
	} else {
		b = AppendString(b, z.BoardID)
	}
	b = append(b, `,"province":`...)
	b = AppendString(b, z.Province)
	b = append(b, `,"status":`...)
	b = AppendString(b, z.Status)
	b = append(b, `,"model":`...)
	b = AppendString(b, z.Model)
	b = append(b, `,"established":`...)
	b = AppendDate(b, z.Established)
	b = append(b, `,"enterprises":`...)
	b = appendOptInt(b, z.Enterprises)
	b = append(b, `,"workers":`...)
	b = appendOptInt(b, z.Workers)
	b = append(b, `,"sectors":`...)
	b = appendStrings(b, z.Sectors)
	b = append(b, `,"source":`...)
	b = AppendString(b, z.Source)
	b = appendInvestor(b, &z.Investor)
	b = appendAttributes(b, z.Attributes)
	b = append(b, ',')
	b = appendArea(b, z.AreaM2)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, z.Version, 10)
	b = append(b, `,"updated_at":`...)
	b = AppendTime(b, z.UpdatedAt)
	return append(b, '}')
}

// appendInvestor appends a zone's investor facts as properties, in
// zonegis.InvestorFields' order with rent_term_ends after the rent range;
// null for each unknown.
func appendInvestor(b []byte, f *zonegis.InvestorFacts) []byte {
	for i, fl := range zonegis.InvestorFields {
		b = append(b, `,"`...)
		b = append(b, fl.Name...)
		b = append(b, `":`...)
		switch {
		case fl.Num != nil && *fl.Num(f) != nil:
			b = strconv.AppendFloat(b, **fl.Num(f), 'f', -1, 64)
		case fl.Text != nil && *fl.Text(f) != "":
			b = AppendString(b, *fl.Text(f))
		default:
			b = append(b, "null"...)
		}
		if i == 1 {
			b = append(b, `,"rent_term_ends":`...)
			if f.RentTermEnds == nil {
				b = append(b, "null"...)
				continue
			}
			b = append(b, '[')
			for j, y := range f.RentTermEnds {
				if j > 0 {
					b = append(b, ',')
				}
				b = strconv.AppendInt(b, int64(y), 10)
			}
			b = append(b, ']')
		}
	}
	return b
}

// ParcelProperties appends the properties object of a parcel.
func ParcelProperties(b []byte, p *zonegis.Parcel) []byte {
	b = append(b, `{"zone_id":`...)
	b = strconv.AppendInt(b, p.ZoneID, 10)
	b = append(b, `,"lot_code":`...)
	b = AppendString(b, p.LotCode)
	b = append(b, `,"land_use":`...)
	b = AppendString(b, p.LandUse)
	b = append(b, `,"status":`...)
	b = AppendString(b, p.Status)
	b = append(b, `,"synthetic":`...)
	b = strconv.AppendBool(b, p.Synthetic)
	b = appendAttributes(b, p.Attributes)
	b = append(b, ',')
	b = appendArea(b, p.AreaM2)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, p.Version, 10)
	b = append(b, `,"updated_at":`...)
	b = AppendTime(b, p.UpdatedAt)
	// Its valid time, when the lineage knows an end of it: valid_from
	// (made by a split or merge), retired_at (history, found by datetime).
	if p.ValidFrom != nil {
		b = append(b, `,"valid_from":`...)
		b = AppendTime(b, *p.ValidFrom)
	}
	if p.RetiredAt != nil {
		b = append(b, `,"retired_at":`...)
		b = AppendTime(b, *p.RetiredAt)
	}
	return append(b, '}')
}

// GreenAreaProperties appends the properties object of a green area.
func GreenAreaProperties(b []byte, g *zonegis.GreenArea) []byte {
	b = append(b, `{"zone_id":`...)
	b = strconv.AppendInt(b, g.ZoneID, 10)
	b = append(b, `,"kind":`...)
	b = AppendString(b, g.Kind)
	b = append(b, `,"name":`...)
	b = AppendString(b, g.Name)
	b = append(b, `,"synthetic":`...)
	b = strconv.AppendBool(b, g.Synthetic)
	b = appendAttributes(b, g.Attributes)
	b = append(b, ',')
	b = appendArea(b, g.AreaM2)
	b = append(b, `,"version":`...)
	b = strconv.AppendInt(b, g.Version, 10)
	b = append(b, `,"updated_at":`...)
	b = AppendTime(b, g.UpdatedAt)
	return append(b, '}')
}

// Zone appends a zone as a GeoJSON Feature.
func Zone(b []byte, z *zonegis.Zone) []byte { return ZoneWith(b, z, nil) }

// Parcel appends a parcel as a GeoJSON Feature.
func Parcel(b []byte, p *zonegis.Parcel) []byte { return ParcelWith(b, p, nil) }

// GreenArea appends a green area as a GeoJSON Feature.
func GreenArea(b []byte, g *zonegis.GreenArea) []byte { return GreenAreaWith(b, g, nil) }

// Extra appends extra members to a properties object: it is given the slice
// just after the last member and returns it extended (each member led by a comma).
type Extra func(b []byte) []byte

// withExtra reopens the object that ends b, lets extra append members, and
// closes it again.
func withExtra(b []byte, extra Extra) []byte {
	if extra == nil {
		return b
	}
	b = b[:len(b)-1]
	b = extra(b)
	return append(b, '}')
}

// ZoneWith appends a zone Feature with extra properties.
func ZoneWith(b []byte, z *zonegis.Zone, extra Extra) []byte {
	return ZoneCached(b, z, nil, nil, extra)
}

// ParcelWith appends a parcel Feature with extra properties.
func ParcelWith(b []byte, p *zonegis.Parcel, extra Extra) []byte {
	return ParcelCached(b, p, nil, extra)
}

// GreenAreaWith appends a green-area Feature with extra properties.
func GreenAreaWith(b []byte, g *zonegis.GreenArea, extra Extra) []byte {
	return GreenAreaCached(b, g, nil, extra)
}

// ZoneCached is ZoneWith reusing an earlier encoding of z: geom, its
// GeometryMembers, and props, its ZoneProperties (the index keeps both,
// see index.Entry). An empty geom or props is encoded afresh. The bytes
// written are ZoneWith's when geom and props are z's.
func ZoneCached(b []byte, z *zonegis.Zone, geom, props []byte, extra Extra) []byte {
	b = appendHead(b, z.ID)
	b = appendGeometry(b, geom, z.Boundary)
	b = append(b, `,"properties":`...)
	if len(props) > 0 {
		b = withExtra(append(b, props...), extra)
	} else {
		b = withExtra(ZoneProperties(b, z), extra)
	}
	return append(b, '}')
}

// ParcelCached is ParcelWith reusing geom, p's GeometryMembers (empty:
// encoded afresh).
func ParcelCached(b []byte, p *zonegis.Parcel, geom []byte, extra Extra) []byte {
	b = appendHead(b, p.ID)
	b = appendGeometry(b, geom, p.Boundary)
	b = append(b, `,"properties":`...)
	b = withExtra(ParcelProperties(b, p), extra)
	return append(b, '}')
}

// GreenAreaCached is GreenAreaWith reusing geom, g's GeometryMembers
// (empty: encoded afresh).
func GreenAreaCached(b []byte, g *zonegis.GreenArea, geom []byte, extra Extra) []byte {
	b = appendHead(b, g.ID)
	b = appendGeometry(b, geom, g.Boundary)
	b = append(b, `,"properties":`...)
	b = withExtra(GreenAreaProperties(b, g), extra)
	return append(b, '}')
}
