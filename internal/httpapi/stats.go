package httpapi

import (
	"bytes"
	"io"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/export"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/stats"
)

// Statistics: GET /stats/zones, /stats/zones/{id}, /stats/boards, /stats/provinces,
// /stats/kinds, /stats/leasing and /stats/investment, each as JSON (default)
// or, with f=csv, as CSV with a header row. Definitions and units are
// those of package stats: areas in hectares, shares in percent (0-100),
// money in US dollars. Capital is exact to the roles of the boards it sums
// (all of them), the ministry reader and admins, and disclosed by the rule
// of stats.Audience to everyone else (registry.StatsAudience): see audience.

// audience is who the caller is to the statistics (registry.StatsAudience).
// An answer with exact figures is marked private, so that no shared cache
// hands it to a public caller.
func audience(c echo.Context) stats.Audience {
	a := registry.StatsAudience(principalOf(c))
	if a.SeesAny() {
		c.Response().Header().Set("Cache-Control", "private")
	}
	return a
}

// statsAnswer is what a statistics route answers: v as JSON, or with
// f=csv what csv writes, as a download named name.
type statsAnswer struct {
	v    any
	name string
	csv  func(io.Writer) error
}

// statsRoute is a statistics route: f (json, the default, or csv) and
// params checked, then answer's answer sent as JSON or CSV.
func statsRoute(params []string, answer func(c echo.Context) (statsAnswer, error)) echo.HandlerFunc {
	params = append(slices.Clip(params), "f", "bom")
	return func(c echo.Context) error {
		if err := checkParams(c.QueryParams(), params...); err != nil {
			return err
		}
		csv := false
		switch f := c.QueryParam("f"); f {
		case "csv":
			csv = true
		case "", "json":
		default:
			return invalid("f: %q is not one of json, csv", f)
		}
		bom, err := export.ParseBOM(c.QueryParam("bom"), csv)
		if err != nil {
			return err
		}
		a, err := answer(c)
		if err != nil {
			return err
		}
		if !csv {
			return httpx.WriteJSON(c, http.StatusOK, mimeJSON, a.v)
		}
		var b bytes.Buffer
		if bom {
			b.WriteString(export.UTF8BOM)
		}
		if err := a.csv(&b); err != nil {
			return err
		}
		c.Response().Header().Set("Content-Disposition", `inline; filename="`+a.name+`"`)
		return httpx.WriteBytes(c, http.StatusOK, httpx.MIMECSV, b.Bytes())
	}
}

// handleStatsZones answers GET /stats/zones: every zone's figures, by zone
// id, optionally only those of a board, a province or a kind
// (stats.ZoneFilter).
func (s *Server) handleStatsZones() echo.HandlerFunc {
	return statsRoute(stats.ZoneFilterParams, func(c echo.Context) (statsAnswer, error) {
		f, err := stats.ParseZoneFilter(c.QueryParam)
		if err != nil {
			return statsAnswer{}, err
		}
		rep, err := s.stats.Zones(c.Request().Context(), audience(c))
		rep.Items = f.Keep(rep.Items)
		return statsAnswer{rep, "zone-stats.csv", func(w io.Writer) error { return stats.WriteZonesCSV(w, rep.Items) }}, err
	})
}

// handleStatsZone answers GET /stats/zones/{id}: one zone's figures, the
// zone given by id or code (index.Snapshot.ZoneByRef).
func (s *Server) handleStatsZone() echo.HandlerFunc {
	return statsRoute(nil, func(c echo.Context) (statsAnswer, error) {
		rep, err := s.stats.Zones(c.Request().Context(), audience(c))
		if err != nil {
			return statsAnswer{}, err
		}
		key := c.Param("id")
		if zone, ok := s.ix.Snapshot().ZoneByRef(key); ok {
			if z, ok := stats.Zone(rep, zone.ID); ok {
				return statsAnswer{map[string]any{"as_of": rep.AsOf, "seq": rep.Seq, "min_green_pct": rep.MinGreenPct, "zone": z},
					"zone-stats-" + z.Code + ".csv", func(w io.Writer) error { return stats.WriteZonesCSV(w, []stats.ZoneStats{z}) }}, nil
			}
		}
		return statsAnswer{}, notFound("no zone with id or code %q", key)
	})
}

// handleStatsGroups answers GET /stats/boards, /stats/provinces and
// /stats/kinds.
func (s *Server) handleStatsGroups(by stats.By) echo.HandlerFunc {
	return statsRoute(nil, func(c echo.Context) (statsAnswer, error) {
		rep, err := s.stats.Groups(c.Request().Context(), by, audience(c))
		return statsAnswer{rep, string(by) + "-stats.csv", func(w io.Writer) error { return stats.WriteGroupsCSV(w, rep.Items) }}, err
	})
}

// handleStatsLeasing answers GET /stats/leasing: hectares leased and
// capital per year or quarter of lease start, with year-on-year change and
// percentage of plan (stats.LeasingQuery).
func (s *Server) handleStatsLeasing() echo.HandlerFunc {
	return statsRoute(stats.LeasingParams, func(c echo.Context) (statsAnswer, error) {
		lq, err := stats.ParseLeasingQuery(c.QueryParam)
		if err != nil {
			return statsAnswer{}, err
		}
		l, err := s.stats.Leasing(c.Request().Context(), lq, audience(c))
		return statsAnswer{l, "leasing-stats.csv", func(w io.Writer) error { return stats.WriteLeasingCSV(w, l) }}, err
	})
}

// handleStatsInvestment answers GET /stats/investment: projects and
// capital new and added per group and period (stats.InvestmentQuery).
func (s *Server) handleStatsInvestment() echo.HandlerFunc {
	return statsRoute(stats.InvestmentParams, func(c echo.Context) (statsAnswer, error) {
		q, err := stats.ParseInvestmentQuery(c.QueryParam)
		if err != nil {
			return statsAnswer{}, err
		}
		inv, err := s.stats.Investment(c.Request().Context(), q, audience(c), s.heavy.Acquire)
		return statsAnswer{inv, "investment-stats.csv", func(w io.Writer) error { return stats.WriteInvestmentCSV(w, inv) }}, err
	})
}
