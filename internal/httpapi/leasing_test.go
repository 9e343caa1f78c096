package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// lease is a lease as the API shows it; Capital and Contact are nil when
// the answer leaves them out.
type lease struct {
	ID               int64    `json:"id"`
	ParcelID         int64    `json:"parcel_id"`
	AncestorParcelID *int64   `json:"ancestor_parcel_id"`
	Lessee           string   `json:"lessee"`
	Country          string   `json:"country"`
	Start            string   `json:"start"`
	End              string   `json:"end"`
	EndedOn          *string  `json:"ended_on"`
	InForce          bool     `json:"in_force"`
	Workers          int32    `json:"workers"`
	CapitalUSD       *float64 `json:"capital_usd"`
	Contact          *string  `json:"contact"`
}

func dateOf(t time.Time) string { return t.Format(time.DateOnly) }

// today is the leasing calendar's day (Vietnam's), as the database has it.
func today() time.Time { return zonegis.Today(time.Now()) }

// leaseBody is a lease request from start for years.
func leaseBody(lessee string, start time.Time, years int) map[string]any {
	return map[string]any{"lessee": lessee, "country": "KR", "sector": "electronics",
		"start": dateOf(start), "end": dateOf(start.AddDate(years, 0, 0)),
		"capital_usd": 25_000_000, "workers": 800, "contact": "ops@example.kr"}
}

