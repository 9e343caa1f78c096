// Package postgis is the system of record: the land registry stored in
// PostgreSQL + PostGIS through pgx v5. All SQL text of the service lives
// in this package: sql.go, statsql.go (the statistics), seedsql.go and
// seed.sql (the seed); every value goes in as a $n argument. Nothing
// outside it runs SQL of its own (codecheck.TestSQLStaysInPostGIS).
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

// Pool exposes the pool to the benchmark harness (internal/bench) and to
// tests, which run SQL of their own. The service does not call it outside
// this package: the follower's LISTEN is Listen, the statistics, CRS
// transforms and seed are methods (codecheck.TestSQLStaysInPostGIS).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Ping checks that the database answers.
func (db *DB) Ping(ctx context.Context) error { return db.pool.Ping(ctx) }
