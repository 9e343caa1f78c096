-- Import jobs: an HTTP import run in the background (POST
-- /collections/{c}/import answered 202, GET /jobs/{id}). The state lives
-- here, not in one instance's memory, so any instance answers a job; the
-- instance that took the job (it holds the spooled body) runs it and
-- beats its heartbeat with the progress every few seconds. A queued or
-- running job whose heartbeat is older than the lease lost its instance
-- and is marked failed (internal/jobs).
CREATE TABLE import_jobs (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    collection    text NOT NULL CHECK (collection IN ('zones', 'parcels', 'green-areas')),
    -- Who posted it: the key (visible to it and to admins), as the audit
    -- trail names a writer.
    key_id        bigint REFERENCES api_keys(id),
    key_name      text NOT NULL DEFAULT '',
    role          text NOT NULL,
    request_id    text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'running', 'done', 'failed')),
    phase         text NOT NULL DEFAULT '',
    body_bytes    bigint NOT NULL CHECK (body_bytes >= 0),
    features_read bigint NOT NULL DEFAULT 0,
    checked       bigint NOT NULL DEFAULT 0,
    written       bigint NOT NULL DEFAULT 0,
    total         bigint NOT NULL DEFAULT 0, -- features in the source, 0 unknown
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    heartbeat_at  timestamptz NOT NULL DEFAULT now(),
    -- When done: the change-log seq of the write and the count.
    seq           bigint,
    imported      bigint,
    -- When failed: the problem the import answered (code, detail, the
    -- problems listed), bounded by the service (jobs.MaxReportBytes).
    report        jsonb CHECK (report IS NULL OR octet_length(report::text) <= 4194304),
    CHECK ((status IN ('done', 'failed')) = (finished_at IS NOT NULL))
);
-- The sweep of stale jobs reads only the unfinished ones.
CREATE INDEX import_jobs_unfinished_idx ON import_jobs (heartbeat_at) WHERE status IN ('queued', 'running');
CREATE INDEX import_jobs_finished_idx ON import_jobs (finished_at) WHERE finished_at IS NOT NULL;
