package postgis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

const keyAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// randomString returns n characters of keyAlphabet from crypto/rand,
// without modulo bias (bytes >= 252 are drawn again).
func randomString(n int) string {
	out := make([]byte, 0, n)
	buf := make([]byte, n)
	for len(out) < n {
		// crypto/rand.Read never fails on Linux (it panics if it could not).
		_, _ = rand.Read(buf)
		for _, c := range buf {
			if c < 252 && len(out) < n {
				out = append(out, keyAlphabet[int(c)%len(keyAlphabet)])
			}
		}
	}
	return string(out)
}

func hashKey(key string) []byte {
	h := sha256.Sum256([]byte(key))
	return h[:]
}

// CreateUserKey makes a key that acts as user id (with at most their
// grants, read on every request) and returns it in clear text:
// "zg_<8-char prefix>_<32-char secret>" (about 165 bits of secret). It
// cannot be shown again. expires nil never expires. Errors: EINVALID
// (name, an expiry in the past), ENOTFOUND (no such user), EUNAUTHORIZED
// (the user is disabled).
func (db *DB) CreateUserKey(ctx context.Context, id int64, name string, expires *time.Time) (string, *zonegis.Key, error) {
	if strings.TrimSpace(name) == "" {
		return "", nil, zonegis.Errorf(zonegis.EINVALID, "name: a key needs a name (who or what uses it)")
	}
	if expires != nil && !expires.After(time.Now()) {
		return "", nil, zonegis.Errorf(zonegis.EINVALID, "expires: %s is not in the future", expires.UTC().Format(time.RFC3339))
	}
	u, err := db.UserByID(ctx, id)
	if err != nil {
		return "", nil, err
	}
	if u.DisabledAt != nil {
		return "", nil, zonegis.Errorf(zonegis.EUNAUTHORIZED, "user %s is disabled", u.Login)
	}
	prefix := randomString(8)
	key := "zg_" + prefix + "_" + randomString(32)
	k := &zonegis.Key{Prefix: prefix, Name: name, UserID: id, UserLogin: u.Login, ExpiresAt: expires}
	err = db.pool.QueryRow(ctx, sqlInsertKey, prefix, hashKey(key), name, id, expires).Scan(&k.ID, &k.CreatedAt)
	if err != nil {
		return "", nil, mapError(err)
	}
	return key, k, nil
}

// CreateKey makes a key with a user of its own, as migrations/0013 made
// one for each key made before users: login "key-<prefix>", named name,
// a system admin for role "admin", a planner on every board there is now
// for role "planner". Tests and scripts that need "an admin key" or "a
// planner key" use it; people get keys with CreateUserKey. Errors:
// EINVALID (role, name).
func (db *DB) CreateKey(ctx context.Context, name, role string) (string, *zonegis.Key, error) {
	if role != zonegis.RolePlanner && role != zonegis.RoleAdmin {
		return "", nil, zonegis.Errorf(zonegis.EINVALID, "role: want planner or admin, got %q", role)
	}
	if strings.TrimSpace(name) == "" {
		return "", nil, zonegis.Errorf(zonegis.EINVALID, "name: a key needs a name (who or what uses it)")
	}
	u := &zonegis.User{Login: "key-" + randomString(8), DisplayName: name}
	if role == zonegis.RoleAdmin {
		u.SystemRole = zonegis.SystemAdmin
	}
	if err := db.CreateUser(ctx, zonegis.System, u); err != nil {
		return "", nil, err
	}
	if role == zonegis.RolePlanner {
		if _, err := db.pool.Exec(ctx, sqlGrantEveryBoard, u.ID, zonegis.BoardPlanner); err != nil {
			return "", nil, mapError(err)
		}
	}
	return db.CreateUserKey(ctx, u.ID, name, nil)
}

