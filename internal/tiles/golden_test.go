package tiles

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"
)

// renderedBytes is the SHA-256 of the tiles TestRenderBytesUnchanged
// renders, as the renderer wrote them before its inner loop was reworked
// for speed (issue 17, point 5). The tiles are the wire format clients
// and caches see, and the ETags are hashes of them: a change of the
// renderer must keep every byte, or say why and change this digest with
// an oracle's word (GDAL's MVT driver) that the features are the same.
//
// Changed once since: when the index came to hold coordinates in 1e-9°
// fixed point (package fixedgeom), 353 of the 2,311 tiles changed bytes
// (none its length). Each of the 353 was read with GDAL's MVT driver
// (ogrinfo) beside the tile the renderer before that change wrote from the
// same coordinates rounded to 1e-9°: the same features, attributes and
// geometries, in another order (the R-tree's bulk load orders by the
// Hilbert keys of the rounded bounds' centres, and the features of a tile
// come in its search order).
const renderedBytes = "abd6d4b862db6035455e837aa64bf3c8b3b83f29566c81bebce6fff7d288e5fd"

// TestRenderBytesUnchanged renders tiles of every layer over seeded data
// (randomIndex's awkward shapes at every zoom to 19, the bench lots at
// z14 to z17, the dense grid, with and without simplification, the
// context layers) and compares the hash of their bytes with
// renderedBytes.
func TestRenderBytesUnchanged(t *testing.T) {
	h := sha256.New()
	var n, nbytes int
	add := func(body []byte) {
		var l [8]byte
		binary.LittleEndian.PutUint64(l[:], uint64(len(body)))
		h.Write(l[:])
		h.Write(body)
		n++
		nbytes += len(body)
	}
	ix, span := randomIndex(7, 4000)
	snap := ix.Snapshot()
	pick := rand.New(rand.NewPCG(11, 11))
	for _, tol := range []float64{DefaultToleranceUnits, 0, 3} {
		r := newRenderer(DefaultExtent, DefaultBufferUnits, tol)
		for z := uint32(0); z <= 19; z++ {
			for _, tl := range tilesOver(pick, z, span, 8) {
				for _, layer := range []string{LayerZones, LayerGreenAreas, LayerParcels, LayerAll} {
					add(r.render(snap, layer, tl))
				}
			}
		}
	}
	r := newRenderer(DefaultExtent, DefaultBufferUnits, DefaultToleranceUnits)
	lots, _ := lotsIndex(4, 50)
	lsnap := lots.Snapshot()
	for z := uint32(14); z <= 17; z++ {
		a := At(orb.Point{105.5, 10.0 + 0.06}, z)
		b := At(orb.Point{105.5 + 4*0.06, 10.0}, z)
		for x := a.X; x <= b.X; x += 1 + (b.X-a.X)/12 {
			for y := a.Y; y <= b.Y; y++ {
				add(r.render(lsnap, LayerAll, Tile{Z: z, X: x, Y: y}))
			}
		}
	}
	dsnap := denseIndex(1).Snapshot()
	add(r.render(dsnap, LayerParcels, denseTile()))
	add(r.render(dsnap, LayerAll, denseTile()))
	for _, layer := range []string{LayerProvinces, LayerWards} {
		for _, p := range []orb.Point{{106.7, 10.8}, {105.8, 21.0}} {
			for _, z := range []uint32{4, 8, 11, 14} {
				add(r.render(dsnap, layer, At(p, z)))
			}
		}
	}
	got := hex.EncodeToString(h.Sum(nil))
	t.Logf("%d tiles, %d bytes: %s", n, nbytes, got)
	if got != renderedBytes {
		t.Errorf("the tiles' bytes changed: SHA-256 %s, was %s", got, renderedBytes)
	}
}
