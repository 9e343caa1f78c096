package postgis

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ImportRow is one feature offered to an import (registry makes them from
// the source's features). Item is the record it would write
// (*zonegis.Zone, *zonegis.Parcel or *zonegis.GreenArea), nil when the
// feature could not be read as one; then ZoneID, Key and Boundary hold
// what could be read of it, so that it still takes part in the checks
// between features (an overlap is found in the first round, not after the
// feature's other problems are fixed). Problems are those found before
// the database; a row with any is never written.
type ImportRow struct {
	Index    int
	FID      *int64
	Item     any
	ZoneID   *int64
	Key      string // lot code (zone code of a zone)
	Boundary orb.MultiPolygon
	Problems []zonegis.ImportProblem
}

// ImportStats are what an import's checks did, for tests and the log:
// Pieces is how many pieces the file's features were checked as;
// ExistingPiecePairs how many pairs of a file's piece and an existing
// large parcel's piece met by bound (the large parcels were compared piece
// by piece, not whole).
type ImportStats struct {
	Staged             int
	Pieces             int
	ExistingPiecePairs int64
}

// ImportChecked runs an import of collection as actor: every row goes by
// COPY into a temporary staging table, every check of the land records
// runs on it as a set query (the geometry guard's own check, the zone,
// within the zone, overlaps among all the file's parcels and with those
// there, lot codes and zone codes held twice, boards and parents), and
// then, unless o.DryRun or (all or nothing) some feature has a problem,
// the features without problems are written in the same transaction, in
// the source's order, under the change-log lock; the triggers check them
// again (parcels and green areas as one set: migrations/0012). It returns the report (Seq set when something was written).
// Errors: what reading rows returned; EUNAVAILABLE; an error of the write
// itself (which the checks are built to make impossible).
func (db *DB) ImportChecked(ctx context.Context, a zonegis.Actor, collection string, rows iter.Seq2[ImportRow, error], o zonegis.ImportOptions) (*zonegis.ImportReport, *ImportStats, error) {
	write, ok := sqlImportWrite[collection]
	if !ok {
		return nil, nil, zonegis.Errorf(zonegis.ENOTFOUND, "no such collection; collections are zones, parcels and green-areas")
	}
	rep := &zonegis.ImportReport{Collection: collection, DryRun: o.DryRun, Problems: []zonegis.ImportProblem{}}
	st := &ImportStats{}
	tol := o.Tolerance()
	err := pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		if !o.DryRun {
			// The change-log lock first, as every writer (migrations/0005):
			// nothing changes between the checks and the write.
			if _, err := tx.Exec(ctx, sqlWriteLock); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, sqlImportNoJIT); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlImportRaw); err != nil {
			return err
		}
		var pre []zonegis.ImportProblem // found before the database
		preBad := map[int]bool{}
		next, stop := iter.Pull2(rows)
		defer stop()
		var readErr error
		src := pgx.CopyFromFunc(func() ([]any, error) {
			r, err, ok := next()
			if !ok {
				return nil, nil
			}
			if err != nil {
				readErr = err
				return nil, err
			}
			rep.Features++
			vals, err := stageValues(collection, r)
			if err != nil {
				readErr = err
				return nil, err
			}
			if len(r.Problems) > 0 {
				preBad[r.Index] = true
				for _, p := range r.Problems {
					if len(pre) > zonegis.MaxImportProblems {
						break
					}
					if p.FID == nil {
						p.FID = r.FID
					}
					if p.LotCode == "" {
						p.LotCode = r.Key
					}
					pre = append(pre, p)
				}
			}
			return vals, nil
		})
		n, err := tx.CopyFrom(ctx, pgx.Identifier{"zg_import_raw"}, importStageColumns, src)
		if readErr != nil {
			return readErr
		}
		if err != nil {
			return err
		}
		st.Staged = int(n)
		if _, err := tx.Exec(ctx, sqlImportProblems); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlImportStage, o.Repair == zonegis.RepairMakeValid); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlImportStageIndex); err != nil {
			return err
		}
		if err := runChecks(ctx, tx, collection, tol, st); err != nil {
			return err
		}
		probs, bad, err := readProblems(ctx, tx)
		if err != nil {
			return err
		}
		for i := range preBad {
			bad[i] = true
		}
		probs = mergeProblems(pre, probs)
		if o.Repair == zonegis.RepairMakeValid {
			if rep.Repairs, err = readRepairs(ctx, tx); err != nil {
				return err
			}
		}
		rep.Skipped = len(bad)
		if len(probs) > zonegis.MaxImportProblems || len(bad) > len(probs) {
			probs, rep.Truncated = probs[:min(len(probs), zonegis.MaxImportProblems)], true
		}
		rep.Problems = probs
		if o.DryRun {
			return errCheckOnly
		}
		if rep.Skipped > 0 && o.OnConflict != zonegis.OnConflictSkip {
			rep.Refused = true
			return errCheckOnly
		}
		if rep.Skipped == rep.Features {
			return errCheckOnly // nothing to write
		}
		if _, err := tx.Exec(ctx, sqlImportTolerance, strconv.FormatFloat(tol, 'g', -1, 64)); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, sqlImportSkip); err != nil {
			return err
		}
		bulk := collection != zonegis.CollectionZones
		if bulk {
			if _, err := tx.Exec(ctx, sqlImportBulkOn); err != nil {
				return err
			}
		}
		tag, err := tx.Exec(ctx, write)
		if err != nil {
			return err
		}
		if bulk {
			if _, err := tx.Exec(ctx, sqlImportBulkOff); err != nil {
				return err
			}
		}
		rep.Imported = int(tag.RowsAffected())
		if _, err := tx.Exec(ctx, sqlInsertAudit, nullID(a.KeyID), a.KeyName, a.Role, "import", collection, nil,
			nil, fmt.Sprintf(`{"features": %d, "skipped": %d}`, rep.Imported, rep.Skipped), a.RequestID, nullID(a.UserID), a.UserLogin, nil); err != nil {
			return err
		}
		return tx.QueryRow(ctx, sqlMaxSeq).Scan(&rep.Seq)
	})
	if err != nil && !errors.Is(err, errCheckOnly) {
		return nil, nil, mapError(err)
	}
	return rep, st, nil
}

