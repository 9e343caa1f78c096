package postgis

// The SQL of the enterprise reports (reports.go). Values travel as $n
// arguments; the figure a bound or a sort names is chosen by CASE on a
// parameter, never spliced.

const (
	reportColumns = `r.id, r.enterprise_id, coalesce(e.board_id, ''), r.year, r.revenue_vnd::text, r.export_usd::text,
		r.import_usd::text, r.budget_vnd::text, r.workers_vn, r.workers_foreign, r.synthetic, r.version, r.updated_at`
	reportFrom = ` FROM enterprise_reports r JOIN enterprises e ON e.id = r.enterprise_id`

	// sqlReportsSelect is the reports a filter selects, as the caller sees
	// them for filtering and sorting: $1 sees every board, $2 the boards
	// it sees, $3 enterprise (0: any), $4 board (''), $5 from, $6 to (0:
	// open), $7..$18 min and max of revenue_vnd, export_usd, import_usd,
	// budget_vnd, workers_vn, workers_foreign (NULL: no bound), $19 the
	// sort key's name, $20 and $21 updated from and until (NULL: open). A bound on a figure the caller does not see keeps
	// no row (seen is false), and such a figure sorts as NULL.
	sqlReportsSelect = `WITH v AS (
	SELECT r.*, ($1::bool OR e.board_id = ANY($2::text[])) AS seen
	  FROM enterprise_reports r JOIN enterprises e ON e.id = r.enterprise_id
	 WHERE ($3::bigint = 0 OR r.enterprise_id = $3) AND ($4::text = '' OR e.board_id = $4)
	   AND ($5::int = 0 OR r.year >= $5) AND ($6::int = 0 OR r.year <= $6)
	   AND ($20::timestamptz IS NULL OR r.updated_at >= $20) AND ($21::timestamptz IS NULL OR r.updated_at < $21)
), f AS (
	SELECT v.id, CASE $19::text WHEN 'year' THEN v.year::numeric WHEN 'enterprise_id' THEN v.enterprise_id::numeric
	       WHEN 'revenue_vnd' THEN CASE WHEN seen THEN v.revenue_vnd END
	       WHEN 'export_usd' THEN CASE WHEN seen THEN v.export_usd END
	       WHEN 'import_usd' THEN CASE WHEN seen THEN v.import_usd END
	       WHEN 'budget_vnd' THEN CASE WHEN seen THEN v.budget_vnd END
	       WHEN 'workers_vn' THEN CASE WHEN seen THEN v.workers_vn::numeric END
	       WHEN 'workers_foreign' THEN CASE WHEN seen THEN v.workers_foreign::numeric END
	       ELSE v.id::numeric END AS k
	  FROM v
	 WHERE ($7::numeric IS NULL OR seen AND v.revenue_vnd >= $7) AND ($8::numeric IS NULL OR seen AND v.revenue_vnd <= $8)
	   AND ($9::numeric IS NULL OR seen AND v.export_usd >= $9) AND ($10::numeric IS NULL OR seen AND v.export_usd <= $10)
	   AND ($11::numeric IS NULL OR seen AND v.import_usd >= $11) AND ($12::numeric IS NULL OR seen AND v.import_usd <= $12)
	   AND ($13::numeric IS NULL OR seen AND v.budget_vnd >= $13) AND ($14::numeric IS NULL OR seen AND v.budget_vnd <= $14)
	   AND ($15::numeric IS NULL OR seen AND v.workers_vn >= $15) AND ($16::numeric IS NULL OR seen AND v.workers_vn <= $16)
	   AND ($17::numeric IS NULL OR seen AND v.workers_foreign >= $17) AND ($18::numeric IS NULL OR seen AND v.workers_foreign <= $18)
)`
	// sqlReportsPage is a page of them: $22 descending, $23 offset, $24
	// limit; nulls last either way, ties by id.
	sqlReportsPage = sqlReportsSelect + `
SELECT ` + reportColumns + reportFrom + ` JOIN f ON f.id = r.id
 ORDER BY CASE WHEN NOT $22::bool THEN f.k END ASC NULLS LAST, CASE WHEN $22::bool THEN f.k END DESC NULLS LAST, r.id
 OFFSET $23 LIMIT $24`
	sqlReportsCount = sqlReportsSelect + ` SELECT count(*) FROM f`

	sqlReportByID    = `SELECT ` + reportColumns + reportFrom + ` WHERE r.id = $1`
	sqlLockReport    = `SELECT ` + reportColumns + reportFrom + ` WHERE r.id = $1 FOR UPDATE OF r`
	sqlReportRowJSON = `SELECT to_jsonb(t) FROM enterprise_reports t WHERE id = $1`
	// The boards of enterprises $1, and which of (enterprise $1[i], year
	// $2[i]) already have a report.
	sqlEnterprisesByMST       = `SELECT id, coalesce(board_id, ''), mst FROM enterprises WHERE mst = ANY($1::text[]) ORDER BY id`
	sqlReportEnterpriseBoards = `SELECT id, coalesce(board_id, '') FROM enterprises WHERE id = ANY($1::bigint[])`
	sqlReportsExisting        = `SELECT r.enterprise_id, r.year, r.id FROM enterprise_reports r
		JOIN unnest($1::bigint[], $2::int[]) AS w(e, y) ON r.enterprise_id = w.e AND r.year = w.y`
	sqlInsertReport = `INSERT INTO enterprise_reports (enterprise_id, year, revenue_vnd, export_usd, import_usd, budget_vnd,
		workers_vn, workers_foreign, synthetic)
		VALUES ($1, $2, $3::numeric, $4::numeric, $5::numeric, $6::numeric, $7, $8, $9) RETURNING id, version, updated_at`
	sqlUpdateReport = `UPDATE enterprise_reports SET enterprise_id = $2, year = $3, revenue_vnd = $4::numeric, export_usd = $5::numeric,
		import_usd = $6::numeric, budget_vnd = $7::numeric, workers_vn = $8, workers_foreign = $9, synthetic = $10
		WHERE id = $1 RETURNING version, updated_at`
	sqlDeleteReport = `DELETE FROM enterprise_reports WHERE id = $1`
)
