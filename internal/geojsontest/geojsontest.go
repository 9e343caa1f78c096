// Package geojsontest makes GeoJSON bodies for tests of the API's bounds.
package geojsontest

import (
	"fmt"
	"strings"
)

// PolygonOfN is a closed square ring of n positions (n >= 5) as a GeoJSON
// Polygon: the vertices walk the edges of a 0.01° box in Ho Chi Minh City.
func PolygonOfN(n int) string {
	var b strings.Builder
	b.WriteString(`{"type":"Polygon","coordinates":[[`)
	side := (n - 1 + 3) / 4
	corner := [][2]float64{{106.70, 10.70}, {106.71, 10.70}, {106.71, 10.71}, {106.70, 10.71}, {106.70, 10.70}}
	for i := range n - 1 {
		e, k := i/side, i%side
		a, c := corner[e], corner[e+1]
		t := float64(k) / float64(side)
		fmt.Fprintf(&b, "[%.9f,%.9f],", a[0]+(c[0]-a[0])*t, a[1]+(c[1]-a[1])*t)
	}
	b.WriteString(`[106.7,10.7]]]}`)
	return b.String()
}
