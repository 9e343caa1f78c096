package cql2

import (
	"github.com/paulmach/orb"
	"github.com/twpayne/go-geos"
)

// geosCtx is a program's own GEOS context: a context serialises its
// calls, so one per request keeps requests from waiting on each other.
type geosCtx struct{ c *geos.Context }

func (g *geosCtx) close() {}

// toGEOS converts an orb geometry (a literal or a feature's boundary).
func toGEOS(c *geos.Context, g orb.Geometry) *geos.Geom {
	switch g := g.(type) {
	case orb.Point:
		return c.NewPoint([]float64{g[0], g[1]})
	case orb.MultiPoint:
		gs := make([]*geos.Geom, len(g))
		for i, p := range g {
			gs[i] = c.NewPoint([]float64{p[0], p[1]})
		}
		return c.NewCollection(geos.TypeIDMultiPoint, gs)
	case orb.LineString:
		return c.NewLineString(coords(g))
	case orb.MultiLineString:
		gs := make([]*geos.Geom, len(g))
		for i, l := range g {
			gs[i] = c.NewLineString(coords(l))
		}
		return c.NewCollection(geos.TypeIDMultiLineString, gs)
	case orb.Polygon:
		return c.NewPolygon(rings(g))
	case orb.MultiPolygon:
		gs := make([]*geos.Geom, len(g))
		for i, p := range g {
			gs[i] = c.NewPolygon(rings(p))
		}
		return c.NewCollection(geos.TypeIDMultiPolygon, gs)
	case orb.Bound:
		return c.NewGeomFromBounds(g.Min[0], g.Min[1], g.Max[0], g.Max[1])
	case orb.Collection:
		gs := make([]*geos.Geom, len(g))
		for i, x := range g {
			gs[i] = toGEOS(c, x)
		}
		return c.NewCollection(geos.TypeIDGeometryCollection, gs)
	}
	return c.NewEmptyCollection(geos.TypeIDGeometryCollection)
}

func coords(ps []orb.Point) [][]float64 {
	out := make([][]float64, len(ps))
	for i, p := range ps {
		out[i] = []float64{p[0], p[1]}
	}
	return out
}

func rings(pg orb.Polygon) [][][]float64 {
	out := make([][][]float64, len(pg))
	for i, r := range pg {
		out[i] = coords(r)
	}
	return out
}

func vertices(g orb.Geometry) int {
	switch g := g.(type) {
	case orb.Point:
		return 1
	case orb.MultiPoint:
		return len(g)
	case orb.LineString:
		return len(g)
	case orb.MultiLineString:
		n := 0
		for _, l := range g {
			n += len(l)
		}
		return n
	case orb.Polygon:
		n := 0
		for _, r := range g {
			n += len(r)
		}
		return n
	case orb.MultiPolygon:
		n := 0
		for _, p := range g {
			n += vertices(p)
		}
		return n
	case orb.Bound:
		return 5
	case orb.Collection:
		n := 0
		for _, x := range g {
			n += vertices(x)
		}
		return n
	}
	return 0
}

// spatial compiles S_…(a, b): one of them the collection's geometry
// queryable, the other a literal (or both literals). The literal is
// prepared once; each feature's geometry is tested first by its bound.
func (c *compiler[T]) spatial(n *Node) (func(*T) tri, error) {
	if _, ok := spatialOps[n.Op]; !ok {
		return nil, errAt(n.Pos, n.Op, "unknown spatial function")
	}
	a, b := n.Args[0], n.Args[1]
	op := n.Op
	if a.Op != "property" && b.Op == "property" {
		a, b, op = b, a, converse[op]
	}
	if b.Op != "geometry" && b.Op != "bbox" {
		return nil, errAt(b.Pos, opText(b), "%s compares the geometry with a geometry literal (WKT, GeoJSON or BBOX)", n.Op)
	}
	if c.prog.geos == nil {
		c.prog.geos = &geosCtx{c: geos.NewContext()}
	}
	ctx := c.prog.geos.c
	lit, err := literal(ctx, b)
	if err != nil {
		return nil, err
	}
	litBound, litN := b.Geom.Bound(), int64(vertices(b.Geom))
	p := c.prog
	rel := spatialOps[op]
	if a.Op == "geometry" || a.Op == "bbox" {
		other, err := literal(ctx, a)
		if err != nil {
			return nil, err
		}
		r := truth(safeRel(rel, lit, other) == yes)
		return func(*T) tri { return r }, nil
	}
	q, err := c.queryable(a)
	if err != nil {
		return nil, err
	}
	if q.Geom == nil {
		return nil, errAt(a.Pos, a.Name, "%s is not a geometry (%s)", a.Name, q.Type)
	}
	prep := lit.Prepare()
	return func(v *T) tri {
		mp := q.Geom(v)
		if len(mp) == 0 {
			return unknown
		}
		p.spent++
		if !mp.Bound().Intersects(litBound) {
			return truth(op == "s_disjoint")
		}
		p.spent += litN + int64(vertices(mp))
		f := toGEOS(ctx, mp)
		defer f.Destroy()
		return safeRel(relFunc(func(_, g *geos.Geom) bool { return rel.prepared(prep, g, lit) }), lit, f)
	}, nil
}

