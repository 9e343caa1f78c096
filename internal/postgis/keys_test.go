package postgis_test

import (
	"context"
	"crypto/sha256"
	"regexp"
	"strings"
	"testing"

	"github.com/zonegis/zonegis/internal/postgis/postgistest"
	"github.com/zonegis/zonegis/internal/zonegis"
)

var keyShape = regexp.MustCompile(`^zg_([a-z0-9]{8})_([a-z0-9]{32})$`)

func TestKeyCreateAndAuthenticate(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	key, k, err := db.CreateKey(ctx, "Nguyễn Văn An (planner)", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	m := keyShape.FindStringSubmatch(key)
	if m == nil {
		t.Fatalf("key %q does not look like zg_<8>_<32>", key)
	}
	if k.Prefix != m[1] || k.UserID == 0 || k.Name != "Nguyễn Văn An (planner)" || k.ID == 0 {
		t.Fatalf("key record %+v for %q", k, key)
	}
	got, err := db.Authenticate(ctx, key)
	if err != nil {
		t.Fatal(err)
	}
	if got.KeyID != k.ID || got.UserID != k.UserID || got.Via != zonegis.ViaKey || got.SystemRole != "" {
		t.Fatalf("authenticated as %+v, want key %d", got, k.ID)
	}
}

// TestKeyStoredHashed checks that no column of api_keys holds the key or
// its secret part, and that the hash stored is the key's SHA-256.
func TestKeyStoredHashed(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	key, k, err := db.CreateKey(ctx, "admin", zonegis.RoleAdmin)
	if err != nil {
		t.Fatal(err)
	}
	secret := keyShape.FindStringSubmatch(key)[2]
	var row string
	var hash []byte
	if err := db.Pool().QueryRow(ctx, `SELECT t::text, t.hash FROM api_keys t WHERE id = $1`, k.ID).Scan(&row, &hash); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(row, key) || strings.Contains(row, secret) {
		t.Fatalf("api_keys row holds the key in clear: %s", row)
	}
	// Nor anywhere else in the database (the hash as hex is fine).
	var dump string
	if err := db.Pool().QueryRow(ctx, `SELECT string_agg(t::text, ' ') FROM api_keys t`).Scan(&dump); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(dump, secret) {
		t.Fatal("the key's secret is stored")
	}
	want := sha256.Sum256([]byte(key))
	if string(hash) != string(want[:]) {
		t.Fatalf("stored hash %x, want sha256(key) %x", hash, want)
	}
}

func TestKeyRejected(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	key, k, err := db.CreateKey(ctx, "planner", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	other, _, err := db.CreateKey(ctx, "other", zonegis.RolePlanner)
	if err != nil {
		t.Fatal(err)
	}
	// Same prefix, wrong secret: the row is found and the hash differs.
	forged := key[:12] + strings.Repeat("a", 32)
	if forged == key {
		forged = key[:12] + strings.Repeat("b", 32)
	}
	for name, bad := range map[string]string{
		"empty":         "",
		"garbage":       "not-a-key",
		"short secret":  key[:len(key)-1],
		"unknown":       "zg_zzzzzzzz_" + strings.Repeat("0", 32),
		"forged secret": forged,
		"other prefix":  other[:12] + key[12:],
		"upper case":    strings.ToUpper(key),
		"extra part":    key + "_x",
	} {
		_, err := db.Authenticate(ctx, bad)
		if zonegis.ErrorCode(err) != zonegis.EUNAUTHORIZED {
			t.Errorf("%s key %q: error %v, want %s", name, bad, err, zonegis.EUNAUTHORIZED)
		}
	}
	if err := db.RevokeKey(ctx, k.Prefix); err != nil {
		t.Fatal(err)
	}
	_, err = db.Authenticate(ctx, key)
	wantCode(t, err, zonegis.EUNAUTHORIZED, "revoked")
	// Revoking twice, or an unknown prefix, is ENOTFOUND.
	wantCode(t, db.RevokeKey(ctx, k.Prefix), zonegis.ENOTFOUND, k.Prefix)
	wantCode(t, db.RevokeKey(ctx, "zzzzzzzz"), zonegis.ENOTFOUND, "")
	// The other key still works.
	if _, err := db.Authenticate(ctx, other); err != nil {
		t.Fatalf("a key that was not revoked: %v", err)
	}
}

func TestKeyCreateChecksRoleAndName(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	for _, role := range []string{"", "public", "root", "Planner"} {
		_, _, err := db.CreateKey(ctx, "x", role)
		wantCode(t, err, zonegis.EINVALID, "role")
	}
	_, _, err := db.CreateKey(ctx, "  ", zonegis.RolePlanner)
	wantCode(t, err, zonegis.EINVALID, "name")
}

func TestKeyListNewestFirst(t *testing.T) {
	db := postgistest.Open(t)
	ctx := context.Background()
	var prefixes []string
	for _, name := range []string{"first", "second", "third"} {
		_, k, err := db.CreateKey(ctx, name, zonegis.RoleAdmin)
		if err != nil {
			t.Fatal(err)
		}
		prefixes = append(prefixes, k.Prefix)
	}
	if err := db.RevokeKey(ctx, prefixes[1]); err != nil {
		t.Fatal(err)
	}
	ks, err := db.Keys(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(ks) != 3 || ks[0].Name != "third" || ks[2].Name != "first" {
		t.Fatalf("keys %v, want third, second, first", names(ks))
	}
	if ks[1].RevokedAt == nil || ks[0].RevokedAt != nil {
		t.Fatalf("revoked: %v %v %v", ks[0].RevokedAt, ks[1].RevokedAt, ks[2].RevokedAt)
	}
}

func names(ks []*zonegis.Key) []string {
	var out []string
	for _, k := range ks {
		out = append(out, k.Name)
	}
	return out
}
