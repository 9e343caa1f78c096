package tiles

// The renderer this package had before its own encoder: orb's clip,
// simplify and encoding/mvt over GeoJSON features. It is kept here, in a
// test file, as the reference the new renderer is compared with (same
// features, properties and geometry) and as the baseline its benchmarks
// beat.

import (
	"bytes"
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// refRenderer draws tiles from a snapshot. Its zero value is not usable; see
// newRefRenderer.
type refRenderer struct {
	extent    uint32
	buffer    float64 // tile units
	simplify  *simplify.DouglasPeuckerSimplifier
	box       orb.Bound // buffered tile, tile units
	bufferFrc float64   // buffer as a fraction of the tile side
}

func newRefRenderer(extent uint32, bufferUnits, toleranceUnits float64) *refRenderer {
	r := &refRenderer{extent: extent, buffer: bufferUnits, bufferFrc: bufferUnits / float64(extent)}
	if toleranceUnits > 0 {
		r.simplify = simplify.DouglasPeucker(toleranceUnits)
	}
	e := float64(extent)
	r.box = orb.Bound{Min: orb.Point{-bufferUnits, -bufferUnits}, Max: orb.Point{e + bufferUnits, e + bufferUnits}}
	return r
}

// render encodes the tile t of layer from snap as an uncompressed MVT.
// A tile with no feature is a valid MVT of no bytes.
func (r *refRenderer) render(snap *index.Snapshot, layer string, t Tile) ([]byte, error) {
	var ls mvt.Layers
	add := func(name string, fs []*geojson.Feature) {
		if len(fs) > 0 {
			ls = append(ls, &mvt.Layer{Name: name, Version: 2, Extent: r.extent, Features: fs})
		}
	}
	if layer == LayerZones || layer == LayerAll {
		add(LayerZones, r.zones(snap, t))
	}
	if t.Z >= DetailMinZoom {
		if layer == LayerGreenAreas || layer == LayerAll {
			add(LayerGreenAreas, r.greens(snap, t))
		}
		if layer == LayerParcels || layer == LayerAll {
			add(LayerParcels, r.parcels(snap, t))
		}
	}
	if len(ls) == 0 {
		return []byte{}, nil
	}
	return mvt.Marshal(ls)
}

func (r *refRenderer) zones(snap *index.Snapshot, t Tile) []*geojson.Feature {
	pr := newRefProjector(t, r.extent)
	var fs []*geojson.Feature
	snap.ZoneEntries().InBound(t.Bound(r.bufferFrc), func(ze *index.Entry[zonegis.Zone]) bool {
		z := ze.Record()
		if g := r.shape(pr, ze.Boundary(nil)); g != nil {
			f := geojson.NewFeature(g)
			f.ID = uint64(z.ID)
			f.Properties = geojson.Properties{
				"id": z.ID, "code": z.Code, "name_vi": z.NameVI, "name_en": z.NameEN,
				"kind": z.Kind, "status": z.Status, "area_ha": roundHa(z.AreaM2),
			}
			fs = append(fs, f)
		}
		return true
	})
	return fs
}

func (r *refRenderer) parcels(snap *index.Snapshot, t Tile) []*geojson.Feature {
	pr := newRefProjector(t, r.extent)
	var fs []*geojson.Feature
	snap.ParcelEntries().InBound(t.Bound(r.bufferFrc), func(pe *index.Entry[zonegis.Parcel]) bool {
		p := pe.Record()
		if g := r.shape(pr, pe.Boundary(nil)); g != nil {
			f := geojson.NewFeature(g)
			f.ID = uint64(p.ID)
			f.Properties = geojson.Properties{
				"id": p.ID, "lot_code": p.LotCode, "status": p.Status, "land_use": p.LandUse,
				"area_ha": roundHa(p.AreaM2), "zone_id": p.ZoneID,
			}
			fs = append(fs, f)
		}
		return true
	})
	return fs
}

func (r *refRenderer) greens(snap *index.Snapshot, t Tile) []*geojson.Feature {
	pr := newRefProjector(t, r.extent)
	var fs []*geojson.Feature
	snap.GreenAreaEntries().InBound(t.Bound(r.bufferFrc), func(ge *index.Entry[zonegis.GreenArea]) bool {
		g := ge.Record()
		if geom := r.shape(pr, ge.Boundary(nil)); geom != nil {
			f := geojson.NewFeature(geom)
			f.ID = uint64(g.ID)
			f.Properties = geojson.Properties{
				"id": g.ID, "kind": g.Kind, "name": g.Name, "zone_id": g.ZoneID, "area_ha": roundHa(g.AreaM2),
			}
			fs = append(fs, f)
		}
		return true
	})
	return fs
}

// shape projects mp to tile units, clips it to the buffered tile,
// simplifies it, snaps it to whole units and orients its rings as MVT
// wants them (exterior rings with positive area in the y-down tile
// coordinates, holes negative). Rings that collapse are dropped, and a
// polygon whose exterior collapses is dropped with its holes. It returns
// nil when nothing is left. mp is not modified.
func (r *refRenderer) shape(pr refProjector, mp orb.MultiPolygon) orb.Geometry {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var op orb.Polygon
		for i, ring := range poly {
			tr := r.refRing(pr, ring, i == 0)
			if tr == nil {
				if i == 0 {
					break
				}
				continue
			}
			op = append(op, tr)
		}
		if len(op) > 0 {
			out = append(out, op)
		}
	}
	switch len(out) {
	case 0:
		return nil
	case 1:
		return out[0]
	}
	return out
}

