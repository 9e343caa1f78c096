package postgis

// The statements of an import (import.go): the features go by COPY into a
// raw staging table, become zg_import_stage (geometry decoded, repaired
// where asked, and chk: the geometry the pair checks use, made valid when
// it is not), are cut into pieces of at most 128 vertices where large
// (zg_pieces, migrations/0009), and every check is one set query writing
// into zg_import_problems. All tables are temporary and dropped with the
// transaction.

var importStageColumns = []string{"idx", "fid", "writable", "zone_id", "key", "land_use", "kind", "name", "synthetic",
	"name_vi", "name_en", "parent_id", "board_id", "province", "status", "model", "established", "enterprises",
	"workers", "sectors", "source", "wkb", "attributes"}

const (
	sqlImportRaw = `CREATE TEMP TABLE zg_import_raw (
		idx integer NOT NULL, fid bigint, writable boolean NOT NULL, zone_id bigint, key text NOT NULL,
		land_use text, kind text, name text, synthetic boolean, name_vi text, name_en text, parent_id bigint,
		board_id text, province text, status text, model text, established date, enterprises integer,
		workers integer, sectors text[], source text, wkb bytea, attributes jsonb) ON COMMIT DROP`

	// geom is the boundary as given; wgeom what would be written (repaired
	// when $1 and invalid); chk the geometry of the pair checks (valid:
	// repaired when invalid, polygons only), usable when the guard's
	// geography arithmetic can work on it.
	sqlImportStage = `CREATE TEMP TABLE zg_import_stage ON COMMIT DROP AS
		SELECT r.*, g.geom, g.fixed AS chk,
		       CASE WHEN $1 AND g.invalid AND NOT ST_IsEmpty(g.fixed) THEN ST_Multi(g.fixed) ELSE g.geom END AS wgeom,
		       g.invalid AND $1 AND NOT ST_IsEmpty(g.fixed) AS repaired,
		       NOT g.invalid AS valid,
		       g.fixed IS NOT NULL AND NOT ST_IsEmpty(g.fixed)
		         AND ST_XMin(g.fixed) >= -180 AND ST_XMax(g.fixed) <= 180 AND ST_YMin(g.fixed) >= -90 AND ST_YMax(g.fixed) <= 90
		         AND ST_XMax(g.fixed) - ST_XMin(g.fixed) < 180 AS usable
		  FROM zg_import_raw r,
		       LATERAL (SELECT v.geom, v.invalid,
		                       CASE WHEN NOT v.invalid THEN v.geom
		                            ELSE ST_CollectionExtract(ST_MakeValid(v.geom), 3) END AS fixed
		                  FROM (SELECT x.geom, NOT ST_IsValid(x.geom) AS invalid
		                          FROM (SELECT ST_GeomFromWKB(r.wkb, 4326) AS geom) x OFFSET 0) v
		                OFFSET 0) g`
	sqlImportStageIndex = `CREATE INDEX ON zg_import_stage (idx)`

	sqlImportPieces = `CREATE TEMP TABLE zg_import_pieces ON COMMIT DROP AS
		SELECT s.idx, s.zone_id, s.key, p.g
		  FROM zg_import_stage s, LATERAL zg_pieces(s.chk) p(g)
		 WHERE s.usable AND s.zone_id IS NOT NULL`
	sqlImportPiecesIndex = `CREATE INDEX ON zg_import_pieces USING gist (g)`
	sqlImportAnalyze     = `ANALYZE zg_import_stage, zg_import_pieces`

	sqlImportProblems = `CREATE TEMP TABLE zg_import_problems (
		idx integer NOT NULL, problem text NOT NULL, code text NOT NULL, reason text NOT NULL,
		loc geometry, other_idx integer, other_lot text, other_id bigint, area_m2 double precision) ON COMMIT DROP`

	// The guard's geometry check, zg_check_geometry itself (through
	// zg_geometry_problem), on what would be written; a feature that the
	// cheap test clears (valid as staged, and zg_geometry_shape_ok,
	// migrations/0012) passes it by construction and is not
	// run through it (a subtransaction a row).
	sqlCheckGeometry = `INSERT INTO zg_import_problems (idx, problem, code, reason, loc)
		SELECT s.idx, 'geometry', g.code, g.message,
		       CASE WHEN g.detail LIKE 'POINT%' THEN ST_GeomFromText(g.detail, 4326)
		            WHEN s.usable THEN ST_PointOnSurface(s.chk) END
		  FROM zg_import_stage s,
		       LATERAL zg_geometry_problem(s.wgeom, $1 || CASE WHEN s.key <> '' THEN ' ' || s.key ELSE '' END) g
		 WHERE s.wkb IS NOT NULL
		   AND NOT (s.valid AND NOT s.repaired AND zg_geometry_shape_ok(s.wgeom))`

	// A zone_id no zone has (the foreign key).
	sqlCheckZoneExists = `INSERT INTO zg_import_problems (idx, problem, code, reason)
		SELECT s.idx, 'zone', 'invalid', format('zone_id %s: no zone has this id; check the zone_id (GET /collections/zones/items lists the zones)', s.zone_id)
		  FROM zg_import_stage s
		 WHERE s.zone_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM zones z WHERE z.id = s.zone_id)`

	// Within its zone, by the guard's own zg_inside, on the valid geometry.
	sqlCheckInside = `INSERT INTO zg_import_problems (idx, problem, code, reason, loc, area_m2)
		SELECT s.idx, 'outside', 'invalid',
		       format('%s lies outside zone %s (%s m² outside): move its boundary inside the zone, or check its zone_id', $1 || CASE WHEN s.key <> '' THEN ' ' || s.key ELSE '' END, z.code,
		              round(ST_Area(ST_Difference(s.chk, z.boundary)::geography)::numeric, 1)),
		       ST_PointOnSurface(ST_Difference(s.chk, z.boundary)),
		       ST_Area(ST_Difference(s.chk, z.boundary)::geography)
		  FROM zg_import_stage s JOIN zones z ON z.id = s.zone_id
		 WHERE s.usable AND NOT zg_inside(s.chk, z.boundary)`

	// Overlaps among the file's parcels, every one of them (also those
	// with other problems, on their valid geometry), pieces against
	// pieces; the later feature of a pair is the one reported, as the
	// guard refuses the second written.
	sqlCheckOverlapFile = `INSERT INTO zg_import_problems (idx, problem, code, reason, loc, other_idx, other_lot, area_m2)
		SELECT o.b, 'overlap', 'conflict',
		       format('parcel %s overlaps parcel %s (feature %s of this file) by %s m²; parcels may share at most %s m²: correct one of the two boundaries',
		              o.bkey, o.akey, o.a, round(o.area::numeric, 1), $1::double precision),
		       o.loc, o.a, o.akey, o.area
		  FROM (SELECT a.idx AS a, b.idx AS b, min(a.key) AS akey, min(b.key) AS bkey,
		               sum(ST_Area(x.ix::geography)) AS area,
		               (array_agg(ST_PointOnSurface(x.ix) ORDER BY ST_Area(x.ix) DESC))[1] AS loc
		          FROM zg_import_pieces a
		          JOIN zg_import_pieces b ON a.zone_id = b.zone_id AND a.idx < b.idx AND a.g && b.g
		          CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(a.g, b.g), 3) AS ix) x
		         WHERE ST_Intersects(a.g, b.g)
		         GROUP BY a.idx, b.idx) o
		 WHERE o.area >= $1`

	// Overlaps with the parcels already there: small ones whole, large
	// ones by their pieces (parcel_pieces, migrations/0009), found by the
	// GiST indexes (zone_id + 0: with stale statistics the planner would
	// take the (zone_id, lot_code) index and read the whole zone a piece).
	sqlCheckOverlapExisting = `INSERT INTO zg_import_problems (idx, problem, code, reason, loc, other_id, other_lot, area_m2)
		SELECT o.idx, 'overlap', 'conflict',
		       format('parcel %s overlaps existing parcel %s (id %s) by %s m²; parcels may share at most %s m²: correct the boundary',
		              o.key, p.lot_code, p.id, round(o.area::numeric, 1), $1::double precision),
		       o.loc, p.id, p.lot_code, o.area
		  FROM (SELECT s.idx, e.id, min(s.key) AS key, sum(ST_Area(x.ix::geography)) AS area,
		               (array_agg(ST_PointOnSurface(x.ix) ORDER BY ST_Area(x.ix) DESC))[1] AS loc
		          FROM zg_import_pieces s
		          JOIN (SELECT p.id, p.zone_id, p.boundary AS g FROM parcels p
		                 WHERE NOT EXISTS (SELECT 1 FROM parcel_pieces q WHERE q.parcel_id = p.id)
		                UNION ALL
		                SELECT q.parcel_id, q.zone_id, q.piece FROM parcel_pieces q) e
		            ON e.zone_id + 0 = s.zone_id AND e.g && s.g
		          CROSS JOIN LATERAL (SELECT ST_CollectionExtract(ST_Intersection(e.g, s.g), 3) AS ix) x
		         WHERE ST_Intersects(e.g, s.g)
		         GROUP BY s.idx, e.id) o
		  JOIN parcels p ON p.id = o.id
		 WHERE o.area >= $1`

	// How many existing pieces the overlap check compared: what a test
	// reads to know the big parcels were checked piece by piece.
	sqlCountPieces = `SELECT count(*) FROM zg_import_pieces`
	// (By the GiST index, a probe a piece: as a join the planner merges
	// on zone_id and compares every pair's bounds.)
	sqlCountPiecePairs = `SELECT coalesce(sum(x.n), 0)::bigint FROM zg_import_pieces s
		CROSS JOIN LATERAL (SELECT count(*) AS n FROM parcel_pieces q WHERE q.piece && s.g AND q.zone_id = s.zone_id) x`

	// A lot code held twice in the file (the first holder named) or by a
	// parcel of the zone already.
	sqlCheckDuplicateFile = `INSERT INTO zg_import_problems (idx, problem, code, reason, loc, other_idx, other_lot)
		SELECT d.idx, 'duplicate', 'conflict',
		       format($1, d.key, d.first), CASE WHEN d.usable THEN ST_PointOnSurface(d.chk) END, d.first, d.key
		  FROM (SELECT s.idx, s.key, s.chk, s.usable, min(s.idx) OVER (PARTITION BY s.zone_id, s.key) AS first
		          FROM zg_import_stage s WHERE s.key <> '' AND ($2 OR s.zone_id IS NOT NULL)) d
		 WHERE d.idx <> d.first`
	sqlCheckDuplicateParcel = `INSERT INTO zg_import_problems (idx, problem, code, reason, loc, other_id, other_lot)
		SELECT s.idx, 'duplicate', 'conflict',
		       format('lot_code "%s" already exists in the zone: parcel %s has it; lot codes are unique within a zone', s.key, p.id),
		       CASE WHEN s.usable THEN ST_PointOnSurface(s.chk) END, p.id, p.lot_code
		  FROM zg_import_stage s JOIN parcels p ON p.zone_id = s.zone_id AND p.lot_code = s.key`
	sqlCheckDuplicateZone = `INSERT INTO zg_import_problems (idx, problem, code, reason, loc, other_id, other_lot)
		SELECT s.idx, 'duplicate', 'conflict',
		       format('code "%s" already exists: zone %s has it; zone codes are unique', s.key, z.id),
		       CASE WHEN s.usable THEN ST_PointOnSurface(s.chk) END, z.id, z.code
		  FROM zg_import_stage s JOIN zones z ON z.code = s.key`
	// A zone's board and parent (foreign keys).
	sqlCheckZoneRefs = `INSERT INTO zg_import_problems (idx, problem, code, reason)
		SELECT s.idx, 'reference', 'invalid', 'board_id: no management board has this id (GET /boards lists them)'
		  FROM zg_import_stage s
		 WHERE nullif(s.board_id, '') IS NOT NULL AND NOT EXISTS (SELECT 1 FROM boards b WHERE b.id = s.board_id)
		UNION ALL
		SELECT s.idx, 'reference', 'invalid', 'parent_id: no zone has this id'
		  FROM zg_import_stage s
		 WHERE s.parent_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM zones z WHERE z.id = s.parent_id)`

	sqlImportProblemRows = `SELECT q.idx, s.fid, s.key, q.problem, q.code, q.reason, ST_X(q.pt), ST_Y(q.pt), q.other_idx, q.other_lot, q.other_id, q.area_m2
		  FROM (SELECT *, CASE WHEN GeometryType(loc) = 'POINT' THEN loc ELSE ST_PointOnSurface(loc) END AS pt FROM zg_import_problems) q
		  JOIN zg_import_stage s ON s.idx = q.idx
		 ORDER BY q.idx, q.problem, q.other_idx NULLS LAST, q.other_id NULLS LAST
		 LIMIT $1`
	sqlImportProblemCount = `SELECT count(*), count(DISTINCT idx) FROM zg_import_problems`
	sqlImportBadIndexes   = `SELECT DISTINCT idx FROM zg_import_problems`

	sqlImportRepairs = `SELECT idx, fid, key, ST_IsValidReason(geom),
		       ST_Area(ST_Segmentize(geom, 1)::geography), ST_Area(ST_Segmentize(wgeom, 1)::geography)
		  FROM zg_import_stage WHERE repaired ORDER BY idx LIMIT $1`

	sqlImportTolerance = `SELECT set_config('zonegis.overlap_tolerance_m2', $1::text, true)`
	// The write of parcels and green areas is guarded by the statement
	// trigger over the new rows as a set (migrations/0012), for this
	// transaction's INSERTs; bulk off again once written.
	sqlImportBulkOn  = `SELECT set_config('zonegis.bulk_insert', 'on', true)`
	sqlImportBulkOff = `SELECT set_config('zonegis.bulk_insert', 'off', true)`
	// JIT compiles the check queries (their costs are high) for longer than
	// they run.
	sqlImportNoJIT = `SET LOCAL jit = off`
	sqlImportSkip  = `CREATE TEMP TABLE zg_import_skip ON COMMIT DROP AS
		SELECT DISTINCT idx FROM zg_import_problems UNION SELECT idx FROM zg_import_stage WHERE NOT writable`
)

