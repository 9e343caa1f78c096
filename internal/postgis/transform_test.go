package postgis_test

import (
	"context"
	"fmt"
	"io/fs"
	"math"
	"os/exec"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/crs"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
	"github.com/zonegis/zonegis/migrations"
)

// hcmcParcel is a concave, holed polygon of 41 vertices in Hồ Chí Minh City
// (inside the Mekong-delta box where PROJ, given EPSG codes, picks
// EPSG:5194 rather than EPSG:6960).
func hcmcParcel() orb.MultiPolygon {
	var outer orb.Ring
	for i := range 40 {
		a := 2 * math.Pi * float64(i) / 40
		r := 0.004 * (1 + 0.4*float64(i%2)) // a star: concave
		outer = append(outer, orb.Point{106.7 + r*math.Cos(a), 10.8 + r*math.Sin(a)})
	}
	outer = append(outer, outer[0])
	hole := orb.Ring{{106.699, 10.799}, {106.699, 10.801}, {106.701, 10.801}, {106.701, 10.799}, {106.699, 10.799}}
	return orb.MultiPolygon{{outer, hole}}
}

// TestTransformRoundTrip9210: a polygon taken 4326 → 9210 → 4326 through
// PostGIS comes back within 1 mm of every vertex (geodesic distance, by
// PostGIS), both through Transform (the export path, EPSG:6960) and the
// reverse with the row's PROJ string, and by SRID (ST_Transform(g, 9210),
// which failed before migration 0007 with "Cannot find SRID").
func TestTransformRoundTrip9210(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	g := hcmcParcel()
	out, err := db.Transform(ctx, 9210, []orb.MultiPolygon{g})
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 1 || len(out[0][0][0]) != 41 || out[0][0][0][0][0] < 600000 {
		t.Fatalf("transformed %v", out)
	}
	in, _ := wkb.Marshal(g)
	tm3, _ := wkb.Marshal(out[0])
	for name, q := range map[string]string{
		"Transform, back with proj4text": `SELECT ST_Transform(ST_GeomFromWKB($2), (SELECT proj4text FROM spatial_ref_sys WHERE srid = 9210), 4326)`,
		"by SRID":                        `SELECT ST_Transform(ST_Transform(ST_GeomFromWKB($1, 4326), 9210), 4326) WHERE $2::bytea IS NOT NULL`,
	} {
		var n int
		var maxM float64
		if err := db.Pool().QueryRow(ctx, `WITH b AS (`+q+`)
			SELECT count(*), max(ST_Distance(a.geom::geography, c.geom::geography))
			  FROM ST_DumpPoints(ST_GeomFromWKB($1, 4326)) a JOIN ST_DumpPoints((SELECT * FROM b)) c USING (path)`,
			in, tm3).Scan(&n, &maxM); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		t.Logf("%s: %d vertices, largest round-trip error %.2g m", name, n, maxM)
		if n != 46 || maxM > 0.001 {
			t.Errorf("%s: %d vertices back (want 46), largest error %.4f m (want ≤ 0.001)", name, n, maxM)
		}
	}
}

// controlPoints returns lon/lat points within c's area of use in Viet Nam:
// around its central meridian (±1°), from the delta to the north.
func controlPoints(c crs.CRS) []orb.Point {
	cm := c.CentralMeridianDeg
	if c.Kind == crs.Geographic {
		cm = 106
	}
	var ps []orb.Point
	for _, lat := range []float64{9.6, 10.8, 12.3, 15.9, 21.03, 22.7} {
		for _, dlon := range []float64{-1, -0.31, 0, 0.47, 1} {
			ps = append(ps, orb.Point{cm + dlon, lat})
		}
	}
	return ps
}

