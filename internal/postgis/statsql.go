package postgis

// The SQL of the statistics (stats.go). Values travel as $n arguments; no
// SQL text is ever assembled from input: the group statements differ only
// in the grouping expression and are assembled from constants.

// sqlSeqToday is the change-log position and the database's day the
// statistics cache is keyed by.
const sqlSeqToday = `SELECT coalesce(max(seq), 0), zg_today() FROM changes`

// sqlStatsZones computes the per-zone figures in one pass. $1 is the date
// on which leases are "in force": start_date <= $1 < coalesce(ended_on,
// end_date). Green area is the geodesic area of the union of the zone's
// green areas, each clipped to the zone boundary, so overlaps count once
// and nothing outside the zone counts at all.
const sqlStatsZones = `
WITH p AS (
    SELECT zone_id, count(*) AS n, sum(area_m2) AS leasable,
           coalesce(sum(area_m2) FILTER (WHERE status = 'leased'), 0) AS leased,
           coalesce(sum(area_m2) FILTER (WHERE status = 'reserved'), 0) AS reserved,
           coalesce(sum(area_m2) FILTER (WHERE status = 'available'), 0) AS available
      FROM parcels_now GROUP BY zone_id
), l AS (
    SELECT p.zone_id, count(*) AS n, count(DISTINCT l.lessee) AS lessees,
           sum(l.workers)::bigint AS workers, sum(l.capital_usd)::float8 AS capital
      FROM leases l JOIN parcels p ON p.id = l.parcel_id
     WHERE l.start_date <= $1::date AND $1::date < coalesce(l.ended_on, l.end_date)
     GROUP BY p.zone_id
), lm AS (
    SELECT zone_id, max(capital)::float8 AS capital_max
      FROM (SELECT p.zone_id, l.lessee, sum(l.capital_usd) AS capital
              FROM leases l JOIN parcels p ON p.id = l.parcel_id
             WHERE l.start_date <= $1::date AND $1::date < coalesce(l.ended_on, l.end_date)
             GROUP BY p.zone_id, l.lessee) t
     GROUP BY zone_id
), g AS (
    SELECT z.id AS zone_id,
           ST_Area(ST_CollectionExtract(ST_Union(ST_Intersection(g.boundary, z.boundary)), 3)::geography) AS green
      FROM zones z JOIN green_areas g ON g.zone_id = z.id
     GROUP BY z.id
)
SELECT z.id, z.code, z.name_vi, z.name_en, z.kind, coalesce(z.board_id, ''), z.province, z.status,
       z.area_m2, coalesce(p.n, 0), coalesce(p.leasable, 0), coalesce(p.leased, 0),
       coalesce(p.reserved, 0), coalesce(p.available, 0), coalesce(g.green, 0),
       z.enterprises, z.workers, coalesce(l.n, 0), coalesce(l.lessees, 0), coalesce(l.workers, 0),
       coalesce(l.capital, 0), coalesce(lm.capital_max, 0)
  FROM zones z
  LEFT JOIN p ON p.zone_id = z.id
  LEFT JOIN l ON l.zone_id = z.id
  LEFT JOIN lm ON lm.zone_id = z.id
  LEFT JOIN g ON g.zone_id = z.id
 ORDER BY z.id`

// The grouping expressions of the statistics.
const (
	groupByBoard    = `coalesce(z.board_id, '')`
	groupByProvince = `z.province`
	groupByKind     = `z.kind`
)

// sqlGroupAreas* return, per group, the geodesic area of the union of the
// group's zone boundaries (a zone nested in another, like the members of
// an economic zone, counts once) and of the union of its green areas
// clipped to their zones.
const (
	sqlGroupAreasBoard    = groupAreasHead + groupByBoard + groupAreasTail
	sqlGroupAreasProvince = groupAreasHead + groupByProvince + groupAreasTail
	sqlGroupAreasKind     = groupAreasHead + groupByKind + groupAreasTail

	groupAreasHead = `WITH z AS (SELECT `
	groupAreasTail = ` AS k, id, boundary FROM zones z),
a AS (SELECT k, ST_Area(ST_Union(boundary)::geography) AS area FROM z GROUP BY k),
g AS (
    SELECT z.k, ST_Area(ST_CollectionExtract(ST_Union(ST_Intersection(g.boundary, z.boundary)), 3)::geography) AS green
      FROM z JOIN green_areas g ON g.zone_id = z.id
     GROUP BY z.k
)
SELECT a.k, a.area, coalesce(g.green, 0) FROM a LEFT JOIN g USING (k) ORDER BY a.k`
)

// sqlGroupCapital* return, per group, what the capital disclosure rule
// needs besides the sum (the sum of the zones' sums): the distinct lessees
// and the largest capital of one lessee (all its leases in the group,
// summed) among the leases in force on $1 (as in sqlStatsZones).
const (
	sqlGroupCapitalBoard    = groupCapitalHead + groupByBoard + groupCapitalTail
	sqlGroupCapitalProvince = groupCapitalHead + groupByProvince + groupCapitalTail
	sqlGroupCapitalKind     = groupCapitalHead + groupByKind + groupCapitalTail

	groupCapitalHead = `SELECT k, count(*), max(capital)::float8 FROM (SELECT `
	groupCapitalTail = ` AS k, l.lessee, sum(l.capital_usd) AS capital
  FROM leases l JOIN parcels p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
 WHERE l.start_date <= $1::date AND $1::date < coalesce(l.ended_on, l.end_date)
 GROUP BY 1, 2) t
 GROUP BY k`
)

const sqlBoardNames = `SELECT id, name_vi FROM boards ORDER BY id`

const sqlProvinces = `SELECT DISTINCT province FROM zones ORDER BY province`

// sqlLeasing sums the leases by the year (and, when $3, the quarter) of
// their start date: every lease counts in the period it was signed to
// start, whether or not it is still in force. Areas are the current area
// of the leased parcel. $1 board id or ”, $2 province or ”. The distinct
// lessees and the largest capital of one lessee in the period (all its
// leases there, summed) are for the disclosure rule.
const sqlLeasing = `
WITH l AS (
    SELECT extract(year FROM l.start_date)::int AS y,
           CASE WHEN $3::bool THEN extract(quarter FROM l.start_date)::int ELSE 0 END AS q,
           l.lessee, l.capital_usd, p.area_m2
      FROM leases l
      JOIN parcels_all p ON p.id = l.parcel_id
      JOIN zones z ON z.id = p.zone_id
     WHERE ($1 = '' OR z.board_id = $1) AND ($2 = '' OR z.province = $2)
), m AS (
    SELECT y, q, max(capital) AS capital_max
      FROM (SELECT y, q, lessee, sum(capital_usd) AS capital FROM l GROUP BY 1, 2, 3) t
     GROUP BY 1, 2
)
SELECT l.y, l.q, count(*), sum(l.area_m2), sum(l.capital_usd)::float8,
       count(DISTINCT l.lessee), max(m.capital_max)::float8
  FROM l JOIN m USING (y, q)
 GROUP BY 1, 2
 ORDER BY 1, 2`

// sqlPlanTargets reads the targets of one scope.
const sqlPlanTargets = `SELECT year, hectares::float8, capital_usd::float8, investment_usd::float8, projects::int8
  FROM plan_targets WHERE scope = $1 AND scope_id = $2 ORDER BY year`

const sqlBoardExists = `SELECT EXISTS (SELECT 1 FROM boards WHERE id = $1)`