// errCheckOnly rolls back the transaction of an import that writes
// nothing (a dry run, a refusal).
var errCheckOnly = errors.New("check only: roll back")

// stageValues are the staging columns of r (importStageColumns) and its key.
func stageValues(collection string, r ImportRow) ([]any, error) {
	v := make([]any, len(importStageColumns))
	v[0], v[2] = int32(r.Index), r.Item != nil && len(r.Problems) == 0
	if r.FID != nil {
		v[1] = *r.FID
	}
	zoneID, key, boundary := r.ZoneID, r.Key, r.Boundary
	switch it := r.Item.(type) {
	case *zonegis.Parcel:
		if collection != zonegis.CollectionParcels {
			return nil, zonegis.Errorf(zonegis.EINVALID, "item of type %T does not belong in %s", it, collection)
		}
		zoneID, key, boundary = &it.ZoneID, it.LotCode, it.Boundary
		v[5], v[8], v[22] = it.LandUse, it.Synthetic, attributesArg(it.Attributes)
	case *zonegis.GreenArea:
		if collection != zonegis.CollectionGreenAreas {
			return nil, zonegis.Errorf(zonegis.EINVALID, "item of type %T does not belong in %s", it, collection)
		}
		zoneID, key, boundary = &it.ZoneID, "", it.Boundary
		v[6], v[7], v[8], v[22] = it.Kind, it.Name, it.Synthetic, attributesArg(it.Attributes)
	case *zonegis.Zone:
		if collection != zonegis.CollectionZones {
			return nil, zonegis.Errorf(zonegis.EINVALID, "item of type %T does not belong in %s", it, collection)
		}
		zoneID, key, boundary = nil, it.Code, it.Boundary
		sectors := it.Sectors
		if sectors == nil {
			sectors = []string{}
		}
		v[6], v[9], v[10], v[11], v[12], v[13] = it.Kind, it.NameVI, it.NameEN, it.ParentID, it.BoardID, it.Province
		v[14], v[15], v[16], v[17], v[18], v[19], v[20] = it.Status, it.Model, dateArg(it.Established), it.Enterprises, it.Workers, sectors, it.Source
		v[22] = attributesArg(it.Attributes)
	case nil:
	default:
		return nil, zonegis.Errorf(zonegis.EINVALID, "item of type %T does not belong in %s", it, collection)
	}
	if collection == zonegis.CollectionZones {
		zoneID = nil
	}
	if zoneID != nil {
		v[3] = *zoneID
	}
	v[4] = key
	if len(boundary) > 0 {
		b, err := wkbOf(boundary)
		if err == nil {
			v[21] = b
		}
	}
	return v, nil
}

