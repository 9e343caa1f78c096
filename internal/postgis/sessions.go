package postgis

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// The web sessions' SQL (migrations/0014). Times come from the caller's
// clock ($n), not now(), so the session manager's timeouts are one clock.
const (
	sqlInsertSession = `INSERT INTO sessions (id_hash, user_id, csrf_token, via, created_at, last_seen_at, idle_until, expires_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`
	// sqlUseSession finds the live session with its user and grants and,
	// when it was last seen over a minute ago, slides its idle end: one
	// round trip, and at most one row write a minute per session however
	// many requests it sends.
	sqlUseSession = `WITH live AS (
		SELECT s.id, s.user_id, s.csrf_token, s.via, s.created_at, s.last_seen_at, s.idle_until, s.expires_at,
			u.login, u.display_name, u.system_role
		FROM sessions s JOIN users u ON u.id = s.user_id
		WHERE s.id_hash = $1 AND s.revoked_at IS NULL AND $2 < s.idle_until AND $2 < s.expires_at
			AND u.disabled_at IS NULL
	), touched AS (
		UPDATE sessions t SET last_seen_at = $2, idle_until = least($2 + make_interval(secs => $3), t.expires_at)
		FROM live WHERE t.id = live.id AND live.last_seen_at < $2 - interval '1 minute'
		RETURNING t.last_seen_at, t.idle_until
	)
	SELECT live.id, live.user_id, live.csrf_token, live.via, live.created_at,
		coalesce(touched.last_seen_at, live.last_seen_at), coalesce(touched.idle_until, live.idle_until), live.expires_at,
		live.login, live.display_name, live.system_role,
		(SELECT jsonb_object_agg(board_id, role) FROM user_grants WHERE user_id = live.user_id)
	FROM live LEFT JOIN touched ON true`
	sqlRevokeSession = `UPDATE sessions SET revoked_at = $2, idle_until = least(idle_until, $2)
		WHERE id_hash = $1 AND revoked_at IS NULL`
	sqlSweepSessions = `DELETE FROM sessions WHERE id IN (
		SELECT id FROM sessions WHERE least(idle_until, expires_at) < $1 LIMIT $2)`
	sqlUserByOIDC  = `SELECT ` + userColumns + ` FROM users WHERE oidc_issuer = $1 AND oidc_subject = $2`
	sqlUserByEmail = `SELECT ` + userColumns + ` FROM users WHERE lower(email) = lower($1) AND email <> '' LIMIT 2`
	sqlLinkOIDC    = `UPDATE users SET oidc_issuer = $2, oidc_subject = $3 WHERE id = $1 AND oidc_issuer IS NULL`
)

var _ zonegis.SessionStore = (*DB)(nil)

// CreateSession stores s under idHash (the SHA-256 of its id).
func (db *DB) CreateSession(ctx context.Context, idHash []byte, s zonegis.Session) error {
	_, err := db.pool.Exec(ctx, sqlInsertSession, idHash, s.UserID, s.CSRFToken, s.Via, s.CreatedAt, s.LastSeenAt, s.IdleUntil, s.ExpiresAt)
	return mapError(err)
}

// UseSession returns the live session idHash at now and its user as a
// caller, sliding its idle end to now+idle when it was last seen over a
// minute before. Errors: EUNAUTHORIZED (unknown, revoked, ended, or its
// user disabled).
func (db *DB) UseSession(ctx context.Context, idHash []byte, now time.Time, idle time.Duration) (zonegis.Session, zonegis.Principal, error) {
	var s zonegis.Session
	var p zonegis.Principal
	var id int64
	var grants []byte
	err := db.pool.QueryRow(ctx, sqlUseSession, idHash, now, idle.Seconds()).
		Scan(&id, &s.UserID, &s.CSRFToken, &s.Via, &s.CreatedAt, &s.LastSeenAt, &s.IdleUntil, &s.ExpiresAt,
			&p.Login, &p.DisplayName, &p.SystemRole, &grants)
	if errors.Is(err, pgx.ErrNoRows) {
		return s, p, zonegis.Errorf(zonegis.EUNAUTHORIZED, "your session has ended; sign in again")
	} else if err != nil {
		return s, p, mapError(err)
	}
	p.UserID, p.Via, p.SessionID = s.UserID, zonegis.ViaSession, strconv.FormatInt(id, 10)
	if p.Grants, err = grantsOf(grants); err != nil {
		return s, p, err
	}
	return s, p, nil
}

// RevokeSession ends session idHash at now.
func (db *DB) RevokeSession(ctx context.Context, idHash []byte, now time.Time) error {
	_, err := db.pool.Exec(ctx, sqlRevokeSession, idHash, now)
	return mapError(err)
}

// SweepSessions deletes up to limit sessions that ended before now.
func (db *DB) SweepSessions(ctx context.Context, now time.Time, limit int) (int64, error) {
	tag, err := db.pool.Exec(ctx, sqlSweepSessions, now, limit)
	if err != nil {
		return 0, mapError(err)
	}
	return tag.RowsAffected(), nil
}

// UserByOIDC returns the user issuer and subject name. Errors: ENOTFOUND.
func (db *DB) UserByOIDC(ctx context.Context, issuer, subject string) (*zonegis.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, sqlUserByOIDC, issuer, subject))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no user has this OpenID identity")
	}
	return u, mapError(err)
}

// UserByEmail returns the one user with email. Errors: ENOTFOUND (none,
// or several: an email that names two users links neither).
func (db *DB) UserByEmail(ctx context.Context, email string) (*zonegis.User, error) {
	users, err := collect(ctx, db.pool, sqlUserByEmail, scanUser, email)
	if err != nil {
		return nil, err
	}
	if len(users) != 1 {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no one user has this email")
	}
	return users[0], nil
}

// LinkOIDC gives user id the OpenID identity issuer, subject. Errors:
// ECONFLICT.
func (db *DB) LinkOIDC(ctx context.Context, id int64, issuer, subject string) error {
	tag, err := db.pool.Exec(ctx, sqlLinkOIDC, id, issuer, subject)
	if err != nil {
		return mapError(err)
	}
	if tag.RowsAffected() == 0 {
		return zonegis.Errorf(zonegis.ECONFLICT, "this user already has another OpenID identity")
	}
	return nil
}
