-- People and their roles per board (issue 14).
--
-- A user is a person (or a script's account): a login, unique whatever its
-- case, a display name and an email, a password stored only as an argon2id
-- PHC string ("$argon2id$v=19$m=...,t=...,p=...$salt$hash", made and checked
-- by internal/registry, never here), or an OpenID Connect identity (issuer
-- and subject), or both. A user has at most one system role: '' (none),
-- 'admin' (everything, every board) or 'ministry' (reads every board's
-- confidential figures, writes nothing); besides it, grants give a role on
-- one board each. Users are disabled, never deleted, so the audit trail can
-- always name them; a disabled user's keys and sessions stop working at once
-- (the service reads disabled_at on every request).
CREATE TABLE users (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    login           text NOT NULL CHECK (login ~ '^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$'),
    display_name    text NOT NULL DEFAULT '' CHECK (length(display_name) <= 200),
    email           text NOT NULL DEFAULT '' CHECK (length(email) <= 254),
    password_hash   text CHECK (password_hash IS NULL OR password_hash LIKE '$argon2id$%'),
    oidc_issuer     text,
    oidc_subject    text,
    system_role     text NOT NULL DEFAULT '' CHECK (system_role IN ('', 'admin', 'ministry')),
    disabled_at     timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    password_set_at timestamptz,
    CHECK ((oidc_issuer IS NULL) = (oidc_subject IS NULL)),
    UNIQUE (oidc_issuer, oidc_subject)
);
CREATE UNIQUE INDEX users_login_key ON users (lower(login));

-- A role on one board. A board that is deleted (it keeps no zones) takes
-- its grants with it.
CREATE TABLE user_grants (
    user_id   bigint NOT NULL REFERENCES users(id),
    board_id  text NOT NULL REFERENCES boards(id) ON DELETE CASCADE,
    role      text NOT NULL CHECK (role IN ('viewer', 'planner', 'board_admin')),
    PRIMARY KEY (user_id, board_id)
);
CREATE INDEX user_grants_board_idx ON user_grants (board_id);

-- A key acts as its user, with at most the user's grants; it may expire,
-- and it records when it was last used (at most once a minute).
ALTER TABLE api_keys
    ADD COLUMN user_id      bigint REFERENCES users(id),
    ADD COLUMN expires_at   timestamptz,
    ADD COLUMN last_used_at timestamptz;

-- The keys made before this migration keep working as they did: each gets
-- a user of its own, login "key-<prefix>", named as the key was. An admin
-- key's user is a system admin; a planner key's user is a planner on every
-- board there is now (a planner key could write every board's records). A
-- revoked key's user is disabled from the day the key was revoked.
INSERT INTO users (login, display_name, system_role, created_at, disabled_at)
SELECT 'key-' || prefix, name, CASE role WHEN 'admin' THEN 'admin' ELSE '' END, created_at, revoked_at
FROM api_keys ORDER BY id;
UPDATE api_keys k SET user_id = u.id FROM users u WHERE u.login = 'key-' || k.prefix;
INSERT INTO user_grants (user_id, board_id, role)
SELECT k.user_id, b.id, 'planner' FROM api_keys k CROSS JOIN boards b WHERE k.role = 'planner';
ALTER TABLE api_keys ALTER COLUMN user_id SET NOT NULL;
ALTER TABLE api_keys DROP COLUMN role;
CREATE INDEX api_keys_user_idx ON api_keys (user_id);

-- An import job runs as the user who posted it (their grants read again
-- when it runs).
ALTER TABLE import_jobs ADD COLUMN user_id bigint REFERENCES users(id);
UPDATE import_jobs j SET user_id = k.user_id FROM api_keys k WHERE j.key_id = k.id;

-- The audit trail names the person and the board of each write.
ALTER TABLE audit_log
    ADD COLUMN user_id    bigint REFERENCES users(id),
    ADD COLUMN user_login text NOT NULL DEFAULT '',
    ADD COLUMN board_id   text;

-- zg_audit_board is the board of an audited write, from the row's image
-- after it (or before it, for a delete): a zone's own board, a parcel's or
-- green area's zone's, a lease's parcel's zone's, a board's own id. NULL
-- when the image says none (an import's summary row names its board in the
-- statement that writes it).
CREATE FUNCTION zg_audit_board(collection text, before jsonb, after jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE collection
        WHEN 'zones' THEN COALESCE(after, before)->>'board_id'
        WHEN 'boards' THEN COALESCE(after, before)->>'id'
        WHEN 'leases' THEN (SELECT z.board_id FROM (SELECT id, zone_id FROM parcels UNION ALL
                                                    SELECT id, zone_id FROM parcels_retired) p
                            JOIN zones z ON z.id = p.zone_id
                            WHERE p.id = (COALESCE(after, before)->>'parcel_id')::bigint LIMIT 1)
        WHEN 'parcels' THEN (SELECT board_id FROM zones WHERE id = (COALESCE(after, before)->>'zone_id')::bigint)
        WHEN 'green-areas' THEN (SELECT board_id FROM zones WHERE id = (COALESCE(after, before)->>'zone_id')::bigint)
    END
$$;

CREATE FUNCTION zg_audit_fill() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.board_id IS NULL THEN
        NEW.board_id := zg_audit_board(NEW.collection, NEW.before, NEW.after);
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_log_board BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION zg_audit_fill();

-- Past entries: the user of the key that wrote them, and their board.
UPDATE audit_log a SET user_id = k.user_id, user_login = 'key-' || k.prefix FROM api_keys k WHERE a.key_id = k.id;
UPDATE audit_log SET board_id = zg_audit_board(collection, before, after);
CREATE INDEX audit_log_user_idx ON audit_log (lower(user_login), id);
CREATE INDEX audit_log_board_idx ON audit_log (board_id, id);
