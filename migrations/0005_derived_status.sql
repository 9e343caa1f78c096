-- A parcel's status is a consequence of its leases and its reservation,
-- never an input. It was a stored column that the leasing routes set, so a
-- lease recorded wholly in the past or in the future, a lease reaching its
-- end date, or an item write that raced a lease could leave it contradicting
-- the leases. Now:
--
--   status on day D = 'leased'    if a lease is in force on D
--                                  (start_date <= D < coalesce(ended_on, end_date));
--                     'reserved'  else if a lease starts after D (a signed
--                                  lease not yet begun), or the parcel is
--                                  held (reserved_on <= D);
--                     'available' otherwise.
--
-- Nothing stores the result, so nothing can contradict it and no job has to
-- run at midnight: a lease that reaches its end date frees the parcel by the
-- calendar alone. Readers use the view parcels_now (status as of
-- zg_today()); status_until is the next day on which the status changes by
-- the calendar alone (a lease starting or ending), which the index uses to
-- refresh exactly those parcels when the day turns.
--
-- The calendar is Vietnam's (UTC+7, no daylight saving): a lease ending on
-- 2027-01-01 is in force until midnight in Hà Nội. The setting
-- zonegis.today (a date) fixes the database's day, for tests and drills.
--
-- Lock order, the same for every writer (it is what rules out deadlocks
-- between leasing, reservations, item writes, splits and merges):
--   1. the change-log lock, advisory 7310225, taken first in every
--      land-record write (the service takes it as the first statement of
--      each write transaction; the guard triggers below take it before they
--      read anything, for writers that do not);
--   2. then row locks (parcels before their leases; several parcels in id
--      order).
-- The per-zone advisory lock the parcel guard took after row locks, which
-- leasing took in the opposite order, is gone: the change-log lock already
-- serialises every parcel write.

CREATE FUNCTION zg_today() RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('zonegis.today', true), '')::date,
                    (now() AT TIME ZONE 'UTC' + interval '7 hours')::date)
$$;

ALTER TABLE parcels ADD COLUMN reserved_on date;
UPDATE parcels SET reserved_on = updated_at::date WHERE status = 'reserved';

-- A leased parcel whose stored status had no lease in force behind it (the
-- defect this migration removes) simply becomes what its leases say.
DROP VIEW parcels_all;
ALTER TABLE parcels DROP COLUMN status;

-- lease_periods is the union of the parcel's lease periods, [start_date,
-- coalesce(ended_on, end_date)), kept by the trigger below from the leases
-- themselves: a fact that does not depend on the day, so reading a status
-- costs an expression, not a look-up of the leases (a million parcels load
-- at the speed of the table).
ALTER TABLE parcels ADD COLUMN lease_periods datemultirange NOT NULL DEFAULT '{}';

-- The union of parcel pid's lease periods, from its leases.
CREATE FUNCTION zg_lease_periods(pid bigint) RETURNS datemultirange
LANGUAGE sql STABLE AS $$
    SELECT coalesce(range_agg(daterange(start_date, coalesce(ended_on, end_date))), '{}')
      FROM leases WHERE parcel_id = pid
$$;

UPDATE parcels SET lease_periods = zg_lease_periods(id) WHERE id IN (SELECT parcel_id FROM leases);

-- The rule, once: status on day d from the lease periods and the hold.
CREATE FUNCTION zg_status(periods datemultirange, reserved_on date, d date) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN periods @> d THEN 'leased'
                WHEN periods && daterange(d, NULL, '()') OR reserved_on <= d THEN 'reserved'
                ELSE 'available' END
$$;

-- The first day after d on which the status changes by the calendar
-- alone: the end of the run of leases in force, or the start of the next
-- lease; NULL when none will.
CREATE FUNCTION zg_status_until(periods datemultirange, d date) RETURNS date
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN periods @> d THEN lower(datemultirange(daterange(d, NULL)) - periods)
                ELSE lower(periods * datemultirange(daterange(d, NULL))) END
$$;

-- Parcels with their status as of the database's day, taken once per query
-- (OFFSET 0 keeps the one-row subquery from being folded into every row:
-- loading a million parcels costs what reading the table does).
CREATE VIEW parcels_now AS
SELECT p.id, p.zone_id, p.lot_code, p.land_use,
       zg_status(p.lease_periods, p.reserved_on, t.d) AS status,
       p.synthetic, p.boundary, p.area_m2, p.version, p.updated_at, p.reserved_on,
       zg_status_until(p.lease_periods, t.d) AS status_until
  FROM parcels p CROSS JOIN (SELECT zg_today() AS d OFFSET 0) t;

-- Every parcel that ever was, live (status as of today) or retired (its
-- status when it was retired).
CREATE VIEW parcels_all AS
    SELECT id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, false AS retired
      FROM parcels_now
    UNION ALL
    SELECT id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, true AS retired
      FROM parcels_retired;

