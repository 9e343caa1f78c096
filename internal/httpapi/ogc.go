package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/api"
	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/index"
)

// conformanceClasses are the OGC API classes implemented: Features Parts 1–5,
// CQL2, Tiles and the tile matrix sets.
var conformanceClasses = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
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
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
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
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/optimistic-locking-etags",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
	"http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/schemas",
	"http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/core-roles-features",
	"http://www.opengis.net/spec/ogcapi-features-5/1.0/conf/sortables",
	"http://www.opengis.net/spec/ogcapi-records-1/1.0/conf/sorting",
}

// handleSchema answers /collections/{c}/schema (encode.Schema, OGC API -
// Features Part 5), /collections/{c}/schemas/feature (encode.FeatureSchema)
// and /collections/{c}/sortables (catalog.SortablesSchema).
func (s *Server) handleSchema(schema func(base, collection, title string) map[string]any) echo.HandlerFunc {
	return s.onCollection(func(l collection, _ *Server, c echo.Context, _ *index.Snapshot) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, encode.MIMESchema, schema(httpx.BaseURL(c), l.name(), l.title()))
	})
}

func (s *Server) handleLanding() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkFormat(c, "json"); err != nil {
			return err
		}
		return httpx.WriteJSON(c, http.StatusOK, mimeJSON, encode.Landing(httpx.BaseURL(c)))
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
	features := map[string]map[string]any{} // each collection's own paths' schemas
	for _, l := range listed {
		features[l.name()] = encode.FeatureSchema("", l.name(), l.title())
	}
	served := api.ServedOnce(features) // converted at the first request, not at start-up
	return func(c echo.Context) error {
		if err := checkFormat(c, "json", "yaml"); err != nil {
			return err
		}
		switch doc, yml, err := served(); c.QueryParam("f") {
		case "yaml":
			return c.Blob(http.StatusOK, "application/vnd.oai.openapi;version=3.0", yml)
		case "", "json":
			if err != nil {
				return err
			}
			return c.Blob(http.StatusOK, mimeOpenAPI, doc)
		default:
			return invalid("f: want json or yaml")
		}
	}
}
