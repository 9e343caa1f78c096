// Package glyphs makes the label glyphs MapLibre GL JS draws text with:
// for a range of 256 code points, a protobuf of signed-distance-field
// bitmaps with their metrics (the "glyphs" format of mapbox/node-fontnik,
// which MapLibre's style "glyphs" URL template names as
// {fontstack}/{range}.pbf and parses in parse_glyph_pbf.ts), from a
// TrueType or OpenType font.
//
// Glyphs are drawn at 24 px (MapLibre's ONE_EM) with a 3-pixel border
// (its GLYPH_PBF_BORDER). A bitmap's byte is the distance from the pixel's
// centre to the outline, exact (to the outline flattened into segments of
// a twentieth of a pixel or so), mapped as MapLibre's own TinySDF maps it:
// 255 − 255·(d/8 + 0.25), d in pixels, negative inside, so the outline is
// at 191 (the shader's edge, 0.75) and a halo can reach 6 px out.
//
// The web map's build (web/build.mjs, through web/glyphgen) writes the
// ranges of Vietnamese text with it, so the binary serves its own glyphs
// and the page asks nothing of another host.
package glyphs

import (
	"fmt"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
)

// Sizes, pixels: the em the glyphs are drawn at, the border round each
// bitmap, the reach of the distance field, and how far the top of a
// glyph's box is put below MapLibre's origin (the font's ascender at 24
// px, as FreeType-made glyphs have it; Noto Sans: 1.069 em ≈ 26 px).
const (
	EmPx     = 24
	BorderPx = 3
	RadiusPx = 8
	Cutoff   = 0.25
	originPx = 26
)

// Glyph is one code point's bitmap and metrics, as the format has them.
type Glyph struct {
	ID            rune
	Bitmap        []byte // (Width+2·BorderPx) × (Height+2·BorderPx), rows top down; nil when empty
	Width, Height int    // the glyph's box, pixels, without the border
	Left, Top     int    // the box's left from the pen, its top from MapLibre's origin
	Advance       int    // pixels
}

// Range renders the code points start … start+255 that font has (a glyph
// other than .notdef), in order.
func Range(f *sfnt.Font, start rune) ([]Glyph, error) {
	var buf sfnt.Buffer
	var out []Glyph
	for r := start; r < start+256; r++ {
		idx, err := f.GlyphIndex(&buf, r)
		if err != nil {
			return nil, fmt.Errorf("U+%04X: %w", r, err)
		}
		if idx == 0 {
			continue
		}
		g, err := render(f, &buf, r, idx)
		if err != nil {
			return nil, fmt.Errorf("U+%04X: %w", r, err)
		}
		out = append(out, g)
	}
	return out, nil
}

type point struct{ x, y float64 }

// render draws one glyph: its outline flattened to segments (pixels, y
// down from the baseline), then the distance of every pixel centre.
func render(f *sfnt.Font, buf *sfnt.Buffer, r rune, idx sfnt.GlyphIndex) (Glyph, error) {
	ppem := fixed.I(EmPx)
	adv, err := f.GlyphAdvance(buf, idx, ppem, font.HintingNone)
	if err != nil {
		return Glyph{}, err
	}
	g := Glyph{ID: r, Advance: int(math.Round(float64(adv) / 64))}
	segs, err := f.LoadGlyph(buf, idx, ppem, nil)
	if err != nil {
		return Glyph{}, err
	}
	lines := flatten(segs)
	if len(lines) == 0 {
		return g, nil // a space
	}
	minX, minY, maxX, maxY := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, l := range lines {
		for _, p := range l {
			minX, maxX = math.Min(minX, p.x), math.Max(maxX, p.x)
			minY, maxY = math.Min(minY, p.y), math.Max(maxY, p.y)
		}
	}
	x0, y0 := math.Floor(minX), math.Floor(minY) // y down: y0 is the top
	g.Width, g.Height = int(math.Ceil(maxX)-x0), int(math.Ceil(maxY)-y0)
	if g.Width == 0 || g.Height == 0 {
		return Glyph{ID: r, Advance: g.Advance}, nil
	}
	g.Left = int(x0)
	g.Top = -int(y0) - originPx
	w, h := g.Width+2*BorderPx, g.Height+2*BorderPx
	g.Bitmap = make([]byte, w*h)
	for j := 0; j < h; j++ {
		for i := 0; i < w; i++ {
			c := point{x0 - BorderPx + float64(i) + 0.5, y0 - BorderPx + float64(j) + 0.5}
			d := distance(lines, c)
			if winding(lines, c) != 0 {
				d = -d
			}
			v := 255 - 255*(d/RadiusPx+Cutoff)
			g.Bitmap[j*w+i] = byte(math.Round(math.Max(0, math.Min(255, v))))
		}
	}
	return g, nil
}

