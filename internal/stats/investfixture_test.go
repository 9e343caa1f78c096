package stats_test

import (
	"context"
	"testing"

	"github.com/zonegis/zonegis/internal/postgis"
)

// investFixture writes synthetic enterprises, projects, capital
// adjustments and enterprise reports into the zones of seedZones (boards
// hepza, shtp and deza; provinces Hồ Chí Minh City and Hải Phòng; three
// kinds of zone), deterministically: 48 enterprises from seven countries
// (VN ones domestic) in seven VSIC divisions of sections C, H and J, one
// to three projects each, registered in 2019-2025 in US dollars or đồng
// at varying rates, some terminated, a third with capital added a year or
// so later (and a few reductions, which are not "added"), and reports for
// 2021-2024 with gaps (not reported). Everything is irregular on purpose:
// sums cross the rounding units, groups hold 1 to 20 enterprises.
func investFixture(t *testing.T, db *postgis.DB) {
	t.Helper()
	ctx := context.Background()
	for _, q := range []string{
		`INSERT INTO enterprises (board_id, mst, name_vi, name_en, country, vsic, high_tech, supporting_industry, synthetic)
		 SELECT z.board_id, lpad((1000000000 + i * 7919)::text, 10, '0'), 'Doanh nghiệp ' || i, 'Fixture enterprise ' || i,
		        (ARRAY['JP','KR','SG','CN','VN','US','TW'])[1 + i % 7],
		        (ARRAY['2610','1410','2220','4933','6201','1079','2599'])[1 + (i * 3) % 7],
		        i % 5 = 0, i % 4 = 1, true
		   FROM generate_series(1, 48) AS i
		   JOIN zones z ON z.code = (ARRAY['KCX-TAN-THUAN','KCX-LINH-TRUNG-1','SHTP','KCN-DINH-VU'])[1 + i % 4]`,
		`INSERT INTO projects (irc_number, irc_date, enterprise_id, zone_id, name_vi, origin, currency, capital, rate, rate_date,
		                       status, workers_vn, workers_foreign, synthetic)
		 SELECT 'IRC-' || e.i || '-' || j, d, e.id, z.id, 'Dự án ' || e.i || '-' || j,
		        CASE WHEN e.country = 'VN' THEN 'domestic' ELSE 'fdi' END,
		        CASE WHEN (e.country = 'VN') <> ((e.i + j) % 6 = 0) THEN 'VND' ELSE 'USD' END,
		        CASE WHEN (e.country = 'VN') <> ((e.i + j) % 6 = 0)
		             THEN ((e.i * j * 7654321) % 900000 + 1000) * 1000000::numeric
		             ELSE ((e.i * 104729 * j) % 60000000 + 250000) + (e.i % 100) / 100.0 END,
		        23000 + (e.i * 37 * j) % 2500 + 0.25, d,
		        CASE WHEN (e.i + j) % 11 = 0 THEN 'terminated' WHEN j = 1 THEN 'operating' ELSE 'licensed' END,
		        (e.i * 53 * j) % 900 + 20, (e.i * j) % 17, true
		   FROM (SELECT row_number() OVER (ORDER BY id) AS i, id, country, board_id FROM enterprises WHERE name_en LIKE 'Fixture %') e
		   CROSS JOIN LATERAL generate_series(1, 1 + (e.i % 3)::int) AS j
		   CROSS JOIN LATERAL (SELECT date '2019-01-01' + ((e.i * 37 + j * 101) % 2550)::int AS d) AS dd
		   JOIN zones z ON z.code = (ARRAY['KCX-TAN-THUAN','KCX-LINH-TRUNG-1','SHTP','KCN-DINH-VU'])[1 + (e.i % 4)::int]`,
		`INSERT INTO project_adjustments (project_id, currency, adjusted_on, irc_number, amount, rate, rate_date)
		 SELECT id, currency, irc_date + 200 + ((id * 13) % 400)::int, irc_number || '-A',
		        CASE WHEN id % 7 = 0 THEN -round(capital / 10, 2) ELSE round(capital / (2 + id % 3), 2) END,
		        rate + 150, irc_date + 200
		   FROM projects WHERE irc_number LIKE 'IRC-%' AND id % 3 = 0`,
		`INSERT INTO enterprise_reports (enterprise_id, year, revenue_vnd, export_usd, import_usd, budget_vnd, workers_vn, workers_foreign, synthetic)
		 SELECT e.id, y, (e.id * 997 + y) * 1000000, CASE WHEN (e.id + y) % 5 = 0 THEN NULL ELSE (e.id * 3571 * (y - 2019)) % 9000000 + 12345.67 END,
		        NULL, CASE WHEN (e.id + y) % 7 = 0 THEN NULL ELSE ((e.id * 7 + y) % 500 + 1) * 1000000 END, 100, 3, true
		   FROM enterprises e CROSS JOIN generate_series(2021, 2024) AS y
		  WHERE e.name_en LIKE 'Fixture %' AND (e.id + y) % 9 <> 0 AND EXISTS (SELECT 1 FROM projects p WHERE p.enterprise_id = e.id)`,
	} {
		if _, err := db.Pool().Exec(ctx, q); err != nil {
			t.Fatalf("%v\n%s", err, q)
		}
	}
}
