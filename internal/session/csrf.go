package session

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// CSRFHeader is the header a cookie-authenticated write carries its
// session's CSRF token in (GET /auth/me and POST /auth/login return it).
const CSRFHeader = "X-CSRF-Token"

// CheckSameOrigin refuses a request a browser sent on behalf of another
// site: Sec-Fetch-Site (sent by every current browser) other than
// same-origin or none (the user's own navigation), or an Origin whose host
// is not the host the request was sent to. A request with neither header
// (curl, a script) passes: it is not a browser acting for someone else's
// page, and the CSRF token still has to be right. Only the host is
// compared, not the scheme, so a proxy terminating TLS without
// ZONEGIS_TRUST_PROXY does not make every write look cross-site.
// Errors: EFORBIDDEN.
func CheckSameOrigin(r *http.Request, trustProxy bool) error {
	if s := r.Header.Get("Sec-Fetch-Site"); s != "" && s != "same-origin" && s != "none" {
		return zonegis.Errorf(zonegis.EFORBIDDEN, "Sec-Fetch-Site: %s; a signed-in write must come from this site's own pages", zonegis.Quoted(s))
	}
	o := r.Header.Get("Origin")
	if o == "" {
		return nil
	}
	u, err := url.Parse(o)
	host := r.Host
	if fh := r.Header.Get("X-Forwarded-Host"); trustProxy && fh != "" {
		host = strings.TrimSpace(firstOf(fh))
	}
	if err != nil || u.Host == "" || !strings.EqualFold(u.Host, host) {
		return zonegis.Errorf(zonegis.EFORBIDDEN, "Origin: %s is not this site (%s); a signed-in write must come from this site's own pages", zonegis.Quoted(o), zonegis.Quoted(host))
	}
	return nil
}

// CheckCSRF checks a cookie-authenticated write: its origin
// (CheckSameOrigin) and its X-CSRF-Token against the session's token, in
// constant time. Errors: EFORBIDDEN.
func CheckCSRF(r *http.Request, token string, trustProxy bool) error {
	if err := CheckSameOrigin(r, trustProxy); err != nil {
		return err
	}
	got := r.Header.Get(CSRFHeader)
	if got == "" {
		return zonegis.Errorf(zonegis.EFORBIDDEN, "%s: missing; a write signed in by cookie sends the csrf_token of GET /auth/me in this header", CSRFHeader)
	}
	if token == "" || subtle.ConstantTimeCompare([]byte(got), []byte(token)) != 1 {
		return zonegis.Errorf(zonegis.EFORBIDDEN, "%s: not this session's token (GET /auth/me gives it)", CSRFHeader)
	}
	return nil
}
