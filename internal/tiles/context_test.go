package tiles

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/zonegis/zonegis/internal/index"
)

// TestContextData: the embedded provinces and wards read whole (34
// provinces; 126 + 114 + 168 wards, as their READMEs count), every unit
// with a code and a name, and its label point inside its boundary.
func TestContextData(t *testing.T) {
	m, err := contextData()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]int{LayerProvinces: 34, LayerWards: 126 + 114 + 168} {
		l := m[name]
		if len(l.places) != want {
			t.Errorf("%s: %d units, want %d", name, len(l.places), want)
		}
		codes := map[string]bool{}
		for _, p := range l.places {
			if codes[p.code] {
				t.Errorf("%s: code %s twice", name, p.code)
			}
			codes[p.code] = true
			if !planar.MultiPolygonContains(p.boundary, p.label) {
				t.Errorf("%s %s %s: label point %v outside the unit", name, p.code, p.nameVI, p.label)
			}
		}
	}
	if hn := m[LayerProvinces].places[0]; hn.code != "01" || hn.nameVI != "Hà Nội" || hn.nameEN != "Ha Noi" {
		t.Errorf("first province: %+v", hn.code+" "+hn.nameVI+" "+hn.nameEN)
	}
}

// TestContextTiles: the province and ward tiles, read back by GDAL's MVT
// driver (the oracle for the encoding), hold every unit that meets the
// tile, named, with about the area of the source clipped to the tile
// (simplification moves edges by a fraction of a pixel, not more), and
// each name's point once, in the tile that holds it; a z5 tile of the
// whole country stays small.
func TestContextTiles(t *testing.T) {
	if _, err := exec.LookPath("ogr2ogr"); err != nil {
		t.Fatal("ogr2ogr (gdal-bin) is needed: the oracle for the tiles")
	}
	s := New(index.New(), Options{})
	hanoi := orb.Point{105.85, 21.03}
	for _, c := range []struct {
		layer, labels string
		tile          Tile
		minUnits      int
	}{
		{LayerProvinces, ProvinceLabels, At(hanoi, 5), 20},
		{LayerProvinces, ProvinceLabels, At(orb.Point{106.7, 10.8}, 7), 3},
		{LayerWards, WardLabels, At(hanoi, 10), 20},
		{LayerWards, WardLabels, At(orb.Point{106.70, 10.78}, 12), 10},
	} {
		body, _, err := s.Tile(c.layer, c.tile)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%s %s: %d bytes", c.layer, c.tile, len(body))
		if c.layer == LayerProvinces && c.tile.Z == 5 && len(body) > 150_000 {
			t.Errorf("%s %s: %d bytes; a country's tile should stay under 150 KB", c.layer, c.tile, len(body))
		}
		got := ogrFeatures(t, body, c.tile, c.layer, c.labels)
		l := contextLayerOf(c.layer)
		tb := c.tile.Bound(0)
		want := map[string]*place{}
		for i := range l.places {
			p := &l.places[i]
			if clipped := clip.MultiPolygon(tb, p.boundary.Clone()); planar.Area(clipped) > 0 {
				want[p.code] = p
			}
		}
		if len(want) < c.minUnits {
			t.Fatalf("%s %s: only %d units meet the tile; the case is wrong", c.layer, c.tile, len(want))
		}
		seen := map[string]bool{}
		for _, f := range got[c.layer] {
			code := f.Properties.MustString("code", "")
			p := want[code]
			if p == nil {
				if !hasArea(f.Geometry) {
					continue // a sliver in the buffer
				}
				if tb2 := c.tile.Bound(float64(DefaultBufferUnits) / DefaultExtent); !p2(l, code).bound.Intersects(tb2) {
					t.Errorf("%s %s: unit %s drawn, but it is not near the tile", c.layer, c.tile, code)
				}
				continue
			}
			seen[code] = true
			if f.Properties.MustString("name_vi", "") != p.nameVI || f.Properties.MustString("name_en", "") != p.nameEN {
				t.Errorf("%s %s: unit %s named %v, want %s / %s", c.layer, c.tile, code, f.Properties, p.nameVI, p.nameEN)
			}
			// Areas within the tile, in tile pixels² (512 a side): GDAL's
			// geometry clipped to the tile against the source's.
			gotA := pixelArea(clip.Geometry(tb, f.Geometry), c.tile)
			wantA := pixelArea(clip.MultiPolygon(tb, p.boundary.Clone()), c.tile)
			if wantA > 400 && math.Abs(gotA-wantA) > 0.03*wantA {
				t.Errorf("%s %s: unit %s covers %.0f px² of the tile, the source %.0f", c.layer, c.tile, code, gotA, wantA)
			}
		}
		for code, p := range want {
			if !seen[code] && pixelArea(clip.MultiPolygon(tb, p.boundary.Clone()), c.tile) > 1 {
				t.Errorf("%s %s: unit %s %s missing", c.layer, c.tile, code, p.nameVI)
			}
		}
		labels := map[string]int{}
		for _, f := range got[c.labels] {
			code := f.Properties.MustString("code", "")
			labels[code]++
			pt, ok := f.Geometry.(orb.Point)
			if !ok || !tb.Contains(pt) {
				t.Errorf("%s %s: label of %s is %v, not a point in the tile", c.labels, c.tile, code, f.Geometry)
			}
		}
		for i := range l.places {
			p := &l.places[i]
			inTile := tb.Contains(p.label) && p.label[0] < tb.Max[0]-1e-9 && p.label[1] > tb.Min[1]+1e-9
			if n := labels[p.code]; inTile && n != 1 || !inTile && n > 0 && !nearTile(tb, p.label) {
				t.Errorf("%s %s: %s's label point %v in %d features", c.labels, c.tile, p.code, p.label, n)
			}
		}
	}
	// Below WardsMinZoom the ward tiles are empty.
	if body, _, _ := s.Tile(LayerWards, At(hanoi, WardsMinZoom-1)); len(body) != 0 {
		t.Errorf("wards at z%d: %d bytes, want none", WardsMinZoom-1, len(body))
	}
}

