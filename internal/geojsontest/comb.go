package geojsontest

import (
	"math"
	"strconv"
	"strings"
)

// Comb is a comb-shaped GeoJSON Polygon over the lon/lat box [x0, x1] ×
// [y0, y1]: a base strip along the bottom and teeth thin teeth rising from
// it to the top, 4·teeth + 3 positions in all (24,999 teeth make 99,999),
// turned by rotateDeg degrees about the box's centre (0: teeth along the
// meridians; 45: long diagonal edges side by side, the worst case for
// bound-based pruning). It is simple (no crossings) at any angle. The shape
// attackers use against spatial queries: every tooth meets every feature
// below it.
func Comb(x0, y0, x1, y1 float64, teeth int, rotateDeg float64) string {
	w := (x1 - x0) / float64(teeth)
	base := y0 + (y1-y0)/50
	pts := make([][2]float64, 0, 4*teeth+3)
	pts = append(pts, [2]float64{x0, y0}, [2]float64{x1, y0})
	for i := teeth - 1; i >= 0; i-- {
		l := x0 + float64(i)*w
		pts = append(pts, [2]float64{l + w, y1}, [2]float64{l + w/2, y1}, [2]float64{l + w/2, base}, [2]float64{l, base})
	}
	pts[len(pts)-1] = [2]float64{x0, y1}
	pts = append(pts, pts[0])
	cx, cy := (x0+x1)/2, (y0+y1)/2
	s, c := math.Sincos(rotateDeg * math.Pi / 180)
	var b strings.Builder
	b.Grow(len(pts) * 34)
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	for i, p := range pts {
		if i > 0 {
			b.WriteByte(',')
		}
		dx, dy := p[0]-cx, p[1]-cy
		x, y := cx+dx*c-dy*s, cy+dx*s+dy*c
		if i == len(pts)-1 {
			x, y = cx+(pts[0][0]-cx)*c-(pts[0][1]-cy)*s, cy+(pts[0][0]-cx)*s+(pts[0][1]-cy)*c
		}
		b.WriteByte('[')
		b.WriteString(strconv.FormatFloat(x, 'f', 9, 64))
		b.WriteByte(',')
		b.WriteString(strconv.FormatFloat(y, 'f', 9, 64))
		b.WriteByte(']')
	}
	b.WriteString(`]]}`)
	return b.String()
}
