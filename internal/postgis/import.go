package postgis

import (
	"context"
	"errors"
	"fmt"
	"iter"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ImportProblem is why feature Index (0-based, in the posted order) of an
// import was refused.
type ImportProblem struct {
	Index   int            `json:"index"`
	Code    string         `json:"code"`
	Reason  string         `json:"reason"`
	Details map[string]any `json:"details,omitempty"`
}

// ImportError is returned when any feature of an import is refused: nothing
// was written, and Problems lists every refused feature.
type ImportError struct{ Problems []ImportProblem }

func (e *ImportError) Error() string {
	return fmt.Sprintf("import refused: %d features have problems; nothing was written", len(e.Problems))
}

// Import inserts zones, parcels or green areas (items are *zonegis.Zone,
// *zonegis.Parcel or *zonegis.GreenArea, matching collection) in one
// transaction: all or nothing. Every item is tried, each under its own
// savepoint, so the report names every bad feature, not just the first.
// It returns the change-log seq of the import, or an *ImportError.
func (db *DB) Import(ctx context.Context, a zonegis.Actor, collection string, items []any) (int64, error) {
	return db.importItems(ctx, a, collection, sliceItems(items), true)
}

// ImportSeq is Import over items as they come (an import read from a file
// one feature at a time, in constant memory). An error from items ends the
// import: nothing is written and the error is returned as it is.
func (db *DB) ImportSeq(ctx context.Context, a zonegis.Actor, collection string, items iter.Seq2[any, error]) (int64, error) {
	return db.importItems(ctx, a, collection, items, true)
}

// CheckImportSeq is CheckImport over items as they come.
func (db *DB) CheckImportSeq(ctx context.Context, collection string, items iter.Seq2[any, error]) error {
	_, err := db.importItems(ctx, zonegis.System, collection, items, false)
	return err
}

func sliceItems(items []any) iter.Seq2[any, error] {
	return func(yield func(any, error) bool) {
		for _, it := range items {
			if !yield(it, nil) {
				return
			}
		}
	}
}

// CheckImport tries items exactly as Import does and returns the same
// *ImportError for the refused ones, but writes nothing, even when every
// item is fine. An import that already has features refused before the
// database (bad JSON, unknown properties) uses it to report the database's
// reasons for the others too, while staying all or nothing.
func (db *DB) CheckImport(ctx context.Context, collection string, items []any) error {
	_, err := db.importItems(ctx, zonegis.System, collection, sliceItems(items), false)
	return err
}

// errCheckOnly rolls back the transaction of a CheckImport that found no
// problem.
var errCheckOnly = errors.New("check only: roll back")

func (db *DB) importItems(ctx context.Context, a zonegis.Actor, collection string, items iter.Seq2[any, error], commit bool) (int64, error) {
	var seq int64
	var probs []ImportProblem
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		n := 0
		for it, err := range items {
			if err != nil {
				return err
			}
			i := n
			n++
			sp, err := tx.Begin(ctx) // a savepoint
			if err != nil {
				return err
			}
			err = importOne(ctx, sp, collection, it)
			if err == nil {
				err = sp.Commit(ctx)
			}
			if err != nil {
				_ = sp.Rollback(ctx)
				me := mapError(err)
				var de *zonegis.Error
				if !errors.As(me, &de) {
					return err // not the feature's fault: stop
				}
				probs = append(probs, ImportProblem{Index: i, Code: de.Code, Reason: de.Message, Details: de.Details})
			}
		}
		if len(probs) > 0 {
			return &ImportError{Problems: probs}
		}
		if !commit {
			return errCheckOnly
		}
		_, err := tx.Exec(ctx, sqlInsertAudit, nullID(a.KeyID), a.KeyName, a.Role, "import", collection, nil,
			nil, fmt.Sprintf(`{"features": %d}`, n), a.RequestID)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlMaxSeq).Scan(&seq)
	})
	var ie *ImportError
	if errors.As(err, &ie) {
		return 0, ie
	}
	if errors.Is(err, errCheckOnly) {
		return 0, nil
	}
	return seq, mapError(err)
}

func importOne(ctx context.Context, tx pgx.Tx, collection string, it any) error {
	switch v := it.(type) {
	case *zonegis.Zone:
		if collection != zonegis.CollectionZones {
			break
		}
		args, err := zoneArgs(v)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlInsertZone, args...).Scan(&v.ID, &v.AreaM2, &v.Version, &v.UpdatedAt, (*attributesDest)(&v.Attributes))
	case *zonegis.Parcel:
		if collection != zonegis.CollectionParcels {
			break
		}
		args, err := parcelArgs(v)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlInsertParcel, args...).Scan(&v.ID, &v.AreaM2, &v.Version, &v.UpdatedAt, (*attributesDest)(&v.Attributes))
	case *zonegis.GreenArea:
		if collection != zonegis.CollectionGreenAreas {
			break
		}
		args, err := greenArgs(v)
		if err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlInsertGreenArea, args...).Scan(&v.ID, &v.AreaM2, &v.Version, &v.UpdatedAt, (*attributesDest)(&v.Attributes))
	}
	return zonegis.Errorf(zonegis.EINVALID, "item of type %T does not belong in %s", it, collection)
}