-- Any write to a lease touches its parcel: its lease periods are taken
-- again from its leases, its version moves (its ETag changes with its
-- status), the change log records the parcel so every index refetches it,
-- and a reservation is used up by a lease in force or to come. Leases of
-- retired parcels touch nothing.
CREATE FUNCTION zg_lease_touches_parcel() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    l leases;
BEGIN
    IF TG_OP = 'DELETE' THEN
        l := OLD;
    ELSE
        l := NEW;
    END IF;
    UPDATE parcels
       SET lease_periods = zg_lease_periods(l.parcel_id),
           reserved_on = CASE WHEN TG_OP <> 'DELETE' AND coalesce(l.ended_on, l.end_date) > zg_today()
                              THEN NULL ELSE reserved_on END
     WHERE id = l.parcel_id;
    IF TG_OP = 'UPDATE' AND OLD.parcel_id <> NEW.parcel_id THEN
        UPDATE parcels SET lease_periods = zg_lease_periods(OLD.parcel_id) WHERE id = OLD.parcel_id;
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER leases_touch_parcel AFTER INSERT OR UPDATE OR DELETE ON leases
    FOR EACH ROW EXECUTE FUNCTION zg_lease_touches_parcel();

-- The change-log lock first, everywhere (see the lock order above).
CREATE OR REPLACE FUNCTION zg_log_change() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    coll text := TG_ARGV[0];
BEGIN
    PERFORM pg_advisory_xact_lock(7310225);
    IF TG_OP = 'DELETE' THEN
        INSERT INTO changes (collection, item_id, op) VALUES (coll, OLD.id, 'delete');
    ELSE
        INSERT INTO changes (collection, item_id, op) VALUES (coll, NEW.id, lower(TG_OP));
    END IF;
    PERFORM pg_notify('zonegis_changes', coll);
    RETURN NULL;
END $$;

CREATE FUNCTION zg_write_lock() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(7310225);
    RETURN NULL;
END $$;

-- Statement-level, before any row is touched: the lock comes before the
-- row locks the statement itself takes.
CREATE TRIGGER zones_write_lock BEFORE INSERT OR UPDATE OR DELETE ON zones
    FOR EACH STATEMENT EXECUTE FUNCTION zg_write_lock();
CREATE TRIGGER parcels_write_lock BEFORE INSERT OR UPDATE OR DELETE ON parcels
    FOR EACH STATEMENT EXECUTE FUNCTION zg_write_lock();
CREATE TRIGGER green_areas_write_lock BEFORE INSERT OR UPDATE OR DELETE ON green_areas
    FOR EACH STATEMENT EXECUTE FUNCTION zg_write_lock();
CREATE TRIGGER leases_write_lock BEFORE INSERT OR UPDATE OR DELETE ON leases
    FOR EACH STATEMENT EXECUTE FUNCTION zg_write_lock();

CREATE OR REPLACE FUNCTION zg_part_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    what text;
    zb geometry;
    zcode text;
    outside double precision;
    clash bigint[];
BEGIN
    -- Each branch is planned only when it runs, so NEW's fields may differ.
    IF TG_TABLE_NAME = 'parcels' THEN
        what := 'parcel ' || NEW.lot_code;
    ELSE
        what := 'green area ' || coalesce(nullif(NEW.name, ''), NEW.kind);
    END IF;
    PERFORM zg_check_geometry(NEW.boundary, what);
    NEW.boundary := ST_Multi(NEW.boundary);
    SELECT boundary, code INTO zb, zcode FROM zones WHERE id = NEW.zone_id;
    IF zb IS NULL THEN
        RETURN NEW; -- the foreign key reports the missing zone
    END IF;
    IF NOT zg_inside(NEW.boundary, zb) THEN
        outside := ST_Area(ST_Difference(NEW.boundary, zb)::geography);
        RAISE EXCEPTION '% lies outside zone % (% m² outside)', what, zcode, round(outside::numeric, 1)
            USING ERRCODE = 'ZG002', DETAIL = ST_AsText(ST_PointOnSurface(ST_Difference(NEW.boundary, zb)));
    END IF;
    IF TG_TABLE_NAME = 'parcels' THEN
        -- The change-log lock (already held: statement trigger) serialises
        -- parcel writes, so two concurrent inserts cannot both miss each
        -- other.
        SELECT array_agg(p.id ORDER BY p.id) INTO clash
          FROM parcels p
         WHERE p.zone_id = NEW.zone_id
           AND p.id <> NEW.id
           AND p.boundary && NEW.boundary
           AND ST_Relate(p.boundary, NEW.boundary, '2********')
           AND ST_Area(ST_Intersection(p.boundary, NEW.boundary)::geography) >= 0.5;
        IF clash IS NOT NULL THEN
            RAISE EXCEPTION '% overlaps parcel(s) % in zone %', what, array_to_string(clash, ', '), zcode
                USING ERRCODE = 'ZG003', DETAIL = array_to_string(clash, ',');
        END IF;
    END IF;
    RETURN NEW;
END $$;

-- The guards check geometry and containment; a write that changes neither
-- (a reservation, a lease touching its parcel) need not pay for them.
DROP TRIGGER parcels_guard ON parcels;
CREATE TRIGGER parcels_guard BEFORE INSERT OR UPDATE OF zone_id, boundary ON parcels
    FOR EACH ROW EXECUTE FUNCTION zg_part_guard();
