-- Deterministic synthetic parcels, green areas and leases inside the zones
-- whose codes are listed, comma-separated, in the setting zonegis.seed_codes
-- (all non-economic zones when it is empty). No random
-- numbers: every choice is md5 of the zone code and grid cell, so the same
-- seed data comes out on every machine.
CREATE OR REPLACE FUNCTION pg_temp.h(t text) RETURNS double precision
LANGUAGE sql IMMUTABLE AS $$ SELECT ('x' || substr(md5(t), 1, 8))::bit(32)::bigint / 4294967296.0 $$;

CREATE TEMP TABLE seed_zones ON COMMIT DROP AS
SELECT id, code, kind, sectors,
       CASE WHEN ST_X(ST_Centroid(boundary)) < 108 THEN 32648 ELSE 32649 END AS srid,
       140 + floor(pg_temp.h(code || ':cell') * 60)::int AS cell,
       0.40 + 0.55 * pg_temp.h(code || ':occupancy') AS occupancy
  FROM zones
 WHERE kind <> 'economic_zone' AND (current_setting('zonegis.seed_codes') = '' OR code = ANY(string_to_array(current_setting('zonegis.seed_codes'), ',')));

CREATE TEMP TABLE seed_cells ON COMMIT DROP AS
WITH zu AS (
    SELECT s.*, ST_Buffer(ST_Transform(z.boundary, s.srid), -12) AS ib
      FROM seed_zones s JOIN zones z USING (id)
)
SELECT zu.id AS zone_id, zu.code, zu.kind, zu.sectors, zu.occupancy, g.i, g.j,
       ST_Transform(ST_Intersection(ST_Buffer(g.geom, -6, 'join=mitre'), zu.ib), 4326) AS geom,
       pg_temp.h(zu.code || ':' || g.i || ':' || g.j) AS r
  FROM zu, LATERAL ST_SquareGrid(zu.cell, zu.ib) g
 WHERE ST_Intersects(g.geom, zu.ib)
   AND ST_Area(ST_Intersection(ST_Buffer(g.geom, -6, 'join=mitre'), zu.ib)) >= 0.45 * (zu.cell - 12) ^ 2;

DELETE FROM seed_cells WHERE NOT ST_IsValid(geom) OR ST_IsEmpty(ST_CollectionExtract(geom, 3));

-- Each synthetic parcel's intended status: 'leased' ones get a lease in
-- force below, 'reserved' ones a reservation; the status itself is derived
-- from those (migrations/0005).
CREATE TEMP TABLE seed_parcels ON COMMIT DROP AS
SELECT zone_id,
       'L' || lpad(row_number() OVER (PARTITION BY zone_id ORDER BY j DESC, i)::text, 4, '0') AS lot_code,
       CASE WHEN kind = 'high_tech_park' AND u < 0.30 THEN 'research'
            WHEN u < 0.70 THEN 'industrial'
            WHEN u < 0.80 THEN 'logistics'
            WHEN u < 0.88 THEN 'warehouse'
            WHEN u < 0.93 THEN 'commercial'
            WHEN u < 0.96 THEN 'utilities'
            WHEN u < 0.98 THEN 'administrative'
            ELSE 'residential_services' END AS land_use,
       CASE WHEN s < occupancy THEN 'leased'
            WHEN s < occupancy + 0.06 THEN 'reserved'
            ELSE 'available' END AS status,
       ST_Multi(ST_CollectionExtract(geom, 3)) AS boundary, j, i
  FROM (SELECT c.*, pg_temp.h(code || ':use:' || i || ':' || j) AS u,
               pg_temp.h(code || ':status:' || i || ':' || j) AS s
          FROM seed_cells c WHERE r >= 0.08) x;

INSERT INTO parcels (zone_id, lot_code, land_use, reserved_on, synthetic, boundary)
SELECT zone_id, lot_code, land_use, CASE WHEN status = 'reserved' THEN zg_today() END, true, boundary
  FROM seed_parcels
 ORDER BY zone_id, j DESC, i;

INSERT INTO green_areas (zone_id, kind, name, synthetic, boundary)
SELECT zone_id,
       CASE WHEN r < 0.06 THEN 'park' ELSE 'water_surface' END,
       CASE WHEN r < 0.06 THEN 'Park ' ELSE 'Pond ' END || i || '/' || j,
       true,
       ST_Multi(ST_CollectionExtract(geom, 3))
  FROM seed_cells WHERE r < 0.08
 ORDER BY zone_id, j DESC, i;

