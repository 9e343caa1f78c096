-- Web sessions (issue 14), in the database so that every instance behind a
-- load balancer accepts them.
--
-- A session's id is in the browser's cookie only: the table keeps its
-- SHA-256 (id_hash), so a copy of the table signs no one in. A session is
-- live while revoked_at is null, now < idle_until (slid forward as it is
-- used, never past expires_at) and now < expires_at (fixed at sign-in),
-- and while its user is not disabled (postgis.UseSession joins users). A
-- user signed in through OpenID Connect is found by users.oidc_issuer and
-- oidc_subject (0013).
-- Ended sessions are deleted by postgis.SweepSessions, a batch at each
-- sign-in, found by sessions_end_idx.
CREATE TABLE sessions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id_hash      bytea NOT NULL UNIQUE CHECK (length(id_hash) = 32),
    user_id      bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf_token   text NOT NULL CHECK (length(csrf_token) >= 32),
    via          text NOT NULL CHECK (via IN ('password', 'oidc')),
    created_at   timestamptz NOT NULL,
    last_seen_at timestamptz NOT NULL,
    idle_until   timestamptz NOT NULL,
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz,
    CHECK (idle_until <= expires_at AND created_at <= expires_at)
);
CREATE INDEX sessions_user_idx ON sessions (user_id);
CREATE INDEX sessions_end_idx ON sessions (least(idle_until, expires_at));
