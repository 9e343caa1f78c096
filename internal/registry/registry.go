// Package registry holds the land registry's use cases, the rules that are
// neither a record's own (zonegis Validate) nor the database's (the
// triggers in migrations/): importing a FeatureCollection all or nothing,
// the leasing rule for a parcel's status, a zone's dossier. The HTTP API
// (internal/httpapi) and the command line (cmd/zonegis) are transports
// over it; it knows neither.
//
// The stores it needs are small interfaces declared here, each satisfied
// by *postgis.DB.
package registry

import (
	"context"
	"iter"
	"strings"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ImportStore checks and writes an import.
type ImportStore interface {
	// ImportChecked stages rows (the features of collection, as
	// importRow reads them), checks them all in one pass against each
	// other and the records there, and, unless o.DryRun or (all or
	// nothing) some feature has a problem, writes the features without
	// problems in one transaction as actor. Errors: what rows returned;
	// EUNAVAILABLE.
	ImportChecked(ctx context.Context, a zonegis.Actor, collection string, rows iter.Seq2[postgis.ImportRow, error], o zonegis.ImportOptions) (*zonegis.ImportReport, *postgis.ImportStats, error)
	// BoardFinder finds the board of each feature's zone, which the
	// caller must hold WriteRecords on (looked up once per zone).
	BoardFinder
}

var _ ImportStore = (*postgis.DB)(nil)

// ErrNoSuchCollection is the error for a collection that is not one of
// the land records'.
var ErrNoSuchCollection = zonegis.Errorf(zonegis.ENOTFOUND, "no such collection; collections are zones, parcels and green-areas")

// CheckParcelStatus refuses a write that would set a parcel's status: it
// follows from the parcel's leases and reservation (current is what they
// make it now, read under the row lock). A body may repeat it, as a client
// that read the feature sends it back; a new parcel can only be available.
// given is the status the body sends, nil when none. Errors: EINVALID.
func CheckParcelStatus(given *string, isNew bool, current string) error {
	if given == nil || strings.TrimSpace(*given) == current {
		return nil
	}
	if isNew {
		return invalid("status: a new parcel is available (it has no lease and no reservation); create it, then reserve or lease it (POST /parcels/{id}/reserve, /parcels/{id}/leases)")
	}
	return invalid("status: a parcel's status follows from its leases and reservation; it is %s, not %s (use reserve, release, lease and end-lease)", current, strings.TrimSpace(*given))
}

// invalid is shorthand for an EINVALID error.
func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}
