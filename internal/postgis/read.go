package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
	"golang.org/x/sync/errgroup"
)

// Snapshot is what LoadAll returns beside the parcels it hands to its sink:
// everything else the in-memory index needs, read in one repeatable-read
// transaction, together with the change-log position it corresponds to.
type Snapshot struct {
	Seq        int64
	Today      time.Time // the database's day the parcels' statuses are as of
	Zones      []*zonegis.Zone
	Parcels    int // how many parcels were handed to the sink
	GreenAreas []*zonegis.GreenArea
	// Retired are the parcels splits and merges retired (RetiredParcels).
	Retired []*zonegis.Parcel
}

// LoadWorkers is how many connections read parcels in parallel in LoadAll.
const LoadWorkers = 4

// LoadBatch is how many parcels LoadAll hands its sink at a time: the
// index's slab of entries (index.Builder), so that each batch fills one.
const LoadBatch = 4096

// LoadAll reads every zone, parcel and green area as of one consistent
// snapshot, and the highest change-log seq visible in it. Parcels are read
// by LoadWorkers connections in parallel, over id ranges, all sharing the
// first transaction's exported snapshot, so the result is still one
// consistent state. They are not returned but handed to parcels as they
// are read, in batches of up to LoadBatch in id order within a worker's
// range, from the LoadWorkers goroutines at once: so a load never holds
// more than a few batches of records (index.Builder.AddParcels copies
// them). parcels must not keep the batch nor its records: both are reused
// once it returns. When it fails, parcels may have been given part of the
// parcels.
func (db *DB) LoadAll(ctx context.Context, parcels func(batch []*zonegis.Parcel)) (*Snapshot, error) {
	tx, err := db.read.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	var s Snapshot
	var snapshotID string
	if err := tx.QueryRow(ctx, sqlExportSnapshot).Scan(&s.Seq, &s.Today, &snapshotID); err != nil {
		return nil, mapError(err)
	}
	var lo, hi int64
	if err := tx.QueryRow(ctx, sqlParcelIDRange).Scan(&lo, &hi); err != nil {
		return nil, mapError(err)
	}
	g, gctx := errgroup.WithContext(ctx)
	counts := make([]int, LoadWorkers)
	step := (hi - lo + LoadWorkers) / LoadWorkers
	for w := range LoadWorkers {
		from, to := lo-1+int64(w)*step, min(lo-1+int64(w+1)*step, hi)
		if w == LoadWorkers-1 {
			to = hi
		}
		g.Go(func() error {
			wtx, err := db.read.BeginTx(gctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
			if err != nil {
				return mapError(err)
			}
			defer wtx.Rollback(gctx) //nolint:errcheck // read-only
			if _, err := wtx.Exec(gctx, "SET TRANSACTION SNAPSHOT '"+snapshotIDLiteral(snapshotID)+"'"); err != nil {
				return mapError(err)
			}
			if _, err := wtx.Exec(gctx, sqlLoadWorkMem); err != nil {
				return mapError(err)
			}
			counts[w], err = streamParcels(gctx, wtx, from, to, parcels)
			return err
		})
	}
	if s.Zones, err = collect(ctx, tx, sqlAllZones, scanZone); err != nil {
		return nil, fmt.Errorf("load zones: %w", err)
	}
	if s.GreenAreas, err = collect(ctx, tx, sqlAllGreenAreas, scanGreenArea); err != nil {
		return nil, fmt.Errorf("load green areas: %w", err)
	}
	if s.Retired, err = collect(ctx, tx, sqlAllRetired, scanParcel); err != nil {
		return nil, fmt.Errorf("load retired parcels: %w", err)
	}
	if err := g.Wait(); err != nil {
		return nil, fmt.Errorf("load parcels: %w", err)
	}
	for _, n := range counts {
		s.Parcels += n
	}
	s.Today = s.Today.UTC()
	return &s, nil
}

// streamParcels reads the parcels with from < id <= to, in id order, into one reused
// batch of records, handing it to sink each time it is full, and returns
// how many it read.
func streamParcels(ctx context.Context, q querier, from, to int64, sink func([]*zonegis.Parcel)) (int, error) {
	rows, err := q.Query(ctx, sqlAllParcels, from, to)
	if err != nil {
		return 0, mapError(err)
	}
	defer rows.Close()
	recs := make([]zonegis.Parcel, LoadBatch)
	batch := make([]*zonegis.Parcel, 0, LoadBatch)
	n := 0
	for rows.Next() {
		p := &recs[len(batch)]
		if err := scanParcelInto(rows, p); err != nil {
			return n, mapError(err)
		}
		batch = append(batch, p)
		n++
		if len(batch) == LoadBatch {
			sink(batch)
			clear(recs) // nothing of the batch kept alive by the next
			batch = batch[:0]
		}
	}
	if err := rows.Err(); err != nil {
		return n, mapError(err)
	}
	if len(batch) > 0 {
		sink(batch)
	}
	return n, nil
}

// snapshotIDLiteral keeps only the characters a snapshot id has (hex digits
// and dashes): SET TRANSACTION SNAPSHOT takes no $n parameter, and the id
// comes from the server, but nothing unchecked goes into SQL text.
func snapshotIDLiteral(id string) string {
	b := make([]byte, 0, len(id))
	for i := 0; i < len(id); i++ {
		c := id[i]
		if (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || (c >= 'a' && c <= 'f') || c == '-' {
			b = append(b, c)
		}
	}
	return string(b)
}

type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
}

// collect runs query and scans every row with scan.
func collect[T any](ctx context.Context, q querier, query string, scan func(pgx.Row) (*T, error), args ...any) ([]*T, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, mapError(err)
		}
		out = append(out, v)
	}
	return out, mapError(rows.Err())
}

