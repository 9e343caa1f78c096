package indexsync_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/fixedgeom"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/indexsync"
	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

var quiet = slog.New(slog.NewTextHandler(io.Discard, nil))

func rect(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

type env struct {
	db   *postgis.DB
	zone *zonegis.Zone
}

func setup(t *testing.T) env {
	t.Helper()
	ctx := context.Background()
	db := postgistest.Open(t)
	z := &zonegis.Zone{Code: "KCN-F", NameVI: "Khu công nghiệp F", NameEN: "F Industrial Park", Kind: zonegis.KindIndustrialPark,
		Province: "Hà Nội", Status: "operating", Model: "conventional", Boundary: rect(105.80, 21.00, 105.82, 21.02)}
	if _, err := db.CreateZone(ctx, zonegis.System, z); err != nil {
		t.Fatal(err)
	}
	return env{db: db, zone: z}
}

// lot returns parcel i of a 20 × 20 grid of 0.001° lots in the zone.
func (e env) lot(i int) *zonegis.Parcel {
	x, y := 105.80+float64(i%20)*0.001, 21.00+float64(i/20)*0.001
	return &zonegis.Parcel{ZoneID: e.zone.ID, LotCode: "L" + itoa(i), LandUse: "industrial", Status: "available",
		Boundary: rect(x+0.0001, y+0.0001, x+0.0009, y+0.0009)}
}

func itoa(i int) string {
	return string(rune('A'+i/26%26)) + string(rune('A'+i%26)) + string(rune('0'+i/676))
}

// sameAsDB fails unless the index holds exactly what the database holds.
func sameAsDB(t *testing.T, db *postgis.DB, ix *index.Index) {
	t.Helper()
	s, parcels := postgistest.LoadAll(t, db)
	snap := ix.Snapshot()
	z, p, g := snap.Counts()
	if z != len(s.Zones) || p != len(parcels) || g != len(s.GreenAreas) {
		t.Fatalf("index has %d/%d/%d, database %d/%d/%d", z, p, g, len(s.Zones), len(parcels), len(s.GreenAreas))
	}
	for _, want := range parcels {
		e, ok := snap.ParcelEntries().Get(want.ID)
		var got *zonegis.Parcel
		if ok {
			got = e.WithBoundary()
		}
		if !ok || got.Version != want.Version || got.Status != want.Status || !got.Boundary.Equal(fixedgeom.Rounded(want.Boundary)) {
			t.Fatalf("parcel %d: index %+v, database %+v", want.ID, got, want)
		}
	}
}

// notifiedFollower loads a new index from e's database and runs its
// follower until ctx ends, listening, with an hour's PollInterval: only
// NOTIFY can wake it.
func notifiedFollower(ctx context.Context, t *testing.T, e env) (*index.Index, *indexsync.Follower) {
	t.Helper()
	ix := index.New()
	f := indexsync.New(e.db, ix, quiet)
	f.PollInterval = time.Hour
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
	go f.Run(ctx)
	waitListening(t, f)
	return ix, f
}

func TestNotifiedWriteReachesIndexWithinASecond(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ix, f := notifiedFollower(ctx, t, e)
	p := e.lot(1)
	start := time.Now()
	if _, err := e.db.CreateParcel(ctx, zonegis.System, p); err != nil {
		t.Fatal(err)
	}
	seq, _ := e.db.MaxSeq(ctx)
	wctx, wcancel := context.WithTimeout(ctx, time.Second)
	defer wcancel()
	if err := f.WaitFor(wctx, seq); err != nil {
		t.Fatalf("write not in the index after 1 s: %v", err)
	}
	if _, ok := ix.Snapshot().Parcel(p.ID); !ok {
		t.Fatal("parcel missing from the index")
	}
	t.Logf("write visible in the index after %v", time.Since(start))
}

func waitListening(t *testing.T, f *indexsync.Follower) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !f.Status().Listening {
		if time.Now().After(deadline) {
			t.Fatal("follower never listened")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCatchUpAfterBeingAway(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	ix := index.New()
	f := indexsync.New(e.db, ix, quiet)
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
	// Changes made while the follower was not running: inserts, an
	// update, a delete, a green area and a zone edit.
	var ps []*zonegis.Parcel
	for i := range 30 {
		p := e.lot(i)
		if _, err := e.db.CreateParcel(ctx, zonegis.System, p); err != nil {
			t.Fatal(err)
		}
		ps = append(ps, p)
	}
	if _, err := e.db.Pool().Exec(ctx, `INSERT INTO leases (parcel_id, lessee, country, start_date, end_date)
		VALUES ($1, 'Follower test lessee', 'VN', zg_today() - 10, zg_today() + 3650)`, ps[3].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Pool().Exec(ctx, `DELETE FROM parcels WHERE id = $1`, ps[4].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateGreenArea(ctx, zonegis.System, &zonegis.GreenArea{ZoneID: e.zone.ID, Kind: "park", Boundary: rect(105.815, 21.015, 105.816, 21.016)}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.Pool().Exec(ctx, `UPDATE zones SET name_en = 'F Eco-Industrial Park', model = 'eco' WHERE id = $1`, e.zone.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	sameAsDB(t, e.db, ix)
	if p, _ := ix.Snapshot().Parcel(ps[3].ID); p.Status != "leased" || p.Version != 2 {
		t.Fatalf("update not applied: %+v", p)
	}
	if _, ok := ix.Snapshot().Parcel(ps[4].ID); ok {
		t.Fatal("deleted parcel still in the index")
	}
	if z, _ := ix.Snapshot().Zone(e.zone.ID); z.Model != "eco" {
		t.Fatalf("zone edit not applied: %+v", z)
	}
	if f.Status().Reloads != 1 {
		t.Fatalf("catch-up reloaded: %+v", f.Status())
	}
}

func TestReloadWhenTheLogWasPrunedPastUs(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	ix := index.New()
	f := indexsync.New(e.db, ix, quiet)
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		if _, err := e.db.CreateParcel(ctx, zonegis.System, e.lot(i)); err != nil {
			t.Fatal(err)
		}
	}
	max, _ := e.db.MaxSeq(ctx)
	if err := e.db.PruneChanges(ctx, max); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if f.Status().Reloads != 2 {
		t.Fatalf("want a full reload after the gap: %+v", f.Status())
	}
	sameAsDB(t, e.db, ix)
}

func TestReloadWhenTheDatabaseIsBehindUs(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	ix := index.New()
	// An index from somewhere further along (a restored database): its
	// position is ahead of every seq the database has.
	ix.Load(1_000_000, nil, nil, nil)
	f := indexsync.New(e.db, ix, quiet)
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	if f.Status().Reloads != 1 {
		t.Fatalf("want a reload: %+v", f.Status())
	}
	sameAsDB(t, e.db, ix)
}

func TestTwoInstancesConverge(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var fs []*indexsync.Follower
	var ixs []*index.Index
	for range 2 {
		ix := index.New()
		f := indexsync.New(e.db, ix, quiet)
		f.PollInterval = 200 * time.Millisecond
		if err := f.Load(ctx); err != nil {
			t.Fatal(err)
		}
		go f.Run(ctx)
		fs, ixs = append(fs, f), append(ixs, ix)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	live := map[int64]bool{}
	for i := range 60 {
		switch r := rng.IntN(10); {
		case r < 6 || len(live) == 0:
			p := e.lot(i)
			if _, err := e.db.CreateParcel(ctx, zonegis.System, p); err != nil {
				t.Fatal(err)
			}
			live[p.ID] = true
		case r < 8:
			for id := range live {
				if _, err := e.db.Pool().Exec(ctx, `UPDATE parcels SET reserved_on = zg_today() WHERE id = $1`, id); err != nil {
					t.Fatal(err)
				}
				break
			}
		default:
			for id := range live {
				if _, err := e.db.Pool().Exec(ctx, `DELETE FROM parcels WHERE id = $1`, id); err != nil {
					t.Fatal(err)
				}
				delete(live, id)
				break
			}
		}
	}
	seq, _ := e.db.MaxSeq(ctx)
	for i, f := range fs {
		wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
		if err := f.WaitFor(wctx, seq); err != nil {
			t.Fatalf("instance %d did not reach seq %d: %v (%+v)", i, seq, err, f.Status())
		}
		wcancel()
		sameAsDB(t, e.db, ixs[i])
	}
}

func TestRollbackLeavesNoTrace(t *testing.T) {
	e := setup(t)
	ctx := context.Background()
	ix := index.New()
	f := indexsync.New(e.db, ix, quiet)
	if err := f.Load(ctx); err != nil {
		t.Fatal(err)
	}
	tx, err := e.db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(ctx, `INSERT INTO parcels (zone_id, lot_code, land_use, boundary)
		VALUES ($1, 'RB', 'industrial', ST_Multi(ST_MakeEnvelope(105.801, 21.001, 105.802, 21.002, 4326)))`, e.zone.ID); err != nil {
		t.Fatal(err)
	}
	if err := tx.Rollback(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := e.db.CreateParcel(ctx, zonegis.System, e.lot(7)); err != nil {
		t.Fatal(err)
	}
	if err := f.CatchUp(ctx); err != nil {
		t.Fatal(err)
	}
	sameAsDB(t, e.db, ix)
}

// TestEveryNotifiedWriteReachesIndexAtOnce: writers committing at the same
// time as the follower catches up (each NOTIFY may arrive while it reads
// the log for the one before) are each in the index well before the
// poll would have found them: none waits for a poll (PollInterval is an
// hour), each is applied within 500 ms of its commit.
func TestEveryNotifiedWriteReachesIndexAtOnce(t *testing.T) {
	e := setup(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ix, f := notifiedFollower(ctx, t, e)
	const writers, each = 4, 15
	var mu sync.Mutex
	var worst time.Duration
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				seq, err := e.db.CreateParcel(ctx, zonegis.System, e.lot(w*each+i))
				if err != nil {
					errs <- err
					return
				}
				committed := time.Now()
				wctx, wcancel := context.WithTimeout(ctx, 500*time.Millisecond)
				err = f.WaitFor(wctx, seq)
				wcancel()
				if err != nil {
					errs <- fmt.Errorf("write %d (seq %d) not in the index 500 ms after its commit; index at %d", w*each+i, seq, ix.Snapshot().Seq())
					return
				}
				mu.Lock()
				worst = max(worst, time.Since(committed))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("%d writes by %d writers, the slowest in the index %v after its commit", writers*each, writers, worst)
}