// Authenticate returns the caller that key is (as "zg_<prefix>_<secret>"):
// its user with their grants, Via "key", comparing hashes in constant
// time, in one statement; it records the key's last use at most once a
// minute. Errors: EUNAUTHORIZED (malformed, unknown, revoked, expired,
// or its user disabled).
func (db *DB) Authenticate(ctx context.Context, key string) (zonegis.Principal, error) {
	bad := zonegis.Errorf(zonegis.EUNAUTHORIZED, "invalid API key")
	parts := strings.Split(key, "_")
	if len(parts) != 3 || parts[0] != "zg" || len(parts[1]) != 8 || len(parts[2]) != 32 {
		return zonegis.Principal{}, bad
	}
	var p zonegis.Principal
	var hash, grants []byte
	var revoked, expires, disabled *time.Time
	var expired, touch bool
	err := db.pool.QueryRow(ctx, sqlKeyByPrefix, parts[1]).Scan(&p.KeyID, &hash, &p.KeyName, &revoked, &expires, &expired,
		&touch, &p.UserID, &p.Login, &p.DisplayName, &p.SystemRole, &disabled, &grants)
	if errors.Is(err, pgx.ErrNoRows) {
		// Spend the same work as a found key before answering.
		subtle.ConstantTimeCompare(hashKey(key), make([]byte, 32))
		return zonegis.Principal{}, bad
	} else if err != nil {
		return zonegis.Principal{}, mapError(err)
	}
	if subtle.ConstantTimeCompare(hashKey(key), hash) != 1 {
		return zonegis.Principal{}, bad
	}
	switch {
	case revoked != nil:
		return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "API key %s was revoked", parts[1])
	case expires != nil && expired:
		return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "API key %s expired at %s", parts[1], expires.UTC().Format(time.RFC3339))
	case disabled != nil:
		return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "API key %s: its user is disabled", parts[1])
	}
	if p.Grants, err = grantsOf(grants); err != nil {
		return zonegis.Principal{}, err
	}
	if touch {
		if _, err := db.pool.Exec(ctx, sqlTouchKey, p.KeyID); err != nil {
			return zonegis.Principal{}, mapError(err)
		}
	}
	p.Via = zonegis.ViaKey
	return p, nil
}

// RevokeKey revokes the key with prefix. Errors: ENOTFOUND.
func (db *DB) RevokeKey(ctx context.Context, prefix string) error {
	tag, err := db.pool.Exec(ctx, sqlRevokeKey, prefix)
	if err != nil {
		return mapError(err)
	}
	if tag.RowsAffected() == 0 {
		return zonegis.Errorf(zonegis.ENOTFOUND, "no active key with prefix %q", prefix)
	}
	return nil
}

// Keys lists the keys of user id (0: every user's), newest first.
func (db *DB) Keys(ctx context.Context, id int64) ([]*zonegis.Key, error) {
	return collect(ctx, db.pool, sqlKeys, func(r pgx.Row) (*zonegis.Key, error) {
		var k zonegis.Key
		return &k, r.Scan(&k.ID, &k.Prefix, &k.Name, &k.UserID, &k.UserLogin, &k.CreatedAt, &k.ExpiresAt, &k.LastUsedAt, &k.RevokedAt)
	}, id)
}

// Audit returns audit entries, newest first.
func (db *DB) Audit(ctx context.Context, f zonegis.AuditFilter) ([]*zonegis.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	return collect(ctx, db.pool, sqlAudit, func(r pgx.Row) (*zonegis.AuditEntry, error) {
		var e zonegis.AuditEntry
		return &e, r.Scan(&e.ID, &e.At, &e.KeyID, &e.KeyName, &e.Role, &e.Action, &e.Collection, &e.ItemID, &e.Before, &e.After,
			&e.RequestID, &e.UserID, &e.UserLogin, &e.BoardID)
	}, f.Collection, f.ItemID, f.BeforeID, f.Limit, f.UserLogin, f.Boards, f.From, f.To)
}
