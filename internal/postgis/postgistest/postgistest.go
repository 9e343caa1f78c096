// Package postgistest gives a test a store over a PostGIS database of its
// own, migrated and empty (see pgtest.NewDB for how the database is made,
// and pgtest.Main, which the test package's TestMain must call).
package postgistest

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Open returns a store over a new, migrated database, closed when t ends.
func Open(t testing.TB) *postgis.DB {
	t.Helper()
	ctx := context.Background()
	db, err := postgis.Open(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if _, err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return db
}

// SetToday fixes the database's calendar day (zg_today(), the clock of
// leasing: which leases are in force, which parcels are leased) at day, for
// every connection from now on: it sets zonegis.today on the database and
// closes the pool's idle connections, so the next ones start with it (a
// connection in use keeps its day until it is returned and closed). A zero
// day goes back to the real calendar.
func SetToday(t testing.TB, db *postgis.DB, day time.Time) {
	t.Helper()
	ctx := context.Background()
	v := ""
	if !day.IsZero() {
		v = day.Format(time.DateOnly)
	}
	conn, err := db.Pool().Acquire(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT set_config('zonegis.set_today', $1, false)`, v); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `DO $$ BEGIN
		EXECUTE format('ALTER DATABASE %I SET zonegis.today = %L', current_database(), current_setting('zonegis.set_today'));
		END $$`); err != nil {
		t.Fatal(err)
	}
	conn.Conn().Close(ctx) //nolint:errcheck // it only has to go
	db.Pool().Reset()
}

// LoadAll runs db.LoadAll and keeps what it streams: copies of every parcel
// it handed its sink, in id order, beside the rest of the snapshot.
func LoadAll(t testing.TB, db *postgis.DB) (*postgis.Snapshot, []*zonegis.Parcel) {
	t.Helper()
	var (
		mu      sync.Mutex
		parcels []*zonegis.Parcel
	)
	s, err := db.LoadAll(context.Background(), func(batch []*zonegis.Parcel) {
		mu.Lock()
		defer mu.Unlock()
		for _, p := range batch {
			c := *p // the batch's records are reused
			parcels = append(parcels, &c)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(parcels) != s.Parcels {
		t.Fatalf("LoadAll counted %d parcels, handed %d", s.Parcels, len(parcels))
	}
	slices.SortFunc(parcels, func(a, b *zonegis.Parcel) int { return cmp.Compare(a.ID, b.ID) })
	return s, parcels
}
