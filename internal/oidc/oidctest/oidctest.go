// Package oidctest is an OpenID provider for tests: an httptest server
// with its own RSA key, serving discovery, an authorization endpoint that
// signs in whoever the test says at once, a token endpoint that checks the
// client's secret and the PKCE verifier, and the JWKS. Its Tamper hook
// makes the bad tokens a relying party must refuse.
package oidctest

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync"
	"testing"
	"time"
)

// Provider is a running fake provider.
type Provider struct {
	URL          string // the issuer
	ClientID     string
	ClientSecret string
	// Subject, Email and Name are who the next sign-in is.
	Subject, Email, Name string
	// Tamper, when set, changes the claims (and may set Sign false to
	// sign with another key) before the ID token is made.
	Tamper func(claims map[string]any, sign *Signer)

	key   *rsa.PrivateKey
	other *rsa.PrivateKey
	mu    sync.Mutex
	codes map[string]grant
}

// Signer says which key signs a token: the provider's (its JWKS has it)
// or another (a bad signature).
type Signer struct{ Other bool }

type grant struct {
	nonce, challenge, redirect string
}

// New starts a provider for client "zonegis", stopped when t ends.
func New(t testing.TB) *Provider {
	t.Helper()
	p := &Provider{ClientID: "zonegis", ClientSecret: "s3cret", Subject: "u-1", Email: "planner@hepza.example", Name: "Nguyễn Văn A", codes: map[string]grant{}}
	var err error
	if p.key, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	if p.other, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	p.URL = srv.URL
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"issuer": p.URL, "authorization_endpoint": p.URL + "/authorize",
			"token_endpoint": p.URL + "/token", "jwks_uri": p.URL + "/jwks",
			"code_challenge_methods_supported": []string{"S256"}})
	})
	mux.HandleFunc("GET /jwks", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k1", "use": "sig", "alg": "RS256",
			"n": b64(p.key.N.Bytes()), "e": b64(big.NewInt(int64(p.key.E)).Bytes())}}})
	})
	mux.HandleFunc("GET /authorize", p.authorize)
	mux.HandleFunc("POST /token", p.token)
	return p
}

// authorize signs the configured person in at once and redirects back
// with a code, as a provider does after its login page.
func (p *Provider) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != p.ClientID || q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	code := b64(randomBytes())
	p.mu.Lock()
	p.codes[code] = grant{nonce: q.Get("nonce"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri")}
	p.mu.Unlock()
	back, err := url.Parse(q.Get("redirect_uri"))
	if err != nil {
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	v := back.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// token exchanges a code once, checking the client and the verifier.
func (p *Provider) token(w http.ResponseWriter, r *http.Request) {
	id, secret, _ := r.BasicAuth()
	id, _ = url.QueryUnescape(id)
	secret, _ = url.QueryUnescape(secret)
	if id != p.ClientID || secret != p.ClientSecret {
		w.WriteHeader(http.StatusUnauthorized)
		writeJSON(w, map[string]string{"error": "invalid_client"})
		return
	}
	p.mu.Lock()
	g, ok := p.codes[r.FormValue("code")]
	delete(p.codes, r.FormValue("code"))
	p.mu.Unlock()
	sum := sha256.Sum256([]byte(r.FormValue("code_verifier")))
	if !ok || g.challenge != b64(sum[:]) || g.redirect != r.FormValue("redirect_uri") {
		w.WriteHeader(http.StatusBadRequest)
		writeJSON(w, map[string]string{"error": "invalid_grant"})
		return
	}
	now := time.Now()
	claims := map[string]any{"iss": p.URL, "sub": p.Subject, "aud": p.ClientID, "exp": now.Add(5 * time.Minute).Unix(),
		"iat": now.Unix(), "nonce": g.nonce, "email": p.Email, "email_verified": true, "name": p.Name}
	var s Signer
	if p.Tamper != nil {
		p.Tamper(claims, &s)
	}
	writeJSON(w, map[string]any{"access_token": "at", "token_type": "Bearer", "id_token": p.Sign(claims, s)})
}

// Sign makes an RS256 ID token of claims with kid k1.
func (p *Provider) Sign(claims map[string]any, s Signer) string {
	head, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": "k1"})
	body, _ := json.Marshal(claims)
	signing := b64(head) + "." + b64(body)
	sum := sha256.Sum256([]byte(signing))
	key := p.key
	if s.Other {
		key = p.other
	}
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		panic(err)
	}
	return signing + "." + b64(sig)
}

func randomBytes() []byte {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return b
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}
