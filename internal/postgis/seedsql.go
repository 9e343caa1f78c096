package postgis

import _ "embed" // seed.sql

// The SQL of the seed (seed.go). Values travel as $n arguments.

// sqlSeedGenerate makes the deterministic synthetic parcels, green areas
// and leases inside the zones whose codes the setting zonegis.seed_codes
// lists (see seed.sql).
//
//go:embed seed.sql
var sqlSeedGenerate string

// sqlSeedInvest completes the enterprises the seeded leases made and
// gives them projects (parcels, adjustments, disbursements) and yearly
// reports, deterministically (see seed_invest.sql); after sqlSeedGenerate.
//
//go:embed seed_invest.sql
var sqlSeedInvest string

const (
	// Two instances starting on an empty database seed once.
	sqlSeedLock  = `SELECT pg_advisory_xact_lock(7310227)`
	sqlZoneCount = `SELECT count(*) FROM zones`
	// The seed's zones have no parent yet (derived zones become parents).
	sqlSeedZone = `INSERT INTO zones (code, name_vi, name_en, kind, board_id, province, status, model,
		established, enterprises, workers, sectors, source, boundary)
		VALUES ($1, $2, $3, $4, nullif($5, ''), $6, $7, $8, $9::date, $10, $11, $12, $13, ST_Multi(ST_GeomFromWKB($14, 4326)))`
	// A zone without a mapped boundary: the convex hull of its members
	// (codes $11) plus $10 metres, on the ellipsoid.
	sqlSeedDerivedZone = `INSERT INTO zones (code, name_vi, name_en, kind, board_id, province, status, model, source, boundary)
		SELECT $1, $2, $3, $4, nullif($5, ''), $6, $7, $8, $9,
		       ST_Multi(ST_Buffer(ST_ConvexHull(ST_Collect(boundary))::geography, $10::float8)::geometry)
		  FROM zones WHERE code = ANY($11)`
	sqlSeedParent = `UPDATE zones SET parent_id = (SELECT id FROM zones WHERE code = $1) WHERE code = ANY($2)`
	sqlSeedCodes  = `SELECT set_config('zonegis.seed_codes', $1, true)`
	sqlSeedCounts = `SELECT (SELECT count(*) FROM boards), (SELECT count(*) FROM zones),
		(SELECT count(*) FROM parcels), (SELECT count(*) FROM green_areas), (SELECT count(*) FROM leases),
		(SELECT count(*) FROM enterprises), (SELECT count(*) FROM projects), (SELECT count(*) FROM enterprise_reports)`
)
