package postgis

// The SQL of the investment statistics (invstats.go): every value a $n
// argument, the groupings too (a text[] each contribution is repeated
// over), so the statement is one constant.

// sqlInvestment sums the investment figures of package stats
// (investment.go has their definitions) per grouping, group and period,
// and per grouping and group over the whole range (total), with what the
// disclosure rule needs: the largest absolute contribution of one
// enterprise and the number of enterprises contributing, and the boards
// whose zones contribute to the group's period. One row per group and
// period, a column per figure: every contribution is summed once per
// enterprise (inner) and once per group (outer), with FILTERs, rather
// than repeated once per figure.
//
// A contribution is a project (flow new, on its IRC date, its registered
// capital and, unless terminated, its actual workers), a capital
// adjustment (flow added, on its own date, at its own rate) or an
// enterprise report (flow report, yearly series only, in the zone of the
// enterprise's first project: reports are per enterprise, an enterprise's
// projects may lie in several zones, and counting its report once per
// zone would count it several times).
//
// $1 groupings (text[] of "" for all, country, sector, board, province,
// kind), $2 quarterly, $3 board id, $4 province as the zones spell it, $5
// kind ("" for any of the three), $6 zone id or 0, $7 first day or NULL,
// $8 the day after the last or NULL.
const sqlInvestment = `
WITH c AS (
    SELECT p.enterprise_id AS ent, p.zone_id, p.irc_date AS day, 'new' AS flow, p.origin, p.currency,
           p.capital AS own, p.capital_usd AS usd,
           CASE WHEN p.status <> 'terminated' THEN p.workers_vn + p.workers_foreign END AS workers,
           CASE WHEN p.status <> 'terminated' THEN p.workers_foreign END AS workers_foreign
      FROM projects p
    UNION ALL
    SELECT p.enterprise_id, p.zone_id, a.adjusted_on, 'added', p.origin, a.currency, a.amount, a.amount_usd, NULL, NULL
      FROM project_adjustments a JOIN projects p ON p.id = a.project_id
     WHERE a.amount > 0
    UNION ALL
    SELECT r.enterprise_id, f.zone_id, make_date(r.year, 1, 1), 'report', NULL, NULL, r.export_usd, r.budget_vnd, NULL, NULL
      FROM enterprise_reports r
      JOIN (SELECT DISTINCT ON (enterprise_id) enterprise_id, zone_id FROM projects
             ORDER BY enterprise_id, irc_date, id) f ON f.enterprise_id = r.enterprise_id
     WHERE NOT $2::bool
), k AS (
    SELECT c.*, coalesce(z.board_id, '') AS board, z.province, z.kind, e.country, coalesce(d.section, '') AS sector,
           e.high_tech, e.supporting_industry,
           extract(year FROM c.day)::int AS y,
           CASE WHEN $2::bool THEN extract(quarter FROM c.day)::int ELSE 0 END AS q
      FROM c
      JOIN zones z ON z.id = c.zone_id
      JOIN enterprises e ON e.id = c.ent
      LEFT JOIN vsic_divisions d ON d.code = e.vsic_division
     WHERE ($3::text = '' OR z.board_id = $3::text) AND ($4::text = '' OR z.province = $4::text)
       AND ($5::text = '' OR z.kind = $5::text) AND ($6::bigint = 0 OR z.id = $6::bigint)
       AND ($7::date IS NULL OR c.day >= $7::date) AND ($8::date IS NULL OR c.day < $8::date)
), g AS (
    SELECT k.*, gr.name COLLATE "C" AS grp,
           (CASE gr.name WHEN 'country' THEN k.country WHEN 'sector' THEN k.sector WHEN 'board' THEN k.board
                         WHEN 'province' THEN k.province WHEN 'kind' THEN k.kind ELSE '' END) COLLATE "C" AS key
      FROM k CROSS JOIN unnest($1::text[]) AS gr(name)
), e AS (
    SELECT grp, key, y, q, grouping(y, q) <> 0 AS total, ent, string_agg(board, ',') AS boards,
           sum(own) FILTER (WHERE flow = 'new' AND origin = 'fdi' AND currency = 'USD') AS new_fdi_usd,
           sum(own) FILTER (WHERE flow = 'new' AND origin = 'fdi' AND currency = 'VND') AS new_fdi_vnd,
           sum(usd) FILTER (WHERE flow = 'new' AND origin = 'fdi') AS new_fdi_in_usd,
           sum(own) FILTER (WHERE flow = 'new' AND origin = 'domestic' AND currency = 'USD') AS new_domestic_usd,
           sum(own) FILTER (WHERE flow = 'new' AND origin = 'domestic' AND currency = 'VND') AS new_domestic_vnd,
           sum(usd) FILTER (WHERE flow = 'new' AND origin = 'domestic') AS new_domestic_in_usd,
           sum(own) FILTER (WHERE flow = 'added' AND origin = 'fdi' AND currency = 'USD') AS added_fdi_usd,
           sum(own) FILTER (WHERE flow = 'added' AND origin = 'fdi' AND currency = 'VND') AS added_fdi_vnd,
           sum(usd) FILTER (WHERE flow = 'added' AND origin = 'fdi') AS added_fdi_in_usd,
           sum(own) FILTER (WHERE flow = 'added' AND origin = 'domestic' AND currency = 'USD') AS added_domestic_usd,
           sum(own) FILTER (WHERE flow = 'added' AND origin = 'domestic' AND currency = 'VND') AS added_domestic_vnd,
           sum(usd) FILTER (WHERE flow = 'added' AND origin = 'domestic') AS added_domestic_in_usd,
           sum(usd) FILTER (WHERE flow <> 'report' AND origin = 'fdi') AS fdi_in_usd,
           sum(usd) FILTER (WHERE flow <> 'report' AND origin = 'domestic') AS domestic_in_usd,
           sum(usd) FILTER (WHERE flow <> 'report') AS capital_in_usd,
           sum(usd) FILTER (WHERE flow <> 'report' AND high_tech) AS high_tech_in_usd,
           sum(usd) FILTER (WHERE flow <> 'report' AND supporting_industry) AS supporting_in_usd,
           sum(own) FILTER (WHERE flow = 'report') AS exports_usd,
           sum(usd) FILTER (WHERE flow = 'report') AS budget_vnd,
           count(*) FILTER (WHERE flow = 'new' AND origin = 'fdi') AS projects_new_fdi,
           count(*) FILTER (WHERE flow = 'new' AND origin = 'domestic') AS projects_new_domestic,
           count(*) FILTER (WHERE flow = 'added' AND origin = 'fdi') AS adjustments_fdi,
           count(*) FILTER (WHERE flow = 'added' AND origin = 'domestic') AS adjustments_domestic,
           sum(workers) AS workers,
           sum(workers_foreign) AS workers_foreign
      FROM g
     GROUP BY GROUPING SETS ((grp, key, y, q, ent), (grp, key, ent))
)
SELECT grp, key, coalesce(y, 0), coalesce(q, 0), total, string_agg(boards, ','),
       sum(new_fdi_usd)::text, max(abs(new_fdi_usd))::text, count(new_fdi_usd),
       sum(new_fdi_vnd)::text, max(abs(new_fdi_vnd))::text, count(new_fdi_vnd),
       sum(new_fdi_in_usd)::text, max(abs(new_fdi_in_usd))::text, count(new_fdi_in_usd),
       sum(new_domestic_usd)::text, max(abs(new_domestic_usd))::text, count(new_domestic_usd),
       sum(new_domestic_vnd)::text, max(abs(new_domestic_vnd))::text, count(new_domestic_vnd),
       sum(new_domestic_in_usd)::text, max(abs(new_domestic_in_usd))::text, count(new_domestic_in_usd),
       sum(added_fdi_usd)::text, max(abs(added_fdi_usd))::text, count(added_fdi_usd),
       sum(added_fdi_vnd)::text, max(abs(added_fdi_vnd))::text, count(added_fdi_vnd),
       sum(added_fdi_in_usd)::text, max(abs(added_fdi_in_usd))::text, count(added_fdi_in_usd),
       sum(added_domestic_usd)::text, max(abs(added_domestic_usd))::text, count(added_domestic_usd),
       sum(added_domestic_vnd)::text, max(abs(added_domestic_vnd))::text, count(added_domestic_vnd),
       sum(added_domestic_in_usd)::text, max(abs(added_domestic_in_usd))::text, count(added_domestic_in_usd),
       sum(fdi_in_usd)::text, max(abs(fdi_in_usd))::text, count(fdi_in_usd),
       sum(domestic_in_usd)::text, max(abs(domestic_in_usd))::text, count(domestic_in_usd),
       sum(capital_in_usd)::text, max(abs(capital_in_usd))::text, count(capital_in_usd),
       sum(high_tech_in_usd)::text, max(abs(high_tech_in_usd))::text, count(high_tech_in_usd),
       sum(supporting_in_usd)::text, max(abs(supporting_in_usd))::text, count(supporting_in_usd),
       sum(exports_usd)::text, max(abs(exports_usd))::text, count(exports_usd),
       sum(budget_vnd)::text, max(abs(budget_vnd))::text, count(budget_vnd),
       coalesce(sum(projects_new_fdi), 0)::text,
       coalesce(sum(projects_new_domestic), 0)::text,
       coalesce(sum(adjustments_fdi), 0)::text,
       coalesce(sum(adjustments_domestic), 0)::text,
       coalesce(sum(workers), 0)::text,
       coalesce(sum(workers_foreign), 0)::text
  FROM e
 GROUP BY grp, key, y, q, total`

