package postgis

import (
	"context"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// sqlPublishedFigures reads the boards' published figures
// (migrations/0016), a reference table of some dozens of rows that only
// migrations write: read whole, in id order.
const sqlPublishedFigures = `SELECT id, coalesce(board_id, ''), scope, scope_name, zone_codes, year, year_from, as_of,
       basis, investor, metric, qualifier, value::text, unit, source_title, source_url, source_date, note
  FROM published_figures ORDER BY id`

// PublishedFigures returns every published figure, in id order.
func (db *DB) PublishedFigures(ctx context.Context) ([]zonegis.PublishedFigure, error) {
	rows, err := db.read.Query(ctx, sqlPublishedFigures)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []zonegis.PublishedFigure
	for rows.Next() {
		var f zonegis.PublishedFigure
		if err := rows.Scan(&f.ID, &f.BoardID, &f.Scope, &f.ScopeName, &f.ZoneCodes, &f.Year, &f.YearFrom, &f.AsOf,
			&f.Basis, &f.Investor, &f.Metric, &f.Qualifier, &f.Value, &f.Unit, &f.SourceTitle, &f.SourceURL, &f.SourceDate, &f.Note); err != nil {
			return nil, mapError(err)
		}
		out = append(out, f)
	}
	return out, mapError(rows.Err())
}
