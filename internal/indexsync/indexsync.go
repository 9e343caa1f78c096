// Package indexsync keeps the in-memory index in step with PostGIS. It reads
// the change log (table changes, seq in commit order) from the index's
// position, fetches the changed rows and applies them as one batch. A NOTIFY
// on channel zonegis_changes wakes it at once; a poll every PollInterval is
// the safety net (and the only path on read replicas, which cannot LISTEN).
// After a reconnect it catches up by seq; when its position is behind the
// pruning horizon, or ahead of the database (a restored or different
// database), it reloads everything.
//
// Over a read replica (postgis.DB.Split) it reads the log and the rows
// from the replica and LISTENs on the primary, where notifications are
// sent; a notification or a writer waiting for its seq (WaitFor) makes it
// poll the replica at short, growing intervals until the replica has
// replayed that far, so a write through this instance is visible here as
// soon as the replica has it (a few milliseconds behind the primary).
//
// Every instance runs its own follower over the shared database, so any
// number of stateless instances converge on the same state.
package indexsync

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Channel is the NOTIFY channel the schema's triggers signal on.
const Channel = "zonegis_changes"

// BatchLimit is the most change-log rows read per round trip.
const BatchLimit = 10000

// Follower applies the change log to an index.
type Follower struct {
	db     *postgis.DB
	ix     *index.Index
	logger *slog.Logger

	// PollInterval is how often the change log is read without a
	// notification (default 1 s).
	PollInterval time.Duration
	// OnApply, if set, is called after each batch or reload is published,
	// with the changes applied (nil after a full reload).
	OnApply func(changes []zonegis.Change)

	mu         sync.Mutex // serialises catch-ups
	day        time.Time  // the database's day the index's parcel statuses are as of; under mu
	listening  atomic.Bool
	listened   atomic.Bool  // a listener has been connected before
	reconnects atomic.Int64 // listener connections made after the first
	lastSync   atomic.Int64 // unix nanoseconds of the last successful catch-up
	reloads    atomic.Int64
	// want is the highest seq known to be committed on the primary that the
	// index may not have yet (a waiter's, or the primary's log end after a
	// notification over a replica); while the index is behind it the
	// follower polls at short intervals (catchUpRetry) instead of
	// PollInterval. kick wakes the wait between polls at once.
	want atomic.Int64
	kick chan struct{}

	waitMu  sync.Mutex
	waiters []waiter
}

type waiter struct {
	seq int64
	ch  chan struct{}
}

// New returns a follower of db's change log into ix.
func New(db *postgis.DB, ix *index.Index, logger *slog.Logger) *Follower {
	return &Follower{db: db, ix: ix, logger: logger, PollInterval: time.Second, kick: make(chan struct{}, 1)}
}

// Load reads everything from the database into the index.
func (f *Follower) Load(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.reload(ctx)
}

func (f *Follower) reload(ctx context.Context) error {
	start := time.Now()
	// The parcels go into the index's entries batch by batch as they are
	// read, so the load never holds them all twice (index.Builder).
	b := f.ix.Builder()
	s, err := f.db.LoadAll(ctx, b.AddParcels)
	if err != nil {
		return fmt.Errorf("load index: %w", err)
	}
	b.Publish(s.Seq, s.Today, s.Zones, s.GreenAreas, s.Retired)
	f.day = s.Today
	f.reloads.Add(1)
	f.lastSync.Store(time.Now().UnixNano())
	f.logger.Info("index loaded", "seq", s.Seq, "zones", len(s.Zones), "parcels", s.Parcels,
		"green_areas", len(s.GreenAreas), "took", time.Since(start).Round(time.Millisecond).String())
	f.release(s.Seq)
	if f.OnApply != nil {
		f.OnApply(nil)
	}
	return nil
}

// CatchUp applies every committed change after the index's position.
func (f *Follower) CatchUp(ctx context.Context) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	cur := f.ix.Snapshot().Seq()
	// The horizon, the log's end, the database's day (each catch-up also
	// follows the calendar: turnDay) and the first batch of changes in one
	// round trip; the rows they name in a second (apply).
	st, changes, err := f.db.ChangeLog(ctx, cur, BatchLimit)
	if err != nil {
		return err
	}
	if cur < st.Horizon || cur > st.End {
		f.logger.Warn("change log gap: reloading the index", "position", cur, "horizon", st.Horizon, "max_seq", st.End)
		return f.reload(ctx)
	}
	for len(changes) > 0 {
		if err := f.apply(ctx, changes); err != nil {
			return err
		}
		cur = changes[len(changes)-1].Seq
		if len(changes) < BatchLimit {
			break
		}
		if changes, err = f.db.ChangesSince(ctx, cur, BatchLimit); err != nil {
			return err
		}
	}
	if err := f.turnDay(ctx, cur, st.Today); err != nil {
		return err
	}
	f.lastSync.Store(time.Now().UnixNano())
	return nil
}

