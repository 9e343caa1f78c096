package encode

import (
	"encoding/binary"
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
	x0, y0 := g.Origin()
	var ax, ay axis
	if lx, ly, hx, hy, ok := g.BoundUnits(); ok {
		ax.set(x0, lx, hx)
		ay.set(y0, ly, hy)
		b = appendBBoxUnits(b, [4]int64{lx, ly, hx, hy}, &ax, &ay)
	}
	b = append(b, `,"geometry":{"type":"MultiPolygon","coordinates":[`...)
	polys, rings := g.Layout()
	if polys == nil && len(d) > 0 {
		polys, rings = oneRing[:], []uint32{uint32(len(d) / 2)}
	}
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
			k := int(rings[ri])
			ri++
			b = appendRing(b, d[at:at+2*k], &ax, &ay)
			at += 2 * k
		}
		b = append(b, ']')
	}
	return append(b, "]}"...)
}

// pointRoom is the most one point of a ring takes as appendRing writes
// it, "[x,y]," with each coordinate given maxUnitsLen.
const pointRoom = 2*maxUnitsLen + 4

// appendRing appends the ring of the points d (x and y in turn, offsets
// from ax's and ay's origins) as GeoJSON coordinates, [[x,y],…]: each
// point written as "[x,y]," straight into b's spare room, grown once for
// the ring, the last comma turned into the ring's closing bracket.
func appendRing(b []byte, d []int32, ax, ay *axis) []byte {
	if len(d) < 2 {
		return append(b, "[]"...)
	}
	b = slices.Grow(b, 1+len(d)/2*pointRoom+window)
	n := len(b)
	s := b[:cap(b)]
	s[n] = '['
	n++
	if ax.shared && ay.shared {
		n = putSharedPoints(s, n, d, ax, ay)
	} else {
		for q := 0; q+1 < len(d); q += 2 {
			s[n] = '['
			n = ax.put(s, n+1, d[q])
			s[n] = ','
			n = ay.put(s, n+1, d[q+1])
			s[n], s[n+1] = ']', ','
			n += 2
		}
	}
	s[n-1] = ']'
	return s[:n]
}

// putSharedPoints writes the points d as appendRing does, at s[n:] (with
// window bytes past the room of the points), for axes whose coordinates
// share their prefix: each coordinate its prefix, one 16-byte store, and
// its decimals (put9's lines), and returns the index after them. Each
// point is written into a window of s, an array, at indexes kept under
// 64 by a mask, so that no store but the window's needs a bounds check
// (the compiler proves the others); a coordinate that is an integer is
// written with zero decimals and then cut back to before its point.
func putSharedPoints(s []byte, n int, d []int32, ax, ay *axis) int {
	px, py := ax.prefix, ay.prefix
	nx, ny := ax.n, ay.n
	// frac = c + sign*offset: origin+offset-base, or -(origin+offset)-base.
	cx, sx := ax.origin-ax.base, int64(1)
	if ax.neg {
		cx, sx = -ax.origin-ax.base, -1
	}
	cy, sy := ay.origin-ay.base, int64(1)
	if ay.neg {
		cy, sy = -ay.origin-ay.base, -1
	}
	for ; len(d) >= 2; d = d[2:] {
		fx, fy := uint32(cx+sx*int64(d[0])), uint32(cy+sy*int64(d[1]))
		w := (*[window]byte)(s[n : n+window])
		w[0] = '['
		*(*[16]byte)(w[1:17]) = px
		i := (1 + nx) & 63
		tx := fx / 1000 // put9's lines, on the window
		hix, midx, lox := tx/1000, tx%1000, fx-tx*1000
		binary.LittleEndian.PutUint64(w[i:i+8], uint64(digits3[hix])|uint64(digits3[midx])<<24)
		binary.LittleEndian.PutUint32(w[i+6:i+10], digits3[lox])
		kx := int(max(keepAt[2][lox], keepAt[1][midx], keepAt[0][hix]))
		if fx == 0 {
			kx = -1 // an integer: no point
		}
		i = (i + kx) & 63
		w[i] = ','
		*(*[16]byte)(w[i+1 : i+17]) = py
		i = (i + 1 + ny) & 63
		ty := fy / 1000 // put9's lines, on the window
		hiy, midy, loy := ty/1000, ty%1000, fy-ty*1000
		binary.LittleEndian.PutUint64(w[i:i+8], uint64(digits3[hiy])|uint64(digits3[midy])<<24)
		binary.LittleEndian.PutUint32(w[i+6:i+10], digits3[loy])
		ky := int(max(keepAt[2][loy], keepAt[1][midy], keepAt[0][hiy]))
		if fy == 0 {
			ky = -1
		}
		i = (i + ky) & 63
		w[i], w[i+1] = ']', ','
		n += i + 2
	}
	return n
}

