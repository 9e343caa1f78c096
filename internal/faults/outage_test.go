package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// readLoad sends index-backed reads from several goroutines until stopped
// and counts every answer that is not a 200 with a JSON body.
type readLoad struct {
	stop     chan struct{}
	once     sync.Once
	wg       sync.WaitGroup
	total    atomic.Int64
	duringOn atomic.Bool  // set while the database is down
	during   atomic.Int64 // reads answered while it was down
	mu       sync.Mutex
	failures []string
}

// Readers, and how long each pauses between requests (so that two cores
// still have room for the database's restart).
const (
	readers   = 4
	readPause = 3 * time.Millisecond
	maxReads  = 200000 // a bound on each reader, whatever happens
)

func startReads(paths []string, base string) *readLoad {
	l := &readLoad{stop: make(chan struct{})}
	for r := range readers {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for i := 0; i < maxReads; i++ {
				select {
				case <-l.stop:
					return
				default:
				}
				path := paths[(i+r)%len(paths)]
				down := l.duringOn.Load()
				a, err := call(context.Background(), http.MethodGet, base+path, nil, nil)
				l.total.Add(1)
				if down && l.duringOn.Load() {
					l.during.Add(1)
				}
				if err == nil && (a.status != http.StatusOK || !json.Valid(a.body)) {
					err = fmt.Errorf("status %d: %.200s", a.status, a.body)
				}
				if err != nil {
					l.mu.Lock()
					l.failures = append(l.failures, fmt.Sprintf("GET %s: %v", path, err))
					l.mu.Unlock()
				}
				time.Sleep(readPause)
			}
		}()
	}
	return l
}

func (l *readLoad) finish() []string {
	l.once.Do(func() { close(l.stop) })
	l.wg.Wait()
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.failures
}

