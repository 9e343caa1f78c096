-- A parcel's land-record guard (zg_part_guard: valid geometry, inside its
-- zone, no overlap, its pieces) runs again only when the update changes
-- what it checks: the zone or the boundary. Updates write every column
-- (postgis.UpdateParcel: the row read, changed, written back), so a PATCH
-- of a land use named the boundary and ran the whole guard for a shape it
-- had already passed: 1.3-1.6 ms of a 2 ms update at 250,000 parcels, most
-- of the database's work per write (zonegisbench's mixed row, issue 17).
-- Nothing the guard checked can have changed meanwhile: a zone may not
-- shrink off its parcels (zg_zone_guard) and every other parcel's write
-- checks it against this one. geometry = geometry is exact in PostGIS 3
-- (every vertex, in order, and the SRID), so any other shape still runs the
-- guard.
DROP TRIGGER parcels_guard ON parcels;
CREATE TRIGGER parcels_guard BEFORE UPDATE OF zone_id, boundary ON parcels
    FOR EACH ROW
    WHEN (OLD.zone_id IS DISTINCT FROM NEW.zone_id OR OLD.boundary IS DISTINCT FROM NEW.boundary)
    EXECUTE FUNCTION zg_part_guard();
