package httpapi

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/measure"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Bounds of the spatial queries.
const (
	MaxQueryVertices = featurejson.MaxPolygonVertices // vertices in a posted polygon
	DefaultRadiusM   = 5000.0                         // site search radius when none is given, metres
	MaxRadiusM       = 200000.                        // largest site search radius, metres
	DefaultSites     = 50
	MaxSites         = 1000
	MaxIntersectHits = 10000 // features per collection in an intersects answer
	// MaxQueryWork bounds the work of one POST /query/intersects, in
	// measure.Budget units (about one edge compared each, tens of ns): the
	// self-crossing check, indexing the polygon and every candidate's
	// test. Calibrated so that a request at the bound ends within about
	// 70 ms of work on a 2-core machine; decoding the JSON comes on top,
	// linear in the body (about 12 ms for 3 MB; the 8 MB bench body adds ~20 ms):
	// BenchmarkIntersectsWorst, BenchmarkDecodeBodyPolygon and the make
	// bench row "intersects, worst input within the limits" (< 200 ms).
	MaxQueryWork = 4_000_000
)

// handleAt answers GET /query/at?lon=&lat=: the zones, parcels and green
// areas under a point.
func (s *Server) handleAt() echo.HandlerFunc {
	return func(c echo.Context) error {
		var lon, lat string
		if rp, ok := splitRawQuery(c.Request().URL.RawQuery); ok {
			if err := rp.check("lon", "lat"); err != nil {
				return err
			}
			lon, lat = rp.get("lon"), rp.get("lat")
		} else {
			q := c.QueryParams()
			if err := checkParams(q, "lon", "lat"); err != nil {
				return err
			}
			lon, lat = q.Get("lon"), q.Get("lat")
		}
		p, err := parseLonLatText(lon, lat)
		if err != nil {
			return err
		}
		snap := s.ix.Snapshot()
		buf := getBuffer()
		defer putBuffer(buf)
		b := (*buf)[:0]
		b = append(b, `{"point":[`...)
		b = encode.AppendFloat(b, p[0])
		b = append(b, ',')
		b = encode.AppendFloat(b, p[1])
		b = append(b, `],"zones":{"type":"FeatureCollection","features":[`...)
		n := 0
		snap.ZonesAt(p, func(z *zonegis.Zone) bool {
			b = comma(b, &n)
			b = zoneFeature(b, snap, z, nil)
			return true
		})
		b = append(b, `]},"parcels":{"type":"FeatureCollection","features":[`...)
		n = 0
		snap.ParcelsAt(p, func(pc *zonegis.Parcel) bool {
			b = comma(b, &n)
			b = parcelFeature(b, snap, pc, nil)
			return true
		})
		b = append(b, `]},"green_areas":{"type":"FeatureCollection","features":[`...)
		n = 0
		snap.GreenAreasAt(p, func(g *zonegis.GreenArea) bool {
			b = comma(b, &n)
			b = greenAreaFeature(b, snap, g, nil)
			return true
		})
		b = append(b, `]}}`...)
		*buf = b
		return writeBytes(c, http.StatusOK, mimeJSON, b)
	}
}

func comma(b []byte, n *int) []byte {
	if *n > 0 {
		b = append(b, ',')
	}
	*n++
	return b
}

// overlapExtra adds the overlap area to a feature's properties.
func overlapExtra(m2 float64) encode.Extra {
	return func(b []byte) []byte {
		b = append(b, `,"overlap_m2":`...)
		return encode.AppendRounded(b, m2, 2)
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
		want := map[string]bool{}
		if v := q.Get("collections"); v != "" {
			for _, id := range strings.Split(v, ",") {
				if !knownCollection(id) {
					return invalid("collections: unknown collection %q; choose from %s", id, strings.Join(collectionIDs, ", "))
				}
				want[id] = true
			}
		} else {
			for _, id := range collectionIDs {
				want[id] = true
			}
		}
		body, err := readBody(c)
		if err != nil {
			return err
		}
		release, err := s.heavy.acquire()
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
		bud := measure.NewBudget(c.Request().Context(), MaxQueryWork)
		i, p, ok, err := measure.SelfCrossing(g, bud)
		if err != nil {
			return workError(err, bud, g)
		}
		if ok {
			return &zonegis.Error{Code: zonegis.EINVALID,
				Message: fmt.Sprintf("geometry: polygon %d is not valid: its edges cross at [%.7f, %.7f] (a bow-tie or a ring through another); draw it without crossings", i, p[0], p[1]),
				Details: map[string]any{"location": []float64{p[0], p[1]}}}
		}
		pq, err := measure.Prepare(g, bud)
		if err != nil {
			return workError(err, bud, g)
		}
		snap := s.ix.Snapshot()
		buf := getBuffer()
		defer putBuffer(buf)
		b := (*buf)[:0]
		b = append(b, `{"area_m2":`...)
		b = encode.AppendRounded(b, measure.AreaM2(g), 2)
		if want[zonegis.CollectionZones] {
			b = append(b, `,"zones":{"type":"FeatureCollection","features":[`...)
			n := 0
			err = snap.ZonesIntersectingPrepared(pq, func(z *zonegis.Zone, m2 float64) bool {
				b = comma(b, &n)
				b = zoneFeature(b, snap, z, overlapExtra(m2))
				return n < MaxIntersectHits
			})
			b = append(b, `]}`...)
		}
		if want[zonegis.CollectionParcels] && err == nil {
			b = append(b, `,"parcels":{"type":"FeatureCollection","features":[`...)
			n := 0
			err = snap.ParcelsIntersectingPrepared(pq, func(p *zonegis.Parcel, m2 float64) bool {
				b = comma(b, &n)
				b = parcelFeature(b, snap, p, overlapExtra(m2))
				return n < MaxIntersectHits
			})
			b = append(b, `]}`...)
		}
		if want[zonegis.CollectionGreenAreas] && err == nil {
			b = append(b, `,"green_areas":{"type":"FeatureCollection","features":[`...)
			n := 0
			err = snap.GreenAreasIntersectingPrepared(pq, func(ga *zonegis.GreenArea, m2 float64) bool {
				b = comma(b, &n)
				b = greenAreaFeature(b, snap, ga, overlapExtra(m2))
				return n < MaxIntersectHits
			})
			b = append(b, `]}`...)
		}
		if err != nil {
			*buf = b
			return workError(err, bud, g)
		}
		b = append(b, '}')
		*buf = b
		return writeBytes(c, http.StatusOK, mimeJSON, b)
	}
}

