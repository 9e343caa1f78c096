package tiles

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Layer names: one MVT layer per collection, named as the collection, and
// "all", a tile holding the three layers at once (what the web map reads).
const (
	LayerZones      = zonegis.CollectionZones
	LayerParcels    = zonegis.CollectionParcels
	LayerGreenAreas = zonegis.CollectionGreenAreas
	LayerAll        = "all"
)

// Layers lists the tile sets served, in drawing order.
var Layers = []string{LayerZones, LayerGreenAreas, LayerParcels, LayerAll}

// KnownLayer reports whether name is one of Layers.
func KnownLayer(name string) bool {
	for _, l := range Layers {
		if l == name {
			return true
		}
	}
	return false
}

// Zoom range of the data. Below DetailMinZoom (z10: a tile about 39 km
// across) parcels and green areas are smaller than a pixel or two, and a
// tile would hold every lot of a province, so their layers are left out
// and the tiles hold zones only. Above DataMaxZoom clients overzoom; the
// server still answers deeper tiles up to MaxZoom.
const (
	ZonesMinZoom  = 0
	DetailMinZoom = 10
	DataMaxZoom   = 16
)

// Rendering defaults, in tile units (Extent units per tile side).
const (
	// DefaultExtent is the MVT extent: a 512-pixel tile gets 8 units per
	// pixel.
	DefaultExtent = 4096
	// DefaultBufferUnits is how far beyond the tile edges geometry is kept
	// (1/64 of a tile, 8 px at 512 px), so that strokes at the edges join.
	DefaultBufferUnits = 64
	// DefaultToleranceUnits is the Douglas-Peucker tolerance: one unit,
	// 1/8 of a pixel at 512 px, about 0.6 m at z15 in Vietnam, 1.2 m at
	// z14 and so on, halving with every zoom level.
	DefaultToleranceUnits = 1
)

// renderer draws tiles from a snapshot. Its zero value is not usable; see
// newRenderer.
type renderer struct {
	extent    uint32
	buffer    float64 // tile units
	simplify  *simplify.DouglasPeuckerSimplifier
	box       orb.Bound // buffered tile, tile units
	bufferFrc float64   // buffer as a fraction of the tile side
}

func newRenderer(extent uint32, bufferUnits, toleranceUnits float64) *renderer {
	r := &renderer{extent: extent, buffer: bufferUnits, bufferFrc: bufferUnits / float64(extent)}
	if toleranceUnits > 0 {
		r.simplify = simplify.DouglasPeucker(toleranceUnits)
	}
	e := float64(extent)
	r.box = orb.Bound{Min: orb.Point{-bufferUnits, -bufferUnits}, Max: orb.Point{e + bufferUnits, e + bufferUnits}}
	return r
}

// render encodes the tile t of layer from snap as an uncompressed MVT.
// A tile with no feature is a valid MVT of no bytes.
func (r *renderer) render(snap *index.Snapshot, layer string, t Tile) ([]byte, error) {
	var ls mvt.Layers
	add := func(name string, fs []*geojson.Feature) {
		if len(fs) > 0 {
			ls = append(ls, &mvt.Layer{Name: name, Version: 2, Extent: r.extent, Features: fs})
		}
	}
	if layer == LayerZones || layer == LayerAll {
		add(LayerZones, r.zones(snap, t))
	}
	if t.Z >= DetailMinZoom {
		if layer == LayerGreenAreas || layer == LayerAll {
			add(LayerGreenAreas, r.greens(snap, t))
		}
		if layer == LayerParcels || layer == LayerAll {
			add(LayerParcels, r.parcels(snap, t))
		}
	}
	if len(ls) == 0 {
		return []byte{}, nil
	}
	return mvt.Marshal(ls)
}

func (r *renderer) zones(snap *index.Snapshot, t Tile) []*geojson.Feature {
	pr := newProjector(t, r.extent)
	var fs []*geojson.Feature
	snap.ZonesInBound(t.Bound(r.bufferFrc), func(z *zonegis.Zone) bool {
		if g := r.shape(pr, z.Boundary); g != nil {
			f := geojson.NewFeature(g)
			f.ID = uint64(z.ID)
			f.Properties = geojson.Properties{
				"id": z.ID, "code": z.Code, "name_vi": z.NameVI, "name_en": z.NameEN,
				"kind": z.Kind, "status": z.Status, "area_ha": roundHa(z.AreaM2),
			}
			fs = append(fs, f)
		}
		return true
	})
	return fs
}

