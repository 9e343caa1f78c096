package catalog

import (
	"errors"
	"net/url"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/cql2"
	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The parameters of OGC API - Features Part 3 that a search takes:
// a CQL2 filter, its encoding (cql2-text, the default, or cql2-json) and
// the CRS of its geometry literals (CRS84, the default, or EPSG:4326 in
// latitude, longitude order).
var FilterParams = []string{"filter", "filter-lang", "filter-crs"}

// MaxFilterWork is the work a filter may do in one request, in
// cql2.Program's units (a term evaluated, a geometry position compared, a
// byte folded or matched): a second or two of one core. Past it the request is refused
// (ETOOLARGE) rather than answered in part.
const MaxFilterWork = 20_000_000

// filter is a compiled filter for one collection's features; Query holds
// it as this interface, the collection's Find and Scan as the
// *cql2.Program[T] it is.
type filter interface {
	Err() error
	Close()
}

// parseFilter reads the filter parameters into q for the queryables qs.
func parseFilter[T any](q *Query, params url.Values, qs []cql2.Queryable[T]) error {
	src := params.Get("filter")
	lang := params.Get("filter-lang")
	fcrs := params.Get("filter-crs")
	if src == "" {
		if lang != "" || fcrs != "" {
			return invalid("filter-lang and filter-crs go with a filter; there is none")
		}
		return nil
	}
	var n *cql2.Node
	var err error
	switch lang {
	case "", "cql2-text":
		n, err = cql2.ParseText(src, cql2.DefaultLimits)
	case "cql2-json":
		n, err = cql2.ParseJSON(src, cql2.DefaultLimits)
	default:
		return invalid("filter-lang: %s is not cql2-text or cql2-json", zonegis.Quoted(lang))
	}
	if err != nil {
		return invalid("filter: %s", err.Error())
	}
	if fcrs != "" {
		c, err := crs.Parse(fcrs)
		if err != nil || c.EPSG != 4326 {
			return invalid("filter-crs: %s is not supported; give %s or http://www.opengis.net/def/crs/EPSG/0/4326", zonegis.Quoted(fcrs), CRS84)
		}
		if !strings.Contains(strings.ToUpper(fcrs), "CRS84") {
			// EPSG:4326 is latitude, longitude: swap to our longitude first
			n.Walk(func(n *cql2.Node) {
				if n.Geom != nil {
					n.Geom = swapAxes(n.Geom)
				}
			})
		}
	}
	p, err := cql2.Compile(n, qs, MaxFilterWork)
	if err != nil {
		return invalid("filter: %s", err.Error())
	}
	q.filter = p
	if len(p.Bounds) > 0 {
		q.Bounds = narrow(q.Bounds, p.Bounds)
	}
	return nil
}

// narrow returns the parts of boxes (all of the world when nil) that lie
// in every one of within: where a feature the filter keeps must be.
func narrow(boxes, within []orb.Bound) []orb.Bound {
	if boxes == nil {
		boxes = []orb.Bound{{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}}
	}
	out := []orb.Bound{}
	for _, b := range boxes {
		ok := true
		for _, w := range within {
			if !b.Intersects(w) {
				ok = false
				break
			}
			b = orb.Bound{Min: orb.Point{max(b.Min[0], w.Min[0]), max(b.Min[1], w.Min[1])},
				Max: orb.Point{min(b.Max[0], w.Max[0]), min(b.Max[1], w.Max[1])}}
		}
		if ok {
			out = append(out, b)
		}
	}
	return out
}

func swapAxes(g orb.Geometry) orb.Geometry {
	sw := func(ps []orb.Point) {
		for i, p := range ps {
			ps[i] = orb.Point{p[1], p[0]}
		}
	}
	switch g := g.(type) {
	case orb.Point:
		return orb.Point{g[1], g[0]}
	case orb.MultiPoint:
		sw(g)
	case orb.LineString:
		sw(g)
	case orb.MultiLineString:
		for _, l := range g {
			sw(l)
		}
	case orb.Polygon:
		for _, r := range g {
			sw(r)
		}
	case orb.MultiPolygon:
		for _, p := range g {
			for _, r := range p {
				sw(r)
			}
		}
	case orb.Bound:
		return orb.Bound{Min: orb.Point{g.Min[1], g.Min[0]}, Max: orb.Point{g.Max[1], g.Max[0]}}
	case orb.Collection:
		for i, x := range g {
			g[i] = swapAxes(x)
		}
	}
	return g
}

// FilterErr is the error of a search whose filter ran out of its work
// budget (ETOOLARGE, saying how to narrow it), or nil.
func (q *Query) FilterErr() error {
	if q.filter == nil {
		return nil
	}
	if err := q.filter.Err(); errors.Is(err, cql2.ErrBudget) {
		return zonegis.Errorf(zonegis.ETOOLARGE, "filter: evaluating it over this collection needs more than the %d units of work a request may do; narrow it with a bbox, a spatial function or zone", MaxFilterWork)
	}
	return nil
}

// Close frees what q's filter holds.
func (q *Query) Close() {
	if q.filter != nil {
		q.filter.Close()
	}
}

// program is q's filter for features *T, or nil.
func program[T any](q *Query) *cql2.Program[T] {
	p, _ := q.filter.(*cql2.Program[T])
	return p
}

// The queryables' readers.
func str(s string) cql2.Value { return cql2.Value{S: s} }

func optStr(s string) cql2.Value { return cql2.Value{S: s, Null: s == ""} }

func num(f float64) cql2.Value { return cql2.Value{N: f} }

func optInt32(v *int32) cql2.Value {
	if v == nil {
		return cql2.Value{Null: true}
	}
	return cql2.Value{N: float64(*v)}
}

func optDate(t *time.Time) cql2.Value {
	if t == nil {
		return cql2.Value{Null: true}
	}
	return cql2.Value{T: *t}
}

func common[T any](id func(*T) int64, area func(*T) float64, version func(*T) int64, updated func(*T) time.Time, geom func(*T) orb.MultiPolygon) []cql2.Queryable[T] {
	return []cql2.Queryable[T]{
		{Name: "id", Type: cql2.Integer, Description: "The feature's id", Get: func(v *T) cql2.Value { return num(float64(id(v))) }},
		{Name: "area_m2", Type: cql2.Number, Description: "Geodesic area, m²", Get: func(v *T) cql2.Value { return num(area(v)) }},
		{Name: "area_ha", Type: cql2.Number, Description: "Geodesic area, hectares", Get: func(v *T) cql2.Value { return num(area(v) / 10000) }},
		{Name: "version", Type: cql2.Integer, Description: "Writes of the record", Get: func(v *T) cql2.Value { return num(float64(version(v))) }},
		{Name: "updated_at", Type: cql2.Timestamp, Description: "Last write", Get: func(v *T) cql2.Value { return cql2.Value{T: updated(v).UTC()} }},
		{Name: "geometry", Type: cql2.Geometry, Description: "Boundary (MultiPolygon, CRS84)", Geom: geom},
	}
}

// investorQueryables are a zone's investor facts as queryables (numbers
// and text, null while unknown; rent_term_ends, a list, is not one).
func investorQueryables() []cql2.Queryable[zonegis.Zone] {
	var out []cql2.Queryable[zonegis.Zone]
	for _, fl := range zonegis.InvestorFields {
		q := cql2.Queryable[zonegis.Zone]{Name: fl.Name, Type: cql2.String, Description: fl.Title}
		if fl.Num != nil {
			q.Type, q.Get = cql2.Number, func(z *zonegis.Zone) cql2.Value {
				if v := *fl.Num(&z.Investor); v != nil {
					return num(*v)
				}
				return cql2.Value{Null: true}
			}
		} else {
			q.Get = func(z *zonegis.Zone) cql2.Value { return optStr(*fl.Text(&z.Investor)) }
		}
		out = append(out, q)
	}
	return out
}

var (
	zoneQueryables = append([]cql2.Queryable[zonegis.Zone]{
		{Name: "code", Type: cql2.String, Get: func(z *zonegis.Zone) cql2.Value { return str(z.Code) }},
		{Name: "name_vi", Type: cql2.String, Description: "Vietnamese name", Get: func(z *zonegis.Zone) cql2.Value { return str(z.NameVI) }},
		{Name: "name_en", Type: cql2.String, Get: func(z *zonegis.Zone) cql2.Value { return str(z.NameEN) }},
		{Name: "kind", Type: cql2.String, Enum: zonegis.ZoneKinds, Get: func(z *zonegis.Zone) cql2.Value { return str(z.Kind) }},
		{Name: "parent_id", Type: cql2.Integer, Description: "The economic zone it lies in", Get: func(z *zonegis.Zone) cql2.Value {
			if z.ParentID == nil {
				return cql2.Value{Null: true}
			}
			return num(float64(*z.ParentID))
		}},
		{Name: "board_id", Type: cql2.String, Get: func(z *zonegis.Zone) cql2.Value { return optStr(z.BoardID) }},
		{Name: "province", Type: cql2.String, Get: func(z *zonegis.Zone) cql2.Value { return str(z.Province) }},
		{Name: "status", Type: cql2.String, Enum: zonegis.ZoneStatuses, Get: func(z *zonegis.Zone) cql2.Value { return str(z.Status) }},
		{Name: "model", Type: cql2.String, Enum: zonegis.ZoneModels, Get: func(z *zonegis.Zone) cql2.Value { return str(z.Model) }},
		{Name: "established", Type: cql2.Date, Get: func(z *zonegis.Zone) cql2.Value { return optDate(z.Established) }},
		{Name: "enterprises", Type: cql2.Integer, Get: func(z *zonegis.Zone) cql2.Value { return optInt32(z.Enterprises) }},
		{Name: "workers", Type: cql2.Integer, Get: func(z *zonegis.Zone) cql2.Value { return optInt32(z.Workers) }},
		{Name: "source", Type: cql2.String, Get: func(z *zonegis.Zone) cql2.Value { return str(z.Source) }},
	}, append(investorQueryables(), common(func(z *zonegis.Zone) int64 { return z.ID }, func(z *zonegis.Zone) float64 { return z.AreaM2 },
		func(z *zonegis.Zone) int64 { return z.Version }, func(z *zonegis.Zone) time.Time { return z.UpdatedAt },
		func(z *zonegis.Zone) orb.MultiPolygon { return z.Boundary })...)...)
	parcelQueryables = append([]cql2.Queryable[zonegis.Parcel]{
		{Name: "zone_id", Type: cql2.Integer, Get: func(p *zonegis.Parcel) cql2.Value { return num(float64(p.ZoneID)) }},
		{Name: "lot_code", Type: cql2.String, Get: func(p *zonegis.Parcel) cql2.Value { return str(p.LotCode) }},
		{Name: "land_use", Type: cql2.String, Enum: zonegis.LandUses, Get: func(p *zonegis.Parcel) cql2.Value { return str(p.LandUse) }},
		{Name: "status", Type: cql2.String, Enum: zonegis.ParcelStatuses, Description: "As of today", Get: func(p *zonegis.Parcel) cql2.Value { return str(p.Status) }},
		{Name: "synthetic", Type: cql2.Boolean, Get: func(p *zonegis.Parcel) cql2.Value { return cql2.Value{B: p.Synthetic} }},
	}, common(func(p *zonegis.Parcel) int64 { return p.ID }, func(p *zonegis.Parcel) float64 { return p.AreaM2 },
		func(p *zonegis.Parcel) int64 { return p.Version }, func(p *zonegis.Parcel) time.Time { return p.UpdatedAt },
		func(p *zonegis.Parcel) orb.MultiPolygon { return p.Boundary })...)
	greenQueryables = append([]cql2.Queryable[zonegis.GreenArea]{
		{Name: "zone_id", Type: cql2.Integer, Get: func(g *zonegis.GreenArea) cql2.Value { return num(float64(g.ZoneID)) }},
		{Name: "kind", Type: cql2.String, Enum: zonegis.GreenKinds, Get: func(g *zonegis.GreenArea) cql2.Value { return str(g.Kind) }},
		{Name: "name", Type: cql2.String, Get: func(g *zonegis.GreenArea) cql2.Value { return str(g.Name) }},
		{Name: "synthetic", Type: cql2.Boolean, Get: func(g *zonegis.GreenArea) cql2.Value { return cql2.Value{B: g.Synthetic} }},
	}, common(func(g *zonegis.GreenArea) int64 { return g.ID }, func(g *zonegis.GreenArea) float64 { return g.AreaM2 },
		func(g *zonegis.GreenArea) int64 { return g.Version }, func(g *zonegis.GreenArea) time.Time { return g.UpdatedAt },
		func(g *zonegis.GreenArea) orb.MultiPolygon { return g.Boundary })...)
)

// Queryables is the collection's queryables document (OGC API - Features
// Part 3, a JSON Schema 2020-12 of the properties a filter may name), with
// its $id under base.
func (c *Collection[T]) Queryables(base string) map[string]any {
	props := map[string]any{}
	for _, q := range c.queryables {
		s := map[string]any{}
		switch q.Type {
		case cql2.String:
			s["type"] = "string"
		case cql2.Number:
			s["type"] = "number"
		case cql2.Integer:
			s["type"] = "integer"
		case cql2.Boolean:
			s["type"] = "boolean"
		case cql2.Date:
			s["type"], s["format"] = "string", "date"
		case cql2.Timestamp:
			s["type"], s["format"] = "string", "date-time"
		case cql2.Geometry:
			s["format"] = "geometry-multipolygon"
			s["$ref"] = "https://geojson.org/schema/MultiPolygon.json"
		}
		if q.Enum != nil {
			s["enum"] = q.Enum
		}
		if q.Description != "" {
			s["description"] = q.Description
		}
		s["title"] = q.Name
		props[q.Name] = s
	}
	return map[string]any{
		"$schema":              "https://json-schema.org/draft/2020-12/schema",
		"$id":                  base + "/collections/" + c.name + "/queryables",
		"type":                 "object",
		"title":                c.title,
		"properties":           props,
		"additionalProperties": false,
	}
}
