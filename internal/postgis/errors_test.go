package postgis

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// PostgreSQL's own message and detail never become a domain error's
// message, whatever the SQLSTATE or constraint, known or not: they name
// tables, columns and constraints. Only the schema's own rules (class ZG)
// speak in their words. (TestProblemsNameNoSchema in httpapi provokes
// the real violations through the API.)
func TestMapErrorSaysNothingOfPostgres(t *testing.T) {
	const secret = "SECRET_relation_name"
	codes := []string{"23505", "23503", "23P01", "23514", "23502", "22001", "22003", "22007", "22008", "22P02", "22023"}
	// The schema's constraints (SELECT conname FROM pg_constraint), and
	// names it does not have.
	names := []string{"", "no_such_constraint",
		"boards_id_check", "boards_name_en_check", "boards_name_vi_check", "boards_pkey",
		"green_areas_kind_check", "green_areas_pkey", "green_areas_zone_id_fkey",
		"leases_capital_usd_check", "leases_check", "leases_check1", "leases_country_check", "leases_lessee_check",
		"leases_one_in_force", "leases_pkey", "leases_workers_check", "leases_parcel_id_fkey",
		"parcel_lineage_check", "parcel_lineage_op_check", "parcel_lineage_parent_id_fkey", "parcel_lineage_pkey",
		"parcels_land_use_check", "parcels_lot_code_check", "parcels_pkey", "parcels_zone_id_fkey",
		"parcels_zone_id_lot_code_key", "parcels_retired_pkey", "parcels_retired_retired_by_check", "parcels_retired_zone_id_fkey",
		"plan_targets_capital_usd_check", "plan_targets_check", "plan_targets_check1", "plan_targets_hectares_check",
		"plan_targets_pkey", "plan_targets_scope_check", "plan_targets_year_check",
		"zones_board_id_fkey", "zones_check", "zones_code_check", "zones_code_key", "zones_enterprises_check", "zones_kind_check",
		"zones_model_check", "zones_name_en_check", "zones_name_vi_check", "zones_parent_id_fkey", "zones_pkey",
		"zones_status_check", "zones_workers_check",
		"zones_attributes_check", "parcels_attributes_check", "green_areas_attributes_check",
		"api_keys_prefix_key", "audit_log_key_id_fkey"}
	details := []string{
		"",
		"Key (x)=(1) is not present in table \"" + secret + "\".",
		"Key (x)=(1) is still referenced from table \"" + secret + "\".",
		"Key (id)=(1) is history: " + secret + " refer to it.",
		"Schlüssel (x)=(1) ist nicht in Tabelle \"" + secret + "\" vorhanden.",
	}
	for _, code := range codes {
		for _, name := range names {
			for _, detail := range details {
				pe := &pgconn.PgError{Code: code, Message: "violates constraint " + secret, Detail: detail, ConstraintName: name,
					TableName: secret, ColumnName: secret, Hint: secret}
				err := mapError(fmt.Errorf("write: %w", pe))
				var de *zonegis.Error
				if !errors.As(err, &de) {
					t.Errorf("%s %s: %v is not a domain error", code, name, err)
					continue
				}
				if de.Code != zonegis.EINVALID && de.Code != zonegis.ECONFLICT {
					t.Errorf("%s %s: code %s", code, name, de.Code)
				}
				if de.Message == "" || strings.Contains(de.Message, secret) || strings.Contains(de.Message, name+" ") && name != "" ||
					strings.Contains(de.Message, code) || de.Details != nil {
					t.Errorf("%s %s %q: message %q, details %v", code, name, detail, de.Message, de.Details)
				}
			}
		}
	}
	// A unique key's values are the caller's own input and are said back
	// (the columns are not).
	de := mapError(&pgconn.PgError{Code: "23505", ConstraintName: "parcels_zone_id_lot_code_key",
		Detail: "Key (zone_id, lot_code)=(7, A, 1) already exists."}).(*zonegis.Error)
	if de.Message != `lot_code "A, 1" already exists in the zone; lot codes are unique within a zone` {
		t.Errorf("lot code taken: %q", de.Message)
	}

	// The schema's rules pass through with their message.
	de = mapError(&pgconn.PgError{Code: "ZG002", Message: "parcel A lies outside zone KCX (12.5 m² outside)", Detail: "POINT(1 2)"}).(*zonegis.Error)
	if de.Code != zonegis.EINVALID || de.Message != "parcel A lies outside zone KCX (12.5 m² outside)" || de.Details["location"] != "POINT(1 2)" {
		t.Errorf("ZG002: %+v", de)
	}

	// What is not a rule stays an internal error (the API answers
	// "internal error" and nothing more).
	for _, code := range []string{"42P01", "42703", "XX000"} {
		pe := &pgconn.PgError{Code: code, Message: "relation " + secret + " does not exist"}
		if err := mapError(pe); zonegis.ErrorCode(err) != zonegis.EINTERNAL || zonegis.ErrorMessage(err) != "internal error" {
			t.Errorf("%s: %v (%s: %q); want an internal error", code, err, zonegis.ErrorCode(err), zonegis.ErrorMessage(err))
		}
	}
}

// TestMapErrorDeadConnection: a connection that dies under a request ends
// in pgconn's "failed to receive message" (an EOF on its socket); that is
// the database being unavailable (503), not an internal error (500). A bare
// EOF, as the JSON decoders return for a cut body, is not.
func TestMapErrorDeadConnection(t *testing.T) {
	for err, want := range map[error]string{
		errors.New("failed to receive message: unexpected EOF"):                 zonegis.EUNAVAILABLE,
		fmt.Errorf("reserve: %w", errors.New("failed to receive message: EOF")): zonegis.EUNAVAILABLE,
		io.ErrUnexpectedEOF: zonegis.EINTERNAL,
	} {
		if got := zonegis.ErrorCode(mapError(err)); got != want {
			t.Errorf("%v: %q, want %q", err, got, want)
		}
	}
}