// refRing projects, clips, simplifies, snaps and orients one ring; nil when
// it collapses.
func (r *refRenderer) refRing(pr refProjector, ring orb.Ring, exterior bool) orb.Ring {
	if len(ring) < 4 {
		return nil
	}
	tr := make(orb.Ring, len(ring))
	b := orb.Bound{Min: orb.Point{math.Inf(1), math.Inf(1)}, Max: orb.Point{math.Inf(-1), math.Inf(-1)}}
	for k, p := range ring {
		q := pr.point(p)
		tr[k] = q
		b.Min[0], b.Min[1] = min(b.Min[0], q[0]), min(b.Min[1], q[1])
		b.Max[0], b.Max[1] = max(b.Max[0], q[0]), max(b.Max[1], q[1])
	}
	if !b.Intersects(r.box) {
		return nil
	}
	if b.Min[0] < r.box.Min[0] || b.Min[1] < r.box.Min[1] || b.Max[0] > r.box.Max[0] || b.Max[1] > r.box.Max[1] {
		tr = clip.Ring(r.box, tr)
	}
	if len(tr) < 4 {
		return nil
	}
	if r.simplify != nil && len(tr) > 4 {
		tr = r.simplify.Ring(tr)
	}
	// Snap to whole units, dropping repeated points.
	n := 0
	for _, p := range tr {
		q := orb.Point{math.Round(p[0]), math.Round(p[1])}
		if n > 0 && tr[n-1] == q {
			continue
		}
		tr[n] = q
		n++
	}
	tr = tr[:n]
	if n < 4 || tr[0] != tr[n-1] {
		if n < 3 {
			return nil
		}
		if tr[0] != tr[n-1] {
			tr = append(tr, tr[0])
		}
		if len(tr) < 4 {
			return nil
		}
	}
	a := refTwiceArea(tr)
	if a == 0 {
		return nil
	}
	if (a > 0) != exterior {
		for i, j := 0, len(tr)-1; i < j; i, j = i+1, j-1 {
			tr[i], tr[j] = tr[j], tr[i]
		}
	}
	return tr
}

// refTwiceArea is the shoelace sum of a closed ring: positive when the ring
// turns clockwise on a y-down screen.
func refTwiceArea(r orb.Ring) float64 {
	var s float64
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s
}

// refProjector is the exact projection the reference used: worldX and
// worldY for every point.
type refProjector struct {
	scale, x0, y0 float64
}

func newRefProjector(t Tile, extent uint32) refProjector {
	scale := float64(uint64(1)<<t.Z) * float64(extent)
	return refProjector{scale: scale, x0: float64(t.X) * float64(extent), y0: float64(t.Y) * float64(extent)}
}

