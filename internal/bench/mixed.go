package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zonegis/zonegis/internal/postgis"
)

// mixedWritesPerSecond is the mixed row's write rate through the API.
const mixedWritesPerSecond = 20

// Targets of the mixed rows (issue 17): reads under writes at least 85%
// of the read-only rate, their p99 under 25 ms, and each write visible on
// both instances within 1 s (p99).
const (
	mixedReadRatio  = 0.85
	mixedReadP99    = 25 * time.Millisecond
	mixedVisibleP99 = time.Second
)

// mixedLessee names the mixed row's leases.
const mixedLessee = "Benchmark writer (zonegisbench mixed row)"

// mixedLanes is how many writers share the write rate: each owns its
// parcels and writes them in order (a lease before its end), so a slow
// write delays only its own lane.
const mixedLanes = 8

// visibleTimeout bounds the wait for one write to be seen; a write not
// seen by then counts at this latency (and as not visible).
const visibleTimeout = 5 * time.Second

// luaMixedReads is a wrk script whose requests are, at random in equal
// shares, a point lookup, a bbox page of about 64 parcels and a z15 parcel
// tile, each at a random place inside a random zone (as luaRandomPaths).
const luaMixedReads = `
math.randomseed(%d)
local zones, cols, spacing, side, box = %d, 20, %g, %g, %g
request = function()
  local z = math.random(0, zones - 1)
  local x0 = 105.5 + (z %% cols) * spacing
  local y0 = 10.0 + math.floor(z / cols) * spacing
  local kind = math.random(1, 3)
  if kind == 1 then
    local lon = x0 + math.random() * side
    local lat = y0 + math.random() * side
    return wrk.format("GET", string.format("/query/at?lon=%%.6f&lat=%%.6f", lon, lat))
  elseif kind == 2 then
    local lon = x0 + math.random() * (side - box)
    local lat = y0 + math.random() * (side - box)
    return wrk.format("GET", string.format("/collections/parcels/items?bbox=%%.6f,%%.6f,%%.6f,%%.6f&limit=100", lon, lat, lon + box, lat + box))
  end
  local lon = x0 + math.random() * side
  local lat = y0 + math.random() * side
  local n = 2 ^ 15
  local x = math.floor((lon + 180) / 360 * n)
  local rad = math.rad(lat)
  local y = math.floor((1 - math.log(math.tan(rad) + 1 / math.cos(rad)) / math.pi) / 2 * n)
  return wrk.format("GET", string.format("/tiles/parcels/15/%%d/%%d.mvt", x, y))
end
`

