package session

import (
	"net"
	"net/http"
	"strings"
)

// CookieName is the session cookie's name.
const CookieName = "zonegis_session"

// Secure says whether the request came over TLS: to this server, or to a
// proxy in front of it that says so in X-Forwarded-Proto, believed only
// when trustProxy (ZONEGIS_TRUST_PROXY) is set, since any client can send
// that header.
func Secure(r *http.Request, trustProxy bool) bool {
	if r.TLS != nil {
		return true
	}
	return trustProxy && strings.EqualFold(strings.TrimSpace(firstOf(r.Header.Get("X-Forwarded-Proto"))), "https")
}

// ClientAddr is the client's address for throttling: the connection's
// peer, or, with trustProxy, the last entry of X-Forwarded-For. A proxy
// appends the address it saw connect after whatever the client sent, so
// with one trusted proxy in front the last entry is the one the client
// cannot forge.
func ClientAddr(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if a := strings.TrimSpace(parts[len(parts)-1]); a != "" {
				return a
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func firstOf(list string) string {
	first, _, _ := strings.Cut(list, ",")
	return first
}

// cookie is the session cookie carrying id: HttpOnly (no script reads
// it), SameSite=Lax (not sent on cross-site subrequests or posts), Path=/
// (every route), Secure when the request came over TLS, and no Max-Age (it
// ends with the browser; the server's idle and absolute timeouts end it
// sooner). An empty id with maxAge -1 deletes it.
func cookie(id string, secure bool) *http.Cookie {
	c := &http.Cookie{Name: CookieName, Value: id, Path: "/", HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode}
	if id == "" {
		c.MaxAge = -1
	}
	return c
}
