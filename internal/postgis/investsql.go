package postgis

// The statements of the enterprises and projects (invest.go). Amounts go
// in and out as numeric's text (zonegis.Decimal); "" text columns are NULL.
const (
	enterpriseColumns = `e.id, coalesce(e.board_id, ''), coalesce(e.mst, ''), e.name_vi, e.name_en, e.country, coalesce(e.vsic, ''),
		e.high_tech, e.supporting_industry, e.contact, e.source, e.synthetic, e.version, e.updated_at`
	// $1 after id, $2 boards (NULL: all), $3 country, $4 VSIC section, $5
	// and $6 updated from and until (NULL: open); $7 limit.
	enterpriseWhere = ` WHERE e.id > $1 AND ($2::text[] IS NULL OR e.board_id = ANY($2))
		AND ($3 = '' OR e.country = $3)
		AND ($4 = '' OR e.vsic_division IN (SELECT code FROM vsic_divisions WHERE section = $4))
		AND ($5::timestamptz IS NULL OR e.updated_at >= $5) AND ($6::timestamptz IS NULL OR e.updated_at < $6)`
	sqlEnterprises      = `SELECT ` + enterpriseColumns + ` FROM enterprises e` + enterpriseWhere + ` ORDER BY e.id LIMIT $7`
	sqlEnterpriseCount  = `SELECT count(*) FROM enterprises e` + enterpriseWhere
	sqlEnterpriseByID   = `SELECT ` + enterpriseColumns + ` FROM enterprises e WHERE e.id = $1`
	sqlLockEnterprise   = `SELECT ` + enterpriseColumns + ` FROM enterprises e WHERE e.id = $1 FOR UPDATE`
	sqlCreateEnterprise = `INSERT INTO enterprises (board_id, mst, name_vi, name_en, country, vsic, high_tech, supporting_industry, contact, source, synthetic)
		VALUES (nullif($1, ''), nullif($2, ''), $3, $4, $5, nullif($6, ''), $7, $8, $9, $10, $11) RETURNING id, version, updated_at`
	sqlUpdateEnterprise = `UPDATE enterprises SET board_id = nullif($2, ''), mst = nullif($3, ''), name_vi = $4, name_en = $5, country = $6,
		vsic = nullif($7, ''), high_tech = $8, supporting_industry = $9, contact = $10, source = $11, synthetic = $12
		WHERE id = $1 RETURNING version, updated_at`
	sqlEnterpriseRefs = `SELECT (SELECT count(*) FROM leases WHERE enterprise_id = $1), (SELECT count(*) FROM projects WHERE enterprise_id = $1),
		(SELECT count(*) FROM enterprise_reports WHERE enterprise_id = $1)`
	sqlDeleteEnterprise  = `DELETE FROM enterprises WHERE id = $1`
	sqlEnterpriseRowJSON = `SELECT to_jsonb(t) FROM enterprises t WHERE id = $1`

	projectColumns = `p.id, p.irc_number, p.irc_date, p.enterprise_id, p.zone_id, coalesce(z.board_id, ''), p.name_vi, p.name_en,
		p.origin, p.currency, p.capital::text, p.rate::text, p.rate_date, p.capital_usd::text, p.capital_vnd::text, p.status,
		p.workers_planned_vn, p.workers_planned_foreign, p.workers_vn, p.workers_foreign, p.synthetic, p.version, p.updated_at`
	projectFrom = ` FROM projects p JOIN zones z ON z.id = p.zone_id JOIN enterprises e ON e.id = p.enterprise_id`
	// $1 after id, $2 boards, $3 country, $4 VSIC section, $5 zone, $6
	// enterprise, $7 origin, $8 status, $9 and $10 updated from and until
	// (NULL: open); $11 limit.
	projectWhere = ` WHERE p.id > $1 AND ($2::text[] IS NULL OR z.board_id = ANY($2))
		AND ($3 = '' OR e.country = $3)
		AND ($4 = '' OR e.vsic_division IN (SELECT code FROM vsic_divisions WHERE section = $4))
		AND ($5 = 0 OR p.zone_id = $5) AND ($6 = 0 OR p.enterprise_id = $6)
		AND ($7 = '' OR p.origin = $7) AND ($8 = '' OR p.status = $8)
		AND ($9::timestamptz IS NULL OR p.updated_at >= $9) AND ($10::timestamptz IS NULL OR p.updated_at < $10)`
	sqlProjects       = `SELECT ` + projectColumns + projectFrom + projectWhere + ` ORDER BY p.id LIMIT $11`
	sqlProjectCount   = `SELECT count(*)` + projectFrom + projectWhere
	sqlProjectByID    = `SELECT ` + projectColumns + projectFrom + ` WHERE p.id = $1`
	sqlLockProject    = `SELECT ` + projectColumns + projectFrom + ` WHERE p.id = $1 FOR UPDATE OF p`
	sqlZoneBoardOf    = `SELECT coalesce(board_id, '') FROM zones WHERE id = $1`
	sqlProjectParcels = `SELECT project_id, parcel_id FROM project_parcels WHERE project_id = ANY($1) ORDER BY project_id, parcel_id`
	sqlAdjustments    = `SELECT project_id, adjusted_on, irc_number, amount::text, rate::text, rate_date, amount_usd::text, amount_vnd::text
		FROM project_adjustments WHERE project_id = ANY($1) ORDER BY project_id, adjusted_on, id`
	sqlDisbursements = `SELECT project_id, year, amount::text, rate::text, rate_date, amount_usd::text, amount_vnd::text
		FROM project_disbursements WHERE project_id = ANY($1) ORDER BY project_id, year`
	sqlCreateProject = `INSERT INTO projects (irc_number, irc_date, enterprise_id, zone_id, name_vi, name_en, origin, currency, capital, rate, rate_date,
		status, workers_planned_vn, workers_planned_foreign, workers_vn, workers_foreign, synthetic)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::numeric, $10::numeric, $11, $12, $13, $14, $15, $16, $17) RETURNING id`
	sqlUpdateProject = `UPDATE projects SET irc_number = $2, irc_date = $3, enterprise_id = $4, zone_id = $5, name_vi = $6, name_en = $7,
		origin = $8, currency = $9, capital = $10::numeric, rate = $11::numeric, rate_date = $12, status = $13,
		workers_planned_vn = $14, workers_planned_foreign = $15, workers_vn = $16, workers_foreign = $17, synthetic = $18
		WHERE id = $1`
	sqlClearProjectMembers = `WITH a AS (DELETE FROM project_adjustments WHERE project_id = $1),
		d AS (DELETE FROM project_disbursements WHERE project_id = $1)
		DELETE FROM project_parcels WHERE project_id = $1`
	sqlInsertProjectParcel = `INSERT INTO project_parcels (project_id, parcel_id) VALUES ($1, $2)`
	sqlInsertAdjustment    = `INSERT INTO project_adjustments (project_id, currency, adjusted_on, irc_number, amount, rate, rate_date)
		VALUES ($1, (SELECT currency FROM projects WHERE id = $1), $2, $3, $4::numeric, $5::numeric, $6)`
	sqlInsertDisbursement = `INSERT INTO project_disbursements (project_id, currency, year, amount, rate, rate_date)
		VALUES ($1, (SELECT currency FROM projects WHERE id = $1), $2, $3::numeric, $4::numeric, $5)`
	sqlDeleteProject  = `DELETE FROM projects WHERE id = $1`
	sqlProjectRowJSON = `SELECT to_jsonb(t) || jsonb_build_object(
		'parcel_ids', coalesce((SELECT jsonb_agg(parcel_id ORDER BY parcel_id) FROM project_parcels WHERE project_id = t.id), '[]'),
		'adjustments', coalesce((SELECT jsonb_agg(to_jsonb(a) - 'project_id' ORDER BY a.adjusted_on, a.id) FROM project_adjustments a WHERE a.project_id = t.id), '[]'),
		'disbursements', coalesce((SELECT jsonb_agg(to_jsonb(d) - 'project_id' ORDER BY d.year) FROM project_disbursements d WHERE d.project_id = t.id), '[]'))
		FROM projects t WHERE id = $1`
	sqlInvestAudit = `INSERT INTO audit_log (key_id, key_name, role, action, collection, item_id, before, after, request_id, user_id, user_login, board_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10, $11, nullif($12, ''))`
	// The Go mirror of zg_usd and zg_vnd is pinned to them (tests).
	sqlEquivalents = `SELECT zg_usd($1::numeric, $2, $3::numeric)::text, zg_vnd($1::numeric, $2, $3::numeric)::text`
)
