-- Geometry at the edges of the world (issue 11, point 9).
--
-- PostGIS measures a geography's edges as great-circle arcs, while GeoJSON
-- (and this API) draws an edge as the straight line in lon/lat. For the
-- short edges of real parcels the two agree to the millimetre, but an edge
-- along a parallel tens of degrees long is another line altogether, and a
-- polygon as wide as a hemisphere has antipodal edges that geography
-- cannot measure at all (a latitude band came out as 0 m², the world as an
-- error). So:
--   * areas are computed on the boundary densified to 1° (ST_Segmentize),
--     which follows the lon/lat lines GeoJSON means: identical for every
--     edge under 1°, right for long ones;
--   * a boundary spanning 180° of longitude or more is refused: no land
--     record is that large, geography cannot hold it, and a ring that
--     crosses the antimeridian arrives that way (RFC 7946 §3.1.9 says to
--     split it at ±180° into a MultiPolygon; the API says so too).

CREATE OR REPLACE FUNCTION zg_check_geometry(g geometry, what text) RETURNS void
LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    d valid_detail;
BEGIN
    IF g IS NULL OR ST_IsEmpty(g) THEN
        RAISE EXCEPTION '% boundary is empty', what USING ERRCODE = 'ZG004';
    END IF;
    IF ST_SRID(g) <> 4326 THEN
        RAISE EXCEPTION '% boundary has SRID %, expected 4326 (WGS 84 lon/lat)', what, ST_SRID(g) USING ERRCODE = 'ZG004';
    END IF;
    IF GeometryType(g) NOT IN ('POLYGON', 'MULTIPOLYGON') THEN
        RAISE EXCEPTION '% boundary is a %, expected a Polygon or MultiPolygon', what, GeometryType(g) USING ERRCODE = 'ZG004';
    END IF;
    IF ST_XMin(g) < -180 OR ST_XMax(g) > 180 OR ST_YMin(g) < -90 OR ST_YMax(g) > 90 THEN
        RAISE EXCEPTION '% boundary has coordinates outside lon [-180,180] / lat [-90,90]', what USING ERRCODE = 'ZG004';
    END IF;
    FOR i IN 1 .. ST_NumGeometries(g) LOOP
        IF ST_XMax(ST_GeometryN(g, i)) - ST_XMin(ST_GeometryN(g, i)) >= 180 THEN
            RAISE EXCEPTION '% boundary spans % degrees of longitude; a land record must be narrower than 180° (a polygon that crosses the antimeridian must be split at ±180° into a MultiPolygon, RFC 7946 §3.1.9)',
                what, round((ST_XMax(ST_GeometryN(g, i)) - ST_XMin(ST_GeometryN(g, i)))::numeric, 3) USING ERRCODE = 'ZG004';
        END IF;
    END LOOP;
    d := ST_IsValidDetail(g);
    IF NOT d.valid THEN
        RAISE EXCEPTION '% boundary is not valid: %', what, d.reason
            USING ERRCODE = 'ZG001',
                  DETAIL = coalesce(ST_AsText(d.location), '');
    END IF;
END $$;

-- The area columns, recomputed on the densified boundary. The views over
-- parcels go and come back around the change.
DROP VIEW parcels_all;
DROP VIEW parcels_now;

ALTER TABLE zones DROP COLUMN area_m2;
ALTER TABLE zones ADD COLUMN area_m2 double precision
    GENERATED ALWAYS AS (ST_Area(ST_Segmentize(boundary, 1)::geography)) STORED;
ALTER TABLE parcels DROP COLUMN area_m2;
ALTER TABLE parcels ADD COLUMN area_m2 double precision
    GENERATED ALWAYS AS (ST_Area(ST_Segmentize(boundary, 1)::geography)) STORED;
ALTER TABLE green_areas DROP COLUMN area_m2;
ALTER TABLE green_areas ADD COLUMN area_m2 double precision
    GENERATED ALWAYS AS (ST_Area(ST_Segmentize(boundary, 1)::geography)) STORED;

-- As in 0005.
CREATE VIEW parcels_now AS
SELECT p.id, p.zone_id, p.lot_code, p.land_use,
       zg_status(p.lease_periods, p.reserved_on, t.d) AS status,
       p.synthetic, p.boundary, p.area_m2, p.version, p.updated_at, p.reserved_on,
       zg_status_until(p.lease_periods, t.d) AS status_until
  FROM parcels p CROSS JOIN (SELECT zg_today() AS d OFFSET 0) t;

CREATE VIEW parcels_all AS
    SELECT id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, false AS retired
      FROM parcels_now
    UNION ALL
    SELECT id, zone_id, lot_code, land_use, status, synthetic, boundary, area_m2, version, true AS retired
      FROM parcels_retired;
