package postgis_test

import (
	"context"
	"testing"

	"github.com/zonegis/zonegis/internal/pgcluster/pgtest"
	"github.com/zonegis/zonegis/internal/postgis"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

// openDB returns a migrated, empty registry database for one test.
func openDB(t *testing.T) *postgis.DB {
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
