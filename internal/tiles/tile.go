// Package tiles serves Mapbox Vector Tiles (MVT 2.1) of the zones, parcels
// and green areas straight from the in-memory index, in the Web Mercator
// tiling scheme (EPSG:3857, XYZ: y grows southwards) that MapLibre and
// OpenLayers read.
//
// A tile is rendered by querying the index for the features whose bound
// meets the tile plus a buffer, projecting them to tile units (Extent per
// tile side), clipping to the buffered tile, simplifying by a tolerance of
// a fraction of a pixel (so the tolerance in metres halves with each zoom
// level), snapping to whole units and writing the MVT protobuf directly
// (shape.go, mvt.go), in buffers reused from tile to tile: a render
// allocates only the body it returns. Rendered tiles are kept in a
// byte-bounded LRU cache that the change-log follower invalidates tile by
// tile (see Cache).
package tiles

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// MaxZoom is the deepest zoom level served. At z22 a tile is about 10 m
// across at the equator; deeper levels only overzoom.
const MaxZoom = 22

// Tile is one tile of the XYZ scheme: at zoom Z the world is 2^Z × 2^Z
// tiles, X from the antimeridian eastwards, Y from the north (85.0511°N)
// southwards.
type Tile struct {
	Z, X, Y uint32
}

func (t Tile) String() string { return fmt.Sprintf("%d/%d/%d", t.Z, t.X, t.Y) }

// Valid reports whether t exists: Z at most MaxZoom and X, Y below 2^Z.
func (t Tile) Valid() bool {
	return t.Z <= MaxZoom && t.X < 1<<t.Z && t.Y < 1<<t.Z
}

// ParseError says which part of a tile address is wrong. OutOfRange is
// true for well-formed numbers that name no tile (x or y ≥ 2^z).
type ParseError struct {
	Msg        string
	OutOfRange bool
}

func (e *ParseError) Error() string { return e.Msg }

// Unwrap is the domain error: ENOTFOUND when OutOfRange, else EINVALID.
func (e *ParseError) Unwrap() error {
	if e.OutOfRange {
		return &zonegis.Error{Code: zonegis.ENOTFOUND, Message: e.Msg}
	}
	return &zonegis.Error{Code: zonegis.EINVALID, Message: e.Msg}
}

// Parse reads z, x and y path segments. y may carry the ".mvt" suffix
// the URL template uses. Malformed numbers and z beyond MaxZoom are
// *ParseError with OutOfRange false; x or y outside 0..2^z-1 have
// OutOfRange true (a well-formed address of a tile that does not exist).
func Parse(z, x, y string) (Tile, error) {
	y = strings.TrimSuffix(y, ".mvt")
	zn, err := parseUint("z", z, MaxZoom)
	if err != nil {
		return Tile{}, err
	}
	n := uint64(1)<<zn - 1
	xn, err := parseUint("x", x, math.MaxUint32)
	if err != nil {
		return Tile{}, err
	}
	yn, err := parseUint("y", y, math.MaxUint32)
	if err != nil {
		return Tile{}, err
	}
	if xn > n || yn > n {
		return Tile{}, &ParseError{Msg: fmt.Sprintf("tile %d/%d/%d does not exist: at zoom %d x and y go from 0 to %d", zn, xn, yn, zn, n), OutOfRange: true}
	}
	return Tile{Z: uint32(zn), X: uint32(xn), Y: uint32(yn)}, nil
}

// ParseLayer reads the path of a /tiles route: layer (one of Layers, else
// ENOTFOUND) and the tile (Parse).
func ParseLayer(layer, z, x, y string) (Tile, error) {
	if !KnownLayer(layer) {
		return Tile{}, zonegis.Errorf(zonegis.ENOTFOUND, "no tile layer %q; layers are %s", layer, strings.Join(Layers, ", "))
	}
	return Parse(z, x, y)
}

func parseUint(name, s string, maxV uint64) (uint64, error) {
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil || v > maxV {
		return 0, &ParseError{Msg: fmt.Sprintf("%s: want a whole number from 0 to %d, got %q", name, maxV, s)}
	}
	return v, nil
}

// maxLat is the latitude where Web Mercator's square world ends, degrees.
var maxLat = 180 / math.Pi * math.Atan(math.Sinh(math.Pi))

// worldX and worldY project lon/lat degrees to the unit square of Web
// Mercator: x from 0 (180°W) to 1 (180°E), y from 0 (north edge) to 1.
// Latitudes beyond ±maxLat clamp to the edge.
func worldX(lon float64) float64 { return (lon + 180) / 360 }

func worldY(lat float64) float64 {
	lat = max(-maxLat, min(maxLat, lat))
	s := math.Sin(lat * math.Pi / 180)
	return 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

// lonOf and latOf invert worldX and worldY.
func lonOf(x float64) float64 { return x*360 - 180 }

func latOf(y float64) float64 {
	return 180 / math.Pi * math.Atan(math.Sinh(math.Pi*(1-2*y)))
}

// Bound returns the tile's lon/lat bound (degrees), widened on every side
// by buffer, a fraction of the tile's side (0.25 adds a quarter tile), and
// cut to the world's edges.
func (t Tile) Bound(buffer float64) orb.Bound {
	n := float64(uint64(1) << t.Z)
	x0 := max(0, (float64(t.X)-buffer)/n)
	x1 := min(1, (float64(t.X)+1+buffer)/n)
	y0 := max(0, (float64(t.Y)-buffer)/n)
	y1 := min(1, (float64(t.Y)+1+buffer)/n)
	return orb.Bound{
		Min: orb.Point{lonOf(x0), latOf(y1)},
		Max: orb.Point{lonOf(x1), latOf(y0)},
	}
}

// At returns the tile at zoom z that holds the lon/lat point p.
func At(p orb.Point, z uint32) Tile {
	n := float64(uint64(1) << z)
	last := uint32(n - 1)
	x := uint32(min(max(math.Floor(worldX(p[0])*n), 0), float64(last)))
	y := uint32(min(max(math.Floor(worldY(p[1])*n), 0), float64(last)))
	return Tile{Z: z, X: x, Y: y}
}