// flatten turns the outline into closed polylines, pixels; curves become
// chords short enough to stay within about a twentieth of a pixel.
func flatten(segs sfnt.Segments) [][]point {
	var out [][]point
	var cur []point
	pt := func(p fixed.Point26_6) point { return point{float64(p.X) / 64, float64(p.Y) / 64} }
	closeCur := func() {
		if len(cur) > 2 {
			if cur[0] != cur[len(cur)-1] {
				cur = append(cur, cur[0])
			}
			out = append(out, cur)
		}
		cur = nil
	}
	for _, s := range segs {
		switch s.Op {
		case sfnt.SegmentOpMoveTo:
			closeCur()
			cur = append(cur, pt(s.Args[0]))
		case sfnt.SegmentOpLineTo:
			cur = append(cur, pt(s.Args[0]))
		case sfnt.SegmentOpQuadTo:
			p0, p1, p2 := cur[len(cur)-1], pt(s.Args[0]), pt(s.Args[1])
			n := pieces(p0, p1, p2, p2)
			for k := 1; k <= n; k++ {
				t := float64(k) / float64(n)
				u := 1 - t
				cur = append(cur, point{u*u*p0.x + 2*u*t*p1.x + t*t*p2.x, u*u*p0.y + 2*u*t*p1.y + t*t*p2.y})
			}
		case sfnt.SegmentOpCubeTo:
			p0, p1, p2, p3 := cur[len(cur)-1], pt(s.Args[0]), pt(s.Args[1]), pt(s.Args[2])
			n := pieces(p0, p1, p2, p3)
			for k := 1; k <= n; k++ {
				t := float64(k) / float64(n)
				u := 1 - t
				a, b, c, d := u*u*u, 3*u*u*t, 3*u*t*t, t*t*t
				cur = append(cur, point{a*p0.x + b*p1.x + c*p2.x + d*p3.x, a*p0.y + b*p1.y + c*p2.y + d*p3.y})
			}
		}
	}
	closeCur()
	return out
}

// pieces is how many chords a curve with these control points needs: its
// control polygon's length over a third of a pixel, at least 2.
func pieces(p ...point) int {
	var l float64
	for i := 1; i < len(p); i++ {
		l += math.Hypot(p[i].x-p[i-1].x, p[i].y-p[i-1].y)
	}
	return max(2, int(math.Ceil(l*3)))
}

// distance is the distance from c to the nearest segment, pixels.
func distance(lines [][]point, c point) float64 {
	best := math.Inf(1)
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			a, b := l[i], l[i+1]
			dx, dy := b.x-a.x, b.y-a.y
			t := 0.0
			if d2 := dx*dx + dy*dy; d2 > 0 {
				t = math.Max(0, math.Min(1, ((c.x-a.x)*dx+(c.y-a.y)*dy)/d2))
			}
			ex, ey := c.x-(a.x+t*dx), c.y-(a.y+t*dy)
			best = math.Min(best, ex*ex+ey*ey)
		}
	}
	return math.Sqrt(best)
}

// winding is the outline's winding number about c: fonts fill the
// nonzero rule.
func winding(lines [][]point, c point) int {
	n := 0
	for _, l := range lines {
		for i := 0; i+1 < len(l); i++ {
			a, b := l[i], l[i+1]
			if (a.y <= c.y) != (b.y <= c.y) {
				x := a.x + (c.y-a.y)*(b.x-a.x)/(b.y-a.y)
				if x > c.x {
					if b.y > a.y {
						n++
					} else {
						n--
					}
				}
			}
		}
	}
	return n
}

// Encode writes glyphs as the range start's protobuf for fontstack:
// glyphs{stacks{name, range "start-end", glyphs{id, bitmap, width,
// height, left, top, advance}}}.
func Encode(fontstack string, start rune, gs []Glyph) []byte {
	var stack []byte
	stack = appendBytes(stack, 1, []byte(fontstack))
	stack = appendBytes(stack, 2, fmt.Appendf(nil, "%d-%d", start, start+255))
	for _, g := range gs {
		var b []byte
		b = appendVarint(appendKey(b, 1, 0), uint64(g.ID))
		if len(g.Bitmap) > 0 {
			b = appendBytes(b, 2, g.Bitmap)
		}
		b = appendVarint(appendKey(b, 3, 0), uint64(g.Width))
		b = appendVarint(appendKey(b, 4, 0), uint64(g.Height))
		b = appendVarint(appendKey(b, 5, 0), zigzag(g.Left))
		b = appendVarint(appendKey(b, 6, 0), zigzag(g.Top))
		b = appendVarint(appendKey(b, 7, 0), uint64(g.Advance))
		stack = appendBytes(stack, 3, b)
	}
	return appendBytes(nil, 1, stack)
}

func zigzag(v int) uint64 { return uint64(int64(v)<<1) ^ uint64(int64(v)>>63) }

func appendKey(b []byte, field int, wire int) []byte { return appendVarint(b, uint64(field<<3|wire)) }

func appendBytes(b []byte, field int, v []byte) []byte {
	b = appendVarint(appendKey(b, field, 2), uint64(len(v)))
	return append(b, v...)
}

func appendVarint(b []byte, v uint64) []byte {
	for v >= 0x80 {
		b = append(b, byte(v)|0x80)
		v >>= 7
	}
	return append(b, byte(v))
}