// leaseParcel leases parcel id as the planner and returns the lease.
func (e *writeEnv) leaseParcel(t *testing.T, id int64, body any) lease {
	t.Helper()
	r := e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", id), e.planner, body)
	want(t, r, http.StatusCreated, "lease")
	var l lease
	if err := json.Unmarshal(r.body, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

// history reads GET /parcels/{id}/leases with key.
func (e *writeEnv) history(t *testing.T, id int64, key string) []lease {
	t.Helper()
	r := e.send(t, http.MethodGet, fmt.Sprintf("/parcels/%d/leases", id), key, nil)
	want(t, r, http.StatusOK, "lease history")
	var out struct {
		ParcelID int64   `json:"parcel_id"`
		Leases   []lease `json:"leases"`
	}
	if err := json.Unmarshal(r.body, &out); err != nil || out.ParcelID != id {
		t.Fatalf("history of %d: %v %s", id, err, r.body)
	}
	return out.Leases
}

// statusOn reads GET /parcels/{id}/status?date=.
type parcelStatus struct {
	Date          string  `json:"date"`
	Leased        bool    `json:"leased"`
	Lease         *lease  `json:"lease"`
	CurrentStatus string  `json:"current_status"`
	CurrentUntil  *string `json:"current_status_until"`
}

func (e *writeEnv) statusOn(t *testing.T, id int64, on time.Time, key string) parcelStatus {
	t.Helper()
	r := e.send(t, http.MethodGet, fmt.Sprintf("/parcels/%d/status?date=%s", id, dateOf(on)), key, nil)
	want(t, r, http.StatusOK, "status as of "+dateOf(on))
	var s parcelStatus
	if err := json.Unmarshal(r.body, &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func (e *writeEnv) parcelStatusNow(t *testing.T, id int64) string {
	t.Helper()
	r := e.get(t, "parcels", id)
	want(t, r, http.StatusOK, "GET parcel")
	s, _ := decodeFeature(t, r).Properties["status"].(string)
	return s
}

// TestLeaseConcurrentRequests sends 50 lease requests for one available
// parcel at once: exactly one gets 201, the other 49 get 409, and the
// database holds one lease.
func TestLeaseConcurrentRequests(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "C1", 106.700, 10.750, 106.702, 10.752)
	const n = 50
	statuses := make([]int, n)
	details := make([]string, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", p.ID), e.planner,
				leaseBody(fmt.Sprintf("Lessee %02d Co., Ltd.", i), today(), 30))
			statuses[i] = r.status
			var pr problem
			_ = json.Unmarshal(r.body, &pr)
			details[i] = pr.Detail
		}()
	}
	close(start)
	wg.Wait()
	created, conflicts := 0, 0
	for i, s := range statuses {
		switch s {
		case http.StatusCreated:
			created++
		case http.StatusConflict:
			conflicts++
			if !strings.Contains(details[i], "already leased") && !strings.Contains(details[i], "lease in force") {
				t.Errorf("409 detail %q does not say the parcel is taken", details[i])
			}
		default:
			t.Errorf("request %d: status %d (%s)", i, s, details[i])
		}
	}
	if created != 1 || conflicts != n-1 {
		t.Fatalf("%d created, %d conflicts; want 1 and %d", created, conflicts, n-1)
	}
	var leases int
	e.scalar(t, `SELECT count(*) FROM leases WHERE parcel_id = $1`, []any{p.ID}, &leases)
	if leases != 1 {
		t.Fatalf("%d leases in the database, want 1", leases)
	}
	if s := e.parcelStatusNow(t, p.ID); s != zonegis.ParcelLeased {
		t.Fatalf("parcel status %q, want leased", s)
	}
}

// TestLeaseWorkflow walks reserve, release, lease, end and the history and
// status of a parcel on past dates, each visible to the next read.
func TestLeaseWorkflow(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "W1", 106.700, 10.750, 106.702, 10.752)
	path := func(f string, args ...any) string { return fmt.Sprintf(f, args...) }

	// Reserve and release.
	r := e.send(t, http.MethodPost, path("/parcels/%d/reserve", p.ID), e.planner, nil, "If-Match", `"1"`)
	want(t, r, http.StatusOK, "reserve")
	if s := e.parcelStatusNow(t, p.ID); s != zonegis.ParcelReserved {
		t.Fatalf("after reserve: %s", s)
	}
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/reserve", p.ID), e.planner, nil), http.StatusConflict, zonegis.ECONFLICT,
		"is reserved; only an available parcel can be reserved")
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/release", p.ID), e.planner, nil, "If-Match", `"1"`),
		http.StatusPreconditionFailed, zonegis.EPRECONDITION, "current 2")
	want(t, e.send(t, http.MethodPost, path("/parcels/%d/release", p.ID), e.planner, nil), http.StatusOK, "release")
	if s := e.parcelStatusNow(t, p.ID); s != zonegis.ParcelAvailable {
		t.Fatalf("after release: %s", s)
	}
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/release", p.ID), e.planner, nil), http.StatusConflict, zonegis.ECONFLICT,
		"is available; only a reserved parcel can be released")

	// Bad lease requests say what is wrong and write nothing.
	bad := leaseBody("X", today(), 1)
	bad["country"], bad["end"] = "Korea", dateOf(today().AddDate(-1, 0, 0))
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/leases", p.ID), e.planner, bad), http.StatusBadRequest, zonegis.EINVALID,
		"country must be an ISO 3166-1 alpha-2 code", "end must be after start")
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/leases", p.ID), e.planner, `{"lessee": "X", "tenant": "Y"}`),
		http.StatusBadRequest, zonegis.EINVALID, `unknown field "tenant"`)
	wantProblem(t, e.send(t, http.MethodPost, "/parcels/999999/leases", e.planner, leaseBody("X", today(), 1)),
		http.StatusNotFound, zonegis.ENOTFOUND, "no parcel with id 999999")
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/leases", p.ID), e.planner, leaseBody("X", today(), 1), "If-Match", `"1"`),
		http.StatusPreconditionFailed, zonegis.EPRECONDITION)

	// Lease from 400 days ago for 10 years.
	start := today().AddDate(0, 0, -400)
	l := e.leaseParcel(t, p.ID, leaseBody("Samsung Electronics HCMC CE Complex", start, 10))
	if !l.InForce || l.CapitalUSD == nil || *l.CapitalUSD != 25e6 || l.Contact == nil {
		t.Fatalf("lease answer %+v: want in force, with capital and contact for the planner", l)
	}
	if s := e.parcelStatusNow(t, p.ID); s != zonegis.ParcelLeased {
		t.Fatalf("after lease: %s", s)
	}
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/leases", p.ID), e.planner, leaseBody("Late Co.", today(), 5)),
		http.StatusConflict, zonegis.ECONFLICT, "already has a lease in force in that period")
	wantProblem(t, e.send(t, http.MethodPost, path("/parcels/%d/reserve", p.ID), e.planner, nil), http.StatusConflict, zonegis.ECONFLICT, "is leased")

	// End it today: the parcel is available again at once.
	r = e.send(t, http.MethodPost, path("/leases/%d/end", l.ID), e.planner, map[string]any{"ended_on": dateOf(today())})
	want(t, r, http.StatusOK, "end lease")
	var ended lease
	if err := json.Unmarshal(r.body, &ended); err != nil || ended.EndedOn == nil || *ended.EndedOn != dateOf(today()) || ended.InForce {
		t.Fatalf("ended lease %s", r.body)
	}
	if s := e.parcelStatusNow(t, p.ID); s != zonegis.ParcelAvailable {
		t.Fatalf("after ending the lease: %s, want available", s)
	}
	wantProblem(t, e.send(t, http.MethodPost, path("/leases/%d/end", l.ID), e.planner, nil), http.StatusConflict, zonegis.ECONFLICT, "already ended")
	wantProblem(t, e.send(t, http.MethodPost, "/leases/999999/end", e.planner, nil), http.StatusNotFound, zonegis.ENOTFOUND)

	// A second lease from next month; the history has both, oldest first.
	next := today().AddDate(0, 1, 0)
	l2 := e.leaseParcel(t, p.ID, leaseBody("Hyosung Vietnam", next, 20))
	h := e.history(t, p.ID, e.planner)
	if len(h) != 2 || h[0].ID != l.ID || h[1].ID != l2.ID || h[0].EndedOn == nil || h[1].InForce {
		t.Fatalf("history %+v", h)
	}

	// Status as of dates.
	for _, c := range []struct {
		on     time.Time
		leased bool
		lease  int64
	}{
		{start.AddDate(0, 0, -1), false, 0},
		{start, true, l.ID},
		{start.AddDate(0, 6, 0), true, l.ID},
		{today().AddDate(0, 0, -1), true, l.ID},
		{today(), false, 0}, // ended today: [start, ended_on)
		{next.AddDate(0, 0, -1), false, 0},
		{next, true, l2.ID},
		{next.AddDate(20, 0, 0), false, 0},
	} {
		s := e.statusOn(t, p.ID, c.on, "")
		if s.Leased != c.leased || (c.leased && (s.Lease == nil || s.Lease.ID != c.lease)) || s.Date != dateOf(c.on) {
			t.Errorf("status on %s: %+v, want leased %v by lease %d", dateOf(c.on), s, c.leased, c.lease)
		}
		// Today no lease is in force; the signed one from next month holds
		// the parcel: reserved until it starts.
		if s.CurrentStatus != zonegis.ParcelReserved || s.CurrentUntil == nil || *s.CurrentUntil != dateOf(next) {
			t.Errorf("current status %q until %v, want reserved until %s (by the lease from next month)", s.CurrentStatus, s.CurrentUntil, dateOf(next))
		}
	}
	wantProblem(t, e.send(t, http.MethodGet, path("/parcels/%d/status?date=yesterday", p.ID), "", nil), http.StatusBadRequest, zonegis.EINVALID, "YYYY-MM-DD")
	wantProblem(t, e.send(t, http.MethodGet, "/parcels/999999/status", "", nil), http.StatusNotFound, zonegis.ENOTFOUND)
}

