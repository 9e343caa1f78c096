package crs

import "testing"

// TestRegionsCoverProvinces: each of the 34 provinces is in exactly one of
// the six regions, and every code a region lists is a province's.
func TestRegionsCoverProvinces(t *testing.T) {
	seen := map[string]string{}
	for _, r := range Regions() {
		for _, c := range r.Provinces {
			if other, ok := seen[c]; ok {
				t.Errorf("province %s is in %s and %s", c, other, r.Code)
			}
			seen[c] = r.Code
		}
	}
	if len(Regions()) != 6 {
		t.Errorf("%d regions, want 6", len(Regions()))
	}
	for _, p := range Provinces() {
		if seen[p.Code] == "" {
			t.Errorf("province %s %s is in no region", p.Code, p.Name)
		}
		if RegionOf(p.Code) != seen[p.Code] {
			t.Errorf("RegionOf(%s) = %q", p.Code, RegionOf(p.Code))
		}
		delete(seen, p.Code)
	}
	for c := range seen {
		t.Errorf("region lists %s, not a province code", c)
	}
}

// TestProvinceCode agrees with ForProvince on every province's code and
// names, as written and as people write them, and on names it refuses.
func TestProvinceCode(t *testing.T) {
	var names []string
	for _, p := range Provinces() {
		names = append(names, p.Code, p.Name, p.NameEN, "Tỉnh "+p.Name, p.NameEN+" Province")
		for _, f := range p.Former {
			names = append(names, f.Name)
		}
	}
	names = append(names, "7", "TP. Hồ Chí Minh", "ho chi minh city", "Atlantis", "", "99")
	for _, n := range names {
		want := ""
		if p, err := ForProvince(n); err == nil {
			want = p.Code
		}
		if got := ProvinceCode(n); got != want {
			t.Errorf("ProvinceCode(%q) = %q; ForProvince says %q", n, got, want)
		}
	}
}
