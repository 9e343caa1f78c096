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

	// Reference data.
	e.GET("/boards", s.handleBoards())
	e.GET("/parcels/:id/leases", s.handleParcelLeases())
}
