package postgis

// All SQL of the store. Values always travel as $n arguments; no SQL text is
// ever assembled from input.

const (
	sqlMigrationsLock   = `SELECT pg_advisory_lock(7310224)`
	sqlMigrationsUnlock = `SELECT pg_advisory_unlock(7310224)`
	sqlMigrationsTable  = `CREATE TABLE IF NOT EXISTS schema_migrations (
		name text PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now())`
	sqlMigrationDone   = `SELECT EXISTS (SELECT 1 FROM schema_migrations WHERE name = $1)`
	sqlMigrationRecord = `INSERT INTO schema_migrations (name) VALUES ($1)`
)

// Column lists shared by the bulk loads and the by-id fetches, so that the
// scan functions match both.
const (
	zoneColumns = `z.id, z.code, z.name_vi, z.name_en, z.kind, z.parent_id, coalesce(z.board_id, ''),
		z.province, z.status, z.model, z.established, z.enterprises, z.workers, z.sectors, z.source,
		z.area_m2, ST_AsBinary(z.boundary), z.version, z.updated_at, z.attributes, ` + zoneInvestorRead
	// zoneInvestorRead are the investor facts (migrations/0018) in the
	// order of zonegis.InvestorFields, rent_term_ends last; NULL while unknown.
	zoneInvestorRead = `z.rent_min_usd_m2::float8, z.rent_max_usd_m2::float8, z.fee_usd_m2_year::float8, z.power_mva::float8,
		z.water_m3_day::float8, z.wastewater_m3_day::float8, coalesce(z.incentives_vi, ''), coalesce(z.incentives_en, ''),
		coalesce(z.contact_name, ''), coalesce(z.contact_phone, ''), coalesce(z.contact_email, ''),
		coalesce(z.contact_website, ''), z.rent_term_ends`
	// zoneInvestorWrite are the same columns as written, their values the
	// 12 arguments after the zone's others and rent_term_ends ("" is NULL).
	zoneInvestorWrite = `rent_min_usd_m2, rent_max_usd_m2, fee_usd_m2_year, power_mva, water_m3_day, wastewater_m3_day,
		incentives_vi, incentives_en, contact_name, contact_phone, contact_email, contact_website, rent_term_ends`
	zoneInvestorValues = `$17, $18, $19, $20, $21, $22, nullif($23, ''), nullif($24, ''), nullif($25, ''), nullif($26, ''),
		nullif($27, ''), nullif($28, ''), $29`
	// Parcels are read from the view parcels_now, whose status is derived
	// from the leases and the reservation (migrations/0005).
	// Their valid time comes from the lineage (migrations/0003): since the
	// split or merge that made them (parcelFrom's pl.at; NULL: always),
	// until one retired them (NULL for a live parcel).
	parcelColumns = `p.id, p.zone_id, p.lot_code, p.land_use, p.status, p.synthetic, p.area_m2,
		ST_AsBinary(p.boundary), p.version, p.updated_at, p.status_until, p.attributes, pl.at, NULL::timestamptz`
	// parcelFrom joins a parcel to when its lineage made it: one hash join
	// over the (small) lineage on a bulk load, not a probe per parcel.
	parcelFrom = ` FROM parcels_now p LEFT JOIN (SELECT child_id, min(at) AS at FROM parcel_lineage GROUP BY child_id) pl ON pl.child_id = p.id`
	// retiredColumns are parcelColumns for parcels_retired: the record as
	// it was retired, its status then, updated_at its retirement.
	retiredColumns = `r.id, r.zone_id, r.lot_code, r.land_use, r.status, r.synthetic, r.area_m2,
		ST_AsBinary(r.boundary), r.version, r.retired_at, NULL::date, r.attributes,
		(SELECT min(l.at) FROM parcel_lineage l WHERE l.child_id = r.id), r.retired_at`
	greenColumns = `g.id, g.zone_id, g.kind, g.name, g.synthetic, g.area_m2,
		ST_AsBinary(g.boundary), g.version, g.updated_at, g.attributes`
	leaseColumns = `l.id, l.parcel_id, l.enterprise_id, l.lessee, l.country, l.sector, l.start_date, l.end_date, l.ended_on,
		l.capital_usd::float8, l.workers, l.contact, l.synthetic, l.version, l.created_at`
)