// cs2cs runs PROJ's cs2cs from WGS 84 to target (an EPSG code, a WKT, or
// a PROJ string, given cs2cs's old way: +proj=longlat … +to …) on ps
// (lon/lat) and returns x, y as easting, northing (lon, lat for a
// geographic target: cs2cs writes EPSG:4756 lat first, which is told by
// the values, latitudes in Viet Nam being below 90 and longitudes above).
func cs2cs(t *testing.T, target string, ps []orb.Point) []orb.Point {
	t.Helper()
	var in strings.Builder
	args := []string{"-f", "%.10f", "EPSG:4326", target}
	if strings.HasPrefix(target, "+") {
		args = append([]string{"-f", "%.10f", "+proj=longlat", "+datum=WGS84", "+no_defs", "+type=crs", "+to"}, strings.Fields(target)...)
	}
	for _, p := range ps {
		if strings.HasPrefix(target, "+") {
			fmt.Fprintf(&in, "%.12f %.12f\n", p[0], p[1])
		} else {
			fmt.Fprintf(&in, "%.12f %.12f\n", p[1], p[0]) // EPSG:4326 is lat, lon
		}
	}
	cmd := exec.Command("cs2cs", args...)
	cmd.Stdin = strings.NewReader(in.String())
	b, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("cs2cs %q: %v: %s", args, err, b)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != len(ps) {
		t.Fatalf("cs2cs: %d lines for %d points: %s", len(lines), len(ps), b)
	}
	out := make([]orb.Point, len(ps))
	for i, l := range lines {
		f := strings.Fields(l)
		x, err1 := strconv.ParseFloat(f[0], 64)
		y, err2 := strconv.ParseFloat(f[1], 64)
		if err1 != nil || err2 != nil || math.IsInf(x, 0) || math.IsInf(y, 0) {
			t.Fatalf("cs2cs %q: line %q", args, l)
		}
		if x < 90 && y > 90 {
			x, y = y, x
		}
		out[i] = orb.Point{x, y}
	}
	return out
}

// gapM is how far apart a and b are in metres: planar for a projected CRS,
// by the degree's length for a geographic one.
func gapM(a, b orb.Point, geographic bool) float64 {
	dx, dy := a[0]-b[0], a[1]-b[1]
	if geographic {
		dx *= 111320 * math.Cos(a[1]*math.Pi/180)
		dy *= 110574
	}
	return math.Hypot(dx, dy)
}

// TestTransformEqualsCS2CS: control points transformed by PostGIS
// (Transform, with the spatial_ref_sys rows) equal PROJ's cs2cs within
// 1 mm in every output CRS, cs2cs being given the CRS bound to WGS 84 by
// EPSG:6960 as PROJ builds it (projinfo --boundcrs-to-wgs84). Where cs2cs is
// given the bare EPSG code, it agrees except inside the Mekong-delta box,
// where for the CRSs whose area reaches it (9210 Hồ Chí Minh, 3405, 4756
// …) it is more than half a metre off (it uses EPSG:5194): the reason the
// rows' PROJ strings, not the codes, drive the transform.
func TestTransformEqualsCS2CS(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	inBox := func(p orb.Point) bool { return p[1] >= 9.35 && p[1] <= 11.04 && p[0] >= 104.24 && p[0] <= 107.11 }
	worst := 0.0
	shifted := map[int]bool{} // the CRSs for which PROJ, given the code, picks EPSG:5194 in the box
	for _, c := range crs.List() {
		if c.IsCRS84() {
			continue
		}
		ps := controlPoints(c)
		ring := append(append(orb.Ring(nil), ps...), ps[0])
		tri := orb.Ring{ps[0], ps[1], ps[2], ps[0]}
		got, err := db.Transform(ctx, c.EPSG, []orb.MultiPolygon{{{ring}}, {{tri}}})
		if err != nil {
			t.Fatalf("%s: %v", c.Name, err)
		}
		geo := c.Kind == crs.Geographic
		bound, err := exec.Command("projinfo", c.SRS(), "--boundcrs-to-wgs84", "-o", "WKT2:2019", "--single-line", "-q").Output()
		if err != nil {
			t.Fatal(err)
		}
		want := cs2cs(t, strings.TrimSpace(string(bound)), ps)
		byCode := cs2cs(t, c.SRS(), ps)
		if len(got) != 2 || len(got[0][0][0]) != len(ps)+1 || len(got[1][0][0]) != 4 {
			t.Fatalf("%s: shapes back %v", c.Name, got)
		}
		for i, p := range ps {
			d := gapM(got[0][0][0][i], want[i], geo)
			worst = max(worst, d)
			if d > 0.001 {
				t.Errorf("%s: %v → PostGIS %v, cs2cs %v: %.4f m apart", c.Name, p, got[0][0][0][i], want[i], d)
			}
			switch dc := gapM(byCode[i], want[i], geo); {
			case inBox(p) && dc > 0.5:
				shifted[c.EPSG] = true
			case dc > 0.001:
				t.Errorf("%s: %v: cs2cs by code is %.4f m from EPSG:6960", c.Name, p, dc)
			}
		}
		if got[1][0][0][2] != got[0][0][0][2] {
			t.Errorf("%s: the second geometry's vertex %v, the first's %v", c.Name, got[1][0][0][2], got[0][0][0][2])
		}
	}
	t.Logf("largest PostGIS–cs2cs gap %.2g m; by code, PROJ uses EPSG:5194 in the Mekong box for %v", worst, shifted)
	if !shifted[9210] || !shifted[3405] || !shifted[4756] {
		t.Errorf("by code, cs2cs used EPSG:5194 in the Mekong box for %v; want 9210, 3405 and 4756 among them", shifted)
	}
	if _, err := db.Transform(ctx, 32648, []orb.MultiPolygon{hcmcParcel()}); zonegis.ErrorCode(err) != zonegis.EINVALID {
		t.Errorf("Transform to EPSG:32648: %v, want EINVALID (not an output CRS)", err)
	}
	// EPSG:3857 is offered for the items (crs.WebMercator): PostGIS
	// transforms to it as cs2cs does.
	out, err := db.Transform(ctx, 3857, []orb.MultiPolygon{hcmcParcel()})
	if err != nil {
		t.Fatalf("Transform to EPSG:3857: %v", err)
	}
	in := hcmcParcel()[0][0]
	want := cs2cs(t, "EPSG:3857", []orb.Point(in))
	for i, p := range out[0][0][0] {
		if math.Abs(p[0]-want[i][0]) > 0.001 || math.Abs(p[1]-want[i][1]) > 0.001 {
			t.Fatalf("EPSG:3857 point %d: %v, cs2cs says %v", i, p, want[i])
		}
	}
}

