package httpapi

import (
	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/measure"
)

// crossing is measure.SelfCrossing without a budget (the tests' entry).
func crossing(mp orb.MultiPolygon) (int, orb.Point, bool) {
	i, p, ok, _ := measure.SelfCrossing(mp, nil)
	return i, p, ok
}
