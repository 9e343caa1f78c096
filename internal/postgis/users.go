package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/zonegis/zonegis/internal/zonegis"
)

// Users, their grants and their keys (migrations/0013). Every change is
// audited under collection "users" (the user's image without its password
// hash; a grant's change names its board).

var _ zonegis.UserService = (*DB)(nil)

func scanUser(r pgx.Row) (*zonegis.User, error) {
	var u zonegis.User
	var hash, iss, sub *string
	err := r.Scan(&u.ID, &u.Login, &u.DisplayName, &u.Email, &hash, &iss, &sub, &u.SystemRole, &u.DisabledAt,
		&u.CreatedAt, &u.PasswordSetAt)
	if hash != nil {
		u.PasswordHash = *hash
	}
	if iss != nil {
		u.OIDCIssuer, u.OIDCSubject = *iss, *sub
	}
	return &u, err
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// userWrite runs fn in a transaction and records the audit entry of user
// id (its image after fn) with board (a grant's; "" for none).
func (db *DB) userWrite(ctx context.Context, a zonegis.Actor, action, board string, fn func(tx pgx.Tx) (int64, error)) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var before []byte
		id, err := fn(tx)
		if err != nil {
			return err
		}
		var after []byte
		if err := tx.QueryRow(ctx, sqlUserRowJSON, id).Scan(&after); err != nil {
			return err
		}
		_, err = tx.Exec(ctx, sqlInsertAudit, nullID(a.KeyID), a.KeyName, a.Role, action, zonegis.CollectionUsers, id,
			nullJSON(before), nullJSON(after), a.RequestID, nullID(a.UserID), a.UserLogin, nullText(board))
		return err
	})
}

// CreateUser inserts u and fills in its ID and CreatedAt. Errors:
// EINVALID (u.Validate), ECONFLICT (login or OIDC identity taken).
func (db *DB) CreateUser(ctx context.Context, a zonegis.Actor, u *zonegis.User) error {
	if err := u.Validate(); err != nil {
		return err
	}
	err := db.userWrite(ctx, a, "create", "", func(tx pgx.Tx) (int64, error) {
		var setAt any
		if u.PasswordHash != "" {
			setAt = time.Now()
		}
		err := tx.QueryRow(ctx, sqlInsertUser, u.Login, u.DisplayName, u.Email, nullText(u.PasswordHash),
			nullText(u.OIDCIssuer), nullText(u.OIDCSubject), u.SystemRole, setAt).Scan(&u.ID, &u.CreatedAt, &u.PasswordSetAt)
		return u.ID, err
	})
	return mapError(err)
}

// UserByLogin returns the user with login, compared without case. Errors:
// ENOTFOUND.
func (db *DB) UserByLogin(ctx context.Context, login string) (*zonegis.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, sqlUserByLogin, login))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no user with login %s", zonegis.Quoted(login))
	}
	return u, mapError(err)
}

// UserByID returns user id. Errors: ENOTFOUND.
func (db *DB) UserByID(ctx context.Context, id int64) (*zonegis.User, error) {
	u, err := scanUser(db.pool.QueryRow(ctx, sqlUserByID, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, zonegis.Errorf(zonegis.ENOTFOUND, "no user %d", id)
	}
	return u, mapError(err)
}

// Users lists every user, by login.
func (db *DB) Users(ctx context.Context) ([]*zonegis.User, error) {
	return collect(ctx, db.pool, sqlUsers, scanUser)
}

// grantsOf decodes the grants aggregated as a JSON object (board → role).
func grantsOf(b []byte) (map[string]string, error) {
	g := map[string]string{}
	if len(b) == 0 {
		return g, nil
	}
	return g, json.Unmarshal(b, &g)
}

// PrincipalOf returns user id as a caller: the user and their grants, in
// one statement. Errors: ENOTFOUND; EUNAUTHORIZED (disabled).
func (db *DB) PrincipalOf(ctx context.Context, id int64) (zonegis.Principal, error) {
	var p zonegis.Principal
	var grants []byte
	var disabled *time.Time
	err := db.pool.QueryRow(ctx, sqlPrincipalOf, id).Scan(&p.UserID, &p.Login, &p.DisplayName, &p.SystemRole, &disabled, &grants)
	if errors.Is(err, pgx.ErrNoRows) {
		return zonegis.Principal{}, zonegis.Errorf(zonegis.ENOTFOUND, "no user %d", id)
	} else if err != nil {
		return zonegis.Principal{}, mapError(err)
	}
	if disabled != nil {
		return zonegis.Principal{}, zonegis.Errorf(zonegis.EUNAUTHORIZED, "user %s is disabled", p.Login)
	}
	if p.Grants, err = grantsOf(grants); err != nil {
		return zonegis.Principal{}, err
	}
	return p, nil
}

// Grants returns user id's grants, by board.
func (db *DB) Grants(ctx context.Context, id int64) ([]*zonegis.Grant, error) {
	return collect(ctx, db.pool, sqlGrantsOf, func(r pgx.Row) (*zonegis.Grant, error) {
		var g zonegis.Grant
		return &g, r.Scan(&g.UserID, &g.BoardID, &g.Role)
	}, id)
}

// GrantRole gives user id role on board (replacing the role they had
// there). Errors: EINVALID (role), ENOTFOUND (user or board).
func (db *DB) GrantRole(ctx context.Context, a zonegis.Actor, id int64, board, role string) error {
	if !zonegis.IsBoardRole(role) {
		return zonegis.Errorf(zonegis.EINVALID, "role: want one of %s, got %s", strings.Join(zonegis.BoardRoles, ", "), zonegis.Quoted(role))
	}
	return mapError(db.userWrite(ctx, a, "grant", board, func(tx pgx.Tx) (int64, error) {
		if _, err := db.lockUser(ctx, tx, id); err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, sqlGrant, id, board, role); err != nil {
			if zonegis.ErrorCode(mapError(err)) == zonegis.EINVALID || zonegis.ErrorCode(mapError(err)) == zonegis.ENOTFOUND {
				return 0, zonegis.Errorf(zonegis.ENOTFOUND, "board: no board %s", zonegis.Quoted(board))
			}
			return 0, err
		}
		return id, nil
	}))
}

