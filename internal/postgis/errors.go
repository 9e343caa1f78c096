package postgis

import (
	"context"
	"errors"
	"net"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// MapError is mapError for packages that run their own SQL (statistics,
// exports) or see database errors second-hand (the HTTP error handler), so
// that an unreachable database is EUNAVAILABLE everywhere.
func MapError(err error) error { return mapError(err) }

// mapError turns database errors into domain errors. The schema raises
// SQLSTATEs in class ZG for the land-record rules (see migrations/0001);
// constraint violations become EINVALID or ECONFLICT with the server's
// message, which names the rule; a database that cannot be reached becomes
// EUNAVAILABLE. Anything else is returned unchanged (an internal error).
func mapError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return zonegis.Errorf(zonegis.ENOTFOUND, "not found")
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return mapPgError(pe, err)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	var ne net.Error
	if errors.As(err, &ne) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "failed to connect") ||
		strings.Contains(err.Error(), "conn closed") {
		return &zonegis.Error{Code: zonegis.EUNAVAILABLE, Message: "the database is unavailable; try again shortly"}
	}
	return err
}

func mapPgError(pe *pgconn.PgError, err error) error {
	e := &zonegis.Error{Message: pe.Message}
	switch pe.Code {
	case "ZG001": // invalid geometry; detail is the WKT location of the fault
		e.Code = zonegis.EINVALID
		if pe.Detail != "" {
			e.Details = map[string]any{"location": pe.Detail}
		}
	case "ZG002": // outside the zone; detail is a point of the part outside
		e.Code = zonegis.EINVALID
		if pe.Detail != "" {
			e.Details = map[string]any{"location": pe.Detail}
		}
	case "ZG003", "ZG005": // overlap / zone shrink; detail lists the ids in the way
		e.Code = zonegis.ECONFLICT
		e.Details = map[string]any{"conflicting_ids": parseIDs(pe.Detail)}
	case "ZG004", "22023", "22P02", "22007", "22008", "22003", "22001":
		e.Code = zonegis.EINVALID
	case "22021", "22P05": // bad byte sequence for UTF-8 / NUL: the API refuses these first, naming the field
		e.Code = zonegis.EINVALID
		e.Message = "text that cannot be stored (a NUL character or bytes that are not UTF-8): " + pe.Message
	case "23P01":
		e.Code = zonegis.ECONFLICT
		if pe.ConstraintName == "leases_one_in_force" {
			e.Message = "the parcel already has a lease in force in that period"
		}
	case "23505":
		e.Code = zonegis.ECONFLICT
		e.Message = "already exists: " + pe.Detail
	case "23503":
		e.Code = zonegis.EINVALID
		e.Message = "refers to a record that does not exist, or is still referred to: " + pe.Detail
	case "23514", "23502":
		e.Code = zonegis.EINVALID
		e.Message = "breaks rule " + pe.ConstraintName + ": " + pe.Message
	case "XX000":
		// PostGIS reports bad geometry input (GeoJSON, WKB) as internal errors.
		if strings.Contains(pe.Where, "geometry") || strings.Contains(strings.ToLower(pe.Message), "geojson") ||
			strings.Contains(pe.Message, "geometry") {
			e.Code = zonegis.EINVALID
			break
		}
		return err
	case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004", "53300":
		return &zonegis.Error{Code: zonegis.EUNAVAILABLE, Message: "the database is unavailable; try again shortly"}
	default:
		return err
	}
	return e
}

func parseIDs(s string) []int64 {
	var ids []int64
	for _, f := range strings.Split(s, ",") {
		if id, err := strconv.ParseInt(strings.TrimSpace(f), 10, 64); err == nil {
			ids = append(ids, id)
		}
	}
	return ids
}
