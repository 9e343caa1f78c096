package glyphs

import (
	"image"
	"math"
	"testing"

	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// TestDistanceFieldAgreesWithRasterizer: what the field calls inside (at
// least a pixel in, value over 191 + 32) and outside (a pixel out) is
// what golang.org/x/image/vector, an independent rasterizer of the same
// outline, covers more and less than half of; and the field is 191 at
// the outline, so MapLibre's shader draws the glyph at its true weight.
func TestDistanceFieldAgreesWithRasterizer(t *testing.T) {
	f, err := sfnt.Parse(goregular.TTF)
	if err != nil {
		t.Fatal(err)
	}
	gs, err := Range(f, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(gs) < 180 {
		t.Fatalf("%d glyphs in 0-255", len(gs))
	}
	var buf sfnt.Buffer
	checked, edge := 0, 0
	for _, g := range gs {
		if g.ID == ' ' {
			if g.Bitmap != nil || g.Width != 0 || g.Advance < 4 {
				t.Errorf("space: %+v", g)
			}
			continue
		}
		if len(g.Bitmap) == 0 {
			continue
		}
		w, h := g.Width+2*BorderPx, g.Height+2*BorderPx
		if len(g.Bitmap) != w*h {
			t.Fatalf("U+%04X: %d bytes for %d×%d", g.ID, len(g.Bitmap), w, h)
		}
		idx, _ := f.GlyphIndex(&buf, g.ID)
		segs, _ := f.LoadGlyph(&buf, idx, fixed.I(EmPx), nil)
		// The rasterizer's image is the bitmap's: its origin at the
		// bitmap's top-left corner.
		ox, oy := float32(g.Left-BorderPx), float32(-(g.Top+originPx)-BorderPx)
		z := vector.NewRasterizer(w, h)
		p := func(q fixed.Point26_6) (float32, float32) { return float32(q.X)/64 - ox, float32(q.Y)/64 - oy }
		for _, s := range segs {
			switch s.Op {
			case sfnt.SegmentOpMoveTo:
				z.MoveTo(p(s.Args[0]))
			case sfnt.SegmentOpLineTo:
				z.LineTo(p(s.Args[0]))
			case sfnt.SegmentOpQuadTo:
				x1, y1 := p(s.Args[0])
				x2, y2 := p(s.Args[1])
				z.QuadTo(x1, y1, x2, y2)
			case sfnt.SegmentOpCubeTo:
				x1, y1 := p(s.Args[0])
				x2, y2 := p(s.Args[1])
				x3, y3 := p(s.Args[2])
				z.CubeTo(x1, y1, x2, y2, x3, y3)
			}
		}
		z.ClosePath()
		mask := image.NewAlpha(image.Rect(0, 0, w, h))
		z.Draw(mask, mask.Bounds(), image.Opaque, image.Point{})
		for j := 0; j < h; j++ {
			for i := 0; i < w; i++ {
				v, cover := int(g.Bitmap[j*w+i]), mask.AlphaAt(i, j).A
				switch {
				case v > 191+32 && cover < 128, v < 191-32 && cover > 127:
					t.Errorf("U+%04X %q at (%d,%d): field %d, rasterizer coverage %d/255", g.ID, g.ID, i, j, v, cover)
				case cover > 0 && cover < 255:
					edge++
					// At the outline the field is near 191: within about
					// half a pixel (32 per px).
					if math.Abs(float64(v)-191) > 48 {
						t.Errorf("U+%04X at (%d,%d): an edge pixel (coverage %d) with field %d", g.ID, i, j, cover, v)
					}
				}
				checked++
			}
		}
	}
	if checked < 50000 || edge < 5000 {
		t.Errorf("checked %d pixels, %d on edges", checked, edge)
	}
}

// TestEncodeFormat: the protobuf's fields as MapLibre's parse_glyph_pbf
// reads them, checked byte by byte on a small glyph.
func TestEncodeFormat(t *testing.T) {
	b := Encode("S", 0, []Glyph{{ID: 'A', Bitmap: []byte{7}, Width: 1, Height: 2, Left: -1, Top: -20, Advance: 9}})
	want := []byte{
		0x0a, 27, // glyphs.stacks (1), 27 bytes
		0x0a, 1, 'S', // name
		0x12, 5, '0', '-', '2', '5', '5', // range
		0x1a, 15, // glyphs (3)
		0x08, 'A', // id
		0x12, 1, 7, // bitmap
		0x18, 1, // width
		0x20, 2, // height
		0x28, 1, // left, zigzag(-1)
		0x30, 39, // top, zigzag(-20)
		0x38, 9, // advance
	}
	if string(b) != string(want) {
		t.Errorf("Encode:\n got % x\nwant % x", b, want)
	}
}
