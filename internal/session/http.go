package session

import (
	"bytes"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/labstack/echo/v4"
	"github.com/zonegis/zonegis/internal/httpx"
	"github.com/zonegis/zonegis/internal/oidc"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// maxLoginBody bounds a sign-in's body (JSON or form).
const maxLoginBody = 8 << 10

const signedInKey = "zonegis.session"

// signedIn is what Identify found: the session and its user.
type signedIn struct {
	s zonegis.Session
	p zonegis.Principal
}

// Presents says whether r carries a session cookie for the caller chain
// (httpapi's Identifier) to look up. The sign-in route does its own: a
// cookie there is the one sign-in replaces, whatever it is.
func (m *Manager) Presents(r *http.Request) bool {
	return HasCookie(r) && r.URL.Path != "/auth/login"
}

// Identify is the caller a request's session cookie names (Find), with
// the CSRF checks of a write (any method but GET and HEAD: CheckCSRF). A
// cookie of a session that has ended reads as the public, so public reads
// go on and writes get the role table's 401. Errors: EFORBIDDEN (CSRF),
// EUNAVAILABLE.
func (m *Manager) Identify(c echo.Context) (zonegis.Principal, error) {
	r := c.Request()
	s, p, ok, err := m.Find(r.Context(), c.Response(), r)
	if err != nil || !ok {
		return zonegis.Principal{}, err
	}
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		if err := CheckCSRF(r, s.CSRFToken, m.cfg.TrustProxy); err != nil {
			return zonegis.Principal{}, err
		}
	}
	c.Set(signedInKey, signedIn{s, p})
	return p, nil
}

// Me is who a session signs in, as GET /auth/me and POST /auth/login
// answer.
type Me struct {
	Login       string    `json:"login"`
	DisplayName string    `json:"display_name"`
	Roles       []Role    `json:"roles"`
	CSRFToken   string    `json:"csrf_token"`
	Via         string    `json:"via"`
	IdleUntil   time.Time `json:"idle_until"`
	ExpiresAt   time.Time `json:"expires_at"`
}

// Role is a role of the signed-in person: a system role (no board) or a
// grant on one board.
type Role struct {
	Role    string `json:"role"`
	BoardID string `json:"board_id,omitempty"`
}

func meOf(s zonegis.Session, p zonegis.Principal) Me {
	me := Me{Login: p.Login, DisplayName: p.DisplayName, Roles: []Role{}, CSRFToken: s.CSRFToken, Via: s.Via,
		IdleUntil: s.IdleUntil.UTC(), ExpiresAt: s.ExpiresAt.UTC()}
	if p.SystemRole != zonegis.SystemNone {
		me.Roles = append(me.Roles, Role{Role: p.SystemRole})
	}
	for _, b := range slices.Sorted(mapKeys(p.Grants)) {
		me.Roles = append(me.Roles, Role{Role: p.Grants[b], BoardID: b})
	}
	return me
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// answer writes v as a private JSON answer: it holds the CSRF token, so
// no cache keeps it.
func answer(c echo.Context, v any) error {
	c.Response().Header().Set("Cache-Control", "no-store")
	return httpx.WriteJSON(c, http.StatusOK, httpx.MIMEJSON, v)
}

// HandleLogin is POST /auth/login: a login and password as JSON or as a
// form (application/x-www-form-urlencoded) → Login → who is signed in.
func (m *Manager) HandleLogin(c echo.Context) error {
	login, password, err := readLogin(c)
	if err != nil {
		return err
	}
	s, p, err := m.Login(c.Request().Context(), c.Response(), c.Request(), login, password)
	if err != nil {
		return err
	}
	return answer(c, meOf(s, p))
}

// readLogin decodes a sign-in's body. Errors: EINVALID naming the field,
// ETOOLARGE, 415.
func readLogin(c echo.Context) (login, password string, err error) {
	r := c.Request()
	body := http.MaxBytesReader(c.Response(), r.Body, maxLoginBody)
	mt, _, _ := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	switch mt {
	case "application/x-www-form-urlencoded":
		b, err := io.ReadAll(body)
		if err != nil {
			return "", "", httpx.BodyReadError(err, maxLoginBody)
		}
		v, err := url.ParseQuery(string(b))
		if err != nil {
			return "", "", zonegis.Errorf(zonegis.EINVALID, "body: not a form (%v)", err)
		}
		login, password = v.Get("login"), v.Get("password")
	case httpx.MIMEJSON, "":
		b, err := io.ReadAll(body)
		if err != nil {
			return "", "", httpx.BodyReadError(err, maxLoginBody)
		}
		if !utf8.Valid(b) { // json would read a broken sequence as U+FFFD
			return "", "", zonegis.Errorf(zonegis.EINVALID, "body: not valid UTF-8; send the login and password as UTF-8 JSON")
		}
		var in struct {
			Login    *string `json:"login"`
			Password *string `json:"password"`
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&in); err != nil {
			return "", "", zonegis.Errorf(zonegis.EINVALID, "body: want {\"login\": \"...\", \"password\": \"...\"} (%v)", err)
		}
		if in.Login != nil {
			login = *in.Login
		}
		if in.Password != nil {
			password = *in.Password
		}
	default:
		return "", "", httpx.UnsupportedMedia("Content-Type " + zonegis.Quoted(mt) + " is not accepted here; send application/json or a form (application/x-www-form-urlencoded)")
	}
	switch {
	case !utf8.ValidString(login) || strings.ContainsRune(login, 0):
		return "", "", zonegis.Errorf(zonegis.EINVALID, "login: not valid UTF-8 text (NUL or a broken byte sequence)")
	case !utf8.ValidString(password) || strings.ContainsRune(password, 0):
		return "", "", zonegis.Errorf(zonegis.EINVALID, "password: not valid UTF-8 text (NUL or a broken byte sequence)")
	case strings.TrimSpace(login) == "":
		return "", "", zonegis.Errorf(zonegis.EINVALID, "login: required")
	case password == "":
		return "", "", zonegis.Errorf(zonegis.EINVALID, "password: required")
	case len(login) > 200 || len(password) > 1000:
		return "", "", zonegis.Errorf(zonegis.EINVALID, "login or password: too long (login at most 200 bytes, password 1000)")
	}
	return login, password, nil
}

// HandleLogout is POST /auth/logout: the session ends (End); 204.
func (m *Manager) HandleLogout(c echo.Context) error {
	if err := m.End(c.Request().Context(), c.Response(), c.Request()); err != nil {
		return err
	}
	return c.NoContent(http.StatusNoContent)
}

// HandleMe is GET /auth/me: who Identify found, 401 when no one.
func (m *Manager) HandleMe(c echo.Context) error {
	in, ok := c.Get(signedInKey).(signedIn)
	if !ok {
		return zonegis.Errorf(zonegis.EUNAUTHORIZED, "not signed in (POST /auth/login)")
	}
	return answer(c, meOf(in.s, in.p))
}

// The OpenID Connect flow's cookie: the flow's secrets between the start
// and the callback, for 10 minutes, sent only to /auth/oidc/.
const (
	flowCookie = "zonegis_oidc"
	flowPath   = "/auth/oidc/"
	flowMaxAge = 600
)

func (m *Manager) provider() (*oidc.Provider, error) {
	if m.cfg.OIDC == nil {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "sign-in through OpenID Connect is not configured on this server (ZONEGIS_OIDC_ISSUER)")
	}
	return m.cfg.OIDC, nil
}

