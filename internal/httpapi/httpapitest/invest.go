package httpapitest

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// investState holds the enterprises and projects, guarded by Store.mu;
// records are replaced, never changed in place.
type investState struct {
	next        int64
	enterprises map[int64]*zonegis.Enterprise
	projects    map[int64]*zonegis.Project
}

var _ zonegis.InvestmentStore = (*Store)(nil)

func (s *Store) investInit() {
	if s.inv.enterprises == nil {
		s.inv.enterprises, s.inv.projects = map[int64]*zonegis.Enterprise{}, map[int64]*zonegis.Project{}
	}
}

func pageOf[T any](m map[int64]*T, id func(*T) int64, f zonegis.InvestmentFilter, keep func(*T) bool) ([]*T, int64) {
	var all []*T
	for _, v := range m {
		if keep(v) {
			all = append(all, v)
		}
	}
	slices.SortFunc(all, func(a, b *T) int { return int(id(a) - id(b)) })
	limit := f.Limit
	if limit <= 0 || limit > zonegis.MaxInvestmentPage {
		limit = zonegis.MaxInvestmentPage
	}
	var out []*T
	for _, v := range all {
		if id(v) > f.AfterID && len(out) < limit {
			c := *v
			out = append(out, &c)
		}
	}
	return out, int64(len(all))
}

func (s *Store) keepEnterprise(f zonegis.InvestmentFilter) func(*zonegis.Enterprise) bool {
	return func(e *zonegis.Enterprise) bool {
		return (f.Boards == nil || slices.Contains(f.Boards, e.BoardID)) && (f.Country == "" || e.Country == f.Country) &&
			(f.VSICSection == "" || zonegis.VSICSectionOf(e.VSICDivision()) == f.VSICSection) && updatedIn(f, e.UpdatedAt)
	}
}

// updatedIn is the store's test of f's UpdatedFrom and UpdatedUntil.
func updatedIn(f zonegis.InvestmentFilter, t time.Time) bool {
	return (f.UpdatedFrom.IsZero() || !t.Before(f.UpdatedFrom)) && (f.UpdatedUntil.IsZero() || t.Before(f.UpdatedUntil))
}

// Enterprises implements zonegis.InvestmentStore.
func (s *Store) Enterprises(_ context.Context, f zonegis.InvestmentFilter) ([]*zonegis.Enterprise, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.investInit()
	out, n := pageOf(s.inv.enterprises, func(e *zonegis.Enterprise) int64 { return e.ID }, f, s.keepEnterprise(f))
	return out, n, nil
}

// Enterprise implements zonegis.InvestmentStore.
func (s *Store) Enterprise(_ context.Context, id int64) (*zonegis.Enterprise, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.investInit()
	if e := s.inv.enterprises[id]; e != nil {
		c := *e
		return &c, nil
	}
	return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no enterprise with id %d", id)
}

func (s *Store) mstTaken(e *zonegis.Enterprise) bool {
	for _, o := range s.inv.enterprises {
		if o.ID != e.ID && e.MST != "" && o.MST == e.MST && o.BoardID == e.BoardID {
			return true
		}
	}
	return false
}

// CreateEnterprise implements zonegis.InvestmentStore.
func (s *Store) CreateEnterprise(_ context.Context, a zonegis.Actor, e *zonegis.Enterprise) error {
	if err := e.Validate(); err != nil {
		return err
	}
	_, err := s.write(a, "create", zonegis.CollectionEnterprises, func(st *state, _ *index.Batch) (int64, error) {
		s.investInit()
		if e.BoardID != "" && st.boards[e.BoardID] == nil {
			return 0, zonegis.Errorf(zonegis.EINVALID, "board_id: no management board has this id (GET /boards lists them)")
		}
		if s.mstTaken(e) {
			return 0, zonegis.Errorf(zonegis.ECONFLICT, "mst: the board has registered an enterprise with this tax code already")
		}
		s.inv.next++
		e.ID, e.Version, e.UpdatedAt = s.inv.next, 1, s.today
		c := *e
		s.inv.enterprises[e.ID] = &c
		return e.ID, nil
	})
	return err
}

