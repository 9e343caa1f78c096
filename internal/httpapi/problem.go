package httpapi

import (
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Every error is answered as a problem document by httpx.ErrorHandler
// (server.go sets it): domain codes map to statuses in httpx.StatusOf.
// Problem and statusOf are those of httpx, for a job's failure (jobs.go).
type Problem = httpx.Problem

var statusOf = httpx.StatusOf

// invalid is shorthand for an EINVALID error.
func invalid(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EINVALID, format, args...)
}

// notFound is shorthand for an ENOTFOUND error.
func notFound(format string, args ...any) error {
	return zonegis.Errorf(zonegis.ENOTFOUND, format, args...)
}
