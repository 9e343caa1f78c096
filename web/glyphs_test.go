package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io/fs"
	"testing"

	"github.com/zonegis/zonegis/geodata"
	"github.com/zonegis/zonegis/web"
)

// TestGlyphsCoverNames: the glyph ranges built into the bundle have every
// letter of every name the map labels, in both languages (provinces,
// wards, the OSM zones and the curated ones), so no label asks for a
// range the server does not have; each range is named as the style's
// glyphs URL names it, and holds its own code points only.
func TestGlyphsCoverNames(t *testing.T) {
	have := map[rune]bool{}
	for _, start := range []int{0, 256, 768, 7680, 8192} {
		name := fmt.Sprintf("assets/glyphs-NotoSans-Regular-%d-%d.pbf", start, start+255)
		b, err := fs.ReadFile(web.Dist(), name)
		if err != nil {
			t.Fatal(err)
		}
		ids, stack, rng := glyphIDs(t, b)
		if stack != "NotoSans-Regular" || rng != fmt.Sprintf("%d-%d", start, start+255) || len(ids) == 0 {
			t.Errorf("%s: stack %q, range %q, %d glyphs", name, stack, rng, len(ids))
		}
		for _, id := range ids {
			if int(id) < start || int(id) > start+255 {
				t.Errorf("%s: glyph U+%04X out of its range", name, id)
			}
			have[id] = true
		}
	}
	names := map[string]bool{}
	for _, fc := range append([][]byte{geodata.Provinces, geodata.IndustrialParks}, geodata.Wards...) {
		var doc struct {
			Features []struct {
				Properties map[string]any `json:"properties"`
			} `json:"features"`
		}
		if err := json.Unmarshal(fc, &doc); err != nil {
			t.Fatal(err)
		}
		for _, f := range doc.Features {
			for _, k := range []string{"name", "name_vi", "name_en"} {
				if s, ok := f.Properties[k].(string); ok {
					names[s] = true
				}
			}
		}
	}
	rows, err := csv.NewReader(bytes.NewReader(geodata.Zones)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows[1:] {
		names[r[2]], names[r[3]] = true, true
	}
	missing := map[rune]string{}
	for n := range names {
		for _, r := range n {
			if !have[r] {
				missing[r] = n
			}
		}
	}
	for r, n := range missing {
		t.Errorf("no glyph for U+%04X %q (in %q)", r, r, n)
	}
	if len(names) < 700 {
		t.Errorf("only %d names read", len(names))
	}
}

// glyphIDs reads a glyph range protobuf: glyphs{1: stack{1: name, 2:
// range, 3: glyph{1: id, ...}}}.
func glyphIDs(t *testing.T, b []byte) (ids []rune, stack, rng string) {
	t.Helper()
	field := func(b []byte) (num int, wire int, v uint64, data, rest []byte) {
		key, n := uvarint(b)
		b = b[n:]
		num, wire = int(key>>3), int(key&7)
		switch wire {
		case 0:
			v, n = uvarint(b)
			return num, wire, v, nil, b[n:]
		case 2:
			l, n := uvarint(b)
			return num, wire, 0, b[n : n+int(l)], b[n+int(l):]
		}
		t.Fatalf("wire type %d", wire)
		return
	}
	num, _, _, s, rest := field(b)
	if num != 1 || len(rest) != 0 {
		t.Fatalf("not one font stack: field %d, %d bytes after", num, len(rest))
	}
	for len(s) > 0 {
		var num int
		var data []byte
		num, _, _, data, s = field(s)
		switch num {
		case 1:
			stack = string(data)
		case 2:
			rng = string(data)
		case 3:
			g := data
			for len(g) > 0 {
				var gn int
				var v uint64
				gn, _, v, _, g = field(g)
				if gn == 1 {
					ids = append(ids, rune(v))
				}
			}
		}
	}
	return ids, stack, rng
}

func uvarint(b []byte) (uint64, int) {
	var v uint64
	for i, c := range b {
		v |= uint64(c&0x7f) << (7 * i)
		if c < 0x80 {
			return v, i + 1
		}
	}
	return 0, len(b)
}
