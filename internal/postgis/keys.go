package postgis

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"strings"

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

// CreateKey makes a key for role (planner or admin) and returns it in clear
// text: "zg_<8-char prefix>_<32-char secret>" (about 165 bits of secret). It
// cannot be shown again. Errors: EINVALID (role, name).
func (db *DB) CreateKey(ctx context.Context, name, role string) (string, *zonegis.Key, error) {
	if role != zonegis.RolePlanner && role != zonegis.RoleAdmin {
		return "", nil, zonegis.Errorf(zonegis.EINVALID, "role: want planner or admin, got %q", role)
	}
	if strings.TrimSpace(name) == "" {
		return "", nil, zonegis.Errorf(zonegis.EINVALID, "name: a key needs a name (who or what uses it)")
	}
	prefix := randomString(8)
	key := "zg_" + prefix + "_" + randomString(32)
	k := &zonegis.Key{Prefix: prefix, Name: name, Role: role}
	err := db.pool.QueryRow(ctx, sqlInsertKey, prefix, hashKey(key), name, role).Scan(&k.ID, &k.CreatedAt)
	if err != nil {
		return "", nil, mapError(err)
	}
	return key, k, nil
}

// Authenticate returns the key that key is, comparing hashes in constant
// time. Errors: EUNAUTHORIZED (malformed, unknown or revoked).
func (db *DB) Authenticate(ctx context.Context, key string) (*zonegis.Key, error) {
	bad := zonegis.Errorf(zonegis.EUNAUTHORIZED, "invalid API key")
	parts := strings.Split(key, "_")
	if len(parts) != 3 || parts[0] != "zg" || len(parts[1]) != 8 || len(parts[2]) != 32 {
		return nil, bad
	}
	var k zonegis.Key
	var hash []byte
	err := db.pool.QueryRow(ctx, sqlKeyByPrefix, parts[1]).Scan(&k.ID, &k.Prefix, &hash, &k.Name, &k.Role, &k.CreatedAt, &k.RevokedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		// Spend the same work as a found key before answering.
		subtle.ConstantTimeCompare(hashKey(key), make([]byte, 32))
		return nil, bad
	} else if err != nil {
		return nil, mapError(err)
	}
	if subtle.ConstantTimeCompare(hashKey(key), hash) != 1 {
		return nil, bad
	}
	if k.RevokedAt != nil {
		return nil, zonegis.Errorf(zonegis.EUNAUTHORIZED, "API key %s was revoked", k.Prefix)
	}
	return &k, nil
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

// Keys lists every key, newest first.
func (db *DB) Keys(ctx context.Context) ([]*zonegis.Key, error) {
	return collect(ctx, db.pool, sqlKeys, func(r pgx.Row) (*zonegis.Key, error) {
		var k zonegis.Key
		return &k, r.Scan(&k.ID, &k.Prefix, &k.Name, &k.Role, &k.CreatedAt, &k.RevokedAt)
	})
}

// Audit returns audit entries, newest first.
func (db *DB) Audit(ctx context.Context, f zonegis.AuditFilter) ([]*zonegis.AuditEntry, error) {
	if f.Limit <= 0 || f.Limit > 1000 {
		f.Limit = 100
	}
	return collect(ctx, db.read, sqlAudit, func(r pgx.Row) (*zonegis.AuditEntry, error) {
		var e zonegis.AuditEntry
		return &e, r.Scan(&e.ID, &e.At, &e.KeyID, &e.KeyName, &e.Role, &e.Action, &e.Collection, &e.ItemID, &e.Before, &e.After, &e.RequestID)
	}, f.Collection, f.ItemID, f.BeforeID, f.Limit)
}