func p2(l *contextLayer, code string) *place {
	for i := range l.places {
		if l.places[i].code == code {
			return &l.places[i]
		}
	}
	return &place{}
}

// nearTile: p lies within a pixel of the tile's edges (snapped to a unit, a
// label point may land on either side).
func nearTile(b orb.Bound, p orb.Point) bool {
	d := (b.Max[0] - b.Min[0]) / 512
	return p[0] > b.Min[0]-d && p[0] < b.Max[0]+d && p[1] > b.Min[1]-d && p[1] < b.Max[1]+d
}

func hasArea(g orb.Geometry) bool { return planar.Area(g) > 0 }

// pixelArea is the area of g (lon/lat) in pixels² of a 512-pixel tile t.
func pixelArea(g orb.Geometry, t Tile) float64 {
	n := float64(uint64(512) << t.Z)
	var a float64
	var ring func(r orb.Ring) float64
	ring = func(r orb.Ring) float64 {
		var s float64
		for i := 0; i+1 < len(r); i++ {
			x0, y0 := worldX(r[i][0])*n, worldY(r[i][1])*n
			x1, y1 := worldX(r[i+1][0])*n, worldY(r[i+1][1])*n
			s += x0*y1 - x1*y0
		}
		return s / 2
	}
	poly := func(p orb.Polygon) float64 {
		var s float64
		for i, r := range p {
			if i == 0 {
				s += math.Abs(ring(r))
			} else {
				s -= math.Abs(ring(r))
			}
		}
		return s
	}
	switch g := g.(type) {
	case orb.Polygon:
		a = poly(g)
	case orb.MultiPolygon:
		for _, p := range g {
			a += poly(p)
		}
	}
	return a
}

// ogrFeatures reads the layers of an MVT body with GDAL's MVT driver, in
// lon/lat.
func ogrFeatures(t *testing.T, body []byte, tile Tile, layers ...string) map[string][]*geojson.Feature {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "tile.mvt")
	if err := os.WriteFile(in, body, 0o644); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out := map[string][]*geojson.Feature{}
	for _, layer := range layers {
		dst := filepath.Join(dir, layer+".geojson")
		cmd := exec.CommandContext(ctx, "ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", "-lco", "COORDINATE_PRECISION=9",
			"-oo", "X="+strconv.Itoa(int(tile.X)), "-oo", "Y="+strconv.Itoa(int(tile.Y)), "-oo", "Z="+strconv.Itoa(int(tile.Z)),
			"-oo", "METADATA_FILE=", "-oo", "CLIP=NO", dst, in, layer)
		if b, err := cmd.CombinedOutput(); err != nil {
			if len(body) == 0 || !layerIn(t, body, layer) {
				continue
			}
			t.Fatalf("ogr2ogr %s: %v\n%s", layer, err, b)
		}
		b, err := os.ReadFile(dst)
		if err != nil {
			t.Fatal(err)
		}
		var fc geojson.FeatureCollection
		if err := json.Unmarshal(b, &fc); err != nil {
			t.Fatalf("%s: %v", layer, err)
		}
		out[layer] = fc.Features
	}
	return out
}

// layerIn reports whether the tile has a layer of that name (orb's MVT
// decoder; GDAL is the oracle for the rest).
func layerIn(t *testing.T, body []byte, name string) bool {
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range ls {
		if l.Name == name {
			return true
		}
	}
	return false
}
