package tiles

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// decode unmarshals an MVT body into its layers by name, in tile units.
func decode(t *testing.T, body []byte) map[string]*mvt.Layer {
	t.Helper()
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("mvt.Unmarshal: %v", err)
	}
	out := map[string]*mvt.Layer{}
	for _, l := range ls {
		out[l.Name] = l
	}
	return out
}

func ids(l *mvt.Layer) []int64 {
	if l == nil {
		return nil
	}
	var out []int64
	for _, f := range l.Features {
		out = append(out, int64(f.Properties["id"].(float64)))
	}
	slices.Sort(out)
	return out
}

func render(t *testing.T, ix *index.Index, layer string, tl Tile) map[string]*mvt.Layer {
	t.Helper()
	s := New(ix, Options{})
	body, etag, err := s.Tile(layer, tl)
	if err != nil {
		t.Fatal(err)
	}
	if etag != ETag(body) || len(etag) != 18 {
		t.Errorf("etag %q", etag)
	}
	return decode(t, body)
}

// TestRenderParcels decodes a z15 tile over the fixture grid and checks
// every parcel the tile should hold is there, with the properties the map
// styles and clicks on, in the right place.
func TestRenderParcels(t *testing.T) {
	ix := fixtureIndex()
	snap := ix.Snapshot()
	p45e, _ := snap.ParcelEntries().Get(45)
	p45 := p45e.WithBoundary()
	tl := At(p45.Boundary.Bound().Center(), 15)
	layers := render(t, ix, LayerParcels, tl)
	if len(layers) != 1 || layers[LayerParcels] == nil {
		t.Fatalf("layers %v; want parcels only", layers)
	}
	l := layers[LayerParcels]
	if l.Extent != DefaultExtent || l.Version != 2 {
		t.Errorf("extent %d version %d", l.Extent, l.Version)
	}
	// Expected: the parcels whose bound meets the tile with its buffer.
	var want []int64
	snap.ParcelsInBound(tl.Bound(DefaultBufferUnits/DefaultExtent), func(p *zonegis.Parcel) bool {
		want = append(want, p.ID)
		return true
	})
	slices.Sort(want)
	if got := ids(l); !slices.Equal(got, want) || !slices.Contains(got, 45) {
		t.Fatalf("parcel ids %v; want %v (with 45)", got, want)
	}
	for _, f := range l.Features {
		id := int64(f.Properties["id"].(float64))
		p, _ := snap.Parcel(id)
		if fmt.Sprint(f.ID) != fmt.Sprint(id) {
			t.Errorf("parcel %d: feature id %v (%T)", id, f.ID, f.ID)
		}
		for k, v := range map[string]any{"lot_code": p.LotCode, "status": p.Status, "land_use": p.LandUse, "zone_id": float64(p.ZoneID), "area_ha": p.AreaM2 / 10000} {
			if f.Properties[k] != v {
				t.Errorf("parcel %d: %s = %v, want %v", id, k, f.Properties[k], v)
			}
		}
		checkWinding(t, f)
		for _, ring := range f.Geometry.(orb.Polygon) {
			for _, q := range ring {
				if q[0] < -DefaultBufferUnits || q[1] < -DefaultBufferUnits || q[0] > DefaultExtent+DefaultBufferUnits || q[1] > DefaultExtent+DefaultBufferUnits {
					t.Fatalf("parcel %d: point %v outside the buffered tile", id, q)
				}
			}
		}
	}
	// Back in lon/lat, parcel 45 is where the index has it, within a unit
	// (about 0.6 m at z15).
	fc := map[string]*geojson.FeatureCollection{}
	for name, ly := range layers {
		ly.ProjectToWGS84(maptile.New(tl.X, tl.Y, maptile.Zoom(tl.Z)))
		fc[name] = &geojson.FeatureCollection{Features: ly.Features}
	}
	for _, f := range fc[LayerParcels].Features {
		if f.Properties["id"].(float64) != 45 {
			continue
		}
		got, want := f.Geometry.Bound(), p45.Boundary.Bound()
		unit := (tl.Bound(0).Max[0] - tl.Bound(0).Min[0]) / DefaultExtent
		if !near(got.Min, want.Min, 1.5*unit) || !near(got.Max, want.Max, 1.5*unit) {
			t.Errorf("parcel 45 decodes to %v; index has %v", got, want)
		}
	}
}

// checkWinding: exterior rings have positive area in y-down tile units,
// holes negative (MVT 2.1, 4.3.4.4).
func checkWinding(t *testing.T, f *geojson.Feature) {
	t.Helper()
	var polys []orb.Polygon
	switch g := f.Geometry.(type) {
	case orb.Polygon:
		polys = []orb.Polygon{g}
	case orb.MultiPolygon:
		polys = g
	default:
		t.Fatalf("feature %v: geometry %T", f.ID, g)
	}
	for _, p := range polys {
		for i, r := range p {
			if a := refTwiceArea(r); (i == 0) != (a > 0) {
				t.Errorf("feature %v: ring %d has area %v", f.ID, i, a/2)
			}
		}
	}
}

