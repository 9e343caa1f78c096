package zonegis

import (
	"context"
	"time"
)

// Session is a web session as stored: never its id, only the id's
// SHA-256. It is live while not revoked, before IdleUntil (slid forward
// as it is used, never past ExpiresAt) and before ExpiresAt (its absolute
// end, fixed at sign-in), and while its user is not disabled.
type Session struct {
	UserID     int64
	CSRFToken  string // the token its cookie-authenticated writes send in X-CSRF-Token
	Via        string // "password" or "oidc"
	CreatedAt  time.Time
	LastSeenAt time.Time
	IdleUntil  time.Time
	ExpiresAt  time.Time
}

// SessionStore keeps web sessions where every instance sees them.
type SessionStore interface {
	// CreateSession stores s under the hash of its id.
	CreateSession(ctx context.Context, idHash []byte, s Session) error
	// UseSession returns the live session idHash at now with its user as
	// a caller (Via ViaSession, SessionID the session's row id) and, when
	// it was last seen over a minute before now, records now as seen and
	// slides its idle end to now+idle (at most its absolute end). Errors:
	// EUNAUTHORIZED (unknown, revoked, past either end, or its user is
	// disabled).
	UseSession(ctx context.Context, idHash []byte, now time.Time, idle time.Duration) (Session, Principal, error)
	// RevokeSession ends session idHash at now; an unknown or ended one
	// is no error.
	RevokeSession(ctx context.Context, idHash []byte, now time.Time) error
	// SweepSessions deletes up to limit sessions that ended before now
	// and returns how many it deleted.
	SweepSessions(ctx context.Context, now time.Time, limit int) (int64, error)
	// UserByOIDC returns the user an OpenID provider's issuer and subject
	// name. Errors: ENOTFOUND.
	UserByOIDC(ctx context.Context, issuer, subject string) (*User, error)
	// UserByEmail returns the one user with email (compared without
	// case). Errors: ENOTFOUND (none, or more than one).
	UserByEmail(ctx context.Context, email string) (*User, error)
	// LinkOIDC records that issuer and subject name user id, who had no
	// OpenID identity. Errors: ECONFLICT (the user has another one, or
	// another user has this one).
	LinkOIDC(ctx context.Context, id int64, issuer, subject string) error
}