// ZonesByID returns the zones with the given ids that exist, in no order.
func (db *DB) ZonesByID(ctx context.Context, ids []int64) ([]*zonegis.Zone, error) {
	return collect(ctx, db.read, sqlZonesByID, scanZone, ids)
}

// RetiredParcelsByID returns the retired parcels with the given ids, in
// no order; ids of parcels not retired are left out.
func (db *DB) RetiredParcelsByID(ctx context.Context, ids []int64) ([]*zonegis.Parcel, error) {
	return collect(ctx, db.pool, sqlRetiredByID, scanParcel, ids)
}

// ParcelsByID returns the parcels with the given ids that exist, in no order.
func (db *DB) ParcelsByID(ctx context.Context, ids []int64) ([]*zonegis.Parcel, error) {
	return collect(ctx, db.read, sqlParcelsByID, scanParcel, ids)
}

// GreenAreasByID returns the green areas with the given ids that exist, in no order.
func (db *DB) GreenAreasByID(ctx context.Context, ids []int64) ([]*zonegis.GreenArea, error) {
	return collect(ctx, db.read, sqlGreenAreasByID, scanGreenArea, ids)
}

// Boards lists the management boards by id.
func (db *DB) Boards(ctx context.Context) ([]*zonegis.Board, error) {
	return collect(ctx, db.pool, sqlBoards, scanBoard)
}

// MaxSeq returns the highest committed change-log seq (0 when empty).
func (db *DB) MaxSeq(ctx context.Context) (int64, error) {
	var seq int64
	err := db.pool.QueryRow(ctx, sqlMaxSeq).Scan(&seq)
	return seq, mapError(err)
}

// ChangeHorizon returns the seq up to which changes may have been pruned.
func (db *DB) ChangeHorizon(ctx context.Context) (int64, error) {
	var seq int64
	err := db.read.QueryRow(ctx, sqlChangeHorizon).Scan(&seq)
	return seq, mapError(err)
}

// ChangesSince returns up to limit changes with seq > after, in seq order.
func (db *DB) ChangesSince(ctx context.Context, after int64, limit int) ([]zonegis.Change, error) {
	rows, err := db.read.Query(ctx, sqlChangesSince, after, limit)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out, err := scanChanges(rows)
	return out, mapError(err)
}

func scanChanges(rows pgx.Rows) ([]zonegis.Change, error) {
	var out []zonegis.Change
	for rows.Next() {
		var c zonegis.Change
		if err := rows.Scan(&c.Seq, &c.Collection, &c.ItemID, &c.Op, &c.At); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// LogState is where the change log stands: Horizon as ChangeHorizon, End
// and Today as SeqAndToday.
type LogState struct {
	Horizon, End int64
	Today        time.Time
}

// ChangeLog returns where the change log stands and up to limit changes
// with seq > after (as ChangesSince), read in that order in one round trip:
// what a follower reads on each notification, while the writer that made
// the change waits for it.
func (db *DB) ChangeLog(ctx context.Context, after int64, limit int) (LogState, []zonegis.Change, error) {
	var st LogState
	var out []zonegis.Change
	b := &pgx.Batch{}
	b.Queue(sqlChangeHorizon).QueryRow(func(r pgx.Row) error { return r.Scan(&st.Horizon) })
	b.Queue(sqlSeqToday).QueryRow(func(r pgx.Row) error { return r.Scan(&st.End, &st.Today) })
	b.Queue(sqlChangesSince, after, limit).Query(func(rows pgx.Rows) error {
		var err error
		out, err = scanChanges(rows)
		return err
	})
	if err := db.read.SendBatch(ctx, b).Close(); err != nil {
		return LogState{}, nil, mapError(err)
	}
	st.Today = st.Today.UTC()
	return st, out, nil
}

// PruneChanges deletes change-log rows with seq <= upTo and moves the horizon;
// followers behind it reload in full.
func (db *DB) PruneChanges(ctx context.Context, upTo int64) error {
	_, err := db.pool.Exec(ctx, sqlPruneChanges, upTo)
	return mapError(err)
}