func (p refProjector) point(ll orb.Point) orb.Point {
	return orb.Point{worldX(ll[0])*p.scale - p.x0, worldY(ll[1])*p.scale - p.y0}
}

// randomIndex is a seeded index to compare the renderers on: parcels of
// every size, from centimetres (they collapse at any zoom served) to a few
// hundred metres (they cross tile edges), with 4 to 40 vertices, in
// either orientation, some with holes and some in several parts; green
// areas alike; zones of thousands of vertices, one with a hole and one in
// two parts. All of it lies in a square of span degrees from tanThuan.
func randomIndex(seed uint64, parcels int) (ix *index.Index, span float64) {
	r := rand.New(rand.NewPCG(seed, seed^0x5851f42d4c957f2d))
	span = 0.04
	at := func() orb.Point {
		return orb.Point{tanThuan[0] + r.Float64()*span, tanThuan[1] + r.Float64()*span}
	}
	// star is a closed ring around c of n vertices at radii between 0.6
	// and 1 times radiusM metres, anticlockwise (y up) unless cw.
	star := func(c orb.Point, radiusM float64, n int, cw bool) orb.Ring {
		angles := make([]float64, n)
		for i := range angles {
			angles[i] = r.Float64() * 2 * math.Pi
		}
		slices.Sort(angles)
		dLat := radiusM / metresPerDegLat
		dLon := dLat / math.Cos(c[1]*math.Pi/180)
		ring := make(orb.Ring, 0, n+1)
		for _, a := range angles {
			k := 0.6 + 0.4*r.Float64()
			ring = append(ring, orb.Point{c[0] + k*dLon*math.Cos(a), c[1] + k*dLat*math.Sin(a)})
		}
		ring = append(ring, ring[0])
		if cw {
			slices.Reverse(ring)
		}
		return ring
	}
	// shape is a boundary of radius about radiusM: sometimes with a hole,
	// sometimes in two or three parts.
	shape := func(radiusM float64, n int) orb.MultiPolygon {
		c := at()
		mp := orb.MultiPolygon{{star(c, radiusM, n, r.IntN(2) == 0)}}
		if r.IntN(6) == 0 {
			mp[0] = append(mp[0], star(c, radiusM*0.3, max(4, n/2), r.IntN(2) == 0))
		}
		if r.IntN(8) == 0 {
			for range 1 + r.IntN(2) {
				d := orb.Point{c[0] + (r.Float64()-0.5)*6*radiusM/metresPerDegLat, c[1] + (r.Float64()-0.5)*6*radiusM/metresPerDegLat}
				mp = append(mp, orb.Polygon{star(d, radiusM*(0.2+0.5*r.Float64()), n, r.IntN(2) == 0)})
			}
		}
		return mp
	}
	logRadius := func(minM, maxM float64) float64 {
		return math.Exp(math.Log(minM) + r.Float64()*(math.Log(maxM)-math.Log(minM)))
	}

	zones := make([]*zonegis.Zone, 0, 6)
	for i := range 6 {
		z := &zonegis.Zone{
			ID: int64(i + 1), Code: fmt.Sprintf("Z-%d", i+1), NameVI: fmt.Sprintf("Khu %d", i+1), NameEN: fmt.Sprintf("Zone %d", i+1),
			Kind: zonegis.KindIndustrialPark, Status: zonegis.ZoneOperating, AreaM2: float64(r.IntN(5)) * 1e6,
			Boundary: orb.MultiPolygon{{star(at(), 500+2500*r.Float64(), 500+r.IntN(2000), i%2 == 0)}},
		}
		switch i {
		case 1:
			z.Boundary[0] = append(z.Boundary[0], star(z.Boundary[0][0].Bound().Center(), 200, 300, true))
		case 2:
			z.Boundary = append(z.Boundary, orb.Polygon{star(at(), 400, 800, false)})
		}
		zones = append(zones, z)
	}
	ps := make([]*zonegis.Parcel, 0, parcels)
	for i := range parcels {
		id := int64(i + 1)
		ps = append(ps, &zonegis.Parcel{
			ID: id, ZoneID: int64(1 + r.IntN(6)), LotCode: fmt.Sprintf("L-%d", id),
			LandUse: zonegis.LandUses[r.IntN(len(zonegis.LandUses))],
			Status:  zonegis.ParcelStatuses[r.IntN(len(zonegis.ParcelStatuses))],
			AreaM2:  float64(r.IntN(40)) * 250, Boundary: shape(logRadius(0.05, 400), 4+r.IntN(37)),
		})
	}
	greens := make([]*zonegis.GreenArea, 0, parcels/10)
	for i := range parcels / 10 {
		greens = append(greens, &zonegis.GreenArea{
			ID: int64(i + 1), ZoneID: int64(1 + r.IntN(6)), Kind: zonegis.GreenKinds[r.IntN(len(zonegis.GreenKinds))],
			Name: fmt.Sprintf("Green %d", r.IntN(20)), AreaM2: r.Float64() * 1e4, Boundary: shape(logRadius(1, 300), 4+r.IntN(60)),
		})
	}
	ix = index.New()
	ix.Load(1, zones, ps, greens)
	return ix, span
}