// mixedResults measures reads while a writer writes: the reads of
// luaMixedReads on the first instance (ours), once to warm its caches and
// then in rounds that alternate
// with the same reads and no writer, while the writer makes
// mixedWritesPerSecond writes a second through ours (PATCH of a parcel's
// land use, a lease on it from today, that lease ended today: each moves
// the parcel's version); and, for each write, the time from sending it
// until a read of the parcel on ours, and on a second instance started
// over the same database, shows its new ETag (write-to-visible).
func mixedResults(ctx context.Context, o Options, db *postgis.DB, dbURL, ours string, box float64, l rowLabels, log *slog.Logger) ([]Result, error) {
	key, _, err := db.CreateKey(ctx, "zonegisbench mixed-row writer", "admin")
	if err != nil {
		return nil, fmt.Errorf("writer key: %w", err)
	}
	// Available parcels spread over the zones (ids grow zone by zone).
	var ids []int64
	rows, err := db.Pool().Query(ctx, `SELECT id FROM parcels_now WHERE status = 'available' ORDER BY (id * 7919) % 1000003 LIMIT $1`, mixedLanes*16)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	// Each parcel's leases start on days of its own in the past, each the
	// day its last lease ended (in this run or an earlier one on the kept
	// dataset; 2000-01-01 for a parcel never leased): leased from that day
	// until 2070, the parcel is leased; ended the next day, it is available
	// again, and none of its lease periods overlaps another.
	from := map[int64]time.Time{}
	rows, err = db.Pool().Query(ctx, `SELECT p.id, coalesce(max(coalesce(l.ended_on, l.end_date)), DATE '2000-01-01'), zg_today()
		FROM unnest($1::bigint[]) p(id) LEFT JOIN leases l ON l.parcel_id = p.id GROUP BY p.id`, ids)
	if err != nil {
		return nil, err
	}
	for rows.Next() {
		var id int64
		var day, today time.Time
		if err := rows.Scan(&id, &day, &today); err != nil {
			rows.Close()
			return nil, err
		}
		if day.AddDate(0, 0, 1000).Before(today) { // room for a thousand leases
			from[id] = day
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	ids = slices.DeleteFunc(ids, func(id int64) bool { _, ok := from[id]; return !ok })
	if len(ids) < mixedLanes {
		return nil, fmt.Errorf("mixed: %d available parcels, want at least %d", len(ids), mixedLanes)
	}
	second, err := startServer(ctx, o.Binary, dbURL, log)
	if err != nil {
		return nil, fmt.Errorf("second instance: %w", err)
	}
	defer second.stop()
	w := &writer{api: ours, key: key,
		readers: []string{ours, "http://" + second.addr},
		client:  &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 4 * mixedLanes}, Timeout: 30 * time.Second}}
	if err := w.prepare(ctx, ids, from); err != nil {
		return nil, err
	}

	d := o.Dataset
	script := fmt.Sprintf(luaMixedReads, 42, d.Zones, d.spacing(), d.side(), box)
	var mixed, alone []float64
	var mixedLat, aloneLat []Latency
	var p99s []float64
	reads := Result{Name: l.mixedReads, Unit: "req/s", BaselineName: "the same reads, no writes (read-only run)",
		Target: mixedReadRatio, TargetText: fmt.Sprintf("≥ %.0f%% of the read-only run", 100*mixedReadRatio)}
	var wrote, writeErrs int
	var took time.Duration
	// The reads once before the rounds, not counted: each run of the script
	// asks the same tiles, so without it the first round's run under writes
	// rendered the tiles its read-only run then found cached (issue 17: a
	// cold first round is the writes' fault no more than the reads').
	if _, err := runWrk(ctx, o.Load, o.WorkDir, ours+"/", script); err != nil {
		return nil, err
	}
	for range max(o.Load.Rounds, 1) {
		wctx, stop := context.WithCancel(ctx)
		start := time.Now()
		done := make(chan writerStats, 1)
		go func() { done <- w.run(wctx, mixedWritesPerSecond) }()
		a, err := runWrk(ctx, o.Load, o.WorkDir, ours+"/", script)
		stop()
		st := <-done
		took += time.Since(start)
		if err != nil {
			return nil, err
		}
		wrote, writeErrs = wrote+st.writes, writeErrs+st.errors
		b, err := runWrk(ctx, o.Load, o.WorkDir, ours+"/", script)
		if err != nil {
			return nil, err
		}
		mixed, alone = append(mixed, a.RPS), append(alone, b.RPS)
		mixedLat, aloneLat = append(mixedLat, a.Latency), append(aloneLat, b.Latency)
		p99s = append(p99s, float64(a.Latency.P99)/float64(time.Millisecond))
		reads.OursErrors += a.Errors
		reads.BaselineErrors += b.Errors
		reads.Ratios = append(reads.Ratios, a.RPS/b.RPS)
		log.Info("mixed round", "reads_under_writes", int(a.RPS), "reads_alone", int(b.RPS), "writes", st.writes, "write_errors", st.errors, "first_error", st.firstErr)
	}
	reads.Ours, reads.Baseline = median(mixed), median(alone)
	reads.Pass = reads.Ratio() >= reads.Target
	reads.OursLatency, reads.BaselineLatency = mixedLat[medianIndex(mixed)], aloneLat[medianIndex(alone)]
	reads.Note = fmt.Sprintf("%d writes through the API in %.0f s (%.1f a second: PATCH parcels, leases, lease ends), %d failed; "+
		"wrk on the writing instance; the writer's reads of its parcels (to see each write) are not counted",
		wrote, took.Seconds(), float64(wrote)/took.Seconds(), writeErrs)
	p99 := median(p99s)
	tail := Result{Name: l.mixedP99, Unit: "ms", Ours: p99, OursLatency: mixedLat[medianIndex(p99s)],
		Target: float64(mixedReadP99) / float64(time.Millisecond), TargetText: fmt.Sprintf("< %d ms", mixedReadP99.Milliseconds()),
		LowerIsBetter: true, AbsoluteTarget: true, Pass: p99 < float64(mixedReadP99)/float64(time.Millisecond),
		Note: fmt.Sprintf("median of the %d rounds' p99 (%s)", len(p99s), joinMS(p99s))}
	out := []Result{reads, tail}
	for i, name := range []string{l.visibleHere, l.visibleThere} {
		lat, missed := w.visibility(i)
		r := Result{Name: name, Unit: "ms", Ours: float64(lat.P99) / float64(time.Millisecond), OursLatency: lat,
			Target: float64(mixedVisibleP99) / float64(time.Millisecond), TargetText: "p99 < 1 s",
			LowerIsBetter: true, AbsoluteTarget: true, Pass: lat.N > 0 && lat.P99 < mixedVisibleP99 && missed == 0,
			Note: fmt.Sprintf("p99 shown; from sending each write to the first read of its parcel (GET item, If-None-Match) "+
				"showing the new ETag, polled every 1–10 ms from the write's answer on; %d writes, %d not seen within %s", lat.N, missed, visibleTimeout)}
		if i == 0 {
			r.Note += fmt.Sprintf("; the writes' own answers took p50 / p99 %s", w.answerLatency())
		} else {
			r.Note += fmt.Sprintf("; seen here later than on the writing instance by p50 / p99 %s", w.behindLatency())
		}
		out = append(out, r)
	}
	return out, nil
}

