-- Deterministic synthetic enterprises, investment projects (with their
-- parcels, capital adjustments and yearly disbursements) and yearly
-- enterprise reports for the seeded leases (issue 18, point 2). Runs after
-- seed.sql in the same transaction, over its temporary tables and its hash
-- pg_temp.h (md5, no random numbers): the same rows on every machine.
-- Every row is marked synthetic. The shape follows the boards' published
-- reports (migrations/0016) without pretending to be them: about 70 % of
-- projects FDI (Hải Phòng: 400 of 567), FDI registered in USD and domestic
-- in VND, a few per cent of the workers foreign (Hải Phòng: 4,500 of
-- 160,000), a small share of high-tech projects holding a large share of
-- the capital (HEPZA 2020-2025: 6 % of the new projects, 44 % of the new
-- capital), manufacturing (VSIC section C) first.
--
-- Each seeded lease named its lessee, and the lease trigger of migration
-- 0015 (zg_lease_enterprise) made the enterprise: one per lessee, in the
-- board of the lease's zone. This script completes those enterprises (MST,
-- English name, VSIC code, high-tech and supporting-industry flags), gives
-- each lease a project on its parcel, and each project's enterprise its
-- yearly reports.

-- seed.sql's hash as numeric (money is numeric, never float).
CREATE OR REPLACE FUNCTION pg_temp.hn(t text) RETURNS numeric LANGUAGE sql IMMUTABLE AS $$ SELECT pg_temp.h(t)::numeric $$;

-- Approximate yearly average exchange rates, VND per 1 USD, for the
-- synthetic projects only (rounded; not an official series).
CREATE TEMP TABLE seed_rates (year int PRIMARY KEY, rate numeric) ON COMMIT DROP;
INSERT INTO seed_rates VALUES
 (1990, 7000), (1991, 9500), (1992, 11200), (1993, 10600), (1994, 10950), (1995, 11000), (1996, 11050), (1997, 11700),
 (1998, 13300), (1999, 13900), (2000, 14200), (2001, 14750), (2002, 15300), (2003, 15500), (2004, 15750), (2005, 15850),
 (2006, 15990), (2007, 16100), (2008, 16450), (2009, 17500), (2010, 18600), (2011, 20500), (2012, 20800), (2013, 20950),
 (2014, 21150), (2015, 21700), (2016, 21950), (2017, 22400), (2018, 22650), (2019, 23050), (2020, 23200), (2021, 23150),
 (2022, 23300), (2023, 23800), (2024, 24900), (2025, 25400), (2026, 25900), (2027, 26200), (2028, 26500);

-- A tax code (MST) for enterprise id: the province digits of its board's
-- province (01 Hà Nội, 02 Hải Phòng, 03 Hồ Chí Minh City, else 09), seven
-- digits that are a bijection of id*11+k (so no two enterprises share
-- one), and the check digit 10 - (Σ dᵢwᵢ mod 11) with the weights
-- 31 29 23 19 17 13 7 5 3 (zonegis.MSTProblem), k the first that gives one.
CREATE OR REPLACE FUNCTION pg_temp.mst(id bigint, province text) RETURNS text LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    w int[] := ARRAY[31, 29, 23, 19, 17, 13, 7, 5, 3];
    head text;
    s int;
    c int;
BEGIN
    FOR k IN 0..10 LOOP
        head := CASE province WHEN 'Hà Nội' THEN '01' WHEN 'Hải Phòng' THEN '02' WHEN 'Thành phố Hồ Chí Minh' THEN '03' ELSE '09' END
             || lpad((((id * 11 + k) * 7919) % 10000000)::text, 7, '0');
        s := 0;
        FOR i IN 1..9 LOOP
            s := s + substr(head, i, 1)::int * w[i];
        END LOOP;
        c := 10 - s % 11;
        IF c < 10 AND substr(head, 3) <> '0000000' THEN
            RETURN head || c;
        END IF;
    END LOOP;
    RETURN NULL;
END $$;

