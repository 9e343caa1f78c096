package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeAPI is the part of the API the mixed row's writer uses, over one
// state shared by two instances; each instance shows a write only lag
// after it was answered (as a follower would), so the writer's
// write-to-visible must come out at about each instance's lag.
type fakeAPI struct {
	mu      sync.Mutex
	version map[int64]int64     // committed
	shown   map[int64][]shownAt // per parcel: when each version becomes visible, per instance
	ops     map[int64][]string  // per parcel, the writes in order
	leases  map[int64][2]string // lease id → parcel id, start
	leaseOf map[int64]int64     // lease id → parcel
	bad     []string            // what the writer sent wrong
	lags    [2]time.Duration    // per instance
	lastEnd map[int64]string    // per parcel: the day its last lease ended (ISO)
	// took is how long each write takes before it is answered; inflight
	// counts a parcel's writes not yet answered, early the reads of a
	// parcel (on either instance) while one was, reads all of them.
	took         time.Duration
	inflight     map[int64]int
	early, reads int
}

type shownAt struct {
	version int64
	at      [2]time.Time
}

func (f *fakeAPI) handler(instance int) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
		id, _ := strconv.ParseInt(parts[len(parts)-1], 10, 64)
		if len(parts) > 2 {
			id, _ = strconv.ParseInt(parts[len(parts)-2], 10, 64)
		}
		if r.Method != http.MethodGet {
			f.mu.Lock()
			parcel := id
			if parts[0] == "leases" {
				parcel = f.leaseOf[id]
			} else if len(parts) > 3 {
				parcel, _ = strconv.ParseInt(parts[3], 10, 64)
			}
			f.inflight[parcel]++
			f.mu.Unlock()
			time.Sleep(f.took)
			defer func() { // after the answer is made, before it is sent
				f.mu.Lock()
				f.inflight[parcel]--
				f.mu.Unlock()
			}()
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		switch {
		case r.Method == http.MethodGet && strings.HasPrefix(r.URL.Path, "/collections/parcels/items/"):
			id, _ = strconv.ParseInt(parts[3], 10, 64)
			f.reads++
			if f.inflight[id] > 0 {
				f.early++
			}
			v := int64(1)
			for _, s := range f.shown[id] {
				if time.Now().After(s.at[instance]) {
					v = s.version
				}
			}
			tag := fmt.Sprintf(`"%d"`, v)
			w.Header().Set("ETag", tag)
			if r.Header.Get("If-None-Match") == tag {
				w.WriteHeader(http.StatusNotModified)
				return
			}
			fmt.Fprint(w, `{"type":"Feature","properties":{"land_use":"industrial"}}`)
			return
		case r.Header.Get("Authorization") != "Bearer k":
			f.bad = append(f.bad, "no key on "+r.URL.Path)
			w.WriteHeader(http.StatusUnauthorized)
			return
		case r.Method == http.MethodPatch:
			id, _ = strconv.ParseInt(parts[3], 10, 64)
			f.ops[id] = append(f.ops[id], "patch")
		case r.Method == http.MethodPost && parts[0] == "parcels" && id == refused:
			f.ops[id] = append(f.ops[id], "refused") // leased by someone else meanwhile
			w.WriteHeader(http.StatusConflict)
			return
		case r.Method == http.MethodPost && parts[0] == "parcels":
			var l struct{ Lessee, Country, Start, End string }
			if err := json.Unmarshal(body, &l); err != nil || l.Lessee != mixedLessee || l.Country != "VN" || l.End != "2070-01-01" || l.Start < f.lastEnd[id] {
				f.bad = append(f.bad, "lease "+string(body))
			}
			lid := int64(len(f.leases) + 1000)
			f.leases[lid] = [2]string{strconv.FormatInt(id, 10), l.Start}
			f.leaseOf[lid] = id
			f.ops[id] = append(f.ops[id], "lease")
			defer fmt.Fprintf(w, `{"id":%d}`, lid)
			w.WriteHeader(http.StatusCreated)
		case r.Method == http.MethodPost && parts[0] == "leases":
			l, ok := f.leases[id]
			var e struct {
				EndedOn string `json:"ended_on"`
			}
			start, _ := time.Parse(time.DateOnly, l[1])
			if json.Unmarshal(body, &e) != nil || !ok || e.EndedOn != start.AddDate(0, 0, 1).Format(time.DateOnly) {
				f.bad = append(f.bad, "end "+string(body))
			}
			id = f.leaseOf[id]
			f.lastEnd[id] = e.EndedOn
			f.ops[id] = append(f.ops[id], "end")
		default:
			f.bad = append(f.bad, r.Method+" "+r.URL.Path)
			w.WriteHeader(http.StatusNotFound)
			return
		}
		f.version[id]++
		now := time.Now()
		f.shown[id] = append(f.shown[id], shownAt{version: f.version[id] + 1, at: [2]time.Time{now.Add(f.lags[0]), now.Add(f.lags[1])}})
	})
}

