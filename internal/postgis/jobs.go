package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// ImportJob is an import run in the background (table import_jobs,
// migrations/0010): who posted it, its status and progress, and, when
// finished, its outcome.
type ImportJob struct {
	ID         string // a UUID
	Collection string
	// The poster, as in the audit trail; KeyID 0 for none.
	KeyID           int64
	KeyName, Role   string
	UserID          int64 // the person; 0 for the system
	RequestID       string
	Status          string // queued, running, done, failed
	Phase           string // registry's phase name while running
	BodyBytes       int64
	ImportJobCounts // features read, checked, written; total
	Created         time.Time
	Started         *time.Time
	Finished        *time.Time
	Heartbeat       time.Time
	Seq, Imported   *int64 // when done
	Report          []byte // when failed: the problem as JSON
}

// ImportJobCounts is a job's progress: the phase and the features read,
// checked and written, of Total (0: unknown).
type ImportJobCounts struct {
	Phase                         string
	Read, Checked, Written, Total int64
}

// The statuses of an import job.
const (
	JobQueued  = "queued"
	JobRunning = "running"
	JobDone    = "done"
	JobFailed  = "failed"
)

// CreateImportJob records a new queued job for collection posted by a with
// a body of bodyBytes. Errors: EUNAVAILABLE.
func (db *DB) CreateImportJob(ctx context.Context, a zonegis.Actor, collection string, bodyBytes int64) (*ImportJob, error) {
	row := db.pool.QueryRow(ctx, sqlCreateImportJob, collection, nullID(a.KeyID), a.KeyName, a.Role, a.RequestID, bodyBytes, nullID(a.UserID))
	j, err := scanImportJob(row)
	return j, mapError(err)
}

// StartImportJob marks job id running. Errors: ENOTFOUND when it is no
// longer queued (a sweep failed it); EUNAVAILABLE.
func (db *DB) StartImportJob(ctx context.Context, id string) error {
	return db.jobUpdate(ctx, sqlStartImportJob, id)
}

// BeatImportJob records a running job's progress and that its instance is
// alive. Errors: ENOTFOUND when it is not running (a sweep failed it);
// EUNAVAILABLE.
func (db *DB) BeatImportJob(ctx context.Context, id string, c ImportJobCounts) error {
	return db.jobUpdate(ctx, sqlBeatImportJob, id, c.Phase, c.Read, c.Checked, c.Written, c.Total)
}

// FinishImportJob records a job's outcome: status done with the seq and
// count, or failed with report (the problem as JSON). Errors: ENOTFOUND
// when it is finished already (a sweep failed it); EUNAVAILABLE.
func (db *DB) FinishImportJob(ctx context.Context, id, status string, c ImportJobCounts, seq, imported *int64, report []byte) error {
	return db.jobUpdate(ctx, sqlFinishImportJob, id, status, c.Phase, c.Read, c.Checked, c.Written, c.Total, seq, imported, nullJSON(report))
}

func (db *DB) jobUpdate(ctx context.Context, sql, id string, args ...any) error {
	tag, err := db.pool.Exec(ctx, sql, append([]any{id}, args...)...)
	if err != nil {
		return mapError(err)
	}
	if tag.RowsAffected() == 0 {
		return zonegis.Errorf(zonegis.ENOTFOUND, "import job %s is not in progress", id)
	}
	return nil
}

// ImportJob reads job id (a UUID). A queued or running job whose
// heartbeat is older than lease lost its instance: it is marked failed
// with staleReport first. Errors: ENOTFOUND; EUNAVAILABLE.
func (db *DB) ImportJob(ctx context.Context, id string, lease time.Duration, staleReport []byte) (*ImportJob, error) {
	if _, err := db.pool.Exec(ctx, sqlFailStaleImportJob, id, lease.Seconds(), staleReport); err != nil {
		return nil, mapError(err)
	}
	j, err := scanImportJob(db.pool.QueryRow(ctx, sqlImportJob, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no import job %s", id)
	}
	return j, mapError(err)
}

// SweepImportJobs marks failed, with staleReport, every queued or running
// job whose heartbeat is older than lease (its instance died), and deletes
// the jobs finished more than keep ago. It returns how many it failed and
// deleted. Errors: EUNAVAILABLE.
func (db *DB) SweepImportJobs(ctx context.Context, lease, keep time.Duration, staleReport []byte) (failed, deleted int64, err error) {
	tag, err := db.pool.Exec(ctx, sqlFailStaleImportJobs, lease.Seconds(), staleReport)
	if err != nil {
		return 0, 0, mapError(err)
	}
	del, err := db.pool.Exec(ctx, sqlDeleteOldImportJobs, keep.Seconds())
	if err != nil {
		return tag.RowsAffected(), 0, mapError(err)
	}
	return tag.RowsAffected(), del.RowsAffected(), nil
}

func scanImportJob(row pgx.Row) (*ImportJob, error) {
	var j ImportJob
	var keyID *int64
	err := row.Scan(&j.ID, &j.Collection, &keyID, &j.KeyName, &j.Role, &j.RequestID, &j.Status, &j.Phase, &j.BodyBytes,
		&j.Read, &j.Checked, &j.Written, &j.Total, &j.Created, &j.Started, &j.Finished, &j.Heartbeat,
		&j.Seq, &j.Imported, &j.Report, &j.UserID)
	if err != nil {
		return nil, err
	}
	if keyID != nil {
		j.KeyID = *keyID
	}
	return &j, nil
}
