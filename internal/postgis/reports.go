package postgis

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The yearly enterprise reports (zonegis.EnterpriseReportStore), read from
// PostgreSQL page by page (not in the index), written under the change-log
// lock with an audit row naming the enterprise's board.

var _ zonegis.EnterpriseReportStore = (*DB)(nil)

func scanReport(r pgx.Row) (*zonegis.EnterpriseReport, error) {
	var x zonegis.EnterpriseReport
	var rev, exp, imp, bud *string
	if err := r.Scan(&x.ID, &x.EnterpriseID, &x.BoardID, &x.Year, &rev, &exp, &imp, &bud, &x.WorkersVN, &x.WorkersForeign,
		&x.Synthetic, &x.Version, &x.UpdatedAt); err != nil {
		return nil, err
	}
	x.RevenueVND, x.ExportUSD, x.ImportUSD, x.BudgetVND = decimalOf(rev), decimalOf(exp), decimalOf(imp), decimalOf(bud)
	return &x, nil
}

func decimalOf(s *string) *zonegis.Decimal {
	if s == nil {
		return nil
	}
	d := zonegis.Decimal(*s)
	return &d
}

func decimalArg(d *zonegis.Decimal) any {
	if d == nil {
		return nil
	}
	return string(*d)
}

func noReport(id int64) error {
	return zonegis.Errorf(zonegis.ENOTFOUND, "no enterprise report with id %d", id)
}

// reportSorts are the keys a ReportFilter may sort by.
var reportSorts = append([]string{"", "year", "enterprise_id"}, zonegis.ReportFigures...)

// reportArgs are the arguments of sqlReportsSelect for f.
func reportArgs(f zonegis.ReportFilter) ([]any, error) {
	if !slices.Contains(reportSorts, f.SortBy) {
		return nil, zonegis.Errorf(zonegis.EINVALID, "sortby: %q is not a sortable of enterprise reports", f.SortBy)
	}
	args := []any{f.SeesAll, append([]string{}, f.Seen...), f.EnterpriseID, f.Board, f.From, f.To}
	for name := range f.Min {
		if !slices.Contains(zonegis.ReportFigures, name) {
			return nil, zonegis.Errorf(zonegis.EINVALID, "min_%s: not a figure of enterprise reports", name)
		}
	}
	for name := range f.Max {
		if !slices.Contains(zonegis.ReportFigures, name) {
			return nil, zonegis.Errorf(zonegis.EINVALID, "max_%s: not a figure of enterprise reports", name)
		}
	}
	for _, name := range zonegis.ReportFigures {
		for _, bounds := range []map[string]zonegis.Decimal{f.Min, f.Max} {
			if d, ok := bounds[name]; ok {
				args = append(args, string(d))
			} else {
				args = append(args, nil)
			}
		}
	}
	return append(args, f.SortBy, instant(f.UpdatedFrom), instant(f.UpdatedUntil)), nil
}

// EnterpriseReports returns the page of reports f selects and how many
// match in all (zonegis.ReportFilter: figures the caller does not see
// pass no bound and sort last). Errors: EINVALID for a sort or figure
// name not of reports.
func (db *DB) EnterpriseReports(ctx context.Context, f zonegis.ReportFilter) ([]*zonegis.EnterpriseReport, int64, error) {
	args, err := reportArgs(f)
	if err != nil {
		return nil, 0, err
	}
	var matched int64
	if err := db.read.QueryRow(ctx, sqlReportsCount, args...).Scan(&matched); err != nil {
		return nil, 0, mapError(err)
	}
	out, err := collect(ctx, db.read, sqlReportsPage, scanReport, append(args, f.Desc, max(f.Offset, 0), pageLimit(f.Limit))...)
	return out, matched, err
}

