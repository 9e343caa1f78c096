// Package postgistest gives a test a store over a PostGIS database of its
// own, migrated and empty (see pgtest.NewDB for how the database is made,
// and pgtest.Main, which the test package's TestMain must call).
package postgistest

import (
	"context"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
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
