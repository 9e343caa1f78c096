package httpapi

// routes registers every route of the API; this is the one list.
func (s *Server) routes() {
	e := s.echo
	e.GET("/healthz", s.handleHealth())

	// OGC API - Features Part 1.
	e.GET("/", s.handleLanding())
	e.GET("/conformance", s.handleConformance())
	e.GET("/api", s.handleAPI())
	e.GET("/collections", s.handleCollections())
	e.GET("/collections/:collection", s.handleCollection())
	e.GET("/collections/:collection/items", s.handleItems())
	e.GET("/collections/:collection/items/:id", s.handleItem())

	// Spatial queries.
	e.GET("/query/at", s.handleAt())
	e.POST("/query/intersects", s.handleIntersects())
	e.GET("/query/sites", s.handleSites())

	// Planner writes (OGC API - Features Part 4 style).
	e.POST("/collections/:collection/items", s.handleCreate())
	e.PUT("/collections/:collection/items/:id", s.handleReplace(false))
	e.PATCH("/collections/:collection/items/:id", s.handleReplace(true))
	e.DELETE("/collections/:collection/items/:id", s.handleDelete())
	e.POST("/collections/:collection/import", s.handleImport())

	// Leasing.
	e.GET("/parcels/:id/leases", s.handleParcelLeases())
	e.POST("/parcels/:id/leases", s.handleLease())
	e.GET("/parcels/:id/status", s.handleParcelStatus())
	e.POST("/parcels/:id/reserve", s.handleReserve(true))
	e.POST("/parcels/:id/release", s.handleReserve(false))
	e.POST("/leases/:id/end", s.handleEndLease())

	// Reference data and administration.
	e.GET("/boards", s.handleBoards())
	e.GET("/audit", s.handleAudit())
}