func TestRenderAllByZoom(t *testing.T) {
	ix := fixtureIndex()
	c := orb.Point{tanThuan[0] + 0.005, tanThuan[1] + 0.001}
	hi := render(t, ix, LayerAll, At(c, 14))
	if ids(hi[LayerZones])[0] != 1 || len(ids(hi[LayerGreenAreas])) != 1 || len(ids(hi[LayerParcels])) == 0 {
		t.Errorf("z14 all: zones %v green %v parcels %d", ids(hi[LayerZones]), ids(hi[LayerGreenAreas]), len(ids(hi[LayerParcels])))
	}
	z := hi[LayerZones].Features[0].Properties
	if z["code"] != "KCX-TAN-THUAN" || z["name_vi"] != "Khu chế xuất Tân Thuận" || z["kind"] != zonegis.KindExportProcessingZone || z["name_en"] == nil {
		t.Errorf("zone properties %v", z)
	}
	g := hi[LayerGreenAreas].Features[0].Properties
	if g["kind"] != zonegis.GreenBufferStrip || g["name"] != "Dải cây xanh phía nam" || g["zone_id"] != 1.0 {
		t.Errorf("green properties %v", g)
	}
	// Below DetailMinZoom the tile holds zones only.
	lo := render(t, ix, LayerAll, At(c, DetailMinZoom-1))
	if len(lo) != 1 || len(ids(lo[LayerZones])) != 1 {
		t.Errorf("z%d all: layers %v; want zones only", DetailMinZoom-1, lo)
	}
	if l := render(t, ix, LayerParcels, At(c, DetailMinZoom-1)); len(l) != 0 {
		t.Errorf("parcels below their min zoom: %v", l)
	}
	// At z5 (a unit is 300 m) the 1.4 km zone is a few units wide and
	// still drawn; at z0 (a unit is 10 km) it collapses and is left out.
	if got := ids(render(t, ix, LayerZones, At(c, 5))[LayerZones]); !slices.Equal(got, []int64{1}) {
		t.Errorf("z5 zones %v", got)
	}
	if got := render(t, ix, LayerZones, Tile{}); len(got) != 0 {
		t.Errorf("z0: %v; want zones smaller than a unit left out", ids(got[LayerZones]))
	}
	// Far from everything: an empty tile, zero bytes, still a valid MVT.
	s := New(ix, Options{})
	body, _, err := s.Tile(LayerAll, At(orb.Point{0, 0}, 15))
	if err != nil || len(body) != 0 {
		t.Errorf("empty tile: %d bytes, %v", len(body), err)
	}
	if _, _, err := s.Tile("roads", Tile{}); zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
		t.Errorf("unknown layer: %v", err)
	}
	if _, _, err := s.Tile(LayerAll, Tile{Z: 1, X: 2}); zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
		t.Errorf("tile out of range: %v", err)
	}
}

// circleZone is a zone with a 4,000-vertex circular boundary of radius
// radiusM metres around c.
func circleZone(c orb.Point, radiusM float64) *zonegis.Zone {
	const n = 4000
	ring := make(orb.Ring, 0, n+1)
	for i := range n {
		a := 2 * math.Pi * float64(i) / n
		ring = append(ring, orb.Point{
			c[0] + radiusM/metresPerDegLat/math.Cos(c[1]*math.Pi/180)*math.Cos(a),
			c[1] + radiusM/metresPerDegLat*math.Sin(a),
		})
	}
	ring = append(ring, ring[0])
	return &zonegis.Zone{ID: 9, Code: "ROUND", Boundary: orb.MultiPolygon{{ring}}}
}

// TestSimplifyByZoom: the tolerance is a fraction of a pixel, so a round
// zone keeps few vertices when small on screen and more as it grows, and
// never more than it has.
func TestSimplifyByZoom(t *testing.T) {
	c := orb.Point{106.7, 10.8}
	ix := index.New()
	ix.Load(1, []*zonegis.Zone{circleZone(c, 1000)}, nil, nil)
	prev := 0
	for _, z := range []uint32{6, 9, 12, 14} {
		ls := render(t, ix, LayerZones, At(c, z))
		n := len(ls[LayerZones].Features[0].Geometry.(orb.Polygon)[0])
		t.Logf("z%d: %d vertices", z, n)
		if n <= prev || n > 4001 {
			t.Errorf("z%d: %d vertices after z with %d", z, n, prev)
		}
		prev = n
	}
	if prev > 1000 {
		t.Errorf("z14: %d vertices; simplification kept too many", prev)
	}
	// Deep zoom: the tile lies inside the zone, which is clipped to the
	// buffered tile: a square of side Extent+2·buffer.
	ls := render(t, ix, LayerZones, At(c, 20))
	r := ls[LayerZones].Features[0].Geometry.(orb.Polygon)[0]
	b := r.Bound()
	if len(r) != 5 || b.Min != (orb.Point{-DefaultBufferUnits, -DefaultBufferUnits}) || b.Max != (orb.Point{DefaultExtent + DefaultBufferUnits, DefaultExtent + DefaultBufferUnits}) {
		t.Errorf("z20 inside the zone: ring %v", r)
	}
}

