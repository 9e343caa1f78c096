package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestServeImportJobs: `zonegis serve` fails at start the job an instance
// that died left running, runs an import posted with async=true as a job
// that any GET /jobs/{id} follows to done, and logs the import.
func TestServeImportJobs(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	db := c.db(t)
	// The planner key is a planner on every board there is when it is made.
	if err := db.CreateBoard(ctx, zonegis.System, &zonegis.Board{ID: "hepza", NameVI: "Ban Quản lý HEPZA", NameEN: "HEPZA", Province: "Thành phố Hồ Chí Minh"}); err != nil {
		t.Fatal(err)
	}
	z := &zonegis.Zone{Code: "KCX-JOB", NameVI: "Khu chế xuất Việc", NameEN: "Job EPZ", Kind: zonegis.KindExportProcessingZone,
		BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional, Source: "manual",
		Boundary: orb.MultiPolygon{{{{106.70, 10.75}, {106.71, 10.75}, {106.71, 10.76}, {106.70, 10.76}, {106.70, 10.75}}}}}
	if _, err := db.CreateZone(ctx, zonegis.System, z); err != nil {
		t.Fatal(err)
	}
	key, k, err := db.CreateKey(ctx, "Phòng Quy hoạch", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := db.CreateImportJob(ctx, zonegis.Actor{KeyID: k.ID, KeyName: k.Name, Role: "user", UserID: k.UserID}, zonegis.CollectionParcels, 10)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Pool().Exec(ctx, `UPDATE import_jobs SET status = 'running', started_at = now(), heartbeat_at = now() - interval '1 hour' WHERE id = $1::uuid`, stale.ID); err != nil {
		t.Fatal(err)
	}
	env := maps.Clone(c.env)
	env["ZONEGIS_LOG_LEVEL"] = "info"
	srv := startServerEnv(t, env)
	var status string
	if err := db.Pool().QueryRow(ctx, `SELECT status FROM import_jobs WHERE id = $1::uuid`, stale.ID).Scan(&status); err != nil || status != "failed" {
		t.Errorf("the dead instance's job is %q after a start (%v), want failed", status, err)
	}

	body := fmt.Sprintf(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[106.701,10.751],[106.702,10.751],[106.702,10.752],[106.701,10.752],[106.701,10.751]]]},
		"properties":{"zone_id":%d,"lot_code":"JOB-1","land_use":"industrial"}}]}`, z.ID)
	send := func(method, path, body string) (*http.Response, []byte) {
		req, err := http.NewRequest(method, srv.base+path, strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+key)
		if body != "" {
			req.Header.Set("Content-Type", "application/geo+json")
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		return res, b
	}
	res, b := send(http.MethodPost, "/collections/parcels/import?async=true", body)
	loc := res.Header.Get("Location")
	if res.StatusCode != http.StatusAccepted || !strings.HasPrefix(loc, "/jobs/") {
		t.Fatalf("async import: %d, Location %q, %s", res.StatusCode, loc, b)
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		res, b = send(http.MethodGet, loc, "")
		var j struct {
			Status string `json:"status"`
			Result *struct {
				Imported int `json:"imported"`
			} `json:"result"`
		}
		if err := json.Unmarshal(b, &j); err != nil || res.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d %s", loc, res.StatusCode, b)
		}
		if j.Status == "done" {
			if j.Result == nil || j.Result.Imported != 1 {
				t.Errorf("done job %s", b)
			}
			break
		}
		if j.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("job %s", b)
		}
		time.Sleep(20 * time.Millisecond)
	}
	logs := srv.logs.String()
	for _, want := range []string{"import jobs swept", "failed_stale=1", "import started", "import done", "imported=1"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the server log has no %q:\n%s", want, logs)
		}
	}
}
