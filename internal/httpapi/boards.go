package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// handleBoards answers GET /boards: every board, by id.
func (s *Server) handleBoards() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		bs, err := s.store.Boards(c.Request().Context())
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, encode.Boards(bs))
	}
}

// handleBoard answers GET /boards/{id} with the board and its ETag (its
// version), 304 when If-None-Match has it.
func (s *Server) handleBoard() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		b, err := s.store.Board(c.Request().Context(), c.Param("id"))
		if err != nil {
			return err
		}
		if httpx.Revalidate(c, encode.VersionTag(b.Version)) {
			return nil
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, encode.Board(b))
	}
}

// handleCreateBoard answers POST /boards (admins): the new board, 201 with
// its ETag and Location.
func (s *Server) handleCreateBoard() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		raw, err := readBody(c)
		if err != nil {
			return err
		}
		b, err := registry.BoardJSON(raw)
		if err != nil {
			return err
		}
		if err := s.store.CreateBoard(c.Request().Context(), actorOf(c), b); err != nil {
			return err
		}
		return sendBoard(c, http.StatusCreated, b)
	}
}

// handleUpdateBoard answers PATCH /boards/{id} (admins): the body's fields
// replace the board's (registry.BoardPatchJSON), checked against If-Match
// when given.
func (s *Server) handleUpdateBoard() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		id := c.Param("id")
		ifv, err := ifMatch(c)
		if err != nil {
			return err
		}
		raw, err := readBody(c)
		if err != nil {
			return err
		}
		p, err := registry.BoardPatchJSON(id, raw)
		if err != nil {
			return err
		}
		b, err := s.store.UpdateBoard(c.Request().Context(), actorOf(c), id, ifv, func(b *zonegis.Board) error {
			b.Apply(p)
			return nil
		})
		if err != nil {
			return err
		}
		return sendBoard(c, http.StatusOK, b)
	}
}

// handleDeleteBoard answers DELETE /boards/{id} (admins): 204, or 409 when
// zones still name the board.
func (s *Server) handleDeleteBoard() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		ifv, err := ifMatch(c)
		if err != nil {
			return err
		}
		if err := s.store.DeleteBoard(c.Request().Context(), actorOf(c), c.Param("id"), ifv); err != nil {
			return err
		}
		return c.NoContent(http.StatusNoContent)
	}
}

func sendBoard(c echo.Context, status int, b *zonegis.Board) error {
	h := c.Response().Header()
	h.Set("ETag", encode.VersionTag(b.Version))
	h.Set("Location", httpx.BaseURL(c)+"/boards/"+b.ID)
	return httpx.WriteJSON(c, status, mimeJSON, encode.Board(b))
}
