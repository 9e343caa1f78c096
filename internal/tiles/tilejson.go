package tiles

import (
	"strings"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Attribution is shown under maps of these tiles: the zone boundaries come
// from OpenStreetMap (ODbL).
const Attribution = "© OpenStreetMap contributors"

// TileJSON is a TileJSON 3.0.0 document describing one tile set.
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      int           `json:"minzoom"`
	MaxZoom      int           `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one MVT layer: its fields and the zooms it has
// data at.
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     int               `json:"minzoom"`
	MaxZoom     int               `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
}

var vectorLayers = map[string]VectorLayer{
	LayerZones: {ID: LayerZones, Description: "Industrial parks, export processing zones, high-tech parks and economic zones",
		MinZoom: ZonesMinZoom, MaxZoom: DataMaxZoom, Fields: map[string]string{
			"id": "Number", "code": "String", "name_vi": "String", "name_en": "String",
			"kind": "String", "status": "String", "area_ha": "Number",
		}},
	LayerGreenAreas: {ID: LayerGreenAreas, Description: "Parks, buffer strips, tree belts and water surfaces",
		MinZoom: DetailMinZoom, MaxZoom: DataMaxZoom, Fields: map[string]string{
			"id": "Number", "kind": "String", "name": "String", "zone_id": "Number", "area_ha": "Number",
		}},
	LayerParcels: {ID: LayerParcels, Description: "Leasable lots with land use and status",
		MinZoom: DetailMinZoom, MaxZoom: DataMaxZoom, Fields: map[string]string{
			"id": "Number", "lot_code": "String", "status": "String", "land_use": "String",
			"area_ha": "Number", "zone_id": "Number",
		}},
}

// ContextAttribution is shown under maps of the context layers.
const ContextAttribution = "Provinces, wards 2025: © 2021 Thang Le Quoc (MIT), after the Viet Nam Administrative Units Reference Map; not legal boundaries"

// contextVectorLayers are the MVT layers of the context tile sets.
var contextVectorLayers = map[string][]VectorLayer{
	LayerProvinces: {
		{ID: LayerProvinces, Description: "The 34 provinces and centrally-run cities (1 July 2025), generalised to about 100 m",
			MinZoom: 0, MaxZoom: ContextMaxZoom, Fields: map[string]string{"code": "String", "name_vi": "String", "name_en": "String"}},
		{ID: ProvinceLabels, Description: "A point inside each province, for its name",
			MinZoom: 0, MaxZoom: ContextMaxZoom, Fields: map[string]string{"code": "String", "name_vi": "String", "name_en": "String"}},
	},
	LayerWards: {
		{ID: LayerWards, Description: "Wards, communes and special zones (2025) of Hà Nội, Hải Phòng and Hồ Chí Minh City",
			MinZoom: WardsMinZoom, MaxZoom: ContextMaxZoom, Fields: map[string]string{"code": "String", "name_vi": "String", "name_en": "String", "province": "String"}},
		{ID: WardLabels, Description: "A point inside each ward, for its name",
			MinZoom: WardsMinZoom, MaxZoom: ContextMaxZoom, Fields: map[string]string{"code": "String", "name_vi": "String", "name_en": "String", "province": "String"}},
	},
}

// contextTileJSON is the TileJSON of a context layer.
func contextTileJSON(base string, l *contextLayer, version string) TileJSON {
	b := l.bound
	vl := contextVectorLayers[l.name]
	c := b.Center()
	return TileJSON{
		TileJSON: "3.0.0", Name: "zonegis " + l.name, Description: vl[0].Description, Version: version,
		Attribution: ContextAttribution, Scheme: "xyz", Tiles: []string{base + "/tiles/" + l.name + "/{z}/{x}/{y}.mvt"},
		MinZoom: vl[0].MinZoom, MaxZoom: ContextMaxZoom, Bounds: [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
		Center: [3]float64{c[0], c[1], float64(max(5, vl[0].MinZoom))}, VectorLayers: vl,
	}
}

// vietnam is the bound used when the index is empty: the country's
// mainland and islands.
var vietnam = orb.Bound{Min: orb.Point{102.1, 8.2}, Max: orb.Point{109.5, 23.4}}

// TileJSON describes layer for clients; base is the URL the API is served
// at (scheme and host, no trailing slash). Bounds are those of the zones in
// the current index.
func (s *Service) TileJSON(base, layer string, version string) (TileJSON, error) {
	if !KnownLayer(layer) {
		return TileJSON{}, zonegis.Errorf(zonegis.ENOTFOUND, "no tile layer %q; layers are %s", layer, strings.Join(Layers, ", "))
	}
	if l := contextLayerOf(layer); l != nil {
		return contextTileJSON(base, l, version), nil
	}
	b := dataBound(s.ix.Snapshot())
	tj := TileJSON{
		TileJSON:    "3.0.0",
		Name:        "zonegis " + layer,
		Description: "Land records of Vietnam's industrial zones: " + layer,
		Version:     version,
		Attribution: Attribution,
		Scheme:      "xyz",
		Tiles:       []string{base + "/tiles/" + layer + "/{z}/{x}/{y}.mvt"},
		MinZoom:     ZonesMinZoom,
		MaxZoom:     DataMaxZoom,
		Bounds:      [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
	}
	c := b.Center()
	tj.Center = [3]float64{c[0], c[1], 5}
	switch layer {
	case LayerAll:
		tj.VectorLayers = []VectorLayer{vectorLayers[LayerZones], vectorLayers[LayerGreenAreas], vectorLayers[LayerParcels]}
	default:
		tj.VectorLayers = []VectorLayer{vectorLayers[layer]}
		tj.MinZoom = vectorLayers[layer].MinZoom
	}
	return tj, nil
}

// dataBound is the bound of every zone (parcels and green areas lie in
// zones), or Vietnam's when there are none.
func dataBound(snap *index.Snapshot) orb.Bound {
	var b orb.Bound
	n := 0
	snap.ZoneEntries().Ascend(0, func(z *index.Entry[zonegis.Zone]) bool {
		if zb, ok := z.Geometry().Bound(); ok {
			if n == 0 {
				b = zb
			}
			b = b.Union(zb)
			n++
		}
		return true
	})
	if n == 0 {
		return vietnam
	}
	return b
}
