package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/zonegis/zonegis/internal/registry"
	"github.com/zonegis/zonegis/internal/zonegis"
)

var printedKey = regexp.MustCompile(`^zg_([a-z0-9]{8})_[a-z0-9]{32}\n$`)

// TestKeysCLI creates, lists and revokes keys with `zonegis keys`.
func TestKeysCLI(t *testing.T) {
	c := newCLI(t)
	out, errOut, err := c.run(t, "keys", "create", "--role", "planner", "--name", "Phòng Quy hoạch")
	if err != nil {
		t.Fatalf("keys create: %v\n%s", err, errOut)
	}
	m := printedKey.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("keys create printed %q, want the key alone on stdout", out)
	}
	key, prefix := strings.TrimSpace(out), m[1]
	if !strings.Contains(errOut, "shown once") || !strings.Contains(errOut, prefix) {
		t.Errorf("stderr %q: want the prefix and a warning that the key is shown once", errOut)
	}
	db := c.db(t)
	k, err := db.Authenticate(context.Background(), key)
	if err != nil || k.Via != zonegis.ViaKey || k.KeyName != "Phòng Quy hoạch" {
		t.Fatalf("the printed key authenticates as %+v, %v", k, err)
	}
	if _, _, err := c.run(t, "keys", "create", "--role", "admin", "--name", "ops"); err != nil {
		t.Fatal(err)
	}

	out, _, err = c.run(t, "keys", "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "PREFIX") || !strings.Contains(lines[1], "ops") ||
		!strings.Contains(lines[2], prefix) || !strings.Contains(lines[2], "Phòng Quy hoạch") || !strings.HasSuffix(lines[2], "-") {
		t.Fatalf("keys list:\n%s", out)
	}
	if strings.Contains(out, key[12:]) {
		t.Fatal("keys list shows the secret")
	}

	out, _, err = c.run(t, "keys", "revoke", prefix)
	if err != nil || !strings.Contains(out, "revoked "+prefix) {
		t.Fatalf("keys revoke: %q, %v", out, err)
	}
	if _, err := db.Authenticate(context.Background(), key); zonegis.ErrorCode(err) != zonegis.EUNAUTHORIZED {
		t.Fatalf("a revoked key authenticates: %v", err)
	}
	out, _, _ = c.run(t, "keys", "list")
	if strings.HasSuffix(strings.Split(strings.TrimSpace(out), "\n")[2], "-") {
		t.Fatalf("keys list does not show the revocation:\n%s", out)
	}

	for _, args := range [][]string{
		{"keys", "create", "--role", "public", "--name", "x"},
		{"keys", "create", "--name", "x"},
		{"keys", "revoke", prefix},
		{"keys", "revoke"},
		{"keys", "rotate"},
		{"keys"},
	} {
		if _, _, err := c.run(t, args...); err == nil {
			t.Errorf("zonegis %s: no error", strings.Join(args, " "))
		}
	}
}

// TestUsersCLI makes a HEPZA planner with `zonegis users create`, a key
// for them with `zonegis keys create --login`, and checks that the key
// acts as them (their grant, their expiry), that `users grant/revoke`
// change what the key may do at once, and that `users disable` stops it.
func TestUsersCLI(t *testing.T) {
	c := newCLI(t)
	if _, _, err := c.run(t, "migrate"); err != nil {
		t.Fatal(err)
	}
	db := c.db(t)
	ctx := context.Background()
	if err := db.CreateBoard(ctx, zonegis.System, &zonegis.Board{ID: "hepza", NameVI: "Ban Quản lý HEPZA", NameEN: "HEPZA", Province: "Thành phố Hồ Chí Minh"}); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := c.run(t, "users", "create", "--login", "lan.hepza", "--role", "planner", "--board", "hepza", "--name", "Nguyễn Thị Lan")
	if err != nil || len(strings.TrimSpace(out)) != 20 || !strings.Contains(errOut, "shown once") {
		t.Fatalf("users create: %q %q %v", out, errOut, err)
	}
	password := strings.TrimSpace(out)
	p, err := (registry.Accounts{Store: db}).SignIn(ctx, "LAN.HEPZA", password)
	if err != nil || p.Grants["hepza"] != zonegis.BoardPlanner {
		t.Fatalf("sign-in with the printed password: %+v %v", p, err)
	}
	out, _, err = c.run(t, "keys", "create", "--login", "lan.hepza", "--expires", "90d")
	if err != nil || printedKey.FindStringSubmatch(out) == nil {
		t.Fatalf("keys create --login: %q %v", out, err)
	}
	key := strings.TrimSpace(out)
	p, err = db.Authenticate(ctx, key)
	if err != nil || p.Login != "lan.hepza" || p.Grants["hepza"] != zonegis.BoardPlanner || p.Via != zonegis.ViaKey {
		t.Fatalf("the key acts as %+v, %v", p, err)
	}
	ks, err := db.Keys(ctx, p.UserID)
	if err != nil || len(ks) != 1 || ks[0].ExpiresAt == nil || ks[0].ExpiresAt.Sub(ks[0].CreatedAt) < 89*24*time.Hour || ks[0].LastUsedAt == nil {
		t.Fatalf("the user's keys: %+v %v", ks, err)
	}
	if _, _, err := c.run(t, "users", "grant", "lan.hepza", "--board", "hepza", "--role", "viewer"); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Authenticate(ctx, key); p.Grants["hepza"] != zonegis.BoardViewer {
		t.Fatalf("after grant viewer: %+v", p.Grants)
	}
	if _, _, err := c.run(t, "users", "revoke", "lan.hepza", "--board", "hepza"); err != nil {
		t.Fatal(err)
	}
	if p, _ := db.Authenticate(ctx, key); len(p.Grants) != 0 {
		t.Fatalf("after revoke: %+v", p.Grants)
	}
	out, _, err = c.run(t, "users", "list")
	if err != nil || !strings.Contains(out, "lan.hepza") || !strings.Contains(out, "Nguyễn Thị Lan") {
		t.Fatalf("users list: %q %v", out, err)
	}
	if _, _, err := c.run(t, "users", "disable", "lan.hepza"); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Authenticate(ctx, key); zonegis.ErrorCode(err) != zonegis.EUNAUTHORIZED {
		t.Fatalf("a disabled user's key authenticates: %v", err)
	}
	if _, err := (registry.Accounts{Store: db}).SignIn(ctx, "lan.hepza", password); err != registry.ErrSignIn {
		t.Fatalf("a disabled user signs in: %v", err)
	}
	for _, args := range [][]string{
		{"users", "create", "--login", "x", "--role", "planner"},
		{"users", "create", "--login", "x", "--role", "root"},
		{"users", "create", "--login", "bad login", "--role", "admin"},
		{"users", "create", "--login", "LAN.hepza", "--role", "admin"},
		{"users", "disable", "nobody"},
		{"keys", "create", "--login", "nobody"},
		{"keys", "create", "--login", "lan.hepza", "--expires", "0d"},
	} {
		if _, _, err := c.run(t, args...); err == nil {
			t.Errorf("zonegis %s: no error", strings.Join(args, " "))
		}
	}
}
