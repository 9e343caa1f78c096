package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/api"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/tiles"
)

// conformanceClasses are the OGC API - Features and CQL2 classes implemented.
// conformanceClasses are the OGC API - Features classes implemented.
var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/case-insensitive-comparison",
	"http://www.opengis.net/spec/cql2/1.0/conf/accent-insensitive-comparison",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/temporal-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/arithmetic",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
	"http://www.opengis.net/spec/tms/2.0/conf/tilematrixset",
	"http://www.opengis.net/spec/tms/2.0/conf/json-tilematrixset",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
}

func (s *Server) handleLanding() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		base := httpx.BaseURL(c)
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{
			"title":       "zonegis",
			"description": "Land records of Vietnam's industrial-zone management boards: zones, parcels, green areas and leases. Zone boundaries © OpenStreetMap contributors (ODbL).",
			"attribution": "Zone boundaries © OpenStreetMap contributors, ODbL 1.0",
			"links": []map[string]string{
				{"href": base + "/", "rel": "self", "type": mimeJSON, "title": "This document"},
				{"href": base + "/api", "rel": "service-desc", "type": mimeOpenAPI, "title": "The API definition (OpenAPI 3.0)"},
				{"href": base + "/conformance", "rel": "conformance", "type": mimeJSON, "title": "Conformance classes"},
				{"href": base + "/collections", "rel": "data", "type": mimeJSON, "title": "Feature collections"},
				{"href": base + "/tiles", "rel": tiles.RelTilesetsVector, "type": mimeJSON, "title": "Vector tiles of every collection"},
				{"href": base + "/tileMatrixSets", "rel": tiles.RelTilingSchemes, "type": mimeJSON, "title": "Tile matrix sets"},
				{"href": base + "/app/", "rel": "alternate", "type": "text/html", "title": "Web map"},
			},
		})
	}
}

func (s *Server) handleConformance() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, map[string]any{"conformsTo": conformanceClasses})
	}
}

func (s *Server) handleAPI() echo.HandlerFunc {
	doc, err := api.JSON() // converted once
	return func(c echo.Context) error {
		if err := checkFormat(c, "json", "yaml"); err != nil {
			return err
		}
		switch c.QueryParam("f") {
		case "yaml":
			return c.Blob(http.StatusOK, "application/vnd.oai.openapi;version=3.0", api.OpenAPI)
		case "", "json":
		default:
			return invalid("f: want json or yaml")
		}
		if err != nil {
			return err
		}
		return c.Blob(http.StatusOK, mimeOpenAPI, doc)
	}
}
