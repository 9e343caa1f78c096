package postgis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// InvestmentFigures sums the investment projects, capital adjustments and
// enterprise reports f selects (sqlInvestment), per grouping, group and
// period and over the whole range. Errors: mapped database errors.
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
	for rows.Next() {
		var g zonegis.InvestmentFigure
		var boards string
		if err := rows.Scan(&g.Group, &g.Key, &g.Year, &g.Quarter, &g.Total, &g.Figure, &g.Sum, &g.Max, &g.Enterprises, &boards); err != nil {
			return nil, mapError(err)
		}
		for _, b := range strings.Split(boards, ",") {
			if !slices.Contains(g.Boards, b) {
				g.Boards = append(g.Boards, b)
			}
		}
		out.Figures = append(out.Figures, g)
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