-- VSIC 2018 class (4 digits) of a lease's sector text.
CREATE OR REPLACE FUNCTION pg_temp.vsic(sector text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT CASE sector
    WHEN 'electronics' THEN '2610' WHEN 'microelectronics' THEN '2610' WHEN 'semiconductors' THEN '2610'
    WHEN 'information technology' THEN '6201' WHEN 'software' THEN '6201'
    WHEN 'garments' THEN '1410' WHEN 'footwear' THEN '1520' WHEN 'mechanical' THEN '2592'
    WHEN 'precision engineering' THEN '2829' WHEN 'automation' THEN '2819' WHEN 'automotive parts' THEN '2930'
    WHEN 'food processing' THEN '1079' WHEN 'logistics' THEN '5210' WHEN 'plastics' THEN '2220'
    WHEN 'furniture' THEN '3100' WHEN 'wood' THEN '1610' WHEN 'chemicals' THEN '2011' WHEN 'new materials' THEN '2029'
    WHEN 'steel' THEN '2410' WHEN 'petrochemicals' THEN '1920' WHEN 'energy' THEN '3511' WHEN 'glass' THEN '2310'
    WHEN 'consumer goods' THEN '3290' WHEN 'biotechnology' THEN '7210' WHEN 'research and training' THEN '7210'
    ELSE '3290' END
$$;

-- The seeded leases with their enterprise, zone and hashes.
CREATE TEMP TABLE seed_invest ON COMMIT DROP AS
SELECT l.id AS lease_id, l.enterprise_id, l.parcel_id, p.zone_id, z.code, z.kind, z.province, l.lessee, l.country,
       l.sector, l.start_date, coalesce(l.ended_on, l.end_date) AS until, l.ended_on IS NOT NULL AS ended,
       l.capital_usd, l.workers, l.contact,
       pg_temp.hn(l.lessee || ':tech') AS ht, pg_temp.hn(l.lessee || ':support') AS hs,
       pg_temp.hn(l.lessee || ':irc') AS hi, pg_temp.hn(l.lessee || ':adjust') AS ha,
       pg_temp.hn(l.lessee || ':foreign') AS hf, pg_temp.hn(l.lessee || ':report') AS hr
  FROM leases l JOIN parcels p ON p.id = l.parcel_id JOIN zones z ON z.id = p.zone_id
 WHERE l.synthetic AND z.id IN (SELECT id FROM seed_zones);

-- The enterprises: a synthetic MST, the English name, the VSIC class of
-- the lessee's sector; high-tech: the high-tech sectors, a third of the
-- electronics makers, and half of the rest of a high-tech park's lessees;
-- supporting industry: half of the parts and components makers.
UPDATE enterprises e
   SET mst = pg_temp.mst(e.id, s.province),
       name_en = s.lessee,
       vsic = pg_temp.vsic(s.sector),
       high_tech = s.sector IN ('microelectronics', 'semiconductors', 'software', 'information technology', 'biotechnology',
                                'automation', 'new materials', 'research and training')
                   OR s.sector = 'electronics' AND s.ht < 0.33 OR s.kind = 'high_tech_park' AND s.ht < 0.5,
       supporting_industry = s.sector IN ('mechanical', 'precision engineering', 'plastics', 'automotive parts', 'electronics') AND s.hs < 0.5
  FROM seed_invest s
 WHERE e.id = s.enterprise_id AND e.synthetic;

-- One project per lease, on its parcel: registered (IRC) 1 to 7 months
-- before the lease starts, FDI when the investor is foreign (in USD),
-- domestic otherwise (in VND, whole millions). Capital from the lease's,
-- ten times as large for a high-tech enterprise (few, large projects). Status: terminated when
-- the lease ended, licensed while it is yet to start, a few suspended,
-- operating otherwise. Workers from the lease's: 1-7 % foreign in an FDI
-- project, under 1 % in a domestic one; planned ones a tenth more.
CREATE TEMP TABLE seed_projects ON COMMIT DROP AS
SELECT s.*, e.high_tech,
       (s.start_date - (30 + floor(s.hi * 180))::int) AS irc_date,
       CASE WHEN s.country = 'VN' THEN 'domestic' ELSE 'fdi' END AS origin,
       CASE WHEN s.country = 'VN' THEN 'VND' ELSE 'USD' END AS currency,
       r.rate,
       s.capital_usd * CASE WHEN e.high_tech THEN 10 ELSE 1 END AS base_usd,
       CASE WHEN s.ended OR s.until <= zg_today() THEN 'terminated'
            WHEN s.start_date > zg_today() THEN 'licensed'
            WHEN s.hi > 0.97 THEN 'suspended'
            ELSE 'operating' END AS status,
       round(s.workers * CASE WHEN s.country = 'VN' THEN 0.008 * s.hf ELSE 0.01 + 0.06 * s.hf END)::int AS foreign_workers
  FROM seed_invest s
  JOIN enterprises e ON e.id = s.enterprise_id
  JOIN seed_rates r ON r.year = extract(year FROM (s.start_date - (30 + floor(s.hi * 180))::int))::int;

INSERT INTO projects (irc_number, irc_date, enterprise_id, zone_id, name_vi, name_en, origin, currency, capital, rate, rate_date,
                      status, workers_planned_vn, workers_planned_foreign, workers_vn, workers_foreign, synthetic)
SELECT 'SYN-' || lpad(lease_id::text, 7, '0'), irc_date, enterprise_id, zone_id,
       'Dự án tổng hợp ' || code || ' / ' || lessee, 'Synthetic project ' || code || ' / ' || lessee,
       origin, currency,
       CASE WHEN currency = 'USD' THEN round(base_usd, 2) ELSE round(base_usd * rate, -6) END,
       rate, make_date(extract(year FROM irc_date)::int, 1, 2),
       status,
       round((workers - foreign_workers) * 1.1)::int, round(foreign_workers * 1.1)::int,
       CASE WHEN status IN ('operating', 'suspended') THEN workers - foreign_workers ELSE 0 END,
       CASE WHEN status IN ('operating', 'suspended') THEN foreign_workers ELSE 0 END,
       true
  FROM seed_projects
 ORDER BY lease_id;

INSERT INTO project_parcels (project_id, parcel_id)
SELECT j.id, s.parcel_id
  FROM seed_projects s JOIN projects j ON j.irc_number = 'SYN-' || lpad(s.lease_id::text, 7, '0')
 ORDER BY j.id;

-- Capital added ("tăng vốn") to about a third of the projects that still
-- run, once or twice, 2 to 9 years after registration and no later than
-- 2025: a tenth to a half of the registered capital each time, at the
-- rate of its year.
INSERT INTO project_adjustments (project_id, currency, adjusted_on, irc_number, amount, rate, rate_date)
SELECT j.id, j.currency, a.on_day, j.irc_number || '-DC' || a.n,
       CASE WHEN j.currency = 'USD' THEN round(j.capital * a.share, 2) ELSE round(j.capital * a.share, -6) END,
       r.rate, make_date(extract(year FROM a.on_day)::int, 1, 2)
  FROM seed_projects s
  JOIN projects j ON j.irc_number = 'SYN-' || lpad(s.lease_id::text, 7, '0')
  CROSS JOIN LATERAL (VALUES (1, s.irc_date + (365 * (2 + floor(s.ha * 3 * 4)))::int, 0.1 + 0.4 * pg_temp.hn(s.lessee || ':share1')),
                             (2, s.irc_date + (365 * (6 + floor(s.ha * 3 * 4)))::int, 0.1 + 0.3 * pg_temp.hn(s.lessee || ':share2'))) AS a(n, on_day, share)
  JOIN seed_rates r ON r.year = extract(year FROM a.on_day)::int
 WHERE s.ha < 0.35 AND s.status IN ('operating', 'suspended') AND a.on_day <= '2025-12-31'
   AND (a.n = 1 OR s.ha < 0.12)
   AND j.capital * a.share >= CASE WHEN j.currency = 'USD' THEN 0.01 ELSE 1000000 END
 ORDER BY j.id, a.n;

-- Capital disbursed in the first five years from registration (to 2025):
-- 30, 25, 20, 15 and 10 % of the registered capital, times 0.7 to 1.
INSERT INTO project_disbursements (project_id, currency, year, amount, rate, rate_date)
SELECT j.id, j.currency, d.y,
       CASE WHEN j.currency = 'USD' THEN round(j.capital * d.share * (0.7 + 0.3 * s.hr), 2)
            ELSE round(j.capital * d.share * (0.7 + 0.3 * s.hr), -6) END,
       r.rate, make_date(d.y, 1, 2)
  FROM seed_projects s
  JOIN projects j ON j.irc_number = 'SYN-' || lpad(s.lease_id::text, 7, '0')
  CROSS JOIN LATERAL (SELECT extract(year FROM s.irc_date)::int + k AS y, (ARRAY[0.30, 0.25, 0.20, 0.15, 0.10])[k + 1] AS share
                        FROM generate_series(0, 4) k) d
  JOIN seed_rates r ON r.year = d.y
 WHERE d.y <= 2025 AND s.status <> 'licensed'
 ORDER BY j.id, d.y;

-- Yearly reports 2021-2025 of the enterprises whose project runs, from the
-- year after registration: revenue 0.6 to 2.4 times the registered capital
-- (VND, growing 4 % a year), exports 55-90 % of revenue for FDI and 5-30 %
-- for domestic (USD, at the year's rate), imports 40-70 % of exports, a
-- state-budget contribution of 1-4 % of revenue (VND), the project's
-- workers give or take a few per cent.
INSERT INTO enterprise_reports (enterprise_id, year, revenue_vnd, export_usd, import_usd, budget_vnd, workers_vn, workers_foreign, synthetic)
SELECT enterprise_id, y, revenue, round(revenue * ex / rate, 0), round(revenue * ex / rate * im, 0), round(revenue * bt, -6),
       round(workers_vn * wk)::int, round(workers_foreign * wk)::int, true
  FROM (SELECT j.enterprise_id, g.y, r.rate, j.workers_vn, j.workers_foreign,
               round(j.capital_vnd * (0.6 + 1.8 * s.hr) * (1.04 ^ (g.y - 2021)), -6) AS revenue,
               CASE WHEN j.origin = 'fdi' THEN 0.55 + 0.35 * pg_temp.hn(s.lessee || ':ex') ELSE 0.05 + 0.25 * pg_temp.hn(s.lessee || ':ex') END AS ex,
               0.4 + 0.3 * pg_temp.hn(s.lessee || ':im') AS im,
               0.01 + 0.03 * pg_temp.hn(s.lessee || ':budget') AS bt,
               0.95 + 0.08 * pg_temp.hn(s.lessee || ':w' || g.y) AS wk
          FROM seed_projects s
          JOIN projects j ON j.irc_number = 'SYN-' || lpad(s.lease_id::text, 7, '0')
          CROSS JOIN generate_series(2021, 2025) g(y)
          JOIN seed_rates r ON r.year = g.y
         WHERE j.status IN ('operating', 'suspended') AND g.y > extract(year FROM j.irc_date)) x
 ORDER BY enterprise_id, y;