-- A 10 m tree belt along the inside of every zone boundary.
INSERT INTO green_areas (zone_id, kind, name, synthetic, boundary)
SELECT s.id, 'tree_belt', 'Perimeter tree belt', true, b
  FROM seed_zones s JOIN zones z USING (id),
       LATERAL (SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Transform(
                   ST_Difference(ST_Transform(z.boundary, s.srid), ST_Buffer(ST_Transform(z.boundary, s.srid), -10)),
                   4326)), 3)) AS b) t
 WHERE NOT ST_IsEmpty(b)
 ORDER BY s.id;

-- Current leases on leased parcels: 50-year terms starting 1996–2025,
-- skewed towards recent years.
CREATE TEMP TABLE seed_leases ON COMMIT DROP AS
SELECT p.id AS parcel_id, sp.status, z.code, p.lot_code, z.sectors, p.area_m2,
       ('1996-01-01'::date + floor(sqrt(pg_temp.h(z.code || p.lot_code || ':start')) * 365.25 * 30)::int) AS start_date,
       pg_temp.h(z.code || p.lot_code || ':country') AS hc,
       pg_temp.h(z.code || p.lot_code || ':sector') AS hs,
       pg_temp.h(z.code || p.lot_code || ':capital') AS hk,
       pg_temp.h(z.code || p.lot_code || ':history') AS hh
  FROM parcels p JOIN seed_zones z ON z.id = p.zone_id
  JOIN seed_parcels sp ON sp.zone_id = p.zone_id AND sp.lot_code = p.lot_code;

CREATE OR REPLACE FUNCTION pg_temp.country(h double precision) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT (ARRAY['VN','VN','VN','VN','VN','VN','JP','JP','JP','KR','KR','KR','CN','CN','TW','TW','SG','US','DE','HK'])[1 + floor(h * 20)::int]
$$;
CREATE OR REPLACE FUNCTION pg_temp.sector(h double precision, sectors text[]) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE WHEN cardinality(sectors) > 0 THEN sectors[1 + floor(h * cardinality(sectors))::int]
              ELSE (ARRAY['electronics','garments','mechanical','food processing','logistics','plastics','furniture','chemicals'])[1 + floor(h * 8)::int] END
$$;

INSERT INTO leases (parcel_id, lessee, country, sector, start_date, end_date, capital_usd, workers, contact, synthetic)
SELECT parcel_id, 'Synthetic lessee ' || code || '/' || lot_code, pg_temp.country(hc), pg_temp.sector(hs, sectors),
       start_date, (start_date + interval '50 years')::date,
       round((area_m2 / 10000 * (300000 + hk * 4700000))::numeric, 2),
       round(area_m2 / 10000 * (15 + hk * 150))::int,
       'contact+' || lower(code) || '-' || lower(lot_code) || '@example.invalid',
       true
  FROM seed_leases WHERE status = 'leased'
 ORDER BY parcel_id;

-- Earlier, ended leases: lease history on about a quarter of the parcels.
INSERT INTO leases (parcel_id, lessee, country, sector, start_date, end_date, ended_on, capital_usd, workers, contact, synthetic)
SELECT parcel_id, 'Synthetic former lessee ' || code || '/' || lot_code, pg_temp.country(hk), pg_temp.sector(hc, sectors),
       ps, (ps + interval '50 years')::date, pe,
       round((area_m2 / 10000 * (200000 + hc * 2000000))::numeric, 2),
       round(area_m2 / 10000 * (10 + hs * 100))::int,
       '', true
  FROM (SELECT *,
               CASE WHEN status = 'leased' THEN start_date - (365 * (4 + floor(hh * 40)))::int
                    ELSE '1998-01-01'::date + floor(hh * 4 * 365 * 4)::int END AS ps,
               CASE WHEN status = 'leased' THEN start_date
                    ELSE '1998-01-01'::date + floor(hh * 4 * 365 * 4)::int + (365 * (2 + floor(hs * 8)))::int END AS pe
          FROM seed_leases WHERE hh < 0.25) x
 WHERE ps >= '1992-01-01' AND pe > ps AND pe <= '2026-01-01'
 ORDER BY parcel_id;
