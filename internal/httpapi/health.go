package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
)

// handleHealth answers GET /healthz: 200 while the index can answer reads,
// with the database's state and the index's position. A database outage
// makes the service degraded (writes fail), not down (reads go on).
func (s *Server) handleHealth() echo.HandlerFunc {
	return func(c echo.Context) error {
		snap := s.ix.Snapshot()
		zones, parcels, greens := snap.Counts()
		out := map[string]any{
			"status":  "ok",
			"version": s.version,
			"uptime":  time.Since(s.started).Round(time.Second).String(),
			"index": map[string]any{
				"seq": snap.Seq(), "zones": zones, "parcels": parcels, "green_areas": greens,
			},
		}
		if s.follower != nil {
			out["sync"] = s.follower.Status()
		}
		ctx, cancel := context.WithTimeout(c.Request().Context(), 2*time.Second)
		defer cancel()
		if err := s.store.Ping(ctx); err != nil {
			out["database"] = "unavailable"
			out["status"] = "degraded"
		} else {
			out["database"] = "ok"
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, out)
	}
}