// tilesOver lists the tiles of zoom z over the square of span degrees from
// tanThuan (with a tile's margin), at most limit of them, chosen by r.
func tilesOver(r *rand.Rand, z uint32, span float64, limit int) []Tile {
	a := At(orb.Point{tanThuan[0], tanThuan[1] + span}, z)
	b := At(orb.Point{tanThuan[0] + span, tanThuan[1]}, z)
	var out []Tile
	for x := max(a.X, 1) - 1; x <= min(b.X+1, 1<<z-1); x++ {
		for y := max(a.Y, 1) - 1; y <= min(b.Y+1, 1<<z-1); y++ {
			out = append(out, Tile{Z: z, X: x, Y: y})
		}
	}
	r.Shuffle(len(out), func(i, j int) { out[i], out[j] = out[j], out[i] })
	return out[:min(limit, len(out))]
}

// TestRenderMatchesReference renders tiles of every zoom and layer over
// seeded data with both renderers and compares what a client decodes: the
// same layers, the same features with the same ids and properties, and
// the same rings to within a unit in x and y, in the same orientation.
// Each tile is also checked against the MVT specification (checkMVT). The
// data must have put every case on the tiles: features in several parts,
// with holes, clipped at the buffer's edge, and features left out for
// collapsing to nothing.
func TestRenderMatchesReference(t *testing.T) {
	ix, span := randomIndex(7, 4000)
	snap := ix.Snapshot()
	ref := newRefRenderer(DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	r := newRenderer(DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	pick := rand.New(rand.NewPCG(7, 7))
	var tiles, identical, features int
	var multi, holed, clipped, collapsed int
	for z := uint32(0); z <= 19; z++ {
		for _, tl := range tilesOver(pick, z, span, 12) {
			for _, layer := range []string{LayerZones, LayerGreenAreas, LayerParcels, LayerAll} { // the land records (context layers: context_test.go)
				want, err := ref.render(snap, layer, tl)
				if err != nil {
					t.Fatal(err)
				}
				got := r.render(snap, layer, tl)
				tiles++
				if bytes.Equal(got, want) {
					identical++
				}
				if len(got) > 0 {
					checkMVT(t, got)
				}
				features += compareTiles(t, fmt.Sprintf("%s %v", layer, tl), got, want)
				if layer != LayerAll {
					continue
				}
				ls, _ := mvt.Unmarshal(got)
				drawn := 0
				for _, l := range ls {
					for _, f := range l.Features {
						drawn++
						mp, ok := f.Geometry.(orb.MultiPolygon)
						if !ok {
							mp = orb.MultiPolygon{f.Geometry.(orb.Polygon)}
						}
						multi += min(len(mp)-1, 1)
						for _, p := range mp {
							holed += min(len(p)-1, 1)
							for _, ring := range p {
								if b := ring.Bound(); b.Min[0] == -DefaultBufferUnits || b.Max[1] == DefaultExtent+DefaultBufferUnits {
									clipped++
								}
							}
						}
					}
				}
				q := tl.Bound(DefaultBufferUnits / DefaultExtent)
				queried := 0
				snap.ZonesInBound(q, func(*zonegis.Zone) bool { queried++; return true })
				if tl.Z >= DetailMinZoom {
					snap.ParcelsInBound(q, func(*zonegis.Parcel) bool { queried++; return true })
					snap.GreenAreasInBound(q, func(*zonegis.GreenArea) bool { queried++; return true })
				}
				collapsed += queried - drawn
			}
		}
	}
	t.Logf("%d tiles (%d features): %d byte for byte as the reference's", tiles, features, identical)
	t.Logf("in \"all\" tiles: %d features in several parts, %d polygons with holes, %d rings clipped on the west or south edge, %d features found but not drawn",
		multi, holed, clipped, collapsed)
	if features < 10000 || multi == 0 || holed == 0 || clipped == 0 || collapsed == 0 {
		t.Error("the data does not cover every case")
	}
}

// compareTiles compares two tiles as decoded (see
// TestRenderMatchesReference) and returns the number of features.
func compareTiles(t *testing.T, name string, got, want []byte) int {
	t.Helper()
	gl, err := mvt.Unmarshal(got)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	wl, err := mvt.Unmarshal(want)
	if err != nil {
		t.Fatalf("%s: reference: %v", name, err)
	}
	if len(gl) != len(wl) {
		t.Fatalf("%s: %d layers, reference %d", name, len(gl), len(wl))
	}
	n := 0
	for i, w := range wl {
		g := gl[i]
		if g.Name != w.Name || g.Version != w.Version || g.Extent != w.Extent || len(g.Features) != len(w.Features) {
			t.Fatalf("%s: layer %q v%d extent %d with %d features; reference %q v%d %d with %d",
				name, g.Name, g.Version, g.Extent, len(g.Features), w.Name, w.Version, w.Extent, len(w.Features))
		}
		byID := map[any]*geojson.Feature{}
		for _, f := range g.Features {
			byID[f.ID] = f
		}
		for _, wf := range w.Features {
			gf := byID[wf.ID]
			if gf == nil {
				t.Fatalf("%s: layer %s: feature %v missing", name, w.Name, wf.ID)
			}
			if !maps.Equal(gf.Properties, wf.Properties) {
				t.Errorf("%s: feature %v: properties %v; reference %v", name, wf.ID, gf.Properties, wf.Properties)
			}
			if !sameShape(gf.Geometry, wf.Geometry) {
				t.Errorf("%s: feature %v:\n got %v\nwant %v", name, wf.ID, gf.Geometry, wf.Geometry)
			}
			n++
		}
	}
	return n
}

// sameShape: the same polygons with the same rings, each vertex of either
// within a unit (in x and in y) of a vertex of the other, and rings turning
// the same way.
func sameShape(a, b orb.Geometry) bool {
	polys := func(g orb.Geometry) []orb.Polygon {
		switch g := g.(type) {
		case orb.Polygon:
			return []orb.Polygon{g}
		case orb.MultiPolygon:
			return g
		}
		return nil
	}
	near := func(r, s orb.Ring) bool {
		for _, p := range r {
			if !slices.ContainsFunc(s, func(q orb.Point) bool { return math.Abs(p[0]-q[0]) <= 1 && math.Abs(p[1]-q[1]) <= 1 }) {
				return false
			}
		}
		return true
	}
	pa, pb := polys(a), polys(b)
	if len(pa) == 0 || len(pa) != len(pb) {
		return false
	}
	for i := range pa {
		if len(pa[i]) != len(pb[i]) {
			return false
		}
		for j := range pa[i] {
			ra, rb := pa[i][j], pb[i][j]
			if !near(ra, rb) || !near(rb, ra) || (refTwiceArea(ra) > 0) != (refTwiceArea(rb) > 0) {
				return false
			}
		}
	}
	return true
}