// UpdateEnterprise implements zonegis.InvestmentStore.
func (s *Store) UpdateEnterprise(_ context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Enterprise) error) (*zonegis.Enterprise, error) {
	var out *zonegis.Enterprise
	_, err := s.write(a, "replace", zonegis.CollectionEnterprises, func(st *state, _ *index.Batch) (int64, error) {
		s.investInit()
		old := s.inv.enterprises[id]
		if old == nil {
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no enterprise with id %d", id)
		}
		if ifVersion != 0 && old.Version != ifVersion {
			return 0, zonegis.Errorf(zonegis.EPRECONDITION, "the record changed since you read it (now version %d)", old.Version)
		}
		cur := *old
		if err := change(&cur); err != nil {
			return 0, err
		}
		cur.ID = id
		if err := cur.Validate(); err != nil {
			return 0, err
		}
		if s.mstTaken(&cur) {
			return 0, zonegis.Errorf(zonegis.ECONFLICT, "mst: the board has registered an enterprise with this tax code already")
		}
		cur.Version, cur.UpdatedAt = old.Version+1, s.today
		s.inv.enterprises[id] = &cur
		c := cur
		out = &c
		return id, nil
	})
	return out, err
}

// DeleteEnterprise implements zonegis.InvestmentStore.
func (s *Store) DeleteEnterprise(_ context.Context, a zonegis.Actor, id, ifVersion int64, check func(*zonegis.Enterprise) error) error {
	_, err := s.write(a, "delete", zonegis.CollectionEnterprises, func(st *state, _ *index.Batch) (int64, error) {
		s.investInit()
		old := s.inv.enterprises[id]
		if old == nil {
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no enterprise with id %d", id)
		}
		if ifVersion != 0 && old.Version != ifVersion {
			return 0, zonegis.Errorf(zonegis.EPRECONDITION, "the record changed since you read it (now version %d)", old.Version)
		}
		if err := check(old); err != nil {
			return 0, err
		}
		for _, p := range s.inv.projects {
			if p.EnterpriseID == id {
				return 0, zonegis.Errorf(zonegis.ECONFLICT, "the enterprise still has projects referring to it; it cannot be deleted")
			}
		}
		delete(s.inv.enterprises, id)
		return id, nil
	})
	return err
}

// Projects implements zonegis.InvestmentStore.
func (s *Store) Projects(_ context.Context, f zonegis.InvestmentFilter) ([]*zonegis.Project, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.investInit()
	keepE := s.keepEnterprise(zonegis.InvestmentFilter{Country: f.Country, VSICSection: f.VSICSection})
	out, n := pageOf(s.inv.projects, func(p *zonegis.Project) int64 { return p.ID }, f, func(p *zonegis.Project) bool {
		e := s.inv.enterprises[p.EnterpriseID]
		return (f.Boards == nil || slices.Contains(f.Boards, p.BoardID)) && e != nil && keepE(e) &&
			(f.ZoneID == 0 || p.ZoneID == f.ZoneID) && (f.EnterpriseID == 0 || p.EnterpriseID == f.EnterpriseID) &&
			(f.Origin == "" || p.Origin == f.Origin) && (f.Status == "" || p.Status == f.Status) && updatedIn(f, p.UpdatedAt)
	})
	return out, n, nil
}

// Project implements zonegis.InvestmentStore.
func (s *Store) Project(_ context.Context, id int64) (*zonegis.Project, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.investInit()
	if p := s.inv.projects[id]; p != nil {
		c := *p
		return &c, nil
	}
	return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no project with id %d", id)
}

