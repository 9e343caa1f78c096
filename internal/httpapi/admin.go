package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
)

// handleAudit answers GET /audit (admins): recorded writes, newest first,
// filtered by collection and item_id, paged with before=<id>
// (registry.ParseAuditFilter).
func (s *Server) handleAudit() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkParams(c.QueryParams(), registry.AuditParams...); err != nil {
			return err
		}
		f, err := registry.ParseAuditFilter(c.QueryParam)
		if err != nil {
			return err
		}
		es, err := s.store.Audit(c.Request().Context(), f)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{"entries": registry.ViewAudit(es)})
	}
}
