package postgis

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

var _ zonegis.BoardService = (*DB)(nil)

func scanBoard(r pgx.Row) (*zonegis.Board, error) {
	var b zonegis.Board
	return &b, r.Scan(&b.ID, &b.NameVI, &b.NameEN, &b.Province, &b.Website, &b.Version, &b.UpdatedAt)
}

// Board returns board id. Errors: ENOTFOUND.
func (db *DB) Board(ctx context.Context, id string) (*zonegis.Board, error) {
	b, err := scanBoard(db.pool.QueryRow(ctx, sqlBoardByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noBoard(id)
	}
	return b, mapError(err)
}

func noBoard(id string) error {
	return zonegis.Errorf(zonegis.ENOTFOUND, "no management board with id %q (GET /boards lists them)", id)
}

// CreateBoard validates b, inserts it and fills in its Version and
// UpdatedAt. Errors: EINVALID, ECONFLICT (the id is taken).
func (db *DB) CreateBoard(ctx context.Context, a zonegis.Actor, b *zonegis.Board) error {
	if err := b.Validate(); err != nil {
		return err
	}
	return db.writeBoard(ctx, a, "create", b.ID, func(tx pgx.Tx) error {
		return tx.QueryRow(ctx, sqlCreateBoard, b.ID, b.NameVI, b.NameEN, b.Province, b.Website).Scan(&b.Version, &b.UpdatedAt)
	})
}

// UpdateBoard locks board id, checks ifVersion (0: any), lets change edit
// it, validates and writes it, and returns it as written. The id stays.
// Errors: ENOTFOUND, EPRECONDITION, EINVALID.
func (db *DB) UpdateBoard(ctx context.Context, a zonegis.Actor, id string, ifVersion int64, change func(*zonegis.Board) error) (*zonegis.Board, error) {
	var b *zonegis.Board
	err := db.writeBoard(ctx, a, "replace", id, func(tx pgx.Tx) error {
		cur, err := lockBoard(ctx, tx, id, ifVersion)
		if err != nil {
			return err
		}
		if err := change(cur); err != nil {
			return err
		}
		cur.ID = id
		if err := cur.Validate(); err != nil {
			return err
		}
		b = cur
		return tx.QueryRow(ctx, sqlUpdateBoard, id, b.NameVI, b.NameEN, b.Province, b.Website).Scan(&b.Version, &b.UpdatedAt)
	})
	return b, err
}

// DeleteBoard deletes board id when no zone names it. Errors: ENOTFOUND,
// EPRECONDITION, ECONFLICT (zones name it; Details["zones"] counts them).
func (db *DB) DeleteBoard(ctx context.Context, a zonegis.Actor, id string, ifVersion int64) error {
	return db.writeBoard(ctx, a, "delete", id, func(tx pgx.Tx) error {
		if _, err := lockBoard(ctx, tx, id, ifVersion); err != nil {
			return err
		}
		// The board's row lock keeps a new zone from naming it (the
		// foreign key's check takes a share lock on it) until we commit.
		var n int64
		if err := tx.QueryRow(ctx, sqlBoardZones, id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return &zonegis.Error{Code: zonegis.ECONFLICT,
				Message: fmt.Sprintf("board %q keeps %d zone(s); give them another board_id before deleting it", id, n),
				Details: map[string]any{"zones": n}}
		}
		_, err := tx.Exec(ctx, sqlDeleteBoard, id)
		return err
	})
}

// lockBoard locks board id and checks ifVersion (0: any).
func lockBoard(ctx context.Context, tx pgx.Tx, id string, ifVersion int64) (*zonegis.Board, error) {
	b, err := scanBoard(tx.QueryRow(ctx, sqlLockBoard, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noBoard(id)
	}
	if err != nil {
		return nil, err
	}
	if ifVersion != 0 && ifVersion != b.Version {
		return nil, &zonegis.Error{Code: zonegis.EPRECONDITION,
			Message: fmt.Sprintf("the board has changed since you read it (your version %d, current %d); read it again", ifVersion, b.Version),
			Details: map[string]any{"current_version": b.Version}}
	}
	return b, nil
}

// writeBoard runs fn in a write transaction (the change-log lock first, as
// every writer takes it), appends the write to the change log and records
// the audit entry of board id: its row before and after, under collection
// "boards" (audit_log.item_id is a number, so a board's id is in its
// images only).
func (db *DB) writeBoard(ctx context.Context, a zonegis.Actor, action, id string, fn func(tx pgx.Tx) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.Exec(ctx, sqlWriteLock); err != nil {
		return mapError(err)
	}
	image := func() ([]byte, error) {
		var b []byte
		err := tx.QueryRow(ctx, sqlBoardRowJSON, id).Scan(&b)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil, nil
		}
		return b, err
	}
	before, err := image()
	if err != nil {
		return mapError(err)
	}
	if err := fn(tx); err != nil {
		return mapError(err)
	}
	after, err := image()
	if err != nil {
		return mapError(err)
	}
	op := map[string]string{"create": "insert", "replace": "update", "delete": "delete"}[action]
	if _, err := tx.Exec(ctx, sqlLogBoardChange, op); err != nil {
		return mapError(err)
	}
	var keyID any
	if a.KeyID != 0 {
		keyID = a.KeyID
	}
	if _, err := tx.Exec(ctx, sqlInsertAudit, keyID, a.KeyName, a.Role, action, zonegis.CollectionBoards, nil,
		nullJSON(before), nullJSON(after), a.RequestID, nullID(a.UserID), a.UserLogin, nil); err != nil {
		return mapError(err)
	}
	return mapError(tx.Commit(ctx))
}
