// Package geodata embeds the seed data of zonegis: real industrial-zone
// boundaries from OpenStreetMap (© OpenStreetMap contributors, ODbL 1.0; see
// README.md) and the curated attributes of the zones the boards are known for.
package geodata

import _ "embed"

// IndustrialParks is a GeoJSON FeatureCollection of 289 Vietnamese
// industrial-zone polygons (© OpenStreetMap contributors, ODbL 1.0).
//
//go:embed vn_industrial_parks_osm.geojson
var IndustrialParks []byte

// Boards is a CSV of management boards: id,name_vi,name_en,province,website.
//
//go:embed boards.csv
var Boards []byte

// Zones is a CSV of curated zone attributes keyed by OSM id:
// osm_id,code,name_vi,name_en,kind,board,parent,status,model,established,
// enterprises,workers,sectors(;-separated),province(override, optional).
//
//go:embed zones.csv
var Zones []byte
