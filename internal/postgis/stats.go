package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The store's side of the statistics: the raw figures, read with the
// statements of statsql.go. Package stats aggregates, caches and discloses
// them.

// SeqAndToday returns the highest committed change-log seq (0 when empty)
// and the database's calendar day (zg_today()), read together.
func (db *DB) SeqAndToday(ctx context.Context) (int64, time.Time, error) {
	var seq int64
	var day time.Time
	if err := db.read.QueryRow(ctx, sqlSeqToday).Scan(&seq, &day); err != nil {
		return 0, time.Time{}, mapError(err)
	}
	return seq, day.UTC(), nil
}

// StatsSnapshot reads every figure of the statistics with leases in force
// on asOf, in one read-only repeatable-read transaction, so the zones and
// the group areas agree.
func (db *DB) StatsSnapshot(ctx context.Context, asOf time.Time) (*zonegis.StatsSnapshot, error) {
	tx, err := db.read.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, mapError(err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // read-only
	s := &zonegis.StatsSnapshot{BoardNames: map[string]string{}}
	if s.Zones, err = statsZones(ctx, tx, asOf); err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	rows, err := tx.Query(ctx, sqlBoardNames)
	if err != nil {
		return nil, fmt.Errorf("boards: %w", mapError(err))
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			rows.Close()
			return nil, fmt.Errorf("boards: %w", mapError(err))
		}
		s.BoardNames[id] = name
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("boards: %w", mapError(err))
	}
	if s.ByBoard, err = groupFigures(ctx, tx, sqlGroupAreasBoard, sqlGroupCapitalBoard, asOf); err != nil {
		return nil, fmt.Errorf("board: %w", err)
	}
	if s.ByProvince, err = groupFigures(ctx, tx, sqlGroupAreasProvince, sqlGroupCapitalProvince, asOf); err != nil {
		return nil, fmt.Errorf("province: %w", err)
	}
	if s.ByKind, err = groupFigures(ctx, tx, sqlGroupAreasKind, sqlGroupCapitalKind, asOf); err != nil {
		return nil, fmt.Errorf("kind: %w", err)
	}
	return s, nil
}

func statsZones(ctx context.Context, tx pgx.Tx, asOf time.Time) ([]zonegis.ZoneFigures, error) {
	rows, err := tx.Query(ctx, sqlStatsZones, asOf)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []zonegis.ZoneFigures
	for rows.Next() {
		var z zonegis.ZoneFigures
		if err := rows.Scan(&z.ZoneID, &z.Code, &z.NameVI, &z.NameEN, &z.Kind, &z.BoardID, &z.Province, &z.Status,
			&z.AreaM2, &z.Parcels, &z.LeasableM2, &z.LeasedM2, &z.ReservedM2, &z.AvailableM2, &z.GreenM2,
			&z.PublishedEnterprises, &z.PublishedWorkers, &z.LeasesInForce, &z.Lessees, &z.LeaseWorkers,
			&z.CapitalUSD, &z.CapitalMaxUSD); err != nil {
			return nil, mapError(err)
		}
		out = append(out, z)
	}
	return out, mapError(rows.Err())
}

// groupFigures reads the union areas (areasSQL) and the lessees and
// largest lease in force on asOf (capitalSQL) of each group.
func groupFigures(ctx context.Context, tx pgx.Tx, areasSQL, capitalSQL string, asOf time.Time) (map[string]zonegis.GroupFigures, error) {
	out := map[string]zonegis.GroupFigures{}
	rows, err := tx.Query(ctx, areasSQL)
	if err != nil {
		return nil, fmt.Errorf("areas: %w", mapError(err))
	}
	for rows.Next() {
		var k string
		var area, green float64
		if err := rows.Scan(&k, &area, &green); err != nil {
			rows.Close()
			return nil, fmt.Errorf("areas: %w", mapError(err))
		}
		g := out[k]
		g.AreaM2, g.GreenM2 = area, green
		out[k] = g
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("areas: %w", mapError(err))
	}
	rows, err = tx.Query(ctx, capitalSQL, asOf)
	if err != nil {
		return nil, fmt.Errorf("capital: %w", mapError(err))
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var lessees int64
		var maxUSD float64
		if err := rows.Scan(&k, &lessees, &maxUSD); err != nil {
			return nil, fmt.Errorf("capital: %w", mapError(err))
		}
		g := out[k]
		g.Lessees, g.CapitalMaxUSD = lessees, maxUSD
		out[k] = g
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("capital: %w", mapError(err))
	}
	return out, nil
}

// BoardExists reports whether there is a board with id.
func (db *DB) BoardExists(ctx context.Context, id string) (bool, error) {
	var ok bool
	err := db.pool.QueryRow(ctx, sqlBoardExists, id).Scan(&ok)
	return ok, mapError(err)
}

// Provinces lists the provinces the zones lie in, as they spell them, in
// order.
func (db *DB) Provinces(ctx context.Context) ([]string, error) {
	rows, err := db.read.Query(ctx, sqlProvinces)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, mapError(err)
		}
		out = append(out, p)
	}
	return out, mapError(rows.Err())
}

// Leasing sums every lease (in force or not) by the year, and when
// quarterly the quarter, of its start date, oldest first, over the zones
// of board (a board id, "" for all) and province ("" for all, else exactly
// as the zones spell it). Periods without leases are absent.
func (db *DB) Leasing(ctx context.Context, board, province string, quarterly bool) ([]zonegis.LeasingFigures, error) {
	rows, err := db.read.Query(ctx, sqlLeasing, board, province, quarterly)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []zonegis.LeasingFigures
	for rows.Next() {
		var f zonegis.LeasingFigures
		if err := rows.Scan(&f.Year, &f.Quarter, &f.Leases, &f.AreaM2, &f.CapitalUSD, &f.Lessees, &f.CapitalMaxUSD); err != nil {
			return nil, mapError(err)
		}
		out = append(out, f)
	}
	return out, mapError(rows.Err())
}

// PlanTargets returns the targets of one plan scope ("all" with id "",
// "board" with a board id, "province" with a province), by year.
func (db *DB) PlanTargets(ctx context.Context, scope, id string) ([]zonegis.PlanTarget, error) {
	rows, err := db.read.Query(ctx, sqlPlanTargets, scope, id)
	if err != nil {
		return nil, mapError(err)
	}
	defer rows.Close()
	var out []zonegis.PlanTarget
	for rows.Next() {
		var t zonegis.PlanTarget
		if err := rows.Scan(&t.Year, &t.Hectares, &t.CapitalUSD, &t.InvestmentUSD, &t.Projects); err != nil {
			return nil, mapError(err)
		}
		out = append(out, t)
	}
	return out, mapError(rows.Err())
}
