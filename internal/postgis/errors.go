package postgis

import (
	"context"
	"errors"
	"fmt"
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
// SQLSTATEs in class ZG for the land-record rules (see migrations/0001),
// with messages written for planners; they pass through. Every other
// database error is answered with a sentence of this file's, never with
// PostgreSQL's own message or detail, which name tables, columns,
// constraints and key values ("duplicate key value violates unique
// constraint "parcels_zone_id_lot_code_key"", "Key (zone_id)=(9) is not
// present in table "zones""): constraint violations become EINVALID or
// ECONFLICT saying which field breaks which rule (constraintMessage), bad
// values EINVALID by their class, a database that cannot be reached
// EUNAVAILABLE. Anything else is returned unchanged: an internal error,
// which the API answers with "internal error" and nothing more.
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
	// A connection that dies under a request (a terminated backend, a
	// restart) ends in a network error, or in pgconn's "failed to receive
	// message" (an EOF on its socket). A bare EOF is not taken for one: the
	// JSON decoders end in it too, and those are bad input.
	var ne net.Error
	if errors.As(err, &ne) || pgconn.SafeToRetry(err) || strings.Contains(err.Error(), "failed to connect") ||
		strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "failed to receive message") {
		return &zonegis.Error{Code: zonegis.EUNAVAILABLE, Message: "the database is unavailable; try again shortly"}
	}
	return err
}

func mapPgError(pe *pgconn.PgError, err error) error {
	e := &zonegis.Error{}
	switch pe.Code {
	case "ZG001": // invalid geometry; detail is the WKT location of the fault
		e.Code, e.Message = zonegis.EINVALID, pe.Message
		if pe.Detail != "" {
			e.Details = map[string]any{"location": pe.Detail}
		}
	case "ZG002": // outside the zone; detail is a point of the part outside
		e.Code, e.Message = zonegis.EINVALID, pe.Message
		if pe.Detail != "" {
			e.Details = map[string]any{"location": pe.Detail}
		}
	case "ZG003", "ZG005": // overlap / zone shrink; detail lists the ids in the way
		e.Code, e.Message = zonegis.ECONFLICT, pe.Message
		e.Details = map[string]any{"conflicting_ids": parseIDs(pe.Detail)}
	case "ZG004":
		e.Code, e.Message = zonegis.EINVALID, pe.Message
	case "22021", "22P05": // bad byte sequence for UTF-8 / NUL: the API refuses these first, naming the field
		e.Code, e.Message = zonegis.EINVALID, "text that cannot be stored: a NUL character or bytes that are not UTF-8"
	case "23505": // unique_violation
		e.Code, e.Message = zonegis.ECONFLICT, uniqueMessage(pe)
	case "23503": // foreign_key_violation
		e.Code, e.Message = zonegis.EINVALID, foreignKeyMessage(pe)
	case "23P01": // exclusion_violation
		e.Code, e.Message = zonegis.ECONFLICT, "conflicts with another record"
		if m, ok := constraintMessages[pe.ConstraintName]; ok {
			e.Message = m
		}
	case "23514": // check_violation
		e.Code, e.Message = zonegis.EINVALID, "a value breaks a rule of the land records"
		if m, ok := constraintMessages[pe.ConstraintName]; ok {
			e.Code, e.Message = zonegis.EINVALID, m
		}
	case "23502": // not_null_violation
		e.Code, e.Message = zonegis.EINVALID, "a required value is missing"
		if f, ok := fieldOfColumn[pe.ColumnName]; ok {
			e.Message = f + " is required"
		}
	case "22001": // string_data_right_truncation
		e.Code, e.Message = zonegis.EINVALID, "a text value is longer than its field allows"
	case "22003": // numeric_value_out_of_range
		e.Code, e.Message = zonegis.EINVALID, "a number is out of the range its field allows (capital_usd, for one, is below 10^16)"
	case "22007", "22008": // invalid_datetime_format, datetime_field_overflow
		e.Code, e.Message = zonegis.EINVALID, "a date is not a calendar date PostgreSQL can store (YYYY-MM-DD)"
	case "22P02", "22023": // invalid_text_representation, invalid_parameter_value
		e.Code, e.Message = zonegis.EINVALID, "a value is not of the form its field needs"
	case "XX000":
		// PostGIS reports bad geometry input (GeoJSON, WKB) and geometry it
		// cannot process (a split along a line on an edge) as internal errors.
		if strings.Contains(pe.Where, "geometry") || strings.Contains(strings.ToLower(pe.Message), "geojson") ||
			strings.Contains(pe.Message, "geometry") || strings.Contains(pe.Message, "Splitter") {
			e.Code = zonegis.EINVALID
			e.Message = "geometry: PostGIS cannot work with it; check that every ring is closed and valid, and that a line to split along crosses the parcel rather than running along its edge"
			break
		}
		return err
	case "57P01", "57P02", "57P03", "08000", "08003", "08006", "08001", "08004", "53300":
		return &zonegis.Error{Code: zonegis.EUNAVAILABLE, Message: "the database is unavailable; try again shortly"}
	default:
		if strings.HasPrefix(pe.Code, "ZG") { // a land-record rule of the schema's, in its words
			e.Code, e.Message = zonegis.EINVALID, pe.Message
			break
		}
		return err
	}
	return e
}

