package postgis

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// InvestmentVersion returns the data version of the investment statistics
// (migration 0020): it moves with every committed write of what
// InvestmentFigures, PlanTargets, BoardExists, ZoneByRef and Provinces
// read for them. Errors: mapped database errors.
func (db *DB) InvestmentVersion(ctx context.Context) (int64, error) {
	var v int64
	err := db.read.QueryRow(ctx, sqlInvestmentVersion).Scan(&v)
	return v, mapError(err)
}

// InvestmentFigures sums the investment projects, capital adjustments and
// enterprise reports f selects (sqlInvestment), per grouping, group and
// period and over the whole range. A group's period's figures share its
// boards (those of every contribution to it: a figure is exact only to an
// audience of all of them). Errors: mapped database errors.
func (db *DB) InvestmentFigures(ctx context.Context, f zonegis.InvestmentSeriesFilter) (*zonegis.InvestmentFigures, error) {
	var from, to any
	if !f.From.IsZero() {
		from = f.From
	}
	if !f.To.IsZero() {
		to = f.To
	}
	rows, err := db.read.Query(ctx, sqlInvestment, f.Groups, f.Quarterly, f.Board, f.Province, f.Kind, f.ZoneID, from, to)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	out := &zonegis.InvestmentFigures{Names: map[string]string{}}
	sums := make([]*string, len(investmentMoney))
	maxs := make([]*string, len(investmentMoney))
	ents := make([]int64, len(investmentMoney))
	counts := make([]string, len(investmentCounts))
	for rows.Next() {
		var cell zonegis.InvestmentFigure
		var boards string
		dst := []any{&cell.Group, &cell.Key, &cell.Year, &cell.Quarter, &cell.Total, &boards}
		for i := range investmentMoney {
			dst = append(dst, &sums[i], &maxs[i], &ents[i])
		}
		for i := range investmentCounts {
			dst = append(dst, &counts[i])
		}
		if err := rows.Scan(dst...); err != nil {
			return nil, mapError(err)
		}
		for _, b := range strings.Split(boards, ",") {
			if !slices.Contains(cell.Boards, b) {
				cell.Boards = append(cell.Boards, b)
			}
		}
		for i, name := range investmentMoney {
			if sums[i] == nil {
				continue
			}
			f := cell
			f.Figure, f.Sum, f.Max, f.Enterprises = name, *sums[i], *maxs[i], ents[i]
			out.Figures = append(out.Figures, f)
		}
		for i, name := range investmentCounts {
			f := cell
			f.Figure, f.Sum = name, counts[i]
			out.Figures = append(out.Figures, f)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, mapError(err)
	}
	names, err := db.read.Query(ctx, sqlInvestmentNames)
	if err != nil {
		return nil, fmt.Errorf("names: %w", mapError(err))
	}
	defer names.Close()
	for names.Next() {
		var grp, key, name string
		if err := names.Scan(&grp, &key, &name); err != nil {
			return nil, mapError(err)
		}
		out.Names[grp+"\x00"+key] = name
	}
	return out, mapError(names.Err())
}

// ZoneByRef finds a zone by its id (decimal text) or code; ok false when
// none has it.
func (db *DB) ZoneByRef(ctx context.Context, ref string) (int64, bool, error) {
	var id int64
	err := db.read.QueryRow(ctx, sqlZoneByRef, ref).Scan(&id)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, mapError(err)
	}
	return id, true, nil
}
