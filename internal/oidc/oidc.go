// Package oidc signs people in through an OpenID Connect provider: the
// authorization-code flow with PKCE (S256), state and nonce, and the ID
// token verified with the standard library (RS256 signatures against the
// provider's JWKS; iss, aud, azp, exp, iat and nonce). It knows nothing of
// zonegis's users: internal/session finds the user a token names.
//
// The provider is found by discovery
// (<issuer>/.well-known/openid-configuration, OpenID Connect Discovery 1.0
// §4), whose issuer must be the configured one exactly (§4.3).
package oidc

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// Config is a relying party's registration with its provider.
type Config struct {
	Issuer       string // ZONEGIS_OIDC_ISSUER, e.g. https://login.example.vn/realms/hepza
	ClientID     string // ZONEGIS_OIDC_CLIENT_ID
	ClientSecret string // ZONEGIS_OIDC_CLIENT_SECRET
	RedirectURL  string // ZONEGIS_OIDC_REDIRECT_URL: this server's /auth/oidc/callback
	// HTTP is the client for discovery, the token endpoint and the JWKS;
	// nil is a client with a 10 s timeout.
	HTTP *http.Client
	// Now is the clock the token's times are checked against; nil is
	// time.Now.
	Now func() time.Time
}

// Provider is a discovered OpenID provider.
type Provider struct {
	cfg      Config
	authURL  string
	tokenURL string
	jwksURL  string

	mu      sync.Mutex
	keys    map[string]jwk // by kid
	fetched time.Time
}

// maxDocument bounds what is read from the provider (discovery, token,
// JWKS answers).
const maxDocument = 1 << 20

// leeway is the clock skew allowed on exp and iat.
const leeway = time.Minute

