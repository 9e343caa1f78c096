package registry

import (
	"context"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// LeaseView is a lease as a caller sees it, the form the API answers
// with. Capital and contact are confidential: only callers who
// SeesConfidential of the lease's board (its viewers, planners and board
// admins, the ministry reader, system admins) get them.
type LeaseView struct {
	ID           int64    `json:"id"`
	ParcelID     int64    `json:"parcel_id"`
	EnterpriseID int64    `json:"enterprise_id"`
	Lessee       string   `json:"lessee"`
	Country      string   `json:"country"`
	Sector       string   `json:"sector"`
	Start        string   `json:"start"`
	End          string   `json:"end"`
	EndedOn      *string  `json:"ended_on"`
	InForce      bool     `json:"in_force"`
	Workers      int32    `json:"workers"`
	CapitalUSD   *float64 `json:"capital_usd,omitempty"`
	Contact      *string  `json:"contact,omitempty"`
	Synthetic    bool     `json:"synthetic"`
	Version      int64    `json:"version"`

	// AncestorParcelID is set when the lease was on a parcel this one was
	// split or merged from (ParcelID is that ancestor then).
	AncestorParcelID *int64 `json:"ancestor_parcel_id,omitempty"`
}

// ViewLease is l on day on (in force or not), with its confidential
// fields when sees (SeesConfidential of the lease's board).
// of is the parcel whose history l is shown in (0 for none): a lease of
// another parcel, an ancestor of of, names it in AncestorParcelID.
func ViewLease(l *zonegis.Lease, sees bool, on time.Time, of int64) LeaseView {
	end := l.End
	var ended *string
	if l.EndedOn != nil {
		end = *l.EndedOn
		s := l.EndedOn.Format(time.DateOnly)
		ended = &s
	}
	v := LeaseView{ID: l.ID, ParcelID: l.ParcelID, EnterpriseID: l.EnterpriseID, Lessee: l.Lessee, Country: l.Country, Sector: l.Sector,
		Start: l.Start.Format(time.DateOnly), End: l.End.Format(time.DateOnly), EndedOn: ended,
		InForce: !on.Before(l.Start) && on.Before(end), Workers: l.Workers, Synthetic: l.Synthetic, Version: l.Version}
	if sees {
		capital, contact := l.CapitalUSD, l.Contact
		v.CapitalUSD, v.Contact = &capital, &contact
	}
	if of != 0 && l.ParcelID != of {
		anc := l.ParcelID
		v.AncestorParcelID = &anc
	}
	return v
}

// LeaseHistory is the lease history of parcel id, oldest first, with the
// leases of the parcels it was split or merged from, as caller p sees it
// on today: each lease's confidential fields by the board of the parcel it
// was on (found by bf). Errors: the store's.
func LeaseHistory(ctx context.Context, st zonegis.LeaseHistory, bf BoardFinder, p zonegis.Principal, id int64, today time.Time) ([]LeaseView, error) {
	ls, err := st.LeaseHistory(ctx, id)
	if err != nil {
		return nil, err
	}
	sees := seer(bf, p)
	out := make([]LeaseView, 0, len(ls))
	for _, l := range ls {
		s, err := sees(ctx, l.ParcelID)
		if err != nil {
			return nil, err
		}
		out = append(out, ViewLease(l, s, today, id))
	}
	return out, nil
}

// seer says whether p sees the confidential figures of the leases on a
// parcel, looking each parcel's board up once (not at all for a caller
// who sees every board's). An unknown parcel's are not seen.
func seer(bf BoardFinder, p zonegis.Principal) func(context.Context, int64) (bool, error) {
	if MayEverywhere(p, SeeConfidential) {
		return func(context.Context, int64) (bool, error) { return true, nil }
	}
	if !MayOnSome(p, SeeConfidential) || bf == nil {
		return func(context.Context, int64) (bool, error) { return false, nil }
	}
	seen := map[int64]bool{}
	return func(ctx context.Context, parcel int64) (bool, error) {
		if s, ok := seen[parcel]; ok {
			return s, nil
		}
		b, err := bf.RecordBoard(ctx, zonegis.CollectionParcels, parcel)
		if err != nil && zonegis.ErrorCode(err) != zonegis.ENOTFOUND {
			return false, err
		}
		seen[parcel] = err == nil && SeesConfidential(p, b)
		return seen[parcel], nil
	}
}

// LeaseOn is the lease in force on parcel id (or the ancestor that held
// its land) on day on, as caller p sees it (SeesConfidential of the board
// of the parcel it was on, found by bf); nil when none was. Errors:
// ENOTFOUND (no live parcel with that id).
func LeaseOn(ctx context.Context, st zonegis.LeaseHistory, bf BoardFinder, p zonegis.Principal, id int64, on time.Time) (*LeaseView, error) {
	l, err := st.ParcelAsOf(ctx, id, on)
	if err != nil || l == nil {
		return nil, err
	}
	sees, err := seer(bf, p)(ctx, l.ParcelID)
	if err != nil {
		return nil, err
	}
	v := ViewLease(l, sees, on, id)
	return &v, nil
}
