// Package session keeps zonegis's web sessions: sign-in by login and
// password (throttled per account and per client address) or through an
// OpenID provider, a random session id in an HttpOnly SameSite cookie whose
// SHA-256 only is stored in PostgreSQL (zonegis.SessionStore, so every
// instance behind a load balancer accepts it), idle and absolute timeouts,
// sign-out that ends the session server-side, and the CSRF checks of
// cookie-authenticated writes (a per-session token in X-CSRF-Token, and
// the request's Origin and Sec-Fetch-Site). It is the transport of the
// /auth routes; who a user is and what they may do come from the people
// registry through Accounts.
package session

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Defaults of Config.
const (
	DefaultIdle = 30 * time.Minute // ZONEGIS_SESSION_IDLE
	DefaultMax  = 12 * time.Hour   // ZONEGIS_SESSION_MAX
	// Sign-in throttling: failures allowed per window, per account and
	// per client address, and how many of each are remembered.
	AccountFailures = 5
	AddressFailures = 30
	FailureWindow   = 15 * time.Minute
	ThrottleKeys    = 10000
	// sweepBatch bounds the expired sessions one sign-in deletes.
	sweepBatch = 500
)

// Config configures a Manager.
type Config struct {
	Store    zonegis.SessionStore
	Accounts Accounts
	Idle     time.Duration // 0: DefaultIdle
	Max      time.Duration // 0: DefaultMax
	// TrustProxy believes X-Forwarded-Proto, -For and -Host
	// (ZONEGIS_TRUST_PROXY): set it only behind a proxy that sets them.
	TrustProxy bool
	Now        func() time.Time // nil: time.Now
	Logger     *slog.Logger
	// Accounts and Addresses throttle failed sign-ins; nil gets
	// AccountFailures and AddressFailures per FailureWindow.
	AccountThrottle, AddressThrottle *Throttle
}

// Manager starts, finds and ends sessions.
type Manager struct {
	cfg Config
}