// workError turns a stopped intersects query into its answer: 413 with
// the reason when the work budget ran out, 503 when the request was
// cancelled (the client went away or the server is stopping).
func workError(err error, bud *measure.Budget, g orb.MultiPolygon) error {
	if errors.Is(err, measure.ErrBudget) {
		return &zonegis.Error{Code: zonegis.ETOOLARGE,
			Message: fmt.Sprintf("geometry: answering this polygon (%d vertices) needs more than the %d units of work one request may take "+
				"(a unit is about one edge compared; long edges side by side, dense teeth over many features, or very many features in its bounds cost most); "+
				"send a smaller or simpler polygon, or split it into parts and query each", featurejson.VertexCount(g), bud.Limit()),
			Details: map[string]any{"work_limit": bud.Limit()}}
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return echo.NewHTTPError(http.StatusServiceUnavailable, "the request was cancelled before its answer was ready")
	}
	return err
}

// handleSites answers GET /query/sites: available parcels near a point for
// investors, within radius_m metres, filtered by area and land use, nearest
// first, each with distance_m and its zone's code and names.
func (s *Server) handleSites() echo.HandlerFunc {
	return func(c echo.Context) error {
		q := c.QueryParams()
		if err := checkParams(q, "lon", "lat", "radius_m", "min_area_ha", "max_area_ha", "land_use", "status", "limit"); err != nil {
			return err
		}
		p, err := parseLonLat(q)
		if err != nil {
			return err
		}
		radius := DefaultRadiusM
		if v := q.Get("radius_m"); v != "" {
			if radius, err = parseFloat("radius_m", v); err != nil {
				return err
			}
			if radius <= 0 || radius > MaxRadiusM {
				return invalid("radius_m: want more than 0 and at most %v metres", MaxRadiusM)
			}
		}
		minM2, maxM2, err := areaRange(q)
		if err != nil {
			return err
		}
		use, err := parseEnum("land_use", q.Get("land_use"), zonegis.LandUses)
		if err != nil {
			return err
		}
		status := zonegis.ParcelAvailable
		if v := q.Get("status"); v != "" {
			if status, err = parseEnum("status", v, zonegis.ParcelStatuses); err != nil {
				return err
			}
		}
		limit := DefaultSites
		if v := q.Get("limit"); v != "" {
			if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > MaxSites {
				return invalid("limit: want a whole number from 1 to %d", MaxSites)
			}
		}
		snap := s.ix.Snapshot()
		buf := getBuffer()
		defer putBuffer(buf)
		b := (*buf)[:0]
		b = append(b, `{"type":"FeatureCollection","features":[`...)
		n := 0
		snap.NearbyParcels(p, radius, func(pc *zonegis.Parcel) bool {
			return pc.Status == status && (use == "" || pc.LandUse == use) && pc.AreaM2 >= minM2 && pc.AreaM2 <= maxM2
		}, func(pc *zonegis.Parcel, d float64) bool {
			z, _ := snap.Zone(pc.ZoneID)
			b = comma(b, &n)
			b = parcelFeature(b, snap, pc, func(b []byte) []byte {
				b = append(b, `,"distance_m":`...)
				b = encode.AppendRounded(b, d, 1)
				if z != nil {
					b = append(b, `,"zone_code":`...)
					b = encode.AppendString(b, z.Code)
					b = append(b, `,"zone_name_vi":`...)
					b = encode.AppendString(b, z.NameVI)
					b = append(b, `,"zone_name_en":`...)
					b = encode.AppendString(b, z.NameEN)
				}
				return b
			})
			return n < limit
		})
		b = append(b, `],"numberReturned":`...)
		b = strconv.AppendInt(b, int64(n), 10)
		b = append(b, '}')
		*buf = b
		return writeBytes(c, http.StatusOK, mimeGeoJSON, b)
	}
}