// awkward are boundaries that must not break rendering: they draw nothing
// (or, for the hole, a polygon with its hole).
var awkward = []struct {
	name  string
	mp    orb.MultiPolygon
	drawn bool
}{
	{"nil", nil, false},
	{"empty", orb.MultiPolygon{}, false},
	{"polygon without rings", orb.MultiPolygon{{}}, false},
	{"empty ring", orb.MultiPolygon{{{}}}, false},
	{"NaN vertex", orb.MultiPolygon{{{{106.7, 10.8}, {math.NaN(), 10.8}, {106.7, 10.81}, {106.7, 10.8}}}}, false},
	{"single point", orb.MultiPolygon{{{{106.7, 10.8}, {106.7, 10.8}, {106.7, 10.8}, {106.7, 10.8}}}}, false},
	{"segment", orb.MultiPolygon{{{{106.7, 10.8}, {106.701, 10.8}, {106.7, 10.8}}}}, false},
	{"empty first polygon", orb.MultiPolygon{{}, {rect(106.7, 10.8, 106.701, 10.801)}}, true},
	{"clockwise", orb.MultiPolygon{{orb.Ring{{106.7, 10.8}, {106.7, 10.801}, {106.701, 10.801}, {106.701, 10.8}, {106.7, 10.8}}}}, true},
	{"with hole", orb.MultiPolygon{{rect(106.7, 10.8, 106.702, 10.802), rect(106.7005, 10.8005, 106.7015, 10.8015)}}, true},
	{"hole too small to draw", orb.MultiPolygon{{rect(106.7, 10.8, 106.702, 10.802), rect(106.7005, 10.8005, 106.7005001, 10.8005001)}}, true},
}

func TestRenderAwkwardGeometry(t *testing.T) {
	for i, tc := range awkward {
		t.Run(tc.name, func(t *testing.T) {
			ix := index.New()
			p := &zonegis.Parcel{ID: int64(i + 1), Status: zonegis.ParcelAvailable, Boundary: tc.mp}
			ix.Load(1, nil, []*zonegis.Parcel{p}, nil)
			ls := render(t, ix, LayerParcels, At(orb.Point{106.7008, 10.8008}, 16))
			if got := len(ids(ls[LayerParcels])); got != map[bool]int{true: 1}[tc.drawn] {
				t.Fatalf("%d features drawn; want drawn=%v", got, tc.drawn)
			}
			if tc.drawn {
				f := ls[LayerParcels].Features[0]
				checkWinding(t, f)
				if tc.name == "with hole" && len(f.Geometry.(orb.Polygon)) != 2 {
					t.Errorf("hole lost: %v", f.Geometry)
				}
				if tc.name == "hole too small to draw" && len(f.Geometry.(orb.Polygon)) != 1 {
					t.Errorf("collapsed hole kept: %v", f.Geometry)
				}
			}
		})
	}
}

// TestRenderKeepsInput: rendering must not modify the index's geometry.
func TestRenderKeepsInput(t *testing.T) {
	ix := index.New()
	z := circleZone(orb.Point{106.7, 10.8}, 1000)
	before := orb.Clone(z.Boundary).(orb.MultiPolygon)
	ix.Load(1, []*zonegis.Zone{z}, nil, nil)
	for _, zoom := range []uint32{5, 12, 18} {
		render(t, ix, LayerZones, At(orb.Point{106.7, 10.8}, zoom))
	}
	if !orb.Equal(before, z.Boundary) {
		t.Error("rendering changed the zone's boundary")
	}
}

// TestRenderAllocatesNothing: once an encoder has grown to the size of
// the tiles it draws, encoding a tile allocates nothing (a render then
// allocates only the body it returns).
func TestRenderAllocatesNothing(t *testing.T) {
	ix, span := randomIndex(11, 2000)
	snap := ix.Snapshot()
	r := newRenderer(DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	e := newTileEncoder()
	tiles := tilesOver(rand.New(rand.NewPCG(1, 1)), 15, span, 20)
	tiles = append(tiles, tilesOver(rand.New(rand.NewPCG(1, 1)), 12, span, 4)...)
	for _, tl := range tiles {
		r.encode(e, snap, LayerAll, tl)
	}
	i := 0
	if n := testing.AllocsPerRun(100, func() {
		r.encode(e, snap, LayerAll, tiles[i%len(tiles)])
		i++
	}); n != 0 {
		t.Errorf("%v allocations per tile", n)
	}
}