// window is the room putSharedPoints writes a point in: its indexes
// under 64 and a 16-byte store from there.
const window = 128

// appendBBoxUnits appends the bbox member of the bound v (min x, min y,
// max x, max y in units): as putSharedPoints writes coordinates when both
// axes share their prefixes, else by putUnits.
func appendBBoxUnits(b []byte, v [4]int64, ax, ay *axis) []byte {
	if !ax.shared || !ay.shared {
		b = append(b, `,"bbox":[`...)
		for k, u := range v {
			if k > 0 {
				b = append(b, ',')
			}
			b = appendUnits(b, u)
		}
		return append(b, ']')
	}
	b = append(b, `,"bbox":[`...)
	n := len(b)
	b = slices.Grow(b, 4*(maxUnitsLen+1))
	w := b[n : n+4*(maxUnitsLen+1)]
	i := 0
	for k, u := range v {
		a := ax
		if k%2 == 1 {
			a = ay
		}
		*(*[16]byte)(w[i : i+16]) = a.prefix
		i += a.n
		f := u - a.base
		if a.neg {
			f = -u - a.base
		}
		if f == 0 {
			i--
		} else {
			i = put9(w, i, uint32(f))
		}
		w[i] = ','
		i++
	}
	w[i-1] = ']'
	return b[:n+i]
}

// put9 writes f (1 to 999,999,999) as putFrac does, at w[i:] (9 bytes
// and one more it may overwrite), in one 8-byte store and a byte, and
// returns the index after the decimals kept. Small enough to be inlined
// (a call would spill putSharedPoints' registers twice a point): the
// count kept is the largest of the three groups' (keep3 offset by the
// group's place, keepAt; 0 for a group of zeros).
func put9(w []byte, i int, f uint32) int {
	t := f / 1000
	hi, mid, lo := t/1000, t%1000, f-t*1000
	binary.LittleEndian.PutUint64(w[i:i+8], uint64(digits3[hi])|uint64(digits3[mid])<<24)
	binary.LittleEndian.PutUint32(w[i+6:i+10], digits3[lo])
	return i + int(max(keepAt[2][lo], keepAt[1][mid], keepAt[0][hi]))
}

// keepAt[g][v] is the number of decimals kept when the g-th group of
// three decimals is v and those after it are zeros: 3g plus keep3[v], 0
// for v = 0.
var keepAt = func() (k [3][1000]uint8) {
	for g := range 3 {
		for v := 1; v < 1000; v++ {
			k[g][v] = uint8(3*g) + keep3[v]
		}
	}
	return k
}()

// axis writes one axis of a geometry's coordinates, origin plus an
// offset in 1e-9 degrees, as putUnits does. When all of them have one
// sign and one integer part (a parcel spans about 0.001°, so nearly
// always), that part is written once, as a prefix, and each coordinate
// is the prefix (one 16-byte store) and its 9 decimals (frac: no 64-bit
// division); else each goes through putUnits.
type axis struct {
	origin int64
	shared bool
	neg    bool     // the coordinates are negative: frac = -v - base
	base   int64    // the integer part in units
	prefix [16]byte // "-"?, the integer part's digits, "."
	n      int      // the prefix's length, its "." included
}

// set prepares a to write coordinates origin+offset that lie between lo
// and hi, in units.
func (a *axis) set(origin, lo, hi int64) {
	a.origin = origin
	if (lo < 0) != (hi < 0) || lo < -9e18 || hi > 9e18 {
		return
	}
	ulo, uhi := lo, hi
	if lo < 0 {
		a.neg = true
		ulo, uhi = -hi, -lo
	}
	ip := ulo / 1e9
	if uhi/1e9 != ip {
		return
	}
	a.shared, a.base = true, ip*1e9
	i := 0
	if a.neg {
		a.prefix[0] = '-'
		i = 1
	}
	i += len(appendUint(a.prefix[i:i], uint64(ip)))
	a.prefix[i] = '.'
	a.n = i + 1
}

// put writes the coordinate origin+off at s[n:] (with at least
// maxUnitsLen bytes from n) and returns the index after it.
func (a *axis) put(s []byte, n int, off int32) int {
	v := a.origin + int64(off)
	if !a.shared {
		return n + putUnits(s[n:n+maxUnitsLen], v)
	}
	*(*[16]byte)(s[n : n+16]) = a.prefix
	var frac uint32
	if a.neg {
		frac = uint32(-v - a.base)
	} else {
		frac = uint32(v - a.base)
	}
	if frac == 0 {
		return n + a.n - 1 // an integer: no point
	}
	return n + a.n + putFrac(s[n+a.n:n+a.n+10], frac)
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
