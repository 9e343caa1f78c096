package postgis

import (
	"context"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/migrations"
)

// Migrate applies the embedded migrations that the database has not seen yet,
// in lexical order, each in its own transaction, and records each in
// schema_migrations. Concurrent instances serialise on an advisory lock, so
// two servers starting together apply each migration once. It returns the
// names it applied.
func (db *DB) Migrate(ctx context.Context) ([]string, error) {
	return migrate(ctx, db, migrations.FS)
}

func migrate(ctx context.Context, db *DB, fsys fs.FS) ([]string, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	conn, err := db.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, sqlMigrationsLock); err != nil {
		return nil, fmt.Errorf("migrate: lock: %w", err)
	}
	defer conn.Exec(context.WithoutCancel(ctx), sqlMigrationsUnlock) //nolint:errcheck // released with the session anyway
	if _, err := conn.Exec(ctx, sqlMigrationsTable); err != nil {
		return nil, fmt.Errorf("migrate: %w", err)
	}
	var applied []string
	for _, name := range names {
		var done bool
		if err := conn.QueryRow(ctx, sqlMigrationDone, name).Scan(&done); err != nil {
			return applied, fmt.Errorf("migrate %s: %w", name, err)
		}
		if done {
			continue
		}
		body, err := fs.ReadFile(fsys, name)
		if err != nil {
			return applied, err
		}
		err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
			// A migration is the operator's, run once: not cut by the
			// pool's statement timeout, however large the registry.
			if _, err := tx.Exec(ctx, "SET LOCAL statement_timeout = 0"); err != nil {
				return err
			}
			if _, err := tx.Exec(ctx, string(body)); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, sqlMigrationRecord, name)
			return err
		})
		if err != nil {
			return applied, fmt.Errorf("migrate %s: %w", strings.TrimSuffix(name, ".sql"), err)
		}
		applied = append(applied, name)
	}
	return applied, nil
}
