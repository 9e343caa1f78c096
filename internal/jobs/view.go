package jobs

import (
	"encoding/json"
	"time"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// View is an import job as GET /jobs/{id} shows it: its state, progress
// and, once finished, its outcome.
type View struct {
	ID         string     `json:"id"`
	Collection string     `json:"collection"`
	Status     string     `json:"status"`
	Phase      string     `json:"phase,omitempty"`
	Progress   Counts     `json:"progress"`
	BodyBytes  int64      `json:"body_bytes"`
	Created    time.Time  `json:"created"`
	Started    *time.Time `json:"started,omitempty"`
	Finished   *time.Time `json:"finished,omitempty"`
	// Result is a done job's: what a synchronous import answers, with the
	// change-log seq of its write.
	Result *Result `json:"result,omitempty"`
	// Error is a failed job's: the problem a synchronous import answers,
	// in the transport's form of its Failure.
	Error any    `json:"error,omitempty"`
	Links []Link `json:"links"`
}

// Counts are a job's progress: features read, checked and written, of
// Total when known.
type Counts struct {
	Read    int64 `json:"read"`
	Checked int64 `json:"checked"`
	Written int64 `json:"written"`
	Total   int64 `json:"total,omitempty"`
}

// Result is a done job's outcome.
type Result struct {
	Imported   int64  `json:"imported"`
	Collection string `json:"collection"`
	Seq        int64  `json:"seq"`
}

// Link is a link of a View.
type Link struct {
	Rel  string `json:"rel"`
	Href string `json:"href"`
	Type string `json:"type,omitempty"`
}

// NewView returns j as shown, with its self link (Links[0], the path
// /jobs/{id}) and, when done, its Result; the transport sets Error of a
// failed job from Failure.
func NewView(j *postgis.ImportJob) View {
	v := View{ID: j.ID, Collection: j.Collection, Status: j.Status, Phase: j.Phase,
		Progress:  Counts{j.Read, j.Checked, j.Written, j.Total},
		BodyBytes: j.BodyBytes, Created: j.Created, Started: j.Started, Finished: j.Finished,
		Links: []Link{{Rel: "self", Href: "/jobs/" + j.ID, Type: "application/json"}}}
	if j.Status == postgis.JobDone {
		v.Result = &Result{Collection: j.Collection}
		if j.Imported != nil {
			v.Result.Imported = *j.Imported
		}
		if j.Seq != nil {
			v.Result.Seq = *j.Seq
		}
	}
	return v
}

// Failure is the stored Report of a failed job; a report that cannot be
// read is an internal error.
func Failure(j *postgis.ImportJob) Report {
	var r Report
	if err := json.Unmarshal(j.Report, &r); err != nil || r.Code == "" {
		r = Report{Code: zonegis.EINTERNAL, Detail: "internal error"}
	}
	return r
}

// Pending says whether the job has yet to finish (queued or running).
func Pending(j *postgis.ImportJob) bool {
	return j.Status == postgis.JobQueued || j.Status == postgis.JobRunning
}
