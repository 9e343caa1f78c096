package httpapi

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Statistics: GET /stats/zones, /stats/zones/{id}, /stats/boards,
// /stats/provinces, /stats/kinds and /stats/leasing, each as JSON (default)
// or, with f=csv, as CSV with a header row. Definitions and units are
// those of package stats: areas in hectares, shares in percent (0-100),
// money in US dollars. Capital is exact for planners and admins and
// disclosed by the rule of stats.Audience to everyone else (rounded to one
// significant digit, or withheld with a reason): see audience.

const mimeCSV = "text/csv; charset=utf-8"

// statsFormat reads f: json (default) or csv.
func statsFormat(c echo.Context, params ...string) (csv bool, err error) {
	if err := checkParams(c.QueryParams(), append(params, "f")...); err != nil {
		return false, err
	}
	switch f := c.QueryParam("f"); f {
	case "", "json":
		return false, nil
	case "csv":
		return true, nil
	default:
		return false, invalid("f: %q is not one of json, csv", f)
	}
}

// audience is who the caller is to the statistics: planners and admins
// see exact capital, everyone else capital under the disclosure rule. An
// answer with exact figures is marked private, so that no shared cache
// hands it to a public caller.
func audience(c echo.Context) stats.Audience {
	if !registry.SeesConfidential(actorOf(c).Role) {
		return stats.Public
	}
	c.Response().Header().Set("Cache-Control", "private")
	return stats.Confidential
}

// writeCSV sends a CSV body as a download named name.
func writeCSV(c echo.Context, name string, body []byte) error {
	c.Response().Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	return writeBytes(c, http.StatusOK, mimeCSV, body)
}

// handleStatsZones answers GET /stats/zones: every zone's figures, by zone
// id, optionally only those of a board, a province or a kind.
func (s *Server) handleStatsZones() echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		csv, err := statsFormat(c, "board", "province", "kind")
		if err != nil {
			return err
		}
		kind, err := parseEnum("kind", q.Get("kind"), zonegis.ZoneKinds)
		if err != nil {
			return err
		}
		rep, err := s.stats.Zones(c.Request().Context(), audience(c))
		if err != nil {
			return err
		}
		board, province := q.Get("board"), q.Get("province")
		keep := rep.Items[:0]
		for _, z := range rep.Items {
			if (board == "" || z.BoardID == board) && (province == "" || foldEqual(z.Province, province)) &&
				(kind == "" || z.Kind == kind) {
				keep = append(keep, z)
			}
		}
		rep.Items = keep
		if csv {
			var b bytes.Buffer
			if err := stats.WriteZonesCSV(&b, rep.Items); err != nil {
				return err
			}
			return writeCSV(c, "zone-stats.csv", b.Bytes())
		}
		return writeJSON(c, http.StatusOK, mimeJSON, rep)
	}
}

// handleStatsZone answers GET /stats/zones/{id}: one zone's figures, the
// zone given by id or code.
func (s *Server) handleStatsZone() echo.HandlerFunc {
	return func(c echo.Context) error {
		csv, err := statsFormat(c)
		if err != nil {
			return err
		}
		rep, err := s.stats.Zones(c.Request().Context(), audience(c))
		if err != nil {
			return err
		}
		key := c.Param("id")
		id, _ := strconv.ParseInt(key, 10, 64)
		for _, z := range rep.Items {
			if z.ZoneID == id || strings.EqualFold(z.Code, key) {
				if csv {
					var b bytes.Buffer
					if err := stats.WriteZonesCSV(&b, []stats.ZoneStats{z}); err != nil {
						return err
					}
					return writeCSV(c, "zone-stats-"+z.Code+".csv", b.Bytes())
				}
				return writeJSON(c, http.StatusOK, mimeJSON, map[string]any{
					"as_of": rep.AsOf, "seq": rep.Seq, "min_green_pct": rep.MinGreenPct, "zone": z})
			}
		}
		return notFound("no zone with id or code %q", key)
	}
}

// handleStatsGroups answers GET /stats/boards, /stats/provinces and
// /stats/kinds.
func (s *Server) handleStatsGroups(by stats.By) echo.HandlerFunc {
	return func(c echo.Context) error {
		csv, err := statsFormat(c)
		if err != nil {
			return err
		}
		rep, err := s.stats.Groups(c.Request().Context(), by, audience(c))
		if err != nil {
			return err
		}
		if csv {
			var b bytes.Buffer
			if err := stats.WriteGroupsCSV(&b, rep.Items); err != nil {
				return err
			}
			return writeCSV(c, string(by)+"-stats.csv", b.Bytes())
		}
		return writeJSON(c, http.StatusOK, mimeJSON, rep)
	}
}

// handleStatsLeasing answers GET /stats/leasing: hectares leased and
// capital per year or quarter of lease start, with year-on-year change and
// percentage of plan.
func (s *Server) handleStatsLeasing() echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		csv, err := statsFormat(c, "by", "board", "province", "from", "to")
		if err != nil {
			return err
		}
		if _, err := parseEnum("by", q.Get("by"), []string{"year", "quarter"}); err != nil {
			return err
		}
		lq := stats.LeasingQuery{By: q.Get("by"), Board: q.Get("board"), Province: q.Get("province")}
		for name, dst := range map[string]*int{"from": &lq.From, "to": &lq.To} {
			if v := q.Get(name); v != "" {
				y, err := strconv.Atoi(v)
				if err != nil || y < 1900 || y > 2200 {
					return invalid("%s: want a year from 1900 to 2200, got %q", name, v)
				}
				*dst = y
			}
		}
		l, err := s.stats.Leasing(c.Request().Context(), lq, audience(c))
		if err != nil {
			return err
		}
		if csv {
			var b bytes.Buffer
			if err := stats.WriteLeasingCSV(&b, l); err != nil {
				return err
			}
			return writeCSV(c, "leasing-stats.csv", b.Bytes())
		}
		return writeJSON(c, http.StatusOK, mimeJSON, l)
	}
}
