package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func wkbOf(mp orb.MultiPolygon) ([]byte, error) {
	if len(mp) == 0 {
		return nil, zonegis.Errorf(zonegis.EINVALID, "boundary is empty")
	}
	b, err := wkb.Marshal(mp)
	if err != nil {
		return nil, zonegis.Errorf(zonegis.EINVALID, "boundary cannot be encoded: %v", err)
	}
	return b, nil
}

// write runs fn in a transaction that also records the audit entry and
// returns the change-log seq of the write (the highest seq once fn is done:
// the change-log lock is held until commit, so it is ours). Readers wait
// for that seq to see their own writes.
func (db *DB) write(ctx context.Context, a zonegis.Actor, action, collection string, fn func(tx pgx.Tx) (itemID int64, before []byte, err error)) (int64, error) {
	return db.writePipelined(ctx, a, action, collection, nil, func(tx pgx.Tx, _ *pgx.Batch) (int64, []byte, error) { return fn(tx) })
}

// writePipelined is write in as few round trips as the write allows. The
// change-log lock serialises every writer, and each round trip made while
// it is held (a few milliseconds on a loaded machine: both processes must
// be scheduled) is a wait for every write queued behind it, so:
//   - BEGIN, the lock and the statements first queues (row locks and the
//     reads that follow them; nil: none) go in one round trip, and their
//     queued callbacks have run when fn is called;
//   - fn makes its writes on tx, and may queue the last of them in last
//     when it needs nothing back before the audit entry;
//   - last and the audit entry (which reads the row's image after and the
//     seq itself) go in one round trip, then COMMIT.
//
// A write whose row locks and reads are known up front (an update of one
// record, a lease, a lease's end) takes three or four round trips where it
// took ten to twelve. first may run more than once (a retry on another
// connection), so its callbacks must set, not accumulate, what they find.
func (db *DB) writePipelined(ctx context.Context, a zonegis.Actor, action, collection string,
	first func(b *pgx.Batch), fn func(tx pgx.Tx, last *pgx.Batch) (itemID int64, before []byte, err error)) (int64, error) {
	select {
	case db.writers <- struct{}{}:
		defer func() { <-db.writers }()
	case <-ctx.Done():
		return 0, mapError(ctx.Err())
	}
	for attempt := 1; ; attempt++ {
		b := &pgx.Batch{}
		b.BeginTx(pgx.TxOptions{})
		// The change-log lock before anything else: one lock order for
		// every writer (migrations/0005), so no two writes can deadlock.
		b.Queue(sqlWriteLock)
		if first != nil {
			first(b)
		}
		br := db.pool.SendBatch(ctx, b)
		tx := br.Tx()
		if err := br.Close(); err != nil {
			if tx != nil {
				tx.Rollback(ctx) //nolint:errcheck // nothing was written
			}
			// A pooled connection whose server process is gone (a restart, a
			// terminated backend) fails here, before anything was written:
			// the pool drops it, so try again on another.
			if attempt < 3 && ctx.Err() == nil && zonegis.ErrorCode(mapError(err)) == zonegis.EUNAVAILABLE {
				continue
			}
			return 0, mapError(err)
		}
		var seq int64
		err := func() error {
			defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
			last := &pgx.Batch{}
			id, before, err := fn(tx, last)
			if err != nil {
				return err
			}
			queueAudit(last, a, action, collection, id, before, &seq)
			if err := tx.SendBatch(ctx, last).Close(); err != nil {
				return err
			}
			return tx.Commit(ctx)
		}()
		return seq, mapError(err)
	}
}

// audit records the entry for the write just made: who, what, the row's
// image before (nil for a create) and after (nil for a delete), and sets
// *seq to the change log's end.
func audit(ctx context.Context, tx pgx.Tx, a zonegis.Actor, action, collection string, id int64, before []byte, seq *int64) error {
	b := &pgx.Batch{}
	queueAudit(b, a, action, collection, id, before, seq)
	return tx.SendBatch(ctx, b).Close()
}

