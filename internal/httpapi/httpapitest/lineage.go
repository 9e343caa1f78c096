package httpapitest

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Splits and merges, as far as a fake can: a split cuts along the
// straight line through the line's first and last positions into the
// two sides (so it makes two lots, or says how many pieces it made); a
// merge keeps the parcels' polygons side by side (no dissolve) and takes
// "adjacent" as bounding boxes that touch. The checks that need no
// geometry are the real store's: ids that do not exist, If-Match,
// parcels reserved or leased (ECONFLICT), different zones or land uses.

// link is one edge of the lineage: child was made from parent by op.
type link struct {
	parent, child int64
	op            string
}

// SplitParcel implements registry.LineageStore.
func (s *Store) SplitParcel(_ context.Context, a zonegis.Actor, id, ifVersion int64, line orb.LineString, lots []zonegis.SplitLot) ([]*zonegis.Parcel, int64, error) {
	var children []*zonegis.Parcel
	seq, err := s.write(a, "split", zonegis.CollectionParcels, func(st *state, b *index.Batch) (int64, error) {
		parent, err := s.lineageParent(st, id, ifVersion)
		if err != nil {
			return 0, err
		}
		pieces := cut(parent.Boundary, line[0], line[len(line)-1])
		if len(pieces) != len(lots) {
			msg := fmt.Sprintf("the line cuts parcel %d into %d pieces, but %d lots were given; give one lot per piece", id, len(pieces), len(lots))
			if len(pieces) < 2 {
				msg = fmt.Sprintf("the line does not cut parcel %d: it must cross the parcel from one edge to another (%d lots were given)", id, len(lots))
			}
			return 0, &zonegis.Error{Code: zonegis.EINVALID, Message: msg, Details: map[string]any{"pieces": len(pieces), "lots": len(lots)}}
		}
		st.retire(b, parent)
		for i, piece := range pieces {
			c := &zonegis.Parcel{ZoneID: parent.ZoneID, LotCode: lots[i].LotCode, LandUse: cmp.Or(lots[i].LandUse, parent.LandUse), Boundary: piece}
			if err := st.add(b, c, s.today); err != nil {
				return 0, err
			}
			st.links = append(st.links, link{parent.ID, c.ID, "split"})
			children = append(children, c)
		}
		s.moveProjects([]int64{parent.ID}, children)
		return id, nil
	})
	return children, seq, err
}

// moveProjects gives every project listing one of parents the successors
// in their place, as the real store does in the lineage write (which also
// audits it; the fake keeps no project history).
func (s *Store) moveProjects(parents []int64, successors []*zonegis.Parcel) {
	for _, p := range s.inv.projects {
		kept := slices.DeleteFunc(slices.Clone(p.ParcelIDs), func(id int64) bool { return slices.Contains(parents, id) })
		if len(kept) == len(p.ParcelIDs) {
			continue
		}
		for _, c := range successors {
			kept = append(kept, c.ID)
		}
		slices.Sort(kept)
		p.ParcelIDs = slices.Compact(kept)
	}
}

// MergeParcels implements registry.LineageStore.
func (s *Store) MergeParcels(_ context.Context, a zonegis.Actor, ids []int64, lotCode, landUse string) (*zonegis.Parcel, int64, error) {
	var child *zonegis.Parcel
	seq, err := s.write(a, "merge", zonegis.CollectionParcels, func(st *state, b *index.Batch) (int64, error) {
		var parents []*zonegis.Parcel
		for _, id := range ids {
			p, err := s.lineageParent(st, id, 0)
			if err != nil {
				return 0, err
			}
			parents = append(parents, p)
		}
		first := parents[0]
		var union orb.MultiPolygon
		for _, p := range parents {
			switch {
			case p.ZoneID != first.ZoneID:
				return 0, zonegis.Errorf(zonegis.EINVALID, "parcels %v are in different zones; only parcels of one zone can be merged", ids)
			case landUse == "" && p.LandUse != first.LandUse:
				return 0, zonegis.Errorf(zonegis.EINVALID, "parcels %v have different land uses; say which the merged parcel has with land_use", ids)
			case !slices.ContainsFunc(parents, func(o *zonegis.Parcel) bool { return o != p && o.Boundary.Bound().Intersects(p.Boundary.Bound()) }):
				return 0, zonegis.Errorf(zonegis.EINVALID, "parcels %v are not adjacent; only parcels that share an edge can be merged", ids)
			}
			union = append(union, p.Boundary...)
		}
		for _, p := range parents {
			st.retire(b, p)
		}
		child = &zonegis.Parcel{ZoneID: first.ZoneID, LotCode: lotCode, LandUse: cmp.Or(landUse, first.LandUse), Boundary: union}
		if err := st.add(b, child, s.today); err != nil {
			return 0, err
		}
		gone := make([]int64, len(parents))
		for i, p := range parents {
			st.links = append(st.links, link{p.ID, child.ID, "merge"})
			gone[i] = p.ID
		}
		s.moveProjects(gone, []*zonegis.Parcel{child})
		return child.ID, nil
	})
	return child, seq, err
}

