package measure

import (
	"bufio"
	"github.com/zonegis/zonegis/geodata"
	"math"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestAreaM2EdgeCases(t *testing.T) {
	for _, tc := range edgeCases {
		if got := AreaM2(tc.mp); got != 0 {
			t.Errorf("%s: AreaM2 = %v, want 0", tc.name, got)
		}
	}
}

func TestAreaM2(t *testing.T) {
	cell := func(lon, lat, d float64) orb.Ring {
		return orb.Ring{{lon, lat}, {lon + d, lat}, {lon + d, lat + d}, {lon, lat + d}, {lon, lat}}
	}
	km := metreSquare(-500, -500, 500, 500)
	holed := mpoly(metreSquare(0, 0, 100, 100), metreSquare(25, 25, 75, 75))
	tests := []struct {
		name     string
		mp       orb.MultiPolygon
		want     float64
		rel, abs float64
	}{
		// Exact ellipsoidal cell areas; PostGIS gives 1219229.7046,
		// 1184399.5646 and 1126941.7262 (geodesic edges, 2e-9 apart).
		{"0.01° cell at 8°N", mpoly(cell(106, 8, 0.01)), cellAreaM2(0.01, 8, 8.01), 1e-8, 0},
		{"0.01° cell at 16°N", mpoly(cell(106, 16, 0.01)), cellAreaM2(0.01, 16, 16.01), 1e-8, 0},
		{"0.01° cell at 24°N", mpoly(cell(106, 24, 0.01)), cellAreaM2(0.01, 24, 24.01), 1e-8, 0},
		{"PostGIS cell at 16°N", mpoly(cell(106, 16, 0.01)), 1184399.5646, 1e-8, 0},
		{"1° cell at 21°N", mpoly(cell(105, 21, 1)), cellAreaM2(1, 21, 22), 1e-4, 0},
		{"1 km square in HCMC", mpoly(km), 1e6, 2e-3, 0},
		{"1 km square, tight", mpoly(km), 1e6, 2e-5, 0},
		{"clockwise", reversed(mpoly(km)), 1e6, 2e-5, 0},
		{"open ring", opened(mpoly(km)), 1e6, 2e-5, 0},
		{"hole", holed, 7500, 2e-5, 0},
		{"hole wound like shell", mpoly(metreSquare(0, 0, 100, 100), reversed(mpoly(metreSquare(25, 25, 75, 75)))[0][0]), 7500, 2e-5, 0},
		{"two members", orb.MultiPolygon{holed[0], mpoly(metreSquare(200, 0, 300, 100))[0]}, 17500, 2e-5, 0},
		{"L-shape", mpoly(ring(0, 0, 100, 0, 100, 40, 40, 40, 40, 100, 0, 100)), 6400, 2e-5, 0},
		{"triangle", mpoly(ring(0, 0, 1000, 0, 0, 1000)), 5e5, 2e-5, 0},
		// Out along two great circles, back along one: a sliver on the
		// ellipsoid, though collinear in lon/lat. PostGIS says 19.52 m².
		{"sliver along a parallel", orb.MultiPolygon{{{hcmc, {106.71, 10.78}, {106.72, 10.78}, hcmc}}}, 19.52, 0, 0.2},
		{"southern cell", mpoly(cell(106, -16.01, 0.01)), cellAreaM2(0.01, 16, 16.01), 1e-8, 0},
	}
	for _, tc := range tests {
		if got := AreaM2(tc.mp); !near(got, tc.want, tc.rel, tc.abs) {
			t.Errorf("%s: AreaM2 = %.6f, want %.6f (rel %.1e)", tc.name, got, tc.want, math.Abs(got-tc.want)/tc.want)
		}
	}
}

// TestAreaM2PostGIS compares with ST_Area(geom::geography) for the zones
// in testdata, among them a 375-vertex ring and a multipolygon.
func TestAreaM2PostGIS(t *testing.T) {
	for id, z := range zones(t) {
		if got := AreaM2(z.mp); !near(got, z.areaM, 1e-6, 0) {
			t.Errorf("%s %s: AreaM2 = %.4f, PostGIS %.4f", id, z.name, got, z.areaM)
		}
	}
}

// TestAreaM2SharedData checks every polygon of the OSM seed file (the copy
// in geodata/) against areas computed by PostGIS.
func TestAreaM2SharedData(t *testing.T) {
	zs := parseZones(t, geodata.IndustrialParks)
	f, err := os.Open("testdata/postgis_area_m2.tsv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	n, worst := 0, 0.0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if strings.HasPrefix(sc.Text(), "#") {
			continue
		}
		id, v, _ := strings.Cut(sc.Text(), "\t")
		want, err := strconv.ParseFloat(v, 64)
		if err != nil {
			t.Fatal(err)
		}
		z, ok := zs[id]
		if !ok {
			t.Errorf("%s missing from the shared file", id)
			continue
		}
		got := AreaM2(z.mp)
		rel := math.Abs(got-want) / want
		worst = math.Max(worst, rel)
		if rel > 1e-6 {
			t.Errorf("%s %s: AreaM2 = %.4f, PostGIS %.4f", id, z.name, got, want)
		}
		n++
	}
	if n != len(zs) {
		t.Errorf("compared %d of %d zones", n, len(zs))
	}
	t.Logf("%d zones, worst relative difference from PostGIS %.2e", n, worst)
}