// literal converts a geometry literal, refusing one GEOS finds invalid
// (a self-crossing ring): its relations would be undefined.
func literal(c *geos.Context, n *Node) (*geos.Geom, error) {
	g := toGEOS(c, n.Geom)
	if !g.IsValid() {
		return nil, errAt(n.Pos, opText(n), "the geometry literal is not valid (%s)", g.IsValidReason())
	}
	return g, nil
}

// safeRel runs a GEOS relation, turning its error (a panic in go-geos)
// into unknown.
func safeRel(rel interface{ plain(a, b *geos.Geom) bool }, lit, f *geos.Geom) (r tri) {
	defer func() {
		if recover() != nil {
			r = unknown
		}
	}()
	return truth(rel.plain(lit, f))
}

// relation is one spatial function; plain(l, f) and prepared(pl, f, l)
// both say whether feature f relates to literal l (f first, as in S_…(geometry, l)).
type relation struct {
	plainFn    func(l, f *geos.Geom) bool
	preparedFn func(pl *geos.PrepGeom, f, l *geos.Geom) bool
}

func (r relation) plain(l, f *geos.Geom) bool { return r.plainFn(l, f) }
func (r relation) prepared(pl *geos.PrepGeom, f, l *geos.Geom) bool {
	if r.preparedFn == nil {
		return r.plainFn(l, f)
	}
	return r.preparedFn(pl, f, l)
}

type relFunc func(l, f *geos.Geom) bool

func (r relFunc) plain(l, f *geos.Geom) bool { return r(l, f) }

var spatialOps = map[string]relation{
	"s_intersects": {func(l, f *geos.Geom) bool { return f.Intersects(l) }, func(pl *geos.PrepGeom, f, _ *geos.Geom) bool { return pl.Intersects(f) }},
	"s_disjoint":   {func(l, f *geos.Geom) bool { return f.Disjoint(l) }, func(pl *geos.PrepGeom, f, _ *geos.Geom) bool { return pl.Disjoint(f) }},
	"s_equals":     {func(l, f *geos.Geom) bool { return f.Equals(l) }, nil},
	"s_touches":    {func(l, f *geos.Geom) bool { return f.Touches(l) }, func(pl *geos.PrepGeom, f, _ *geos.Geom) bool { return pl.Touches(f) }},
	"s_overlaps":   {func(l, f *geos.Geom) bool { return f.Overlaps(l) }, func(pl *geos.PrepGeom, f, _ *geos.Geom) bool { return pl.Overlaps(f) }},
	"s_crosses":    {func(l, f *geos.Geom) bool { return f.Crosses(l) }, nil},
	// f within l: l contains f
	"s_within": {func(l, f *geos.Geom) bool { return f.Within(l) }, func(pl *geos.PrepGeom, f, _ *geos.Geom) bool { return pl.Contains(f) }},
	// f contains l: l within f
	"s_contains": {func(l, f *geos.Geom) bool { return f.Contains(l) }, func(pl *geos.PrepGeom, f, _ *geos.Geom) bool { return pl.Within(f) }},
}

// converse is the function with its arguments swapped: S_WITHIN(l, g) is
// S_CONTAINS(g, l).
var converse = map[string]string{"s_intersects": "s_intersects", "s_disjoint": "s_disjoint", "s_equals": "s_equals",
	"s_touches": "s_touches", "s_overlaps": "s_overlaps", "s_crosses": "s_crosses", "s_within": "s_contains", "s_contains": "s_within"}

// spatialBounds are the bounds of the literals of the spatial functions
// (all but S_DISJOINT, each true only where the geometries meet) among
// n's top-level conjuncts: every feature n keeps intersects each of them.
func spatialBounds(n *Node) []orb.Bound {
	var out []orb.Bound
	var visit func(*Node)
	visit = func(n *Node) {
		switch {
		case n.Op == "and":
			for _, a := range n.Args {
				visit(a)
			}
		case n.Op != "s_disjoint" && spatialOps[n.Op].plainFn != nil:
			for _, a := range n.Args {
				if a.Op == "geometry" || a.Op == "bbox" {
					out = append(out, a.Geom.Bound())
					return
				}
			}
		}
	}
	visit(n)
	return out
}
