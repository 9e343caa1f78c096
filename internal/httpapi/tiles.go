package httpapi

import (
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/tiles"
)

// handleTile answers GET /tiles/{layer}/{z}/{x}/{y}.mvt (".mvt" optional)
// and the OGC API - Tiles tile GET
// /collections/{c}/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}
// (and /tiles/WebMercatorQuad/... for the "all" layer; z = tileMatrix, y =
// tileRow, x = tileCol): a Mapbox Vector Tile from the index, through the
// tile cache, with a strong ETag, 304 when If-None-Match has it, and gzip
// (compressed once, in the cache) for clients that accept it. Bad numbers
// are 400; tiles that do not exist, or lie outside an OGC tile set's
// limits, 404 (tiles.ParseLayer, tiles.Service.ParseTileset).
func (s *Server) handleTile() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		layer, err := tileLayerOf(c)
		var t tiles.Tile
		if err == nil && c.Param("tileMatrix") == "" {
			t, err = tiles.ParseLayer(layer, c.Param("z"), c.Param("x"), c.Param("y"))
		} else if err == nil {
			t, err = s.tiles.ParseTileset(c.Param("tileMatrix"), c.Param("tileRow"), c.Param("tileCol"))
		}
		if err != nil {
			return err
		}
		// The gzip middleware skips tile paths (precompressed).
		gz := httpx.AcceptsGzip(c.Request())
		body, etag, err := s.tiles.Body(layer, t, gz)
		if err != nil {
			return err
		}
		return httpx.WriteRevalidated(c, tiles.ContentType, body, etag, gz)
	}
}

// tileLayerOf is the tile layer a tiles route names: {layer} (".json"
// dropped), its {collection}'s, or "all" for the dataset's OGC routes.
func tileLayerOf(c echo.Context) (string, error) {
	if l := c.Param("layer"); l != "" {
		return strings.TrimSuffix(l, ".json"), nil
	} else if c.Param("collection") == "" {
		return tiles.LayerAll, nil
	}
	l, err := collectionOf(c)
	if err != nil {
		return "", err
	}
	return l.name(), nil
}

// handleTileDoc answers the JSON documents of tile sets that doc makes for
// the route's tile layer (tileLayerOf) under the request's base URL:
// TileJSON (GET /tiles/{layer}.json), and OGC API - Tiles tile set lists,
// tile set metadata and tile matrix sets.
func (s *Server) handleTileDoc(doc func(base, layer string) (any, error)) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		layer, err := tileLayerOf(c)
		if err != nil {
			return err
		}
		v, err := doc(httpx.BaseURL(c), layer)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, 200, mimeJSON, v)
	}
}
