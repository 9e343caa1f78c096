package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportCLI exports with `zonegis export` and reads the files with
// ogrinfo: the feature counts PostGIS has, and the CRS asked for.
func TestExportCLI(t *testing.T) {
	ogrinfo := gdalTool(t, "ogrinfo")
	c := newCLI(t)
	c.env["ZONEGIS_SEED"] = "SHTP"
	if _, errOut, err := c.run(t, "seed"); err != nil {
		t.Fatalf("seed: %v\n%s", err, errOut)
	}
	db := c.db(t)
	count := func(query string) int {
		var n int
		if err := db.Pool().QueryRow(context.Background(), query).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	shtpParcels := count(`SELECT count(*) FROM parcels p JOIN zones z ON z.id = p.zone_id WHERE z.code = 'SHTP'`)
	shtpGreens := count(`SELECT count(*) FROM green_areas g JOIN zones z ON z.id = g.zone_id WHERE z.code = 'SHTP'`)
	dir := t.TempDir()
	for _, tc := range []struct {
		args  []string
		file  string
		want  int
		srs   string
		layer string
	}{
		{[]string{"--collection", "zones", "--format", "fgb"}, "zones.fgb", count(`SELECT count(*) FROM zones`), `ID["EPSG",4326]`, "zones"},
		{[]string{"--collection", "parcels", "--format", "fgb", "--crs", "EPSG:3405", "--zone", "shtp"}, "shtp.fgb", shtpParcels, `ID["EPSG",3405]`, "parcels"},
		{[]string{"--collection", "green-areas", "--format", "geojson", "--zone", "SHTP"}, "greens.geojson", shtpGreens, `ID["EPSG",4326]`, "green-areas"},
		{[]string{"--collection", "dossier", "--format", "geojson", "--crs", "EPSG:3405", "--zone", "SHTP"}, "dossier.geojson", 1 + shtpParcels + shtpGreens, `ID["EPSG",3405]`, "dossier SHTP"},
	} {
		out := filepath.Join(dir, tc.file)
		stdout, errOut, err := c.run(t, append(append([]string{"export"}, tc.args...), "--out", out)...)
		if err != nil {
			t.Fatalf("export %v: %v\n%s", tc.args, err, errOut)
		}
		if want := fmt.Sprintf("exported %d features", tc.want); !strings.Contains(stdout, want) {
			t.Errorf("export %v: %q, want %q", tc.args, stdout, want)
		}
		info, _ := gdal(t, ogrinfo, "-so", "-al", "-ro", out)
		if !strings.Contains(info, fmt.Sprintf("Feature Count: %d\n", tc.want)) || !strings.Contains(info, tc.srs) ||
			!strings.Contains(info, "Layer name: "+tc.layer) {
			t.Errorf("export %v: ogrinfo does not report %d features in %s, layer %q:\n%.1500s", tc.args, tc.want, tc.srs, tc.layer, info)
		}
	}
	for _, bad := range [][]string{
		{"--collection", "parcels"},
		{"--collection", "leases", "--out", "x"},
		{"--collection", "dossier", "--out", "x"},
		{"--collection", "parcels", "--format", "shp", "--out", "x"},
		{"--collection", "parcels", "--crs", "EPSG:32648", "--out", "x"},
		{"--collection", "parcels", "--zone", "NOPE", "--out", filepath.Join(dir, "nope.fgb")},
	} {
		if _, _, err := c.run(t, append([]string{"export"}, bad...)...); err == nil {
			t.Errorf("export %v: no error", bad)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "nope.fgb")); !os.IsNotExist(err) {
		t.Errorf("a failed export left a file: %v", err)
	}
}
