package zonegis

// VSIC 2018, the Vietnam Standard Industrial Classification issued with
// Decision 27/2018/QĐ-TTg: its 21 sections (A to U) and the range of
// two-digit divisions each holds. The names, in Vietnamese and English,
// live in one place: migrations/0015_investment.sql fills the tables
// vsic_sections and vsic_divisions (88 divisions); a PostGIS test checks
// that this table and those rows agree.

// VSICSections are the sections in order, each with its first and last
// division; the divisions between them that the classification leaves
// unused (04, 34, 40, 44, 48, 54, 57, 67, 76, 83, 89) belong to none.
var VSICSections = []struct {
	Code        string
	First, Last string
}{
	{"A", "01", "03"}, {"B", "05", "09"}, {"C", "10", "33"}, {"D", "35", "35"},
	{"E", "36", "39"}, {"F", "41", "43"}, {"G", "45", "47"}, {"H", "49", "53"},
	{"I", "55", "56"}, {"J", "58", "63"}, {"K", "64", "66"}, {"L", "68", "68"},
	{"M", "69", "75"}, {"N", "77", "82"}, {"O", "84", "84"}, {"P", "85", "85"},
	{"Q", "86", "88"}, {"R", "90", "93"}, {"S", "94", "96"}, {"T", "97", "98"},
	{"U", "99", "99"},
}

// VSICSectionOf returns the section letter of two-digit division d, ""
// when d is no division of VSIC 2018.
func VSICSectionOf(d string) string {
	if len(d) != 2 || !allDigits(d) {
		return ""
	}
	for _, s := range VSICSections {
		if d >= s.First && d <= s.Last {
			return s.Code
		}
	}
	return ""
}
