package index

import (
	"sync"
	"time"

	"github.com/paulmach/orb"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Extent is what a collection of a snapshot spans: in space, the bound
// (lon/lat) of its located features; in time, the interval of the dates
// its records carry, a zero Start or End being an open end.
type Extent struct {
	Bound      orb.Bound
	Located    bool // false: no located feature, Bound is meaningless
	Start, End time.Time
}

// extents are a snapshot's Extents, computed once.
type extents struct {
	once                   sync.Once
	zones, parcels, greens Extent
}

// Extents returns the extents of the zones, parcels and green areas,
// current with the snapshot: the bounds are the R-trees' roots (O(1)); the
// times are computed on the first call for a snapshot (one pass over the
// zones and green areas, and over the parcels until one without a start
// is met), then kept, so a request costs a pointer load and each index
// sync at most one pass. In time:
//   - zones: from the earliest established day (open if a zone has none)
//     to the latest update (UpdatedAt);
//   - parcels: their valid time (ValidFrom, RetiredAt), live and retired:
//     open at the start when a parcel has always been, open at the end
//     while a parcel is live, else the latest retirement;
//   - green areas: from the earliest update to the latest.
func (s *Snapshot) Extents() (zones, parcels, greens Extent) {
	e := &s.ext
	e.once.Do(func() {
		e.zones.Bound, e.zones.Located = bounds(s.zones.tree.Len(), s.zones.tree.Bounds)
		e.parcels.Bound, e.parcels.Located = bounds(s.parcels.tree.Len(), s.parcels.tree.Bounds)
		e.greens.Bound, e.greens.Located = bounds(s.greens.tree.Len(), s.greens.tree.Bounds)
		e.zones.Start, e.zones.End = zoneTimes(s)
		e.parcels.Start, e.parcels.End = parcelTimes(s)
		e.greens.Start, e.greens.End = greenTimes(s)
	})
	return e.zones, e.parcels, e.greens
}

func bounds(n int, root func() (min, max [2]float64)) (orb.Bound, bool) {
	if n == 0 {
		return orb.Bound{}, false
	}
	lo, hi := root()
	return orb.Bound{Min: lo, Max: hi}, true
}

func zoneTimes(s *Snapshot) (start, end time.Time) {
	open := false
	s.zones.ascend(0, func(z *zonegis.Zone) bool {
		if z.Established == nil {
			open = true
		} else if start.IsZero() || z.Established.Before(start) {
			start = *z.Established
		}
		if z.UpdatedAt.After(end) {
			end = z.UpdatedAt
		}
		return true
	})
	if open {
		start = time.Time{}
	}
	return start, end
}

func parcelTimes(s *Snapshot) (start, end time.Time) {
	open := false
	visit := func(p *zonegis.Parcel) bool {
		if p.ValidFrom == nil {
			open = true
			return false // the start is open: nothing more to learn
		}
		if start.IsZero() || p.ValidFrom.Before(start) {
			start = *p.ValidFrom
		}
		return true
	}
	s.parcels.ascend(0, visit)
	if !open {
		s.retired.ascend(0, visit)
	}
	if open {
		start = time.Time{}
	}
	if s.parcels.len() == 0 { // no live parcel: the end is the last retirement
		s.retired.ascend(0, func(p *zonegis.Parcel) bool {
			if p.RetiredAt != nil && p.RetiredAt.After(end) {
				end = *p.RetiredAt
			}
			return true
		})
	}
	return start, end
}

func greenTimes(s *Snapshot) (start, end time.Time) {
	s.greens.ascend(0, func(g *zonegis.GreenArea) bool {
		if start.IsZero() || g.UpdatedAt.Before(start) {
			start = g.UpdatedAt
		}
		if g.UpdatedAt.After(end) {
			end = g.UpdatedAt
		}
		return true
	})
	return start, end
}
