-- Bulk inserts guarded set-wise (issue 12, point 5).
--
-- An import writes its checked features with one INSERT ... SELECT per
-- table. Row by row, the guard (zg_part_guard) and the change log
-- (zg_log_change) cost about 1 ms a parcel (an index probe for overlaps,
-- the pieces, the zone's containment, a change row and a NOTIFY each):
-- 100,000 parcels took 100 s to write after 20 s of checks. A transaction
-- that sets zonegis.bulk_insert to on (set_config(..., true): for the
-- transaction only) has its INSERTs into parcels and green_areas guarded
-- by a statement-level trigger instead, over the statement's new rows as
-- one set, enforcing the same rules with the same errors:
--   * zg_check_geometry on every row the cheap test cannot clear (ZG001,
--     ZG004; a row that is valid, non-empty, polygonal, in range and
--     narrower than 180° passes it by construction);
--   * within its zone, zg_inside (ZG002);
--   * overlaps, pieces against pieces, with the parcels there and among
--     the new rows, the same tolerance (ZG003 naming the parcels);
--   * the pieces of large parcels, the change-log rows (one per row, in
--     id order) and one NOTIFY.
-- Nothing else changes: UPDATEs and every INSERT outside such a
-- transaction keep the row triggers, and the setting cannot switch a rule
-- off, only choose which trigger enforces it.

CREATE FUNCTION zg_bulk() RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('zonegis.bulk_insert', true), '') = 'on'
$$;

