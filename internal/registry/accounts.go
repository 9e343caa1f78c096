package registry

import (
	"context"

	"github.com/zonegis/zonegis/internal/zonegis"
)

// UserStore is what the accounts' use cases read: zonegis.UserService,
// which *postgis.DB implements.
type UserStore interface {
	UserByLogin(ctx context.Context, login string) (*zonegis.User, error)
	PrincipalOf(ctx context.Context, id int64) (zonegis.Principal, error)
}

// Accounts signs people in.
type Accounts struct {
	Store  UserStore
	Params PasswordParams // the hash spent on an unknown login; zero means DefaultPasswordParams
}

// ErrSignIn is the one answer to a failed sign-in, whatever failed (no
// such login, no password, the wrong one, a disabled user), so an answer
// does not tell whether a login exists.
var ErrSignIn = zonegis.Errorf(zonegis.EUNAUTHORIZED, "wrong login or password")

// SignIn checks login (any case) and password and returns the user as a
// principal (Via, session and request fields left to the caller). Every
// failure is ErrSignIn after the same work as a success (one argon2id
// hash), so neither the answer nor its time tells an unknown login from a
// wrong password or a disabled user. Errors: ErrSignIn (EUNAUTHORIZED);
// the store's when it fails (EUNAVAILABLE).
func (a Accounts) SignIn(ctx context.Context, login, password string) (zonegis.Principal, error) {
	params := a.Params
	if params == (PasswordParams{}) {
		params = DefaultPasswordParams
	}
	u, err := a.Store.UserByLogin(ctx, login)
	if zonegis.ErrorCode(err) == zonegis.ENOTFOUND || (err == nil && u.PasswordHash == "") {
		HashPassword(password, params) // the same work as a check
		return zonegis.Principal{}, ErrSignIn
	} else if err != nil {
		return zonegis.Principal{}, err
	}
	ok, err := CheckPassword(u.PasswordHash, password)
	if err != nil || !ok || u.DisabledAt != nil {
		return zonegis.Principal{}, ErrSignIn
	}
	p, err := a.Store.PrincipalOf(ctx, u.ID)
	if zonegis.ErrorCode(err) == zonegis.EUNAUTHORIZED || zonegis.ErrorCode(err) == zonegis.ENOTFOUND {
		return zonegis.Principal{}, ErrSignIn // disabled between the two reads
	}
	return p, err
}

// AccountStore keeps accounts: zonegis.UserService and the writes of
// *postgis.DB the CLI calls.
type AccountStore interface {
	HasUsers(ctx context.Context) (bool, error)
	CreateUser(ctx context.Context, a zonegis.Actor, u *zonegis.User) error
}

// FirstAdmin makes the first system admin when the store has no users
// (those migrated from keys aside): login and password when given (the
// environment's ZONEGIS_ADMIN_LOGIN and ZONEGIS_ADMIN_PASSWORD), else
// "admin" with a OneTimePassword, which it returns to be shown once. It
// returns a nil user when there were users already. Errors: EINVALID
// (login, a password shorter than MinPasswordLen), the store's.
func FirstAdmin(ctx context.Context, st AccountStore, login, password string, params PasswordParams) (*zonegis.User, string, error) {
	has, err := st.HasUsers(ctx)
	if err != nil || has {
		return nil, "", err
	}
	if login == "" {
		login = "admin"
	}
	shown := ""
	if password == "" {
		password = OneTimePassword()
		shown = password
	} else if err := CheckPasswordRules(password); err != nil {
		return nil, "", err
	}
	u := &zonegis.User{Login: login, DisplayName: "Administrator", SystemRole: zonegis.SystemAdmin,
		PasswordHash: HashPassword(password, params)}
	if err := st.CreateUser(ctx, zonegis.System, u); err != nil {
		return nil, "", err
	}
	return u, shown, nil
}