// turnDay follows the calendar: a parcel's status changes on the day a
// lease starts or ends without any write, so when the database's day has
// moved on to day, the parcels whose status was due to change by then
// (StatusUntil) are read again, with their status as of the new day, and
// published at the same seq. Called with f.mu held.
func (f *Follower) turnDay(ctx context.Context, seq int64, day time.Time) error {
	if day.Equal(f.day) {
		return nil
	}
	due := map[int64]bool{}
	f.ix.Snapshot().AscendParcels(0, func(p *zonegis.Parcel) bool {
		if !p.StatusUntil.IsZero() && !p.StatusUntil.After(day) {
			due[p.ID] = true
		}
		return true
	})
	b := index.Batch{Seq: seq, Today: day}
	var changes []zonegis.Change
	if len(due) > 0 {
		var err error
		if b.Parcels, b.DeletedParcels, err = fetch(ctx, due, f.db.ParcelsByID, func(p *zonegis.Parcel) int64 { return p.ID }); err != nil {
			return err
		}
		for id := range due {
			changes = append(changes, zonegis.Change{Seq: seq, Collection: zonegis.CollectionParcels, ItemID: id, Op: "update"})
		}
	}
	f.ix.Apply(b)
	f.logger.Info("day turned: parcel statuses refreshed", "day", day.Format(time.DateOnly), "parcels", len(due))
	f.day = day
	if f.OnApply != nil && len(changes) > 0 {
		f.OnApply(changes)
	}
	return nil
}

// apply fetches the current rows behind changes and publishes them as one
// batch. Rows are read after the changes, so they may already reflect later
// changes; applying those again later is harmless (upserts are idempotent).
func (f *Follower) apply(ctx context.Context, changes []zonegis.Change) error {
	ids := map[string]map[int64]bool{}
	for _, c := range changes {
		if ids[c.Collection] == nil {
			ids[c.Collection] = map[int64]bool{}
		}
		ids[c.Collection][c.ItemID] = true
	}
	b := index.Batch{Seq: changes[len(changes)-1].Seq}
	var err error
	if set := ids[zonegis.CollectionZones]; set != nil {
		if b.Zones, b.DeletedZones, err = fetch(ctx, set, f.db.ZonesByID, func(z *zonegis.Zone) int64 { return z.ID }); err != nil {
			return err
		}
	}
	if set := ids[zonegis.CollectionParcels]; set != nil {
		if b.Parcels, b.DeletedParcels, err = fetch(ctx, set, f.db.ParcelsByID, func(p *zonegis.Parcel) int64 { return p.ID }); err != nil {
			return err
		}
		// A parcel gone may have been retired by a split or merge: its
		// history joins the index's retired parcels (datetime reads).
		if len(b.DeletedParcels) > 0 {
			if b.RetiredParcels, err = f.db.RetiredParcelsByID(ctx, b.DeletedParcels); err != nil {
				return err
			}
		}
	}
	if set := ids[zonegis.CollectionGreenAreas]; set != nil {
		if b.GreenAreas, b.DeletedGreenAreas, err = fetch(ctx, set, f.db.GreenAreasByID, func(g *zonegis.GreenArea) int64 { return g.ID }); err != nil {
			return err
		}
	}
	f.ix.Apply(b)
	f.release(b.Seq)
	if f.OnApply != nil {
		f.OnApply(changes)
	}
	return nil
}

// fetch reads the rows with the ids in set; ids that no longer exist are
// returned as deleted.
func fetch[T any](ctx context.Context, set map[int64]bool, byID func(context.Context, []int64) ([]*T, error), id func(*T) int64) ([]*T, []int64, error) {
	want := make([]int64, 0, len(set))
	for k := range set {
		want = append(want, k)
	}
	rows, err := byID(ctx, want)
	if err != nil {
		return nil, nil, err
	}
	found := make(map[int64]bool, len(rows))
	for _, r := range rows {
		found[id(r)] = true
	}
	var deleted []int64
	for _, k := range want {
		if !found[k] {
			deleted = append(deleted, k)
		}
	}
	return rows, deleted, nil
}

// Run follows the change log until ctx ends. It returns nil on cancellation.
func (f *Follower) Run(ctx context.Context) error {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := f.listen(ctx)
		if f.listening.Swap(false) {
			// It had been listening: a new loss, not the same outage going
			// on, so retry soon rather than after the last outage's backoff.
			backoff = 100 * time.Millisecond
		}
		if ctx.Err() != nil {
			return nil
		}
		f.logger.Warn("change-log listener lost; polling until it reconnects", "err", err, "retry_in", backoff.String())
		// Keep the index current by polling while the listener is down.
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
		if err := f.CatchUp(ctx); err != nil && ctx.Err() == nil {
			f.logger.Debug("catch-up failed", "err", err)
		}
		backoff = min(backoff*2, 5*time.Second)
	}
	return nil
}