const (
	sqlAllZones = `SELECT ` + zoneColumns + ` FROM zones z ORDER BY z.id`
	// sqlAllParcels is one of LoadAll's id ranges, in id order: the index
	// keeps the entries of a batch side by side in memory, in the order
	// given, and a bbox page reads neighbours, which are near in id. In no
	// order (the lineage's hash join scrambles it) make bench's bbox pages
	// were 12% slower. The sort is in memory: sqlLoadWorkMem (at the
	// default 4 MB it spilled 20 MB to disk per quarter of 250,000 parcels).
	sqlAllParcels = `SELECT ` + parcelColumns + parcelFrom + ` WHERE p.id > $1 AND p.id <= $2 ORDER BY p.id`
	// sqlLoadWorkMem is the sort memory of one of LoadAll's range scans.
	sqlLoadWorkMem   = `SET LOCAL work_mem = '96MB'`
	sqlAllRetired    = `SELECT ` + retiredColumns + ` FROM parcels_retired r ORDER BY r.id`
	sqlAllGreenAreas = `SELECT ` + greenColumns + ` FROM green_areas g ORDER BY g.id`
	sqlParcelIDRange = `SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM parcels`
	// The seq, the database's day and the snapshot the parallel parcel
	// readers join.
	sqlExportSnapshot = `SELECT coalesce(max(seq), 0), zg_today(), pg_export_snapshot() FROM changes`

	sqlZonesByID      = `SELECT ` + zoneColumns + ` FROM zones z WHERE z.id = ANY($1)`
	sqlParcelsByID    = `SELECT ` + parcelColumns + parcelFrom + ` WHERE p.id = ANY($1)`
	sqlRetiredByID    = `SELECT ` + retiredColumns + ` FROM parcels_retired r WHERE r.id = ANY($1)`
	sqlGreenAreasByID = `SELECT ` + greenColumns + ` FROM green_areas g WHERE g.id = ANY($1)`

	sqlBoards = `SELECT ` + boardColumns + ` FROM boards ORDER BY id`

	// The change log.
	sqlMaxSeq        = `SELECT coalesce(max(seq), 0) FROM changes`
	sqlChangeHorizon = `SELECT seq FROM change_horizon`
	sqlChangesSince  = `SELECT seq, collection, item_id, op, at FROM changes WHERE seq > $1 ORDER BY seq LIMIT $2`
	sqlPruneChanges  = `WITH d AS (DELETE FROM changes WHERE seq <= $1)
		UPDATE change_horizon SET seq = greatest(seq, $1)`
)

const (
	sqlInsertBoard = `INSERT INTO boards (id, name_vi, name_en, province, website) VALUES ($1, $2, $3, $4, $5)`
	sqlInsertZone  = `INSERT INTO zones (code, name_vi, name_en, kind, parent_id, board_id, province, status, model,
		established, enterprises, workers, sectors, source, boundary, attributes, ` + zoneInvestorWrite + `)
		VALUES ($1, $2, $3, $4, $5, nullif($6, ''), $7, $8, $9, $10, $11, $12, $13, $14, ST_Multi(ST_GeomFromWKB($15, 4326)), $16,
		` + zoneInvestorValues + `)
		RETURNING id, area_m2, version, updated_at, attributes`
	sqlInsertParcel = `INSERT INTO parcels (zone_id, lot_code, land_use, synthetic, boundary, attributes)
		VALUES ($1, $2, $3, $4, ST_Multi(ST_GeomFromWKB($5, 4326)), $6)
		RETURNING id, area_m2, version, updated_at, attributes`
	sqlInsertGreenArea = `INSERT INTO green_areas (zone_id, kind, name, synthetic, boundary, attributes)
		VALUES ($1, $2, $3, $4, ST_Multi(ST_GeomFromWKB($5, 4326)), $6)
		RETURNING id, area_m2, version, updated_at, attributes`
	sqlInsertLease = `INSERT INTO leases (parcel_id, lessee, country, sector, start_date, end_date, ended_on,
		capital_usd, workers, contact, synthetic, enterprise_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, 0))
		RETURNING id, version, created_at, enterprise_id, lessee, country`
)

