// Package bench measures zonegis against PostGIS and against the HTTP
// ceiling on one machine, in one run: it generates a deterministic synthetic
// dataset, starts the real server binary over it, drives both with wrk and
// its own client, and writes BENCHMARKS.md.
package bench

import (
	"context"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Dataset describes the synthetic land registry: Zones square zones of
// Side degrees on a 20-wide grid near Hồ Chí Minh City, each holding
// Grid × Grid parcels, each a 12-sided polygon (13 vertices with closure)
// inscribed in its cell.
type Dataset struct {
	Zones int     // number of zones
	Grid  int     // parcels per zone side
	Cell  float64 // cell size, degrees (0.001° ≈ 110 m)
}

// DefaultDataset is 1,000,000 parcels in 400 zones.
var DefaultDataset = Dataset{Zones: 400, Grid: 50, Cell: 0.001}

// Parcels is the number of parcels in the dataset.
func (d Dataset) Parcels() int { return d.Zones * d.Grid * d.Grid }

// side is a zone's side in degrees; spacing leaves a gap between zones.
func (d Dataset) side() float64    { return float64(d.Grid) * d.Cell }
func (d Dataset) spacing() float64 { return d.side() * 1.2 }

// origin is the south-west corner of zone z.
func (d Dataset) origin(z int) (float64, float64) {
	return 105.5 + float64(z%20)*d.spacing(), 10.0 + float64(z/20)*d.spacing()
}

func (d Dataset) key() string {
	return fmt.Sprintf("v2 zones=%d grid=%d cell=%g", d.Zones, d.Grid, d.Cell) // v2: status derived from leases
}

// Generate loads the dataset into an empty, migrated database, unless the
// database already holds exactly this dataset. The rows are written in bulk
// with session_replication_role = replica, which skips the schema's guard
// and change-log triggers: the generator places every parcel strictly inside
// its own cell of its zone, so no rule can be broken, and the 1M trigger
// checks would only time the triggers. It returns how long it took (0 when
// the dataset was already there).
func Generate(ctx context.Context, pool *pgxpool.Pool, d Dataset) (time.Duration, error) {
	start := time.Now()
	if _, err := pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY)`); err != nil {
		return 0, err
	}
	var have bool
	if err := pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM bench_meta WHERE key = $1)`, d.key()).Scan(&have); err != nil {
		return 0, err
	}
	if have {
		return 0, nil
	}
	conn, err := pool.Acquire(ctx)
	if err != nil {
		return 0, err
	}
	defer conn.Release()
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(ctx) //nolint:errcheck // committed below
	steps := []struct {
		sql  string
		args []any
	}{
		{`SET LOCAL session_replication_role = replica`, nil},
		{`TRUNCATE bench_meta, leases, enterprises, green_areas, parcels, zones, boards, changes CASCADE`, nil},
		{`INSERT INTO boards (id, name_vi, name_en, province) VALUES ('bench', 'Ban Quản lý thử tải', 'Benchmark board', 'Thành phố Hồ Chí Minh')`, nil},
		{`INSERT INTO zones (code, name_vi, name_en, kind, board_id, province, source, boundary)
		  SELECT 'BENCH-' || lpad(z::text, 4, '0'), 'Khu công nghiệp thử ' || z, 'Benchmark zone ' || z,
		         'industrial_park', 'bench', 'Thành phố Hồ Chí Minh', 'synthetic benchmark',
		         ST_Multi(ST_MakeEnvelope(105.5 + (z % 20) * $2::float8, 10.0 + (z / 20) * $2::float8,
		                                  105.5 + (z % 20) * $2::float8 + $3::float8, 10.0 + (z / 20) * $2::float8 + $3::float8, 4326))
		    FROM generate_series(0, $1::int - 1) z ORDER BY z`, []any{d.Zones, d.spacing(), d.side()}},
		// Half the parcels leased (a lease in force), a quarter reserved.
		{`INSERT INTO parcels (zone_id, lot_code, land_use, reserved_on, synthetic, boundary)
		  SELECT z.id, 'L' || lpad(c.i::text, 5, '0'),
		         (ARRAY['industrial','industrial','industrial','logistics','warehouse'])[1 + c.i % 5],
		         CASE WHEN (c.i * 7 + z.id::int) % 4 = 3 THEN DATE '2026-01-01' END,
		         true,
		         ST_Multi(ST_MakePolygon(ST_MakeLine(ARRAY(
		             SELECT ST_MakePoint(
		                 ST_XMin(z.boundary) + (c.i % $1::int) * $2::float8 + $2::float8 / 2 + $2::float8 * 0.4 * cos(radians(k * 30)),
		                 ST_YMin(z.boundary) + (c.i / $1::int) * $2::float8 + $2::float8 / 2 + $2::float8 * 0.4 * sin(radians(k * 30)))
		               FROM generate_series(0, 12) k))))
		    FROM zones z, generate_series(0, $1::int * $1::int - 1) c(i)
		   ORDER BY z.id, c.i`, []any{d.Grid, d.Cell}},
		// Each lease names its own enterprise (migrations/0015), as the
		// migration of a registry with one lessee per lease makes them; the
		// trigger that finds or makes it is off in replica mode.
		{`INSERT INTO enterprises (board_id, name_vi, country, source, synthetic)
		  SELECT 'bench', 'Benchmark lessee ' || p.id, 'VN', 'migrated_lease', true
		    FROM parcels p
		   WHERE (substr(p.lot_code, 2)::int * 7 + p.zone_id::int) % 4 IN (0, 1)
		   ORDER BY p.id`, nil},
		{`INSERT INTO leases (parcel_id, lessee, country, start_date, end_date, synthetic, enterprise_id)
		  SELECT p.id, e.name_vi, 'VN', DATE '2020-01-01', DATE '2070-01-01', true, e.id
		    FROM parcels p JOIN enterprises e ON e.board_id = 'bench' AND e.name_vi = 'Benchmark lessee ' || p.id
		   WHERE (substr(p.lot_code, 2)::int * 7 + p.zone_id::int) % 4 IN (0, 1)
		   ORDER BY p.id`, nil},
		// The trigger that keeps lease_periods is off in replica mode.
		{`UPDATE parcels SET lease_periods = zg_lease_periods(id) WHERE id IN (SELECT parcel_id FROM leases)`, nil},
		{`INSERT INTO bench_meta (key) VALUES ($1)`, []any{d.key()}},
	}
	for _, s := range steps {
		if _, err := tx.Exec(ctx, s.sql, s.args...); err != nil {
			return 0, fmt.Errorf("generate dataset: %w", err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, err
	}
	if _, err := pool.Exec(ctx, `ANALYZE`); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}
