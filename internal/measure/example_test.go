package measure_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/measure"
)

// A 0.01° × 0.01° zone in Ho Chi Minh City (1.09 km × 1.11 km) and
// a parcel straddling its eastern edge.
var (
	zone = orb.MultiPolygon{{{
		{106.70, 10.78}, {106.71, 10.78}, {106.71, 10.79}, {106.70, 10.79}, {106.70, 10.78},
	}}}
	parcel = orb.MultiPolygon{{{
		{106.705, 10.782}, {106.715, 10.782}, {106.715, 10.784}, {106.705, 10.784}, {106.705, 10.782},
	}}}
)

func ExampleAreaM2() {
	fmt.Printf("%.2f ha\n", measure.AreaM2(zone)/1e4)
	// Output: 120.97 ha
}

func ExampleIntersectionAreaM2() {
	inside := measure.IntersectionAreaM2(zone, parcel)
	fmt.Printf("%.0f of %.0f m² inside the zone (%.0f%%)\n",
		inside, measure.AreaM2(parcel), 100*inside/measure.AreaM2(parcel))
	// Output: 120974 of 241948 m² inside the zone (50%)
}

func ExampleDistanceM() {
	port := orb.Point{106.7200, 10.7850} // ~1 km east of the zone
	fmt.Printf("%.0f m\n", measure.DistanceM(port, zone))
	fmt.Printf("%.0f m\n", measure.DistanceM(orb.Point{106.705, 10.785}, zone))
	// Output:
	// 1094 m
	// 0 m
}

func ExampleContains() {
	fmt.Println(measure.Contains(zone, orb.Point{106.705, 10.785}))
	fmt.Println(measure.Contains(zone, orb.Point{106.71, 10.785})) // on the edge
	fmt.Println(measure.Contains(zone, orb.Point{106.72, 10.785}))
	// Output:
	// true
	// true
	// false
}

func ExampleBoundAroundM() {
	b := measure.BoundAroundM(orb.Point{106.70, 10.78}, 5000)
	fmt.Printf("lon %.4f…%.4f lat %.4f…%.4f\n", b.Min[0], b.Max[0], b.Min[1], b.Max[1])
	// Output: lon 106.6542…106.7458 lat 10.7348…10.8252
}

func ExampleIntersects() {
	next := orb.MultiPolygon{{{
		{106.71, 10.78}, {106.72, 10.78}, {106.72, 10.79}, {106.71, 10.79}, {106.71, 10.78},
	}}}
	fmt.Println(measure.Intersects(zone, next), measure.IntersectionAreaM2(zone, next))
	// Output: true 0
}
