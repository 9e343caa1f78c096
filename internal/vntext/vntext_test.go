package vntext

import "testing"

func TestFoldStripSlug(t *testing.T) {
	for _, c := range []struct{ in, fold, strip, slug string }{
		{"Khu chế xuất Tân Thuận", "khu che xuat tan thuan", "Khu che xuat Tan Thuan", "KHU-CHE-XUAT-TAN-THUAN"},
		{"Đình Vũ - Cát Hải", "dinh vu - cat hai", "Dinh Vu - Cat Hai", "DINH-VU-CAT-HAI"},
		{"Hòa Lạc", "hoa lac", "Hoa Lac", "HOA-LAC"},
		{"Hoà Lạc", "hoa lac", "Hoa Lac", "HOA-LAC"}, // old-style tone placement folds the same
		{"  Nội Bài (Khu A) ", "  noi bai (khu a) ", "  Noi Bai (Khu A) ", "NOI-BAI-KHU-A"},
		{"", "", "", ""},
	} {
		if got := Fold(c.in); got != c.fold {
			t.Errorf("Fold(%q) = %q, want %q", c.in, got, c.fold)
		}
		if got := Strip(c.in); got != c.strip {
			t.Errorf("Strip(%q) = %q, want %q", c.in, got, c.strip)
		}
		if got := Slug(c.in); got != c.slug {
			t.Errorf("Slug(%q) = %q, want %q", c.in, got, c.slug)
		}
	}
}
