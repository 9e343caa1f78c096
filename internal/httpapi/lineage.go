package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// lineage is the split and merge use case over this server's store.
func (s *Server) lineage() registry.Lineage {
	return registry.Lineage{Store: s.store, Boards: s.boards()}
}

// handleSplit answers POST /parcels/{id}/split with
// {"lots": [{"lot_code": "A1-1"}, ...], "line": <GeoJSON LineString>}: the
// parcel is cut along the line into one new parcel per lot (pieces ordered
// west to east, then south to north) and retired. If-Match guards the
// parent's version. The answer is a FeatureCollection of the new parcels
// with the retired parcel's id in "retired".
func (s *Server) handleSplit() echo.HandlerFunc {
	return func(c echo.Context) error {
		id, ifv, body, err := writeBody(c)
		if err != nil {
			return err
		}
		children, seq, err := s.lineage().SplitJSON(c.Request().Context(), actorOf(c), id, ifv, body)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return httpx.WriteBytes(c, http.StatusCreated, mimeGeoJSON, encode.Split(nil, id, children))
	}
}

// handleMerge answers POST /parcels/merge with {"ids": [..], "lot_code":
// "...", "land_use": optional}: adjacent parcels of one zone become one new
// parcel (their union) and are retired. The answer is the new parcel, with
// its ETag and Location, and the retired ids in the Feature's "retired"
// member.
func (s *Server) handleMerge() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		body, err := readBody(c)
		if err != nil {
			return err
		}
		child, retired, seq, err := s.lineage().MergeJSON(c.Request().Context(), actorOf(c), body)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return sendWritten(c, http.StatusCreated, zonegis.CollectionParcels, child.ID, encode.ParcelTag(child), encode.Merged(nil, child, retired))
	}
}

// handleLineage answers GET /parcels/{id}/lineage: the parcels a parcel was
// split or merged from and those made from it. It answers for retired
// parcels too, so a client holding an old id can find its successors.
func (s *Server) handleLineage() echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		_, live := s.ix.Snapshot().Parcel(id)
		parents, children, err := registry.LineageOf(c.Request().Context(), s.store, id, live)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{
			"parcel_id": id, "current": live, "parents": parents, "children": children})
	}
}