// refused is the parcel whose leases fakeAPI refuses.
const refused = 101

// TestMixedWriter: the writer keeps its rate, cycles each parcel through
// PATCH, lease and end (each lease from the day the parcel's last ended,
// ended the next day: no two of a parcel's overlap), counts a refused
// write as an error and goes on with the next parcel, and times each write
// until each instance shows it, reading neither instance while the write
// has no answer (those reads are load the read-only run does not have).
func TestMixedWriter(t *testing.T) {
	f := &fakeAPI{version: map[int64]int64{}, shown: map[int64][]shownAt{}, ops: map[int64][]string{},
		leases: map[int64][2]string{}, leaseOf: map[int64]int64{}, lastEnd: map[int64]string{},
		lags: [2]time.Duration{20 * time.Millisecond, 100 * time.Millisecond},
		took: 10 * time.Millisecond, inflight: map[int64]int{}}
	a, b := httptest.NewServer(f.handler(0)), httptest.NewServer(f.handler(1))
	defer a.Close()
	defer b.Close()
	w := &writer{api: a.URL, key: "k", readers: []string{a.URL, b.URL},
		client: &http.Client{Timeout: 5 * time.Second}}
	var ids []int64
	from := map[int64]time.Time{}
	for i := range 2 * mixedLanes {
		ids = append(ids, int64(100+i))
		from[int64(100+i)] = time.Date(2000+i, 1, 1, 0, 0, 0, 0, time.UTC)
		f.lastEnd[int64(100+i)] = from[int64(100+i)].Format(time.DateOnly)
	}
	if err := w.prepare(context.Background(), ids, from); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
	defer cancel()
	st := w.run(ctx, mixedWritesPerSecond)
	// Parcel refused's lease is refused each time: the lane moves on to
	// its next parcel, and comes back to this one's PATCH.
	if st.errors != strings.Count(strings.Join(f.ops[refused], " "), "refused") || st.errors == 0 ||
		st.firstErr == nil || !strings.Contains(st.firstErr.Error(), "409") {
		t.Errorf("%d errors (first %v), want one for each refused lease: %v", st.errors, st.firstErr, f.ops[refused])
	}
	// 1.5 s at 20 a second: 30 ticks, less the first's 50 ms.
	if st.writes < 26 || st.writes > 30 {
		t.Errorf("%d writes in 1.5 s, want about 30", st.writes)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.bad) > 0 {
		t.Errorf("the writer sent: %q", f.bad)
	}
	if f.early > 0 {
		t.Errorf("%d of the writer's %d reads came while their parcel's write had no answer", f.early, f.reads)
	}
	n := 0
	for id, ops := range f.ops {
		cycle := []string{"patch", "lease", "end"}
		if id == refused {
			cycle = []string{"patch", "refused"}
		}
		for i, op := range ops {
			if op != cycle[i%len(cycle)] {
				t.Errorf("parcel %d: writes %v, want %v in turn", id, ops, cycle)
				break
			}
		}
		n += len(ops)
	}
	if n != st.writes {
		t.Errorf("the API got %d writes, the writer counts %d", n, st.writes)
	}
	for i, lag := range f.lags {
		lat, missed := w.visibility(i)
		if missed != 0 || lat.N != st.writes-st.errors {
			t.Errorf("instance %d: %d writes timed, %d missed; want %d, 0", i, lat.N, missed, st.writes-st.errors)
		}
		// Seen lag after the answer (took after sending), polled at most
		// every 10 ms; the bounds have room for make test's loaded 2 cores
		// (a 200 ms poll cap still puts the p50 past them).
		if lag += f.took; lat.P50 < lag || lat.P50 > lag+40*time.Millisecond || lat.P99 > lag+200*time.Millisecond {
			t.Errorf("instance %d, lag %v: write-to-visible p50 / p99 %s", i, lag, lat)
		}
	}
}