// constraintMessages say, in the API's field names, what each named rule
// of the schema asks for: the sentence a planner sees when a write breaks
// it (check and exclusion constraints; unique and foreign keys are in
// uniqueMessage and foreignKeyMessage). Most are checked by the API
// before a write, and these answer what slips past, such as a concurrent
// write. Names are PostgreSQL's defaults for the schema's CHECK clauses.
var constraintMessages = map[string]string{
	"zones_code_check":             "code must be 2 to 63 characters of A-Z, 0-9 and -, starting with a letter or digit",
	"zones_name_vi_check":          "name_vi is required",
	"zones_name_en_check":          "name_en is required",
	"zones_kind_check":             "kind is not one of " + strings.Join(zonegis.ZoneKinds, ", "),
	"zones_status_check":           "status is not one of " + strings.Join(zonegis.ZoneStatuses, ", "),
	"zones_model_check":            "model is not one of " + strings.Join(zonegis.ZoneModels, ", "),
	"zones_enterprises_check":      "enterprises must not be negative",
	"zones_workers_check":          "workers must not be negative",
	"zones_check":                  "parent_id cannot be the zone itself",
	"parcels_lot_code_check":       "lot_code is required",
	"parcels_land_use_check":       "land_use is not one of " + strings.Join(zonegis.LandUses, ", "),
	"green_areas_kind_check":       "kind is not one of " + strings.Join(zonegis.GreenKinds, ", "),
	"leases_lessee_check":          "lessee is required",
	"leases_country_check":         "country must be an ISO 3166-1 alpha-2 code such as VN, JP, KR",
	"leases_capital_usd_check":     "capital_usd must not be negative",
	"leases_workers_check":         "workers must not be negative",
	"leases_check":                 "end must be after start",
	"leases_check1":                "a lease ends after its start and not after its agreed end",
	"leases_one_in_force":          "the parcel already has a lease in force in that period",
	"project_parcels_zone":         "parcel_ids: every parcel of a project must be in the project's zone",
	"zones_attributes_check":       attributesRule,
	"parcels_attributes_check":     attributesRule,
	"green_areas_attributes_check": attributesRule,
}

// attributesRule is what the attributes CHECKs (migrations/0008) ask.
const attributesRule = "attributes must be a flat JSON object (named values that are strings, numbers, booleans or null) of at most 16 KiB"

// fieldOfColumn names the API field of a column, where a NOT NULL column
// can be left empty by a write.
var fieldOfColumn = map[string]string{
	"code": "code", "name_vi": "name_vi", "name_en": "name_en", "kind": "kind", "province": "province",
	"zone_id": "zone_id", "lot_code": "lot_code", "land_use": "land_use", "boundary": "geometry",
	"parcel_id": "parcel_id", "lessee": "lessee", "country": "country", "start_date": "start", "end_date": "end",
}

// keyValues are the values of a unique or foreign key violation's detail,
// `Key (zone_id, lot_code)=(1, A-01) already exists.`: the caller's own
// input, as PostgreSQL printed it ("1, A-01"); "" when the detail has
// another form (a server that reports in another language).
func keyValues(detail string) string {
	_, rest, ok := strings.Cut(detail, ")=(")
	if !ok {
		return ""
	}
	i := strings.LastIndex(rest, ")")
	if i < 0 {
		return ""
	}
	return rest[:i]
}

