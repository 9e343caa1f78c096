package tiles

import (
	"math"
	"sync"

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

// Layers lists the tile sets served, in drawing order: the context layers
// (context.go) under the land records.
var Layers = []string{LayerProvinces, LayerWards, LayerZones, LayerGreenAreas, LayerParcels, LayerAll}

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
// newRenderer. It is safe for concurrent use.
type renderer struct {
	extent    uint32
	buffer    float64 // tile units
	tolerance float64 // Douglas–Peucker tolerance, tile units; 0: none
	bufferFrc float64 // buffer as a fraction of the tile side
	encoders  sync.Pool
}

func newRenderer(extent uint32, bufferUnits, toleranceUnits float64) *renderer {
	return &renderer{
		extent: extent, buffer: bufferUnits, tolerance: max(toleranceUnits, 0),
		bufferFrc: bufferUnits / float64(extent),
		encoders:  sync.Pool{New: func() any { return newTileEncoder() }},
	}
}

// maxPooledBytes: an encoder that grew larger than this for one huge
// tile (a low zoom over big zones) is dropped rather than kept, bytes.
const maxPooledBytes = 4 << 20

// render encodes the tile t of layer from snap as an uncompressed MVT.
// A tile with no feature is a valid MVT of no bytes. The body is the
// caller's; the only allocation of a render is its copy out of the
// pooled encoder.
func (r *renderer) render(snap *index.Snapshot, layer string, t Tile) []byte {
	e := r.encoders.Get().(*tileEncoder)
	r.encode(e, snap, layer, t)
	body := make([]byte, len(e.tile))
	copy(body, e.tile)
	if e.size() <= maxPooledBytes {
		r.encoders.Put(e)
	}
	return body
}

// encode writes the tile t of layer from snap to e.tile.
func (r *renderer) encode(e *tileEncoder, snap *index.Snapshot, layer string, t Tile) {
	q := t.Bound(r.bufferFrc)
	if l := contextLayerOf(layer); l != nil {
		e.reset(t, r.extent, r.buffer, max(r.tolerance, contextTolerancePx*float64(r.extent)/512))
		e.context(l, t, q)
		return
	}
	e.reset(t, r.extent, r.buffer, r.tolerance)
	if layer == LayerZones || layer == LayerAll {
		e.beginLayer(zoneKeys)
		snap.ZoneEntries().InBound(q, e.zoneFn)
		e.endLayer(LayerZones)
	}
	if t.Z >= DetailMinZoom {
		if layer == LayerGreenAreas || layer == LayerAll {
			e.beginLayer(greenKeys)
			snap.GreenAreaEntries().InBound(q, e.greenFn)
			e.endLayer(LayerGreenAreas)
		}
		if layer == LayerParcels || layer == LayerAll {
			// Parcels, the many features of a tile, are collected first
			// and warmed (see warmParcels), then drawn in the order found.
			e.beginLayer(parcelKeys)
			e.parcels = e.parcels[:0]
			snap.ParcelEntries().InBound(q, e.collectParcelFn)
			e.warmParcels()
			for _, p := range e.parcels {
				e.parcel(p)
			}
			clear(e.parcels) // a pooled encoder must not keep a snapshot's parcels alive
			e.endLayer(LayerParcels)
		}
	}
}

// tileEncoder is an encoder with the callbacks that feed it features of
// the index, made once so that a search allocates no closure.
type tileEncoder struct {
	encoder
	zoneFn          func(*index.Entry[zonegis.Zone]) bool
	collectParcelFn func(*index.Entry[zonegis.Parcel]) bool
	greenFn         func(*index.Entry[zonegis.GreenArea]) bool

	parcels []*index.Entry[zonegis.Parcel] // the parcels of the tile, in the order found
	sink    uint64                         // what warmParcels read, kept so that it is read
}

func newTileEncoder() *tileEncoder {
	e := &tileEncoder{encoder: *newEncoder()}
	e.zoneFn, e.collectParcelFn, e.greenFn = e.zone, e.collectParcel, e.green
	return e
}

// size is about what the encoder holds, bytes.
func (e *tileEncoder) size() int { return e.encoder.size() + 8*cap(e.parcels) }

func (e *tileEncoder) collectParcel(p *index.Entry[zonegis.Parcel]) bool {
	e.parcels = append(e.parcels, p)
	return true
}

// warmParcels reads, for every parcel found, the first words of what
// drawing it will read: the parcel with its geometry's header, the
// geometry's points and the strings its tags hash. The index's parcels lie all over
// a heap of hundreds of megabytes, so each of these is a cache miss, and
// met one after the other by the drawing they took some 40% of a parcel
// tile's time in the server (perf). Here the loads of a loop do not
// depend on one another, so their misses overlap: 15% off
// BenchmarkRenderColdZ15, 8% more cold tiles a second from the server.
func (e *tileEncoder) warmParcels() {
	var s uint64
	for _, pe := range e.parcels {
		s += uint64(len(pe.Geometry().Deltas())) + uint64(len(pe.Record().LotCode))
	}
	for _, pe := range e.parcels {
		p := pe.Record()
		if d := pe.Geometry().Deltas(); len(d) > 0 {
			s += uint64(d[0]) + uint64(d[len(d)-1])
		}
		if len(p.LotCode) > 0 {
			s += uint64(p.LotCode[0])
		}
		if len(p.LandUse) > 0 {
			s += uint64(p.LandUse[0])
		}
		if len(p.Status) > 0 {
			s += uint64(p.Status[0])
		}
	}
	e.sink = s
}

// The properties of each layer's features, in the order of their names
// (the order their tags are written in); the tag methods take the index
// of a key in its list.
var (
	zoneKeys   = []string{"area_ha", "code", "id", "kind", "name_en", "name_vi", "status"}
	parcelKeys = []string{"area_ha", "id", "land_use", "lot_code", "status", "zone_id"}
	greenKeys  = []string{"area_ha", "id", "kind", "name", "zone_id"}
)

func (e *tileEncoder) zone(ze *index.Entry[zonegis.Zone]) bool {
	z := ze.Record()
	if e.shapeFixed(ze.Geometry()) {
		e.tagDouble(0, roundHa(z.AreaM2))
		e.tagString(1, z.Code)
		e.tagInt(2, z.ID)
		e.tagString(3, z.Kind)
		e.tagString(4, z.NameEN)
		e.tagString(5, z.NameVI)
		e.tagString(6, z.Status)
		e.endFeature(uint64(z.ID))
	}
	return true
}

func (e *tileEncoder) parcel(pe *index.Entry[zonegis.Parcel]) {
	p := pe.Record()
	if e.shapeFixed(pe.Geometry()) {
		e.tagDouble(0, roundHa(p.AreaM2))
		e.tagInt(1, p.ID)
		e.tagString(2, p.LandUse)
		e.tagString(3, p.LotCode)
		e.tagString(4, p.Status)
		e.tagInt(5, p.ZoneID)
		e.endFeature(uint64(p.ID))
	}
}

func (e *tileEncoder) green(ge *index.Entry[zonegis.GreenArea]) bool {
	g := ge.Record()
	if e.shapeFixed(ge.Geometry()) {
		e.tagDouble(0, roundHa(g.AreaM2))
		e.tagInt(1, g.ID)
		e.tagString(2, g.Kind)
		e.tagString(3, g.Name)
		e.tagInt(4, g.ZoneID)
		e.endFeature(uint64(g.ID))
	}
	return true
}

// roundHa converts square metres to hectares with 4 decimals (1 m²).
func roundHa(m2 float64) float64 { return math.Round(m2) / 10000 }
