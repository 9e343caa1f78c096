package source

import (
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/crs"
)

// TestReadVN2000OfficialShift reads a square at the Saigon Hi-Tech Park
// given in EPSG:9210 coordinates that cs2cs computed with the official
// shift EPSG:6960 (crs.CRS.PROJ), once named by --crs and once by the
// file's .prj: both must come back to lon/lat within 1 cm. Given the bare
// EPSG code or the .prj, GDAL would pick EPSG:5194 there and land 0.8 m
// away.
func TestReadVN2000OfficialShift(t *testing.T) {
	c, _ := crs.ByEPSG(9210)
	lonlat := [][2]float64{{106.795, 10.845}, {106.797, 10.845}, {106.797, 10.847}, {106.795, 10.847}, {106.795, 10.845}}
	var in strings.Builder
	for _, p := range lonlat {
		fmt.Fprintf(&in, "%.9f %.9f\n", p[0], p[1])
	}
	cmd := exec.Command("cs2cs", append([]string{"-f", "%.6f", "+proj=longlat", "+datum=WGS84", "+type=crs", "+to"}, strings.Fields(c.PROJ())...)...)
	cmd.Stdin = strings.NewReader(in.String())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("cs2cs: %v", err)
	}
	var pts []string
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pts = append(pts, f[0]+" "+f[1])
	}
	dir := t.TempDir()
	csv := filepath.Join(dir, "shtp.csv")
	if err := os.WriteFile(csv, []byte("WKT,name\n\"POLYGON (("+strings.Join(pts, ", ")+"))\",SHTP\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	shp := filepath.Join(dir, "shtp.shp")
	ogr2ogr(t, shp, csv, "-a_srs", "EPSG:9210")
	for _, tc := range []struct {
		name, path string
		o          Options
	}{
		{"--crs", csv, Options{CRS: "EPSG:9210"}},
		{".prj", shp, Options{}},
	} {
		r, err := Open(tc.path, tc.o)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		rec, err := r.Next()
		if err != nil && err != io.EOF {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if r.CRS != "EPSG:9210" {
			t.Errorf("%s: CRS %q, want EPSG:9210", tc.name, r.CRS)
		}
		r.Close()
		var ring orb.Ring
		switch g := rec.Geometry.(type) {
		case orb.Polygon:
			ring = g[0]
		case orb.MultiPolygon:
			ring = g[0][0]
		default:
			t.Fatalf("%s: geometry %T", tc.name, rec.Geometry)
		}
		worst := 0.0
		for _, p := range ring {
			best := math.Inf(1)
			for _, q := range lonlat {
				dx := (p[0] - q[0]) * 111320 * math.Cos(q[1]*math.Pi/180)
				dy := (p[1] - q[1]) * 110574
				best = math.Min(best, math.Hypot(dx, dy))
			}
			worst = math.Max(worst, best)
		}
		if worst > 0.01 {
			t.Errorf("%s: a corner is %.3f m from where it was (want < 0.01 m: EPSG:6960, not EPSG:5194)", tc.name, worst)
		}
	}
}
