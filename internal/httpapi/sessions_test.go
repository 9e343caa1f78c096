package httpapi_test

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/httpapi"
	"github.com/zonegis/zonegis/internal/index"
	"github.com/zonegis/zonegis/internal/oidc"
	"github.com/zonegis/zonegis/internal/oidc/oidctest"
	"github.com/zonegis/zonegis/internal/postgis"
	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/session"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// clock is a settable clock for the session manager's timeouts.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// sessionEnv is a fresh database with two boards (hepza, haiphong), a
// zone of hepza, a planner of hepza (login "lan", password "mật khẩu
// đúng 1") and the API with web sessions over a settable clock, idle 30
// min, absolute 2 h.
type sessionEnv struct {
	db     *postgis.DB
	url    string
	clock  *clock
	zoneID int64
	userID int64
	mgr    *session.Manager
}

const (
	planLogin    = "lan"
	planPassword = "mật khẩu đúng 1"
)

func newSessionEnv(t *testing.T, cfg session.Config, tlsServer bool) *sessionEnv {
	t.Helper()
	ctx := context.Background()
	db := postgistest.Open(t)
	for _, b := range []*zonegis.Board{
		{ID: "hepza", NameVI: "Ban Quản lý các Khu chế xuất và công nghiệp TP.HCM", NameEN: "HEPZA", Province: "Thành phố Hồ Chí Minh"},
		{ID: "haiphong", NameVI: "Ban Quản lý Khu kinh tế Hải Phòng", NameEN: "Hai Phong EZ Authority", Province: "Thành phố Hải Phòng"},
	} {
		if err := db.CreateBoard(ctx, zonegis.System, b); err != nil {
			t.Fatal(err)
		}
	}
	z := &zonegis.Zone{Code: "KCX-S", NameVI: "Khu chế xuất Phiên", NameEN: "Session EPZ", Kind: zonegis.KindExportProcessingZone,
		BoardID: "hepza", Province: "Thành phố Hồ Chí Minh", Status: zonegis.ZoneOperating, Model: zonegis.ModelConventional,
		Source: "manual", Boundary: rectMP(zx0, zy0, zx1, zy1)}
	if _, err := db.CreateZone(ctx, zonegis.System, z); err != nil {
		t.Fatal(err)
	}
	e := &sessionEnv{db: db, zoneID: z.ID, clock: &clock{now: time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)}}
	e.userID = e.user(t, planLogin, planPassword, "lan@hepza.example")
	if err := db.GrantRole(ctx, zonegis.System, e.userID, "hepza", zonegis.BoardPlanner); err != nil {
		t.Fatal(err)
	}
	cfg.Store, cfg.Accounts, cfg.Now = db, registry.Accounts{Store: db, Params: registry.TestPasswordParams}, e.clock.Now
	if cfg.Idle == 0 {
		cfg.Idle, cfg.Max = 30*time.Minute, 2*time.Hour
	}
	e.mgr = session.New(cfg)
	logger := slog.New(slog.DiscardHandler)
	api := httpapi.New(httpapi.Options{Index: index.New(), Store: db, Logger: logger, Sessions: e.mgr})
	var srv *httptest.Server
	if tlsServer {
		srv = httptest.NewTLSServer(api)
	} else {
		srv = httptest.NewServer(api)
	}
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// user makes a user with a password (cheap test parameters).
func (e *sessionEnv) user(t *testing.T, login, password, email string) int64 {
	t.Helper()
	u := &zonegis.User{Login: login, DisplayName: "Trần Thị " + login, Email: email,
		PasswordHash: registry.HashPassword(password, registry.TestPasswordParams)}
	if err := e.db.CreateUser(context.Background(), zonegis.System, u); err != nil {
		t.Fatal(err)
	}
	return u.ID
}

