package registry

import (
	"context"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// IndexBoards finds boards in the index's current snapshot, and in the
// store for what the snapshot does not hold yet (a zone another instance
// has just written) and for leases. The use cases call it inside the
// store's write transactions, so its common case must not take another
// database connection: the index answers it.
type IndexBoards struct {
	Index *index.Index
	Store BoardFinder
}

// ZoneBoard implements BoardFinder.
func (b IndexBoards) ZoneBoard(ctx context.Context, id int64) (string, error) {
	if z, ok := b.Index.Snapshot().Zone(id); ok {
		return z.BoardID, nil
	}
	return b.Store.ZoneBoard(ctx, id)
}

// RecordBoard implements BoardFinder.
func (b IndexBoards) RecordBoard(ctx context.Context, collection string, id int64) (string, error) {
	snap := b.Index.Snapshot()
	var zone int64
	switch collection {
	case zonegis.CollectionZones:
		zone = id
	case zonegis.CollectionParcels:
		if p, ok := snap.Parcel(id); ok {
			zone = p.ZoneID
		}
	case zonegis.CollectionGreenAreas:
		if g, ok := snap.GreenArea(id); ok {
			zone = g.ZoneID
		}
	}
	if z, ok := snap.Zone(zone); ok && zone != 0 {
		return z.BoardID, nil
	}
	return b.Store.RecordBoard(ctx, collection, id)
}

// boardOf is the board of record t by its kind's rule, through bf; an
// error when there is no finder.
func boardOf[T any](ctx context.Context, bf BoardFinder, board func(context.Context, BoardFinder, *T) (string, error), t *T) (string, error) {
	if bf == nil {
		return "", zonegis.Errorf(zonegis.EFORBIDDEN, "no board can be checked here: only a system admin may write")
	}
	return board(ctx, bf, t)
}
