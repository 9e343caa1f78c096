package tiles

import (
	"fmt"
	"math"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"github.com/zonegis/zonegis/geodata"
)

// The context layers: where the zones are. Provinces (the 34 of 1 July
// 2025) and the wards and communes (2025) of Hà Nội, Hải Phòng and Hồ Chí
// Minh City, from geodata (MIT; not legal boundaries), drawn by the web
// map under the zones, with their names. They are reference data that
// never change while the server runs: read from the embedded files at the
// first tile asked of them, then kept (contextData); the tile cache keeps
// their tiles as it keeps the others', and no change of the land records
// invalidates them.
//
// Each tile has two MVT layers: the polygons (LayerProvinces or
// LayerWards) and one point per unit to hang its name on (ProvinceLabels,
// WardLabels), only in the tile that holds the point, so a name is drawn
// once however many tiles the unit spans.
const (
	LayerProvinces = "provinces"
	LayerWards     = "wards"
	ProvinceLabels = "province-labels"
	WardLabels     = "ward-labels"
)

// Zooms of the context layers: wards are drawn from WardsMinZoom (a city
// is then a few hundred pixels across), and neither has detail to add
// past ContextMaxZoom (clients overzoom).
const (
	WardsMinZoom   = 8
	ContextMaxZoom = 14
)

// contextTolerancePx is the simplification of a context tile: half a
// pixel of a 512-pixel tile. The boundaries are generalised to ~100 m at
// the source, so at low zooms most of their vertices fall within a pixel
// of one another; pre-simplified per zoom (contextLayer.levels), a z5 tile of
// the whole country reads a few thousand vertices instead of every one.
const contextTolerancePx = 0.5

// presimplifiedZooms: zooms below this get a geometry simplified for
// them ahead; deeper tiles clip the full one.
const presimplifiedZooms = 12

// place is one province or ward.
type place struct {
	id                   uint64
	code, nameVI, nameEN string
	province             string // a ward's province; "" for a province
	boundary             orb.MultiPolygon
	bound                orb.Bound
	label                orb.Point // inside the boundary: where the name goes
}

// contextLayer is a context tile set's places.
type contextLayer struct {
	name, labels string
	places       []place
	bound        orb.Bound
	// levels[z] are the places' boundaries simplified for zoom z, in the
	// order of places, made at the first tile of that zoom.
	levels [presimplifiedZooms]struct {
		once sync.Once
		mps  []orb.MultiPolygon
	}
}

// at is the boundaries of l's places for a tile at zoom z.
func (l *contextLayer) at(z uint32) func(i int) orb.MultiPolygon {
	if z >= presimplifiedZooms {
		return func(i int) orb.MultiPolygon { return l.places[i].boundary }
	}
	lv := &l.levels[z]
	lv.once.Do(func() {
		lv.mps = make([]orb.MultiPolygon, len(l.places))
		for i := range l.places {
			lv.mps[i] = simplifyFor(l.places[i].boundary, z)
		}
	})
	return func(i int) orb.MultiPolygon { return lv.mps[i] }
}

// minZoom is the first zoom whose tiles draw l.
func (l *contextLayer) minZoom() int {
	if l.name == LayerWards {
		return WardsMinZoom
	}
	return 0
}

// contextData reads the context layers once, at the first tile or TileJSON
// asked of provinces or wards (about a second of a core: not at start-up,
// where it competed with the index's load); an error would be a broken
// embedded file, which the tests read.
var contextData = sync.OnceValues(func() (map[string]*contextLayer, error) {
	contextRead.Store(true)
	provinces, err := readPlaces(LayerProvinces, ProvinceLabels, geodata.Provinces)
	if err != nil {
		return nil, err
	}
	wards, err := readPlaces(LayerWards, WardLabels, geodata.Wards...)
	if err != nil {
		return nil, err
	}
	return map[string]*contextLayer{LayerProvinces: provinces, LayerWards: wards}, nil
})

// contextRead is set when contextData starts reading.
var contextRead atomic.Bool

// ContextRead reports whether this process has read the context layers
// (or is reading them): they are read at the first tile or TileJSON of
// LayerProvinces or LayerWards, never before.
func ContextRead() bool { return contextRead.Load() }

// contextLayerOf is the context layer named layer, or nil.
func contextLayerOf(layer string) *contextLayer {
	if layer != LayerProvinces && layer != LayerWards {
		return nil
	}
	m, err := contextData()
	if err != nil {
		panic(err) // the embedded files are read by TestContextData: cannot fail in a build that passed it
	}
	return m[layer]
}

