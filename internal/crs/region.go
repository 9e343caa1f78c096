package crs

import (
	"strings"
	"sync"
)

// Region is one of Vietnam's six socio-economic regions (vùng kinh tế - xã
// hội) of the national master plan 2021–2030 (Resolution 81/2023/QH15,
// Article 3), with the 34 provinces of 1 July 2025 in it. The site search
// filters by it.
//
// The six regions were drawn over the 63 former provinces; where a 2025
// merger joined provinces of two regions, the table follows the
// post-merger grouping published after 1 July 2025 (hungvietland.vn, "Các
// vùng kinh tế của Việt Nam sau sáp nhập", which applies Resolution
// 81/2023/QH15 to the 34 provinces: 9, 6, 8, 3, 3 and 5 provinces), not
// the seat: Bắc Ninh (with former Bắc Giang) in the Red River Delta, Phú
// Thọ (with Vĩnh Phúc) in the Northern Midlands and Mountains, Gia Lai
// (with Bình Định), Đắk Lắk (with Phú Yên) and Lâm Đồng (with Bình Thuận)
// in the Central Highlands, Quảng Ngãi (with Kon Tum) on the central
// coast, Tây Ninh (with Long An) in the Southeast. A secondary source: no
// legal text assigning the merged provinces was found; check before
// relying on a border case.
// TestRegionsCoverProvinces holds the table to the 34 provinces, each once.
type Region struct {
	Code   string // stable slug, such as "red_river_delta"
	NameVI string
	NameEN string
	// Provinces are the codes of its provinces (Province.Code).
	Provinces []string
}

var regions = []Region{
	{"northern_midlands_mountains", "Trung du và miền núi phía Bắc", "Northern Midlands and Mountains",
		[]string{"08", "04", "12", "11", "20", "14", "15", "19", "25"}},
	{"red_river_delta", "Đồng bằng sông Hồng", "Red River Delta",
		[]string{"01", "31", "22", "24", "33", "37"}},
	{"north_central_central_coast", "Bắc Trung Bộ và duyên hải miền Trung", "North Central and Central Coast",
		[]string{"38", "40", "42", "44", "46", "48", "51", "56"}},
	{"central_highlands", "Tây Nguyên", "Central Highlands",
		[]string{"52", "66", "68"}},
	{"southeast", "Đông Nam Bộ", "Southeast",
		[]string{"79", "75", "80"}},
	{"mekong_delta", "Đồng bằng sông Cửu Long", "Mekong River Delta",
		[]string{"92", "86", "82", "91", "96"}},
}

// Regions returns the six regions, north to south. The slice is the
// caller's; its members' Provinces are shared: do not modify them.
func Regions() []Region { return append([]Region(nil), regions...) }

// RegionOf returns the code of the region province code is in; "" for
// none.
func RegionOf(code string) string {
	for _, r := range regions {
		for _, c := range r.Provinces {
			if c == code {
				return r.Code
			}
		}
	}
	return ""
}

// RegionByCode returns the region of code; nil for none.
func RegionByCode(code string) *Region {
	for i := range regions {
		if regions[i].Code == code {
			r := regions[i]
			return &r
		}
	}
	return nil
}

// provinceKeys maps each province's code and folded names (nameKey) to its
// code, built once: ForProvince rebuilds the table on every call, too slow
// for once a zone on every site search.
var provinceKeys = sync.OnceValue(func() map[string]string {
	m := map[string]string{}
	for _, p := range Provinces() {
		m[p.Code], m[p.Name], m[p.NameEN] = p.Code, p.Code, p.Code // as zones store them
		m[nameKey(p.Name)], m[nameKey(p.NameEN)] = p.Code, p.Code
	}
	return m
})

// ProvinceCode returns the code of the province s names as ForProvince
// reads it (a code, or a name in Vietnamese or English); "" when s names
// none of the 34 (a former province's name included).
func ProvinceCode(s string) string {
	v := strings.TrimSpace(s)
	if len(v) == 1 && v[0] >= '0' && v[0] <= '9' {
		v = "0" + v
	}
	if c, ok := provinceKeys()[v]; ok {
		return c
	}
	if k := nameKey(v); k != "" {
		return provinceKeys()[k]
	}
	return ""
}
