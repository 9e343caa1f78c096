package httpapi

import (
	"net/http"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/postgis"
)

// AsyncImportBytes is the body size past which an import runs as a job
// unless the request says async=false: a body this large holds thousands
// of features, whose import would outlast a client's patience.
const AsyncImportBytes = 4 << 20

// importAsync says whether an import request runs as a job: async=true,
// or Prefer: respond-async (RFC 7240), or a Content-Length past
// AsyncImportBytes; async=false always waits. A body of unknown length
// (chunked) waits unless asked.
func importAsync(c echo.Context) (bool, error) {
	switch v := c.QueryParam("async"); v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "":
	default:
		return false, invalid("async: want true or false, not %q", v)
	}
	if httpx.PrefersAsync(c.Request()) {
		c.Response().Header().Set("Preference-Applied", "respond-async")
		return true, nil
	}
	return c.Request().ContentLength > AsyncImportBytes, nil
}

// jobView is an import job as GET /jobs/{id} answers it (jobs.View),
// a failed one's error as the problem a synchronous import answers.
func jobView(j *postgis.ImportJob) jobs.View {
	v := jobs.NewView(j)
	if j.Status != postgis.JobFailed {
		return v
	}
	r := jobs.Failure(j)
	p := &Problem{Status: statusOf[r.Code], Code: r.Code, Detail: r.Detail, Extra: r.Details, Instance: "/jobs/" + j.ID}
	if p.Status == 0 {
		p.Status = http.StatusInternalServerError
	}
	if r.Truncated {
		p.Detail += " (the list of problems is cut to what a job keeps)"
	}
	p.Title, p.Type = http.StatusText(p.Status), "https://zonegis.dev/problems/"+r.Code
	v.Error = p
	return v
}

// writeJob answers a job: 202 with its Location when just accepted.
func writeJob(c echo.Context, status int, j *postgis.ImportJob) error {
	v := jobView(j)
	if status == http.StatusAccepted {
		c.Response().Header().Set(echo.HeaderLocation, v.Links[0].Href)
	}
	if jobs.Pending(j) {
		c.Response().Header().Set("Retry-After", "1")
		c.Response().Header().Set(echo.HeaderCacheControl, "no-store")
	} else {
		c.Response().Header().Set(echo.HeaderCacheControl, "private")
	}
	return httpx.WriteJSON(c, status, mimeJSON, v)
}

// handleJob answers GET /jobs/{id}: an import job's status and progress
// and, once finished, its outcome; for the key that posted it and admins
// (404 for any other key), from any instance.
func (s *Server) handleJob() echo.HandlerFunc {
	return func(c echo.Context) error {
		if err := checkNoParams(c); err != nil {
			return err
		}
		j, err := s.jobs.Get(c.Request().Context(), actorOf(c), c.Param("id"))
		if err != nil {
			return err
		}
		return writeJob(c, http.StatusOK, j)
	}
}