// uniqueMessage: a unique key the write would repeat.
func uniqueMessage(pe *pgconn.PgError) string {
	v := keyValues(pe.Detail)
	switch pe.ConstraintName {
	case "parcels_zone_id_lot_code_key":
		// zone_id is a number, so the first ", " ends it.
		if _, lot, ok := strings.Cut(v, ", "); ok {
			return fmt.Sprintf("lot_code %q already exists in the zone; lot codes are unique within a zone", lot)
		}
		return "lot_code already exists in the zone; lot codes are unique within a zone"
	case "boards_pkey":
		if v != "" {
			return fmt.Sprintf("id %q already exists: another board has it (PATCH /boards/%s edits it)", v, v)
		}
		return "id already exists: another board has it"
	case "users_login_key":
		return "login: another user has this login (logins are compared without case)"
	case "users_oidc_issuer_oidc_subject_key":
		return "oidc_subject: another user has this OpenID Connect identity"
	case "enterprises_board_mst":
		return "mst: the board has registered an enterprise with this tax code already"
	case "projects_irc_number_key":
		return "irc_number: another project has this investment registration certificate number"
	case "zones_code_key":
		if v != "" {
			return fmt.Sprintf("code %q already exists: another zone has it", v)
		}
		return "code already exists: another zone has it"
	}
	if strings.HasSuffix(pe.ConstraintName, "_pkey") {
		return "id: a record with this id already exists"
	}
	return "already exists: a record with the same values is there"
}

// foreignKeyMessage: a write that refers to a record that is not there,
// or a delete of a record others still refer to. Which of the two it is
// PostgreSQL says only in its detail ("is not present in table", "is
// still referenced from table"; the schema's lease triggers write the
// same, and "is history" for retired parcels).
func foreignKeyMessage(pe *pgconn.PgError) string {
	missing := strings.Contains(pe.Detail, "is not present")
	referenced := strings.Contains(pe.Detail, "is still referenced")
	switch pe.ConstraintName {
	case "zones_board_id_fkey":
		if missing {
			return "board_id: no management board has this id (GET /boards lists them)"
		}
		if referenced {
			return "the board still keeps zones; give them another board_id first"
		}
	case "zones_parent_id_fkey":
		if missing {
			return "parent_id: no zone has this id"
		}
	case "parcels_zone_id_fkey", "green_areas_zone_id_fkey", "parcels_retired_zone_id_fkey":
		switch {
		case missing:
			return "zone_id: no zone has this id"
		case referenced && pe.ConstraintName == "parcels_retired_zone_id_fkey":
			return "the zone has retired (split or merged) parcels, whose history is kept, so it cannot be deleted"
		case referenced:
			return "the zone still has parcels or green areas; delete them first"
		}
	case "enterprises_board_id_fkey":
		if missing {
			return "board_id: no management board has this id (GET /boards lists them)"
		}
	case "enterprises_vsic_division_fkey":
		return "vsic: its first two digits are no division of VSIC 2018"
	case "projects_zone_id_fkey":
		if missing {
			return "zone_id: no zone has this id"
		}
		return "the zone has investment projects; delete or move them first"
	case "project_parcels_parcel_id_fkey":
		return "parcel_ids: " + pe.Message
	case "projects_enterprise_id_fkey", "leases_enterprise_id_fkey", "enterprise_reports_enterprise_id_fkey":
		if missing {
			return "enterprise_id: no enterprise has this id"
		}
		if referenced {
			what := map[string]string{"projects_enterprise_id_fkey": "projects", "leases_enterprise_id_fkey": "leases",
				"enterprise_reports_enterprise_id_fkey": "yearly reports"}[pe.ConstraintName]
			return "the enterprise still has " + what + " referring to it; it cannot be deleted"
		}
	case "leases_parcel_id_fkey":
		switch {
		case missing:
			return "a lease needs a current parcel: this one does not exist or was retired (split or merged)"
		case referenced:
			return "the parcel has leases; its history is kept, so it cannot be deleted"
		case strings.Contains(pe.Detail, "is history"):
			return "the parcel was retired (split or merged): it is history and cannot be changed or deleted"
		}
	}
	switch {
	case missing:
		return "refers to a record that does not exist"
	case referenced:
		return "other records still refer to it; it cannot be deleted"
	}
	return "refers to a record that does not exist, or is still referred to"
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