// call sends a request (a TLS server's certificate trusted) without
// following redirects; body as JSON unless a string.
func (e *sessionEnv) call(t *testing.T, method, path string, body any, hdr ...string) (response, []*http.Cookie) {
	t.Helper()
	var r io.Reader
	ct := "application/json"
	switch b := body.(type) {
	case nil:
	case url.Values:
		r, ct = strings.NewReader(b.Encode()), "application/x-www-form-urlencoded"
	case []byte:
		r = strings.NewReader(string(b))
	default:
		j, _ := json.Marshal(b)
		r = strings.NewReader(string(j))
	}
	u := path
	if !strings.HasPrefix(path, "http") {
		u = e.url + path
	}
	req, err := http.NewRequest(method, u, r)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", ct)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Add(hdr[i], hdr[i+1])
	}
	client := &http.Client{Timeout: 10 * time.Second,
		Transport:     &http.Transport{TLSClientConfig: &tls.Config{InsecureSkipVerify: true}}, //nolint:gosec // httptest's own certificate
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return response{resp.StatusCode, resp.Header, b}, resp.Cookies()
}

// signIn signs in and returns the session cookie's header value and the
// answer.
func (e *sessionEnv) signIn(t *testing.T, login, password string, hdr ...string) (string, session.Me) {
	t.Helper()
	r, cookies := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": login, "password": password}, hdr...)
	want(t, r, http.StatusOK, "sign in as "+login)
	var me session.Me
	if err := json.Unmarshal(r.body, &me); err != nil {
		t.Fatal(err)
	}
	for _, c := range cookies {
		if c.Name == session.CookieName && c.Value != "" {
			return c.Name + "=" + c.Value, me
		}
	}
	t.Fatalf("sign-in set no session cookie: %v", r.header["Set-Cookie"])
	return "", me
}

// me is GET /auth/me with cookie: its status and login.
func (e *sessionEnv) me(t *testing.T, cookie string) (int, session.Me) {
	t.Helper()
	r, _ := e.call(t, http.MethodGet, "/auth/me", nil, "Cookie", cookie)
	var me session.Me
	if r.status == http.StatusOK {
		if err := json.Unmarshal(r.body, &me); err != nil {
			t.Fatal(err)
		}
	}
	return r.status, me
}

// rename is a cookie-authenticated write: PATCH the zone's English name.
func (e *sessionEnv) rename(t *testing.T, cookie, name string, hdr ...string) response {
	t.Helper()
	r, _ := e.call(t, http.MethodPatch, "/collections/zones/items/"+strconv.FormatInt(e.zoneID, 10),
		map[string]any{"type": "Feature", "properties": map[string]any{"name_en": name}}, append([]string{"Cookie", cookie}, hdr...)...)
	return r
}

