package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// lockParcel locks parcel id for a leasing step (after the change-log lock
// that db.write takes first) and returns its derived status now and its
// reservation day (nil: not held).
// Errors: ENOTFOUND, EPRECONDITION (ifVersion given and stale).
func lockParcel(ctx context.Context, tx pgx.Tx, id, ifVersion int64) (status string, reservedOn *time.Time, err error) {
	var version int64
	err = tx.QueryRow(ctx, sqlLockParcel, id).Scan(&version)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", nil, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	} else if err != nil {
		return "", nil, err
	}
	if ifVersion != 0 && ifVersion != version {
		return "", nil, &zonegis.Error{Code: zonegis.EPRECONDITION,
			Message: fmt.Sprintf("the parcel has changed since you read it (your version %d, current %d); read it again", ifVersion, version),
			Details: map[string]any{"current_version": version}}
	}
	if err := tx.QueryRow(ctx, sqlParcelStatus, id).Scan(&status, &reservedOn); err != nil {
		return "", nil, err
	}
	return status, reservedOn, nil
}

// LeaseParcel records lease l on its parcel (filling in its ID, Version and
// CreatedAt) in one transaction that holds the parcel's row lock, so of many
// concurrent requests for one parcel exactly one succeeds. The lease may lie
// in the past (history), be in force, or start later; the parcel's status
// follows from it (leased while it is in force, reserved before it starts),
// and a reservation is used up by a lease in force or to come. Errors:
// ENOTFOUND, EPRECONDITION, ECONFLICT (another lease of the parcel overlaps
// the period), EINVALID (values).
func (db *DB) LeaseParcel(ctx context.Context, a zonegis.Actor, ifVersion int64, l *zonegis.Lease) (int64, error) {
	return db.write(ctx, a, "lease", zonegis.CollectionLeases, func(tx pgx.Tx) (int64, []byte, error) {
		if _, _, err := lockParcel(ctx, tx, l.ParcelID, ifVersion); err != nil {
			return 0, nil, err
		}
		if err := insertLease(ctx, tx, l); err != nil {
			return 0, nil, err
		}
		return l.ID, nil, nil
	})
}

// EndLease ends lease id early on endedOn (a date after its start, at or
// before its end). From that day the parcel is available again, by the
// calendar alone. Errors: ENOTFOUND, ECONFLICT (already ended), EINVALID.
func (db *DB) EndLease(ctx context.Context, a zonegis.Actor, id int64, endedOn time.Time) (int64, error) {
	return db.write(ctx, a, "end_lease", zonegis.CollectionLeases, func(tx pgx.Tx) (int64, []byte, error) {
		var parcelID int64
		var ended *time.Time
		var start, end time.Time
		err := tx.QueryRow(ctx, sqlLeaseDates, id).Scan(&parcelID, &start, &end, &ended)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, nil, zonegis.Errorf(zonegis.ENOTFOUND, "no leases feature with id %d", id)
		} else if err != nil {
			return 0, nil, err
		}
		// Parcel before lease: the order every writer locks them in.
		if _, _, err := lockParcel(ctx, tx, parcelID, 0); err != nil {
			return 0, nil, err
		}
		before, err := lockCurrent(ctx, tx, zonegis.CollectionLeases, id, 0)
		if err != nil {
			return 0, nil, err
		}
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
		if _, err := tx.Exec(ctx, sqlEndLease, id, dateArg(&endedOn)); err != nil {
			return 0, nil, err
		}
		return id, before, nil
	})
}

// ReserveParcel holds an available parcel for an investor (from today).
// Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (not available).
func (db *DB) ReserveParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	return db.write(ctx, a, "reserve", zonegis.CollectionParcels, func(tx pgx.Tx) (int64, []byte, error) {
		status, _, err := lockParcel(ctx, tx, id, ifVersion)
		if err != nil {
			return 0, nil, err
		}
		if status != zonegis.ParcelAvailable {
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is %s; only an available parcel can be reserved", id, status)
		}
		return setHold(ctx, tx, id, sqlReserve)
	})
}

// ReleaseParcel lifts the hold on a reserved parcel. A parcel reserved by a
// lease yet to start is not held: it is released by ending or correcting
// that lease. Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (not held).
func (db *DB) ReleaseParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	return db.write(ctx, a, "release", zonegis.CollectionParcels, func(tx pgx.Tx) (int64, []byte, error) {
		status, reservedOn, err := lockParcel(ctx, tx, id, ifVersion)
		if err != nil {
			return 0, nil, err
		}
		if status != zonegis.ParcelReserved {
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is %s; only a reserved parcel can be released", id, status)
		}
		if reservedOn == nil {
			var lease int64
			var start time.Time
			if err := tx.QueryRow(ctx, sqlNextLease, id).Scan(&lease, &start); err != nil {
				return 0, nil, err
			}
			return 0, nil, &zonegis.Error{Code: zonegis.ECONFLICT,
				Message: fmt.Sprintf("parcel %d is reserved by lease %d, which starts on %s; it is not a hold that can be released", id, lease, start.Format(time.DateOnly)),
				Details: map[string]any{"lease_id": lease, "lease_start": start.Format(time.DateOnly)}}
		}
		return setHold(ctx, tx, id, sqlRelease)
	})
}

// setHold sets or clears the parcel's reservation with stmt.
func setHold(ctx context.Context, tx pgx.Tx, id int64, stmt string) (int64, []byte, error) {
	before, err := rowJSON(ctx, tx, zonegis.CollectionParcels, id)
	if err != nil {
		return 0, nil, err
	}
	_, err = tx.Exec(ctx, stmt, id)
	return id, before, err
}

// ParcelAsOf returns the lease in force on parcel id on date, or nil.
// Errors: ENOTFOUND.
func (db *DB) ParcelAsOf(ctx context.Context, id int64, date time.Time) (*zonegis.Lease, error) {
	var exists bool
	if err := db.read.QueryRow(ctx, sqlParcelExists, id).Scan(&exists); err != nil {
		return nil, mapError(err)
	}
	if !exists {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	}
	l, err := scanLease(db.read.QueryRow(ctx, sqlLeaseInForce, id, dateArg(&date)))
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
