package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Snapshot is everything the in-memory index needs, read in one repeatable-read
// transaction, together with the change-log position it corresponds to.
type Snapshot struct {
	Seq        int64
	Zones      []*zonegis.Zone
	Parcels    []*zonegis.Parcel
	GreenAreas []*zonegis.GreenArea
}

// LoadAll reads every zone, parcel and green area as of one consistent
// snapshot, and the highest change-log seq visible in it.
func (db *DB) LoadAll(ctx context.Context) (*Snapshot, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	var s Snapshot
	if err := tx.QueryRow(ctx, sqlMaxSeq).Scan(&s.Seq); err != nil {
		return nil, mapError(err)
	}
	if s.Zones, err = collect(ctx, tx, sqlAllZones, scanZone); err != nil {
		return nil, fmt.Errorf("load zones: %w", err)
	}
	if s.GreenAreas, err = collect(ctx, tx, sqlAllGreenAreas, scanGreenArea); err != nil {
		return nil, fmt.Errorf("load green areas: %w", err)
	}
	var lo, hi int64
	if err := tx.QueryRow(ctx, sqlParcelIDRange).Scan(&lo, &hi); err != nil {
		return nil, mapError(err)
	}
	if s.Parcels, err = collect(ctx, tx, sqlAllParcels, scanParcel, lo-1, hi); err != nil {
		return nil, fmt.Errorf("load parcels: %w", err)
	}
	return &s, nil
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// collect runs query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, query string, scan func(pgx.Row) (*T, error), args ...any) ([]*T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, v)
	}
	return out, mapError(rows.Err())
}

// ZonesByID returns the zones with the given ids that exist, in no order.
func (db *DB) ZonesByID(ctx context.Context, ids []int64) ([]*zonegis.Zone, error) {
	return collect(ctx, db.pool, sqlZonesByID, scanZone, ids)
}

// ParcelsByID returns the parcels with the given ids that exist, in no order.
func (db *DB) ParcelsByID(ctx context.Context, ids []int64) ([]*zonegis.Parcel, error) {
	return collect(ctx, db.pool, sqlParcelsByID, scanParcel, ids)
}

// GreenAreasByID returns the green areas with the given ids that exist, in no order.
func (db *DB) GreenAreasByID(ctx context.Context, ids []int64) ([]*zonegis.GreenArea, error) {
	return collect(ctx, db.pool, sqlGreenAreasByID, scanGreenArea, ids)
}

// LeasesOfParcel returns the lease history of a parcel, oldest first.
func (db *DB) LeasesOfParcel(ctx context.Context, parcelID int64) ([]*zonegis.Lease, error) {
	return collect(ctx, db.pool, sqlLeasesOfParcel, scanLease, parcelID)
}

// Boards lists the management boards by id.
func (db *DB) Boards(ctx context.Context) ([]*zonegis.Board, error) {
	return collect(ctx, db.pool, sqlBoards, func(r pgx.Row) (*zonegis.Board, error) {
		var b zonegis.Board
		return &b, r.Scan(&b.ID, &b.NameVI, &b.NameEN, &b.Province, &b.Website)
	})
}

// MaxSeq returns the highest committed change-log seq (0 when empty).
func (db *DB) MaxSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.pool.QueryRow(ctx, sqlMaxSeq).Scan(&seq)
	return seq, mapError(err)
}

// ChangeHorizon returns the seq up to which changes may have been pruned.
func (db *DB) ChangeHorizon(ctx context.Context) (int64, error) {
	var seq int64
	err := db.pool.QueryRow(ctx, sqlChangeHorizon).Scan(&seq)
	return seq, mapError(err)
}

// ChangesSince returns up to limit changes with seq > after, in seq order.
func (db *DB) ChangesSince(ctx context.Context, after int64, limit int) ([]zonegis.Change, error) {
	rows, err := db.pool.Query(ctx, sqlChangesSince, after, limit)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []zonegis.Change
	for rows.Next() {
		var c zonegis.Change
		if err := rows.Scan(&c.Seq, &c.Collection, &c.ItemID, &c.Op, &c.At); err != nil {
			return nil, mapError(err)
		}
		out = append(out, c)
	}
	return out, mapError(rows.Err())
}

// PruneChanges deletes change-log rows with seq <= upTo and moves the horizon;
// followers behind it reload in full.
func (db *DB) PruneChanges(ctx context.Context, upTo int64) error {
	_, err := db.pool.Exec(ctx, sqlPruneChanges, upTo)
	return mapError(err)
}
