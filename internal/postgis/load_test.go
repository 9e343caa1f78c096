package postgis_test

import (
	"context"
	"sync"
	"testing"

	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// TestLoadAllStreamsEveryParcelOnce: over more parcels than the workers'
// batches hold, LoadAll hands its sink every parcel exactly once, in
// batches of at most LoadBatch, each record as ParcelsByID reads it (the
// records of a batch are reused, so a record the sink did not copy would
// show the next batch's values), and counts them.
func TestLoadAllStreamsEveryParcelOnce(t *testing.T) {
	db := postgistest.Open(t)
	z := fixture(t, db)
	ctx := context.Background()
	const n = 2*postgis.LoadBatch + 4*postgis.LoadWorkers + 3
	// In bulk, the guards off (as the bench's generator does): cells of a
	// 100 × 100 grid inside the zone, so every rule still holds.
	tx, err := db.Pool().Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	for _, q := range []string{`SET LOCAL session_replication_role = replica`,
		`INSERT INTO parcels (zone_id, lot_code, land_use, boundary)
		 SELECT $1, 'L' || i, 'industrial', ST_Multi(ST_MakeEnvelope(
		        106.70 + (i % 100) * 0.0001 + 0.00001, 10.75 + (i / 100) * 0.00001 + 0.000001,
		        106.70 + (i % 100) * 0.0001 + 0.00009, 10.75 + (i / 100) * 0.00001 + 0.000009, 4326))
		   FROM generate_series(0, $2::int - 1) i`} {
		args := []any{}
		if q[0] == 'I' {
			args = []any{z.ID, n}
		}
		if _, err := tx.Exec(ctx, q, args...); err != nil {
			t.Fatal(err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		t.Fatal(err)
	}

	var (
		mu      sync.Mutex
		seen    = map[int64]zonegis.Parcel{}
		batches int
	)
	s, err := db.LoadAll(ctx, func(batch []*zonegis.Parcel) {
		mu.Lock()
		defer mu.Unlock()
		if len(batch) == 0 || len(batch) > postgis.LoadBatch {
			t.Errorf("a batch of %d parcels", len(batch))
		}
		batches++
		for _, p := range batch {
			if _, ok := seen[p.ID]; ok {
				t.Errorf("parcel %d handed twice", p.ID)
			}
			seen[p.ID] = *p
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if s.Parcels != n || len(seen) != n || batches < n/postgis.LoadBatch {
		t.Fatalf("counted %d, handed %d distinct parcels in %d batches; want %d", s.Parcels, len(seen), batches, n)
	}
	ids := make([]int64, 0, n)
	for id := range seen {
		ids = append(ids, id)
	}
	want, err := db.ParcelsByID(ctx, ids)
	if err != nil || len(want) != n {
		t.Fatalf("ParcelsByID: %d, %v", len(want), err)
	}
	for _, w := range want {
		got := seen[w.ID]
		if got.LotCode != w.LotCode || got.ZoneID != w.ZoneID || got.Status != w.Status || got.AreaM2 != w.AreaM2 ||
			!got.UpdatedAt.Equal(w.UpdatedAt) || !got.Boundary.Equal(w.Boundary) {
			t.Fatalf("parcel %d: loaded %+v, ParcelsByID %+v", w.ID, got, *w)
		}
	}
}
