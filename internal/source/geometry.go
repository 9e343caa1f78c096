package source

import (
	"fmt"
	"math"

	"github.com/paulmach/orb"
	geom "github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/wkb"
)

// decodeWKB reads ISO WKB (as OGR_G_ExportToIsoWkb writes it) with go-geom,
// which keeps Z and M, and returns the geometry in two dimensions as orb
// has it. hadZM says whether Z or M was there and is dropped. A geometry
// without any coordinate (POINT EMPTY) is nil.
func decodeWKB(b []byte) (g orb.Geometry, hadZM bool, err error) {
	t, err := wkb.Unmarshal(b)
	if err != nil {
		return nil, false, err
	}
	hadZM = t.Layout() != geom.XY && t.Layout() != geom.NoLayout
	g, err = toOrb(t)
	return g, hadZM, err
}

// toOrb converts a go-geom geometry to orb, keeping x and y of every
// coordinate: Z and M are dropped here, explicitly.
func toOrb(t geom.T) (orb.Geometry, error) {
	switch t := t.(type) {
	case *geom.Point:
		if t.Empty() || math.IsNaN(t.X()) {
			return nil, nil
		}
		return orb.Point{t.X(), t.Y()}, nil
	case *geom.MultiPoint:
		mp := make(orb.MultiPoint, 0, t.NumPoints())
		for i := range t.NumPoints() {
			if p := t.Point(i); !p.Empty() && !math.IsNaN(p.X()) {
				mp = append(mp, orb.Point{p.X(), p.Y()})
			}
		}
		return mp, nil
	case *geom.LineString:
		return lineString(t.FlatCoords(), t.Stride()), nil
	case *geom.MultiLineString:
		ml := make(orb.MultiLineString, t.NumLineStrings())
		for i := range ml {
			l := t.LineString(i)
			ml[i] = lineString(l.FlatCoords(), l.Stride())
		}
		return ml, nil
	case *geom.Polygon:
		return polygon(t), nil
	case *geom.MultiPolygon:
		mp := make(orb.MultiPolygon, t.NumPolygons())
		for i := range mp {
			mp[i] = polygon(t.Polygon(i))
		}
		return mp, nil
	case *geom.GeometryCollection:
		c := make(orb.Collection, 0, t.NumGeoms())
		for _, part := range t.Geoms() {
			g, err := toOrb(part)
			if err != nil {
				return nil, err
			}
			if g != nil {
				c = append(c, g)
			}
		}
		return c, nil
	}
	return nil, fmt.Errorf("geometry type %T is not supported", t)
}

// lineString keeps x, y of each coordinate of flat (stride values each).
func lineString(flat []float64, stride int) orb.LineString {
	ls := make(orb.LineString, len(flat)/stride)
	for i := range ls {
		ls[i] = orb.Point{flat[i*stride], flat[i*stride+1]}
	}
	return ls
}

func polygon(p *geom.Polygon) orb.Polygon {
	pg := make(orb.Polygon, p.NumLinearRings())
	for i := range pg {
		r := p.LinearRing(i)
		pg[i] = orb.Ring(lineString(r.FlatCoords(), r.Stride()))
	}
	return pg
}
