package measure

import (
	"math"

	"github.com/paulmach/orb"
)

// vincentyM returns the WGS84 geodesic distance in metres between p and q
// (Vincenty's inverse formula, ~0.5 mm), the reference the tests measure
// DistanceM against. It does not converge for nearly antipodal points,
// which the tests never use.
func vincentyM(p, q orb.Point) float64 {
	const (
		a = wgs84A
		f = wgs84F
		b = a * (1 - f)
	)
	L := (q[0] - p[0]) * radPerD
	U1 := math.Atan((1 - f) * math.Tan(p[1]*radPerD))
	U2 := math.Atan((1 - f) * math.Tan(q[1]*radPerD))
	sU1, cU1 := math.Sincos(U1)
	sU2, cU2 := math.Sincos(U2)
	lambda := L
	var sSig, cSig, sig, cos2A, cos2Sm float64
	for range 200 {
		sL, cL := math.Sincos(lambda)
		sSig = math.Hypot(cU2*sL, cU1*sU2-sU1*cU2*cL)
		if sSig == 0 {
			return 0
		}
		cSig = sU1*sU2 + cU1*cU2*cL
		sig = math.Atan2(sSig, cSig)
		sA := cU1 * cU2 * sL / sSig
		cos2A = 1 - sA*sA
		cos2Sm = 0.0
		if cos2A != 0 {
			cos2Sm = cSig - 2*sU1*sU2/cos2A
		}
		C := f / 16 * cos2A * (4 + f*(4-3*cos2A))
		prev := lambda
		lambda = L + (1-C)*f*sA*(sig+C*sSig*(cos2Sm+C*cSig*(-1+2*cos2Sm*cos2Sm)))
		if math.Abs(lambda-prev) < 1e-13 {
			break
		}
	}
	u2 := cos2A * (a*a - b*b) / (b * b)
	A := 1 + u2/16384*(4096+u2*(-768+u2*(320-175*u2)))
	B := u2 / 1024 * (256 + u2*(-128+u2*(74-47*u2)))
	dSig := B * sSig * (cos2Sm + B/4*(cSig*(-1+2*cos2Sm*cos2Sm)-B/6*cos2Sm*(-3+4*sSig*sSig)*(-3+4*cos2Sm*cos2Sm)))
	return b * A * (sig - dSig)
}

// bruteDistanceM returns the geodesic distance from p to the boundary of mp
// by sampling every edge (as a straight lon/lat line) every step metres or
// so and refining around the best sample; the reference for DistanceM.
func bruteDistanceM(p orb.Point, mp orb.MultiPolygon) float64 {
	best := math.Inf(1)
	for _, poly := range mp {
		for _, r := range poly {
			for i := range r {
				a, b := r[i], r[(i+1)%len(r)]
				best = math.Min(best, edgeDistanceM(p, a, b))
			}
		}
	}
	return best
}

// edgeDistanceM minimises the geodesic distance from p over the lon/lat
// segment ab by golden-section search after a coarse scan.
func edgeDistanceM(p, a, b orb.Point) float64 {
	at := func(t float64) float64 {
		return vincentyM(p, orb.Point{a[0] + t*(b[0]-a[0]), a[1] + t*(b[1]-a[1])})
	}
	const n = 64
	bestT, best := 0.0, at(0)
	for i := 1; i <= n; i++ {
		t := float64(i) / n
		if d := at(t); d < best {
			bestT, best = t, d
		}
	}
	lo, hi := math.Max(0, bestT-1.0/n), math.Min(1, bestT+1.0/n)
	const g = 0.6180339887498949
	for range 60 {
		m1, m2 := hi-g*(hi-lo), lo+g*(hi-lo)
		if at(m1) < at(m2) {
			hi = m2
		} else {
			lo = m1
		}
	}
	return math.Min(best, at((lo+hi)/2))
}
