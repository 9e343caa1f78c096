package oidc_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/oidc"
	"github.com/zonegis/zonegis/internal/oidc/oidctest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// signIn runs the whole flow against the fake provider: the browser
// follows AuthURL, the provider redirects back with a code and the state,
// and the relying party exchanges the code.
func signIn(t *testing.T, fp *oidctest.Provider, mutate func(*oidc.Flow, *url.Values)) (*oidc.Claims, error) {
	t.Helper()
	ctx := context.Background()
	p, err := oidc.Discover(ctx, oidc.Config{Issuer: fp.URL, ClientID: fp.ClientID, ClientSecret: fp.ClientSecret, RedirectURL: "http://zonegis.test/auth/oidc/callback"})
	if err != nil {
		t.Fatal(err)
	}
	f := oidc.NewFlow()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(p.AuthURL(f))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	q := back.Query()
	if q.Get("state") != f.State {
		t.Fatalf("state came back as %q, sent %q", q.Get("state"), f.State)
	}
	if mutate != nil {
		mutate(&f, &q)
	}
	return p.SignIn(ctx, f, q.Get("code"))
}

func TestSignInGood(t *testing.T) {
	fp := oidctest.New(t)
	c, err := signIn(t, fp, nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Issuer != fp.URL || c.Subject != "u-1" || c.Email != "planner@hepza.example" || !c.EmailVerified || c.Name != "Nguyễn Văn A" {
		t.Fatalf("claims %+v", c)
	}
}

// TestSignInRefused: every token or exchange a relying party must refuse
// is refused with EUNAUTHORIZED and a message naming what is wrong.
func TestSignInRefused(t *testing.T) {
	cases := []struct {
		name   string
		tamper func(map[string]any, *oidctest.Signer)
		mutate func(*oidc.Flow, *url.Values)
		want   string
	}{
		{"bad signature", func(_ map[string]any, s *oidctest.Signer) { s.Other = true }, nil, "signature"},
		{"wrong audience", func(c map[string]any, _ *oidctest.Signer) { c["aud"] = "someone-else" }, nil, "aud"},
		{"audiences without azp", func(c map[string]any, _ *oidctest.Signer) { c["aud"] = []string{"zonegis", "other"} }, nil, "azp"},
		{"expired", func(c map[string]any, _ *oidctest.Signer) { c["exp"] = time.Now().Add(-2 * time.Minute).Unix() }, nil, "expired"},
		{"wrong nonce", func(c map[string]any, _ *oidctest.Signer) { c["nonce"] = "replayed" }, nil, "nonce"},
		{"wrong issuer", func(c map[string]any, _ *oidctest.Signer) { c["iss"] = "https://evil.example" }, nil, "issuer"},
		{"issued in the future", func(c map[string]any, _ *oidctest.Signer) { c["iat"] = time.Now().Add(time.Hour).Unix() }, nil, "iat"},
		{"no subject", func(c map[string]any, _ *oidctest.Signer) { delete(c, "sub") }, nil, "subject"},
		{"wrong PKCE verifier", nil, func(f *oidc.Flow, _ *url.Values) { f.Verifier = oidc.NewFlow().Verifier }, "refused the sign-in"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fp := oidctest.New(t)
			fp.Tamper = tc.tamper
			_, err := signIn(t, fp, tc.mutate)
			if zonegis.ErrorCode(err) != zonegis.EUNAUTHORIZED || !strings.Contains(zonegis.ErrorMessage(err), tc.want) {
				t.Fatalf("err %v, want unauthorized naming %q", err, tc.want)
			}
		})
	}
}

// TestVerifyAlgNone: a token whose header says alg none (or HS256, a
// public key used as an HMAC secret) is refused before any key is used.
func TestVerifyAlgNone(t *testing.T) {
	fp := oidctest.New(t)
	p, err := oidc.Discover(context.Background(), oidc.Config{Issuer: fp.URL, ClientID: fp.ClientID, RedirectURL: "http://x/cb"})
	if err != nil {
		t.Fatal(err)
	}
	for _, head := range []string{"eyJhbGciOiJub25lIn0", "eyJhbGciOiJIUzI1NiJ9"} { // {"alg":"none"}, {"alg":"HS256"}
		tok := fp.Sign(map[string]any{"iss": fp.URL, "aud": fp.ClientID, "sub": "x", "nonce": "n", "exp": time.Now().Add(time.Hour).Unix()}, oidctest.Signer{})
		tok = head + tok[strings.Index(tok, "."):]
		if _, err := p.Verify(context.Background(), tok, "n"); !strings.Contains(zonegis.ErrorMessage(err), "accepts RS256") {
			t.Errorf("%s: err %v", head, err)
		}
	}
}

func TestDiscoverIssuerMismatch(t *testing.T) {
	fp := oidctest.New(t)
	_, err := oidc.Discover(context.Background(), oidc.Config{Issuer: fp.URL + "/", ClientID: "zonegis", RedirectURL: "http://x/cb"})
	if zonegis.ErrorCode(err) != zonegis.EINVALID {
		t.Fatalf("err %v, want invalid (issuer mismatch)", err)
	}
}
