package httpapitest

import (
	"context"
	"maps"
	"slices"
	"strconv"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// The statistics' figures, computed from the records as PostGIS would,
// but for the unions: a group's area and a zone's green area are sums
// here (nested zones and overlapping green areas count twice, and green
// areas are not clipped to their zone), and there are no plan targets.

// StatsSnapshot implements stats.Store; the parcels' statuses and the
// leases in force are as of asOf.
func (s *Store) StatsSnapshot(_ context.Context, asOf time.Time) (*zonegis.StatsSnapshot, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	snap := &zonegis.StatsSnapshot{BoardNames: map[string]string{}, ByBoard: map[string]zonegis.GroupFigures{},
		ByProvince: map[string]zonegis.GroupFigures{}, ByKind: map[string]zonegis.GroupFigures{}}
	for _, b := range s.st.boards {
		snap.BoardNames[b.ID] = b.NameEN
	}
	lessees := map[string]map[string]float64{} // by by+key: a group's lessees, each's capital
	group := func(m map[string]zonegis.GroupFigures, by, key string, f zonegis.ZoneFigures, names map[string]float64) {
		g := m[key]
		g.AreaM2 += f.AreaM2
		g.GreenM2 += f.GreenM2
		set := lessees[by+"\x00"+key]
		if set == nil {
			set = map[string]float64{}
			lessees[by+"\x00"+key] = set
		}
		for n, usd := range names {
			set[n] += usd
			g.CapitalMaxUSD = max(g.CapitalMaxUSD, set[n])
		}
		g.Lessees = int64(len(set))
		m[key] = g
	}
	for _, id := range slices.Sorted(maps.Keys(s.st.zones)) {
		z := s.st.zones[id]
		f := zonegis.ZoneFigures{ZoneID: z.ID, Code: z.Code, NameVI: z.NameVI, NameEN: z.NameEN, Kind: z.Kind, BoardID: z.BoardID,
			Province: z.Province, Status: z.Status, AreaM2: z.AreaM2, PublishedEnterprises: z.Enterprises, PublishedWorkers: z.Workers}
		names := map[string]float64{} // the lessees in force, each's capital
		for _, p := range s.st.parcels {
			if p.ZoneID != id {
				continue
			}
			f.Parcels++
			f.LeasableM2 += p.AreaM2
			switch s.statusOn(p.ID, asOf) {
			case zonegis.ParcelLeased:
				f.LeasedM2 += p.AreaM2
			case zonegis.ParcelReserved:
				f.ReservedM2 += p.AreaM2
			default:
				f.AvailableM2 += p.AreaM2
			}
			for _, l := range s.st.leasesOf(p.ID) {
				if inForce(l, asOf) {
					f.LeasesInForce++
					f.LeaseWorkers += int64(l.Workers)
					f.CapitalUSD += l.CapitalUSD
					names[l.Lessee] += l.CapitalUSD
					f.CapitalMaxUSD = max(f.CapitalMaxUSD, names[l.Lessee])
				}
			}
		}
		for _, g := range s.st.greens {
			if g.ZoneID == id {
				f.GreenM2 += g.AreaM2
			}
		}
		f.Lessees = int64(len(names))
		snap.Zones = append(snap.Zones, f)
		group(snap.ByBoard, "board", z.BoardID, f, names)
		group(snap.ByProvince, "province", z.Province, f, names)
		group(snap.ByKind, "kind", z.Kind, f, names)
	}
	return snap, nil
}

// ZoneByRef implements stats.Store.
func (s *Store) ZoneByRef(_ context.Context, ref string) (int64, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for id, z := range s.st.zones {
		if strconv.FormatInt(id, 10) == ref || z.Code == ref {
			return id, true, nil
		}
	}
	return 0, false, nil
}

// Provinces implements stats.Store.
func (s *Store) Provinces(context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, z := range s.st.zones {
		if !slices.Contains(out, z.Province) {
			out = append(out, z.Province)
		}
	}
	slices.Sort(out)
	return out, nil
}

// Leasing implements stats.Store: the leases by year (and quarter) of
// their start, over the zones of board and province (as the stats
// service resolved it: spelled as the zones spell it).
func (s *Store) Leasing(_ context.Context, board, province string, quarterly bool) ([]zonegis.LeasingFigures, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	type key struct{ y, q int }
	figs, names := map[key]*zonegis.LeasingFigures{}, map[key]map[string]float64{}
	for _, l := range s.st.leases {
		p := s.st.parcels[l.ParcelID]
		if p == nil {
			continue
		}
		z := s.st.zones[p.ZoneID]
		if z == nil || board != "" && z.BoardID != board || province != "" && z.Province != province {
			continue
		}
		k := key{l.Start.Year(), 0}
		if quarterly {
			k.q = (int(l.Start.Month())-1)/3 + 1
		}
		f := figs[k]
		if f == nil {
			f, names[k] = &zonegis.LeasingFigures{Year: k.y, Quarter: k.q}, map[string]float64{}
			figs[k] = f
		}
		f.Leases++
		f.AreaM2 += p.AreaM2
		f.CapitalUSD += l.CapitalUSD
		names[k][l.Lessee] += l.CapitalUSD
		f.CapitalMaxUSD = max(f.CapitalMaxUSD, names[k][l.Lessee])
		f.Lessees = int64(len(names[k]))
	}
	out := make([]zonegis.LeasingFigures, 0, len(figs))
	for _, f := range figs {
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b zonegis.LeasingFigures) int {
		if a.Year != b.Year {
			return a.Year - b.Year
		}
		return a.Quarter - b.Quarter
	})
	return out, nil
}

// PlanTargets implements stats.Store: the fake has no plan targets.
func (s *Store) PlanTargets(context.Context, string, string) ([]zonegis.PlanTarget, error) {
	return nil, nil
}

// InvestmentFigures implements stats.Store: the fake keeps no investment
// projects, so every series is empty (its figures are zeros).
func (s *Store) InvestmentFigures(context.Context, zonegis.InvestmentSeriesFilter) (*zonegis.InvestmentFigures, error) {
	return &zonegis.InvestmentFigures{Names: map[string]string{}}, nil
}

// InvestmentVersion implements stats.Store: the fake's change-log
// position, which every write moves.
func (s *Store) InvestmentVersion(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.seq, nil
}

// PublishedFigures: the fake has none (they are migrations/0016's rows,
// served over PostGIS in the harness's tests).
func (s *Store) PublishedFigures(context.Context) ([]zonegis.PublishedFigure, error) {
	return nil, nil
}
