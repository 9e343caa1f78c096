package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// handleAudit answers GET /audit (admins): recorded writes, newest first,
// filtered by collection and item_id, paged with before=<id>.
func (s *Server) handleAudit() echo.HandlerFunc {
	type entry struct {
		ID         int64           `json:"id"`
		At         time.Time       `json:"at"`
		KeyID      *int64          `json:"key_id"`
		KeyName    string          `json:"key_name"`
		Role       string          `json:"role"`
		Action     string          `json:"action"`
		Collection string          `json:"collection"`
		ItemID     *int64          `json:"item_id"`
		Before     json.RawMessage `json:"before"`
		After      json.RawMessage `json:"after"`
		RequestID  string          `json:"request_id,omitempty"`
	}
	return func(c echo.Context) error {
		q := c.QueryParams()
		if err := checkParams(q, "collection", "item_id", "before", "limit"); err != nil {
			return err
		}
		f := zonegis.AuditFilter{Collection: q.Get("collection"), Limit: 100}
		for name, dst := range map[string]*int64{"item_id": &f.ItemID, "before": &f.BeforeID} {
			if v := q.Get(name); v != "" {
				n, err := strconv.ParseInt(v, 10, 64)
				if err != nil || n < 1 {
					return invalid("%s: want a positive whole number", name)
				}
				*dst = n
			}
		}
		if v := q.Get("limit"); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil || n < 1 || n > 1000 {
				return invalid("limit: want a whole number from 1 to 1000")
			}
			f.Limit = n
		}
		es, err := s.store.Audit(c.Request().Context(), f)
		if err != nil {
			return err
		}
		out := make([]entry, 0, len(es))
		for _, e := range es {
			out = append(out, entry{e.ID, e.At, e.KeyID, e.KeyName, e.Role, e.Action, e.Collection, e.ItemID,
				rawOrNull(e.Before), rawOrNull(e.After), e.RequestID})
		}
		return writeJSON(c, http.StatusOK, mimeJSON, map[string]any{"entries": out})
	}
}

func rawOrNull(b []byte) json.RawMessage {
	if b == nil {
		return json.RawMessage("null")
	}
	return b
}