// RevokeRole takes user id's role on board away. Errors: ENOTFOUND (the
// user, or no grant there).
func (db *DB) RevokeRole(ctx context.Context, a zonegis.Actor, id int64, board string) error {
	return mapError(db.userWrite(ctx, a, "revoke", board, func(tx pgx.Tx) (int64, error) {
		if _, err := db.lockUser(ctx, tx, id); err != nil {
			return 0, err
		}
		tag, err := tx.Exec(ctx, sqlRevokeGrant, id, board)
		if err == nil && tag.RowsAffected() == 0 {
			return 0, zonegis.Errorf(zonegis.ENOTFOUND, "user %d has no role on board %s", id, zonegis.Quoted(board))
		}
		return id, err
	}))
}

// lockUser locks user id's row for the transaction. Errors: ENOTFOUND.
func (db *DB) lockUser(ctx context.Context, tx pgx.Tx, id int64) (string, error) {
	var login string
	err := tx.QueryRow(ctx, sqlLockUser, id).Scan(&login)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", zonegis.Errorf(zonegis.ENOTFOUND, "no user %d", id)
	}
	return login, err
}

// DisableUser disables user id and revokes their keys, at once: their
// keys and sessions stop working on the next request (every request reads
// disabled_at). Errors: ENOTFOUND.
func (db *DB) DisableUser(ctx context.Context, a zonegis.Actor, id int64) error {
	return mapError(db.userWrite(ctx, a, "disable", "", func(tx pgx.Tx) (int64, error) {
		if _, err := db.lockUser(ctx, tx, id); err != nil {
			return 0, err
		}
		if _, err := tx.Exec(ctx, sqlDisableUser, id); err != nil {
			return 0, err
		}
		_, err := tx.Exec(ctx, sqlRevokeUserKeys, id)
		return id, err
	}))
}

// SetPassword stores hash (an argon2id PHC string) as user id's password.
// Errors: ENOTFOUND.
func (db *DB) SetPassword(ctx context.Context, a zonegis.Actor, id int64, hash string) error {
	return mapError(db.userWrite(ctx, a, "password", "", func(tx pgx.Tx) (int64, error) {
		if _, err := db.lockUser(ctx, tx, id); err != nil {
			return 0, err
		}
		_, err := tx.Exec(ctx, sqlSetPassword, id, hash)
		return id, err
	}))
}

// HasUsers reports whether any user other than the ones migrated from
// keys (login "key-…") exists: the first start makes an admin when none
// does.
func (db *DB) HasUsers(ctx context.Context) (bool, error) {
	var n bool
	err := db.pool.QueryRow(ctx, sqlHasUsers).Scan(&n)
	return n, mapError(err)
}

// ZoneBoard returns the board of zone id. Errors: ENOTFOUND.
func (db *DB) ZoneBoard(ctx context.Context, id int64) (string, error) {
	return db.RecordBoard(ctx, zonegis.CollectionZones, id)
}

// RecordBoard returns the board of record id of collection (zones,
// parcels, green-areas, leases; a retired parcel's too). Errors:
// ENOTFOUND.
func (db *DB) RecordBoard(ctx context.Context, collection string, id int64) (string, error) {
	q, ok := sqlRecordBoard[collection]
	if !ok {
		return "", zonegis.Errorf(zonegis.ENOTFOUND, "no collection %s", zonegis.Quoted(collection))
	}
	var b string
	err := db.pool.QueryRow(ctx, q, id).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return "", zonegis.Errorf(zonegis.ENOTFOUND, "no %s %d", collection, id)
	}
	return b, mapError(err)
}
