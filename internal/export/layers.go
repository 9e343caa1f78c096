package export

import (
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The three layers. Their column names are those of the items API's
// GeoJSON properties; their order is the order the columns are written.
var (
	Zones = &Layer{Name: zonegis.CollectionZones, Columns: []Column{
		{"code", String}, {"name_vi", String}, {"name_en", String}, {"kind", String},
		{"parent_id", Int64}, {"board_id", String}, {"province", String}, {"status", String},
		{"model", String}, {"established", Date}, {"enterprises", Int32}, {"workers", Int32},
		{"sectors", JSON}, {"source", String}, {"attributes", JSON}, {"area_m2", Float64}, {"area_ha", Float64},
		{"version", Int64}, {"updated_at", DateTime},
	}}
	Parcels = &Layer{Name: zonegis.CollectionParcels, Columns: []Column{
		{"zone_id", Int64}, {"lot_code", String}, {"land_use", String}, {"status", String},
		{"synthetic", Bool}, {"attributes", JSON}, {"area_m2", Float64}, {"area_ha", Float64},
		{"version", Int64}, {"updated_at", DateTime},
	}}
	GreenAreas = &Layer{Name: zonegis.CollectionGreenAreas, Columns: []Column{
		{"zone_id", Int64}, {"kind", String}, {"name", String},
		{"synthetic", Bool}, {"attributes", JSON}, {"area_m2", Float64}, {"area_ha", Float64},
		{"version", Int64}, {"updated_at", DateTime},
	}}
)

func str(s string) Value    { return Value{Str: s} }
func i64(v int64) Value     { return Value{Int: v} }
func f64(v float64) Value   { return Value{Float: v} }
func optStr(s string) Value { return Value{Str: s, Null: s == ""} }

func optI32(v *int32) Value {
	if v == nil {
		return Value{Null: true}
	}
	return Value{Int: int64(*v)}
}

func optI64(v *int64) Value {
	if v == nil {
		return Value{Null: true}
	}
	return Value{Int: *v}
}

// attrs is a record's attributes as a JSON column: the object as the
// items API gives it ({} when there are none), as JSON text where the
// format has no objects (CSV, FlatGeobuf's JSON column). A new string, so
// batches may keep it.
func attrs(a zonegis.Attributes) Value {
	if len(a) == 0 {
		return str("{}")
	}
	return str(string(a))
}

// ZoneFeature fills f with zone z (reusing f.Values' storage).
func ZoneFeature(f *Feature, z *zonegis.Zone) {
	f.Layer, f.ID, f.Geometry = Zones, z.ID, z.Boundary
	est := Value{Null: true}
	if z.Established != nil {
		est = Value{Time: *z.Established}
	}
	// sectors is a JSON array of strings; a new string per zone, so
	// batches may keep it.
	sectors := string(appendStringArray(nil, z.Sectors))
	f.Values = append(f.Values[:0],
		str(z.Code), str(z.NameVI), str(z.NameEN), str(z.Kind),
		optI64(z.ParentID), optStr(z.BoardID), str(z.Province), str(z.Status),
		str(z.Model), est, optI32(z.Enterprises), optI32(z.Workers),
		str(sectors), str(z.Source), attrs(z.Attributes), f64(z.AreaM2), f64(z.AreaM2/1e4),
		i64(z.Version), Value{Time: z.UpdatedAt})
}

// ParcelFeature fills f with parcel p.
func ParcelFeature(f *Feature, p *zonegis.Parcel) {
	f.Layer, f.ID, f.Geometry = Parcels, p.ID, p.Boundary
	f.Values = append(f.Values[:0],
		i64(p.ZoneID), str(p.LotCode), str(p.LandUse), str(p.Status),
		Value{Bool: p.Synthetic}, attrs(p.Attributes), f64(p.AreaM2), f64(p.AreaM2/1e4),
		i64(p.Version), Value{Time: p.UpdatedAt})
}

// GreenAreaFeature fills f with green area g.
func GreenAreaFeature(f *Feature, g *zonegis.GreenArea) {
	f.Layer, f.ID, f.Geometry = GreenAreas, g.ID, g.Boundary
	f.Values = append(f.Values[:0],
		i64(g.ZoneID), str(g.Kind), str(g.Name),
		Value{Bool: g.Synthetic}, attrs(g.Attributes), f64(g.AreaM2), f64(g.AreaM2/1e4),
		i64(g.Version), Value{Time: g.UpdatedAt})
}

// appendStringArray appends ss as a JSON array of strings.
func appendStringArray(b []byte, ss []string) []byte {
	b = append(b, '[')
	for i, s := range ss {
		if i > 0 {
			b = append(b, ',')
		}
		b = encode.AppendString(b, s)
	}
	return append(b, ']')
}