// HandleOIDCStart is GET /auth/oidc/start: to the provider, with a new
// flow's secrets in the flow cookie.
func (m *Manager) HandleOIDCStart(c echo.Context) error {
	p, err := m.provider()
	if err != nil {
		return err
	}
	f := oidc.NewFlow()
	b, _ := json.Marshal(f)
	http.SetCookie(c.Response(), &http.Cookie{Name: flowCookie, Value: base64.RawURLEncoding.EncodeToString(b), Path: flowPath,
		MaxAge: flowMaxAge, HttpOnly: true, Secure: Secure(c.Request(), m.cfg.TrustProxy), SameSite: http.SameSiteLaxMode})
	c.Response().Header().Set("Cache-Control", "no-store")
	return c.Redirect(http.StatusFound, p.AuthURL(f))
}

// CallbackParams are the query parameters of the OpenID provider's
// redirect back (RFC 6749 §4.1.2).
var CallbackParams = []string{"code", "state", "error", "error_description", "error_uri", "iss", "session_state"}

// HandleOIDCCallback is GET /auth/oidc/callback: the flow cookie's state
// against the query's, the code exchanged and the ID token verified
// (oidc.Provider.SignIn), the user found (SignInOIDC), a session started
// (Start), and the browser sent to the web map.
func (m *Manager) HandleOIDCCallback(c echo.Context) error {
	p, err := m.provider()
	if err != nil {
		return err
	}
	r := c.Request()
	http.SetCookie(c.Response(), &http.Cookie{Name: flowCookie, Path: flowPath, MaxAge: -1, HttpOnly: true,
		Secure: Secure(r, m.cfg.TrustProxy), SameSite: http.SameSiteLaxMode})
	q := r.URL.Query()
	if e := q.Get("error"); e != "" {
		return zonegis.Errorf(zonegis.EUNAUTHORIZED, "the OpenID provider did not sign you in: %s %s", zonegis.Quoted(e), zonegis.Quoted(q.Get("error_description")))
	}
	var f oidc.Flow
	ck, err := r.Cookie(flowCookie)
	if err == nil {
		var b []byte
		if b, err = base64.RawURLEncoding.DecodeString(ck.Value); err == nil {
			err = json.Unmarshal(b, &f)
		}
	}
	if err != nil || f.State == "" {
		return zonegis.Errorf(zonegis.EINVALID, "state: this sign-in was not started here, or took over 10 minutes; start again at /auth/oidc/start")
	}
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(f.State)) != 1 {
		return zonegis.Errorf(zonegis.EINVALID, "state: not the one this sign-in sent; start again at /auth/oidc/start")
	}
	if q.Get("code") == "" {
		return zonegis.Errorf(zonegis.EINVALID, "code: required")
	}
	claims, err := p.SignIn(r.Context(), f, q.Get("code"))
	if err != nil {
		return err
	}
	u, err := m.SignInOIDC(r.Context(), claims)
	if err != nil {
		return err
	}
	if _, err := m.Start(r.Context(), c.Response(), r, u.ID, "oidc"); err != nil {
		return err
	}
	return c.Redirect(http.StatusFound, m.cfg.AfterSignIn)
}
