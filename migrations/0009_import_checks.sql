-- Imports checked set-wise, and parcels checked against big neighbours
-- cheaply (issue 12, points 4 and 5).
--
-- A parcel's overlap check (zg_part_guard) compared the new boundary with
-- every parcel of its zone whose bound it meets, with ST_Relate and
-- ST_Intersection on the whole of each: against a road or a green strip of
-- 18,000 vertices that is about 2 ms a pair, and a road's bound meets
-- thousands of parcels (a real import of 13,115 parcels beside four roads
-- took 258 s instead of 8). Now:
--   * a parcel of more than 256 vertices is also kept as pieces of at most
--     128 vertices (ST_Subdivide, which partitions it: the pieces' areas
--     of intersection add up to the whole's), in parcel_pieces, written
--     by the guard itself (so rows of one statement see each other's) and
--     dropped with the parcel;
--   * the overlap check works on the pieces of both sides, so each pair of
--     pieces costs what two small parcels cost;
--   * the tolerance stays 0.5 m² unless the transaction sets
--     zonegis.overlap_tolerance_m2 (an import's overlap_tolerance_m2).
-- The import's own checks (internal/postgis/import.go) run the same tests
-- over a staging table, set-wise, and predict exactly what this guard and
-- zg_check_geometry refuse.

CREATE TABLE parcel_pieces (
    parcel_id  bigint NOT NULL,
    zone_id    bigint NOT NULL,
    piece      geometry NOT NULL
);
CREATE INDEX parcel_pieces_piece_gix ON parcel_pieces USING gist (piece);
CREATE INDEX parcel_pieces_parcel_idx ON parcel_pieces (parcel_id);

-- Parcels with more vertices than this are kept as pieces too.
CREATE FUNCTION zg_piece_threshold() RETURNS integer
LANGUAGE sql IMMUTABLE AS $$ SELECT 256 $$;

-- The pieces a boundary is checked by: itself when small, else
-- ST_Subdivide's pieces of at most 128 vertices.
CREATE FUNCTION zg_pieces(g geometry) RETURNS SETOF geometry
LANGUAGE sql IMMUTABLE AS $$
    SELECT g WHERE ST_NPoints(g) <= zg_piece_threshold()
    UNION ALL
    SELECT ST_Subdivide(g, 128) WHERE ST_NPoints(g) > zg_piece_threshold()
$$;

-- The overlap two parcels may share, m² (geodesic): 0.5, or the
-- transaction's zonegis.overlap_tolerance_m2.
CREATE FUNCTION zg_overlap_tolerance() RETURNS double precision
LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(current_setting('zonegis.overlap_tolerance_m2', true), '')::double precision, 0.5)
$$;

-- What zg_check_geometry would raise for g, as a row (code, message,
-- detail), or no row when g passes: the import's geometry check, which
-- so predicts the guard exactly.
CREATE FUNCTION zg_geometry_problem(g geometry, what text, OUT code text, OUT message text, OUT detail text)
RETURNS SETOF record
LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    PERFORM zg_check_geometry(g, what);
EXCEPTION WHEN OTHERS THEN
    GET STACKED DIAGNOSTICS code = RETURNED_SQLSTATE, message = MESSAGE_TEXT, detail = PG_EXCEPTION_DETAIL;
    RETURN NEXT;
END $$;

CREATE OR REPLACE FUNCTION zg_part_guard() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    what text;
    zb geometry;
    zcode text;
    outside double precision;
    clash bigint[];
    np geometry[];
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
        -- other. Pieces against pieces: see the head of this file.
        np := ARRAY(SELECT zg_pieces(NEW.boundary));
        SELECT array_agg(o.id ORDER BY o.id) INTO clash FROM (
            SELECT o.id
              FROM (SELECT p.id, p.boundary AS g
                      FROM parcels p
                     WHERE p.zone_id = NEW.zone_id
                       AND p.id <> NEW.id
                       AND p.boundary && NEW.boundary
                       AND NOT EXISTS (SELECT 1 FROM parcel_pieces s WHERE s.parcel_id = p.id)
                    UNION ALL
                    SELECT s.parcel_id, s.piece
                      FROM parcel_pieces s
                     WHERE s.zone_id = NEW.zone_id
                       AND s.parcel_id <> NEW.id
                       AND s.piece && NEW.boundary) o
              CROSS JOIN unnest(np) n(g)
             WHERE o.g && n.g AND ST_Intersects(o.g, n.g)
             GROUP BY o.id
            HAVING sum(ST_Area(ST_Intersection(o.g, n.g)::geography)) >= zg_overlap_tolerance()) o;
        IF clash IS NOT NULL THEN
            RAISE EXCEPTION '% overlaps parcel(s) % in zone %', what, array_to_string(clash, ', '), zcode
                USING ERRCODE = 'ZG003', DETAIL = array_to_string(clash, ',');
        END IF;
        DELETE FROM parcel_pieces WHERE parcel_id = NEW.id;
        IF cardinality(np) > 1 OR ST_NPoints(NEW.boundary) > zg_piece_threshold() THEN
            INSERT INTO parcel_pieces (parcel_id, zone_id, piece) SELECT NEW.id, NEW.zone_id, unnest(np);
        END IF;
    END IF;
    RETURN NEW;
END $$;

CREATE FUNCTION zg_drop_pieces() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM parcel_pieces WHERE parcel_id = OLD.id;
    RETURN NULL;
END $$;

CREATE TRIGGER parcels_drop_pieces AFTER DELETE ON parcels
    FOR EACH ROW EXECUTE FUNCTION zg_drop_pieces();

INSERT INTO parcel_pieces (parcel_id, zone_id, piece)
SELECT p.id, p.zone_id, s.g
  FROM parcels p, LATERAL zg_pieces(p.boundary) s(g)
 WHERE ST_NPoints(p.boundary) > zg_piece_threshold();
