package registry

import (
	"context"
	"time"

	"github.com/zonegis/zonegis/internal/featurejson"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/stats"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// LeaseStore records leases and holds. Each write returns the change-log
// seq it was recorded at.
type LeaseStore interface {
	// LeaseParcel records l on its parcel, filling in its ID, Version and
	// CreatedAt. Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (another
	// lease of the parcel overlaps the period), EINVALID.
	LeaseParcel(ctx context.Context, a zonegis.Actor, ifVersion int64, l *zonegis.Lease) (int64, error)
	// EndLease ends lease id on endedOn. Errors: ENOTFOUND, ECONFLICT
	// (already ended), EINVALID.
	EndLease(ctx context.Context, a zonegis.Actor, id int64, endedOn time.Time) (int64, error)
	// Lease returns lease id. Errors: ENOTFOUND.
	Lease(ctx context.Context, id int64) (*zonegis.Lease, error)
	// ReserveParcel holds an available parcel. Errors: ENOTFOUND,
	// EPRECONDITION, ECONFLICT (not available).
	ReserveParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error)
	// ReleaseParcel lifts a parcel's hold. Errors: ENOTFOUND,
	// EPRECONDITION, ECONFLICT (not held).
	ReleaseParcel(ctx context.Context, a zonegis.Actor, id, ifVersion int64) (int64, error)
}

var _ LeaseStore = (*postgis.DB)(nil)

// Leasing is the leasing workflow: the only way a parcel's status changes
// (see CheckParcelStatus). The database holds the rules between leases
// (one in force per parcel per day); Leasing holds what a request must be
// before it reaches the store.
type Leasing struct {
	Store LeaseStore
	// Boards finds the board of the parcel or lease (IndexBoards); without
	// it only callers who may write every board may lease.
	Boards BoardFinder
}

// Lease validates l (zonegis.Lease.Validate) and records it on its parcel,
// whose version must be ifVersion unless that is 0. It returns the
// change-log seq. Errors: EINVALID listing every problem of l, then the
// store's: ENOTFOUND, EPRECONDITION, ECONFLICT.
func (lw Leasing) Lease(ctx context.Context, a zonegis.Actor, ifVersion int64, l *zonegis.Lease) (int64, error) {
	if err := authorizeRecords(ctx, lw.Boards, a, WriteRecords, zonegis.CollectionParcels, l.ParcelID); err != nil {
		return 0, err
	}
	if err := l.Validate(); err != nil {
		return 0, err
	}
	return lw.Store.LeaseParcel(ctx, a, ifVersion, l)
}

// End ends lease id early on endedOn, or on today (Vietnam's day, as the
// database counts it) when endedOn is zero, and returns the change-log
// seq and the lease as ended (the seq also when only reading the lease
// back fails). Errors: ENOTFOUND, ECONFLICT (already
// ended), EINVALID (a day before its start or after its end).
func (lw Leasing) End(ctx context.Context, a zonegis.Actor, id int64, endedOn, today time.Time) (int64, *zonegis.Lease, error) {
	if err := authorizeRecords(ctx, lw.Boards, a, WriteRecords, zonegis.CollectionLeases, id); err != nil {
		return 0, nil, err
	}
	if endedOn.IsZero() {
		endedOn = today
	}
	seq, err := lw.Store.EndLease(ctx, a, id, endedOn)
	if err != nil {
		return 0, nil, err
	}
	l, err := lw.Store.Lease(ctx, id)
	return seq, l, err
}

// Reserve holds parcel id for an investor (reserve) or lifts its hold
// (!reserve); its version must be ifVersion unless that is 0. It returns
// the change-log seq. Errors: ENOTFOUND, EPRECONDITION, ECONFLICT (not
// available to reserve, not held to release).
func (lw Leasing) Reserve(ctx context.Context, a zonegis.Actor, id, ifVersion int64, reserve bool) (int64, error) {
	if err := authorizeRecords(ctx, lw.Boards, a, WriteRecords, zonegis.CollectionParcels, id); err != nil {
		return 0, err
	}
	if reserve {
		return lw.Store.ReserveParcel(ctx, a, id, ifVersion)
	}
	return lw.Store.ReleaseParcel(ctx, a, id, ifVersion)
}

// StatsAudience is who caller p is to the statistics: exact capital of
// every board for those who see every board's confidential figures (system
// admins, the ministry reader), of their own boards for the boards' roles
// (stats.BoardsAudience), everyone else capital under the disclosure rule
// (stats.Public).
func StatsAudience(p zonegis.Principal) stats.Audience {
	if MayEverywhere(p, SeeConfidential) {
		return stats.Confidential
	}
	var boards []string
	for b := range p.Grants {
		if SeesConfidential(p, b) {
			boards = append(boards, b)
		}
	}
	if len(boards) == 0 {
		return stats.Public
	}
	return stats.BoardsAudience(boards...)
}

// leaseRequest is the body of a lease request (POST
// /parcels/{id}/leases): the lease's fields, dates as YYYY-MM-DD.
type leaseRequest struct {
	EnterpriseID int64             `json:"enterprise_id"`
	Lessee       string            `json:"lessee"`
	Country      string            `json:"country"`
	Sector       string            `json:"sector"`
	Start        *featurejson.Date `json:"start"`
	End          *featurejson.Date `json:"end"`
	CapitalUSD   float64           `json:"capital_usd"`
	Workers      int32             `json:"workers"`
	Contact      string            `json:"contact"`
}

// LeaseJSON decodes body, a lease's fields as JSON (strictly: an unknown
// field or a malformed date is EINVALID naming it), into a lease of
// parcel id and records it as Lease does. It returns the change-log seq
// and the lease as recorded.
func (lw Leasing) LeaseJSON(ctx context.Context, a zonegis.Actor, id, ifVersion int64, body []byte) (int64, *zonegis.Lease, error) {
	var r leaseRequest
	if err := featurejson.DecodeStrict(body, &r, "body"); err != nil {
		return 0, nil, err
	}
	l := &zonegis.Lease{ParcelID: id, EnterpriseID: r.EnterpriseID, Lessee: r.Lessee, Country: r.Country, Sector: r.Sector,
		CapitalUSD: r.CapitalUSD, Workers: r.Workers, Contact: r.Contact}
	if r.Start != nil {
		l.Start = r.Start.Time
	}
	if r.End != nil {
		l.End = r.End.Time
	}
	seq, err := lw.Lease(ctx, a, ifVersion, l)
	return seq, l, err
}

// EndJSON decodes body, {"ended_on": "YYYY-MM-DD"} or nil for none
// (strictly), and ends lease id as End does.
func (lw Leasing) EndJSON(ctx context.Context, a zonegis.Actor, id int64, body []byte, today time.Time) (int64, *zonegis.Lease, error) {
	var r struct {
		EndedOn *featurejson.Date `json:"ended_on"`
	}
	if body != nil {
		if err := featurejson.DecodeStrict(body, &r, "body"); err != nil {
			return 0, nil, err
		}
	}
	var on time.Time
	if r.EndedOn != nil {
		on = r.EndedOn.Time
	}
	return lw.End(ctx, a, id, on, today)
}
