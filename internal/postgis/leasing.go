package postgis

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// lockParcel locks parcel id for a leasing step and returns its status and
// version. Errors: ENOTFOUND, EPRECONDITION (ifVersion given and stale).
func lockParcel(ctx context.Context, tx pgx.Tx, id, ifVersion int64) (status string, version int64, err error) {
	err = tx.QueryRow(ctx, sqlLockParcel, id).Scan(&status, &version)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", 0, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	} else if err != nil {
		return "", 0, err
	}
	if ifVersion != 0 && ifVersion != version {
		return "", 0, &zonegis.Error{Code: zonegis.EPRECONDITION,
			Message: fmt.Sprintf("the parcel has changed since you read it (your version %d, current %d); read it again", ifVersion, version),
			Details: map[string]any{"current_version": version}}
	}
	return status, version, nil
}

// LeaseParcel leases an available or reserved parcel: it records l (filling
// in its ID, Version and CreatedAt) and marks the parcel leased, in one
// transaction that holds the parcel's row lock, so of many concurrent
// requests for one parcel exactly one succeeds. Errors: ENOTFOUND,
// EPRECONDITION, ECONFLICT (already leased, or a lease in force overlaps
// the period), EINVALID (values).
func (db *DB) LeaseParcel(ctx context.Context, a zonegis.Actor, ifVersion int64, l *zonegis.Lease) (int64, error) {
	return db.write(ctx, a, "lease", zonegis.CollectionLeases, func(tx pgx.Tx) (int64, []byte, error) {
		status, _, err := lockParcel(ctx, tx, l.ParcelID, ifVersion)
		if err != nil {
			return 0, nil, err
		}
		if status == zonegis.ParcelLeased {
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is already leased", l.ParcelID)
		}
		if err := insertLease(ctx, tx, l); err != nil {
			return 0, nil, err
		}
		if _, err := tx.Exec(ctx, sqlSetParcelStatus, l.ParcelID, zonegis.ParcelLeased); err != nil {
			return 0, nil, err
		}
		return l.ID, nil, nil
	})
}

// EndLease ends lease id early on endedOn (a date after its start, at or
// before its end). When that is today or earlier the parcel becomes
// available. Errors: ENOTFOUND, ECONFLICT (already ended), EINVALID.
func (db *DB) EndLease(ctx context.Context, a zonegis.Actor, id int64, endedOn time.Time) (int64, error) {
	return db.write(ctx, a, "end_lease", zonegis.CollectionLeases, func(tx pgx.Tx) (int64, []byte, error) {
		before, err := lockCurrent(ctx, tx, zonegis.CollectionLeases, id, 0)
		if err != nil {
			return 0, nil, err
		}
		var parcelID int64
		var ended *time.Time
		var start, end time.Time
		if err := tx.QueryRow(ctx, sqlLeaseDates, id).Scan(&parcelID, &start, &end, &ended); err != nil {
			return 0, nil, err
		}
		if ended != nil {
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "lease %d already ended on %s", id, ended.Format(time.DateOnly))
		}
		if !endedOn.After(start) || endedOn.After(end) {
			return 0, nil, zonegis.Errorf(zonegis.EINVALID, "ended_on must be after the lease's start %s and not after its end %s",
				start.Format(time.DateOnly), end.Format(time.DateOnly))
		}
		if _, _, err := lockParcel(ctx, tx, parcelID, 0); err != nil {
			return 0, nil, err
		}
		if _, err := tx.Exec(ctx, sqlEndLease, id, dateArg(&endedOn)); err != nil {
			return 0, nil, err
		}
		if !endedOn.After(today()) {
			if _, err := tx.Exec(ctx, sqlSetParcelStatus, parcelID, zonegis.ParcelAvailable); err != nil {
				return 0, nil, err
			}
		}
		return id, before, nil
	})
}

// ReserveParcel marks an available parcel reserved. Errors: ENOTFOUND,
// EPRECONDITION, ECONFLICT (not available).
func (db *DB) ReserveParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	return db.setStatus(ctx, a, "reserve", id, ifVersion, zonegis.ParcelAvailable, zonegis.ParcelReserved)
}

// ReleaseParcel makes a reserved parcel available again. Errors: ENOTFOUND,
// EPRECONDITION, ECONFLICT (not reserved).
func (db *DB) ReleaseParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	return db.setStatus(ctx, a, "release", id, ifVersion, zonegis.ParcelReserved, zonegis.ParcelAvailable)
}

func (db *DB) setStatus(ctx context.Context, a zonegis.Actor, action string, id, ifVersion int64, from, to string) (int64, error) {
	return db.write(ctx, a, action, zonegis.CollectionParcels, func(tx pgx.Tx) (int64, []byte, error) {
		before, err := lockCurrent(ctx, tx, zonegis.CollectionParcels, id, ifVersion)
		if err != nil {
			return 0, nil, err
		}
		status, _, err := lockParcel(ctx, tx, id, 0)
		if err != nil {
			return 0, nil, err
		}
		if status != from {
			article := "a"
			if strings.ContainsAny(from[:1], "aeiou") {
				article = "an"
			}
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is %s; only %s %s parcel can be %sd", id, status, article, from, action)
		}
		_, err = tx.Exec(ctx, sqlSetParcelStatus, id, to)
		return id, before, err
	})
}

// ParcelAsOf returns the lease in force on parcel id on date, or nil.
// Errors: ENOTFOUND.
func (db *DB) ParcelAsOf(ctx context.Context, id int64, date time.Time) (*zonegis.Lease, error) {
	var exists bool
	if err := db.pool.QueryRow(ctx, sqlParcelExists, id).Scan(&exists); err != nil {
		return nil, mapError(err)
	}
	if !exists {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	}
	l, err := scanLease(db.pool.QueryRow(ctx, sqlLeaseInForce, id, dateArg(&date)))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil
	}
	return l, mapError(err)
}

// Lease returns lease id. Errors: ENOTFOUND.
func (db *DB) Lease(ctx context.Context, id int64) (*zonegis.Lease, error) {
	l, err := scanLease(db.pool.QueryRow(ctx, sqlLeaseByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no lease with id %d", id)
	}
	return l, mapError(err)
}