// Lineage implements zonegis.LineageReader from the splits and merges
// made through the fake (At is the fake's day).
func (s *Store) Lineage(_ context.Context, id int64) (parents, children []zonegis.Link, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.st.links {
		if l.child == id {
			parents = append(parents, zonegis.Link{ParcelID: l.parent, Op: l.op, At: s.today})
		}
		if l.parent == id {
			children = append(children, zonegis.Link{ParcelID: l.child, Op: l.op, At: s.today})
		}
	}
	return parents, children, nil
}

// lineageParent is a live parcel a split or merge retires: ENOTFOUND,
// EPRECONDITION, ECONFLICT when reserved or leased (today or later).
func (s *Store) lineageParent(st *state, id, ifVersion int64) (*zonegis.Parcel, error) {
	p := st.parcels[id]
	if p == nil {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	}
	if err := checkVersion(ifVersion, p.Version); err != nil {
		return nil, err
	}
	if status := s.status(id); status != zonegis.ParcelAvailable {
		return nil, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is %s; a reserved or leased parcel cannot be split or merged", id, status)
	}
	return p, nil
}

// retire takes p out of the live parcels.
func (st *state) retire(b *index.Batch, p *zonegis.Parcel) {
	delete(st.parcels, p.ID)
	b.DeletedParcels = append(b.DeletedParcels, p.ID)
}

// add records a new available parcel.
func (st *state) add(b *index.Batch, p *zonegis.Parcel, today time.Time) error {
	if err := st.checkParcel(p); err != nil {
		return err
	}
	p.ID, p.Version, p.AreaM2, p.UpdatedAt, p.Status = st.newID(), 1, area(p.Boundary), today, zonegis.ParcelAvailable
	st.parcels[p.ID] = p
	b.Parcels = append(b.Parcels, p)
	return nil
}

// cut splits mp along the line through a and b into the pieces on either
// side that are not empty, west to east, then south to north.
func cut(mp orb.MultiPolygon, a, b orb.Point) []orb.MultiPolygon {
	var pieces []orb.MultiPolygon
	for _, side := range []float64{1, -1} {
		var piece orb.MultiPolygon
		for _, poly := range mp {
			var clipped orb.Polygon
			for _, ring := range poly {
				if r := clipRing(ring, a, b, side); len(r) >= 4 {
					clipped = append(clipped, r)
				} else if len(clipped) == 0 {
					break // the outer ring is all on the other side
				}
			}
			if len(clipped) > 0 {
				piece = append(piece, clipped)
			}
		}
		if len(piece) > 0 {
			pieces = append(pieces, piece)
		}
	}
	slices.SortFunc(pieces, func(p, q orb.MultiPolygon) int {
		pc, qc := p.Bound().Center(), q.Bound().Center()
		return cmp.Or(cmp.Compare(pc[0], qc[0]), cmp.Compare(pc[1], qc[1]))
	})
	return pieces
}

// clipRing keeps the part of a closed ring on one side of the line
// through a and b (side 1: left, -1: right; Sutherland-Hodgman against a
// half-plane), closed again.
func clipRing(ring orb.Ring, a, b orb.Point, side float64) orb.Ring {
	in := func(p orb.Point) float64 { return side * ((b[0]-a[0])*(p[1]-a[1]) - (b[1]-a[1])*(p[0]-a[0])) }
	var out orb.Ring
	for i := 0; i+1 < len(ring); i++ {
		p, q := ring[i], ring[i+1]
		dp, dq := in(p), in(q)
		if dp >= 0 {
			out = append(out, p)
		}
		if (dp > 0 && dq < 0) || (dp < 0 && dq > 0) {
			t := dp / (dp - dq)
			out = append(out, orb.Point{p[0] + t*(q[0]-p[0]), p[1] + t*(q[1]-p[1])})
		}
	}
	if len(out) > 0 {
		out = append(out, out[0])
	}
	return out
}
