-- Parcel lineage: splitting a parcel into lots and merging adjacent parcels.
--
-- A split or merge deletes the old parcels (the change log records the
-- deletes and the inserts of the new ones, so every index drops and adds
-- them) and records the ancestry in parcel_lineage. The service refuses to
-- split or merge a parcel with a lease in force today or later, so an old
-- parcel only ever carries ended leases: history that must stay readable.
--
-- Design, the simplest that keeps that history correct:
--   * The last image of each retired parcel moves to parcels_retired (same
--     id, kept forever: it is history).
--   * Leases stay where they are, in leases, with their ids, their parcel_id
--     and the exclusion constraint untouched. Only the foreign key changes:
--     leases.parcel_id used to reference parcels(id) ON DELETE RESTRICT,
--     which makes retiring impossible. It now refers to "a parcel, live or
--     retired", enforced by two triggers that do what the key did:
--       - a lease is written (insert, or parcel_id changed) only on a live
--         parcel, which it locks FOR KEY SHARE as the key did, so a
--         concurrent delete waits for it;
--       - a live parcel that leases refer to can only be deleted once it is
--         in parcels_retired (inside the split or merge's transaction);
--         any other delete is refused with the key's SQLSTATE 23503.
--     And parcels_retired rows can never be changed or deleted, so a lease's
--     parcel never disappears.
--   Moving the leases to a retired-leases table instead would duplicate the
--   lease schema, change nothing the history needs and delete rows that
--   readers and the audit trail know by id.
--   * The lease history of a parcel is its own leases plus those of every
--     ancestor, found by walking parcel_lineage from child to parent.

CREATE TABLE parcels_retired (
    id          bigint PRIMARY KEY,
    zone_id     bigint NOT NULL REFERENCES zones(id) ON DELETE RESTRICT,
    lot_code    text NOT NULL,
    land_use    text NOT NULL,
    status      text NOT NULL,
    synthetic   boolean NOT NULL,
    boundary    geometry(MultiPolygon, 4326) NOT NULL,
    area_m2     double precision NOT NULL,
    version     bigint NOT NULL,
    retired_at  timestamptz NOT NULL DEFAULT now(),
    retired_by  text NOT NULL CHECK (retired_by IN ('split', 'merge'))
);
CREATE INDEX parcels_retired_zone_idx ON parcels_retired (zone_id);

-- parent_id is always a retired parcel; child_id is a parcel made by the
-- split or merge, live or (once split or merged in turn) retired, so it has
-- no foreign key.
CREATE TABLE parcel_lineage (
    parent_id  bigint NOT NULL REFERENCES parcels_retired(id),
    child_id   bigint NOT NULL CHECK (child_id <> parent_id),
    op         text NOT NULL CHECK (op IN ('split', 'merge')),
    at         timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (parent_id, child_id)
);
CREATE INDEX parcel_lineage_child_idx ON parcel_lineage (child_id);

ALTER TABLE leases DROP CONSTRAINT leases_parcel_id_fkey;

CREATE FUNCTION zg_lease_parcel_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.parcel_id = OLD.parcel_id THEN
        RETURN NEW; -- leases of retired parcels may still be corrected
    END IF;
    PERFORM 1 FROM parcels WHERE id = NEW.parcel_id FOR KEY SHARE;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'a lease needs a current parcel; parcel % does not exist or was retired', NEW.parcel_id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'leases_parcel_id_fkey',
                  DETAIL = format('Key (parcel_id)=(%s) is not present in table "parcels".', NEW.parcel_id);
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION zg_parcel_delete_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM leases WHERE parcel_id = OLD.id)
       AND NOT EXISTS (SELECT 1 FROM parcels_retired WHERE id = OLD.id) THEN
        RAISE EXCEPTION 'parcel % has leases; its history is kept, so it cannot be deleted', OLD.id
            USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'leases_parcel_id_fkey',
                  DETAIL = format('Key (id)=(%s) is still referenced from table "leases".', OLD.id);
    END IF;
    RETURN OLD;
END $$;

CREATE FUNCTION zg_retired_is_history() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'retired parcel % is history and cannot be changed or deleted', OLD.id
        USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'leases_parcel_id_fkey',
              DETAIL = format('Key (id)=(%s) is history: leases and parcel_lineage refer to it.', OLD.id);
END $$;

CREATE TRIGGER leases_parcel_guard BEFORE INSERT OR UPDATE OF parcel_id ON leases
    FOR EACH ROW EXECUTE FUNCTION zg_lease_parcel_guard();
CREATE TRIGGER parcels_delete_guard BEFORE DELETE ON parcels
    FOR EACH ROW EXECUTE FUNCTION zg_parcel_delete_guard();
CREATE TRIGGER parcels_retired_history BEFORE UPDATE OR DELETE ON parcels_retired
    FOR EACH ROW EXECUTE FUNCTION zg_retired_is_history();

-- Every parcel that ever was, live or retired: what a lease's parcel_id
-- refers to. Joins from leases that need the parcel (its zone, its area)
-- should use this rather than parcels, or leases of retired parcels drop out.
CREATE VIEW parcels_all AS
    SELECT id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, false AS retired
      FROM parcels
    UNION ALL
    SELECT id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, true AS retired
      FROM parcels_retired;