func joinMS(xs []float64) string {
	var b bytes.Buffer
	for i, x := range xs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(num(x))
	}
	return b.String() + " ms"
}

// writer makes the mixed row's writes through the API and times when each
// becomes visible on each of readers (the writing instance first).
type writer struct {
	api, key string
	readers  []string
	client   *http.Client

	lanes []*lane

	mu      sync.Mutex
	visible [][]time.Duration // per reader: each write's write-to-visible
	answers []time.Duration   // each write's own latency, sending to answer
	behind  []time.Duration   // each write: seen on the second reader less seen on the first
	missed  []int             // per reader: writes not seen within visibleTimeout
}

// lane is one writer's parcels and where each stands. Only its own
// goroutine touches it.
type lane struct {
	parcels []*target
	next    int // parcels[next/3] gets op next%3
}

// target is a parcel the writer cycles through: PATCH its land use, lease
// it, end that lease.
type target struct {
	id      int64
	etag    string // as last seen on every reader
	landUse string
	lease   int64     // the lease in force, between op 1 and op 2
	start   time.Time // its start; the next lease starts the day after
}

// writerStats counts one run's writes.
type writerStats struct {
	writes, errors int
	firstErr       error
}

// prepare reads each parcel's ETag and land use (on the writing instance)
// and shares the parcels among the lanes; from is the day each parcel's
// first lease starts.
func (w *writer) prepare(ctx context.Context, ids []int64, from map[int64]time.Time) error {
	w.lanes = make([]*lane, mixedLanes)
	for i := range w.lanes {
		w.lanes[i] = &lane{}
	}
	w.visible = make([][]time.Duration, len(w.readers))
	w.missed = make([]int, len(w.readers))
	for i, id := range ids {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, fmt.Sprintf("%s/collections/parcels/items/%d", w.api, id), nil)
		if err != nil {
			return err
		}
		resp, err := w.client.Do(req)
		if err != nil {
			return err
		}
		var f struct {
			Properties struct {
				LandUse string `json:"land_use"`
			} `json:"properties"`
		}
		err = json.NewDecoder(resp.Body).Decode(&f)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK || resp.Header.Get("ETag") == "" {
			return fmt.Errorf("mixed: parcel %d: %s, ETag %q, %v", id, resp.Status, resp.Header.Get("ETag"), err)
		}
		ln := w.lanes[i%mixedLanes]
		ln.parcels = append(ln.parcels, &target{id: id, etag: resp.Header.Get("ETag"), landUse: f.Properties.LandUse,
			start: from[id].AddDate(0, 0, -1)})
	}
	return nil
}