func (e *sessionEnv) zoneName(t *testing.T) string {
	t.Helper()
	var n string
	if err := e.db.Pool().QueryRow(context.Background(), `SELECT name_en FROM zones WHERE id = $1`, e.zoneID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func problemOf(t *testing.T, r response) problem {
	t.Helper()
	var p problem
	if err := json.Unmarshal(r.body, &p); err != nil || !strings.HasPrefix(r.contentType(), "application/problem+json") {
		t.Fatalf("not a problem (%s): %v %.300s", r.contentType(), err, r.body)
	}
	return p
}

// TestSessionCookieAttributes: the session cookie is HttpOnly,
// SameSite=Lax, Path=/, and Secure exactly when the request came over TLS
// or through a trusted proxy that says https; the answer names the user,
// their roles and the CSRF token, and is not cached. A form sign-in works
// as JSON does.
func TestSessionCookieAttributes(t *testing.T) {
	cases := []struct {
		name       string
		tls, trust bool
		hdr        []string
		secure     bool
	}{
		{"plain", false, false, nil, false},
		{"plain, untrusted X-Forwarded-Proto", false, false, []string{"X-Forwarded-Proto", "https"}, false},
		{"trusted proxy says https", false, true, []string{"X-Forwarded-Proto", "https"}, true},
		{"trusted proxy says http", false, true, []string{"X-Forwarded-Proto", "http"}, false},
		{"TLS", true, false, nil, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newSessionEnv(t, session.Config{TrustProxy: tc.trust}, tc.tls)
			r, cookies := e.call(t, http.MethodPost, "/auth/login", url.Values{"login": {planLogin}, "password": {planPassword}}, tc.hdr...)
			want(t, r, http.StatusOK, "form sign-in")
			var c *http.Cookie
			for _, ck := range cookies {
				if ck.Name == session.CookieName {
					c = ck
				}
			}
			if c == nil || len(c.Value) != 43 {
				t.Fatalf("Set-Cookie %q", r.header["Set-Cookie"])
			}
			raw := r.header.Get("Set-Cookie")
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != tc.secure || c.MaxAge != 0 {
				t.Errorf("Set-Cookie %q: want HttpOnly, SameSite=Lax, Path=/, Secure %v, no Max-Age", raw, tc.secure)
			}
			if cc := r.header.Get("Cache-Control"); cc != "no-store" {
				t.Errorf("Cache-Control %q", cc)
			}
			var me session.Me
			if err := json.Unmarshal(r.body, &me); err != nil {
				t.Fatal(err)
			}
			if me.Login != planLogin || me.DisplayName != "Trần Thị lan" || len(me.CSRFToken) != 43 || me.Via != "password" ||
				len(me.Roles) != 1 || me.Roles[0] != (session.Role{Role: "planner", BoardID: "hepza"}) {
				t.Errorf("answer %+v", me)
			}
			var n int
			if err := e.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE id_hash = sha256(convert_to($1, 'UTF8'))`, c.Value).Scan(&n); err != nil || n != 1 {
				t.Errorf("the stored session is not the SHA-256 of the cookie's id: %d rows (%v)", n, err)
			}
		})
	}
}

// TestSessionFixation: a sign-in never keeps a session id the browser
// brought (a planted cookie, even one of a live session): it is ended and
// a new id is set.
func TestSessionFixation(t *testing.T) {
	e := newSessionEnv(t, session.Config{}, false)
	e.user(t, "mallory", "mallory's password", "")
	planted, _ := e.signIn(t, "mallory", "mallory's password")
	r, cookies := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": planLogin, "password": planPassword}, "Cookie", planted)
	want(t, r, http.StatusOK, "sign in with a planted cookie")
	var fresh string
	for _, c := range cookies {
		if c.Name == session.CookieName {
			fresh = c.Name + "=" + c.Value
		}
	}
	if fresh == "" || fresh == planted {
		t.Fatalf("the sign-in kept the planted session id (%q)", fresh)
	}
	if status, me := e.me(t, fresh); status != http.StatusOK || me.Login != planLogin {
		t.Fatalf("the new cookie: %d %+v", status, me)
	}
	if status, _ := e.me(t, planted); status != http.StatusUnauthorized {
		t.Fatalf("the planted session still signs in: %d", status)
	}
	// A made-up id is never taken either.
	madeUp := session.CookieName + "=" + strings.Repeat("A", 43)
	if status, _ := e.me(t, madeUp); status != http.StatusUnauthorized {
		t.Fatalf("a made-up session id: %d", status)
	}
}

// TestSessionCSRF: a cookie-authenticated write needs the session's token
// in X-CSRF-Token and must not come from another site; a key in
// Authorization needs neither. Refused writes change nothing.
func TestSessionCSRF(t *testing.T) {
	e := newSessionEnv(t, session.Config{}, false)
	cookie, me := e.signIn(t, planLogin, planPassword)
	host := strings.TrimPrefix(e.url, "http://")
	refused := []struct {
		name string
		hdr  []string
		want string
	}{
		{"no token", nil, "X-CSRF-Token: missing"},
		{"wrong token", []string{"X-CSRF-Token", strings.Repeat("x", 43)}, "not this session's token"},
		{"another session's token", []string{"X-CSRF-Token", "other"}, "not this session's token"},
		{"cross-site Origin", []string{"X-CSRF-Token", me.CSRFToken, "Origin", "https://evil.example"}, "Origin"},
		{"cross-site fetch", []string{"X-CSRF-Token", me.CSRFToken, "Sec-Fetch-Site", "cross-site"}, "Sec-Fetch-Site"},
		{"same-site, other origin", []string{"X-CSRF-Token", me.CSRFToken, "Sec-Fetch-Site", "same-site"}, "Sec-Fetch-Site"},
	}
	for _, tc := range refused {
		r := e.rename(t, cookie, "Refused "+tc.name, tc.hdr...)
		if p := problemOf(t, r); r.status != http.StatusForbidden || !strings.Contains(p.Detail, tc.want) {
			t.Errorf("%s: %d %q; want 403 naming %q", tc.name, r.status, p.Detail, tc.want)
		}
	}
	if n := e.zoneName(t); n != "Session EPZ" {
		t.Fatalf("a refused write changed the zone: %q", n)
	}
	r := e.rename(t, cookie, "Renamed by session", "X-CSRF-Token", me.CSRFToken, "Origin", "http://"+host, "Sec-Fetch-Site", "same-origin")
	want(t, r, http.StatusOK, "a same-origin write with the token")
	if n := e.zoneName(t); n != "Renamed by session" {
		t.Fatalf("zone name %q after the write", n)
	}
	// The audit trail names the person.
	var login string
	if err := e.db.Pool().QueryRow(context.Background(), `SELECT u.login FROM audit_log a JOIN users u ON u.id = a.user_id ORDER BY a.id DESC LIMIT 1`).Scan(&login); err != nil || login != planLogin {
		t.Errorf("the audit entry names %q (%v)", login, err)
	}
	// A key's write needs no token, even with a session cookie beside it.
	key, _, err := e.db.CreateKey(context.Background(), "script", zonegis.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	r = e.rename(t, cookie, "Renamed by key", "Authorization", "Bearer "+key)
	want(t, r, http.StatusOK, "a key's write beside a cookie, no token")
	// A read with the cookie needs no token.
	if status, _ := e.me(t, cookie); status != http.StatusOK {
		t.Fatalf("GET /auth/me: %d", status)
	}
	// Login CSRF: a sign-in form posted from another site is refused.
	r, _ = e.call(t, http.MethodPost, "/auth/login", url.Values{"login": {planLogin}, "password": {planPassword}}, "Origin", "https://evil.example")
	if r.status != http.StatusForbidden {
		t.Errorf("a cross-site sign-in: %d", r.status)
	}
}

// TestSessionThrottle: failed sign-ins are throttled per account (5 per
// window, then 429 with Retry-After even for the right password) and per
// client address (30 per window, whatever the logins); the answer to a
// wrong password is the answer to an unknown login.
func TestSessionThrottle(t *testing.T) {
	e := newSessionEnv(t, session.Config{TrustProxy: true}, false)
	from := func(addr string) []string { return []string{"X-Forwarded-For", addr} }
	wrong, _ := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": planLogin, "password": "sai"}, from("203.0.113.1")...)
	unknown, _ := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": "nobody", "password": "sai"}, from("203.0.113.1")...)
	if wrong.status != http.StatusUnauthorized || unknown.status != http.StatusUnauthorized || string(wrong.body) != string(unknown.body) {
		t.Fatalf("wrong password %d %s; unknown login %d %s: want the same 401", wrong.status, wrong.body, unknown.status, unknown.body)
	}
	for i := 0; i < session.AccountFailures-1; i++ { // one failure of lan's already counted
		r, _ := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": planLogin, "password": "sai"}, from(fmt.Sprint("198.51.100.", i))...)
		want(t, r, http.StatusUnauthorized, "wrong password")
	}
	r, _ := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": planLogin, "password": planPassword}, from("192.0.2.99")...)
	if p := problemOf(t, r); r.status != http.StatusTooManyRequests || p.Code != zonegis.ETOOMANY {
		t.Fatalf("the account after %d failures: %d %+v", session.AccountFailures, r.status, p)
	}
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > int(session.FailureWindow/time.Second) {
		t.Fatalf("Retry-After %q", r.header.Get("Retry-After"))
	}
	e.clock.advance(session.FailureWindow)
	e.signIn(t, planLogin, planPassword, from("192.0.2.99")...)

	// Per address: failures with many logins from one address.
	for i := 0; i < session.AddressFailures; i++ {
		r, _ := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": fmt.Sprint("guess", i), "password": "x"}, from("203.0.113.7")...)
		want(t, r, http.StatusUnauthorized, "a guessed login")
	}
	r, _ = e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": planLogin, "password": planPassword}, from("203.0.113.7")...)
	if r.status != http.StatusTooManyRequests || r.header.Get("Retry-After") == "" {
		t.Fatalf("the address after %d failures: %d %s", session.AddressFailures, r.status, r.body)
	}
	e.signIn(t, planLogin, planPassword, from("203.0.113.8")...) // another address is not held back
}

// TestSessionTimeouts: a session ends after the idle timeout without use
// (each use slides it) and at the absolute timeout however used.
func TestSessionTimeouts(t *testing.T) {
	e := newSessionEnv(t, session.Config{}, false)
	cookie, _ := e.signIn(t, planLogin, planPassword)
	for i := 0; i < 4; i++ { // used every 25 min: 100 min, past the 30 min idle timeout in total
		e.clock.advance(25 * time.Minute)
		if status, _ := e.me(t, cookie); status != http.StatusOK {
			t.Fatalf("used after %d min: %d", 25*(i+1), status)
		}
	}

	cookie, me := e.signIn(t, planLogin, planPassword)
	e.clock.advance(20 * time.Minute)
	if status, _ := e.me(t, cookie); status != http.StatusOK {
		t.Fatal("20 min idle")
	}
	e.clock.advance(31 * time.Minute)
	if status, _ := e.me(t, cookie); status != http.StatusUnauthorized {
		t.Fatalf("31 min idle: %d", status)
	}
	r := e.rename(t, cookie, "After idle", "X-CSRF-Token", me.CSRFToken)
	if r.status != http.StatusUnauthorized {
		t.Fatalf("a write with an idle session: %d", r.status)
	}

	// The absolute end holds with steady use up to it.
	cookie, _ = e.signIn(t, planLogin, planPassword)
	for i := 0; i < 7; i++ {
		e.clock.advance(15 * time.Minute)
		if status, _ := e.me(t, cookie); status != http.StatusOK {
			t.Fatalf("used every 15 min, at %d min: %d", 15*(i+1), status)
		}
	}
	e.clock.advance(15*time.Minute - time.Second)
	if status, _ := e.me(t, cookie); status != http.StatusOK {
		t.Fatal("a second before 2 h")
	}
	e.clock.advance(2 * time.Second) // 2 h and a second: no use keeps it
	if status, _ := e.me(t, cookie); status != http.StatusUnauthorized {
		t.Fatalf("past 2 h with steady use: %d", status)
	}
	// Ended sessions are swept at the next sign-in.
	e.signIn(t, planLogin, planPassword)
	var n int
	if err := e.db.Pool().QueryRow(context.Background(), `SELECT count(*) FROM sessions WHERE least(idle_until, expires_at) < $1`, e.clock.Now()).Scan(&n); err != nil || n != 0 {
		t.Errorf("%d ended sessions left after a sign-in swept (%v)", n, err)
	}
}

// TestSessionSignOutAndDisable: sign-out ends the session server-side (a
// copy of the cookie no longer works), and disabling a user ends their
// sessions at once.
func TestSessionSignOutAndDisable(t *testing.T) {
	e := newSessionEnv(t, session.Config{}, false)
	cookie, me := e.signIn(t, planLogin, planPassword)
	r, _ := e.call(t, http.MethodPost, "/auth/logout", nil, "Cookie", cookie)
	if r.status != http.StatusForbidden {
		t.Fatalf("sign-out without the CSRF token: %d", r.status)
	}
	r, cookies := e.call(t, http.MethodPost, "/auth/logout", nil, "Cookie", cookie, "X-CSRF-Token", me.CSRFToken)
	want(t, r, http.StatusNoContent, "sign out")
	if len(cookies) != 1 || cookies[0].MaxAge >= 0 || cookies[0].Value != "" {
		t.Errorf("sign-out's Set-Cookie %q: want it deleted", r.header["Set-Cookie"])
	}
	if status, _ := e.me(t, cookie); status != http.StatusUnauthorized {
		t.Fatalf("the signed-out cookie: %d", status)
	}
	if r := e.rename(t, cookie, "After sign-out", "X-CSRF-Token", me.CSRFToken); r.status != http.StatusUnauthorized {
		t.Fatalf("a write with the signed-out cookie: %d", r.status)
	}

	cookie, me = e.signIn(t, planLogin, planPassword)
	if err := e.db.DisableUser(context.Background(), zonegis.System, e.userID); err != nil {
		t.Fatal(err)
	}
	if status, _ := e.me(t, cookie); status != http.StatusUnauthorized {
		t.Fatalf("a disabled user's session: %d", status)
	}
	if r := e.rename(t, cookie, "Disabled", "X-CSRF-Token", me.CSRFToken); r.status != http.StatusUnauthorized {
		t.Fatalf("a disabled user's write: %d", r.status)
	}
	if r, _ := e.call(t, http.MethodPost, "/auth/login", map[string]string{"login": planLogin, "password": planPassword}); r.status != http.StatusUnauthorized {
		t.Fatalf("a disabled user signs in: %d", r.status)
	}
	if n := e.zoneName(t); n != "Session EPZ" {
		t.Fatalf("zone renamed to %q", n)
	}
}

// TestSessionBadInput: a sign-in body that is not one names what is
// wrong, 4xx.
func TestSessionBadInput(t *testing.T) {
	e := newSessionEnv(t, session.Config{}, false)
	for _, tc := range []struct {
		body   any
		status int
		detail string
	}{
		{map[string]string{"password": "x"}, 400, "login: required"},
		{map[string]string{"login": "lan"}, 400, "password: required"},
		{map[string]any{"login": "lan", "password": "x", "remember": true}, 400, "remember"},
		{map[string]string{"login": "lan", "password": strings.Repeat("p", 9000)}, 413, "larger than"},
		{[]byte(`{"login": "l\u0000an", "password": "x"}`), 400, "login: not valid UTF-8"},
		{[]byte("{\"login\": \"lan\", \"password\": \"caf\xc3\"}"), 400, "body: not valid UTF-8"},
	} {
		r, _ := e.call(t, http.MethodPost, "/auth/login", tc.body)
		if p := problemOf(t, r); r.status != tc.status || !strings.Contains(p.Detail, tc.detail) {
			t.Errorf("%v: %d %q; want %d naming %q", tc.body, r.status, p.Detail, tc.status, tc.detail)
		}
	}
	r, _ := e.call(t, http.MethodPost, "/auth/login", nil, "Content-Type", "text/plain")
	if r.status != http.StatusUnsupportedMediaType {
		t.Errorf("text/plain: %d", r.status)
	}
}

// TestSessionOIDC signs in through the in-process provider: a user found
// by issuer and subject, one linked by verified email (only with
// LinkEmail), an unknown person refused, and the callback refusing a bad
// signature, a wrong audience, an expired token, a wrong nonce and a
// forged state.
func TestSessionOIDC(t *testing.T) {
	fp := oidctest.New(t)
	run := func(t *testing.T, link bool) (*sessionEnv, func(mutate func(*url.URL)) (response, string)) {
		// The callback is called here, not through the redirect, so its
		// registered URL need not be the test server's.
		p, err := oidc.Discover(context.Background(), oidc.Config{Issuer: fp.URL, ClientID: fp.ClientID, ClientSecret: fp.ClientSecret,
			RedirectURL: "http://zonegis.test/auth/oidc/callback"})
		if err != nil {
			t.Fatal(err)
		}
		e := newSessionEnv(t, session.Config{OIDC: p, LinkEmail: link}, false)
		flow := func(mutate func(*url.URL)) (response, string) {
			start, cookies := e.call(t, http.MethodGet, "/auth/oidc/start", nil)
			want(t, start, http.StatusFound, "start")
			var flowCookie string
			for _, c := range cookies {
				if c.Name == "zonegis_oidc" {
					flowCookie = c.Name + "=" + c.Value
					if !c.HttpOnly || c.Path != "/auth/oidc/" || c.MaxAge != 600 {
						t.Errorf("flow cookie %q", start.header["Set-Cookie"])
					}
				}
			}
			at, _ := e.call(t, http.MethodGet, start.header.Get("Location"), nil)
			want(t, at, http.StatusFound, "the provider's authorize")
			back, _ := url.Parse(at.header.Get("Location"))
			if mutate != nil {
				mutate(back)
			}
			cb, cookies := e.call(t, http.MethodGet, "/auth/oidc/callback?"+back.RawQuery, nil, "Cookie", flowCookie)
			for _, c := range cookies {
				if c.Name == session.CookieName && c.Value != "" {
					return cb, c.Name + "=" + c.Value
				}
			}
			return cb, ""
		}
		return e, flow
	}

	t.Run("by subject", func(t *testing.T) {
		e, flow := run(t, false)
		if err := e.db.LinkOIDC(context.Background(), e.userID, fp.URL, "sub-lan"); err != nil {
			t.Fatal(err)
		}
		fp.Subject, fp.Tamper = "sub-lan", nil
		cb, cookie := flow(nil)
		if cb.status != http.StatusFound || cb.header.Get("Location") != "/app/" || cookie == "" {
			t.Fatalf("callback: %d %q %s", cb.status, cb.header.Get("Location"), cb.body)
		}
		if status, me := e.me(t, cookie); status != http.StatusOK || me.Login != planLogin || me.Via != "oidc" {
			t.Fatalf("me: %d %+v", status, me)
		}
		for _, bad := range []struct {
			name   string
			tamper func(map[string]any, *oidctest.Signer)
		}{
			{"bad signature", func(_ map[string]any, s *oidctest.Signer) { s.Other = true }},
			{"wrong audience", func(c map[string]any, _ *oidctest.Signer) { c["aud"] = "another-client" }},
			{"expired", func(c map[string]any, _ *oidctest.Signer) { c["exp"] = time.Now().Add(-time.Hour).Unix() }},
			{"wrong nonce", func(c map[string]any, _ *oidctest.Signer) { c["nonce"] = "from another sign-in" }},
		} {
			fp.Tamper = bad.tamper
			cb, cookie := flow(nil)
			if cb.status != http.StatusUnauthorized || cookie != "" {
				t.Errorf("%s: %d %s, cookie %q", bad.name, cb.status, cb.body, cookie)
			}
		}
		fp.Tamper = nil
		cb, cookie = flow(func(u *url.URL) {
			q := u.Query()
			q.Set("state", "forged")
			u.RawQuery = q.Encode()
		})
		if cb.status != http.StatusBadRequest || cookie != "" || !strings.Contains(problemOf(t, cb).Detail, "state") {
			t.Errorf("forged state: %d %s", cb.status, cb.body)
		}
	})
	t.Run("by email", func(t *testing.T) {
		for _, link := range []bool{false, true} {
			e, flow := run(t, link)
			fp.Subject, fp.Email, fp.Tamper = fmt.Sprint("sub-new-", link), "lan@hepza.example", nil
			cb, cookie := flow(nil)
			if !link {
				if cb.status != http.StatusUnauthorized || cookie != "" {
					t.Fatalf("without LinkEmail, an unlinked user: %d %s", cb.status, cb.body)
				}
				continue
			}
			if cb.status != http.StatusFound || cookie == "" {
				t.Fatalf("with LinkEmail: %d %s", cb.status, cb.body)
			}
			if u, err := e.db.UserByOIDC(context.Background(), fp.URL, fp.Subject); err != nil || u.ID != e.userID {
				t.Fatalf("not linked: %v %v", u, err)
			}
		}
	})
	t.Run("unknown person", func(t *testing.T) {
		_, flow := run(t, true)
		fp.Subject, fp.Email, fp.Tamper = "stranger", "stranger@example.org", nil
		cb, cookie := flow(nil)
		if cb.status != http.StatusUnauthorized || cookie != "" || !strings.Contains(problemOf(t, cb).Detail, "no account") {
			t.Fatalf("an unknown person: %d %s", cb.status, cb.body)
		}
	})
}

// TestSessionsUnconfigured: without a session manager the /auth routes
// are 404 problems.
func TestSessionsUnconfigured(t *testing.T) {
	db := postgistest.Open(t)
	srv := httptest.NewServer(httpapi.New(httpapi.Options{Index: index.New(), Store: db}))
	defer srv.Close()
	resp, err := http.Post(srv.URL+"/auth/login", "application/json", strings.NewReader(`{"login":"a","password":"b"}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("status %d", resp.StatusCode)
	}
}