// Discover reads the provider's configuration. Errors: EUNAVAILABLE (the
// provider cannot be reached or answers badly), EINVALID (its issuer is
// not the configured one, or an endpoint is missing).
func Discover(ctx context.Context, cfg Config) (*Provider, error) {
	if cfg.HTTP == nil {
		cfg.HTTP = &http.Client{Timeout: 10 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Issuer == "" || cfg.ClientID == "" || cfg.RedirectURL == "" {
		return nil, zonegis.Errorf(zonegis.EINVALID, "ZONEGIS_OIDC_ISSUER, ZONEGIS_OIDC_CLIENT_ID and ZONEGIS_OIDC_REDIRECT_URL are all needed for OpenID Connect")
	}
	var doc struct {
		Issuer string `json:"issuer"`
		Auth   string `json:"authorization_endpoint"`
		Token  string `json:"token_endpoint"`
		JWKS   string `json:"jwks_uri"`
	}
	p := &Provider{cfg: cfg}
	if err := p.getJSON(ctx, strings.TrimSuffix(cfg.Issuer, "/")+"/.well-known/openid-configuration", &doc); err != nil {
		return nil, err
	}
	if doc.Issuer != cfg.Issuer {
		return nil, zonegis.Errorf(zonegis.EINVALID, "OpenID provider: its discovery document names issuer %s, not the configured %s", zonegis.Quoted(doc.Issuer), zonegis.Quoted(cfg.Issuer))
	}
	if doc.Auth == "" || doc.Token == "" || doc.JWKS == "" {
		return nil, zonegis.Errorf(zonegis.EINVALID, "OpenID provider: its discovery document lacks authorization_endpoint, token_endpoint or jwks_uri")
	}
	p.authURL, p.tokenURL, p.jwksURL = doc.Auth, doc.Token, doc.JWKS
	return p, nil
}

// Flow is one sign-in's secrets: state (against forged callbacks), nonce
// (binds the ID token to this sign-in) and the PKCE verifier (binds the
// code to this client). They travel in a short-lived HttpOnly cookie
// between the start and the callback.
type Flow struct {
	State, Nonce, Verifier string
}

// NewFlow draws a flow's secrets from crypto/rand (256 bits each).
func NewFlow() Flow {
	return Flow{State: random(), Nonce: random(), Verifier: random()}
}

func random() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails on Linux
	return base64.RawURLEncoding.EncodeToString(b)
}

// AuthURL is where the browser goes to sign in for f: the provider's
// authorization endpoint with response_type=code, scope openid email
// profile, state, nonce and the S256 code challenge (RFC 7636 §4.2).
func (p *Provider) AuthURL(f Flow) string {
	sum := sha256.Sum256([]byte(f.Verifier))
	q := url.Values{
		"response_type":         {"code"},
		"client_id":             {p.cfg.ClientID},
		"redirect_uri":          {p.cfg.RedirectURL},
		"scope":                 {"openid email profile"},
		"state":                 {f.State},
		"nonce":                 {f.Nonce},
		"code_challenge":        {base64.RawURLEncoding.EncodeToString(sum[:])},
		"code_challenge_method": {"S256"},
	}
	sep := "?"
	if strings.Contains(p.authURL, "?") {
		sep = "&"
	}
	return p.authURL + sep + q.Encode()
}

// Claims are what zonegis reads of a verified ID token.
type Claims struct {
	Issuer        string `json:"iss"`
	Subject       string `json:"sub"`
	Email         string `json:"email"`
	EmailVerified bool   `json:"email_verified"`
	Name          string `json:"name"`
}

// SignIn finishes f: it exchanges code (with f's PKCE verifier and the
// client's secret, HTTP Basic as RFC 6749 §2.3.1 says) for tokens, and
// verifies the ID token (Verify) against f's nonce. Errors: EUNAUTHORIZED
// (the provider refused the code, or the token is not good),
// EUNAVAILABLE (the provider cannot be reached).
func (p *Provider) SignIn(ctx context.Context, f Flow, code string) (*Claims, error) {
	form := url.Values{
		"grant_type":    {"authorization_code"},
		"code":          {code},
		"redirect_uri":  {p.cfg.RedirectURL},
		"code_verifier": {f.Verifier},
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, p.tokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return nil, zonegis.Errorf(zonegis.EUNAVAILABLE, "OpenID provider: token endpoint: %v", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(p.cfg.ClientID), url.QueryEscape(p.cfg.ClientSecret))
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return nil, zonegis.Errorf(zonegis.EUNAVAILABLE, "OpenID provider: token endpoint: %v", err)
	}
	defer resp.Body.Close()
	var tok struct {
		IDToken string `json:"id_token"`
		Error   string `json:"error"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocument)).Decode(&tok); err != nil && resp.StatusCode == http.StatusOK {
		return nil, zonegis.Errorf(zonegis.EUNAVAILABLE, "OpenID provider: token endpoint answered no JSON: %v", err)
	}
	if resp.StatusCode != http.StatusOK || tok.IDToken == "" {
		return nil, zonegis.Errorf(zonegis.EUNAUTHORIZED, "OpenID provider refused the sign-in (%d %s); try again", resp.StatusCode, zonegis.Quoted(tok.Error))
	}
	return p.Verify(ctx, tok.IDToken, f.Nonce)
}

// getJSON GETs u into v. Errors: EUNAVAILABLE.
func (p *Provider) getJSON(ctx context.Context, u string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return zonegis.Errorf(zonegis.EUNAVAILABLE, "OpenID provider: %v", err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := p.cfg.HTTP.Do(req)
	if err != nil {
		return zonegis.Errorf(zonegis.EUNAVAILABLE, "OpenID provider: %v", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return zonegis.Errorf(zonegis.EUNAVAILABLE, "OpenID provider: GET %s: %s", u, resp.Status)
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxDocument)).Decode(v); err != nil {
		return zonegis.Errorf(zonegis.EUNAVAILABLE, "OpenID provider: GET %s: %v", u, err)
	}
	return nil
}

func errToken(format string, args ...any) error {
	return zonegis.Errorf(zonegis.EUNAUTHORIZED, "OpenID sign-in refused: "+format, args...)
}
