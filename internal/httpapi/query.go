package httpapi

import (
	"context"
	"errors"
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// atParams are the point lookup's parameters, one slice: a variadic list
// given to httpx.RawQuery.Check would be allocated per request.
var atParams = []string{"lon", "lat"}

// handleAt answers GET /query/at?lon=&lat=: the zones, parcels and green
// areas under a point.
func (s *Server) handleAt() echo.HandlerFunc {
	return func(c echo.Context) error {
		var lon, lat string
		if rp, ok := httpx.SplitQuery(c.Request().URL.RawQuery); ok {
			if err := rp.Check(catalog.CheckParam, atParams...); err != nil {
				return err
			}
			lon, lat = rp.Get("lon"), rp.Get("lat")
		} else {
			q := c.QueryParams()
			if err := checkParams(q, "lon", "lat"); err != nil {
				return err
			}
			lon, lat = q.Get("lon"), q.Get("lat")
		}
		p, err := catalog.ParseAt(lon, lat)
		if err != nil {
			return err
		}
		buf := getBuffer()
		defer putBuffer(buf)
		*buf = catalog.AppendAt((*buf)[:0], s.ix.Snapshot(), p)
		return httpx.WriteBytes(c, http.StatusOK, mimeJSON, *buf)
	}
}

// handleIntersects answers POST /query/intersects with a GeoJSON Polygon or
// MultiPolygon (a geometry, or a Feature holding one): every zone, parcel
// and green area it intersects, each with its overlap area in m².
func (s *Server) handleIntersects() echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		if err := checkParams(q, "collections"); err != nil {
			return err
		}
		want, err := catalog.ParseCollections(q.Get("collections"))
		if err != nil {
			return err
		}
		body, err := readBody(c)
		if err != nil {
			return err
		}
		release, err := s.heavy.Acquire()
		if err != nil {
			return err
		}
		defer release()
		g, err := featurejson.ReadPolygon(body)
		if err != nil {
			return err
		}
		// Everything from here on is charged to one budget and stops
		// within microseconds of the client going away.
		bud := measure.NewBudget(c.Request().Context(), catalog.MaxQueryWork)
		pq, err := catalog.PreparePolygon(g, bud)
		if err != nil {
			return cancelled(err)
		}
		snap := s.ix.Snapshot()
		buf := getBuffer()
		defer putBuffer(buf)
		b := (*buf)[:0]
		b = append(b, `{"area_m2":`...)
		b = encode.AppendRounded(b, measure.AreaM2(g), 2)
		for _, l := range listed {
			if want[l.name()] && err == nil {
				b, err = l.appendIntersecting(b, snap, pq)
			}
		}
		*buf = b
		if err != nil {
			return cancelled(catalog.BudgetError(err, bud, g))
		}
		b = append(b, '}')
		*buf = b
		return httpx.WriteBytes(c, http.StatusOK, mimeJSON, b)
	}
}

// cancelled answers a query stopped because its request was cancelled
// (the client went away or the server is stopping) with 503; any other
// error passes.
func cancelled(err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the request was cancelled before its answer was ready")
	}
	return err
}

// handleSites answers GET /query/sites: available parcels for investors
// near a point and/or in a province or region (catalog.Sites), each with
// distance_m and its zone's code, names and province, with numberMatched.
func (s *Server) handleSites() echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		if err := checkParams(q, catalog.SitesParams...); err != nil {
			return err
		}
		sq, err := catalog.ParseSites(q.Get)
		if err != nil {
			return err
		}
		snap := s.ix.Snapshot()
		buf := getBuffer()
		defer putBuffer(buf)
		b := (*buf)[:0]
		b = append(b, `{"type":"FeatureCollection","features":[`...)
		n := 0
		matched := sq.Find(snap, func(pc *zonegis.Parcel, d float64) {
			z, _ := snap.Zone(pc.ZoneID)
			b = encode.Comma(b, &n)
			b = parcelFeature(b, snap, pc, encode.Site(d, z))
		})
		b = encode.Counts(append(b, ']'), matched, n)
		*buf = b
		return httpx.WriteBytes(c, http.StatusOK, mimeGeoJSON, b)
	}
}
