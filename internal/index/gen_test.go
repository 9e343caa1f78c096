package index

import (
	"math"
	"math/rand/v2"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// hcmc is the lon/lat box the generators place features in: Ho Chi Minh City
// and its industrial belt.
var hcmc = orb.Bound{Min: orb.Point{106.55, 10.70}, Max: orb.Point{106.85, 10.95}}

const metresPerDegLat = 111_320.0

// gen makes random features from a seeded source, so failures replay.
type gen struct {
	r *rand.Rand
}

func newGen(seed uint64) *gen { return &gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} }

func (g *gen) point(b orb.Bound) orb.Point {
	return orb.Point{
		b.Min[0] + g.r.Float64()*(b.Max[0]-b.Min[0]),
		b.Min[1] + g.r.Float64()*(b.Max[1]-b.Min[1]),
	}
}

// shape returns a rectangle or a 13-vertex star of about sizeM metres
// across, centred on c; closed ring, counter-clockwise.
func (g *gen) shape(c orb.Point, sizeM float64) orb.MultiPolygon {
	degLat := sizeM / metresPerDegLat
	degLon := degLat / math.Cos(c[1]*math.Pi/180)
	if g.r.IntN(2) == 0 {
		w := degLon * (0.3 + 0.7*g.r.Float64()) / 2
		h := degLat * (0.3 + 0.7*g.r.Float64()) / 2
		return orb.MultiPolygon{{{
			{c[0] - w, c[1] - h}, {c[0] + w, c[1] - h}, {c[0] + w, c[1] + h}, {c[0] - w, c[1] + h}, {c[0] - w, c[1] - h},
		}}}
	}
	const n = 13
	ring := make(orb.Ring, 0, n+1)
	a0 := g.r.Float64() * 2 * math.Pi
	for i := range n {
		a := a0 + (float64(i)+0.4*g.r.Float64())*2*math.Pi/n
		rad := 0.5
		if i%2 == 1 {
			rad *= 0.35 + 0.55*g.r.Float64()
		}
		ring = append(ring, orb.Point{c[0] + rad*degLon*math.Cos(a), c[1] + rad*degLat*math.Sin(a)})
	}
	ring = append(ring, ring[0])
	return orb.MultiPolygon{{ring}}
}

func (g *gen) zone(id int64) *zonegis.Zone {
	return &zonegis.Zone{ID: id, Code: "Z", Boundary: g.shape(g.point(hcmc), 800+g.r.Float64()*1700), Version: 1}
}

// parcel makes a parcel of a zone among 1..zones (it need not exist).
func (g *gen) parcel(id int64, zones int) *zonegis.Parcel {
	return &zonegis.Parcel{
		ID:       id,
		ZoneID:   1 + g.r.Int64N(int64(zones)),
		Status:   zonegis.ParcelStatuses[g.r.IntN(len(zonegis.ParcelStatuses))],
		Boundary: g.shape(g.point(hcmc), 40+g.r.Float64()*210),
		Version:  1,
	}
}

func (g *gen) green(id int64, zones int) *zonegis.GreenArea {
	return &zonegis.GreenArea{
		ID:       id,
		ZoneID:   1 + g.r.Int64N(int64(zones)),
		Kind:     zonegis.GreenKinds[g.r.IntN(len(zonegis.GreenKinds))],
		Boundary: g.shape(g.point(hcmc), 30+g.r.Float64()*120),
		Version:  1,
	}
}

// moved returns a copy of the parcel with new geometry, zone and version.
func (g *gen) movedParcel(p *zonegis.Parcel, zones int) *zonegis.Parcel {
	q := g.parcel(p.ID, zones)
	q.Version = p.Version + 1
	if g.r.IntN(4) == 0 { // sometimes only a small shift, overlapping the old place
		q.Boundary = shift(p.Boundary, (g.r.Float64()-0.5)*1e-4, (g.r.Float64()-0.5)*1e-4)
	}
	return q
}

func shift(mp orb.MultiPolygon, dx, dy float64) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, poly := range mp {
		out[i] = make(orb.Polygon, len(poly))
		for j, ring := range poly {
			out[i][j] = make(orb.Ring, len(ring))
			for k, p := range ring {
				out[i][j][k] = orb.Point{p[0] + dx, p[1] + dy}
			}
		}
	}
	return out
}
