package httpapi

import (
	"errors"
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/tiles"
)

// handleTile answers GET /tiles/{layer}/{z}/{x}/{y}.mvt: a Mapbox Vector
// Tile of zones, parcels, green areas or all three, from the in-memory
// index (through the tile cache), with a strong ETag and 304 when
// If-None-Match has it. The ".mvt" suffix is optional. Malformed numbers
// and z > 22 are 400; x or y outside 0..2^z-1 are 404, like an unknown
// layer. Clients that accept gzip get the tile compressed (once, in the
// cache).
func (s *Server) handleTile() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
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
		// Tiles are compressed once, in the cache, not per request: the gzip
		// middleware skips /tiles/ (see server.go).
		gz := httpx.AcceptsGzip(c.Request())
		tile := s.tiles.Tile
		if gz {
			tile = s.tiles.TileGzip
		}
		body, etag, err := tile(layer, t)
		if err != nil {
			return err
		}
		h := c.Response().Header()
		h.Add("Vary", "Accept-Encoding")
		h["Etag"] = []string{etag}
		// Tiles change when land records do: caches must revalidate, which
		// costs a 304 when nothing changed.
		h["Cache-Control"] = httpx.HeaderValue("no-cache")
		if httpx.ETagMatches(c.Request().Header.Get("If-None-Match"), etag) {
			return c.NoContent(http.StatusNotModified)
		}
		if gz {
			h["Content-Encoding"] = httpx.HeaderValue("gzip")
		}
		return httpx.WriteBytes(c, http.StatusOK, tiles.ContentType, body)
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
		tj, err := s.tiles.TileJSON(httpx.BaseURL(c), layer, s.version)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, tj)
	}
}