// queueAudit queues audit's one statement: the entry, with the row's image
// after read by the statement itself, returning the change log's end into
// *seq.
func queueAudit(b *pgx.Batch, a zonegis.Actor, action, collection string, id int64, before []byte, seq *int64) {
	q, ok := sqlAuditWrite[collection]
	if !ok {
		q = sqlAuditWriteNoImage
	}
	var keyID any
	if a.KeyID != 0 {
		keyID = a.KeyID
	}
	b.Queue(q, keyID, a.KeyName, a.Role, action, collection, nullID(id), nullJSON(before),
		a.RequestID, nullID(a.UserID), a.UserLogin, nil).QueryRow(func(r pgx.Row) error { return r.Scan(seq) })
}

// rowJSON is the JSON image of one row (geometry as GeoJSON), or nil.
func rowJSON(ctx context.Context, tx pgx.Tx, collection string, id int64) ([]byte, error) {
	q, ok := sqlRowJSON[collection]
	if !ok || id == 0 {
		return nil, nil
	}
	var b []byte
	err := tx.QueryRow(ctx, q, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return b, err
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func nullJSON(b []byte) any {
	if b == nil {
		return nil
	}
	return string(b)
}

// current is what queueCurrent finds of a row under its lock: whether it
// exists, its version and its JSON image (the audit entry's before).
type current struct {
	found   bool
	version int64
	image   []byte
}

// queueCurrent queues the row lock of row id of collection, with the read
// of its version and its JSON image after the lock, into c.
func queueCurrent(b *pgx.Batch, collection string, id int64, c *current) {
	*c = current{}
	b.Queue(sqlLockVersion[collection], id).QueryRow(func(r pgx.Row) error {
		return noRowsOK(r.Scan(&c.version), &c.found)
	})
	b.Queue(sqlRowJSON[collection], id).QueryRow(func(r pgx.Row) error {
		return noRowsOK(r.Scan(&c.image), nil)
	})
}

// noRowsOK is err, except that no row is no error; *found (if not nil)
// says whether there was one.
func noRowsOK(err error, found *bool) error {
	if found != nil {
		*found = err == nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	return err
}

// check reports the row missing (ENOTFOUND) or at another version than
// ifVersion (EPRECONDITION; 0: any version).
func (c *current) check(collection string, id, ifVersion int64) error {
	if !c.found {
		return zonegis.Errorf(zonegis.ENOTFOUND, "no %s feature with id %d", collection, id)
	}
	if ifVersion != 0 && ifVersion != c.version {
		return &zonegis.Error{Code: zonegis.EPRECONDITION,
			Message: fmt.Sprintf("the feature has changed since you read it (your version %d, current %d); read it again", ifVersion, c.version),
			Details: map[string]any{"current_version": c.version}}
	}
	return nil
}

func zoneArgs(z *zonegis.Zone) ([]any, error) {
	g, err := wkbOf(z.Boundary)
	if err != nil {
		return nil, err
	}
	sectors := z.Sectors
	if sectors == nil {
		sectors = []string{}
	}
	return append([]any{z.Code, z.NameVI, z.NameEN, z.Kind, z.ParentID, z.BoardID, z.Province, z.Status, z.Model,
		dateArg(z.Established), z.Enterprises, z.Workers, sectors, z.Source, g, attributesArg(z.Attributes)},
		investorArgs(&z.Investor)...), nil
}

// CreateZone inserts z, fills in its ID, AreaM2, Version and UpdatedAt, and
// returns the change-log seq. Errors: EINVALID (geometry, values),
// ECONFLICT (code taken).
func (db *DB) CreateZone(ctx context.Context, a zonegis.Actor, z *zonegis.Zone) (int64, error) {
	args, err := zoneArgs(z)
	if err != nil {
		return 0, err
	}
	return db.write(ctx, a, "create", zonegis.CollectionZones, func(tx pgx.Tx) (int64, []byte, error) {
		err := tx.QueryRow(ctx, sqlInsertZone, args...).Scan(&z.ID, &z.AreaM2, &z.Version, &z.UpdatedAt, (*attributesDest)(&z.Attributes))
		return z.ID, nil, err
	})
}

// UpdateZone changes zone id in one transaction: it locks the row, checks
// ifVersion (0: any version), reads the current zone, lets change edit it
// (a PATCH merges into it, a PUT overwrites it) and writes it back, so no
// write committed in between is lost or mistaken for a stale version. It
// returns the zone as written and the change-log seq. Errors: ENOTFOUND,
// EPRECONDITION, EINVALID (change's own, geometry, values), ECONFLICT.
func (db *DB) UpdateZone(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Zone) error) (*zonegis.Zone, int64, error) {
	return update(ctx, db, a, zonegis.CollectionZones, id, ifVersion, sqlZonesByID, scanZone, change,
		func(b *pgx.Batch, z *zonegis.Zone) error {
			args, err := zoneArgs(z)
			if err != nil {
				return err
			}
			b.Queue(sqlUpdateZone, append(args, id)...).QueryRow(func(r pgx.Row) error {
				return r.Scan(&z.ID, &z.AreaM2, &z.Version, &z.UpdatedAt, (*attributesDest)(&z.Attributes))
			})
			return nil
		})
}

// update runs one Update*: in a write transaction it locks row id of
// collection and reads it (byID, scan) in the round trip that takes the
// change-log lock, checks ifVersion, lets change edit it and queues the
// write of it (save) with the audit entry. It returns the record as written.
func update[T any](ctx context.Context, db *DB, a zonegis.Actor, collection string, id, ifVersion int64,
	byID string, scan func(pgx.Row) (*T, error), change func(*T) error, save func(*pgx.Batch, *T) error) (*T, int64, error) {
	var v *T
	var cur current
	var rows []*T
	first := func(b *pgx.Batch) {
		queueCurrent(b, collection, id, &cur)
		rows = nil
		b.Queue(byID, []int64{id}).Query(func(r pgx.Rows) error {
			for r.Next() {
				x, err := scan(r)
				if err != nil {
					return err
				}
				rows = append(rows, x)
			}
			return r.Err()
		})
	}
	seq, err := db.writePipelined(ctx, a, "replace", collection, first, func(_ pgx.Tx, last *pgx.Batch) (int64, []byte, error) {
		if err := cur.check(collection, id, ifVersion); err != nil {
			return 0, nil, err
		}
		if len(rows) != 1 {
			return 0, nil, zonegis.Errorf(zonegis.ENOTFOUND, "no %s feature with id %d", collection, id)
		}
		if err := change(rows[0]); err != nil {
			return 0, nil, err
		}
		v = rows[0]
		return id, cur.image, save(last, v)
	})
	return v, seq, err
}

func parcelArgs(p *zonegis.Parcel) ([]any, error) {
	g, err := wkbOf(p.Boundary)
	if err != nil {
		return nil, err
	}
	return []any{p.ZoneID, p.LotCode, p.LandUse, p.Synthetic, g, attributesArg(p.Attributes)}, nil
}

// CreateParcel inserts p and fills in its ID, AreaM2, Version and UpdatedAt.
// Errors: EINVALID (geometry, outside the zone, values), ECONFLICT (overlap
// with the conflicting ids in Details, lot code taken).
func (db *DB) CreateParcel(ctx context.Context, a zonegis.Actor, p *zonegis.Parcel) (int64, error) {
	args, err := parcelArgs(p)
	if err != nil {
		return 0, err
	}
	return db.write(ctx, a, "create", zonegis.CollectionParcels, func(tx pgx.Tx) (int64, []byte, error) {
		err := tx.QueryRow(ctx, sqlInsertParcel, args...).Scan(&p.ID, &p.AreaM2, &p.Version, &p.UpdatedAt, (*attributesDest)(&p.Attributes))
		return p.ID, nil, err
	})
}

// UpdateParcel changes parcel id as UpdateZone does a zone. change sees the
// parcel's current derived status (read under the row lock, after every
// committed lease); the status itself is never written. Errors: ENOTFOUND,
// EPRECONDITION, EINVALID, ECONFLICT.
func (db *DB) UpdateParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.Parcel) error) (*zonegis.Parcel, int64, error) {
	keepStatus := func(p *zonegis.Parcel) error {
		status, until := p.Status, p.StatusUntil
		err := change(p)
		p.Status, p.StatusUntil = status, until
		return err
	}
	return update(ctx, db, a, zonegis.CollectionParcels, id, ifVersion, sqlParcelsByID, scanParcel, keepStatus,
		func(b *pgx.Batch, p *zonegis.Parcel) error {
			args, err := parcelArgs(p)
			if err != nil {
				return err
			}
			b.Queue(sqlUpdateParcel, append(args, id)...).QueryRow(func(r pgx.Row) error {
				return r.Scan(&p.ID, &p.AreaM2, &p.Version, &p.UpdatedAt, (*attributesDest)(&p.Attributes))
			})
			return nil
		})
}

