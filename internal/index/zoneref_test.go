package index

import (
	"testing"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestZoneByRef covers each way a zone is named: by id, by code in any
// case (both the upper-casing and the case folding the two lookups it
// replaced accepted), by an all-digit code no id shadows, and refs that
// name nothing.
func TestZoneByRef(t *testing.T) {
	ix := New()
	ix.Load(1, []*zonegis.Zone{
		{ID: 1, Code: "KCX-TAN-THUAN"},
		{ID: 7, Code: "KIZ"},
		{ID: 9, Code: "2024"},
		{ID: 2024, Code: "VSIP-1"},
		{ID: 12, Code: "305"},
	}, nil, nil)
	s := ix.Snapshot()
	for _, c := range []struct {
		ref    string
		wantID int64 // 0: not found
	}{
		{"1", 1},
		{"007", 7}, // ParseInt: an id
		{"+7", 7},
		{"KCX-TAN-THUAN", 1},
		{"kcx-tan-thuan", 1},
		{"Kcx-Tan-Thuan", 1},
		{"kız", 7},      // dotless i: strings.ToUpper gives I (resolveZone's rule)
		{"\u212aIZ", 7}, // Kelvin sign: strings.EqualFold matches K (findZone's rule)
		{"2024", 2024},  // an id wins over an all-digit code
		{"305", 12},     // no zone 305: the all-digit code
		{"0305", 0},     // id 305 is not there and "0305" is no code
		{"42", 0},
		{"", 0},
		{" KIZ", 0}, // no trimming
		{"KCX-TAN-THUÂN", 0},
		{"-1", 0},
	} {
		z, ok := s.ZoneByRef(c.ref)
		switch {
		case c.wantID == 0 && (ok || z != nil):
			t.Errorf("ZoneByRef(%q) = zone %d, %v; want none", c.ref, z.ID, ok)
		case c.wantID != 0 && (!ok || z == nil):
			t.Errorf("ZoneByRef(%q) = none; want zone %d", c.ref, c.wantID)
		case c.wantID != 0 && z.ID != c.wantID:
			t.Errorf("ZoneByRef(%q) = zone %d; want zone %d", c.ref, z.ID, c.wantID)
		}
	}
	if z, ok := emptySnapshot().ZoneByRef("1"); ok || z != nil {
		t.Errorf("empty snapshot: %v, %v", z, ok)
	}
}
