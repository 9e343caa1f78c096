-- The boards' own published aggregates (issue 18, point 5): what the
-- management boards say of their zones' investment, workers and
-- enterprises, each row as published, with its source, year and scope.
-- They are kept apart from every figure zonegis derives from its records
-- (GET /stats/published serves them, and nothing else reads them), and are
-- facts, not synthetic data: they are loaded here, on every database.
--
-- Columns:
--   board_id    the board that published the figure, by the seed's ids
--               (geodata/boards.csv: 'deza' is the Hải Phòng Economic Zone
--               Authority, 'hepza' Hồ Chí Minh City's); NULL when it is not
--               known. Not a foreign key: boards are seeded after migrations.
--   scope       'board': every zone of board_id; 'zones': the zones listed
--               in zone_codes (the seed's codes), named by scope_name.
--   year        the year the figure is of; NULL when the source gives none.
--   year_from   the first year of a figure over several years (basis
--               'period'); NULL for one year.
--   as_of       the day a 'cumulative' figure stands at, where the source
--               says it.
--   basis       'cumulative': a stock (projects in force, registered
--               capital, workers) as of as_of / the end of year; 'period':
--               a flow within the year(s) (new, added); 'target': a plan.
--   investor    'all', 'fdi' (foreign direct investment) or 'domestic'.
--   metric      projects, projects_new (newly licensed), projects_adjusted
--               (capital adjusted: "điều chỉnh / tăng vốn"),
--               projects_new_high_tech, capital (registered), capital_new,
--               capital_added, capital_new_and_added, plan_pct (percent of
--               the year's plan), high_tech_share_new_capital_pct, workers,
--               workers_foreign, enterprises.
--   qualifier   '' (as published), 'about' ("khoảng", "about"), 'over'
--               ("hơn", "over", "more than"): the published value is a bound.
--   value, unit the number as published, exact (numeric), in unit: projects,
--               enterprises, workers, USD, VND or percent (0-100).
--   source_*    the document: title, address ('' when none was found), and
--               its date; note says anything a reader needs (what the
--               source left out, how it was read).
CREATE TABLE published_figures (
    id            integer PRIMARY KEY,
    board_id      text,
    scope         text NOT NULL CHECK (scope IN ('board', 'zones')),
    scope_name    text NOT NULL,
    zone_codes    text[] NOT NULL DEFAULT '{}',
    year          integer CHECK (year BETWEEN 1980 AND 2200),
    year_from     integer CHECK (year_from BETWEEN 1980 AND 2200 AND year_from < year),
    as_of         date,
    basis         text NOT NULL CHECK (basis IN ('cumulative', 'period', 'target')),
    investor      text NOT NULL CHECK (investor IN ('all', 'fdi', 'domestic')),
    metric        text NOT NULL CHECK (metric IN ('projects', 'projects_new', 'projects_adjusted', 'projects_new_high_tech',
                      'capital', 'capital_new', 'capital_added', 'capital_new_and_added', 'plan_pct',
                      'high_tech_share_new_capital_pct', 'workers', 'workers_foreign', 'enterprises')),
    qualifier     text NOT NULL DEFAULT '' CHECK (qualifier IN ('', 'about', 'over')),
    value         numeric NOT NULL CHECK (value >= 0),
    unit          text NOT NULL CHECK (unit IN ('projects', 'enterprises', 'workers', 'USD', 'VND', 'percent')),
    source_title  text NOT NULL CHECK (source_title <> ''),
    source_url    text NOT NULL DEFAULT '' CHECK (source_url = '' OR source_url ~ '^https?://'),
    source_date   date,
    note          text NOT NULL DEFAULT '',
    CHECK ((scope = 'board') = (board_id IS NOT NULL AND cardinality(zone_codes) = 0)),
    CHECK ((scope = 'zones') = (cardinality(zone_codes) > 0)),
    CHECK (basis = 'period' OR year_from IS NULL),
    CHECK (unit = CASE WHEN metric LIKE 'projects%' THEN 'projects' WHEN metric LIKE 'workers%' THEN 'workers'
                       WHEN metric = 'enterprises' THEN 'enterprises' WHEN metric LIKE '%pct' THEN 'percent'
                       ELSE unit END),
    CHECK (metric NOT LIKE 'capital%' OR unit IN ('USD', 'VND'))
);
CREATE INDEX published_figures_board ON published_figures (board_id, year);

-- Sources. The first block is issue 18's own text: the search for a page
-- publishing these exact figures (567 projects, 400 FDI with 16 billion
-- USD, 167 domestic with about 146 trillion VND, 160,000 workers, 4,500
-- foreign) found none, so the issue is recorded as the source and says so.
-- The Thủ Đức figures are the issue's too; it names no zones: the five
-- whose figures geodata/zones.csv holds (Linh Trung I 31 / 38,807, Linh
-- Trung II 30 / 25,312, Bình Chiểu 8 / 1,448, Cát Lái 97 / 8,127 and the
-- Saigon Hi-Tech Park 162 / 53,000) add up to exactly 328 enterprises and
-- 126,694 workers, and lie in Thủ Đức, so they are taken as its five.
INSERT INTO published_figures (id, board_id, scope, scope_name, zone_codes, year, year_from, as_of, basis, investor, metric,
                               qualifier, value, unit, source_title, source_url, source_date, note) VALUES
 (1, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2020, NULL, NULL, 'cumulative', 'all', 'projects', '', 567, 'projects',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL, 'no published page with these figures was found; the issue''s text is the source'),
 (2, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2020, NULL, NULL, 'cumulative', 'fdi', 'projects', '', 400, 'projects',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL, 'no published page with these figures was found; the issue''s text is the source'),
 (3, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2020, NULL, NULL, 'cumulative', 'fdi', 'capital', '', 16000000000, 'USD',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL, 'no published page with these figures was found; the issue''s text is the source'),
 (4, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2020, NULL, NULL, 'cumulative', 'domestic', 'projects', '', 167, 'projects',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL, 'no published page with these figures was found; the issue''s text is the source'),
 (5, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2020, NULL, NULL, 'cumulative', 'domestic', 'capital', 'about', 146000000000000, 'VND',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL, 'no published page with these figures was found; the issue''s text is the source'),
 (6, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2020, NULL, NULL, 'cumulative', 'all', 'workers', '', 160000, 'workers',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL, 'no published page with these figures was found; the issue''s text is the source'),
 (7, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2020, NULL, NULL, 'cumulative', 'all', 'workers_foreign', '', 4500, 'workers',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL, 'no published page with these figures was found; the issue''s text is the source'),
 (8, NULL, 'zones', 'the five export-processing, industrial and high-tech zones of Thủ Đức', '{KCX-LINH-TRUNG-1,KCX-LINH-TRUNG-2,KCN-BINH-CHIEU,KCN-CAT-LAI-2,SHTP}',
  NULL, NULL, NULL, 'cumulative', 'all', 'enterprises', '', 328, 'enterprises',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL,
  'no year, publisher or page given; sectors: garments, mechanics, IT, electronics, footwear, wood; the zones are those whose figures in geodata/zones.csv sum to 328 and 126,694'),
 (9, NULL, 'zones', 'the five export-processing, industrial and high-tech zones of Thủ Đức', '{KCX-LINH-TRUNG-1,KCX-LINH-TRUNG-2,KCN-BINH-CHIEU,KCN-CAT-LAI-2,SHTP}',
  NULL, NULL, NULL, 'cumulative', 'all', 'workers', '', 126694, 'workers',
  'zonegis issue 18 (the boards'' published figures as the issue quotes them)', '', NULL,
  'no year, publisher or page given; the zones are those whose figures in geodata/zones.csv sum to 328 and 126,694'),

-- Hải Phòng at the end of 2019 (Vietnam News Agency, quoting the head of the board).
 (20, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, '2019-12-31', 'cumulative', 'fdi', 'projects', '', 367, 'projects',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', ''),
 (21, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, '2019-12-31', 'cumulative', 'fdi', 'capital', 'over', 14700000000, 'USD',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', ''),
 (22, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, '2019-12-31', 'cumulative', 'domestic', 'projects', '', 162, 'projects',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', ''),
 (23, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, '2019-12-31', 'cumulative', 'domestic', 'capital', 'over', 149500000000000, 'VND',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', 'the source gives 6.42 billion USD beside it'),
 (24, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, '2020-02-07', 'cumulative', 'all', 'workers', 'over', 130000, 'workers',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', '"at present", about 30 % of them from northern and north-central provinces'),
 (25, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, NULL, 'period', 'fdi', 'projects_new', '', 58, 'projects',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', 'about 100 others increased capital or had shares bought'),
 (26, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, NULL, 'period', 'fdi', 'capital_new_and_added', 'over', 1430000000, 'USD',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', ''),
 (27, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, NULL, 'period', 'fdi', 'plan_pct', '', 102.7, 'percent',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', '"2.7 percent higher than the 2019 target"'),
 (28, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2019, NULL, NULL, 'period', 'domestic', 'capital_new_and_added', 'over', 15400000000000, 'VND',
  'Hai Phong city to set up new industrial zones (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-city-to-set-up-new-industrial-zones/168299.vnp', '2020-02-07', ''),

-- Hải Phòng to the end of July 2023 (the board's own page; its figures are "dự kiến", expected).
 (30, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, '2023-07-31', 'cumulative', 'fdi', 'projects', '', 490, 'projects',
  'Một số tiêu chí chủ yếu: tình hình thu hút đầu tư 7 tháng (Ban Quản lý Khu kinh tế Hải Phòng)', 'https://heza.gov.vn/mot-so-tieu-chi-chu-yeu-tinh-hinh-thu-hut-dau-tu-7-thang/', NULL, 'expected ("dự kiến")'),
 (31, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, '2023-07-31', 'cumulative', 'fdi', 'capital', '', 24853210000, 'USD',
  'Một số tiêu chí chủ yếu: tình hình thu hút đầu tư 7 tháng (Ban Quản lý Khu kinh tế Hải Phòng)', 'https://heza.gov.vn/mot-so-tieu-chi-chu-yeu-tinh-hinh-thu-hut-dau-tu-7-thang/', NULL, 'expected ("dự kiến"); 24,853.21 million USD'),
 (32, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, '2023-07-31', 'cumulative', 'domestic', 'projects', '', 212, 'projects',
  'Một số tiêu chí chủ yếu: tình hình thu hút đầu tư 7 tháng (Ban Quản lý Khu kinh tế Hải Phòng)', 'https://heza.gov.vn/mot-so-tieu-chi-chu-yeu-tinh-hinh-thu-hut-dau-tu-7-thang/', NULL, 'expected ("dự kiến")'),
 (33, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, '2023-07-31', 'cumulative', 'domestic', 'capital', '', 308702000000000, 'VND',
  'Một số tiêu chí chủ yếu: tình hình thu hút đầu tư 7 tháng (Ban Quản lý Khu kinh tế Hải Phòng)', 'https://heza.gov.vn/mot-so-tieu-chi-chu-yeu-tinh-hinh-thu-hut-dau-tu-7-thang/', NULL, 'expected ("dự kiến"); 308,702 billion VND'),

-- Hải Phòng in 2023 and its totals at the start of 2024 (Vietnam News Agency, quoting the head of the board).
 (40, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, NULL, 'period', 'all', 'capital_new_and_added', '', 4500000000, 'USD',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', ''),
 (41, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, NULL, 'period', 'fdi', 'capital_new_and_added', '', 3500000000, 'USD',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', ''),
 (42, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, NULL, 'period', 'fdi', 'projects_new', '', 62, 'projects',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', ''),
 (43, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, NULL, 'period', 'fdi', 'projects_adjusted', '', 37, 'projects',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', ''),
 (44, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, NULL, 'period', 'domestic', 'capital_new_and_added', 'over', 1000000000, 'USD',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', 'domestic capital as the source gives it, in USD'),
 (45, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, NULL, 'period', 'domestic', 'projects_new', '', 15, 'projects',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', ''),
 (46, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2023, NULL, NULL, 'period', 'domestic', 'projects_adjusted', '', 15, 'projects',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', ''),
 (47, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2024, NULL, '2024-01-19', 'cumulative', 'fdi', 'projects', '', 520, 'projects',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', '"so far"'),
 (48, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2024, NULL, '2024-01-19', 'cumulative', 'fdi', 'capital', 'over', 26500000000, 'USD',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', '"so far"'),
 (49, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2024, NULL, '2024-01-19', 'cumulative', 'domestic', 'projects', '', 217, 'projects',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', '"so far"'),
 (50, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2024, NULL, '2024-01-19', 'cumulative', 'domestic', 'capital', 'over', 14200000000, 'USD',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', '"so far"; domestic capital as the source gives it, in USD'),
 (51, 'deza', 'board', 'Hải Phòng: industrial zones and economic zones', '{}', 2024, NULL, '2024-01-19', 'cumulative', 'all', 'workers', 'about', 200000, 'workers',
  'Hai Phong moves to attract 2-2.5 billion USD in FDI in 2024 (Vietnam+, VNA)', 'https://en.vietnamplus.vn/hai-phong-moves-to-attract-225-billion-usd-in-fdi-in-2024/276510.vnp', '2024-01-19', 'average income 11.5 million VND a month'),

-- HEPZA in 2025 (Sài Gòn Giải Phóng, quoting HEPZA's year-end figures; the city's zones after the
-- provinces merged on 1 July 2025, Bình Dương and Bà Rịa - Vũng Tàu included).
 (60, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'all', 'capital_new_and_added', 'over', 5400000000, 'USD',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06',
  'new and adjusted capital; an earlier year-end report (Vietnam+) gave over 5.3 billion USD'),
 (61, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'all', 'plan_pct', '', 119.4, 'percent',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', 'of the year''s plan for capital attracted'),
 (62, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'fdi', 'capital_new_and_added', 'over', 3400000000, 'USD',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (63, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'fdi', 'projects_new', '', 218, 'projects',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (64, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'fdi', 'capital_new', '', 1400000000, 'USD',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (65, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'fdi', 'projects_adjusted', '', 189, 'projects',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (66, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'fdi', 'capital_added', 'over', 2000000000, 'USD',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (67, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'domestic', 'capital_new_and_added', 'over', 49000000000000, 'VND',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', 'the source gives over 1.9 billion USD beside it'),
 (68, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'domestic', 'projects_new', '', 107, 'projects',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (69, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'domestic', 'capital_new', 'over', 33900000000000, 'VND',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (70, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'domestic', 'projects_adjusted', '', 57, 'projects',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (71, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-12-31', 'period', 'domestic', 'capital_added', 'over', 15000000000000, 'VND',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', ''),
 (72, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2026, NULL, NULL, 'target', 'all', 'capital_new_and_added', '', 4250000000, 'USD',
  'Vốn đầu tư trong nước vào các KCN, KCX TPHCM tăng mạnh (Sài Gòn Giải Phóng)', 'https://www.sggp.org.vn/von-dau-tu-trong-nuoc-vao-cac-kcn-kcx-tphcm-tang-manh-post832254.html', '2026-01-06', 'the year''s target; HEPZA strives for 4.5 billion USD'),

-- HEPZA over 2020-2025, before the merger (Việt Nam News, quoting the head of HEPZA).
 (80, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, 2020, '2025-06-16', 'period', 'all', 'capital_new_and_added', 'over', 2860000000, 'USD',
  'HCM City draws over $2.86b in IZ investment during 2020-25 (Việt Nam News)', 'https://vietnamnews.vn/economy/1719699/hcm-city-draws-over-2-86b-in-iz-investment-during-2020-25.html', '2025-06-17', '114.6 % of the 2.5 billion USD target'),
 (81, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, 2020, '2025-06-16', 'period', 'all', 'projects_new_high_tech', '', 15, 'projects',
  'HCM City draws over $2.86b in IZ investment during 2020-25 (Việt Nam News)', 'https://vietnamnews.vn/economy/1719699/hcm-city-draws-over-2-86b-in-iz-investment-during-2020-25.html', '2025-06-17', '6 % of the new projects'),
 (82, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, 2020, '2025-06-16', 'period', 'all', 'high_tech_share_new_capital_pct', '', 44.17, 'percent',
  'HCM City draws over $2.86b in IZ investment during 2020-25 (Việt Nam News)', 'https://vietnamnews.vn/economy/1719699/hcm-city-draws-over-2-86b-in-iz-investment-during-2020-25.html', '2025-06-17', 'the 15 hi-tech projects'' share of the newly registered capital (859.87 million USD)'),
 (83, 'hepza', 'board', 'Hồ Chí Minh City: export-processing and industrial zones', '{}', 2025, NULL, '2025-06-16', 'cumulative', 'all', 'workers', 'over', 257700, 'workers',
  'HCM City draws over $2.86b in IZ investment during 2020-25 (Việt Nam News)', 'https://vietnamnews.vn/economy/1719699/hcm-city-draws-over-2-86b-in-iz-investment-during-2020-25.html', '2025-06-17', '');