func greenArgs(g *zonegis.GreenArea) ([]any, error) {
	b, err := wkbOf(g.Boundary)
	if err != nil {
		return nil, err
	}
	return []any{g.ZoneID, g.Kind, g.Name, g.Synthetic, b, attributesArg(g.Attributes)}, nil
}

// CreateGreenArea inserts g and fills in its ID, AreaM2, Version and
// UpdatedAt. Errors: EINVALID (geometry, outside the zone, values).
func (db *DB) CreateGreenArea(ctx context.Context, a zonegis.Actor, g *zonegis.GreenArea) (int64, error) {
	args, err := greenArgs(g)
	if err != nil {
		return 0, err
	}
	return db.write(ctx, a, "create", zonegis.CollectionGreenAreas, func(tx pgx.Tx) (int64, []byte, error) {
		err := tx.QueryRow(ctx, sqlInsertGreenArea, args...).Scan(&g.ID, &g.AreaM2, &g.Version, &g.UpdatedAt, (*attributesDest)(&g.Attributes))
		return g.ID, nil, err
	})
}

// UpdateGreenArea changes green area id as UpdateZone does a zone.
func (db *DB) UpdateGreenArea(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.GreenArea) error) (*zonegis.GreenArea, int64, error) {
	return update(ctx, db, a, zonegis.CollectionGreenAreas, id, ifVersion, sqlGreenAreasByID, scanGreenArea, change,
		func(b *pgx.Batch, g *zonegis.GreenArea) error {
			args, err := greenArgs(g)
			if err != nil {
				return err
			}
			b.Queue(sqlUpdateGreenArea, append(args, id)...).QueryRow(func(r pgx.Row) error {
				return r.Scan(&g.ID, &g.AreaM2, &g.Version, &g.UpdatedAt, (*attributesDest)(&g.Attributes))
			})
			return nil
		})
}