// whatOf names a feature of collection as the guards do ("parcel A-01").
var whatOf = map[string]string{"parcels": "parcel", "green-areas": "green area", "zones": "zone"}

func runChecks(ctx context.Context, tx pgx.Tx, collection string, tol float64, st *ImportStats) error {
	what := whatOf[collection]
	// Each step's SQL is a constant at its call (codecheck.TestNoSQLFromInput).
	steps := []func() error{
		func() error { return execStep(ctx, tx, sqlImportPieces) },
		func() error { return execStep(ctx, tx, sqlImportPiecesIndex) },
		func() error { return execStep(ctx, tx, sqlImportAnalyze) },
		func() error { return execStep(ctx, tx, sqlCheckGeometry, what) },
	}
	switch collection {
	case zonegis.CollectionParcels:
		steps = append(steps,
			func() error { return execStep(ctx, tx, sqlCheckZoneExists) },
			func() error { return execStep(ctx, tx, sqlCheckInside, what) },
			func() error { return execStep(ctx, tx, sqlCheckOverlapFile, tol) },
			func() error { return execStep(ctx, tx, sqlCheckOverlapExisting, tol) },
			func() error {
				return execStep(ctx, tx, sqlCheckDuplicateFile, `lot_code "%s" already exists in this file: feature %s has it first; lot codes are unique within a zone`, false)
			},
			func() error { return execStep(ctx, tx, sqlCheckDuplicateParcel) },
		)
	case zonegis.CollectionGreenAreas:
		steps = append(steps,
			func() error { return execStep(ctx, tx, sqlCheckZoneExists) },
			func() error { return execStep(ctx, tx, sqlCheckInside, what) },
		)
	case zonegis.CollectionZones:
		steps = append(steps,
			func() error {
				return execStep(ctx, tx, sqlCheckDuplicateFile, `code "%s" already exists in this file: feature %s has it first; zone codes are unique`, true)
			},
			func() error { return execStep(ctx, tx, sqlCheckDuplicateZone) },
			func() error { return execStep(ctx, tx, sqlCheckZoneRefs) },
		)
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return err
		}
	}
	if err := tx.QueryRow(ctx, sqlCountPieces).Scan(&st.Pieces); err != nil {
		return err
	}
	return tx.QueryRow(ctx, sqlCountPiecePairs).Scan(&st.ExistingPiecePairs)
}

// execStep runs one statement of the checks.
func execStep(ctx context.Context, tx pgx.Tx, sql string, args ...any) error {
	_, err := tx.Exec(ctx, sql, args...)
	return err
}

