package httpapi

import (
	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/catalog"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/htmlpage"
	"github.com/zonegis/zonegis/internal/session"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/tiles"
)

// routes registers every route of the API; this is the one list. Heavy
// routes run under s.heavy (httpx.Limit, Options.HeavyRequests).
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.handleHealth())
	e.GET("/metrics", s.metrics) // Prometheus (package metrics)

	// OGC API - Features Part 1.
	// HTML where asked for (htmlpage.Negotiate), wrapped here, once: echo
	// applies a route-level middleware anew on every request.
	e.GET("/", htmlpage.Negotiate(s.handleLanding()))
	e.GET("/conformance", htmlpage.Negotiate(s.handleConformance()))
	e.GET("/api", s.handleAPI())
	e.GET("/collections", htmlpage.Negotiate(s.handleCollections()))
	e.GET("/collections/:collection", htmlpage.Negotiate(s.handleCollection()))
	e.GET("/collections/:collection/items", htmlpage.Negotiate(s.heavy.Wrap(s.handleItems(), projected)))
	e.GET("/collections/:collection/items/:id", htmlpage.Negotiate(s.handleItem()))
	e.GET("/collections/:collection/queryables", s.onCollection(collection.queryables))
	e.GET("/collections/:collection/schema", s.handleSchema(encode.Schema))
	e.GET("/collections/:collection/schemas/feature", s.handleSchema(encode.FeatureSchema))
	e.GET("/collections/:collection/sortables", s.handleSchema(catalog.SortablesSchema))

	// Spatial queries.
	e.GET("/query/at", s.handleAt())
	e.POST("/query/intersects", s.handleIntersects()) // heavy once its body is read
	e.GET("/query/sites", s.handleSites())

	// Planner writes (OGC API - Features Part 4 style).
	e.POST("/collections/:collection/items", s.handleCreate())
	e.PUT("/collections/:collection/items/:id", s.handleReplace(false))
	e.PATCH("/collections/:collection/items/:id", s.handleReplace(true))
	e.DELETE("/collections/:collection/items/:id", s.handleDelete())
	e.POST("/collections/:collection/import", s.heavy.Wrap(s.handleImport(), nil))
	e.GET("/jobs/:id", s.handleJob()) // an import run in the background

	// Leasing.
	e.GET("/parcels/:id/leases", s.handleParcelLeases())
	e.POST("/parcels/:id/leases", s.handleLease())
	e.GET("/parcels/:id/status", s.handleParcelStatus())
	e.POST("/parcels/:id/reserve", s.handleReserve(true))
	e.POST("/parcels/:id/release", s.handleReserve(false))
	e.POST("/leases/:id/end", s.handleEndLease())

	// Parcel lineage: split a parcel into lots, merge adjacent parcels.
	e.POST("/parcels/:id/split", s.handleSplit())
	e.POST("/parcels/merge", s.handleMerge())
	e.GET("/parcels/:id/lineage", s.handleLineage())

	// Vector tiles from the index, and the web map that draws them.
	e.GET("/tiles/:layer", s.handleTileDoc(func(b, l string) (any, error) { return s.tiles.TileJSON(b, l, s.version) }))
	e.GET("/tiles/:layer/:z/:x/:y", s.handleTile())
	// OGC API - Tiles over the same tiles: the dataset's ("all") and each
	// collection's tile set in WebMercatorQuad.
	tilesets := func(b, l string) (any, error) { return s.tiles.Tilesets(b, l) }
	tileset := func(b, l string) (any, error) { return s.tiles.Tileset(b, l) }
	for _, p := range []string{"/tiles", "/collections/:collection/tiles"} {
		e.GET(p, s.handleTileDoc(tilesets))
		e.GET(p+"/WebMercatorQuad", s.handleTileDoc(tileset))
		e.GET(p+"/WebMercatorQuad/:tileMatrix/:tileRow/:tileCol", s.handleTile())
	}
	e.GET("/tileMatrixSets", s.handleTileDoc(func(b, _ string) (any, error) { return tiles.TileMatrixSets(b), nil }))
	e.GET("/tileMatrixSets/WebMercatorQuad", s.handleTileDoc(func(b, _ string) (any, error) { return tiles.WebMercatorQuadSet(b), nil }))
	e.GET("/app", s.handleAppRedirect())
	e.GET("/app/", s.handleAppIndex())
	e.GET("/app/config.json", s.handleAppConfig())
	e.GET("/app/assets/:file", s.handleAppAsset(""))
	e.GET("/favicon.ico", s.handleAppAsset("favicon.ico"))

	// Statistics (JSON or CSV) and exports for GIS analysts.
	e.GET("/stats/zones", s.handleStatsZones())
	e.GET("/stats/zones/:id", s.handleStatsZone())
	e.GET("/stats/boards", s.handleStatsGroups("board"))
	e.GET("/stats/provinces", s.handleStatsGroups("province"))
	e.GET("/stats/kinds", s.handleStatsGroups("kind"))
	e.GET("/stats/leasing", s.handleStatsLeasing())
	e.GET("/stats/investment", s.handleStatsInvestment()) // heavy unless cached: stats.Service.Investment
	e.GET("/stats/published", statsRoute(stats.PublishedParams, func(c echo.Context) (statsAnswer, error) {
		p, err := s.stats.Published(c.Request().Context(), c.QueryParam) // the boards' own, never derived ones
		return statsAnswer{p, "published-figures.csv", p.WriteCSV}, err
	}))
	e.GET("/collections/:collection/export", s.heavy.Wrap(s.handleExport(), projected))
	e.GET("/zones/:id/dossier", s.heavy.Wrap(s.handleDossier(), projected))

	// Reference data and administration.
	e.GET("/boards", s.handleBoards())
	e.GET("/boards/:id", s.handleBoard())
	e.POST("/boards", s.handleCreateBoard())
	e.PATCH("/boards/:id", s.handleUpdateBoard())
	e.DELETE("/boards/:id", s.handleDeleteBoard())
	e.GET("/enums", s.handleEnums())
	e.GET("/audit", s.handleAudit())

	// Web sessions: sign-in by password or OpenID Connect (session.Manager).
	e.POST("/auth/login", s.onSessions((*session.Manager).HandleLogin))
	e.POST("/auth/logout", s.onSessions((*session.Manager).HandleLogout))
	e.GET("/auth/me", s.onSessions((*session.Manager).HandleMe))
	e.GET("/auth/oidc/start", s.onSessions((*session.Manager).HandleOIDCStart))
	e.GET("/auth/oidc/callback", s.onSessions((*session.Manager).HandleOIDCCallback, session.CallbackParams...))
}

// onSessions runs a web sessions' handler taking params; 404 without.
func (s *Server) onSessions(h func(*session.Manager, echo.Context) error, params ...string) echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkParams(c.QueryParams(), params...); err != nil {
			return err
		} else if s.sessions == nil {
			return notFound("web sign-in is not configured on this server")
		}
		return h(s.sessions, c)
	}
}