-- Whether g passes zg_check_geometry's tests other than validity, for
-- certain: non-empty, EPSG:4326, polygonal, in range, narrower than 180°
-- as a whole (so is each part). With ST_IsValid, zg_geometry_clear: g
-- passes zg_check_geometry by construction (the full check runs on the
-- rest, for its errors).
CREATE FUNCTION zg_geometry_shape_ok(g geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT g IS NOT NULL AND NOT ST_IsEmpty(g) AND ST_SRID(g) = 4326
       AND GeometryType(g) IN ('POLYGON', 'MULTIPOLYGON')
       AND ST_XMin(g) >= -180 AND ST_XMax(g) <= 180 AND ST_YMin(g) >= -90 AND ST_YMax(g) <= 90
       AND ST_XMax(g) - ST_XMin(g) < 180
$$;

CREATE FUNCTION zg_geometry_clear(g geometry) RETURNS boolean
LANGUAGE sql IMMUTABLE AS $$
    SELECT zg_geometry_shape_ok(g) AND ST_IsValid(g)
$$;

CREATE FUNCTION zg_part_bulk_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    bad record;
    found_pair boolean;
    seqscan text;
BEGIN
    IF NOT zg_bulk() THEN
        RETURN NULL; -- the row triggers did it all
    END IF;
    -- Each branch is planned only when it runs (the tables' columns differ).
    IF TG_TABLE_NAME = 'parcels' THEN
        PERFORM zg_check_geometry(n.boundary, 'parcel ' || n.lot_code)
           FROM new_rows n WHERE NOT zg_geometry_clear(n.boundary);
        SELECT 'parcel ' || n.lot_code AS what, z.code, n.boundary AS g, z.boundary AS zb INTO bad
          FROM new_rows n JOIN zones z ON z.id = n.zone_id
         WHERE NOT zg_inside(n.boundary, z.boundary)
         ORDER BY n.id LIMIT 1;
    ELSE
        PERFORM zg_check_geometry(n.boundary, 'green area ' || coalesce(nullif(n.name, ''), n.kind))
           FROM new_rows n WHERE NOT zg_geometry_clear(n.boundary);
        SELECT 'green area ' || coalesce(nullif(n.name, ''), n.kind) AS what, z.code, n.boundary AS g, z.boundary AS zb INTO bad
          FROM new_rows n JOIN zones z ON z.id = n.zone_id
         WHERE NOT zg_inside(n.boundary, z.boundary)
         ORDER BY n.id LIMIT 1;
    END IF;
    IF bad.what IS NOT NULL THEN
        RAISE EXCEPTION '% lies outside zone % (% m² outside)', bad.what, bad.code,
                round(ST_Area(ST_Difference(bad.g, bad.zb)::geography)::numeric, 1)
            USING ERRCODE = 'ZG002', DETAIL = ST_AsText(ST_PointOnSurface(ST_Difference(bad.g, bad.zb)));
    END IF;
    IF TG_TABLE_NAME = 'parcels' THEN
        -- The large new parcels' pieces first: the check below compares
        -- pieces with pieces, as zg_part_guard does.
        INSERT INTO parcel_pieces (parcel_id, zone_id, piece)
        SELECT n.id, n.zone_id, ST_Subdivide(n.boundary, 128)
          FROM new_rows n WHERE ST_NPoints(n.boundary) > zg_piece_threshold();
        -- Each new parcel against every parcel of its zone that its bound
        -- meets (GiST), pieces against pieces: any pair over the tolerance
        -- refuses the statement. Planned on each run (EXECUTE), for this
        -- statement's number of rows (a plan PL/pgSQL kept from a 3-row
        -- insert would be used for 100,000), and by the GiST indexes only:
        -- the statistics of parcels predate this statement's rows, and an
        -- import of 100,000 parcels into a table analyzed with 100 rows was
        -- planned with a scan of parcels, or of the zone's parcels by the
        -- (zone_id, lot_code) index, for each new one (hours). Hence no seq
        -- scan, and zone_id + 0, which no index serves.
        seqscan := current_setting('enable_seqscan');
        PERFORM set_config('enable_seqscan', 'off', true);
        EXECUTE $q$
        SELECT true FROM (SELECT np.id, o.id AS other
                          FROM (SELECT n.id, n.zone_id, n.boundary AS g FROM new_rows n
                                 WHERE ST_NPoints(n.boundary) <= zg_piece_threshold()
                                UNION ALL
                                SELECT q.parcel_id, q.zone_id, q.piece FROM parcel_pieces q
                                 WHERE q.parcel_id IN (SELECT n.id FROM new_rows n WHERE ST_NPoints(n.boundary) > zg_piece_threshold())) np
                          CROSS JOIN LATERAL (
                                SELECT p.id, p.boundary AS g FROM parcels p
                                 WHERE p.boundary && np.g AND p.zone_id + 0 = np.zone_id AND p.id <> np.id
                                   AND NOT EXISTS (SELECT 1 FROM parcel_pieces s WHERE s.parcel_id = p.id)
                                UNION ALL
                                SELECT s.parcel_id, s.piece FROM parcel_pieces s
                                 WHERE s.piece && np.g AND s.zone_id = np.zone_id AND s.parcel_id <> np.id) o
                         WHERE ST_Intersects(o.g, np.g)
                         GROUP BY np.id, o.id
                        HAVING sum(ST_Area(ST_Intersection(o.g, np.g)::geography)) >= zg_overlap_tolerance()) x
         LIMIT 1
        $q$ INTO found_pair;
        IF found_pair THEN
            -- Only then, which to name, as row by row: the first new parcel
            -- that overlaps one there or a new one before it, with all of
            -- those (each pair once).
            EXECUTE $q$
            SELECT 'parcel ' || n.lot_code AS what, z.code, h.clash
              FROM (SELECT x.id, array_agg(x.other ORDER BY x.other) AS clash
                      FROM (SELECT np.id, o.id AS other
                          FROM (SELECT n.id, n.zone_id, n.boundary AS g FROM new_rows n
                                 WHERE ST_NPoints(n.boundary) <= zg_piece_threshold()
                                UNION ALL
                                SELECT q.parcel_id, q.zone_id, q.piece FROM parcel_pieces q
                                 WHERE q.parcel_id IN (SELECT n.id FROM new_rows n WHERE ST_NPoints(n.boundary) > zg_piece_threshold())) np
                          CROSS JOIN LATERAL (
                                SELECT p.id, p.boundary AS g FROM parcels p
                                 WHERE p.boundary && np.g AND p.zone_id + 0 = np.zone_id AND p.id <> np.id
                                   AND NOT EXISTS (SELECT 1 FROM parcel_pieces s WHERE s.parcel_id = p.id)
                                UNION ALL
                                SELECT s.parcel_id, s.piece FROM parcel_pieces s
                                 WHERE s.piece && np.g AND s.zone_id = np.zone_id AND s.parcel_id <> np.id) o
                         WHERE ST_Intersects(o.g, np.g)
                         GROUP BY np.id, o.id
                        HAVING sum(ST_Area(ST_Intersection(o.g, np.g)::geography)) >= zg_overlap_tolerance()) x
                      LEFT JOIN new_rows m ON m.id = x.other
                     WHERE x.other < x.id OR m.id IS NULL
                     GROUP BY x.id ORDER BY x.id LIMIT 1) h
              JOIN new_rows n ON n.id = h.id JOIN zones z ON z.id = n.zone_id
            $q$ INTO bad;
        END IF;
        PERFORM set_config('enable_seqscan', seqscan, true);
        IF found_pair THEN
            RAISE EXCEPTION '% overlaps parcel(s) % in zone %', bad.what, array_to_string(bad.clash, ', '), bad.code
                USING ERRCODE = 'ZG003', DETAIL = array_to_string(bad.clash, ',');
        END IF;
    END IF;
    -- The change log, as zg_log_change would have written it row by row
    -- (the change-log lock is held: statement trigger zg_write_lock).
    INSERT INTO changes (collection, item_id, op)
    SELECT TG_ARGV[0], n.id, 'insert' FROM new_rows n ORDER BY n.id;
    PERFORM pg_notify('zonegis_changes', TG_ARGV[0]);
    RETURN NULL;
END $$;

-- The row triggers of INSERT give way in a bulk transaction; UPDATE and
-- DELETE keep theirs unchanged.
DROP TRIGGER parcels_guard ON parcels;
CREATE TRIGGER parcels_guard BEFORE UPDATE OF zone_id, boundary ON parcels
    FOR EACH ROW EXECUTE FUNCTION zg_part_guard();
CREATE TRIGGER parcels_guard_insert BEFORE INSERT ON parcels
    FOR EACH ROW WHEN (NOT zg_bulk()) EXECUTE FUNCTION zg_part_guard();
DROP TRIGGER green_areas_guard ON green_areas;
CREATE TRIGGER green_areas_guard BEFORE UPDATE ON green_areas
    FOR EACH ROW EXECUTE FUNCTION zg_part_guard();
CREATE TRIGGER green_areas_guard_insert BEFORE INSERT ON green_areas
    FOR EACH ROW WHEN (NOT zg_bulk()) EXECUTE FUNCTION zg_part_guard();

DROP TRIGGER parcels_log ON parcels;
CREATE TRIGGER parcels_log AFTER UPDATE OR DELETE ON parcels
    FOR EACH ROW EXECUTE FUNCTION zg_log_change('parcels');
CREATE TRIGGER parcels_log_insert AFTER INSERT ON parcels
    FOR EACH ROW WHEN (NOT zg_bulk()) EXECUTE FUNCTION zg_log_change('parcels');
DROP TRIGGER green_areas_log ON green_areas;
CREATE TRIGGER green_areas_log AFTER UPDATE OR DELETE ON green_areas
    FOR EACH ROW EXECUTE FUNCTION zg_log_change('green-areas');
CREATE TRIGGER green_areas_log_insert AFTER INSERT ON green_areas
    FOR EACH ROW WHEN (NOT zg_bulk()) EXECUTE FUNCTION zg_log_change('green-areas');

CREATE TRIGGER parcels_bulk_guard AFTER INSERT ON parcels
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION zg_part_bulk_guard('parcels');
CREATE TRIGGER green_areas_bulk_guard AFTER INSERT ON green_areas
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION zg_part_bulk_guard('green-areas');