func (r *renderer) parcels(snap *index.Snapshot, t Tile) []*geojson.Feature {
	pr := newProjector(t, r.extent)
	var fs []*geojson.Feature
	snap.ParcelsInBound(t.Bound(r.bufferFrc), func(p *zonegis.Parcel) bool {
		if g := r.shape(pr, p.Boundary); g != nil {
			f := geojson.NewFeature(g)
			f.ID = uint64(p.ID)
			f.Properties = geojson.Properties{
				"id": p.ID, "lot_code": p.LotCode, "status": p.Status, "land_use": p.LandUse,
				"area_ha": roundHa(p.AreaM2), "zone_id": p.ZoneID,
			}
			fs = append(fs, f)
		}
		return true
	})
	return fs
}

func (r *renderer) greens(snap *index.Snapshot, t Tile) []*geojson.Feature {
	pr := newProjector(t, r.extent)
	var fs []*geojson.Feature
	snap.GreenAreasInBound(t.Bound(r.bufferFrc), func(g *zonegis.GreenArea) bool {
		if geom := r.shape(pr, g.Boundary); geom != nil {
			f := geojson.NewFeature(geom)
			f.ID = uint64(g.ID)
			f.Properties = geojson.Properties{
				"id": g.ID, "kind": g.Kind, "name": g.Name, "zone_id": g.ZoneID, "area_ha": roundHa(g.AreaM2),
			}
			fs = append(fs, f)
		}
		return true
	})
	return fs
}

// roundHa converts square metres to hectares with 4 decimals (1 m²).
func roundHa(m2 float64) float64 { return math.Round(m2) / 10000 }

// shape projects mp to tile units, clips it to the buffered tile,
// simplifies it, snaps it to whole units and orients its rings as MVT
// wants them (exterior rings with positive area in the y-down tile
// coordinates, holes negative). Rings that collapse are dropped, and a
// polygon whose exterior collapses is dropped with its holes. It returns
// nil when nothing is left. mp is not modified.
func (r *renderer) shape(pr projector, mp orb.MultiPolygon) orb.Geometry {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var op orb.Polygon
		for i, ring := range poly {
			tr := r.ring(pr, ring, i == 0)
			if tr == nil {
				if i == 0 {
					break
				}
				continue
			}
			op = append(op, tr)
		}
		if len(op) > 0 {
			out = append(out, op)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// ring projects, clips, simplifies, snaps and orients one ring; nil when
// it collapses.
func (r *renderer) ring(pr projector, ring orb.Ring, exterior bool) orb.Ring {
	if len(ring) < 4 {
		return nil
	}
	tr := make(orb.Ring, len(ring))
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for k, p := range ring {
		q := pr.point(p)
		tr[k] = q
		b.Min[0], b.Min[1] = min(b.Min[0], q[0]), min(b.Min[1], q[1])
		b.Max[0], b.Max[1] = max(b.Max[0], q[0]), max(b.Max[1], q[1])
	}
	if !b.Intersects(r.box) {
		return nil
	}
	if b.Min[0] < r.box.Min[0] || b.Min[1] < r.box.Min[1] || b.Max[0] > r.box.Max[0] || b.Max[1] > r.box.Max[1] {
		tr = clip.Ring(r.box, tr)
	}
	if len(tr) < 4 {
		return nil
	}
	if r.simplify != nil && len(tr) > 4 {
		tr = r.simplify.Ring(tr)
	}
	// Snap to whole units, dropping repeated points.
	n := 0
	for _, p := range tr {
		q := orb.Point{math.Round(p[0]), math.Round(p[1])}
		if n > 0 && tr[n-1] == q {
			continue
		}
		tr[n] = q
		n++
	}
	tr = tr[:n]
	if n < 4 || tr[0] != tr[n-1] {
		if n < 3 {
			return nil
		}
		if tr[0] != tr[n-1] {
			tr = append(tr, tr[0])
		}
		if len(tr) < 4 {
			return nil
		}
	}
	a := twiceArea(tr)
	if a == 0 {
		return nil
	}
	if (a > 0) != exterior {
		for i, j := 0, len(tr)-1; i < j; i, j = i+1, j-1 {
			tr[i], tr[j] = tr[j], tr[i]
		}
	}
	return tr
}

// twiceArea is the shoelace sum of a closed ring: positive when the ring
// turns clockwise on a y-down screen.
func twiceArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}