// run writes at rate writes a second until ctx ends: a tick hands the
// next write to whichever lane is free (a tick when none is, and one is
// already waiting, is dropped: the rate reported is the rate achieved).
// It returns when every write it started has been seen or timed out.
func (w *writer) run(ctx context.Context, rate int) writerStats {
	ticks := make(chan struct{}, 1)
	var writes, errs atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	for _, ln := range w.lanes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-ctx.Done():
					return
				case <-ticks:
				}
				writes.Add(1)
				if err := w.step(ln); err != nil {
					errs.Add(1)
					errOnce.Do(func() { firstErr = err })
				}
			}
		}()
	}
	t := time.NewTicker(time.Second / time.Duration(rate))
	defer t.Stop()
loop:
	for {
		select {
		case <-ctx.Done():
			break loop
		case <-t.C:
			select {
			case ticks <- struct{}{}:
			default:
			}
		}
	}
	wg.Wait()
	st := writerStats{writes: int(writes.Load()), errors: int(errs.Load())}
	st.firstErr = firstErr
	return st
}

// step makes lane ln's next write and waits until every reader shows it.
func (w *writer) step(ln *lane) error {
	p := ln.parcels[(ln.next/3)%len(ln.parcels)]
	op := ln.next % 3
	var method, path, body string
	switch op {
	case 0:
		p.landUse = map[bool]string{true: "logistics", false: "industrial"}[p.landUse == "industrial"]
		method, path, body = http.MethodPatch, fmt.Sprintf("/collections/parcels/items/%d", p.id),
			fmt.Sprintf(`{"type":"Feature","properties":{"land_use":%q}}`, p.landUse)
	case 1:
		p.start = p.start.AddDate(0, 0, 1)
		method, path, body = http.MethodPost, fmt.Sprintf("/parcels/%d/leases", p.id),
			fmt.Sprintf(`{"lessee":%q,"country":"VN","start":%q,"end":"2070-01-01"}`, mixedLessee, p.start.Format(time.DateOnly))
	default: // ended the day after it started: available again
		method, path, body = http.MethodPost, fmt.Sprintf("/leases/%d/end", p.lease),
			fmt.Sprintf(`{"ended_on":%q}`, p.start.AddDate(0, 0, 1).Format(time.DateOnly))
	}
	// Reads start with the write's answer, and the time is still counted
	// from sending it: an upper bound of when each instance showed it.
	// The writing instance answers only once its index holds the write, so
	// its first read after the answer sees it; the second instance may
	// have shown it before, and then is timed at the answer. Reads from
	// sending on (polls every 1–10 ms through writes of 60–150 ms) made
	// about 35 reads per write on the two instances, 700 a second on the
	// machine the read-only run did not have, and the harness's own CPU
	// for them: a tenth of what the row's processes got (issue 17).
	ctx, cancel := context.WithTimeout(context.Background(), visibleTimeout)
	defer cancel()
	sent := time.Now()
	type seen struct {
		etag string
		took time.Duration
		err  error
	}
	done := make(chan struct{}) // the write has its answer
	got := make([]chan seen, len(w.readers))
	for i, base := range w.readers {
		got[i] = make(chan seen, 1)
		go func() {
			<-done
			etag, err := w.waitChanged(ctx, fmt.Sprintf("%s/collections/parcels/items/%d", base, p.id), p.etag)
			got[i] <- seen{etag, time.Since(sent), err}
		}()
	}
	status, answer, err := w.send(method, path, body)
	answered := time.Since(sent)
	if err == nil && status != http.StatusOK && status != http.StatusCreated {
		err = fmt.Errorf("%s %s: %d %.200s", method, path, status, answer)
	}
	if err != nil {
		cancel() // nothing to see; and the next write on this parcel starts from what is there
	}
	close(done)
	seens := make([]seen, len(got))
	for i := range got {
		seens[i] = <-got[i]
	}
	if err != nil {
		for _, s := range seens {
			if s.err == nil {
				p.etag = s.etag
			}
		}
		ln.next = (ln.next/3 + 1) * 3 // on to the next parcel's PATCH (and the day after this lease's)
		return err
	}
	var firstErr error
	w.mu.Lock()
	for i, s := range seens {
		if s.err != nil {
			w.visible[i] = append(w.visible[i], visibleTimeout)
			w.missed[i]++
			firstErr = s.err
			continue
		}
		w.visible[i] = append(w.visible[i], s.took)
	}
	if seens[0].err == nil {
		p.etag = seens[0].etag
	}
	if len(seens) == 2 && seens[0].err == nil && seens[1].err == nil {
		w.behind = append(w.behind, seens[1].took-seens[0].took)
	}
	w.answers = append(w.answers, answered)
	w.mu.Unlock()
	if op == 1 {
		var l struct{ ID int64 }
		if err := json.Unmarshal(answer, &l); err != nil || l.ID == 0 {
			return fmt.Errorf("lease answer %.200s: %v", answer, err)
		}
		p.lease = l.ID
	}
	ln.next++
	return firstErr
}

