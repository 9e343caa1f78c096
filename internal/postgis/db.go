// Package postgis is the system of record: the land registry stored in
// PostgreSQL + PostGIS through pgx v5. All SQL text of the service lives
// in this package: sql.go, statsql.go (the statistics), seedsql.go and
// seed.sql (the seed); every value goes in as a $n argument. Nothing
// outside it runs SQL of its own (codecheck.TestSQLStaysInPostGIS).
package postgis

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// DB is the registry database: a pool to the primary, which takes every
// write, and a pool for the reads that may lag behind it by the replication
// delay (a hot standby's), which is the same pool when there is no replica.
//
// Which reads go to the replica: the index's load and the change-log
// follower (indexsync), and the request reads whose freshness the index
// already vouches for (statistics, lease histories, lineage, the audit
// trail, CRS transforms). A write on this instance waits until its
// follower has read the write's change-log seq from the replica
// (httpapi's read-your-write wait), so once a write is answered the
// replica this instance reads has it too. Everything else goes to the
// primary: every write (their RETURNING and read-backs), migrations and
// the seed, API keys (a revoked key stops working at once), boards (their
// writes do not wait for the index), import jobs (read back at once by
// their poster, failed when stale) and LISTEN (a standby cannot LISTEN:
// notifications are sent on the primary only).
type DB struct {
	pool *pgxpool.Pool // the primary
	read *pgxpool.Pool // reads that may lag; == pool without a replica
	// writers holds a slot for each write transaction open on pool (see
	// writeSlots).
	writers chan struct{}
}

// newDB is a store over the primary pool and the read pool.
func newDB(pool, read *pgxpool.Pool) *DB {
	return &DB{pool: pool, read: read, writers: make(chan struct{}, writeSlots(pool.Config().MaxConns))}
}

// writeSlots is how many write transactions may be open at once on a pool
// of conns connections: half of them (at least one). Writers serialise on the
// change-log lock, so a writer waiting for it in the database holds a
// connection and gains nothing; with every connection so held, the
// follower's catch-up (the read a writer waits for in visible()), the
// next request's key look-up and every other read would wait behind all
// queued writes. Writers beyond the slots queue here, holding none.
func writeSlots(conns int32) int {
	return max(1, int(conns)/2)
}

// Open connects to the database at url (a libpq URL or key=value DSN),
// for reads and writes, and checks that it answers.
func Open(ctx context.Context, url string) (*DB, error) { return OpenSplit(ctx, url, "") }

// OpenSplit connects reads to readURL (a hot standby, say) and writes to
// writeURL (the primary), and checks that both answer. An empty writeURL,
// or one equal to readURL, means one pool for both, as Open.
func OpenSplit(ctx context.Context, readURL, writeURL string) (*DB, error) {
	if writeURL == "" || writeURL == readURL {
		p, err := openPool(ctx, readURL, "zonegis")
		if err != nil {
			return nil, err
		}
		return newDB(p, p), nil
	}
	w, err := openPool(ctx, writeURL, "zonegis")
	if err != nil {
		return nil, fmt.Errorf("write database (DATABASE_WRITE_URL): %w", err)
	}
	r, err := openPool(ctx, readURL, "zonegis-read")
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("read database (DATABASE_URL): %w", err)
	}
	return newDB(w, r), nil
}

// openPool opens a pool to url with the service's settings and pings it.
func openPool(ctx context.Context, url, application string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		return nil, fmt.Errorf("parse database url: %w", err)
	}
	if cfg.ConnConfig.RuntimeParams == nil {
		cfg.ConnConfig.RuntimeParams = map[string]string{}
	}
	cfg.ConnConfig.RuntimeParams["application_name"] = application
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
	return pool, nil
}

// Close closes every connection.
func (db *DB) Close() {
	db.pool.Close()
	if db.read != db.pool {
		db.read.Close()
	}
}

// Pool exposes the primary's pool to the benchmark harness (internal/bench)
// and to tests, which run SQL of their own. The service does not call it
// outside this package: the follower's LISTEN is Listen, the statistics,
// CRS transforms and seed are methods (codecheck.TestSQLStaysInPostGIS).
func (db *DB) Pool() *pgxpool.Pool { return db.pool }

// Split reports whether reads go to a database of their own (a replica).
func (db *DB) Split() bool { return db.read != db.pool }

// PoolStats calls fn with the statistics of each pool: "write" (the
// primary's) and, when reads have a pool of their own, "read"; without a
// replica the one pool is "write". For the metrics (internal/metrics).
func (db *DB) PoolStats(fn func(pool string, s *pgxpool.Stat)) {
	fn("write", db.pool.Stat())
	if db.read != db.pool {
		fn("read", db.read.Stat())
	}
}

// Ping checks that the database answers: the primary and, when reads have
// a pool of their own, the replica.
func (db *DB) Ping(ctx context.Context) error {
	err := db.pool.Ping(ctx)
	if db.read != db.pool {
		err = errors.Join(err, db.read.Ping(ctx))
	}
	return err
}
