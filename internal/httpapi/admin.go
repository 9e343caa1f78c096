package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
)

// handleAudit answers GET /audit (admins, board admins for their boards):
// recorded writes, newest first, filtered by user, board, collection,
// item_id and date, paged with before=<id> (registry.Audit), as JSON or,
// with f=csv, CSV.
func (s *Server) handleAudit() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkParams(c.QueryParams(), registry.AuditParams...); err != nil {
			return err
		}
		f := c.QueryParam("f")
		if f != "" && f != "json" && f != "csv" {
			return invalid("f: %q is not one of json, csv", f)
		}
		vs, err := registry.Audit(c.Request().Context(), s.store, principalOf(c), c.QueryParam)
		if err != nil {
			return err
		} else if f != "csv" {
			return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{"entries": vs})
		}
		c.Response().Header().Set(echo.HeaderContentType, "text/csv; charset=utf-8")
		return registry.WriteAuditCSV(c.Response(), vs)
	}
}