// TestFaultPostGISOutage stops PostGIS under read load and starts it again:
// reads answer from the index throughout, writes get 503 with Retry-After
// while it is down and succeed again after, the health check says degraded,
// and the follower listens again and catches up.
func TestFaultPostGISOutage(t *testing.T) {
	cl := newCluster(t)
	ctx := context.Background()
	if err := cl.cluster().CreateDatabase(ctx, "zonegis"); err != nil {
		t.Fatal(err)
	}
	url := cl.cluster().ConnString("zonegis")
	prepare(t, url)
	svc := startService(t, url)
	key := plannerKey(t, svc.db)

	// Parcels to write to, and reads that touch each index path: a bbox
	// page, a point query, one item, a page of zones.
	snap := svc.ix.Snapshot()
	var available []*zonegis.Parcel
	snap.AscendParcels(0, func(p *zonegis.Parcel) bool {
		if p.Status == zonegis.ParcelAvailable {
			available = append(available, p)
		}
		return len(available) < 3
	})
	if len(available) < 3 {
		t.Fatalf("the seed has %d available parcels, want 3", len(available))
	}
	p0 := available[0]
	e0, _ := snap.ParcelEntries().Get(p0.ID) // the index's records hold no geometry: their entries do
	b, _ := e0.Geometry().Bound()
	c := b.Center()
	paths := []string{
		fmt.Sprintf("/collections/parcels/items?bbox=%f,%f,%f,%f&limit=50", b.Min[0]-0.01, b.Min[1]-0.01, b.Max[0]+0.01, b.Max[1]+0.01),
		fmt.Sprintf("/query/at?lon=%f&lat=%f", c[0], c[1]),
		"/collections/parcels/items/" + strconv.FormatInt(p0.ID, 10),
		"/collections/zones/items?limit=20",
	}
	reserve := func(p *zonegis.Parcel) answer {
		return mustCall(t, http.MethodPost, svc.url+"/parcels/"+strconv.FormatInt(p.ID, 10)+"/reserve", "", bearer(key))
	}

	load := startReads(paths, svc.url)
	defer load.finish()
	if a := reserve(available[0]); a.status != http.StatusOK {
		t.Fatalf("write before the outage: status %d: %.300s", a.status, a.body)
	}
	time.Sleep(300 * time.Millisecond)

	// Down.
	load.duringOn.Store(true)
	downAt := time.Now()
	cl.stop(t)
	t.Logf("PostGIS stopped in %v", time.Since(downAt).Round(time.Millisecond))

	writes := []struct{ method, path, body string }{
		{http.MethodPost, "/parcels/" + strconv.FormatInt(available[1].ID, 10) + "/reserve", ""},
		{http.MethodPatch, "/collections/parcels/items/" + strconv.FormatInt(available[1].ID, 10), `{"type":"Feature","properties":{"land_use":"logistics"}}`},
		{http.MethodDelete, "/collections/parcels/items/" + strconv.FormatInt(available[2].ID, 10), ""},
	}
	for _, w := range writes {
		a := mustCall(t, w.method, svc.url+w.path, w.body, bearer(key))
		if msg := problemOf(a, http.StatusServiceUnavailable, zonegis.EUNAVAILABLE); msg != "" {
			t.Errorf("%s %s while PostGIS is down: %s", w.method, w.path, msg)
		}
		if ra, err := strconv.Atoi(a.header.Get("Retry-After")); err != nil || ra <= 0 {
			t.Errorf("%s %s while PostGIS is down: Retry-After %q, want seconds", w.method, w.path, a.header.Get("Retry-After"))
		}
	}
	var health struct{ Status, Database string }
	a := mustCall(t, http.MethodGet, svc.url+"/healthz", "", nil)
	if err := json.Unmarshal(a.body, &health); err != nil || a.status != http.StatusOK ||
		health.Status != "degraded" || health.Database != "unavailable" {
		t.Errorf("healthz while PostGIS is down: status %d, %+v (%v); want 200 degraded/unavailable", a.status, health, err)
	}
	waitFor(t, "the follower to notice the outage", 10*time.Second, func() bool { return !svc.fl.Status().Listening })
	// Stay down long enough for the follower to back off a few times.
	time.Sleep(time.Until(downAt.Add(2 * time.Second)))

	// Up again.
	upAt := time.Now()
	cl.start(t)
	startedIn := time.Since(upAt)
	load.duringOn.Store(false)
	var writeOK time.Duration
	for {
		a := reserve(available[1])
		if a.status == http.StatusOK {
			writeOK = time.Since(upAt)
			break
		}
		if a.status != http.StatusServiceUnavailable {
			t.Fatalf("write after restart: status %d, want 200 (or 503 until ready): %.300s", a.status, a.body)
		}
		t.Logf("write %v after the restart: %d %s", time.Since(upAt).Round(time.Millisecond), a.status, a.body)
		if time.Since(upAt) > 30*time.Second {
			t.Fatalf("writes still fail 30 s after PostGIS is back: %s", a.body)
		}
		time.Sleep(100 * time.Millisecond)
	}
	listening := waitFor(t, "the follower to listen again", 15*time.Second, func() bool { return svc.fl.Status().Listening })
	listening += time.Since(upAt) - listening // from the restart, not from the poll's start
	converged := waitConverged(t, svc.db, svc.ix, 10*time.Second)
	if p, _ := svc.ix.Snapshot().Parcel(available[1].ID); p == nil || p.Status != zonegis.ParcelReserved {
		t.Errorf("the write after the restart is not in the index: %+v", p)
	}
	a = mustCall(t, http.MethodGet, svc.url+"/healthz", "", nil)
	if err := json.Unmarshal(a.body, &health); err != nil || health.Status != "ok" || health.Database != "ok" {
		t.Errorf("healthz after the restart: %+v (%v)", health, err)
	}

	time.Sleep(200 * time.Millisecond)
	failures := load.finish()
	for i, f := range failures {
		if i == 10 {
			t.Errorf("... and %d more", len(failures)-10)
			break
		}
		t.Error(f)
	}
	t.Logf("reads: %d, %d of them while PostGIS was down (%v), failed: %d", load.total.Load(), load.during.Load(),
		upAt.Sub(downAt).Round(time.Millisecond), len(failures))
	t.Logf("recovery: PostGIS started in %v; first write OK %v after the restart; follower listening after %v; index converged %v later",
		startedIn.Round(time.Millisecond), writeOK.Round(time.Millisecond), listening.Round(time.Millisecond), converged.Round(time.Millisecond))
	if load.during.Load() < 100 {
		t.Errorf("only %d reads while PostGIS was down; the load is too light to tell", load.during.Load())
	}
}