// TestLeaseConfidentialFields checks that capital and contact are hidden
// from public readers of the history and the status, and shown to planners
// and admins.
func TestLeaseConfidentialFields(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "S1", 106.700, 10.750, 106.702, 10.752)
	start := today().AddDate(0, 0, -10)
	e.leaseParcel(t, p.ID, leaseBody("Intel Products Vietnam", start, 5))
	for _, reader := range []struct {
		name, key string
		sees      bool
	}{{"public", "", false}, {"planner", e.planner, true}, {"admin", e.admin, true}} {
		r := e.send(t, http.MethodGet, fmt.Sprintf("/parcels/%d/leases", p.ID), reader.key, nil)
		want(t, r, http.StatusOK, reader.name+" history")
		body := string(r.body)
		if has := strings.Contains(body, `"capital_usd"`) || strings.Contains(body, "ops@example.kr") || strings.Contains(body, `"contact"`); has != reader.sees {
			t.Errorf("%s reads the history: confidential fields shown %v, want %v: %s", reader.name, has, reader.sees, body)
		}
		if !strings.Contains(body, "Intel Products Vietnam") || !strings.Contains(body, `"workers":800`) {
			t.Errorf("%s reads the history without the lessee or workers: %s", reader.name, body)
		}
		r = e.send(t, http.MethodGet, fmt.Sprintf("/parcels/%d/status?date=%s", p.ID, dateOf(start)), reader.key, nil)
		want(t, r, http.StatusOK, reader.name+" status")
		body = string(r.body)
		if has := strings.Contains(body, `"capital_usd"`) || strings.Contains(body, `"contact"`); has != reader.sees {
			t.Errorf("%s reads the status: confidential fields shown %v, want %v: %s", reader.name, has, reader.sees, body)
		}
	}
}
