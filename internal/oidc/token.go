package oidc

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"math/big"
	"strings"
	"time"
)

// jwk is an RSA public key of the provider's JWKS (RFC 7517).
type jwk struct {
	Kty string `json:"kty"`
	Kid string `json:"kid"`
	Use string `json:"use"`
	Alg string `json:"alg"`
	N   string `json:"n"`
	E   string `json:"e"`
}

func (k jwk) public() (*rsa.PublicKey, bool) {
	n, err1 := base64.RawURLEncoding.DecodeString(k.N)
	e, err2 := base64.RawURLEncoding.DecodeString(k.E)
	if err1 != nil || err2 != nil || len(e) == 0 || len(e) > 4 || len(n) < 256 {
		return nil, false // RSA keys under 2048 bits are refused
	}
	return &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}, true
}

// refetchEvery bounds how often an unknown kid makes the JWKS be fetched
// again (a provider rotating keys), so forged kids cost the provider
// nothing.
const refetchEvery = time.Minute

// key returns the provider's RSA key kid, fetching the JWKS when it is
// not known yet.
func (p *Provider) key(ctx context.Context, kid string) (*rsa.PublicKey, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	k, ok := p.keys[kid]
	if !ok && p.cfg.Now().Sub(p.fetched) >= refetchEvery {
		var set struct {
			Keys []jwk `json:"keys"`
		}
		if err := p.getJSON(ctx, p.jwksURL, &set); err != nil {
			return nil, err
		}
		p.keys, p.fetched = map[string]jwk{}, p.cfg.Now()
		for _, k := range set.Keys {
			if k.Kty == "RSA" && (k.Use == "" || k.Use == "sig") && (k.Alg == "" || k.Alg == "RS256") {
				p.keys[k.Kid] = k
			}
		}
		k, ok = p.keys[kid]
	}
	if !ok {
		return nil, errToken("the ID token's key (kid %q) is not among the provider's RS256 keys", kid)
	}
	pub, ok := k.public()
	if !ok {
		return nil, errToken("the provider's key %q is not a usable RSA key", kid)
	}
	return pub, nil
}

// Verify checks a compact-serialised ID token (OpenID Connect Core 1.0
// §3.1.3.7): an RS256 signature by a key of the provider's JWKS, iss the
// configured issuer, aud containing the client id (and azp the client when
// there are several), exp in the future and iat not in it (a minute's
// leeway each), nonce the flow's, and a subject. Errors: EUNAUTHORIZED,
// EUNAVAILABLE (the JWKS cannot be fetched).
func (p *Provider) Verify(ctx context.Context, raw, nonce string) (*Claims, error) {
	parts := strings.Split(raw, ".")
	if len(parts) != 3 {
		return nil, errToken("the ID token is not a signed JWT")
	}
	var head struct {
		Alg string `json:"alg"`
		Kid string `json:"kid"`
	}
	if err := decodePart(parts[0], &head); err != nil {
		return nil, errToken("the ID token's header: %v", err)
	}
	if head.Alg != "RS256" {
		return nil, errToken("the ID token is signed with %q; zonegis accepts RS256", head.Alg)
	}
	pub, err := p.key(ctx, head.Kid)
	if err != nil {
		return nil, err
	}
	sig, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return nil, errToken("the ID token's signature is not base64url")
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return nil, errToken("the ID token's signature does not verify")
	}
	var c struct {
		Claims
		Aud   audience `json:"aud"`
		Azp   string   `json:"azp"`
		Exp   float64  `json:"exp"`
		Iat   float64  `json:"iat"`
		Nonce string   `json:"nonce"`
	}
	if err := decodePart(parts[1], &c); err != nil {
		return nil, errToken("the ID token's claims: %v", err)
	}
	now := p.cfg.Now()
	switch {
	case c.Issuer != p.cfg.Issuer:
		return nil, errToken("the ID token's issuer %q is not %q", c.Issuer, p.cfg.Issuer)
	case !c.Aud.has(p.cfg.ClientID):
		return nil, errToken("the ID token is not for this client (aud)")
	case len(c.Aud) > 1 && c.Azp != p.cfg.ClientID:
		return nil, errToken("the ID token was issued to another party (azp)")
	case c.Exp == 0 || now.After(time.Unix(int64(c.Exp), 0).Add(leeway)):
		return nil, errToken("the ID token has expired")
	case c.Iat != 0 && time.Unix(int64(c.Iat), 0).After(now.Add(leeway)):
		return nil, errToken("the ID token was issued in the future (iat)")
	case nonce == "" || c.Nonce != nonce:
		return nil, errToken("the ID token is not for this sign-in (nonce)")
	case c.Subject == "":
		return nil, errToken("the ID token names no subject")
	}
	return &c.Claims, nil
}

func decodePart(s string, v any) error {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, v)
}

// audience is aud: one string or an array of them.
type audience []string

func (a *audience) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*a = audience{one}
		return nil
	}
	var many []string
	err := json.Unmarshal(b, &many)
	*a = many
	return err
}

func (a audience) has(id string) bool {
	for _, s := range a {
		if s == id {
			return true
		}
	}
	return false
}
