package crs

import (
	"strings"

	"github.com/zonegis/zonegis/internal/vntext"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Province is one of the 34 provincial-level units in force since 1 July
// 2025 (Resolution 202/2025/QH15; codes of Decision 19/2025/QĐ-TTg) with
// its default VN-2000 TM-3 zone: the CRS a cadastral file from the province
// is read in when it names none.
type Province struct {
	Code   string // two-digit code, "01" … "96"
	Name   string // Vietnamese name, "Thành phố Hồ Chí Minh"
	NameEN string // English name, "Ho Chi Minh City"
	CRS    CRS    // the default TM-3 zone
	// Former lists the provinces before 1 July 2025 that make it up, each
	// with its own TM-3 zone, the seat first (the one whose code the
	// province kept); just itself when it was not merged. Cadastral maps
	// made before the merger stay in their former province's zone, so a
	// file from a former province whose zone differs from CRS needs its CRS
	// named.
	Former []Former
}

// Former is a province as it was before 1 July 2025.
type Former struct {
	Code string // its code then (Decision 124/2004/QĐ-TTg)
	Name string
	CRS  CRS // its TM-3 zone, Appendix 02 of Circular 25/2014/TT-BTNMT
}

// Merged reports whether p was made of more than one former province.
func (p Province) Merged() bool { return len(p.Former) > 1 }

// The central meridians are those of Appendix 02 of Circular
// 25/2014/TT-BTNMT (cadastral maps; the table of Circular 973/2001/TT-TCĐC,
// which it applies), in degrees east (105°45' is 105.75), for the 63
// provinces as they were then. The list was read from two reproductions of
// the table (rtk.com.vn, "Kinh tuyến trục hệ tọa độ địa phương VN2000";
// viet-thanh.vn, "Kinh tuyến trục các tỉnh") and agrees with the areas of
// use EPSG gives 9205–9218 and 5897–5899 in PROJ's proj.db, province by
// province (TestFormerProvincesInEPSGArea).
//
// A merged province takes the meridian of the former province that holds
// its seat (its political-administrative centre, Resolution 202/2025/QH15;
// the new province keeps that one's code): the provincial land office and
// its survey contractors sit there, and where the former provinces
// differed the seat's is the only choice that does not depend on which
// part of the province a file covers. The mergers whose former provinces
// had different meridians, and what was chosen:
//
//	Tuyên Quang  106°00' (Tuyên Quang; Hà Giang 105°30')
//	Phú Thọ      104°45' (Phú Thọ; Vĩnh Phúc 105°00', Hòa Bình 106°00')
//	Bắc Ninh     107°00' (seat in former Bắc Giang, code 24; Bắc Ninh 105°30')
//	Hải Phòng    105°45' (Hải Phòng; Hải Dương 105°30')
//	Ninh Bình    105°00' (Ninh Bình, Hà Nam; Nam Định 105°30')
//	Quảng Trị    106°00' (seat in former Quảng Bình, code 44; Quảng Trị 106°15')
//	Quảng Ngãi   108°00' (Quảng Ngãi; Kon Tum 107°30')
//	Gia Lai      108°15' (seat in former Bình Định, code 52; Gia Lai 108°30')
//	Lâm Đồng     107°45' (Lâm Đồng; Đắk Nông, Bình Thuận 108°30')
//	Hồ Chí Minh  105°45' (Hồ Chí Minh, Bình Dương; Bà Rịa - Vũng Tàu 107°45')
//	Đồng Nai     107°45' (Đồng Nai; Bình Phước 106°15')
//	Tây Ninh     105°45' (seat in former Long An, code 80; Tây Ninh 105°30')
//	Cần Thơ      105°00' (Cần Thơ, Hậu Giang; Sóc Trăng 105°30')
//	Vĩnh Long    105°30' (Vĩnh Long, Trà Vinh; Bến Tre 105°45')
//	Đồng Tháp    105°45' (seat in former Tiền Giang, code 82; Đồng Tháp 105°00')
//	Cà Mau       104°30' (Cà Mau; Bạc Liêu 105°00')
//	An Giang     104°30' (seat in former Kiên Giang, code 91; An Giang 104°45')
type formerRow struct {
	code, name string
	cm         float64
}

type provinceRow struct {
	code, name, nameEN string
	former             []formerRow // the seat first
}

var provinceRows = []provinceRow{
	{"01", "Hà Nội", "Ha Noi", []formerRow{{"01", "Hà Nội", 105}}},
	{"04", "Cao Bằng", "Cao Bang", []formerRow{{"04", "Cao Bằng", 105.75}}},
	{"08", "Tuyên Quang", "Tuyen Quang", []formerRow{{"08", "Tuyên Quang", 106}, {"02", "Hà Giang", 105.5}}},
	{"11", "Điện Biên", "Dien Bien", []formerRow{{"11", "Điện Biên", 103}}},
	{"12", "Lai Châu", "Lai Chau", []formerRow{{"12", "Lai Châu", 103}}},
	{"14", "Sơn La", "Son La", []formerRow{{"14", "Sơn La", 104}}},
	{"15", "Lào Cai", "Lao Cai", []formerRow{{"15", "Yên Bái", 104.75}, {"10", "Lào Cai", 104.75}}},
	{"19", "Thái Nguyên", "Thai Nguyen", []formerRow{{"19", "Thái Nguyên", 106.5}, {"06", "Bắc Kạn", 106.5}}},
	{"20", "Lạng Sơn", "Lang Son", []formerRow{{"20", "Lạng Sơn", 107.25}}},
	{"22", "Quảng Ninh", "Quang Ninh", []formerRow{{"22", "Quảng Ninh", 107.75}}},
	{"24", "Bắc Ninh", "Bac Ninh", []formerRow{{"24", "Bắc Giang", 107}, {"27", "Bắc Ninh", 105.5}}},
	{"25", "Phú Thọ", "Phu Tho", []formerRow{{"25", "Phú Thọ", 104.75}, {"26", "Vĩnh Phúc", 105}, {"17", "Hòa Bình", 106}}},
	{"31", "Hải Phòng", "Hai Phong", []formerRow{{"31", "Hải Phòng", 105.75}, {"30", "Hải Dương", 105.5}}},
	{"33", "Hưng Yên", "Hung Yen", []formerRow{{"33", "Hưng Yên", 105.5}, {"34", "Thái Bình", 105.5}}},
	{"37", "Ninh Bình", "Ninh Binh", []formerRow{{"37", "Ninh Bình", 105}, {"35", "Hà Nam", 105}, {"36", "Nam Định", 105.5}}},
	{"38", "Thanh Hóa", "Thanh Hoa", []formerRow{{"38", "Thanh Hóa", 105}}},
	{"40", "Nghệ An", "Nghe An", []formerRow{{"40", "Nghệ An", 104.75}}},
	{"42", "Hà Tĩnh", "Ha Tinh", []formerRow{{"42", "Hà Tĩnh", 105.5}}},
	{"44", "Quảng Trị", "Quang Tri", []formerRow{{"44", "Quảng Bình", 106}, {"45", "Quảng Trị", 106.25}}},
	{"46", "Huế", "Hue", []formerRow{{"46", "Thừa Thiên Huế", 107}}},
	{"48", "Đà Nẵng", "Da Nang", []formerRow{{"48", "Đà Nẵng", 107.75}, {"49", "Quảng Nam", 107.75}}},
	{"51", "Quảng Ngãi", "Quang Ngai", []formerRow{{"51", "Quảng Ngãi", 108}, {"62", "Kon Tum", 107.5}}},
	{"52", "Gia Lai", "Gia Lai", []formerRow{{"52", "Bình Định", 108.25}, {"64", "Gia Lai", 108.5}}},
	{"56", "Khánh Hòa", "Khanh Hoa", []formerRow{{"56", "Khánh Hòa", 108.25}, {"58", "Ninh Thuận", 108.25}}},
	{"66", "Đắk Lắk", "Dak Lak", []formerRow{{"66", "Đắk Lắk", 108.5}, {"54", "Phú Yên", 108.5}}},
	{"68", "Lâm Đồng", "Lam Dong", []formerRow{{"68", "Lâm Đồng", 107.75}, {"67", "Đắk Nông", 108.5}, {"60", "Bình Thuận", 108.5}}},
	{"75", "Đồng Nai", "Dong Nai", []formerRow{{"75", "Đồng Nai", 107.75}, {"70", "Bình Phước", 106.25}}},
	{"79", "Thành phố Hồ Chí Minh", "Ho Chi Minh City", []formerRow{{"79", "Hồ Chí Minh", 105.75}, {"74", "Bình Dương", 105.75}, {"77", "Bà Rịa - Vũng Tàu", 107.75}}},
	{"80", "Tây Ninh", "Tay Ninh", []formerRow{{"80", "Long An", 105.75}, {"72", "Tây Ninh", 105.5}}},
	{"82", "Đồng Tháp", "Dong Thap", []formerRow{{"82", "Tiền Giang", 105.75}, {"87", "Đồng Tháp", 105}}},
	{"86", "Vĩnh Long", "Vinh Long", []formerRow{{"86", "Vĩnh Long", 105.5}, {"83", "Bến Tre", 105.75}, {"84", "Trà Vinh", 105.5}}},
	{"91", "An Giang", "An Giang", []formerRow{{"91", "Kiên Giang", 104.5}, {"89", "An Giang", 104.75}}},
	{"92", "Cần Thơ", "Can Tho", []formerRow{{"92", "Cần Thơ", 105}, {"93", "Hậu Giang", 105}, {"94", "Sóc Trăng", 105.5}}},
	{"96", "Cà Mau", "Ca Mau", []formerRow{{"96", "Cà Mau", 104.5}, {"95", "Bạc Liêu", 105}}},
}

// Provinces returns the 34 provinces by code, each with its default zone.
// The slice is the caller's.
func Provinces() []Province {
	out := make([]Province, len(provinceRows))
	for i, r := range provinceRows {
		p := Province{Code: r.code, Name: r.name, NameEN: r.nameEN}
		for _, f := range r.former {
			c, ok := tm3ByMeridian(f.cm)
			if !ok { // the table's own test (TestProvinceMeridiansHaveZones) keeps this from happening
				panic("crs: no TM-3 zone for meridian of " + f.name)
			}
			p.Former = append(p.Former, Former{Code: f.code, Name: f.name, CRS: c})
		}
		p.CRS = p.Former[0].CRS
		out[i] = p
	}
	return out
}

// ForProvince returns the province named by s, its two-digit code ("79";
// "1" is "01") or its name in Vietnamese or English, case, diacritics and a
// leading "Tỉnh" / "Thành phố" / "TP." or trailing "Province" / "City" not
// mattering ("Đồng Nai", "dong nai", "Ho Chi Minh City", "TP. Hồ Chí
// Minh"). Its CRS is the default TM-3 zone. Errors: EINVALID when s names
// none of the 34 provinces (for the name of a province merged in 2025, the
// error says which province it is part of).
func ForProvince(s string) (Province, error) {
	v := strings.TrimSpace(s)
	if len(v) == 1 && v[0] >= '0' && v[0] <= '9' {
		v = "0" + v
	}
	key := nameKey(v)
	ps := Provinces()
	for _, p := range ps {
		if v == p.Code || (key != "" && (key == nameKey(p.Name) || key == nameKey(p.NameEN))) {
			return p, nil
		}
	}
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	for _, p := range ps {
		for _, f := range p.Former[1:] {
			if key != "" && key == nameKey(f.Name) {
				return Province{}, zonegis.Errorf(zonegis.EINVALID,
					"province: %q is part of %s (code %s) since 1 July 2025; its default zone is %s, but maps of former %s are in EPSG:%d (%s)",
					s, p.Name, p.Code, p.CRS.SRS(), f.Name, f.CRS.EPSG, f.CRS.Name)
			}
		}
	}
	return Province{}, zonegis.Errorf(zonegis.EINVALID,
		"province: %q is not one of the 34 provinces; give its two-digit code (\"01\" Hà Nội … \"96\" Cà Mau) or its name (\"Đồng Nai\", \"Ho Chi Minh City\")", s)
}

// nameKey folds a province name for matching: no diacritics, lower case,
// punctuation as spaces, no "tỉnh"/"thành phố"/"tp" before or
// "province"/"city" after.
func nameKey(s string) string {
	f := strings.Map(func(r rune) rune {
		if r == '-' || r == '.' || r == ',' || r == '_' {
			return ' '
		}
		return r
	}, vntext.Fold(s))
	words := strings.Fields(f)
	switch {
	case len(words) > 2 && words[0] == "thanh" && words[1] == "pho":
		words = words[2:]
	case len(words) > 1 && (words[0] == "tinh" || words[0] == "tp"):
		words = words[1:]
	}
	if n := len(words); n > 1 && (words[n-1] == "province" || words[n-1] == "city") {
		words = words[:n-1]
	}
	return strings.Join(words, " ")
}

// DefaultSource is the source CRS an import assumes for a file from
// province (a code or a name, as ForProvince takes it) that names none:
// the province's TM-3 zone, as "EPSG:N". Errors: ForProvince's.
func DefaultSource(province string) (string, error) {
	p, err := ForProvince(province)
	if err != nil {
		return "", err
	}
	return p.CRS.SRS(), nil
}
