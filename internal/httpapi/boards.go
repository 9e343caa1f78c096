package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
)

func (s *Server) handleBoards() echo.HandlerFunc {
	type board struct {
		ID       string `json:"id"`
		NameVI   string `json:"name_vi"`
		NameEN   string `json:"name_en"`
		Province string `json:"province"`
		Website  string `json:"website,omitempty"`
	}
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		bs, err := s.store.Boards(c.Request().Context())
		if err != nil {
			return err
		}
		out := make([]board, 0, len(bs))
		for _, b := range bs {
			out = append(out, board{b.ID, b.NameVI, b.NameEN, b.Province, b.Website})
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{"boards": out})
	}
}