// readPlaces reads GeoJSON FeatureCollections of provinces (properties
// code, name_vi, name_en) or wards (code, name, name_en, province_name).
func readPlaces(name, labels string, files ...[]byte) (*contextLayer, error) {
	l := &contextLayer{name: name, labels: labels}
	for _, b := range files {
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		for _, f := range fc.Features {
			var mp orb.MultiPolygon
			switch g := f.Geometry.(type) {
			case orb.Polygon:
				mp = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				mp = g
			default:
				return nil, fmt.Errorf("%s: feature %v is a %s, want a polygon", name, f.Properties["code"], f.Geometry.GeoJSONType())
			}
			p := place{
				code: f.Properties.MustString("code", ""), nameEN: f.Properties.MustString("name_en", ""),
				nameVI: f.Properties.MustString("name_vi", f.Properties.MustString("name", "")), province: f.Properties.MustString("province_name", ""),
				boundary: mp, bound: mp.Bound(), label: labelPoint(mp),
			}
			if p.code == "" || p.nameVI == "" {
				return nil, fmt.Errorf("%s: a feature without code or name", name)
			}
			l.places = append(l.places, p)
		}
	}
	slices.SortFunc(l.places, func(a, b place) int {
		if a.code < b.code {
			return -1
		}
		return 1
	})
	for i := range l.places {
		l.places[i].id = uint64(i + 1)
		if i == 0 {
			l.bound = l.places[i].bound
		}
		l.bound = l.bound.Union(l.places[i].bound)
	}
	return l, nil
}

// simplifyFor is mp simplified (Douglas–Peucker, in degrees) by half the
// rendering tolerance of a tile at zoom z, so that the tile's own
// simplification still has the last word; rings that collapse are dropped,
// a polygon whose exterior ring does with its holes.
func simplifyFor(mp orb.MultiPolygon, z uint32) orb.MultiPolygon {
	// degrees of longitude per 512-px tile pixel at zoom z; latitude's are
	// fewer in Vietnam (Mercator stretches them), so this errs on detail.
	tol := 360 / float64(uint64(512)<<z) * contextTolerancePx / 2
	var out orb.MultiPolygon
	for _, poly := range mp {
		var np orb.Polygon
		for i, r := range poly {
			s := simplify.DouglasPeucker(tol).Ring(r.Clone())
			if len(s) < 4 {
				if i == 0 {
					break
				}
				continue
			}
			np = append(np, s)
		}
		if len(np) > 0 {
			out = append(out, np)
		}
	}
	return out
}

// labelPoint is a point inside mp where its name can go: on the largest
// polygon, the middle of the widest run inside it along one of nine
// parallels across its bound (rings and holes counted even-odd, so the
// point lies inside, off the holes). Not the pole of inaccessibility, but
// inside, and well away from the edges of compact shapes.
func labelPoint(mp orb.MultiPolygon) orb.Point {
	var poly orb.Polygon
	best := -1.0
	for _, p := range mp {
		if a := math.Abs(planar.Area(p)); a > best {
			best, poly = a, p
		}
	}
	b := poly.Bound()
	var at orb.Point
	widest := -1.0
	for k := 1; k <= 9; k++ {
		y := b.Min[1] + (b.Max[1]-b.Min[1])*float64(k)/10
		var xs []float64
		for _, r := range poly {
			for i := 0; i+1 < len(r); i++ {
				a, c := r[i], r[i+1]
				if (a[1] <= y) != (c[1] <= y) {
					xs = append(xs, a[0]+(y-a[1])*(c[0]-a[0])/(c[1]-a[1]))
				}
			}
		}
		slices.Sort(xs)
		for i := 0; i+1 < len(xs); i += 2 {
			// Weigh runs near the middle parallel a little higher.
			w := (xs[i+1] - xs[i]) * (1 - 0.3*math.Abs(float64(k-5))/4)
			if w > widest {
				widest, at = w, orb.Point{(xs[i] + xs[i+1]) / 2, y}
			}
		}
	}
	if widest < 0 {
		return b.Center()
	}
	return at
}

// Context tile keys, in the order of their names.
var (
	provinceKeys = []string{"code", "name_en", "name_vi"}
	wardKeys     = []string{"code", "name_en", "name_vi", "province"}
)

// context writes the tile t of the context layer l to e.
func (e *tileEncoder) context(l *contextLayer, t Tile, q orb.Bound) {
	keys := provinceKeys
	if l.name == LayerWards {
		keys = wardKeys
	}
	if int(t.Z) < l.minZoom() {
		return
	}
	tag := func(p *place) {
		e.tagString(0, p.code)
		e.tagString(1, p.nameEN)
		e.tagString(2, p.nameVI)
		if l.name == LayerWards {
			e.tagString(3, p.province)
		}
	}
	e.beginLayer(keys)
	boundary := l.at(t.Z)
	for i := range l.places {
		p := &l.places[i]
		if !p.bound.Intersects(q) {
			continue
		}
		if e.shape(boundary(i)) {
			tag(p)
			e.endFeature(p.id)
		}
	}
	e.endLayer(l.name)
	e.beginLayer(keys)
	n := float64(uint64(1) << t.Z)
	ext := float64(e.extent)
	for i := range l.places {
		p := &l.places[i]
		x := (worldX(p.label[0])*n - float64(t.X)) * ext
		y := (worldY(p.label[1])*n - float64(t.Y)) * ext
		if x < 0 || y < 0 || x >= ext || y >= ext {
			continue
		}
		e.geom = e.geom[:0]
		e.cx, e.cy = 0, 0
		e.geom = appendVarint(e.geom, command(cmdMoveTo, 1))
		e.point(ipoint{int32(x), int32(y)})
		tag(p)
		e.endFeatureType(p.id, geomPoint)
	}
	e.endLayer(l.labels)
}