// New returns a manager over cfg.
func New(cfg Config) *Manager {
	if cfg.Idle <= 0 {
		cfg.Idle = DefaultIdle
	}
	if cfg.Max <= 0 {
		cfg.Max = DefaultMax
	}
	if cfg.Idle > cfg.Max {
		cfg.Idle = cfg.Max
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.AccountThrottle == nil {
		cfg.AccountThrottle = NewThrottle(AccountFailures, FailureWindow, ThrottleKeys)
	}
	if cfg.AddressThrottle == nil {
		cfg.AddressThrottle = NewThrottle(AddressFailures, FailureWindow, ThrottleKeys)
	}
	return &Manager{cfg: cfg}
}

// TrustProxy says whether the proxy's headers are believed.
func (m *Manager) TrustProxy() bool { return m.cfg.TrustProxy }

// newID draws a session id: 256 bits from crypto/rand, base64url.
func newID() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashID(id string) []byte {
	h := sha256.Sum256([]byte(id))
	return h[:]
}

// presented is the session cookie's value, "" when there is none or it
// cannot be an id of ours (43 base64url characters).
func presented(r *http.Request) string {
	c, err := r.Cookie(CookieName)
	if err != nil || len(c.Value) != 43 || strings.Trim(c.Value, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		return ""
	}
	return c.Value
}

// HasCookie says whether r carries a session cookie at all (so the
// public read path can skip the lookup).
func HasCookie(r *http.Request) bool {
	_, err := r.Cookie(CookieName)
	return err == nil
}

// Start begins a session for userID, always under a new id (a session
// id a client already had is never promoted: sign-in ends it, see
// begin), sets its cookie on w, and returns the session. Expired sessions
// are swept, a batch at a time.
func (m *Manager) Start(ctx context.Context, w http.ResponseWriter, r *http.Request, userID int64, via string) (zonegis.Session, error) {
	now := m.cfg.Now()
	if old := presented(r); old != "" {
		if err := m.cfg.Store.RevokeSession(ctx, hashID(old), now); err != nil {
			return zonegis.Session{}, err
		}
	}
	id := newID()
	s := zonegis.Session{UserID: userID, CSRFToken: newID(), Via: via, CreatedAt: now, LastSeenAt: now,
		IdleUntil: now.Add(m.cfg.Idle), ExpiresAt: now.Add(m.cfg.Max)}
	if err := m.cfg.Store.CreateSession(ctx, hashID(id), s); err != nil {
		return zonegis.Session{}, err
	}
	if n, err := m.cfg.Store.SweepSessions(ctx, now, sweepBatch); err != nil {
		m.cfg.Logger.Warn("sweep sessions", "err", err)
	} else if n > 0 {
		m.cfg.Logger.Debug("swept sessions", "deleted", n)
	}
	http.SetCookie(w, cookie(id, Secure(r, m.cfg.TrustProxy)))
	return s, nil
}

// Find returns the live session r's cookie names, and false when r has
// none or it has ended (a stale cookie reads as signed out, and w is told
// to drop it).
func (m *Manager) Find(ctx context.Context, w http.ResponseWriter, r *http.Request) (zonegis.Session, bool, error) {
	id := presented(r)
	if id == "" {
		if HasCookie(r) {
			http.SetCookie(w, cookie("", Secure(r, m.cfg.TrustProxy)))
		}
		return zonegis.Session{}, false, nil
	}
	s, err := m.cfg.Store.UseSession(ctx, hashID(id), m.cfg.Now(), m.cfg.Idle)
	if zonegis.ErrorCode(err) == zonegis.EUNAUTHORIZED {
		http.SetCookie(w, cookie("", Secure(r, m.cfg.TrustProxy)))
		return zonegis.Session{}, false, nil
	} else if err != nil {
		return zonegis.Session{}, false, err
	}
	return s, true, nil
}

// End revokes r's session, if any, and drops its cookie.
func (m *Manager) End(ctx context.Context, w http.ResponseWriter, r *http.Request) error {
	if id := presented(r); id != "" {
		if err := m.cfg.Store.RevokeSession(ctx, hashID(id), m.cfg.Now()); err != nil {
			return err
		}
	}
	http.SetCookie(w, cookie("", Secure(r, m.cfg.TrustProxy)))
	return nil
}

// tooMany is the 429 of a throttled sign-in; its details carry
// retry_after (seconds), which httpx.ErrorHandler sends as Retry-After.
func tooMany(wait time.Duration) error {
	secs := int((wait + time.Second - 1) / time.Second)
	e := zonegis.Errorf(zonegis.ETOOMANY, "too many failed sign-ins; try again in %d s", secs)
	e.Details = map[string]any{"retry_after": secs}
	return e
}

// badLogin is the one answer to a wrong login or password: it does not
// say which, nor whether the login exists.
var badLogin = zonegis.Errorf(zonegis.EUNAUTHORIZED, "login or password is not right")

// Login signs in with login and password: throttled (429 while the
// account or the client's address has had too many failures), the
// password checked by Accounts (same answer and about the same time for
// an unknown login), then a new session (Start). Errors: EUNAUTHORIZED
// (badLogin), ETOOMANY, EFORBIDDEN (the form was posted from another
// site: login CSRF).
func (m *Manager) Login(ctx context.Context, w http.ResponseWriter, r *http.Request, login, password string) (zonegis.Session, error) {
	if err := CheckSameOrigin(r, m.cfg.TrustProxy); err != nil {
		return zonegis.Session{}, err
	}
	now := m.cfg.Now()
	account, addr := "login:"+strings.ToLower(strings.TrimSpace(login)), "addr:"+ClientAddr(r, m.cfg.TrustProxy)
	if wait := max(m.cfg.AccountThrottle.Wait(account, now), m.cfg.AddressThrottle.Wait(addr, now)); wait > 0 {
		return zonegis.Session{}, tooMany(wait)
	}
	userID, err := m.cfg.Accounts.VerifyLogin(ctx, login, password)
	if zonegis.ErrorCode(err) == zonegis.EUNAUTHORIZED || zonegis.ErrorCode(err) == zonegis.EINVALID {
		m.cfg.AccountThrottle.Fail(account, now)
		m.cfg.AddressThrottle.Fail(addr, now)
		m.cfg.Logger.Info("sign-in refused", "addr", ClientAddr(r, m.cfg.TrustProxy))
		return zonegis.Session{}, badLogin
	} else if err != nil {
		return zonegis.Session{}, err
	}
	m.cfg.AccountThrottle.Reset(account)
	return m.Start(ctx, w, r, userID, "password")
}

// Accounts is what sign-in asks of the people registry.
type Accounts interface {
	// VerifyLogin returns the id of the enabled user whose login and
	// password these are. Errors: EUNAUTHORIZED (unknown login, wrong
	// password, disabled user: one answer, about the same time).
	VerifyLogin(ctx context.Context, login, password string) (int64, error)
}
