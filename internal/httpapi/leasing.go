package httpapi

import (
	"errors"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// leasing is the leasing workflow over the server's database.
func (s *Server) leasing() registry.Leasing {
	return registry.Leasing{Store: s.store, Boards: s.boards()}
}

// sendLease finishes a lease or its end that returned seq, l and err: it
// waits until this instance's index has the write (seq 0 when nothing was
// written), then answers err or the lease as the caller's role sees it.
func (s *Server) sendLease(c echo.Context, status int, seq int64, l *zonegis.Lease, err error) error {
	s.visible(c, seq)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(c, status, mimeJSON, registry.ViewLease(l, true /* a writer of the board sees it */, s.ix.Snapshot().Today(), 0))
}

// handleParcelLeases answers GET /parcels/{id}/leases: the lease history of
// a parcel, oldest first, including the leases of the parcels it was split
// or merged from (marked with ancestor_parcel_id).
func (s *Server) handleParcelLeases() echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		if _, ok := s.ix.Snapshot().Parcel(id); !ok {
			return notFound("no parcel with id %d", id)
		}
		out, err := registry.LeaseHistory(c.Request().Context(), s.store, s.boards(), principalOf(c), id, s.ix.Snapshot().Today())
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{"parcel_id": id, "leases": out})
	}
}

// handleLease answers POST /parcels/{id}/leases: lease the parcel.
func (s *Server) handleLease() echo.HandlerFunc {
	return func(c echo.Context) error {
		id, ifv, body, err := writeBody(c)
		if err != nil {
			return err
		}
		seq, l, err := s.leasing().LeaseJSON(c.Request().Context(), actorOf(c), id, ifv, body)
		if err != nil {
			return err // without waiting: a failed lease wrote nothing
		}
		return s.sendLease(c, http.StatusCreated, seq, l, nil)
	}
}

// handleEndLease answers POST /leases/{id}/end with {"ended_on": "YYYY-MM-DD"}
// (default today, the database's day).
func (s *Server) handleEndLease() echo.HandlerFunc {
	return func(c echo.Context) error {
		id, err := idParam(c)
		if err != nil {
			return err
		}
		body, err := readBody(c)
		if de := (*zonegis.Error)(nil); errors.As(err, &de) && de.Code == zonegis.EINVALID && de.Message == "body: empty" {
			body, err = nil, nil // no body: the lease ends today
		}
		if err != nil {
			return err
		}
		seq, l, err := s.leasing().EndJSON(c.Request().Context(), actorOf(c), id, body, s.ix.Snapshot().Today())
		return s.sendLease(c, http.StatusOK, seq, l, err)
	}
}

// handleReserve answers POST /parcels/{id}/reserve and /release.
func (s *Server) handleReserve(reserve bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		id, ifv, err := writeTarget(c)
		if err != nil {
			return err
		}
		seq, err := s.leasing().Reserve(c.Request().Context(), actorOf(c), id, ifv, reserve)
		if err != nil {
			return err
		}
		s.visible(c, seq)
		return parcelsServed.item(s, c, s.ix.Snapshot())
	}
}

// handleParcelStatus answers GET /parcels/{id}/status?date=YYYY-MM-DD: the
// parcel's leasing status on a date (default today) from its lease history.
func (s *Server) handleParcelStatus() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkParams(c.QueryParams(), "date"); err != nil {
			return err
		}
		id, err := parseID(c.Param("id"))
		if err != nil {
			return err
		}
		on := s.ix.Snapshot().Today()
		if v := c.QueryParam("date"); v != "" {
			if on, err = time.Parse(time.DateOnly, v); err != nil {
				return invalid("date: want YYYY-MM-DD, got %q", v)
			}
		}
		cur, _ := s.ix.Snapshot().Parcel(id)
		out, err := registry.StatusOn(c.Request().Context(), s.store, s.boards(), principalOf(c), id, on, cur)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, out)
	}
}
