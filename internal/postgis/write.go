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
	for attempt := 1; ; attempt++ {
		tx, err := db.pool.Begin(ctx)
		if err != nil {
			// A pooled connection whose server process is gone (a restart, a
			// terminated backend) fails here, before anything was written:
			// the pool drops it, so try again on another.
			if attempt < 3 && ctx.Err() == nil && zonegis.ErrorCode(mapError(err)) == zonegis.EUNAVAILABLE {
				continue
			}
			return 0, mapError(err)
		}
		var seq int64
		err = func() error {
			defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
			// The change-log lock before anything else: one lock order for
			// every writer (migrations/0005), so no two writes can deadlock.
			if _, err := tx.Exec(ctx, sqlWriteLock); err != nil {
				return err
			}
			id, before, err := fn(tx)
			if err != nil {
				return err
			}
			if err := audit(ctx, tx, a, action, collection, id, before, &seq); err != nil {
				return err
			}
			return tx.Commit(ctx)
		}()
		return seq, mapError(err)
	}
}

// audit records the entry for the write just made: who, what, the row's
// image before (nil for a create) and after (nil for a delete).
func audit(ctx context.Context, tx pgx.Tx, a zonegis.Actor, action, collection string, id int64, before []byte, seq *int64) error {
	var keyID any
	if a.KeyID != 0 {
		keyID = a.KeyID
	}
	after, err := rowJSON(ctx, tx, collection, id)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, sqlInsertAudit, keyID, a.KeyName, a.Role, action, collection, nullID(id),
		nullJSON(before), nullJSON(after), a.RequestID, nullID(a.UserID), a.UserLogin, nil)
	if err != nil {
		return err
	}
	return tx.QueryRow(ctx, sqlMaxSeq).Scan(seq)
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

// lockCurrent locks the row, checks the expected version (0: any) and
// returns its JSON image for the audit trail. Errors: ENOTFOUND,
// EPRECONDITION.
func lockCurrent(ctx context.Context, tx pgx.Tx, collection string, id, ifVersion int64) ([]byte, error) {
	var version int64
	if err := tx.QueryRow(ctx, sqlLockVersion[collection], id).Scan(&version); err != nil {
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no %s feature with id %d", collection, id)
		}
		return nil, err
	}
	if ifVersion != 0 && ifVersion != version {
		return nil, &zonegis.Error{Code: zonegis.EPRECONDITION,
			Message: fmt.Sprintf("the feature has changed since you read it (your version %d, current %d); read it again", ifVersion, version),
			Details: map[string]any{"current_version": version}}
	}
	return rowJSON(ctx, tx, collection, id)
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
	return []any{z.Code, z.NameVI, z.NameEN, z.Kind, z.ParentID, z.BoardID, z.Province, z.Status, z.Model,
		dateArg(z.Established), z.Enterprises, z.Workers, sectors, z.Source, g, attributesArg(z.Attributes)}, nil
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
		func(tx pgx.Tx, z *zonegis.Zone) error {
			args, err := zoneArgs(z)
			if err != nil {
				return err
			}
			return tx.QueryRow(ctx, sqlUpdateZone, append(args, id)...).Scan(&z.ID, &z.AreaM2, &z.Version, &z.UpdatedAt, (*attributesDest)(&z.Attributes))
		})
}

// update runs one Update*: in a write transaction it locks row id of
// collection and reads it (byID, scan), checks ifVersion, lets change edit
// it and writes it back with save. It returns the record as written.
func update[T any](ctx context.Context, db *DB, a zonegis.Actor, collection string, id, ifVersion int64,
	byID string, scan func(pgx.Row) (*T, error), change func(*T) error, save func(pgx.Tx, *T) error) (*T, int64, error) {
	var v *T
	seq, err := db.write(ctx, a, "replace", collection, func(tx pgx.Tx) (int64, []byte, error) {
		before, cur, err := lockAndRead(ctx, tx, collection, id, ifVersion, byID, scan)
		if err != nil {
			return 0, nil, err
		}
		if err := change(cur); err != nil {
			return 0, nil, err
		}
		v = cur
		return id, before, save(tx, cur)
	})
	return v, seq, err
}

// lockAndRead locks row id of a collection, checks ifVersion, and returns
// its audit image and the current record, read after the lock.
func lockAndRead[T any](ctx context.Context, tx pgx.Tx, collection string, id, ifVersion int64, query string, scan func(pgx.Row) (*T, error)) ([]byte, *T, error) {
	before, err := lockCurrent(ctx, tx, collection, id, ifVersion)
	if err != nil {
		return nil, nil, err
	}
	rows, err := collect(ctx, tx, query, scan, []int64{id})
	if err != nil {
		return nil, nil, err
	}
	if len(rows) != 1 {
		return nil, nil, zonegis.Errorf(zonegis.ENOTFOUND, "no %s feature with id %d", collection, id)
	}
	return before, rows[0], nil
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
		func(tx pgx.Tx, p *zonegis.Parcel) error {
			args, err := parcelArgs(p)
			if err != nil {
				return err
			}
			return tx.QueryRow(ctx, sqlUpdateParcel, append(args, id)...).Scan(&p.ID, &p.AreaM2, &p.Version, &p.UpdatedAt, (*attributesDest)(&p.Attributes))
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
		func(tx pgx.Tx, g *zonegis.GreenArea) error {
			args, err := greenArgs(g)
			if err != nil {
				return err
			}
			return tx.QueryRow(ctx, sqlUpdateGreenArea, append(args, id)...).Scan(&g.ID, &g.AreaM2, &g.Version, &g.UpdatedAt, (*attributesDest)(&g.Attributes))
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
	return db.write(ctx, a, "delete", collection, func(tx pgx.Tx) (int64, []byte, error) {
		before, err := lockCurrent(ctx, tx, collection, id, ifVersion)
		if err != nil {
			return 0, nil, err
		}
		_, err = tx.Exec(ctx, q, id)
		return id, before, err
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
