package httpapi

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
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
		if err := checkParams(c.QueryParams()); err != nil {
			return err
		}
		bs, err := s.db.Boards(c.Request().Context())
		if err != nil {
			return err
		}
		out := make([]board, 0, len(bs))
		for _, b := range bs {
			out = append(out, board{b.ID, b.NameVI, b.NameEN, b.Province, b.Website})
		}
		return writeJSON(c, http.StatusOK, mimeJSON, map[string]any{"boards": out})
	}
}

// handleParcelLeases answers GET /parcels/{id}/leases: the lease history of
// a parcel, oldest first. Confidential fields (capital, contact) are left
// out for public readers.
func (s *Server) handleParcelLeases() echo.HandlerFunc {
	type lease struct {
		ID       int64   `json:"id"`
		ParcelID int64   `json:"parcel_id"`
		Lessee   string  `json:"lessee"`
		Country  string  `json:"country"`
		Sector   string  `json:"sector"`
		Start    string  `json:"start"`
		End      string  `json:"end"`
		EndedOn  *string `json:"ended_on"`
		InForce  bool    `json:"in_force"`
		Workers  int32   `json:"workers"`
		Version  int64   `json:"version"`
	}
	return func(c echo.Context) error {
		if err := checkParams(c.QueryParams()); err != nil {
			return err
		}
		id, err := parseID(c.Param("id"))
		if err != nil {
			return err
		}
		if _, ok := s.ix.Snapshot().Parcel(id); !ok {
			return notFound("no parcel with id %d", id)
		}
		ls, err := s.db.LeasesOfParcel(c.Request().Context(), id)
		if err != nil {
			return err
		}
		today := time.Now().UTC().Truncate(24 * time.Hour)
		out := make([]lease, 0, len(ls))
		for _, l := range ls {
			end, ended := l.End, (*string)(nil)
			if l.EndedOn != nil {
				end = *l.EndedOn
				s := l.EndedOn.Format(time.DateOnly)
				ended = &s
			}
			out = append(out, lease{l.ID, l.ParcelID, l.Lessee, l.Country, l.Sector, l.Start.Format(time.DateOnly),
				l.End.Format(time.DateOnly), ended, !today.Before(l.Start) && today.Before(end), l.Workers, l.Version})
		}
		return writeJSON(c, http.StatusOK, mimeJSON, map[string]any{"parcel_id": id, "leases": out})
	}
}
