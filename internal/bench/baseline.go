package bench

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"
)

// SQL of the PostGIS baselines: the same questions answered by the database
// with its GiST index, as a PostGIS-backed feature server would (pgx,
// ST_AsGeoJSON, ST_AsMVT), over parcels_now (the parcels with their derived
// status, migrations/0005). TestBaselineSQL runs each on the schema.
const (
	sqlBaselineAt = `SELECT json_build_object('type', 'FeatureCollection', 'features',
		coalesce(json_agg(ST_AsGeoJSON(p.*)::json), '[]'))::text
		FROM (SELECT id, zone_id, lot_code, land_use, status, area_m2, version, boundary
		        FROM parcels_now WHERE ST_Intersects(boundary, ST_SetSRID(ST_MakePoint($1, $2), 4326))) p`
	sqlBaselineBBox = `SELECT json_build_object('type', 'FeatureCollection', 'features',
		coalesce(json_agg(ST_AsGeoJSON(p.*)::json), '[]'))::text
		FROM (SELECT id, zone_id, lot_code, land_use, status, area_m2, version, boundary
		        FROM parcels_now WHERE ST_Intersects(boundary, ST_MakeEnvelope($1, $2, $3, $4, 4326)) ORDER BY id LIMIT 100) p`
	sqlBaselineTile = `SELECT ST_AsMVT(q, 'parcels', 4096, 'geom') FROM (
		SELECT id, lot_code, status, land_use,
		       ST_AsMVTGeom(ST_Transform(boundary, 3857), ST_TileEnvelope($1, $2, $3), 4096, 64, true) AS geom
		  FROM parcels_now WHERE boundary && ST_Transform(ST_TileEnvelope($1, $2, $3), 4326)) q`
)

// baselines serves the comparison endpoints on a loopback port:
//
//	/static/bbox, /static/point  a prepared body of the same size as ours (the HTTP ceiling)
//	/pg/at, /pg/bbox, /pg/tiles  PostGIS answering the same query
type baselines struct {
	srv  *http.Server
	addr string
	mu   sync.RWMutex
	body map[string][]byte
}

func startBaselines(pool *pgxpool.Pool) (*baselines, error) {
	b := &baselines{body: map[string][]byte{}}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	static := func(name string) echo.HandlerFunc {
		return func(c echo.Context) error {
			b.mu.RLock()
			body := b.body[name]
			b.mu.RUnlock()
			return c.Blob(http.StatusOK, "application/geo+json", body)
		}
	}
	e.GET("/static/bbox", static("bbox"))
	e.GET("/static/point", static("point"))
	f := func(c echo.Context, name string) float64 {
		v, _ := strconv.ParseFloat(c.QueryParam(name), 64)
		return v
	}
	e.GET("/pg/at", func(c echo.Context) error {
		var s string
		if err := pool.QueryRow(c.Request().Context(), sqlBaselineAt, f(c, "lon"), f(c, "lat")).Scan(&s); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/geo+json", []byte(s))
	})
	e.GET("/pg/bbox", func(c echo.Context) error {
		var s string
		err := pool.QueryRow(c.Request().Context(), sqlBaselineBBox, f(c, "x0"), f(c, "y0"), f(c, "x1"), f(c, "y1")).Scan(&s)
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/geo+json", []byte(s))
	})
	e.GET("/pg/tiles/:z/:x/:y", func(c echo.Context) error {
		z, _ := strconv.Atoi(c.Param("z"))
		x, _ := strconv.Atoi(c.Param("x"))
		y, _ := strconv.Atoi(c.Param("y"))
		var mvt []byte
		if err := pool.QueryRow(c.Request().Context(), sqlBaselineTile, z, x, y).Scan(&mvt); err != nil {
			return err
		}
		return c.Blob(http.StatusOK, "application/vnd.mapbox-vector-tile", mvt)
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	b.addr = ln.Addr().String()
	b.srv = &http.Server{Handler: e}
	go b.srv.Serve(ln) //nolint:errcheck // closed by stop
	return b, nil
}

func (b *baselines) setBody(name string, body []byte) {
	b.mu.Lock()
	b.body[name] = body
	b.mu.Unlock()
}

func (b *baselines) stop() { b.srv.Shutdown(context.Background()) } //nolint:errcheck // best effort
