package postgis

import (
	"context"
	"io/fs"
)

// MigrateFS applies the migrations of fsys, for tests that migrate a
// database in steps (data written under an older schema, then migrated).
func MigrateFS(ctx context.Context, db *DB, fsys fs.FS) ([]string, error) {
	return migrate(ctx, db, fsys)
}
