package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestImportCLI imports a GeoJSON file with `zonegis import`: a file with
// bad features is refused whole, with every bad feature reported; a good
// one is written.
func TestImportCLI(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	db := c.db(t)
	z := &zonegis.Zone{Code: "KCX-CLI", NameVI: "Khu chế xuất Dòng lệnh", NameEN: "CLI EPZ", Kind: zonegis.KindExportProcessingZone,
		Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Source: "manual",
		Boundary: orb.MultiPolygon{{{{106.70, 10.75}, {106.71, 10.75}, {106.71, 10.76}, {106.70, 10.76}, {106.70, 10.75}}}}}
	if _, err := db.CreateZone(context.Background(), zonegis.System, z); err != nil {
		t.Fatal(err)
	}
	parcel := func(lot string, x0, y0, x1, y1 float64, extra string) string {
		return fmt.Sprintf(`{"type": "Feature", "geometry": {"type": "Polygon", "coordinates": [[[%v, %v], [%v, %v], [%v, %v], [%v, %v], [%v, %v]]]},
			"properties": {"zone_id": %d, "lot_code": %q, "land_use": "industrial"%s}}`, x0, y0, x1, y0, x1, y1, x0, y1, x0, y0, z.ID, lot, extra)
	}
	write := func(name string, features ...string) string {
		p := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(p, []byte(`{"type": "FeatureCollection", "features": [`+strings.Join(features, ",")+`]}`), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	count := func() int {
		var n int
		if err := db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM parcels`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}

	bad := write("bad.geojson",
		parcel("P0", 106.700, 10.750, 106.701, 10.751, ""),
		parcel("P1", 106.709, 10.759, 106.712, 10.762, ""),               // outside the zone
		parcel("P2", 106.702, 10.750, 106.703, 10.751, `, "owner": "x"`), // unknown field
		parcel("P3", 106.7005, 10.7505, 106.7015, 10.7515, ""),           // overlaps P0
	)
	out, errOut, err := c.run(t, "import", "--collection", "parcels", bad)
	if err == nil || !strings.Contains(err.Error(), "import refused") {
		t.Fatalf("bad import: %v; stdout %q", err, out)
	}
	for _, want := range []string{"3 features have problems; nothing was written", "FEATURE", "outside zone KCX-CLI", `unknown field "owner"`, "overlaps parcel P0 (feature 0 of this file)"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("report does not contain %q:\n%s", want, errOut)
		}
	}
	for _, idx := range []string{"\n1 ", "\n2 ", "\n3 "} {
		if !strings.Contains(errOut, idx) {
			t.Errorf("report does not list feature %s:\n%s", strings.TrimSpace(idx), errOut)
		}
	}
	if strings.Contains(errOut, "\n0 ") {
		t.Errorf("report lists the good feature 0:\n%s", errOut)
	}
	if n := count(); n != 0 {
		t.Fatalf("%d parcels after a refused import", n)
	}

	good := write("good.geojson", parcel("G0", 106.700, 10.750, 106.701, 10.751, ""), parcel("G1", 106.701, 10.750, 106.702, 10.751, ""))
	out, errOut, err = c.run(t, "import", "--collection", "parcels", good)
	if err != nil || strings.TrimSpace(out) != "imported 2 parcels" {
		t.Fatalf("good import: %q, %v\n%s", out, err, errOut)
	}
	if n := count(); n != 2 {
		t.Fatalf("%d parcels, want 2", n)
	}
	var keyName, action string
	if err := db.Pool().QueryRow(context.Background(), `SELECT key_name, action FROM audit_log ORDER BY id DESC LIMIT 1`).Scan(&keyName, &action); err != nil ||
		keyName != "system" || action != "import" {
		t.Fatalf("audit of the CLI import: %q %q %v", keyName, action, err)
	}
	if _, _, err := c.run(t, "import", good); err == nil {
		t.Fatal("import without --collection: no error")
	}
	if _, _, err := c.run(t, "import", "--collection", "parcels", filepath.Join(t.TempDir(), "missing.geojson")); err == nil {
		t.Fatal("import of a missing file: no error")
	}
}
