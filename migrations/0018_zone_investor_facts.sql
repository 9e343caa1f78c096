-- The facts investors compare between zones (issue 15, point 4), kept by
-- the zone's board and NULL while unknown: nothing is ever filled in by
-- guess. zonegis.InvestorFacts.Validate gives the reasons; these CHECKs
-- are the backstop for any other writer.
--
--   rent_min_usd_m2, rent_max_usd_m2  land rent, US dollars per m² for the
--                                     whole lease term (how zones quote it),
--                                     a range (min = max for one price)
--   rent_term_ends                    the year or years the quoted terms end
--                                     (the zone's land-use term, e.g. {2058})
--   fee_usd_m2_year                   management (service) fee, USD per m² a year
--   power_mva                         power supply capacity, MVA (substations)
--   water_m3_day                      clean water supply capacity, m³ a day
--   wastewater_m3_day                 wastewater treatment capacity, m³ a day
--   incentives_vi, incentives_en      investment incentives, text
--   contact_*                         the developer's or board's sales
--                                     contact: public, unlike lessees'

ALTER TABLE zones
    ADD COLUMN rent_min_usd_m2   numeric CHECK (rent_min_usd_m2 >= 0 AND rent_min_usd_m2 <= 100000),
    ADD COLUMN rent_max_usd_m2   numeric CHECK (rent_max_usd_m2 >= 0 AND rent_max_usd_m2 <= 100000),
    ADD COLUMN rent_term_ends    integer[] CHECK (cardinality(rent_term_ends) BETWEEN 1 AND 8
        AND 1990 <= ALL (rent_term_ends) AND 2200 >= ALL (rent_term_ends)),
    ADD COLUMN fee_usd_m2_year   numeric CHECK (fee_usd_m2_year >= 0 AND fee_usd_m2_year <= 10000),
    ADD COLUMN power_mva         numeric CHECK (power_mva >= 0 AND power_mva <= 100000),
    ADD COLUMN water_m3_day      numeric CHECK (water_m3_day >= 0 AND water_m3_day <= 10000000),
    ADD COLUMN wastewater_m3_day numeric CHECK (wastewater_m3_day >= 0 AND wastewater_m3_day <= 10000000),
    ADD COLUMN incentives_vi     text CHECK (length(incentives_vi) BETWEEN 1 AND 4000),
    ADD COLUMN incentives_en     text CHECK (length(incentives_en) BETWEEN 1 AND 4000),
    ADD COLUMN contact_name      text CHECK (length(contact_name) BETWEEN 1 AND 200),
    ADD COLUMN contact_phone     text CHECK (contact_phone ~ '^\+?[0-9][0-9 ().-]{5,30}$'),
    ADD COLUMN contact_email     text CHECK (length(contact_email) BETWEEN 3 AND 254 AND contact_email LIKE '%_@_%'),
    ADD COLUMN contact_website   text CHECK (length(contact_website) <= 500 AND contact_website ~ '^https?://'),
    ADD CONSTRAINT zones_rent_range CHECK (rent_min_usd_m2 <= rent_max_usd_m2);
