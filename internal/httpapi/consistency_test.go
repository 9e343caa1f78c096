package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The tests here guard issue 11 points 2, 3 and 10: a parcel's status can
// never contradict its leases (the database derives it), no write route
// deadlocks with another, and without If-Match the last writer wins.

// TestStatusNeverContradictsLeases: a lease wholly in the past leaves the
// parcel available (and it can be reserved, released and leased again); a
// lease yet to start makes it reserved until its start, and that is not a
// hold that release lifts; an item write never changes the status.
func TestStatusNeverContradictsLeases(t *testing.T) {
	e := newWriteEnv(t)
	day := today()
	p := e.createParcel(t, "H1", zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002)
	item := fmt.Sprintf("/collections/parcels/items/%d", p.ID)

	// History: a lease that ended a month ago.
	past := e.leaseParcel(t, p.ID, map[string]any{"lessee": "Former Co.", "country": "VN",
		"start": dateOf(day.AddDate(-5, 0, 0)), "end": dateOf(day.AddDate(0, -1, 0))})
	if past.InForce {
		t.Fatalf("a lease that ended a month ago answers in force: %+v", past)
	}
	if s := e.parcelStatusNow(t, p.ID); s != zonegis.ParcelAvailable {
		t.Fatalf("after recording a past lease: %s, want available", s)
	}
	if s := e.statusOn(t, p.ID, day, ""); s.Leased || s.CurrentStatus != zonegis.ParcelAvailable {
		t.Fatalf("status route after a past lease: %+v", s)
	}
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", p.ID), e.planner, nil), http.StatusOK, "reserve after a past lease")
	want(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/release", p.ID), e.planner, nil), http.StatusOK, "release")

	// A signed lease from next month: reserved until it starts.
	start := day.AddDate(0, 1, 0)
	future := e.leaseParcel(t, p.ID, leaseBody("Future Co.", start, 10))
	if s := e.statusOn(t, p.ID, day, ""); s.Leased || s.CurrentStatus != zonegis.ParcelReserved || s.CurrentUntil == nil || *s.CurrentUntil != dateOf(start) {
		t.Fatalf("status with a lease from %s: %+v, want reserved until then", dateOf(start), s)
	}
	if s := e.statusOn(t, p.ID, start, ""); !s.Leased || s.Lease == nil || s.Lease.ID != future.ID {
		t.Fatalf("status on %s: %+v, want leased by lease %d", dateOf(start), s, future.ID)
	}
	wantProblem(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/release", p.ID), e.planner, nil),
		http.StatusConflict, zonegis.ECONFLICT, fmt.Sprintf("reserved by lease %d, which starts on %s", future.ID, dateOf(start)))
	wantProblem(t, e.send(t, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", p.ID), e.planner, nil),
		http.StatusConflict, zonegis.ECONFLICT, "is reserved")

	// An item write keeps the status the leases give, with or without it in
	// the body, and refuses another.
	put := e.parcelDoc("H1", polygon(zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002))
	put["properties"].(map[string]any)["land_use"] = "logistics"
	want(t, e.send(t, http.MethodPut, item, e.planner, put), http.StatusOK, "PUT without status")
	if s := e.parcelStatusNow(t, p.ID); s != zonegis.ParcelReserved {
		t.Fatalf("after PUT: %s, want reserved (by the lease to come)", s)
	}
	wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, `{"type":"Feature","properties":{"status":"available"}}`),
		http.StatusBadRequest, zonegis.EINVALID, "it is reserved, not available")

	// In the database: the parcels table holds no status at all, only the
	// reservation, and the view agrees with the leases.
	var n int
	e.scalar(t, `SELECT count(*) FROM information_schema.columns WHERE table_name = 'parcels' AND column_name = 'status'`, nil, &n)
	if n != 0 {
		t.Fatal("parcels still stores a status column")
	}
}

