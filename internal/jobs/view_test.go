package jobs

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// A job's view: its self link, a done job's result, a failed job's report
// (an unreadable one is an internal error); Error is left to the
// transport.
func TestView(t *testing.T) {
	n, seq := int64(7), int64(42)
	done := &postgis.ImportJob{ID: "j1", Collection: "parcels", Status: postgis.JobDone,
		ImportJobCounts: postgis.ImportJobCounts{Read: 7, Checked: 7, Written: 7},
		Created:         time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Imported: &n, Seq: &seq}
	b, _ := json.Marshal(NewView(done))
	want := `{"id":"j1","collection":"parcels","status":"done","progress":{"read":7,"checked":7,"written":7},"body_bytes":0,` +
		`"created":"2026-01-02T03:04:05Z","result":{"imported":7,"collection":"parcels","seq":42},"links":[{"rel":"self","href":"/jobs/j1","type":"application/json"}]}`
	if string(b) != want {
		t.Errorf("done:\n got %s\nwant %s", b, want)
	}
	failed := &postgis.ImportJob{ID: "j2", Status: postgis.JobFailed, Report: report(zonegis.EINVALID, "features[3]: bad", nil)}
	if v := NewView(failed); v.Result != nil || v.Error != nil {
		t.Errorf("failed: result %v, error %v", v.Result, v.Error)
	}
	if r := Failure(failed); r.Code != zonegis.EINVALID || r.Detail != "features[3]: bad" {
		t.Errorf("failure: %+v", r)
	}
	failed.Report = []byte(`{"detail":"no code"}`)
	if r := Failure(failed); r.Code != zonegis.EINTERNAL || r.Detail != "internal error" {
		t.Errorf("unreadable report: %+v", r)
	}
	if Pending(done) || !Pending(&postgis.ImportJob{Status: postgis.JobRunning}) || strings.Contains(string(b), `"error"`) {
		t.Error("Pending")
	}
}
