package postgis

// The SQL of the investment statistics (invstats.go): every value a $n
// argument, the groupings too (a text[] each contribution is repeated
// over), so the statement is one constant.

// sqlInvestment sums the investment figures of package stats
// (investment.go has their definitions) per grouping, group and period,
// and per grouping and group over the whole range (total), with what the
// disclosure rule needs: the largest absolute contribution of one
// enterprise and the number of enterprises contributing, and the boards
// whose zones they contribute through.
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
      JOIN LATERAL (SELECT p.zone_id FROM projects p WHERE p.enterprise_id = r.enterprise_id
                     ORDER BY p.irc_date, p.id LIMIT 1) f ON true
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
    SELECT k.*, gr.name AS grp,
           CASE gr.name WHEN 'country' THEN k.country WHEN 'sector' THEN k.sector WHEN 'board' THEN k.board
                        WHEN 'province' THEN k.province WHEN 'kind' THEN k.kind ELSE '' END AS key
      FROM k CROSS JOIN unnest($1::text[]) AS gr(name)
), v AS (
    SELECT g.grp, g.key, g.y, g.q, g.ent, g.board, x.fig, x.v
      FROM g CROSS JOIN LATERAL (VALUES
           (g.flow || '_' || g.origin || '_' || lower(g.currency), g.own),
           (g.flow || '_' || g.origin || '_in_usd', g.usd),
           (g.origin || '_in_usd', g.usd),
           ('capital_in_usd', g.usd),
           ('high_tech_in_usd', CASE WHEN g.high_tech THEN g.usd END),
           ('supporting_in_usd', CASE WHEN g.supporting_industry THEN g.usd END),
           ('projects_new_' || g.origin, CASE WHEN g.flow = 'new' THEN 1 END),
           ('adjustments_' || g.origin, CASE WHEN g.flow = 'added' THEN 1 END),
           ('workers', g.workers),
           ('workers_foreign', g.workers_foreign)) AS x(fig, v)
     WHERE g.flow <> 'report'
    UNION ALL
    SELECT g.grp, g.key, g.y, g.q, g.ent, g.board, x.fig, x.v
      FROM g CROSS JOIN LATERAL (VALUES ('exports_usd', g.own), ('budget_vnd', g.usd)) AS x(fig, v)
     WHERE g.flow = 'report'
), e AS (
    SELECT grp, key, y, q, grouping(y, q) <> 0 AS total, ent, fig, sum(v) AS v, string_agg(DISTINCT board, ',') AS boards
      FROM v WHERE v IS NOT NULL
     GROUP BY GROUPING SETS ((grp, key, y, q, ent, fig), (grp, key, ent, fig))
)
SELECT grp, key, coalesce(y, 0), coalesce(q, 0), total, fig, sum(v)::text, max(abs(v))::text, count(*),
       string_agg(boards, ',')
  FROM e
 GROUP BY grp, key, y, q, total, fig
 ORDER BY grp, key, total, y, q, fig`

// sqlInvestmentNames are the names of the board and sector groups.
const sqlInvestmentNames = `SELECT 'board', id, name_vi FROM boards
UNION ALL SELECT 'sector', code, name_vi FROM vsic_sections`
