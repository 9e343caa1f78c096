package zonegis

import (
	"context"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Board roles: what a grant lets its user do on one board. registry's rule
// table (permissions.go) says which actions each allows.
const (
	BoardViewer  = "viewer"      // reads the board's confidential lease figures
	BoardPlanner = "planner"     // and writes the board's land records
	BoardAdmin   = "board_admin" // and manages the board's grants, reads its audit trail
)

// System roles: a user's role over every board, besides their grants.
const (
	SystemNone     = ""         // grants only
	SystemAdmin    = "admin"    // everything, on every board
	SystemMinistry = "ministry" // reads every board's confidential figures, writes nothing
)

// BoardRoles and SystemRoles list the roles, least first.
var (
	BoardRoles  = []string{BoardViewer, BoardPlanner, BoardAdmin}
	SystemRoles = []string{SystemNone, SystemAdmin, SystemMinistry}
)

// User is a person's account (or a script's). PasswordHash is an argon2id
// PHC string (registry.HashPassword), "" when the user signs in only
// through OpenID Connect or not at all yet.
type User struct {
	ID            int64      `json:"id"`
	Login         string     `json:"login"`
	DisplayName   string     `json:"display_name"`
	Email         string     `json:"email"`
	PasswordHash  string     `json:"-"`
	OIDCIssuer    string     `json:"oidc_issuer,omitempty"`
	OIDCSubject   string     `json:"oidc_subject,omitempty"`
	SystemRole    string     `json:"system_role"`
	DisabledAt    *time.Time `json:"disabled_at"`
	CreatedAt     time.Time  `json:"created_at"`
	PasswordSetAt *time.Time `json:"password_set_at"`
}

// Grant is a user's role on one board.
type Grant struct {
	UserID  int64  `json:"user_id"`
	BoardID string `json:"board_id"`
	Role    string `json:"role"` // BoardViewer, BoardPlanner or BoardAdmin
}

// How a caller authenticated (Principal.Via).
const (
	ViaPublic  = ""        // no credentials
	ViaKey     = "key"     // an API key (Authorization: Bearer, X-API-Key)
	ViaSession = "session" // a web session cookie
)

// Principal is the caller of a request: who they are, their roles, and how
// they proved it. The zero value (with a RequestID) is the public. Whether
// a principal may do an action on a board, and whether they see a board's
// confidential figures, is registry's rule table: registry.May and
// registry.SeesConfidential.
type Principal struct {
	UserID      int64
	Login       string
	DisplayName string
	SystemRole  string            // SystemNone, SystemAdmin or SystemMinistry
	Grants      map[string]string // board id → board role
	Via         string            // ViaPublic, ViaKey or ViaSession
	KeyID       int64             // when Via is ViaKey
	KeyName     string            // when Via is ViaKey
	SessionID   string            // when Via is ViaSession (an id to log, not the cookie's secret)
	RequestID   string
}

// Authenticated reports whether the caller is someone (a user, or the
// system): not the public, who has no login.
func (p Principal) Authenticated() bool { return p.Login != "" }

// RoleOn is the principal's grant on board, "" without one. It does not
// count the system role.
func (p Principal) RoleOn(board string) string { return p.Grants[board] }

// Role names the principal's role for messages and the audit trail: the
// system role if any, else "user" with grants, RolePublic unauthenticated.
func (p Principal) Role() string {
	switch {
	case !p.Authenticated():
		return RolePublic
	case p.SystemRole != SystemNone:
		return p.SystemRole
	}
	return "user"
}

// Actor is the principal as the audit trail records it.
func (p Principal) Actor() Actor {
	return Actor{KeyID: p.KeyID, KeyName: p.KeyName, Role: p.Role(), RequestID: p.RequestID,
		UserID: p.UserID, UserLogin: p.Login, Caller: &p}
}

// UserService keeps the accounts and their grants.
type UserService interface {
	// CreateUser inserts u (its Login, DisplayName, Email, PasswordHash,
	// OIDC identity, SystemRole) and fills in its ID and CreatedAt.
	// Errors: EINVALID (login, system role), ECONFLICT (login or OIDC
	// identity taken, whatever the login's case).
	CreateUser(ctx context.Context, a Actor, u *User) error
	// UserByLogin returns the user with login, compared without case.
	// Errors: ENOTFOUND.
	UserByLogin(ctx context.Context, login string) (*User, error)
	// UserByID returns user id. Errors: ENOTFOUND.
	UserByID(ctx context.Context, id int64) (*User, error)
	// PrincipalOf returns user id as a caller: the user and their grants
	// (Via and the key or session fields left for the caller to fill).
	// Errors: ENOTFOUND; EUNAUTHORIZED when the user is disabled.
	PrincipalOf(ctx context.Context, id int64) (Principal, error)
}

var loginRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// ValidLogin reports whether login is 1 to 64 characters of letters,
// digits and . _ @ -, starting with a letter or digit (migrations/0013).
func ValidLogin(login string) bool { return loginRE.MatchString(login) }

// IsBoardRole reports whether role is a board role.
func IsBoardRole(role string) bool {
	return role == BoardViewer || role == BoardPlanner || role == BoardAdmin
}

// IsSystemRole reports whether role is a system role ("" included).
func IsSystemRole(role string) bool {
	return role == SystemNone || role == SystemAdmin || role == SystemMinistry
}

// Validate trims u's text and checks its login, system role, name and
// email, naming each field. Errors: EINVALID.
func (u *User) Validate() error {
	u.Login = strings.TrimSpace(u.Login)
	u.DisplayName = strings.TrimSpace(u.DisplayName)
	u.Email = strings.TrimSpace(u.Email)
	var p Problems
	p.Required("login", u.Login)
	if u.Login != "" && !ValidLogin(u.Login) {
		p.Add("login %s must be 1 to 64 characters of letters, digits and . _ @ -, starting with a letter or digit", Quoted(u.Login))
	}
	if !IsSystemRole(u.SystemRole) {
		p.Add("system_role %s must be admin, ministry or empty", Quoted(u.SystemRole))
	}
	if utf8.RuneCountInString(u.DisplayName) > 200 {
		p.Add("display_name is longer than 200 characters")
	}
	if e := u.Email; e != "" && (len(e) > 254 || !strings.Contains(e, "@") || strings.ContainsAny(e, " \t\r\n")) {
		p.Add("email %s must be an address (name@host, at most 254 characters), or empty", Quoted(e))
	}
	if (u.OIDCIssuer == "") != (u.OIDCSubject == "") {
		p.Add("oidc_issuer and oidc_subject go together")
	}
	return p.Err()
}
