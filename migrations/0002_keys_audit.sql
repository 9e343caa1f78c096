-- API keys and the audit trail.
--
-- A key is shown once, at creation: "zg_<prefix>_<secret>". The table keeps
-- the prefix (to find the row) and the SHA-256 of the whole key; the service
-- compares hashes in constant time. Keys are revoked, never deleted, so the
-- audit trail can always name them.
CREATE TABLE api_keys (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    prefix      text NOT NULL UNIQUE CHECK (prefix ~ '^[a-z0-9]{8}$'),
    hash        bytea NOT NULL CHECK (length(hash) = 32),
    name        text NOT NULL CHECK (name <> ''),
    role        text NOT NULL CHECK (role IN ('planner', 'admin')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    revoked_at  timestamptz
);

-- Every write through the API records who, when, what, before and after.
CREATE TABLE audit_log (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at          timestamptz NOT NULL DEFAULT clock_timestamp(),
    key_id      bigint REFERENCES api_keys(id),
    key_name    text NOT NULL DEFAULT '',
    role        text NOT NULL,
    action      text NOT NULL,
    collection  text NOT NULL,
    item_id     bigint,
    before      jsonb,
    after       jsonb,
    request_id  text NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_item_idx ON audit_log (collection, item_id);
CREATE INDEX audit_log_at_idx ON audit_log (at);