// Delete deletes feature id of a collection (ifVersion 0: any version).
// Errors: ENOTFOUND, EPRECONDITION, EINVALID (still referred to: a zone with
// parcels, a parcel with leases).
func (db *DB) Delete(ctx context.Context, a zonegis.Actor, collection string, id, ifVersion int64) (int64, error) {
	q, ok := sqlDelete[collection]
	if !ok {
		return 0, zonegis.Errorf(zonegis.ENOTFOUND, "no collection %q", collection)
	}
	var cur current
	first := func(b *pgx.Batch) { queueCurrent(b, collection, id, &cur) }
	return db.writePipelined(ctx, a, "delete", collection, first, func(_ pgx.Tx, last *pgx.Batch) (int64, []byte, error) {
		if err := cur.check(collection, id, ifVersion); err != nil {
			return 0, nil, err
		}
		last.Queue(q, id)
		return id, cur.image, nil
	})
}

// CreateLease inserts l as it is (a system write: seed data, imports of
// history), without touching the parcel's status.
func (db *DB) CreateLease(ctx context.Context, a zonegis.Actor, l *zonegis.Lease) (int64, error) {
	return db.write(ctx, a, "create", zonegis.CollectionLeases, func(tx pgx.Tx) (int64, []byte, error) {
		err := insertLease(ctx, tx, l)
		return l.ID, nil, err
	})
}

func insertLease(ctx context.Context, tx pgx.Tx, l *zonegis.Lease) error {
	return tx.QueryRow(ctx, sqlInsertLease, l.ParcelID, l.Lessee, l.Country, l.Sector,
		dateArg(&l.Start), dateArg(&l.End), dateArg(l.EndedOn), l.CapitalUSD, l.Workers, l.Contact, l.Synthetic, l.EnterpriseID,
	).Scan(&l.ID, &l.Version, &l.CreatedAt, &l.EnterpriseID, &l.Lessee, &l.Country)
}
