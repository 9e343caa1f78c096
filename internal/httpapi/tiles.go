package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/tiles"
)

// handleTile answers GET /tiles/{layer}/{z}/{x}/{y}.mvt: a Mapbox Vector
// Tile of zones, parcels, green areas or all three, from the in-memory
// index (through the tile cache), with a strong ETag and 304 when
// If-None-Match has it. The ".mvt" suffix is optional. Malformed numbers
// and z > 22 are 400; x or y outside 0..2^z-1 are 404, like an unknown
// layer. The body is uncompressed; the gzip middleware compresses it for
// clients that ask.
func (s *Server) handleTile() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkParams(c.QueryParams()); err != nil {
			return err
		}
		layer := c.Param("layer")
		if !tiles.KnownLayer(layer) {
			return notFound("no tile layer %q; layers are %s", layer, strings.Join(tiles.Layers, ", "))
		}
		t, err := tiles.Parse(c.Param("z"), c.Param("x"), c.Param("y"))
		if err != nil {
			var pe *tiles.ParseError
			if errors.As(err, &pe) && pe.OutOfRange {
				return notFound("%s", pe.Msg)
			}
			return invalid("%s", err.Error())
		}
		body, etag, err := s.tiles.Tile(layer, t)
		if err != nil {
			return err
		}
		h := c.Response().Header()
		h.Set("ETag", etag)
		// Tiles change when land records do: caches must revalidate, which
		// costs a 304 when nothing changed.
		h.Set("Cache-Control", "no-cache")
		if etagMatches(c.Request().Header.Get("If-None-Match"), etag) {
			return c.NoContent(http.StatusNotModified)
		}
		return c.Blob(http.StatusOK, tiles.ContentType, body)
	}
}

// handleTileJSON answers GET /tiles/{layer}.json (".json" optional): the
// TileJSON 3.0.0 document of a tile set, with its URL template, bounds,
// zoom range and attribution.
func (s *Server) handleTileJSON() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		layer := strings.TrimSuffix(c.Param("layer"), ".json")
		tj, err := s.tiles.TileJSON(baseURL(c), layer, s.version)
		if err != nil {
			return err
		}
		return writeJSON(c, http.StatusOK, mimeJSON, tj)
	}
}
