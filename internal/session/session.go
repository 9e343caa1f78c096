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

	"github.com/zonegis/zonegis/internal/oidc"
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
	// Checks is how many passwords are checked at once (an argon2id hash
	// takes 64 MiB): more sign-ins wait up to checkWait, then 503.
	Checks    = 4
	checkWait = 2 * time.Second
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
	// OIDC is the OpenID provider people may sign in through; nil: none.
	OIDC *oidc.Provider
	// LinkEmail lets a provider's verified email find a user who has no
	// OpenID identity yet, and links them (ZONEGIS_OIDC_LINK_EMAIL).
	LinkEmail bool
	// AfterSignIn is where a sign-in through the provider lands; "" is
	// "/app/", the web map.
	AfterSignIn string
}

// Manager starts, finds and ends sessions.
type Manager struct {
	cfg    Config
	checks chan struct{} // a token per password check running
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
	if cfg.AfterSignIn == "" {
		cfg.AfterSignIn = "/app/"
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
	return &Manager{cfg: cfg, checks: make(chan struct{}, Checks)}
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

// Find returns the live session r's cookie names with its user as a
// caller, and false when r has none or it has ended (a stale cookie reads
// as signed out, and w is told to drop it).
func (m *Manager) Find(ctx context.Context, w http.ResponseWriter, r *http.Request) (zonegis.Session, zonegis.Principal, bool, error) {
	id := presented(r)
	if id == "" {
		if HasCookie(r) {
			http.SetCookie(w, cookie("", Secure(r, m.cfg.TrustProxy)))
		}
		return zonegis.Session{}, zonegis.Principal{}, false, nil
	}
	s, p, err := m.cfg.Store.UseSession(ctx, hashID(id), m.cfg.Now(), m.cfg.Idle)
	if zonegis.ErrorCode(err) == zonegis.EUNAUTHORIZED {
		http.SetCookie(w, cookie("", Secure(r, m.cfg.TrustProxy)))
		return zonegis.Session{}, zonegis.Principal{}, false, nil
	} else if err != nil {
		return zonegis.Session{}, zonegis.Principal{}, false, err
	}
	return s, p, true, nil
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

// Login signs in with login and password: throttled (429 while the
// account or the client's address has had too many failures), the
// password checked by Accounts (one answer, registry.ErrSignIn, and
// about the same time for an unknown login, a wrong password and a
// disabled user), then a new session (Start). Errors: EUNAUTHORIZED,
// ETOOMANY, EFORBIDDEN (the form was posted from another site: login
// CSRF).
func (m *Manager) Login(ctx context.Context, w http.ResponseWriter, r *http.Request, login, password string) (zonegis.Session, zonegis.Principal, error) {
	if err := CheckSameOrigin(r, m.cfg.TrustProxy); err != nil {
		return zonegis.Session{}, zonegis.Principal{}, err
	}
	now := m.cfg.Now()
	account, addr := "login:"+strings.ToLower(strings.TrimSpace(login)), "addr:"+ClientAddr(r, m.cfg.TrustProxy)
	if wait := max(m.cfg.AccountThrottle.Wait(account, now), m.cfg.AddressThrottle.Wait(addr, now)); wait > 0 {
		return zonegis.Session{}, zonegis.Principal{}, tooMany(wait)
	}
	p, err := m.signIn(ctx, login, password)
	if zonegis.ErrorCode(err) == zonegis.EUNAUTHORIZED {
		m.cfg.AccountThrottle.Fail(account, now)
		m.cfg.AddressThrottle.Fail(addr, now)
		m.cfg.Logger.Info("sign-in refused", "addr", ClientAddr(r, m.cfg.TrustProxy))
		return zonegis.Session{}, zonegis.Principal{}, err
	} else if err != nil {
		return zonegis.Session{}, zonegis.Principal{}, err
	}
	m.cfg.AccountThrottle.Reset(account)
	s, err := m.Start(ctx, w, r, p.UserID, "password")
	p.Via = zonegis.ViaSession
	return s, p, err
}

// signIn checks the password with at most Checks checks at once.
// Errors: Accounts.SignIn's, EUNAVAILABLE (too many at once).
func (m *Manager) signIn(ctx context.Context, login, password string) (zonegis.Principal, error) {
	wait := time.NewTimer(checkWait)
	defer wait.Stop()
	select {
	case m.checks <- struct{}{}:
		defer func() { <-m.checks }()
	case <-wait.C:
		return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAVAILABLE, "too many sign-ins at once; try again in a few seconds")
	case <-ctx.Done():
		return zonegis.Principal{}, ctx.Err()
	}
	return m.cfg.Accounts.SignIn(ctx, login, password)
}

// Accounts is what sign-in asks of the people registry
// (registry.Accounts).
type Accounts interface {
	// SignIn returns the user whose login and password these are as a
	// caller. Errors: EUNAUTHORIZED (unknown login, wrong password,
	// disabled user: one answer, about the same time).
	SignIn(ctx context.Context, login, password string) (zonegis.Principal, error)
}

// SignInOIDC finds the user a verified ID token names: by its issuer and
// subject or, with LinkEmail, by its verified email, the identity then
// linked to that user for next time. A person zonegis has no user for is
// refused, not provisioned: an admin creates users and grants their
// boards (zonegis users create). Errors: EUNAUTHORIZED.
func (m *Manager) SignInOIDC(ctx context.Context, c *oidc.Claims) (*zonegis.User, error) {
	refused := zonegis.Errorf(zonegis.EUNAUTHORIZED, "the OpenID provider signed you in, but zonegis has no account for you; ask an administrator to create one")
	u, err := m.cfg.Store.UserByOIDC(ctx, c.Issuer, c.Subject)
	if zonegis.ErrorCode(err) == zonegis.ENOTFOUND {
		if !m.cfg.LinkEmail || c.Email == "" || !c.EmailVerified {
			return nil, refused
		}
		if u, err = m.cfg.Store.UserByEmail(ctx, c.Email); zonegis.ErrorCode(err) == zonegis.ENOTFOUND {
			return nil, refused
		} else if err != nil {
			return nil, err
		}
		if u.OIDCIssuer != "" || u.DisabledAt != nil {
			return nil, refused // linked to another identity already
		}
		if err := m.cfg.Store.LinkOIDC(ctx, u.ID, c.Issuer, c.Subject); err != nil {
			return nil, err
		}
	} else if err != nil {
		return nil, err
	}
	if u.DisabledAt != nil {
		return nil, refused
	}
	return u, nil
}