// TestStatusFollowsTheCalendar: when a lease reaches its end date the
// parcel is available, and when a signed lease starts it is leased, with no
// write by anyone: the database's day moves (zonegis.today stands in for
// the clock), and the index follows within its poll interval.
func TestStatusFollowsTheCalendar(t *testing.T) {
	e := newWriteEnv(t)
	day := today()
	ending := e.createParcel(t, "C1", zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002)
	starting := e.createParcel(t, "C2", zx0+0.003, zy0+0.001, zx0+0.004, zy0+0.002)
	e.leaseParcel(t, ending.ID, map[string]any{"lessee": "Ending Co.", "country": "JP",
		"start": dateOf(day.AddDate(-1, 0, 0)), "end": dateOf(day.AddDate(0, 0, 3))})
	e.leaseParcel(t, starting.ID, leaseBody("Starting Co.", day.AddDate(0, 0, 3), 5))
	if a, b := e.parcelStatusNow(t, ending.ID), e.parcelStatusNow(t, starting.ID); a != zonegis.ParcelLeased || b != zonegis.ParcelReserved {
		t.Fatalf("before: %s and %s, want leased and reserved", a, b)
	}
	etagBefore := e.get(t, "parcels", ending.ID).header.Get("ETag")
	var seq int64
	e.scalar(t, `SELECT max(seq) FROM changes`, nil, &seq)

	postgistest.SetToday(t, e.db, day.AddDate(0, 0, 3))
	t.Cleanup(func() { postgistest.SetToday(t, e.db, time.Time{}) })
	deadline := time.Now().Add(5 * time.Second)
	for {
		a, b := e.parcelStatusNow(t, ending.ID), e.parcelStatusNow(t, starting.ID)
		if a == zonegis.ParcelAvailable && b == zonegis.ParcelLeased {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("3 days on: %s and %s, want available (lease ended) and leased (lease started)", a, b)
		}
		time.Sleep(50 * time.Millisecond)
	}
	var after int64
	e.scalar(t, `SELECT max(seq) FROM changes`, nil, &after)
	if after != seq {
		t.Fatalf("the change log moved from %d to %d: something wrote", seq, after)
	}
	if tag := e.get(t, "parcels", ending.ID).header.Get("ETag"); tag == etagBefore {
		t.Fatalf("ETag %s unchanged though the status changed: a cache would keep the old status", tag)
	}
	// The statistics see the same day: the lease that ended is not counted.
	var inForce int
	e.scalar(t, `SELECT count(*) FROM parcels_now WHERE status = 'leased'`, nil, &inForce)
	if inForce != 1 {
		t.Fatalf("%d parcels leased in SQL, want 1", inForce)
	}
}

// TestPatchWithoutIfMatchLastWriterWins: concurrent PATCHes without
// If-Match all succeed (none is mistaken for a stale precondition) and each
// is applied; with a stale If-Match the answer is 412.
func TestPatchWithoutIfMatchLastWriterWins(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "P1", zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002)
	item := fmt.Sprintf("/collections/parcels/items/%d", p.ID)
	const n = 20
	codes := make([]int, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			use := zonegis.LandUses[i%len(zonegis.LandUses)]
			codes[i] = rawSend(e, http.MethodPatch, item, e.planner, fmt.Sprintf(`{"type":"Feature","properties":{"land_use":%q}}`, use), nil).status
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != http.StatusOK {
			t.Errorf("PATCH %d without If-Match: %d, want 200", i, c)
		}
	}
	var version int64
	e.scalar(t, `SELECT version FROM parcels WHERE id = $1`, []any{p.ID}, &version)
	if version != 1+n {
		t.Fatalf("version %d after %d PATCHes of version 1, want %d: a write was lost", version, n, 1+n)
	}
	wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, `{"type":"Feature","properties":{"land_use":"logistics"}}`, "If-Match", `"1"`),
		http.StatusPreconditionFailed, zonegis.EPRECONDITION, fmt.Sprintf("your version 1, current %d", version))
	// The ETag as read works as If-Match.
	tag := e.get(t, "parcels", p.ID).header.Get("ETag")
	want(t, e.send(t, http.MethodPatch, item, e.planner, `{"type":"Feature","properties":{"land_use":"warehouse"}}`, "If-Match", tag), http.StatusOK, "PATCH with the current ETag "+tag)
}