// problemHints add what to do to the guard's own sentences.
var problemHints = map[string]string{
	"ZG001": "; redraw the boundary at the location so that no ring crosses itself or another, or import with repair=make_valid",
	"ZG004": "; a land record's boundary is a Polygon or MultiPolygon in lon/lat (EPSG:4326)",
}

// guardCodes are the domain codes of the guards' SQLSTATEs (errors.go).
var guardCodes = map[string]string{"ZG001": zonegis.EINVALID, "ZG002": zonegis.EINVALID, "ZG003": zonegis.ECONFLICT, "ZG004": zonegis.EINVALID}

// readProblems reads the database's problems (at most
// MaxImportProblems+1) and the indexes of every feature with one.
func readProblems(ctx context.Context, tx pgx.Tx) ([]zonegis.ImportProblem, map[int]bool, error) {
	bad := map[int]bool{}
	idx, err := tx.Query(ctx, sqlImportBadIndexes)
	if err != nil {
		return nil, nil, err
	}
	for idx.Next() {
		var i int
		if err := idx.Scan(&i); err != nil {
			idx.Close()
			return nil, nil, err
		}
		bad[i] = true
	}
	idx.Close()
	if err := idx.Err(); err != nil {
		return nil, nil, err
	}
	rows, err := tx.Query(ctx, sqlImportProblemRows, zonegis.MaxImportProblems+1)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []zonegis.ImportProblem
	for rows.Next() {
		var p zonegis.ImportProblem
		var x, y *float64
		var otherIdx *int32
		var otherLot *string
		if err := rows.Scan(&p.Index, &p.FID, &p.LotCode, &p.Problem, &p.Code, &p.Reason, &x, &y, &otherIdx, &otherLot, &p.OtherID, &p.AreaM2); err != nil {
			return nil, nil, err
		}
		if c, ok := guardCodes[p.Code]; ok {
			p.Reason += problemHints[p.Code]
			p.Code = c
		} else if p.Problem == zonegis.ProblemGeometry {
			p.Code = zonegis.EINVALID
		}
		if x != nil && y != nil {
			p.Location = &[2]float64{round9(*x), round9(*y)}
		}
		if otherIdx != nil {
			i := int(*otherIdx)
			p.OtherIndex = &i
		}
		if otherLot != nil {
			p.OtherLotCode = *otherLot
		}
		out = append(out, p)
	}
	return out, bad, rows.Err()
}

func readRepairs(ctx context.Context, tx pgx.Tx) ([]zonegis.ImportRepair, error) {
	rows, err := tx.Query(ctx, sqlImportRepairs, zonegis.MaxImportProblems)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []zonegis.ImportRepair
	for rows.Next() {
		var r zonegis.ImportRepair
		var why string
		if err := rows.Scan(&r.Index, &r.FID, &r.LotCode, &why, &r.AreaBeforeM2, &r.AreaAfterM2); err != nil {
			return nil, err
		}
		r.AreaChangeM2 = r.AreaAfterM2 - r.AreaBeforeM2
		r.Reason = fmt.Sprintf("the boundary was not valid (%s) and was repaired with ST_MakeValid, keeping its polygons; its area changed by %.1f m²", why, r.AreaChangeM2)
		out = append(out, r)
	}
	return out, rows.Err()
}

// mergeProblems puts the problems found before the database among the
// database's, in the order of the features (stable: each feature's own
// problems in the order they were found).
func mergeProblems(pre, db []zonegis.ImportProblem) []zonegis.ImportProblem {
	out := make([]zonegis.ImportProblem, 0, len(pre)+len(db))
	i, j := 0, 0
	for i < len(pre) || j < len(db) {
		if j == len(db) || (i < len(pre) && pre[i].Index <= db[j].Index) {
			out = append(out, pre[i])
			i++
		} else {
			out = append(out, db[j])
			j++
		}
	}
	return out
}

func round9(f float64) float64 {
	v, _ := strconv.ParseFloat(strconv.FormatFloat(f, 'f', 9, 64), 64)
	return v
}