// EnterpriseReport returns report id. Errors: ENOTFOUND.
func (db *DB) EnterpriseReport(ctx context.Context, id int64) (*zonegis.EnterpriseReport, error) {
	r, err := scanReport(db.read.QueryRow(ctx, sqlReportByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, noReport(id)
	}
	return r, mapError(err)
}

// EnterprisesByMST returns the enterprises with one of the tax codes
// msts, with ID, BoardID and MST, by id. Errors: mapped database errors.
func (db *DB) EnterprisesByMST(ctx context.Context, msts []string) ([]*zonegis.Enterprise, error) {
	return collect(ctx, db.pool, sqlEnterprisesByMST, func(r pgx.Row) (*zonegis.Enterprise, error) {
		var e zonegis.Enterprise
		return &e, r.Scan(&e.ID, &e.BoardID, &e.MST)
	}, msts)
}

// CreateEnterpriseReports validates and inserts rs, all or none
// (zonegis.EnterpriseReportStore): every report is checked (Validate, its
// enterprise, its year not taken nor given twice, check) before any is
// written, in one transaction under the change-log lock, one audit row per
// report.
func (db *DB) CreateEnterpriseReports(ctx context.Context, a zonegis.Actor, rs []*zonegis.EnterpriseReport, dryRun bool, check func(*zonegis.EnterpriseReport) error) ([]zonegis.ImportProblem, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.Exec(ctx, sqlWriteLock); err != nil {
		return nil, mapError(err)
	}
	var probs []zonegis.ImportProblem
	problem := func(i int, field string, err error) {
		if len(probs) < zonegis.MaxImportProblems {
			probs = append(probs, zonegis.ImportProblem{Index: i, Code: zonegis.ErrorCode(err), Problem: zonegis.ProblemRead,
				Reason: zonegis.ErrorMessage(err), Details: map[string]any{"field": field}})
		}
	}
	ents, years := make([]int64, len(rs)), make([]int32, len(rs))
	for i, r := range rs {
		ents[i], years[i] = r.EnterpriseID, int32(r.Year)
	}
	boards := map[int64]string{}
	rows, err := tx.Query(ctx, sqlReportEnterpriseBoards, ents)
	if err != nil {
		return nil, mapError(err)
	}
	for rows.Next() {
		var id int64
		var b string
		if err := rows.Scan(&id, &b); err != nil {
			rows.Close()
			return nil, mapError(err)
		}
		boards[id] = b
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	type key struct {
		e int64
		y int
	}
	taken := map[key]int64{}
	rows, err = tx.Query(ctx, sqlReportsExisting, ents, years)
	if err != nil {
		return nil, mapError(err)
	}
	for rows.Next() {
		var k key
		var id int64
		if err := rows.Scan(&k.e, &k.y, &id); err != nil {
			rows.Close()
			return nil, mapError(err)
		}
		taken[k] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	first := map[key]int{}
	for i, r := range rs {
		if err := r.Validate(); err != nil {
			problem(i, "", err)
			continue
		}
		b, ok := boards[r.EnterpriseID]
		if !ok {
			problem(i, "enterprise_id", zonegis.Errorf(zonegis.EINVALID, "enterprise_id: no enterprise has the id %d", r.EnterpriseID))
			continue
		}
		r.BoardID = b
		k := key{r.EnterpriseID, r.Year}
		if id, ok := taken[k]; ok {
			problem(i, "year", zonegis.Errorf(zonegis.ECONFLICT, "year: enterprise %d has a report for %d already (id %d); change that one", r.EnterpriseID, r.Year, id))
			continue
		}
		if j, ok := first[k]; ok {
			problem(i, "year", zonegis.Errorf(zonegis.ECONFLICT, "year: enterprise %d's report for %d is given twice (also at %d)", r.EnterpriseID, r.Year, j))
			continue
		}
		first[k] = i
		if err := check(r); err != nil {
			problem(i, "enterprise_id", err)
		}
	}
	if len(probs) > 0 || dryRun {
		return probs, nil
	}
	for _, r := range rs {
		if err := tx.QueryRow(ctx, sqlInsertReport, r.EnterpriseID, r.Year, decimalArg(r.RevenueVND), decimalArg(r.ExportUSD),
			decimalArg(r.ImportUSD), decimalArg(r.BudgetVND), r.WorkersVN, r.WorkersForeign, r.Synthetic).Scan(&r.ID, &r.Version, &r.UpdatedAt); err != nil {
			return nil, mapError(err)
		}
		if err := reportAudit(ctx, tx, a, "create", r.ID, nil, r.BoardID); err != nil {
			return nil, err
		}
	}
	return nil, mapError(tx.Commit(ctx))
}

// reportAudit records a write of report id: before is its row as it was
// (nil for a create), after is read from the transaction.
func reportAudit(ctx context.Context, tx pgx.Tx, a zonegis.Actor, action string, id int64, before []byte, board string) error {
	var after []byte
	if err := tx.QueryRow(ctx, sqlReportRowJSON, id).Scan(&after); err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return mapError(err)
	}
	var keyID any
	if a.KeyID != 0 {
		keyID = a.KeyID
	}
	_, err := tx.Exec(ctx, sqlInvestAudit, keyID, a.KeyName, a.Role, action, zonegis.CollectionEnterpriseReports, id,
		nullJSON(before), nullJSON(after), a.RequestID, nullID(a.UserID), a.UserLogin, board)
	return mapError(err)
}

// writeReport runs fn on report id locked (its version checked against
// ifVersion unless 0) in a write transaction, and audits it.
func (db *DB) writeReport(ctx context.Context, a zonegis.Actor, action string, id, ifVersion int64, fn func(tx pgx.Tx, cur *zonegis.EnterpriseReport) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // after Commit it is a no-op
	if _, err := tx.Exec(ctx, sqlWriteLock); err != nil {
		return mapError(err)
	}
	cur, err := scanReport(tx.QueryRow(ctx, sqlLockReport, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return noReport(id)
	} else if err != nil {
		return mapError(err)
	}
	if ifVersion != 0 && cur.Version != ifVersion {
		return stale(cur.Version)
	}
	var before []byte
	if err := tx.QueryRow(ctx, sqlReportRowJSON, id).Scan(&before); err != nil {
		return mapError(err)
	}
	if err := fn(tx, cur); err != nil {
		return mapError(err)
	}
	if err := reportAudit(ctx, tx, a, action, id, before, cur.BoardID); err != nil {
		return err
	}
	return mapError(tx.Commit(ctx))
}

// UpdateEnterpriseReport locks report id, checks ifVersion, lets change
// edit it, validates and writes it. Errors: ENOTFOUND, EPRECONDITION,
// EINVALID, ECONFLICT, change's.
func (db *DB) UpdateEnterpriseReport(ctx context.Context, a zonegis.Actor, id, ifVersion int64, change func(*zonegis.EnterpriseReport) error) (*zonegis.EnterpriseReport, error) {
	var out *zonegis.EnterpriseReport
	err := db.writeReport(ctx, a, "replace", id, ifVersion, func(tx pgx.Tx, cur *zonegis.EnterpriseReport) error {
		if err := change(cur); err != nil {
			return err
		}
		cur.ID = id
		if err := cur.Validate(); err != nil {
			return err
		}
		if err := tx.QueryRow(ctx, sqlUpdateReport, id, cur.EnterpriseID, cur.Year, decimalArg(cur.RevenueVND), decimalArg(cur.ExportUSD),
			decimalArg(cur.ImportUSD), decimalArg(cur.BudgetVND), cur.WorkersVN, cur.WorkersForeign, cur.Synthetic).Scan(&cur.Version, &cur.UpdatedAt); err != nil {
			return err
		}
		out = cur
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeleteEnterpriseReport locks report id, checks ifVersion and check, and
// deletes it. Errors: ENOTFOUND, EPRECONDITION, check's.
func (db *DB) DeleteEnterpriseReport(ctx context.Context, a zonegis.Actor, id, ifVersion int64, check func(*zonegis.EnterpriseReport) error) error {
	return db.writeReport(ctx, a, "delete", id, ifVersion, func(tx pgx.Tx, cur *zonegis.EnterpriseReport) error {
		if err := check(cur); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, sqlDeleteReport, id)
		if err != nil {
			return fmt.Errorf("delete report %d: %w", id, err)
		}
		return nil
	})
}