// TestBodyIDMustMatchURL: a PUT or PATCH whose body names another feature
// than its URL is refused; the same id, as a number or a string, is fine.
func TestBodyIDMustMatchURL(t *testing.T) {
	e := newWriteEnv(t)
	p := e.createParcel(t, "I1", zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002)
	item := fmt.Sprintf("/collections/parcels/items/%d", p.ID)
	doc := e.parcelDoc("I1", polygon(zx0+0.001, zy0+0.001, zx0+0.002, zy0+0.002))
	doc["id"] = p.ID + 1
	wantProblem(t, e.send(t, http.MethodPut, item, e.planner, doc), http.StatusBadRequest, zonegis.EINVALID,
		fmt.Sprintf("the body is feature %d but the URL names feature %d", p.ID+1, p.ID))
	wantProblem(t, e.send(t, http.MethodPatch, item, e.planner, fmt.Sprintf(`{"type":"Feature","id":"%d","properties":{}}`, p.ID+1)),
		http.StatusBadRequest, zonegis.EINVALID, "must agree")
	doc["id"] = p.ID
	want(t, e.send(t, http.MethodPut, item, e.planner, doc), http.StatusOK, "PUT with its own id")
	want(t, e.send(t, http.MethodPatch, item, e.planner, fmt.Sprintf(`{"type":"Feature","id":"%d","properties":{}}`, p.ID)), http.StatusOK, "PATCH with its own id as a string")
}