// investmentMoney are the money figures of sqlInvestment, in the order of
// its columns: for each, the sum, the largest absolute contribution of one
// enterprise and the enterprises contributing. investmentCounts follow,
// one column each (sums of projects, adjustments and workers: public).
var (
	investmentMoney  = []string{"new_fdi_usd", "new_fdi_vnd", "new_fdi_in_usd", "new_domestic_usd", "new_domestic_vnd", "new_domestic_in_usd", "added_fdi_usd", "added_fdi_vnd", "added_fdi_in_usd", "added_domestic_usd", "added_domestic_vnd", "added_domestic_in_usd", "fdi_in_usd", "domestic_in_usd", "capital_in_usd", "high_tech_in_usd", "supporting_in_usd", "exports_usd", "budget_vnd"}
	investmentCounts = []string{"projects_new_fdi", "projects_new_domestic", "adjustments_fdi", "adjustments_domestic", "workers", "workers_foreign"}
)

// sqlInvestmentVersion reads the investment statistics' data version.
const sqlInvestmentVersion = `SELECT version FROM investment_version`

// sqlInvestmentNames are the names of the board and sector groups.
const sqlInvestmentNames = `SELECT 'board', id, name_vi FROM boards
UNION ALL SELECT 'sector', code, name_vi FROM vsic_sections`

// sqlZoneByRef finds a zone by id (as text, so that any text may be asked)
// or code.
const sqlZoneByRef = `SELECT id FROM zones WHERE id::text = $1 OR code = $1 ORDER BY id LIMIT 1`