// sqlImportWrite inserts the staged features that have no problem, in the
// source's order, per collection (the guards run on each: the final word).
var sqlImportWrite = map[string]string{
	"parcels": `INSERT INTO parcels (zone_id, lot_code, land_use, synthetic, attributes, boundary)
		SELECT zone_id, key, land_use, synthetic, attributes, ST_Multi(wgeom) FROM zg_import_stage s
		 WHERE NOT EXISTS (SELECT 1 FROM zg_import_skip k WHERE k.idx = s.idx) ORDER BY idx`,
	"green-areas": `INSERT INTO green_areas (zone_id, kind, name, synthetic, attributes, boundary)
		SELECT zone_id, kind, name, synthetic, attributes, ST_Multi(wgeom) FROM zg_import_stage s
		 WHERE NOT EXISTS (SELECT 1 FROM zg_import_skip k WHERE k.idx = s.idx) ORDER BY idx`,
	"zones": `INSERT INTO zones (code, name_vi, name_en, kind, parent_id, board_id, province, status, model,
		established, enterprises, workers, sectors, source, attributes, boundary)
		SELECT key, name_vi, name_en, kind, parent_id, nullif(board_id, ''), province, status, model,
		       established, enterprises, workers, sectors, source, attributes, ST_Multi(wgeom) FROM zg_import_stage s
		 WHERE NOT EXISTS (SELECT 1 FROM zg_import_skip k WHERE k.idx = s.idx) ORDER BY idx`,
}
