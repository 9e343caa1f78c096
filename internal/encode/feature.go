package encode

import (
	"slices"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/fixedgeom"
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
// Feature for mp.
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
func GeometryMembersSize(mp orb.MultiPolygon) int { return 64 + 26*fixedgeom.Points(mp) }

// AppendFixedMembers appends the `,"bbox":[…],"geometry":{…}` members of
// g, formatted from its integers: the bytes AppendGeometryMembers writes
// for the geometry g was made from (fixedgeom.From), since both write
// coordinates rounded to 1e-9 degrees, the units g holds them in.
func AppendFixedMembers(b []byte, g *fixedgeom.Geometry) []byte {
	if w := g.Wide(); w != nil {
		return AppendGeometryMembers(b, w)
	}
	d := g.Deltas()
	b = slices.Grow(b, 96+15*len(d))
	if lx, ly, hx, hy, ok := g.BoundUnits(); ok {
		b = append(b, `,"bbox":[`...)
		b = appendUnits(b, lx)
		b = append(b, ',')
		b = appendUnits(b, ly)
		b = append(b, ',')
		b = appendUnits(b, hx)
		b = append(b, ',')
		b = appendUnits(b, hy)
		b = append(b, ']')
	}
	b = append(b, `,"geometry":{"type":"MultiPolygon","coordinates":[`...)
	polys, rings := g.Layout()
	if polys == nil && len(d) > 0 {
		polys, rings = oneRing[:], []uint32{uint32(len(d) / 2)}
	}
	x0, y0 := g.Origin()
	at, ri := 0, 0
	for i, nr := range polys {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, '[')
		for j := range int(nr) {
			if j > 0 {
				b = append(b, ',')
			}
			b = append(b, '[')
			k := int(rings[ri])
			ri++
			for q := range k {
				// Each point is written straight into b's spare room
				// (",[x,y]", at most 2*maxUnitsLen+4 bytes).
				n := len(b)
				b = slices.Grow(b, 2*maxUnitsLen+4)
				s := b[n : n+2*maxUnitsLen+4]
				i := 0
				if q > 0 {
					s[0] = ','
					i = 1
				}
				s[i] = '['
				i++
				i += putUnits(s[i:i+maxUnitsLen], x0+int64(d[at]))
				s[i] = ','
				i++
				i += putUnits(s[i:i+maxUnitsLen], y0+int64(d[at+1]))
				s[i] = ']'
				b = b[:n+i+1]
				at += 2
			}
			b = append(b, ']')
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

var oneRing = [1]uint32{1}

// appendGeometry appends the bbox and geometry members: g's when it is not
// nil, else mp's.
func appendGeometry(b []byte, g *fixedgeom.Geometry, mp orb.MultiPolygon) []byte {
	if g != nil {
		return AppendFixedMembers(b, g)
	}
	return AppendGeometryMembers(b, mp)
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
	return ZoneCached(b, z, nil, extra)
}

// ParcelWith appends a parcel Feature with extra properties.
func ParcelWith(b []byte, p *zonegis.Parcel, extra Extra) []byte {
	return ParcelCached(b, p, nil, extra)
}

// GreenAreaWith appends a green-area Feature with extra properties.
func GreenAreaWith(b []byte, g *zonegis.GreenArea, extra Extra) []byte {
	return GreenAreaCached(b, g, nil, extra)
}

// ZoneCached is ZoneWith for a zone as the index holds it: its geometry
// is geom (index.Entry.Geometry; nil: z.Boundary), whose Boundary is
// nil. The bytes written are ZoneWith's when geom is z's boundary's.
func ZoneCached(b []byte, z *zonegis.Zone, geom *fixedgeom.Geometry, extra Extra) []byte {
	b = appendHead(b, z.ID)
	b = appendGeometry(b, geom, z.Boundary)
	b = append(b, `,"properties":`...)
	b = withExtra(ZoneProperties(b, z), extra)
	return append(b, '}')
}

// ParcelCached is ZoneCached for a parcel.
func ParcelCached(b []byte, p *zonegis.Parcel, geom *fixedgeom.Geometry, extra Extra) []byte {
	b = appendHead(b, p.ID)
	b = appendGeometry(b, geom, p.Boundary)
	b = append(b, `,"properties":`...)
	b = withExtra(ParcelProperties(b, p), extra)
	return append(b, '}')
}

// GreenAreaCached is ZoneCached for a green area.
func GreenAreaCached(b []byte, g *zonegis.GreenArea, geom *fixedgeom.Geometry, extra Extra) []byte {
	b = appendHead(b, g.ID)
	b = appendGeometry(b, geom, g.Boundary)
	b = append(b, `,"properties":`...)
	b = withExtra(GreenAreaProperties(b, g), extra)
	return append(b, '}')
}
