package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// lockedParcel is what queueLockParcel finds of a parcel under its row
// lock: whether it exists, its version and JSON image (current), its
// derived status now and its reservation day (nil: not held).
type lockedParcel struct {
	current
	status     string
	reservedOn *time.Time
}

// queueLockParcel queues the row lock of parcel id for a leasing step
// (after the change-log lock that db.write takes first) and the reads of
// it after the lock, into p.
func queueLockParcel(b *pgx.Batch, id int64, p *lockedParcel) {
	queueCurrent(b, zonegis.CollectionParcels, id, &p.current)
	p.status, p.reservedOn = "", nil
	b.Queue(sqlParcelStatus, id).QueryRow(func(r pgx.Row) error {
		return noRowsOK(r.Scan(&p.status, &p.reservedOn), nil)
	})
}

// check reports the parcel missing (ENOTFOUND) or at another version than
// ifVersion (EPRECONDITION; 0: any version).
func (p *lockedParcel) check(id, ifVersion int64) error {
	if !p.found {
		return zonegis.Errorf(zonegis.ENOTFOUND, "no parcel with id %d", id)
	}
	if ifVersion != 0 && ifVersion != p.version {
		return &zonegis.Error{Code: zonegis.EPRECONDITION,
			Message: fmt.Sprintf("the parcel has changed since you read it (your version %d, current %d); read it again", ifVersion, p.version),
			Details: map[string]any{"current_version": p.version}}
	}
	return nil
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
	var p lockedParcel
	first := func(b *pgx.Batch) { queueLockParcel(b, l.ParcelID, &p) }
	return db.writePipelined(ctx, a, "lease", zonegis.CollectionLeases, first, func(tx pgx.Tx, _ *pgx.Batch) (int64, []byte, error) {
		if err := p.check(l.ParcelID, ifVersion); err != nil {
			return 0, nil, err
		}
		if err := insertLease(ctx, tx, l); err != nil {
			return 0, nil, err
		}
		return l.ID, nil, nil
	})
}

// leaseDates are a lease's parcel and dates (sqlLeaseDates).
type leaseDates struct {
	found      bool
	parcelID   int64
	start, end time.Time
	ended      *time.Time
}

func queueLeaseDates(b *pgx.Batch, id int64, d *leaseDates) {
	*d = leaseDates{}
	b.Queue(sqlLeaseDates, id).QueryRow(func(r pgx.Row) error {
		return noRowsOK(r.Scan(&d.parcelID, &d.start, &d.end, &d.ended), &d.found)
	})
}

// EndLease ends lease id early on endedOn (a date after its start, at or
// before its end). From that day the parcel is available again, by the
// calendar alone. Errors: ENOTFOUND, ECONFLICT (already ended), EINVALID.
func (db *DB) EndLease(ctx context.Context, a zonegis.Actor, id int64, endedOn time.Time) (int64, error) {
	var d leaseDates
	first := func(b *pgx.Batch) { queueLeaseDates(b, id, &d) }
	return db.writePipelined(ctx, a, "end_lease", zonegis.CollectionLeases, first, func(tx pgx.Tx, last *pgx.Batch) (int64, []byte, error) {
		if !d.found {
			return 0, nil, zonegis.Errorf(zonegis.ENOTFOUND, "no leases feature with id %d", id)
		}
		// Parcel before lease: the order every writer locks them in; the
		// dates read again under the lease's lock. One round trip.
		var p lockedParcel
		var lease current
		b := &pgx.Batch{}
		queueLockParcel(b, d.parcelID, &p)
		queueCurrent(b, zonegis.CollectionLeases, id, &lease)
		queueLeaseDates(b, id, &d)
		if err := tx.SendBatch(ctx, b).Close(); err != nil {
			return 0, nil, err
		}
		if err := p.check(d.parcelID, 0); err != nil {
			return 0, nil, err
		}
		if err := lease.check(zonegis.CollectionLeases, id, 0); err != nil {
			return 0, nil, err
		}
		if !d.found {
			return 0, nil, zonegis.Errorf(zonegis.ENOTFOUND, "no leases feature with id %d", id)
		}
		if d.ended != nil {
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "lease %d already ended on %s", id, d.ended.Format(time.DateOnly))
		}
		if !endedOn.After(d.start) || endedOn.After(d.end) {
			return 0, nil, zonegis.Errorf(zonegis.EINVALID, "ended_on must be after the lease's start %s and not after its end %s",
				d.start.Format(time.DateOnly), d.end.Format(time.DateOnly))
		}
		last.Queue(sqlEndLease, id, dateArg(&endedOn))
		return id, lease.image, nil
	})
}

// ReserveParcel holds an available parcel for an investor (from today).
// Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (not available).
func (db *DB) ReserveParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	var p lockedParcel
	first := func(b *pgx.Batch) { queueLockParcel(b, id, &p) }
	return db.writePipelined(ctx, a, "reserve", zonegis.CollectionParcels, first, func(_ pgx.Tx, last *pgx.Batch) (int64, []byte, error) {
		if err := p.check(id, ifVersion); err != nil {
			return 0, nil, err
		}
		if p.status != zonegis.ParcelAvailable {
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is %s; only an available parcel can be reserved", id, p.status)
		}
		last.Queue(sqlReserve, id)
		return id, p.image, nil
	})
}

// ReleaseParcel lifts the hold on a reserved parcel. A parcel reserved by a
// lease yet to start is not held: it is released by ending or correcting
// that lease. Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (not held).
func (db *DB) ReleaseParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error) {
	var p lockedParcel
	first := func(b *pgx.Batch) { queueLockParcel(b, id, &p) }
	return db.writePipelined(ctx, a, "release", zonegis.CollectionParcels, first, func(tx pgx.Tx, last *pgx.Batch) (int64, []byte, error) {
		if err := p.check(id, ifVersion); err != nil {
			return 0, nil, err
		}
		if p.status != zonegis.ParcelReserved {
			return 0, nil, zonegis.Errorf(zonegis.ECONFLICT, "parcel %d is %s; only a reserved parcel can be released", id, p.status)
		}
		if p.reservedOn == nil {
			var lease int64
			var start time.Time
			if err := tx.QueryRow(ctx, sqlNextLease, id).Scan(&lease, &start); err != nil {
				return 0, nil, err
			}
			return 0, nil, &zonegis.Error{Code: zonegis.ECONFLICT,
				Message: fmt.Sprintf("parcel %d is reserved by lease %d, which starts on %s; it is not a hold that can be released", id, lease, start.Format(time.DateOnly)),
				Details: map[string]any{"lease_id": lease, "lease_start": start.Format(time.DateOnly)}}
		}
		last.Queue(sqlRelease, id)
		return id, p.image, nil
	})
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
