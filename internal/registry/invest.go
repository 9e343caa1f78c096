package registry

import (
	"context"

	"github.com/zonegis/zonegis/internal/encode"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The writes of the enterprises and projects (issue 18) go through the
// same use case as the land records' (Features.Create, Update, Delete),
// so the generic Part 4 routes serve them; what differs is here. The
// board a write touches is checked under the row lock, before and after
// (an enterprise's board is the one that registered it and stays; a
// project's is its zone's, so moving it to another zone needs rights on
// both).

// isInvestment reports whether collection is one of the investment
// records.
func isInvestment(collection string) bool {
	return collection == zonegis.CollectionEnterprises || collection == zonegis.CollectionProjects
}

// mayWrite checks the caller may write board's records.
func mayWrite(a zonegis.Actor, board string) error {
	return Authorize(callerOf(a), WriteRecords, board)
}

func (f Features) investWrite(ctx context.Context, a zonegis.Actor, collection string, id, ifVersion int64, body []byte, patch bool) (Written, error) {
	if f.Invest == nil {
		return Written{}, ErrNoSuchCollection
	}
	if collection == zonegis.CollectionEnterprises {
		return f.enterpriseWrite(ctx, a, id, ifVersion, body, patch)
	}
	return f.projectWrite(ctx, a, id, ifVersion, body, patch)
}

func (f Features) enterpriseWrite(ctx context.Context, a zonegis.Actor, id, ifVersion int64, body []byte, patch bool) (Written, error) {
	if id == 0 {
		e, _, err := EnterpriseJSON(body, nil)
		if err != nil {
			return Written{}, err
		}
		if err := mayWrite(a, e.BoardID); err != nil {
			return Written{}, err
		}
		if err := f.Invest.CreateEnterprise(ctx, a, e); err != nil {
			return Written{}, err
		}
		return enterpriseWritten(e), nil
	}
	e, err := f.Invest.UpdateEnterprise(ctx, a, id, ifVersion, func(cur *zonegis.Enterprise) error {
		if err := mayWrite(a, cur.BoardID); err != nil {
			return err
		}
		base := cur
		if !patch {
			base = nil
		}
		next, bodyID, err := EnterpriseJSON(body, base)
		if err != nil {
			return err
		}
		if err := checkBodyID(bodyID, id); err != nil {
			return err
		}
		next.ID, next.BoardID, next.Source, next.Version, next.UpdatedAt = id, cur.BoardID, cur.Source, cur.Version, cur.UpdatedAt
		*cur = *next
		return nil
	})
	if err != nil {
		return Written{}, err
	}
	return enterpriseWritten(e), nil
}

func (f Features) projectWrite(ctx context.Context, a zonegis.Actor, id, ifVersion int64, body []byte, patch bool) (Written, error) {
	if id == 0 {
		p, _, err := ProjectJSON(body, nil)
		if err != nil {
			return Written{}, err
		}
		err = f.Invest.CreateProject(ctx, a, p, func(p *zonegis.Project) error { return mayWrite(a, p.BoardID) })
		if err != nil {
			return Written{}, err
		}
		return projectWritten(p), nil
	}
	p, err := f.Invest.UpdateProject(ctx, a, id, ifVersion, func(cur *zonegis.Project) error {
		if err := mayWrite(a, cur.BoardID); err != nil {
			return err
		}
		base := cur
		if !patch {
			base = nil
		}
		next, bodyID, err := ProjectJSON(body, base)
		if err != nil {
			return err
		}
		if err := checkBodyID(bodyID, id); err != nil {
			return err
		}
		if next.ZoneID != cur.ZoneID && f.Boards != nil {
			b, err := f.Boards.ZoneBoard(ctx, next.ZoneID)
			if err != nil {
				return zonegis.Errorf(zonegis.EINVALID, "zone_id: no zone has id %d", next.ZoneID)
			}
			if err := mayWrite(a, b); err != nil {
				return err
			}
			next.BoardID = b
		}
		next.ID, next.Version, next.UpdatedAt = id, cur.Version, cur.UpdatedAt
		*cur = *next
		return nil
	})
	if err != nil {
		return Written{}, err
	}
	return projectWritten(p), nil
}

func (f Features) investDelete(ctx context.Context, a zonegis.Actor, collection string, id, ifVersion int64) (int64, error) {
	if f.Invest == nil {
		return 0, ErrNoSuchCollection
	}
	if collection == zonegis.CollectionEnterprises {
		return 0, f.Invest.DeleteEnterprise(ctx, a, id, ifVersion, func(e *zonegis.Enterprise) error { return mayWrite(a, e.BoardID) })
	}
	return 0, f.Invest.DeleteProject(ctx, a, id, ifVersion, func(p *zonegis.Project) error { return mayWrite(a, p.BoardID) })
}

// The writer sees what they wrote: they may write the board, so they see
// its confidential figures.
func enterpriseWritten(e *zonegis.Enterprise) Written {
	return Written{ID: e.ID, Version: e.Version, Record: e,
		encode: func(b []byte) []byte { return encode.AppendFeature(b, e.ID, encode.EnterpriseOf(e, true)) }}
}

func projectWritten(p *zonegis.Project) Written {
	return Written{ID: p.ID, Version: p.Version, Record: p,
		encode: func(b []byte) []byte { return encode.AppendFeature(b, p.ID, encode.ProjectOf(p, true)) }}
}
