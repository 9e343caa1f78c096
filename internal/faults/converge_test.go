package faults

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Two instances, each written to by writersPerInstance goroutines making
// opsPerWriter random writes.
const (
	writersPerInstance = 2
	opsPerWriter       = 120
)

// etagVersion reads the version out of an ETag ("3" or W/"3"), 0 if none.
func etagVersion(a answer) int64 {
	v, _ := strconv.ParseInt(strings.Trim(strings.TrimPrefix(a.header.Get("ETag"), "W/"), `"`), 10, 64)
	return v
}

// TestFaultTwoInstancesConverge writes through the HTTP APIs of two
// instances over one database at once: creates, edits, deletes and
// reservations, some of them racing for the same parcels. Every answer is
// a success or a clean conflict; each instance shows its own writes at
// once; and both indexes end up holding exactly what the database holds.
func TestFaultTwoInstancesConverge(t *testing.T) {
	url := pgtest.NewDB(t)
	prepare(t, url)
	a, b := startService(t, url), startService(t, url)
	key := plannerKey(t, a.db)
	zoneID, cells := emptyZone(t, a.db.Pool(), writersPerInstance*2*opsPerWriter)
	var shared []int64 // free seeded parcels every writer races for
	a.ix.Snapshot().AscendParcels(0, func(p *zonegis.Parcel) bool {
		if p.Status == zonegis.ParcelAvailable {
			shared = append(shared, p.ID)
		}
		return len(shared) < 6
	})

	var mu sync.Mutex
	statuses := map[string]int{}
	var wg sync.WaitGroup
	start := time.Now()
	for w := range 2 * writersPerInstance {
		svc := []*service{a, b}[w%2]
		mine := cells[w*opsPerWriter : (w+1)*opsPerWriter]
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			var own []int64
			tally := func(op string, r answer) {
				mu.Lock()
				statuses[fmt.Sprintf("%s %d", op, r.status)]++
				mu.Unlock()
			}
			// seen checks that this instance shows its own write at once.
			seen := func(id int64, r answer) {
				got := mustCall(t, http.MethodGet, svc.url+"/collections/parcels/items/"+strconv.FormatInt(id, 10), "", nil)
				if got.status != http.StatusOK || etagVersion(got) < etagVersion(r) {
					t.Errorf("parcel %d: written as version %d, then read from the same instance: %d, version %d",
						id, etagVersion(r), got.status, etagVersion(got))
				}
			}
			for i := range opsPerWriter {
				op := rng.IntN(10)
				switch {
				case op < 4 || len(own) == 0:
					r := mustCall(t, http.MethodPost, svc.url+"/collections/parcels/items",
						parcelFeature(zoneID, fmt.Sprintf("C-%d-%d", w, i), mine[i]), bearer(key))
					tally("create", r)
					if r.status != http.StatusCreated {
						t.Errorf("create: %d %.300s", r.status, r.body)
						continue
					}
					loc := r.header.Get("Location")
					id, err := strconv.ParseInt(loc[strings.LastIndexByte(loc, '/')+1:], 10, 64)
					if err != nil {
						t.Errorf("create: Location %q", loc)
						continue
					}
					own = append(own, id)
					seen(id, r)
				case op < 6:
					id := own[rng.IntN(len(own))]
					r := mustCall(t, http.MethodPatch, svc.url+"/collections/parcels/items/"+strconv.FormatInt(id, 10),
						fmt.Sprintf(`{"type":"Feature","properties":{"land_use":%q}}`, zonegis.LandUses[rng.IntN(4)]), bearer(key))
					tally("patch own", r)
					if r.status != http.StatusOK {
						t.Errorf("patch own parcel %d: %d %.300s", id, r.status, r.body)
						continue
					}
					seen(id, r)
				case op < 7:
					i := rng.IntN(len(own))
					r := mustCall(t, http.MethodDelete, svc.url+"/collections/parcels/items/"+strconv.FormatInt(own[i], 10), "", bearer(key))
					tally("delete own", r)
					if r.status != http.StatusNoContent {
						t.Errorf("delete own parcel %d: %d %.300s", own[i], r.status, r.body)
						continue
					}
					if got := mustCall(t, http.MethodGet, svc.url+"/collections/parcels/items/"+strconv.FormatInt(own[i], 10), "", nil); got.status != http.StatusNotFound {
						t.Errorf("parcel %d deleted, then read from the same instance: %d", own[i], got.status)
					}
					own = append(own[:i], own[i+1:]...)
				default:
					// Races with the other writers: a conflict is a fine answer.
					id := shared[rng.IntN(len(shared))]
					action := []string{"reserve", "release"}[rng.IntN(2)]
					var r answer
					if op < 9 {
						r = mustCall(t, http.MethodPost, svc.url+"/parcels/"+strconv.FormatInt(id, 10)+"/"+action, "", bearer(key))
					} else {
						action = "patch shared"
						r = mustCall(t, http.MethodPatch, svc.url+"/collections/parcels/items/"+strconv.FormatInt(id, 10),
							fmt.Sprintf(`{"type":"Feature","properties":{"land_use":%q}}`, zonegis.LandUses[rng.IntN(4)]), bearer(key))
					}
					tally(action, r)
					switch r.status {
					case http.StatusOK:
						seen(id, r)
					case http.StatusConflict, http.StatusPreconditionFailed:
						if msg := problemOf(r, r.status, ""); msg != "" {
							t.Errorf("%s parcel %d: %s", action, id, msg)
						}
					default:
						t.Errorf("%s parcel %d: %d %.300s", action, id, r.status, r.body)
					}
				}
			}
		}()
	}
	wg.Wait()
	wrote := time.Since(start)
	ta := waitConverged(t, a.db, a.ix, 10*time.Second)
	tb := waitConverged(t, b.db, b.ix, 10*time.Second)
	t.Logf("%d writes in %v by answer: %v", 2*writersPerInstance*opsPerWriter, wrote.Round(time.Millisecond), statuses)
	t.Logf("both indexes equal the database (a after %v, b after %v more)", ta.Round(time.Millisecond), tb.Round(time.Millisecond))
}