// fill checks p's references as the database does and computes what the
// database computes: the board, the equivalents (zonegis.Equivalents).
func (s *Store) fill(st *state, p *zonegis.Project) error {
	z := st.zones[p.ZoneID]
	if z == nil {
		return zonegis.Errorf(zonegis.EINVALID, "zone_id: no zone has id %d", p.ZoneID)
	}
	if s.inv.enterprises[p.EnterpriseID] == nil {
		return zonegis.Errorf(zonegis.EINVALID, "enterprise_id: no enterprise has this id")
	}
	for _, id := range p.ParcelIDs {
		if q := st.parcels[id]; q == nil || q.ZoneID != p.ZoneID {
			return zonegis.Errorf(zonegis.EINVALID, "parcel_ids: every parcel of a project must be a live parcel of the project's zone (%d is not)", id)
		}
	}
	for _, o := range s.inv.projects {
		if o.ID != p.ID && strings.EqualFold(o.IRCNumber, p.IRCNumber) {
			return zonegis.Errorf(zonegis.ECONFLICT, "irc_number: another project has this investment registration certificate number")
		}
	}
	p.BoardID = z.BoardID
	p.CapitalUSD, p.CapitalVND = zonegis.Equivalents(p.Capital, p.Currency, p.Rate)
	p.Adjustments, p.Disbursements = slices.Clone(p.Adjustments), slices.Clone(p.Disbursements)
	for i := range p.Adjustments {
		a := &p.Adjustments[i]
		a.AmountUSD, a.AmountVND = zonegis.Equivalents(a.Amount, p.Currency, a.Rate)
	}
	for i := range p.Disbursements {
		d := &p.Disbursements[i]
		d.AmountUSD, d.AmountVND = zonegis.Equivalents(d.Amount, p.Currency, d.Rate)
	}
	if p.ParcelIDs == nil {
		p.ParcelIDs = []int64{}
	}
	return nil
}

// CreateProject implements zonegis.InvestmentStore.
func (s *Store) CreateProject(_ context.Context, a zonegis.Actor, p *zonegis.Project, check func(*zonegis.Project) error) error {
	if err := p.Validate(); err != nil {
		return err
	}
	_, err := s.write(a, "create", zonegis.CollectionProjects, func(st *state, _ *index.Batch) (int64, error) {
		s.investInit()
		if err := s.fill(st, p); err != nil {
			return 0, err
		}
		if err := check(p); err != nil {
			return 0, err
		}
		s.inv.next++
		p.ID, p.Version, p.UpdatedAt = s.inv.next, 1, s.today
		c := *p
		s.inv.projects[p.ID] = &c
		return p.ID, nil
	})
	return err
}

// UpdateProject implements zonegis.InvestmentStore.
func (s *Store) UpdateProject(_ context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Project) error) (*zonegis.Project, error) {
	var out *zonegis.Project
	_, err := s.write(a, "replace", zonegis.CollectionProjects, func(st *state, _ *index.Batch) (int64, error) {
		s.investInit()
		old := s.inv.projects[id]
		if old == nil {
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no project with id %d", id)
		}
		if ifVersion != 0 && old.Version != ifVersion {
			return 0, zonegis.Errorf(zonegis.EPRECONDITION, "the record changed since you read it (now version %d)", old.Version)
		}
		cur := *old
		if err := change(&cur); err != nil {
			return 0, err
		}
		cur.ID = id
		if err := cur.Validate(); err != nil {
			return 0, err
		}
		if err := s.fill(st, &cur); err != nil {
			return 0, err
		}
		cur.Version, cur.UpdatedAt = old.Version+1, s.today
		s.inv.projects[id] = &cur
		c := cur
		out = &c
		return id, nil
	})
	return out, err
}

// DeleteProject implements zonegis.InvestmentStore.
func (s *Store) DeleteProject(_ context.Context, a zonegis.Actor, id, ifVersion int64, check func(*zonegis.Project) error) error {
	_, err := s.write(a, "delete", zonegis.CollectionProjects, func(st *state, _ *index.Batch) (int64, error) {
		s.investInit()
		old := s.inv.projects[id]
		if old == nil {
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no project with id %d", id)
		}
		if ifVersion != 0 && old.Version != ifVersion {
			return 0, zonegis.Errorf(zonegis.EPRECONDITION, "the record changed since you read it (now version %d)", old.Version)
		}
		if err := check(old); err != nil {
			return 0, err
		}
		delete(s.inv.projects, id)
		return id, nil
	})
	return err
}
