-- Source attributes (issue 12, point 3: nothing lost). Every zone, parcel
-- and green area may carry `attributes`: the fields of the file it was
-- imported from that map to no column of ours (an address, the cadastral
-- land-use code, an assessed value ...), named as in the source.
--
-- A JSON object whose values are strings, numbers, booleans or null (flat:
-- no nested objects or arrays, as in the attribute table of the formats
-- boards hold). NULL means none; the column has no default, so adding it
-- rewrites no row and costs nothing for the records that have none. '{}'
-- is tolerated and read as none.
--
-- The API checks every attributes object before a write (featurejson:
-- keys 1 to 128 bytes, at most 256 of them, at most 16 KiB as compact
-- JSON, values flat). These CHECKs are the backstop for writers that do
-- not go through it: an object, flat, and a bound on its text that the
-- API's bound can never reach (jsonb prints ": " and ", ", 2 bytes a key
-- more than compact JSON: 16384 + 2 * 256 < 20480).

CREATE FUNCTION zg_attributes_ok(a jsonb) RETURNS boolean
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT a IS NULL OR (
        jsonb_typeof(a) = 'object'
        AND octet_length(a::text) <= 20480
        AND NOT EXISTS (SELECT 1 FROM jsonb_each(a) e
                         WHERE jsonb_typeof(e.value) IN ('object', 'array') OR e.key = ''))
$$;

ALTER TABLE zones ADD COLUMN attributes jsonb
    CONSTRAINT zones_attributes_check CHECK (zg_attributes_ok(attributes));
ALTER TABLE parcels ADD COLUMN attributes jsonb
    CONSTRAINT parcels_attributes_check CHECK (zg_attributes_ok(attributes));
ALTER TABLE green_areas ADD COLUMN attributes jsonb
    CONSTRAINT green_areas_attributes_check CHECK (zg_attributes_ok(attributes));
-- A retired parcel keeps its attributes with the rest of its last image.
ALTER TABLE parcels_retired ADD COLUMN attributes jsonb;

-- As in 0006, with attributes added at the end (CREATE OR REPLACE VIEW may
-- add columns there; parcels_all, over it, is unchanged).
CREATE OR REPLACE VIEW parcels_now AS
SELECT p.id, p.zone_id, p.lot_code, p.land_use,
       zg_status(p.lease_periods, p.reserved_on, t.d) AS status,
       p.synthetic, p.boundary, p.area_m2, p.version, p.updated_at, p.reserved_on,
       zg_status_until(p.lease_periods, t.d) AS status_until,
       p.attributes
  FROM parcels p CROSS JOIN (SELECT zg_today() AS d OFFSET 0) t;