// TestConcurrentWriteRoutesKeepInvariants is the chaos test: 16 clients mix
// every write route — reserve, release, lease (past, current and future
// periods), end lease, PUT, PATCH, split and merge, with and without
// If-Match — on a handful of parcels of one zone for 20 s. Then: no answer
// was a 5xx (no deadlock, no unmapped error), every refusal was a 4xx
// problem with a reason, the SQL invariants hold, and the index equals the
// database.
func TestConcurrentWriteRoutesKeepInvariants(t *testing.T) {
	e := newWriteEnv(t)
	day := today()
	// Eight parcels of 0.001° side in a row, and room for nothing else: splits
	// and merges rework them.
	w := &chaos{e: e, day: day}
	for i := range 8 {
		x := zx0 + 0.0005 + float64(i)*0.0011
		f := e.createParcel(t, fmt.Sprintf("Q%d", i), x, zy0+0.001, x+0.001, zy0+0.002)
		w.live = append(w.live, f.ID)
	}
	const clients = 16
	// At least 20 s of the mix, and on until every route has succeeded
	// once (a loaded machine makes fewer requests), at most 60 s.
	routes := []string{"reserve", "release", "lease", "end", "put", "patch", "split", "merge"}
	started := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	go func() {
		for ctx.Err() == nil {
			time.Sleep(200 * time.Millisecond)
			if time.Since(started) < 20*time.Second {
				continue
			}
			w.mu.Lock()
			all := !slices.ContainsFunc(routes, func(r string) bool { return succeeded(w.counts[r]) == 0 })
			w.mu.Unlock()
			if all {
				cancel()
			}
		}
	}()
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(c), 11))
			for ctx.Err() == nil {
				w.step(rng)
			}
		}()
	}
	wg.Wait()

	w.mu.Lock()
	defer w.mu.Unlock()
	total := 0
	for route, byStatus := range w.counts {
		for status, n := range byStatus {
			total += n
			if status >= 500 {
				t.Errorf("%s: %d answers %d", route, n, status)
			}
		}
	}
	t.Logf("%d requests in %v by %d clients: %v", total, time.Since(started).Round(time.Second), clients, w.counts)
	for k, d := range w.firstDetail {
		t.Logf("first %s: %.200s", k, d)
	}
	for _, bad := range w.badProblems {
		t.Error(bad)
	}
	for _, route := range routes {
		if succeeded(w.counts[route]) == 0 {
			t.Errorf("route %s never succeeded: the mix did not exercise it (%v)", route, w.counts[route])
		}
	}

	// Invariants, in SQL.
	for _, c := range []struct{ what, query string }{
		{"parcels whose status contradicts their leases", `SELECT count(*) FROM parcels_now p WHERE
			(p.status = 'leased') <> EXISTS (SELECT 1 FROM leases l WHERE l.parcel_id = p.id
				AND l.start_date <= zg_today() AND zg_today() < coalesce(l.ended_on, l.end_date))
			OR (p.status = 'available') <> (p.reserved_on IS NULL AND NOT EXISTS (SELECT 1 FROM leases l
				WHERE l.parcel_id = p.id AND coalesce(l.ended_on, l.end_date) > zg_today()))`},
		{"held parcels that also have a lease in force or to come (the hold was not used up)", `SELECT count(*) FROM parcels p
			WHERE p.reserved_on IS NOT NULL AND EXISTS (SELECT 1 FROM leases l WHERE l.parcel_id = p.id
				AND coalesce(l.ended_on, l.end_date) > zg_today())`},
		{"pairs of leases of one parcel in force on the same day", `SELECT count(*) FROM leases a JOIN leases b
			ON a.parcel_id = b.parcel_id AND a.id < b.id
			AND daterange(a.start_date, coalesce(a.ended_on, a.end_date)) && daterange(b.start_date, coalesce(b.ended_on, b.end_date))`},
		{"retired parcels with a lease in force after their retirement", `SELECT count(*) FROM parcels_retired r JOIN leases l ON l.parcel_id = r.id
			WHERE coalesce(l.ended_on, l.end_date) > (r.retired_at AT TIME ZONE 'UTC' + interval '7 hours')::date`},
		{"leases on no parcel", `SELECT count(*) FROM leases l WHERE l.parcel_id NOT IN (SELECT id FROM parcels_all)`},
		{"overlapping parcels", `SELECT count(*) FROM parcels a JOIN parcels b ON a.id < b.id AND a.boundary && b.boundary
			AND ST_Area(ST_Intersection(a.boundary, b.boundary)::geography) >= 0.5`},
	} {
		var n int
		e.scalar(t, c.query, nil, &n)
		if n != 0 {
			t.Errorf("%d %s", n, c.what)
		}
	}

	// The index equals the database: every live parcel, with its status,
	// version and land use, and nothing else.
	var seq int64
	e.scalar(t, `SELECT max(seq) FROM changes`, nil, &seq)
	rows, err := e.pool.Query(context.Background(), `SELECT id, status, version, land_use, lot_code FROM parcels_now ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	wantRows := map[int64]string{}
	for rows.Next() {
		var id, version int64
		var status, use, lot string
		if err := rows.Scan(&id, &status, &version, &use, &lot); err != nil {
			t.Fatal(err)
		}
		wantRows[id] = fmt.Sprintf("%s v%d %s %s", status, version, use, lot)
	}
	rows.Close()
	var fc struct {
		Features []struct {
			ID         int64 `json:"id"`
			Properties struct {
				Status  string `json:"status"`
				Version int64  `json:"version"`
				LandUse string `json:"land_use"`
				LotCode string `json:"lot_code"`
			} `json:"properties"`
		} `json:"features"`
	}
	r := e.do(t, http.MethodGet, "/collections/parcels/items?limit=10000", nil, nil)
	if err := json.Unmarshal(r.body, &fc); err != nil {
		t.Fatal(err)
	}
	got := map[int64]string{}
	for _, f := range fc.Features {
		got[f.ID] = fmt.Sprintf("%s v%d %s %s", f.Properties.Status, f.Properties.Version, f.Properties.LandUse, f.Properties.LotCode)
	}
	for id, w := range wantRows {
		if got[id] != w {
			t.Errorf("parcel %d: index %q, database %q", id, got[id], w)
		}
	}
	for id := range got {
		if _, ok := wantRows[id]; !ok {
			t.Errorf("parcel %d in the index, not in the database", id)
		}
	}
	t.Logf("%d parcels at seq %d: index and database agree", len(wantRows), seq)
}

// chaos is the shared state of the concurrent clients.
type chaos struct {
	e   *writeEnv
	day time.Time

	mu          sync.Mutex
	live        []int64    // parcel ids believed live
	siblings    [][2]int64 // pieces of one split, adjacent, for merges
	leases      []int64    // lease ids believed not ended
	counts      map[string]map[int]int
	firstDetail map[string]string // route and status: the first problem's detail, for the log
	badProblems []string
	lots        atomic.Int64
}

func (w *chaos) pick(rng *rand.Rand) int64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	if len(w.live) == 0 {
		return 1
	}
	return w.live[rng.IntN(len(w.live))]
}

func (w *chaos) record(route string, r rawResponse) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.counts == nil {
		w.counts = map[string]map[int]int{}
	}
	if w.counts[route] == nil {
		w.counts[route] = map[int]int{}
	}
	w.counts[route][r.status]++
	if r.status >= 400 {
		var p problem
		if !strings.HasPrefix(r.contentType, "application/problem+json") || json.Unmarshal(r.body, &p) != nil || strings.TrimSpace(p.Detail) == "" {
			w.badProblems = append(w.badProblems, fmt.Sprintf("%s: %d without a problem and a reason: %.300s", route, r.status, r.body))
		}
		if w.firstDetail == nil {
			w.firstDetail = map[string]string{}
		}
		if k := fmt.Sprintf("%s %d", route, r.status); w.firstDetail[k] == "" {
			w.firstDetail[k] = p.Detail
		}
	}
}

// step sends one random write.
func (w *chaos) step(rng *rand.Rand) {
	e := w.e
	id := w.pick(rng)
	var hdr map[string]string
	if rng.IntN(3) == 0 {
		// Sometimes with the ETag as read (it may be stale by the time it
		// arrives: that must be a 412, never a lost write).
		if g := rawSend(e, http.MethodGet, fmt.Sprintf("/collections/parcels/items/%d", id), "", "", nil); g.status == http.StatusOK {
			hdr = map[string]string{"If-Match": g.header.Get("ETag")}
		}
	}
	switch op := rng.IntN(16); {
	case op < 2:
		w.record("reserve", rawSend(e, http.MethodPost, fmt.Sprintf("/parcels/%d/reserve", id), e.planner, "", hdr))
	case op < 4:
		w.record("release", rawSend(e, http.MethodPost, fmt.Sprintf("/parcels/%d/release", id), e.planner, "", hdr))
	case op < 7:
		// Past, current or future periods.
		var start, end time.Time
		switch rng.IntN(3) {
		case 0:
			start = w.day.AddDate(-10, 0, -rng.IntN(3000))
			end = start.AddDate(0, 0, 1+rng.IntN(300))
		case 1:
			start = w.day.AddDate(0, 0, -rng.IntN(30))
			end = w.day.AddDate(0, 0, 1+rng.IntN(3000))
		default:
			start = w.day.AddDate(0, 0, 1+rng.IntN(300))
			end = start.AddDate(1, 0, 0)
		}
		body := fmt.Sprintf(`{"lessee":"Chaos %d","country":"KR","start":%q,"end":%q,"capital_usd":1000000}`, rng.IntN(1000), dateOf(start), dateOf(end))
		r := rawSend(e, http.MethodPost, fmt.Sprintf("/parcels/%d/leases", id), e.planner, body, hdr)
		w.record("lease", r)
		var l struct{ ID int64 }
		if r.status == http.StatusCreated && json.Unmarshal(r.body, &l) == nil {
			w.mu.Lock()
			w.leases = append(w.leases, l.ID)
			w.mu.Unlock()
		}
	case op < 9:
		w.mu.Lock()
		var lid int64 = 999999
		if len(w.leases) > 0 {
			i := rng.IntN(len(w.leases))
			lid = w.leases[i]
			w.leases = append(w.leases[:i], w.leases[i+1:]...)
		}
		w.mu.Unlock()
		w.record("end", rawSend(e, http.MethodPost, fmt.Sprintf("/leases/%d/end", lid), e.planner, "", nil))
	case op < 11:
		// PUT the feature back as read, without its status, and another land use.
		g := rawSend(e, http.MethodGet, fmt.Sprintf("/collections/parcels/items/%d", id), "", "", nil)
		if g.status != http.StatusOK {
			return
		}
		var f map[string]any
		if json.Unmarshal(g.body, &f) != nil {
			return
		}
		props := f["properties"].(map[string]any)
		delete(props, "status")
		props["land_use"] = zonegis.LandUses[rng.IntN(3)]
		delete(f, "links")
		b, _ := json.Marshal(f)
		w.record("put", rawSend(e, http.MethodPut, fmt.Sprintf("/collections/parcels/items/%d", id), e.planner, string(b), hdr))
	case op < 13:
		body := fmt.Sprintf(`{"type":"Feature","properties":{"land_use":%q}}`, zonegis.LandUses[rng.IntN(4)])
		w.record("patch", rawSend(e, http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", id), e.planner, body, hdr))
	case op < 15:
		g := rawSend(e, http.MethodGet, fmt.Sprintf("/collections/parcels/items/%d", id), "", "", nil)
		var f struct {
			BBox []float64 `json:"bbox"`
		}
		if g.status != http.StatusOK || json.Unmarshal(g.body, &f) != nil || len(f.BBox) != 4 {
			w.record("split", rawSend(e, http.MethodPost, fmt.Sprintf("/parcels/%d/split", id), e.planner, `{"lots":[{"lot_code":"A"},{"lot_code":"B"}],"line":{"type":"LineString","coordinates":[[0,0],[0,1]]}}`, nil))
			return
		}
		mx := (f.BBox[0] + f.BBox[2]) / 2
		a, b := w.lots.Add(1), w.lots.Add(1)
		body := fmt.Sprintf(`{"lots":[{"lot_code":"S%d"},{"lot_code":"S%d"}],"line":{"type":"LineString","coordinates":[[%.9f,%.9f],[%.9f,%.9f]]}}`,
			a, b, mx, f.BBox[1]-0.0001, mx, f.BBox[3]+0.0001)
		r := rawSend(e, http.MethodPost, fmt.Sprintf("/parcels/%d/split", id), e.planner, body, hdr)
		w.record("split", r)
		var out struct {
			Features []struct {
				ID int64 `json:"id"`
			} `json:"features"`
		}
		if r.status == http.StatusCreated && json.Unmarshal(r.body, &out) == nil && len(out.Features) == 2 {
			w.mu.Lock()
			w.live = remove(w.live, id)
			w.live = append(w.live, out.Features[0].ID, out.Features[1].ID)
			w.siblings = append(w.siblings, [2]int64{out.Features[0].ID, out.Features[1].ID})
			w.mu.Unlock()
		}
	default:
		w.mu.Lock()
		pair := [2]int64{id, id + 1}
		// Siblings whose pieces are both still live (a piece split again or
		// merged elsewhere is gone).
		live := map[int64]bool{}
		for _, v := range w.live {
			live[v] = true
		}
		kept := w.siblings[:0]
		for _, sp := range w.siblings {
			if live[sp[0]] && live[sp[1]] {
				kept = append(kept, sp)
			}
		}
		w.siblings = kept
		if len(w.siblings) > 0 {
			i := rng.IntN(len(w.siblings))
			pair = w.siblings[i]
			w.siblings = append(w.siblings[:i], w.siblings[i+1:]...)
		}
		w.mu.Unlock()
		// The land use is named: PUTs and PATCHes change the pieces' land
		// uses at random, and a merge of two different ones must say which.
		body := fmt.Sprintf(`{"ids":[%d,%d],"lot_code":"M%d","land_use":%q}`, pair[0], pair[1], w.lots.Add(1), zonegis.LandUses[rng.IntN(3)])
		r := rawSend(e, http.MethodPost, "/parcels/merge", e.planner, body, nil)
		w.record("merge", r)
		var f struct {
			ID int64 `json:"id"`
		}
		if r.status == http.StatusCreated && json.Unmarshal(r.body, &f) == nil {
			w.mu.Lock()
			w.live = append(remove(remove(w.live, pair[0]), pair[1]), f.ID)
			w.mu.Unlock()
		}
	}
}

func remove(ids []int64, id int64) []int64 {
	out := ids[:0]
	for _, v := range ids {
		if v != id {
			out = append(out, v)
		}
	}
	return out
}

type rawResponse struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

// rawSend is send for goroutines: transport errors come back as status 0
// (counted, and failing the test as a non-answer) instead of t.Fatal.
func rawSend(e *writeEnv, method, path, key, body string, hdr map[string]string) rawResponse {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, e.url+path, rd)
	if err != nil {
		return rawResponse{body: []byte(err.Error())}
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return rawResponse{status: 599, body: []byte(err.Error())}
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return rawResponse{status: res.StatusCode, contentType: res.Header.Get("Content-Type"), header: res.Header, body: b}
}

// succeeded counts the 2xx answers of a route's tally by status.
func succeeded(byStatus map[int]int) int {
	ok := 0
	for status, n := range byStatus {
		if status < 300 {
			ok += n
		}
	}
	return ok
}