// send makes one write with the writer's key.
func (w *writer) send(method, path, body string) (int, []byte, error) {
	var rd io.Reader
	if body != "" {
		rd = bytes.NewReader([]byte(body))
	}
	req, err := http.NewRequest(method, w.api+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+w.key)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := w.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return resp.StatusCode, b, err
}

// waitChanged reads url (If-None-Match: etag) until its ETag is another
// than etag, every 1 ms at first, then less often up to every 10 ms, and
// returns the new ETag; ctx's error when it ends first.
func (w *writer) waitChanged(ctx context.Context, url, etag string) (string, error) {
	wait := time.Millisecond
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return "", err
		}
		req.Header.Set("If-None-Match", etag)
		resp, err := w.client.Do(req)
		if err == nil {
			io.Copy(io.Discard, resp.Body) //nolint:errcheck // only the header matters
			resp.Body.Close()
			if tag := resp.Header.Get("ETag"); resp.StatusCode == http.StatusOK && tag != "" && tag != etag {
				return tag, nil
			}
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", fmt.Errorf("%s: ETag still %s after %s", url, etag, visibleTimeout)
		case <-t.C:
		}
		wait = min(wait*3/2+time.Millisecond/2, 10*time.Millisecond)
	}
}

// answerLatency is the writes' own p50 and p99, from sending each to its
// answer.
func (w *writer) answerLatency() Latency {
	w.mu.Lock()
	defer w.mu.Unlock()
	return percentiles(slices.Clone(w.answers))
}

// behindLatency is how much later the second reader showed each write
// than the first: the followers' difference, without the write's own time.
func (w *writer) behindLatency() Latency {
	w.mu.Lock()
	defer w.mu.Unlock()
	return percentiles(slices.Clone(w.behind))
}

// visibility is reader i's write-to-visible p50 and p99 over every write
// so far, and how many it did not see in time.
func (w *writer) visibility(i int) (Latency, int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return percentiles(slices.Clone(w.visible[i])), w.missed[i]
}