// listen holds a dedicated connection with LISTEN, catching up on every
// notification and every PollInterval. It returns when the connection fails.
func (f *Follower) listen(ctx context.Context) error {
	lctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	l, err := f.db.Listen(lctx, Channel)
	cancel()
	if err != nil {
		return err
	}
	defer l.Close(context.WithoutCancel(ctx)) //nolint:errcheck // the connection only has to go
	f.listening.Store(true)
	if f.listened.Swap(true) {
		f.reconnects.Add(1)
	}
	// Anything committed before LISTEN took effect is read now.
	if err := f.CatchUp(ctx); err != nil {
		return err
	}
	poll := f.PollInterval
	if poll <= 0 {
		poll = time.Second
	}
	retry := catchUpRetry
	for {
		wait := poll
		if f.ix.Snapshot().Seq() < f.want.Load() {
			// Behind a seq the primary has: poll again soon, less soon
			// each time, so that a replica that stopped replaying costs
			// no more than a poll a PollInterval.
			wait, retry = min(retry, poll), min(retry*2, poll)
		} else {
			retry = catchUpRetry
		}
		wctx, cancel := context.WithTimeout(ctx, wait)
		go func() { // a waiter's kick ends the wait at once
			select {
			case <-f.kick:
				cancel()
			case <-wctx.Done():
			}
		}()
		err := l.WaitForNotification(wctx)
		notified := err == nil
		cancel()
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
			return err
		}
		if notified && f.db.Split() {
			// The notification comes from the primary; the replica may not
			// have replayed the write yet: aim at the primary's log end.
			if seq, err := f.db.MaxSeq(ctx); err == nil {
				f.wantAtLeast(seq)
			}
		}
		if err := f.CatchUp(ctx); err != nil {
			return err
		}
	}
}

// catchUpRetry is the first of the short intervals between polls while the
// index is behind a seq the primary has (see Follower.want).
const catchUpRetry = 2 * time.Millisecond

// wantAtLeast raises f.want to seq.
func (f *Follower) wantAtLeast(seq int64) {
	for {
		cur := f.want.Load()
		if cur >= seq || f.want.CompareAndSwap(cur, seq) {
			return
		}
	}
}

// WaitFor blocks until the index has applied seq (or ctx ends). Writers use
// it so that a write is visible to the next read on the same instance.
func (f *Follower) WaitFor(ctx context.Context, seq int64) error {
	if f.ix.Snapshot().Seq() >= seq {
		return nil
	}
	ch := make(chan struct{})
	f.waitMu.Lock()
	f.waiters = append(f.waiters, waiter{seq: seq, ch: ch})
	f.waitMu.Unlock()
	// Over a replica the primary's notification may come before the
	// replica has the write: poll it now, and again soon until it has.
	// (Over one database the notification's catch-up sees the write.)
	f.wantAtLeast(seq)
	if f.db.Split() {
		select {
		case f.kick <- struct{}{}:
		default:
		}
	}
	// The batch may have landed between the check and the registration.
	if f.ix.Snapshot().Seq() >= seq {
		f.release(f.ix.Snapshot().Seq())
	}
	select {
	case <-ch:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (f *Follower) release(seq int64) {
	f.waitMu.Lock()
	defer f.waitMu.Unlock()
	kept := f.waiters[:0]
	for _, w := range f.waiters {
		if w.seq <= seq {
			close(w.ch)
		} else {
			kept = append(kept, w)
		}
	}
	f.waiters = kept
}

// Status describes the follower for health checks and metrics.
type Status struct {
	Seq       int64     `json:"seq"`
	Listening bool      `json:"listening"`
	LastSync  time.Time `json:"last_sync"`
	Reloads   int64     `json:"reloads"`
	// Reconnects counts the listener connections made after the first
	// (each follows a lost connection).
	Reconnects int64 `json:"reconnects"`
}

// Status returns the follower's current state.
func (f *Follower) Status() Status {
	return Status{
		Seq:        f.ix.Snapshot().Seq(),
		Listening:  f.listening.Load(),
		LastSync:   time.Unix(0, f.lastSync.Load()).UTC(),
		Reloads:    f.reloads.Load(),
		Reconnects: f.reconnects.Load(),
	}
}

// LogEnd returns the highest seq committed on the primary, for the
// index's lag in changes (the metrics).
func (f *Follower) LogEnd(ctx context.Context) (int64, error) { return f.db.MaxSeq(ctx) }
