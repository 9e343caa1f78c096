package registry

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/zonegis"
	"golang.org/x/crypto/argon2"
)

// TestPasswordHash checks the PHC string against argon2id itself (the
// x/crypto implementation of RFC 9106, recomputed here from the string's
// own salt and parameters), the wrong password, and a hash whose
// parameters would cost more than the bounds.
func TestPasswordHash(t *testing.T) {
	phc := HashPassword("mật khẩu đủ dài", TestPasswordParams)
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" || parts[3] != "m=1024,t=1,p=1" {
		t.Fatalf("PHC %q", phc)
	}
	salt, _ := b64.DecodeString(parts[4])
	if want := b64.EncodeToString(argon2.IDKey([]byte("mật khẩu đủ dài"), salt, 1, 1024, 1, 32)); parts[5] != want {
		t.Fatalf("hash %s, argon2id gives %s", parts[5], want)
	}
	if ok, err := CheckPassword(phc, "mật khẩu đủ dài"); !ok || err != nil {
		t.Fatalf("right password: %v %v", ok, err)
	}
	if ok, err := CheckPassword(phc, "mật khẩu đủ dàI"); ok || err != nil {
		t.Fatalf("wrong password: %v %v", ok, err)
	}
	if HashPassword("x", TestPasswordParams) == HashPassword("x", TestPasswordParams) {
		t.Error("two hashes of one password are equal: no salt")
	}
	costly := strings.Replace(phc, "m=1024", "m=4194304", 1)
	if _, err := CheckPassword(costly, "x"); err == nil {
		t.Error("a hash asking for 4 GiB was checked")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "plain"} {
		if _, err := CheckPassword(bad, "x"); err == nil {
			t.Errorf("CheckPassword(%q) took it", bad)
		}
	}
	if err := CheckPasswordRules("short"); zonegis.ErrorCode(err) != zonegis.EINVALID || !strings.HasPrefix(zonegis.ErrorMessage(err), "password:") {
		t.Errorf("short password: %v", err)
	}
}

type fakeUsers map[string]*zonegis.User

func (f fakeUsers) UserByLogin(_ context.Context, login string) (*zonegis.User, error) {
	if u := f[strings.ToLower(login)]; u != nil {
		return u, nil
	}
	return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no user")
}

func (f fakeUsers) PrincipalOf(_ context.Context, id int64) (zonegis.Principal, error) {
	for _, u := range f {
		if u.ID == id {
			if u.DisabledAt != nil {
				return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "disabled")
			}
			return zonegis.Principal{UserID: u.ID, Login: u.Login, Grants: map[string]string{"hepza": zonegis.BoardPlanner}}, nil
		}
	}
	return zonegis.Principal{}, zonegis.Errorf(zonegis.ENOTFOUND, "no user")
}

// TestSignIn: the right password signs in (any case of the login); an
// unknown login, a wrong password, a user without a password and a
// disabled user all get the same error.
func TestSignIn(t *testing.T) {
	when := time.Now()
	users := fakeUsers{
		"lan":  {ID: 1, Login: "Lan", PasswordHash: HashPassword("đúng mật khẩu", TestPasswordParams)},
		"oidc": {ID: 2, Login: "oidc"},
		"gone": {ID: 3, Login: "gone", PasswordHash: HashPassword("đúng mật khẩu", TestPasswordParams), DisabledAt: &when},
	}
	acc := Accounts{Store: users, Params: TestPasswordParams}
	p, err := acc.SignIn(context.Background(), "LAN", "đúng mật khẩu")
	if err != nil || p.UserID != 1 || p.Grants["hepza"] != zonegis.BoardPlanner {
		t.Fatalf("sign-in: %+v %v", p, err)
	}
	for _, c := range [][2]string{{"lan", "sai"}, {"nobody", "đúng mật khẩu"}, {"oidc", ""}, {"gone", "đúng mật khẩu"}} {
		_, err := acc.SignIn(context.Background(), c[0], c[1])
		if err != ErrSignIn {
			t.Errorf("%s/%s: %v, want ErrSignIn", c[0], c[1], err)
		}
	}
}

type firstStore struct {
	has     bool
	created []*zonegis.User
}

func (s *firstStore) HasUsers(context.Context) (bool, error) { return s.has, nil }
func (s *firstStore) CreateUser(_ context.Context, _ zonegis.Actor, u *zonegis.User) error {
	s.created = append(s.created, u)
	return nil
}

// TestFirstAdmin: with no users, "admin" with a one-time password (that
// checks against the stored hash) or the environment's login and
// password; with users, nothing; a short password from the environment
// is refused.
func TestFirstAdmin(t *testing.T) {
	st := &firstStore{}
	u, shown, err := FirstAdmin(context.Background(), st, "", "", TestPasswordParams)
	if err != nil || u == nil || u.Login != "admin" || u.SystemRole != zonegis.SystemAdmin || len(shown) != 20 {
		t.Fatalf("%+v %q %v", u, shown, err)
	}
	if ok, _ := CheckPassword(u.PasswordHash, shown); !ok {
		t.Fatal("the one-time password does not check against the hash")
	}
	u, shown, err = FirstAdmin(context.Background(), &firstStore{}, "root.ops", "một mật khẩu dài", TestPasswordParams)
	if err != nil || u.Login != "root.ops" || shown != "" {
		t.Fatalf("from the environment: %+v %q %v", u, shown, err)
	}
	if _, _, err := FirstAdmin(context.Background(), &firstStore{}, "", "short", TestPasswordParams); zonegis.ErrorCode(err) != zonegis.EINVALID {
		t.Fatalf("short password: %v", err)
	}
	if u, _, err := FirstAdmin(context.Background(), &firstStore{has: true}, "", "", TestPasswordParams); u != nil || err != nil {
		t.Fatalf("with users: %+v %v", u, err)
	}
}