// TestVN2000Rows: migration 0007 adds EPSG:9205–9218 as PROJ defines them:
// auth EPSG and the code, the PROJ string of crs.CRS.PROJ, and a WKT that
// PROJ (cs2cs) transforms exactly as the bound CRS, so the rows carry the
// EPSG:6960 shift in both texts; the rows PostGIS ships for the other
// output CRSs say the same (under older names: 5899 is "TM-3 Da Nang zone"
// there). Run again, the migration keeps the rows there
// (changed or not) and adds back one that is missing.
func TestVN2000Rows(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	for _, c := range crs.List() {
		if c.IsCRS84() {
			continue
		}
		var auth, srtext, proj4 string
		var authSRID int
		if err := db.Pool().QueryRow(ctx, `SELECT auth_name, auth_srid, srtext, proj4text FROM spatial_ref_sys WHERE srid = $1`, c.EPSG).
			Scan(&auth, &authSRID, &srtext, &proj4); err != nil {
			t.Fatalf("EPSG:%d: %v", c.EPSG, err)
		}
		if auth != "EPSG" || authSRID != c.EPSG || strings.TrimSpace(proj4)+" +type=crs" != c.PROJ() ||
			!strings.Contains(srtext, "TOWGS84["+crs.TOWGS84+"]") ||
			(c.EPSG >= 9205 && !strings.Contains(srtext, `PROJCS["`+c.Name+`"`)) {
			t.Errorf("EPSG:%d row: %s:%d %q %q", c.EPSG, auth, authSRID, proj4, srtext)
		}
		ps := controlPoints(c)[:10]
		geo := c.Kind == crs.Geographic
		want := cs2cs(t, c.PROJ(), ps)
		fromWKT := cs2cs(t, srtext, ps)
		for i := range ps {
			if d := gapM(fromWKT[i], want[i], geo); d > 0.001 {
				t.Errorf("EPSG:%d: the row's WKT puts %v %.4f m from its PROJ string", c.EPSG, ps[i], d)
			}
		}
	}
	body, err := fs.ReadFile(migrations.FS, "0007_vn2000_tm3.sql")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `UPDATE spatial_ref_sys SET proj4text = proj4text || ' ' WHERE srid = 9210;
		DELETE FROM spatial_ref_sys WHERE srid = 9211`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, string(body)); err != nil {
		t.Fatalf("0007 again: %v", err)
	}
	var n int
	var p9210 string
	if err := db.Pool().QueryRow(ctx, `SELECT count(*), max(proj4text) FILTER (WHERE srid = 9210) FROM spatial_ref_sys WHERE srid BETWEEN 9205 AND 9218`).
		Scan(&n, &p9210); err != nil {
		t.Fatal(err)
	}
	if n != 14 || !strings.HasSuffix(p9210, " ") {
		t.Errorf("after 0007 again: %d rows (want 14), 9210 %q (want the changed row kept)", n, p9210)
	}
}
