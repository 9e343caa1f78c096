// Package zonegis holds the domain model of an industrial-zone land registry:
// management boards, zones, parcels, green areas, leases and the change log.
// It imports no infrastructure; storage, indexing and HTTP live in their own
// packages and speak these types.
package zonegis

import (
	"errors"
	"fmt"
	"strings"
)

// Error codes. They carry no transport: the HTTP layer maps them to statuses
// in one table, and anything without a code becomes an opaque internal error.
const (
	ECONFLICT     = "conflict"     // the write clashes with existing data (overlap, second lease, stale version)
	EINTERNAL     = "internal"     // a bug or an unexpected failure; never shown in detail
	EINVALID      = "invalid"      // the input is malformed or breaks a rule
	ENOTFOUND     = "not_found"    // no such entity
	EUNAUTHORIZED = "unauthorized" // no valid credentials
	EFORBIDDEN    = "forbidden"    // credentials lack the role
	EUNAVAILABLE  = "unavailable"  // the database cannot be reached; try again later
	EPRECONDITION = "precondition" // If-Match did not match the current version
	ETOOLARGE     = "too_large"    // a body or a geometry over its bound
	ETOOMANY      = "too_many"     // too many attempts (failed sign-ins); Details["retry_after"] is the wait in seconds
)

// Error is a domain error: a code, a message a user can act on, and
// optional structured details (for example the ids of conflicting parcels).
type Error struct {
	Code    string
	Message string
	Details map[string]any
}

func (e *Error) Error() string {
	return fmt.Sprintf("zonegis error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for nil
// and EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, or
// "internal error" for any other error so that nothing internal leaks.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "internal error"
}

// Quoted quotes a value a client sent (a header, a file name) for an
// error message: at most 100 bytes, control characters and quotes as '?'.
func Quoted(v string) string {
	if len(v) > 100 {
		v = v[:100]
	}
	return `"` + strings.Map(func(r rune) rune {
		if r < ' ' || r == '"' || r == 0x7f {
			return '?'
		}
		return r
	}, v) + `"`
}
