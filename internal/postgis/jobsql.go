package postgis

// The SQL of import jobs (table import_jobs, migrations/0010). Times are
// the database's (now()), so instances with drifting clocks agree on a
// heartbeat's age.

const importJobColumns = `id::text, collection, key_id, key_name, role, request_id, status, phase, body_bytes,
	features_read, checked, written, total, created_at, started_at, finished_at, heartbeat_at,
	seq, imported, report, COALESCE(user_id, 0)`

const (
	sqlCreateImportJob = `INSERT INTO import_jobs (collection, key_id, key_name, role, request_id, body_bytes, user_id)
		VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ` + importJobColumns
	sqlStartImportJob = `UPDATE import_jobs SET status = 'running', started_at = now(), heartbeat_at = now()
		WHERE id = $1::uuid AND status = 'queued'`
	sqlBeatImportJob = `UPDATE import_jobs SET phase = $2, features_read = $3, checked = $4, written = $5, total = $6,
		heartbeat_at = now()
		WHERE id = $1::uuid AND status IN ('queued', 'running')`
	sqlFinishImportJob = `UPDATE import_jobs SET status = $2, phase = $3, features_read = $4, checked = $5, written = $6,
		total = $7, seq = $8, imported = $9, report = $10::jsonb, finished_at = now(), heartbeat_at = now()
		WHERE id = $1::uuid AND status IN ('queued', 'running')`
	sqlImportJob = `SELECT ` + importJobColumns + ` FROM import_jobs WHERE id = $1::uuid`
	// A job's heartbeat older than the lease ($2 seconds): its instance is gone.
	sqlFailStaleImportJob = `UPDATE import_jobs SET status = 'failed', report = $3::jsonb, finished_at = now()
		WHERE id = $1::uuid AND status IN ('queued', 'running') AND heartbeat_at < now() - make_interval(secs => $2)`
	sqlFailStaleImportJobs = `UPDATE import_jobs SET status = 'failed', report = $2::jsonb, finished_at = now()
		WHERE status IN ('queued', 'running') AND heartbeat_at < now() - make_interval(secs => $1)`
	sqlDeleteOldImportJobs = `DELETE FROM import_jobs WHERE finished_at < now() - make_interval(secs => $1)`
)
