package main

import (
	"context"
	"regexp"
	"strings"
	"testing"

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
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "PREFIX") || !strings.Contains(lines[1], "admin") ||
		!strings.Contains(lines[2], prefix) || !strings.Contains(lines[2], "planner") || !strings.HasSuffix(lines[2], "-") {
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
