package postgis

// Users, grants and keys (migrations/0013).
const (
	userColumns   = `id, login, display_name, email, password_hash, oidc_issuer, oidc_subject, system_role, disabled_at, created_at, password_set_at`
	sqlInsertUser = `INSERT INTO users (login, display_name, email, password_hash, oidc_issuer, oidc_subject, system_role, password_set_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id, created_at, password_set_at`
	sqlUserByLogin = `SELECT ` + userColumns + ` FROM users WHERE lower(login) = lower($1)`
	sqlUserByID    = `SELECT ` + userColumns + ` FROM users WHERE id = $1`
	sqlUsers       = `SELECT ` + userColumns + ` FROM users ORDER BY lower(login)`
	sqlUserRowJSON = `SELECT to_jsonb(u) - 'password_hash' || jsonb_build_object('grants',
		(SELECT COALESCE(jsonb_object_agg(board_id, role), '{}') FROM user_grants WHERE user_id = u.id)) FROM users u WHERE id = $1`
	sqlLockUser = `SELECT login FROM users WHERE id = $1 FOR UPDATE`
	// A principal: the user and their grants as one JSON object.
	sqlPrincipalOf = `SELECT u.id, u.login, u.display_name, u.system_role, u.disabled_at,
		(SELECT jsonb_object_agg(board_id, role) FROM user_grants WHERE user_id = u.id)
		FROM users u WHERE u.id = $1`
	sqlGrantsOf       = `SELECT user_id, board_id, role FROM user_grants WHERE user_id = $1 ORDER BY board_id`
	sqlGrant          = `INSERT INTO user_grants (user_id, board_id, role) VALUES ($1, $2, $3) ON CONFLICT (user_id, board_id) DO UPDATE SET role = EXCLUDED.role`
	sqlRevokeGrant    = `DELETE FROM user_grants WHERE user_id = $1 AND board_id = $2`
	sqlDisableUser    = `UPDATE users SET disabled_at = COALESCE(disabled_at, now()) WHERE id = $1`
	sqlRevokeUserKeys = `UPDATE api_keys SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL`
	sqlSetPassword    = `UPDATE users SET password_hash = $2, password_set_at = now() WHERE id = $1`
	sqlHasUsers       = `SELECT EXISTS (SELECT 1 FROM users WHERE login NOT LIKE 'key-%')`
	// The legacy planner key's user: a planner on every board there is.
	sqlGrantEveryBoard = `INSERT INTO user_grants (user_id, board_id, role) SELECT $1, id, $2 FROM boards ON CONFLICT DO NOTHING`
)

// Keys and audit.
const (
	keyColumns   = `k.id, k.prefix, k.name, k.user_id, u.login, k.created_at, k.expires_at, k.last_used_at, k.revoked_at`
	sqlInsertKey = `INSERT INTO api_keys (prefix, hash, name, user_id, expires_at) VALUES ($1, $2, $3, $4, $5) RETURNING id, created_at`
	// A key as a caller: the key, its user (disabled or not) and the
	// user's grants, in one statement.
	sqlKeyByPrefix = `SELECT k.id, k.hash, k.name, k.revoked_at, k.expires_at, COALESCE(k.expires_at <= now(), false),
		k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute',
		u.id, u.login, u.display_name, u.system_role, u.disabled_at,
		(SELECT jsonb_object_agg(board_id, role) FROM user_grants WHERE user_id = u.id)
		FROM api_keys k JOIN users u ON u.id = k.user_id WHERE k.prefix = $1`
	// At most once a minute per key: the WHERE makes a second writer in
	// the same minute a no-op.
	sqlTouchKey  = `UPDATE api_keys SET last_used_at = now() WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`
	sqlRevokeKey = `UPDATE api_keys SET revoked_at = now() WHERE prefix = $1 AND revoked_at IS NULL`
	sqlKeys      = `SELECT ` + keyColumns + ` FROM api_keys k JOIN users u ON u.id = k.user_id
		WHERE ($1 = 0 OR k.user_id = $1) ORDER BY k.id DESC`
	sqlAudit = `SELECT id, at, key_id, key_name, role, action, collection, item_id, before, after, request_id, user_id, user_login, board_id
		FROM audit_log
		WHERE ($1 = '' OR collection = $1) AND ($2 = 0 OR item_id = $2) AND ($3 = 0 OR id < $3)
		  AND ($5 = '' OR lower(user_login) = lower($5)) AND ($6::text[] IS NULL OR board_id = ANY($6))
		  AND ($7::timestamptz IS NULL OR at >= $7) AND ($8::timestamptz IS NULL OR at < $8)
		ORDER BY id DESC LIMIT $4`
)

// sqlRecordBoard is the board of a record, by collection.
var sqlRecordBoard = map[string]string{
	"zones": `SELECT board_id FROM zones WHERE id = $1`,
	"parcels": `SELECT z.board_id FROM (SELECT zone_id FROM parcels WHERE id = $1 UNION ALL SELECT zone_id FROM parcels_retired WHERE id = $1) p
		JOIN zones z ON z.id = p.zone_id LIMIT 1`,
	"green-areas": `SELECT z.board_id FROM green_areas g JOIN zones z ON z.id = g.zone_id WHERE g.id = $1`,
	"leases": `SELECT z.board_id FROM leases l
		JOIN (SELECT id, zone_id FROM parcels UNION ALL SELECT id, zone_id FROM parcels_retired) p ON p.id = l.parcel_id
		JOIN zones z ON z.id = p.zone_id WHERE l.id = $1`,
}
