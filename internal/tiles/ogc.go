package tiles

import (
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// OGC API - Tiles (OGC 20-057) over the same tiles: the tile matrix set
// WebMercatorQuad of the OGC Two Dimensional Tile Matrix Set and Tile Set
// Metadata standard 2.0 (OGC 17-083r4, JSON encoding), whose tile matrix
// Z, row Y and column X are the XYZ tile Z/X/Y, so the OGC routes and the
// /tiles routes answer the same bytes from the same cache.

// WebMercatorQuad is the id of the one tile matrix set served.
const WebMercatorQuad = "WebMercatorQuad"

// OGC identifiers of what the tile sets use.
const (
	WebMercatorQuadURI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
	EPSG3857URI        = "http://www.opengis.net/def/crs/EPSG/0/3857"
	CRS84URI           = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	// RelTilesetsVector links a collection (or the landing page) to its
	// list of vector tile sets; RelTilingScheme a tile set to its tile
	// matrix set; RelTilingSchemes the landing page to the list of them.
	RelTilesetsVector = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
	RelTilingScheme   = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
	RelTilingSchemes  = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
)

// TMSMaxZoom is the deepest tile matrix of WebMercatorQuad as the standard
// defines it (17-083r4, Annex D.1); tiles are served up to MaxZoom.
const TMSMaxZoom = 24

// Web Mercator's square world: its half side, metres (π × 6378137), and
// the cell size of tile matrix 0 (256-pixel tiles), metres.
const (
	mercatorHalfM = math.Pi * 6378137
	cellSize0M    = 2 * mercatorHalfM / 256
)

// Link is a link of an OGC document. Templated marks an href holding URI
// template variables ({tileMatrix}, {tileRow}, {tileCol}).
type Link struct {
	Href      string `json:"href"`
	Rel       string `json:"rel"`
	Type      string `json:"type,omitempty"`
	Title     string `json:"title,omitempty"`
	Templated bool   `json:"templated,omitempty"`
}

// TileMatrix is one zoom level of a TileMatrixSet (TMS 2.0 JSON).
// Identifier and TopLeftCorner repeat ID and PointOfOrigin under their TMS
// 1.0 names (OGC 17-083r2): GDAL 3.6's TileMatrixSet parser, which its
// OGCAPI driver uses, reads only those.
type TileMatrix struct {
	ID               string     `json:"id"`
	Identifier       string     `json:"identifier"`
	TopLeftCorner    [2]float64 `json:"topLeftCorner"`
	ScaleDenominator float64    `json:"scaleDenominator"`
	CellSize         float64    `json:"cellSize"`
	CornerOfOrigin   string     `json:"cornerOfOrigin"`
	PointOfOrigin    [2]float64 `json:"pointOfOrigin"`
	TileWidth        int        `json:"tileWidth"`
	TileHeight       int        `json:"tileHeight"`
	MatrixWidth      uint64     `json:"matrixWidth"`
	MatrixHeight     uint64     `json:"matrixHeight"`
}

// TileMatrixSet is a tile matrix set definition (TMS 2.0 JSON), with
// Identifier and SupportedCRS, the TMS 1.0 names of ID and CRS, for GDAL
// 3.6 as in TileMatrix: it takes a JSON document for a tile matrix set
// only when "identifier" and "boundingBox" are there.
type TileMatrixSet struct {
	ID                string       `json:"id"`
	Identifier        string       `json:"identifier"`
	Title             string       `json:"title"`
	URI               string       `json:"uri"`
	CRS               string       `json:"crs"`
	SupportedCRS      string       `json:"supportedCRS"`
	BoundingBox       BoundingBox  `json:"boundingBox"`
	OrderedAxes       []string     `json:"orderedAxes"`
	WellKnownScaleSet string       `json:"wellKnownScaleSet"`
	TileMatrices      []TileMatrix `json:"tileMatrices"`
	Links             []Link       `json:"links,omitempty"`
}

// WebMercatorQuadSet is the standard definition of WebMercatorQuad, tile
// matrices 0 to TMSMaxZoom; base is the URL the API is served at.
func WebMercatorQuadSet(base string) TileMatrixSet {
	tms := TileMatrixSet{
		ID: WebMercatorQuad, Identifier: WebMercatorQuad, Title: "Google Maps Compatible for the World", URI: WebMercatorQuadURI,
		CRS: EPSG3857URI, SupportedCRS: EPSG3857URI, OrderedAxes: []string{"X", "Y"},
		BoundingBox:       BoundingBox{LowerLeft: [2]float64{-mercatorHalfM, -mercatorHalfM}, UpperRight: [2]float64{mercatorHalfM, mercatorHalfM}, CRS: EPSG3857URI},
		WellKnownScaleSet: "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
		Links:             []Link{{Href: base + "/tileMatrixSets/" + WebMercatorQuad, Rel: "self", Type: "application/json", Title: "WebMercatorQuad"}},
	}
	origin := [2]float64{-mercatorHalfM, mercatorHalfM}
	for z := 0; z <= TMSMaxZoom; z++ {
		n := uint64(1) << z
		cell := cellSize0M / float64(n)
		tms.TileMatrices = append(tms.TileMatrices, TileMatrix{
			ID: strconv.Itoa(z), Identifier: strconv.Itoa(z), ScaleDenominator: cell / 0.00028, CellSize: cell,
			CornerOfOrigin: "topLeft", PointOfOrigin: origin, TopLeftCorner: origin,
			TileWidth: 256, TileHeight: 256, MatrixWidth: n, MatrixHeight: n,
		})
	}
	return tms
}

// TileMatrixSets is the answer of /tileMatrixSets: the one set served.
func TileMatrixSets(base string) map[string]any {
	return map[string]any{"tileMatrixSets": []map[string]any{{
		"id": WebMercatorQuad, "title": "Google Maps Compatible for the World", "uri": WebMercatorQuadURI, "crs": EPSG3857URI,
		"links": []Link{{Href: base + "/tileMatrixSets/" + WebMercatorQuad, Rel: "self", Type: "application/json", Title: "WebMercatorQuad"}},
	}}}
}

// TileMatrixLimits are the rows and columns of one tile matrix that hold
// data: the tiles of a tile set.
type TileMatrixLimits struct {
	TileMatrix string `json:"tileMatrix"`
	MinTileRow uint32 `json:"minTileRow"`
	MaxTileRow uint32 `json:"maxTileRow"`
	MinTileCol uint32 `json:"minTileCol"`
	MaxTileCol uint32 `json:"maxTileCol"`
}

// BoundingBox is an extent in crs: a tile set's, lon/lat degrees (CRS84),
// or a tile matrix set's, metres (EPSG:3857).
type BoundingBox struct {
	LowerLeft  [2]float64 `json:"lowerLeft"`
	UpperRight [2]float64 `json:"upperRight"`
	CRS        string     `json:"crs"`
}

// TilesetLayer describes one MVT layer of a tile set (TMS 2.0 tile set
// metadata, "layers").
type TilesetLayer struct {
	ID                string         `json:"id"`
	Title             string         `json:"title"`
	Description       string         `json:"description"`
	DataType          string         `json:"dataType"`
	GeometryDimension int            `json:"geometryDimension"`
	MinTileMatrix     string         `json:"minTileMatrix"`
	MaxTileMatrix     string         `json:"maxTileMatrix"`
	PropertiesSchema  map[string]any `json:"propertiesSchema"`
}

// Tileset is a tile set's metadata (TMS 2.0 JSON, as OGC API - Tiles
// /req/tileset requires), or its entry in a list (TilesetLimits and
// Layers then left out).
type Tileset struct {
	Title               string             `json:"title"`
	Description         string             `json:"description,omitempty"`
	DataType            string             `json:"dataType"`
	CRS                 string             `json:"crs"`
	TileMatrixSetURI    string             `json:"tileMatrixSetURI"`
	Attribution         string             `json:"attribution,omitempty"`
	TileMatrixSetLimits []TileMatrixLimits `json:"tileMatrixSetLimits,omitempty"`
	Layers              []TilesetLayer     `json:"layers,omitempty"`
	BoundingBox         *BoundingBox       `json:"boundingBox,omitempty"`
	Links               []Link             `json:"links"`
}

// TilesetsPath is the path of the tile sets of layer: /collections/{layer}/tiles,
// or /tiles for LayerAll (the dataset's tiles); TilesetPath that of its
// WebMercatorQuad tile set.
func TilesetsPath(layer string) string {
	if layer == LayerAll {
		return "/tiles"
	}
	return "/collections/" + layer + "/tiles"
}

// TilesetPath is TilesetsPath(layer) + "/WebMercatorQuad".
func TilesetPath(layer string) string { return TilesetsPath(layer) + "/" + WebMercatorQuad }

// Tilesets is the list of the tile sets of layer (one, WebMercatorQuad),
// the answer of /collections/{c}/tiles or, for LayerAll, /tiles. Errors:
// ENOTFOUND for an unknown layer.
func (s *Service) Tilesets(base, layer string) (map[string]any, error) {
	ts, err := s.Tileset(base, layer)
	if err != nil {
		return nil, err
	}
	ts.TileMatrixSetLimits, ts.Layers, ts.BoundingBox = nil, nil, nil
	return map[string]any{
		"links":    []Link{{Href: base + TilesetsPath(layer), Rel: "self", Type: "application/json", Title: "Tile sets of " + layer}},
		"tilesets": []Tileset{ts},
	}, nil
}

// Tileset is the metadata of the WebMercatorQuad tile set of layer: its
// MVT layers with their fields, its bounding box and the limits of each
// tile matrix 0 to MaxZoom (the tiles that meet the data's bound; any
// other is 404, ParseTileset), and the links to its tiles and tile matrix
// set. Errors: ENOTFOUND for an unknown layer.
func (s *Service) Tileset(base, layer string) (Tileset, error) {
	if !KnownLayer(layer) {
		return Tileset{}, zonegis.Errorf(zonegis.ENOTFOUND, "no tile set of %q; collections with tiles are zones, parcels and green-areas", layer)
	}
	b := s.bound(s.ix.Snapshot())
	ts := Tileset{
		Title: "zonegis " + layer, Description: "Land records of Vietnam's industrial zones: " + layer + ", as Mapbox Vector Tiles",
		DataType: "vector", CRS: EPSG3857URI, TileMatrixSetURI: WebMercatorQuadURI, Attribution: Attribution,
		BoundingBox: &BoundingBox{LowerLeft: [2]float64{b.Min[0], b.Min[1]}, UpperRight: [2]float64{b.Max[0], b.Max[1]}, CRS: CRS84URI},
	}
	for z := uint32(0); z <= MaxZoom; z++ {
		ts.TileMatrixSetLimits = append(ts.TileMatrixSetLimits, limitsAt(b, z))
	}
	layers := []string{layer}
	if layer == LayerAll {
		layers = []string{LayerZones, LayerGreenAreas, LayerParcels}
	}
	for _, l := range layers {
		vl := vectorLayers[l]
		ts.Layers = append(ts.Layers, TilesetLayer{ID: vl.ID, Title: l, Description: vl.Description, DataType: "vector",
			GeometryDimension: 2, MinTileMatrix: strconv.Itoa(vl.MinZoom), MaxTileMatrix: strconv.Itoa(MaxZoom),
			PropertiesSchema: propertiesSchema(vl.Fields)})
	}
	path := base + TilesetPath(layer)
	ts.Links = []Link{
		{Href: path, Rel: "self", Type: "application/json", Title: "This tile set"},
		{Href: base + "/tileMatrixSets/" + WebMercatorQuad, Rel: RelTilingScheme, Type: "application/json", Title: "WebMercatorQuad"},
		{Href: path + "/{tileMatrix}/{tileRow}/{tileCol}", Rel: "item", Type: ContentType, Title: "Mapbox Vector Tiles", Templated: true},
	}
	if layer != LayerAll {
		ts.Links = append(ts.Links, Link{Href: base + "/collections/" + layer, Rel: "http://www.opengis.net/def/rel/ogc/1.0/geodata", Type: "application/json", Title: "The collection"})
	}
	return ts, nil
}

// propertiesSchema is the JSON Schema of an MVT layer's fields (TileJSON
// types: Number, String).
func propertiesSchema(fields map[string]string) map[string]any {
	props := map[string]any{}
	for name, typ := range fields {
		t := "string"
		switch {
		case name == "id" || name == "zone_id":
			t = "integer"
		case typ == "Number":
			t = "number"
		}
		props[name] = map[string]string{"type": t}
	}
	return map[string]any{"type": "object", "properties": props}
}

// limitsAt are the rows and columns of the tiles at zoom z that meet b.
func limitsAt(b orb.Bound, z uint32) TileMatrixLimits {
	nw, se := At(orb.Point{b.Min[0], b.Max[1]}, z), At(orb.Point{b.Max[0], b.Min[1]}, z)
	return TileMatrixLimits{TileMatrix: strconv.Itoa(int(z)), MinTileRow: nw.Y, MaxTileRow: se.Y, MinTileCol: nw.X, MaxTileCol: se.X}
}

// ParseTileset reads the tile of an OGC tile request of layer's tile set:
// tileMatrix (an id "0" to "22"), tileRow and tileCol. A tile matrix that
// is not one of the tile set's, or a tile outside its limits (the tiles
// that meet the data's bound, as Tileset lists them), is ENOTFOUND (OGC
// API - Tiles /req/tileset/tc-success D: 404); a row or column that is not
// a whole number is EINVALID naming it.
func (s *Service) ParseTileset(tileMatrix, tileRow, tileCol string) (Tile, error) {
	z, err := strconv.ParseUint(tileMatrix, 10, 32)
	if err != nil || z > MaxZoom || strconv.FormatUint(z, 10) != tileMatrix {
		return Tile{}, zonegis.Errorf(zonegis.ENOTFOUND, "tileMatrix: %s has no tile matrix %q; this tile set has 0 to %d", WebMercatorQuad, tileMatrix, MaxZoom)
	}
	var rc [2]uint32
	for i, v := range [2][2]string{{"tileRow", tileRow}, {"tileCol", tileCol}} {
		n, err := strconv.ParseUint(v[1], 10, 32)
		if err != nil {
			return Tile{}, zonegis.Errorf(zonegis.EINVALID, "%s: want a whole number, got %q", v[0], v[1])
		}
		rc[i] = uint32(n)
	}
	t := Tile{Z: uint32(z), X: rc[1], Y: rc[0]}
	l := limitsAt(s.bound(s.ix.Snapshot()), t.Z)
	if t.Y < l.MinTileRow || t.Y > l.MaxTileRow || t.X < l.MinTileCol || t.X > l.MaxTileCol {
		return Tile{}, zonegis.Errorf(zonegis.ENOTFOUND, "tile %d/%d/%d (tileMatrix/tileRow/tileCol) is outside the tile set: at tile matrix %d its rows are %d to %d and its columns %d to %d",
			t.Z, t.Y, t.X, t.Z, l.MinTileRow, l.MaxTileRow, l.MinTileCol, l.MaxTileCol)
	}
	return t, nil
}

// boundOf is the data bound computed for one snapshot.
type boundOf struct {
	snap *index.Snapshot
	b    orb.Bound
}

// bound is dataBound(snap), computed once per snapshot: a tile request
// checks its limits, and the bound of every zone's boundary is too much
// work to repeat for each.
func (s *Service) bound(snap *index.Snapshot) orb.Bound {
	if c := s.bounds.Load(); c != nil && c.snap == snap {
		return c.b
	}
	b := dataBound(snap)
	s.bounds.Store(&boundOf{snap: snap, b: b})
	return b
}