func TestAreaM2Properties(t *testing.T) {
	g := newGen(1)
	for range 200 {
		c := g.centre()
		mp := g.polygon(c, 8+g.r.IntN(20), 100+5000*g.r.Float64())
		a := AreaM2(mp)
		if !(a > 0) {
			t.Fatalf("AreaM2 = %v for %v", a, mp)
		}
		if b := AreaM2(reversed(mp)); !near(b, a, 1e-9, 0) {
			t.Errorf("orientation changes area: %v vs %v", a, b)
		}
		if b := AreaM2(opened(mp)); !near(b, a, 1e-9, 0) {
			t.Errorf("open ring changes area: %v vs %v", a, b)
		}
		// Moving east changes nothing; the area is a function of latitude.
		if b := AreaM2(translated(mp, 0.5, 0)); !near(b, a, 1e-9, 0) {
			t.Errorf("eastward shift changes area: %v vs %v", a, b)
		}
	}
}

// TestAreaM2Large checks polygons as large as the world against the WGS84
// ellipsoid's known surface area and against PostGIS on the same polygons
// densified along their lon/lat lines (ST_Area(ST_Segmentize(g,
// 0.05)::geography), recorded: PostGIS answers 0 for the undensified box and
// band, or fails on them).
func TestAreaM2Large(t *testing.T) {
	const ellipsoidM2 = 5.10065621724e14
	box := func(x0, y0, x1, y1 float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
	}
	for _, c := range []struct {
		name string
		mp   orb.MultiPolygon
		want float64
	}{
		{"whole world", box(-180, -90, 180, 90), ellipsoidM2},
		{"band 0..10", box(-180, 0, 180, 10), 44093965315584.92},
		{"northern hemisphere", box(-180, 0, 180, 90), 255032810862044.25},
		{"eastern hemisphere", box(0, -90, 180, 90), 255032810862044.25},
		// More than half the world: PostGIS answers the rest of the
		// ellipsoid (3.5719837730102e13), so the area is what remains.
		{"340° by 160°", box(-170, -80, 170, 80), ellipsoidM2 - 35719837730102.39},
		{"slanted edges", orb.MultiPolygon{{{{100, 0}, {140, 5}, {140, 30}, {100, 20}, {100, 0}}}}, 10686731585092.984},
	} {
		for _, mp := range []orb.MultiPolygon{c.mp, reversed(c.mp)} {
			if got := AreaM2(mp); !near(got, c.want, 1e-6, 0) {
				t.Errorf("%s: AreaM2 = %.6g, want %.6g (%.2g off)", c.name, got, c.want, got/c.want-1)
			}
		}
	}
}
