package main

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/zonegis/zonegis/internal/oidc"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/session"
)

// sessionsUsage is the help of the web sessions' variables (in usage).
const sessionsUsage = `  ZONEGIS_SESSION_IDLE a web session ends after this long unused (default 30m)
  ZONEGIS_SESSION_MAX  and this long after sign-in however used (default 12h)
  ZONEGIS_TRUST_PROXY  set (true) behind a proxy: believe X-Forwarded-Proto/-For/-Host
  ZONEGIS_OIDC_ISSUER  OpenID provider to sign in through (with _CLIENT_ID, _CLIENT_SECRET,
                      _REDIRECT_URL: this server's /auth/oidc/callback); unset: passwords only
  ZONEGIS_OIDC_LINK_EMAIL  true: a provider's verified email finds a user not linked yet
`

// sessionEnv is the web sessions' configuration from the environment.
type sessionEnv struct {
	idle, max        time.Duration
	trustProxy, link bool
	oidc             oidc.Config
}

func loadSessionEnv(getenv func(string) string) (sessionEnv, error) {
	e := sessionEnv{idle: session.DefaultIdle, max: session.DefaultMax}
	for _, d := range []struct {
		name string
		to   *time.Duration
	}{{"ZONEGIS_SESSION_IDLE", &e.idle}, {"ZONEGIS_SESSION_MAX", &e.max}} {
		if v := getenv(d.name); v != "" {
			t, err := time.ParseDuration(v)
			if err != nil || t < time.Minute || t > 30*24*time.Hour {
				return e, fmt.Errorf("%s: want a duration from 1m to 720h, such as 30m, got %q", d.name, v)
			}
			*d.to = t
		}
	}
	if e.idle > e.max {
		return e, fmt.Errorf("ZONEGIS_SESSION_IDLE (%v) is longer than ZONEGIS_SESSION_MAX (%v)", e.idle, e.max)
	}
	for _, b := range []struct {
		name string
		to   *bool
	}{{"ZONEGIS_TRUST_PROXY", &e.trustProxy}, {"ZONEGIS_OIDC_LINK_EMAIL", &e.link}} {
		if v := getenv(b.name); v != "" {
			t, err := strconv.ParseBool(v)
			if err != nil {
				return e, fmt.Errorf("%s: want true or false, got %q", b.name, v)
			}
			*b.to = t
		}
	}
	e.oidc = oidc.Config{Issuer: getenv("ZONEGIS_OIDC_ISSUER"), ClientID: getenv("ZONEGIS_OIDC_CLIENT_ID"),
		ClientSecret: getenv("ZONEGIS_OIDC_CLIENT_SECRET"), RedirectURL: getenv("ZONEGIS_OIDC_REDIRECT_URL")}
	return e, nil
}

// newSessions makes the web sessions over db, discovering the OpenID
// provider when one is configured (a provider that cannot be discovered
// stops the start: sign-in through it would fail for everyone).
func newSessions(ctx context.Context, db *postgis.DB, e sessionEnv, logger *slog.Logger) (*session.Manager, error) {
	cfg := session.Config{Store: db, Accounts: registry.Accounts{Store: db}, Idle: e.idle, Max: e.max,
		TrustProxy: e.trustProxy, LinkEmail: e.link, Logger: logger}
	if e.oidc.Issuer != "" {
		p, err := oidc.Discover(ctx, e.oidc)
		if err != nil {
			return nil, fmt.Errorf("ZONEGIS_OIDC_ISSUER: %w", err)
		}
		cfg.OIDC = p
		logger.Info("sign-in through OpenID Connect", "issuer", e.oidc.Issuer)
	}
	return session.New(cfg), nil
}
