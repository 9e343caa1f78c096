-- Boards are edited over the API and the CLI (issue 12, point 6): a version
-- for their ETag and If-Match, as zones, parcels and green areas have, and
-- when they last changed.

ALTER TABLE boards
    ADD COLUMN version    bigint NOT NULL DEFAULT 1,
    ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now();