// Writes of the API.
const (
	sqlUpdateZone = `UPDATE zones SET code = $1, name_vi = $2, name_en = $3, kind = $4, parent_id = $5,
		board_id = nullif($6, ''), province = $7, status = $8, model = $9, established = $10, enterprises = $11,
		workers = $12, sectors = $13, source = $14, boundary = ST_Multi(ST_GeomFromWKB($15, 4326)), attributes = $16,
		(` + zoneInvestorWrite + `) = (` + zoneInvestorValues + `)
		WHERE id = $30 RETURNING id, area_m2, version, updated_at, attributes`
	sqlUpdateParcel = `UPDATE parcels SET zone_id = $1, lot_code = $2, land_use = $3, synthetic = $4,
		boundary = ST_Multi(ST_GeomFromWKB($5, 4326)), attributes = $6
		WHERE id = $7 RETURNING id, area_m2, version, updated_at, attributes`
	sqlUpdateGreenArea = `UPDATE green_areas SET zone_id = $1, kind = $2, name = $3, synthetic = $4,
		boundary = ST_Multi(ST_GeomFromWKB($5, 4326)), attributes = $6
		WHERE id = $7 RETURNING id, area_m2, version, updated_at, attributes`

	// user_id, user_login: the person; board_id NULL is filled in by the
	// trigger audit_log_board from the row's image (migrations/0013).
	sqlInsertAudit = `INSERT INTO audit_log (key_id, key_name, role, action, collection, item_id, before, after, request_id, user_id, user_login, board_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, $12)`
)

// Per-collection statements; the map keys are the only collection names
// that ever select one, so no SQL is built from input.
var (
	sqlLockVersion = map[string]string{
		"zones":       `SELECT version FROM zones WHERE id = $1 FOR UPDATE`,
		"parcels":     `SELECT version FROM parcels WHERE id = $1 FOR UPDATE`,
		"green-areas": `SELECT version FROM green_areas WHERE id = $1 FOR UPDATE`,
		"leases":      `SELECT version FROM leases WHERE id = $1 FOR UPDATE`,
	}
	sqlDelete = map[string]string{
		"zones":       `DELETE FROM zones WHERE id = $1`,
		"parcels":     `DELETE FROM parcels WHERE id = $1`,
		"green-areas": `DELETE FROM green_areas WHERE id = $1`,
	}
	// The JSON image of a row for the audit trail: columns, with the
	// boundary as a GeoJSON geometry.
	sqlRowJSON = map[string]string{
		"zones":       imageZone + `$1`,
		"parcels":     imageParcel + `$1`,
		"green-areas": imageGreenArea + `$1`,
		"leases":      imageLease + `$1`,
	}
	// The audit entry of a write with the row's image after it, read by the
	// statement itself ($6 is the row's id), returning the change log's end:
	// one round trip where there were three.
	sqlAuditWrite = map[string]string{
		"zones":       sqlAuditHead + `(` + imageZone + `$6)` + sqlAuditTail,
		"parcels":     sqlAuditHead + `(` + imageParcel + `$6)` + sqlAuditTail,
		"green-areas": sqlAuditHead + `(` + imageGreenArea + `$6)` + sqlAuditTail,
		"leases":      sqlAuditHead + `(` + imageLease + `$6)` + sqlAuditTail,
	}
)

// The images of sqlRowJSON, each but the id it is of.
const (
	imageZone      = `SELECT to_jsonb(t) - 'boundary' || jsonb_build_object('geometry', ST_AsGeoJSON(t.boundary)::jsonb) FROM zones t WHERE id = `
	imageParcel    = `SELECT to_jsonb(t) - 'boundary' - 'status_until' || jsonb_build_object('geometry', ST_AsGeoJSON(t.boundary)::jsonb) FROM parcels_now t WHERE id = `
	imageGreenArea = `SELECT to_jsonb(t) - 'boundary' || jsonb_build_object('geometry', ST_AsGeoJSON(t.boundary)::jsonb) FROM green_areas t WHERE id = `
	imageLease     = `SELECT to_jsonb(t) FROM leases t WHERE id = `

	// sqlAuditWrite's parts: $1 key_id, $2 key_name, $3 role, $4 action,
	// $5 collection, $6 item_id, $7 before, the image after, $8 request_id,
	// $9 user_id, $10 user_login, $11 board_id (NULL: filled in by the
	// trigger audit_log_board, migrations/0013).
	sqlAuditHead = `INSERT INTO audit_log (key_id, key_name, role, action, collection, item_id, before, after, request_id, user_id, user_login, board_id)
		VALUES ($1, $2, $3, $4, $5, $6::bigint, $7::jsonb, `
	sqlAuditTail = `, $8, $9, $10, $11)
		RETURNING (SELECT coalesce(max(seq), 0) FROM changes)`
	// sqlAuditWriteNoImage is sqlAuditWrite for a collection without an
	// image (after is NULL).
	sqlAuditWriteNoImage = sqlAuditHead + `NULL` + sqlAuditTail
)

