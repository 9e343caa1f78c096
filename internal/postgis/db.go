// Package postgis is the system of record: the land registry stored in
// PostgreSQL + PostGIS through pgx v5. All SQL text lives in sql.go (the
// statistics' in statsql.go); every
// value goes in as a $n argument.
package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is a connection pool to the registry database.
type DB struct {
	pool *pgxpool.Pool
}

// Open connects to the database at url (a libpq URL or key=value DSN) and
// checks that it answers.
func Open(ctx context.Context, url string) (*DB, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = "zonegis"
	// A statement that runs away is cancelled by the server after this long,
	// even if the client has gone away.
	cfg.ConnConfig.RuntimeParams["statement_timeout"] = "300000"
	cfg.MaxConnIdleTime = 5 * time.Minute
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := pool.Ping(pctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("ping database: %w", err)
	}
	return &DB{pool: pool}, nil
}

// Close closes every connection.
func (db *DB) Close() { db.pool.Close() }

// Pool exposes the pool for packages that need a dedicated connection
// (the change-log follower's LISTEN) or run their own SQL (analytics).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }
