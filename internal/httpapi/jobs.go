package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/jobs"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
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
	if c.Request().URL.RawQuery != "" {
		if err := checkParams(c.QueryParams(), "async"); err != nil {
			return false, err
		}
	}
	switch v := c.QueryParam("async"); v {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "":
	default:
		return false, invalid("async: want true or false, not %q", v)
	}
	for _, h := range c.Request().Header.Values("Prefer") {
		for _, pref := range strings.Split(h, ",") {
			if name, _, _ := strings.Cut(strings.TrimSpace(pref), ";"); strings.EqualFold(strings.TrimSpace(name), "respond-async") {
				c.Response().Header().Set("Preference-Applied", "respond-async")
				return true, nil
			}
		}
	}
	return c.Request().ContentLength > AsyncImportBytes, nil
}

// jobView is an import job as GET /jobs/{id} answers it.
type jobView struct {
	ID         string     `json:"id"`
	Collection string     `json:"collection"`
	Status     string     `json:"status"`
	Phase      string     `json:"phase,omitempty"`
	Progress   jobCounts  `json:"progress"`
	BodyBytes  int64      `json:"body_bytes"`
	Created    time.Time  `json:"created"`
	Started    *time.Time `json:"started,omitempty"`
	Finished   *time.Time `json:"finished,omitempty"`
	// Result is a done job's: what a synchronous import answers, with the
	// change-log seq of its write.
	Result *jobResult `json:"result,omitempty"`
	// Error is a failed job's: the problem a synchronous import answers.
	Error *Problem `json:"error,omitempty"`
	Links []link   `json:"links"`
}

type jobCounts struct {
	Read    int64 `json:"read"`
	Checked int64 `json:"checked"`
	Written int64 `json:"written"`
	Total   int64 `json:"total,omitempty"`
}

type jobResult struct {
	Imported   int64  `json:"imported"`
	Collection string `json:"collection"`
	Seq        int64  `json:"seq"`
}

type link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

func newJobView(j *postgis.ImportJob) jobView {
	v := jobView{ID: j.ID, Collection: j.Collection, Status: j.Status, Phase: j.Phase,
		Progress:  jobCounts{j.Read, j.Checked, j.Written, j.Total},
		BodyBytes: j.BodyBytes, Created: j.Created, Started: j.Started, Finished: j.Finished,
		Links: []link{{Rel: "self", Href: "/jobs/" + j.ID, Type: mimeJSON}}}
	switch j.Status {
	case postgis.JobDone:
		v.Result = &jobResult{Collection: j.Collection}
		if j.Imported != nil {
			v.Result.Imported = *j.Imported
		}
		if j.Seq != nil {
			v.Result.Seq = *j.Seq
		}
	case postgis.JobFailed:
		var r jobs.Report
		if err := json.Unmarshal(j.Report, &r); err != nil || r.Code == "" {
			r = jobs.Report{Code: zonegis.EINTERNAL, Detail: "internal error"}
		}
		p := &Problem{Status: statusOf[r.Code], Code: r.Code, Detail: r.Detail, Extra: r.Details, Instance: "/jobs/" + j.ID}
		if p.Status == 0 {
			p.Status = http.StatusInternalServerError
		}
		if r.Truncated {
			p.Detail += " (the list of problems is cut to what a job keeps)"
		}
		p.Title, p.Type = http.StatusText(p.Status), "https://zonegis.dev/problems/"+r.Code
		v.Error = p
	}
	return v
}

// writeJob answers a job: 202 with its Location when just accepted.
func writeJob(c echo.Context, status int, j *postgis.ImportJob) error {
	v := newJobView(j)
	if status == http.StatusAccepted {
		c.Response().Header().Set(echo.HeaderLocation, v.Links[0].Href)
	}
	if j.Status == postgis.JobQueued || j.Status == postgis.JobRunning {
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