// Leasing.
const (
	// Every write transaction takes the change-log lock first (see the lock
	// order in migrations/0005).
	sqlWriteLock = `SELECT pg_advisory_xact_lock(7310225)`
	// A parcel's derived status now and its hold (NULL: not held).
	sqlParcelStatus = `SELECT p.status, p.reserved_on FROM parcels_now p WHERE p.id = $1`
	sqlReserve      = `UPDATE parcels SET reserved_on = zg_today() WHERE id = $1`
	sqlRelease      = `UPDATE parcels SET reserved_on = NULL WHERE id = $1`
	// The first lease of parcel $1 that starts after today.
	sqlNextLease = `SELECT id, start_date FROM leases WHERE parcel_id = $1 AND start_date > zg_today()
		ORDER BY start_date LIMIT 1`
	sqlParcelExists = `SELECT EXISTS (SELECT 1 FROM parcels WHERE id = $1)`
	sqlLeaseDates   = `SELECT parcel_id, start_date, end_date, ended_on FROM leases WHERE id = $1`
	sqlEndLease     = `UPDATE leases SET ended_on = $2 WHERE id = $1`
	sqlLeaseByID    = `SELECT ` + leaseColumns + ` FROM leases l WHERE l.id = $1`
	// The lease in force on $2 on the parcel or, before it was made by a
	// split or merge, on the ancestor that held its land; its own first.
	sqlLeaseInForce = sqlAncestry + ` SELECT ` + leaseColumns + ` FROM leases l JOIN anc ON l.parcel_id = anc.id
		WHERE daterange(l.start_date, coalesce(l.ended_on, l.end_date)) @> $2::date
		ORDER BY (l.parcel_id = $1) DESC, l.start_date DESC, l.id DESC LIMIT 1`
)

// Lineage: splitting and merging parcels (see migrations/0003).
const (
	// The parcels to retire, locked in id order (so that two merges over
	// the same parcels cannot deadlock).
	sqlLockParcelIDs = `SELECT id FROM parcels WHERE id = ANY($1) ORDER BY id FOR UPDATE`
	sqlLockParcels   = `SELECT ` + parcelColumns + parcelFrom + ` WHERE p.id = ANY($1) ORDER BY p.id`
	// Leases of the given parcels in force on $2 or later.
	sqlLeasesFrom = `SELECT l.parcel_id, l.id, coalesce(l.ended_on, l.end_date) FROM leases l
		WHERE l.parcel_id = ANY($1) AND coalesce(l.ended_on, l.end_date) > zg_today() ORDER BY l.parcel_id, l.id`
	// The pieces of a parcel cut along a line, in the order lots are given
	// to them: west to east by their westernmost point, then south to north
	// by their southernmost, with area in m² (geodesic).
	sqlSplitPieces = `SELECT ST_AsBinary(d.geom), ST_Area(d.geom::geography)
		FROM parcels p, ST_Dump(ST_Split(p.boundary, ST_GeomFromWKB($2, 4326))) d
		WHERE p.id = $1
		ORDER BY ST_XMin(d.geom), ST_YMin(d.geom), ST_XMax(d.geom), ST_YMax(d.geom)`
	// The union of parcels and how many separate polygons it has.
	sqlMergeUnion = `SELECT ST_AsBinary(ST_Multi(u)), ST_NumGeometries(u)
		FROM (SELECT ST_Union(boundary) AS u FROM parcels WHERE id = ANY($1)) x`
	sqlRetireParcel = `INSERT INTO parcels_retired (id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, retired_by, attributes)
		SELECT id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, $2, attributes FROM parcels_now WHERE id = $1`
	// A new parcel has no lease and no reservation: it is available.
	sqlInsertChildParcel = `INSERT INTO parcels AS p (zone_id, lot_code, land_use, synthetic, boundary)
		VALUES ($1, $2, $3, $4, ST_Multi(ST_GeomFromWKB($5, 4326)))
		RETURNING p.id, p.zone_id, p.lot_code, p.land_use, 'available', p.synthetic, p.area_m2,
		ST_AsBinary(p.boundary), p.version, p.updated_at, NULL::date, p.attributes, NULL::timestamptz, NULL::timestamptz`
	sqlInsertLineage = `INSERT INTO parcel_lineage (parent_id, child_id, op) VALUES ($1, $2, $3)`
	// The projects listing any of parcels $1 (a split's or merge's
	// parents), locked, with their zone's board; then one project's move
	// of those parcel ids ($2) to the successors ($3).
	sqlProjectsOfParcels = `SELECT p.id, coalesce(z.board_id, '') FROM projects p JOIN zones z ON z.id = p.zone_id
		WHERE p.id IN (SELECT project_id FROM project_parcels WHERE parcel_id = ANY($1)) ORDER BY p.id FOR UPDATE OF p`
	sqlMoveProjectParcels = `WITH gone AS (DELETE FROM project_parcels WHERE project_id = $1 AND parcel_id = ANY($2))
		INSERT INTO project_parcels (project_id, parcel_id) SELECT $1, unnest($3::bigint[]) ON CONFLICT DO NOTHING`

	// A parcel and all its ancestors (parents of parents ...), as anc(id).
	sqlAncestry = `WITH RECURSIVE anc(id) AS (
		SELECT $1::bigint
		UNION
		SELECT g.parent_id FROM parcel_lineage g JOIN anc ON g.child_id = anc.id)`
	// The lease history of a parcel and its ancestors, oldest first.
	sqlLeaseHistory = sqlAncestry + ` SELECT ` + leaseColumns + ` FROM leases l JOIN anc ON l.parcel_id = anc.id
		ORDER BY l.start_date, l.id`
	sqlParentsOf  = `SELECT parent_id, op, at FROM parcel_lineage WHERE child_id = $1 ORDER BY parent_id`
	sqlChildrenOf = `SELECT child_id, op, at FROM parcel_lineage WHERE parent_id = $1 ORDER BY child_id`
)

