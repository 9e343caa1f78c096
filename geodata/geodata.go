// Package geodata embeds the seed data of zonegis: real industrial-zone
// boundaries from OpenStreetMap (© OpenStreetMap contributors, ODbL 1.0; see
// README.md) and the curated attributes of the zones the boards are known for;
// and the context the web map draws under them: provinces and wards (2025,
// MIT, © 2021 Thang Le Quoc; see README.md).
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

// Provinces is a GeoJSON FeatureCollection of the 34 provincial-level
// units of 1 July 2025 (code, name_vi, name_en, type), generalised to
// about 100 m (vn_provinces34_2025.README.txt; MIT).
//
//go:embed vn_provinces34_2025.geojson
var Provinces []byte

var (
	//go:embed vn_wards_2025_ha_noi.geojson
	wardsHaNoi []byte
	//go:embed vn_wards_2025_hai_phong.geojson
	wardsHaiPhong []byte
	//go:embed vn_wards_2025_ho_chi_minh.geojson
	wardsHoChiMinh []byte
)

// Wards are GeoJSON FeatureCollections of the wards and communes (2025;
// code, name, name_en, full_name, unit_type, province_code,
// province_name) of Hà Nội, Hải Phòng and Hồ Chí Minh City
// (vn_wards_2025_*.README.txt; MIT).
var Wards = [][]byte{wardsHaNoi, wardsHaiPhong, wardsHoChiMinh}