// sqlTransform transforms a batch of WKB MultiPolygons from EPSG:4326 to
// EPSG:$2, keeping their order, with the proj4text of $2's row (the PROJ
// string with its +towgs84), not the EPSG code, so that the VN-2000 shift is
// EPSG:6960 everywhere (by code PROJ picks EPSG:5194 in the Mekong delta;
// see crs.CRS.PROJ). ST_Transform with a PROJ string builds its PROJ
// object on every call (5 ms) where the SRID form caches it, so the batch
// goes through as one collection: one call per batch. Collecting
// MultiPolygons gives a GeometryCollection of them, in the aggregate's order.
// No row when $2 has none in spatial_ref_sys.
const sqlTransform = `WITH t AS (
  SELECT ST_Transform(ST_Collect(ST_GeomFromWKB(u.g, 4326) ORDER BY u.i), s.proj4text) AS c
    FROM unnest($1::bytea[]) WITH ORDINALITY AS u(g, i), spatial_ref_sys s
   WHERE s.srid = $2::int
   GROUP BY s.proj4text)
SELECT ST_AsBinary(ST_SetSRID(ST_GeometryN(t.c, n), $2::int))
  FROM t, generate_series(1, ST_NumGeometries(t.c)) AS n ORDER BY n`

// Boards (migrations/0001, 0011).
const (
	boardColumns    = `id, name_vi, name_en, province, website, version, updated_at`
	sqlBoardByID    = `SELECT ` + boardColumns + ` FROM boards WHERE id = $1`
	sqlLockBoard    = `SELECT ` + boardColumns + ` FROM boards WHERE id = $1 FOR UPDATE`
	sqlCreateBoard  = `INSERT INTO boards (id, name_vi, name_en, province, website) VALUES ($1, $2, $3, $4, $5) RETURNING version, updated_at`
	sqlUpdateBoard  = `UPDATE boards SET name_vi = $2, name_en = $3, province = $4, website = $5, version = version + 1, updated_at = now() WHERE id = $1 RETURNING version, updated_at`
	sqlDeleteBoard  = `DELETE FROM boards WHERE id = $1`
	sqlBoardZones   = `SELECT count(*) FROM zones WHERE board_id = $1`
	sqlBoardRowJSON = `SELECT to_jsonb(t) FROM boards t WHERE id = $1`
	// A board's write in the change log (item 0: board ids are text), so
	// that what is keyed by the log's position (the statistics, which name
	// the boards) sees it; the followers have no board rows to fetch.
	sqlLogBoardChange = `WITH c AS (INSERT INTO changes (collection, item_id, op) VALUES ('boards', 0, $1) RETURNING seq)
		SELECT pg_notify('zonegis_changes', 'boards') FROM c`
)
