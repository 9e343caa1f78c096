-- Investment targets (issue 18): plan_targets (0004) also holds what a
-- board, a province or the whole country plans to attract in investment in
-- a year, which GET /stats/investment reports the percentage of:
--
--   investment_usd  new and added capital (registered capital of the
--                   projects licensed in the year plus the capital added
--                   to projects in the year, FDI and domestic), US dollars
--                   at each project's or adjustment's recorded rate;
--   projects        the number of new projects licensed in the year.
--
-- HEPZA's "5.4 billion USD of new and added capital in 2025, 119% of plan"
-- is investment_usd = 4.54e9 for scope 'board', scope_id 'hepza', year
-- 2025. Targets are written as the hectares and capital targets are (the
-- boards' own figures, entered in SQL; nothing is seeded):
--
--   INSERT INTO plan_targets (scope, scope_id, year, investment_usd, projects)
--   VALUES ('board', 'hepza', 2025, 4540000000, 120)
--   ON CONFLICT (scope, scope_id, year) DO UPDATE
--      SET investment_usd = EXCLUDED.investment_usd, projects = EXCLUDED.projects;
--
-- A row still sets at least one target: the CHECK of 0004 (hectares or
-- capital_usd) becomes one over the four.
ALTER TABLE plan_targets
    ADD COLUMN investment_usd numeric(18,2) CONSTRAINT plan_targets_investment_usd_check CHECK (investment_usd >= 0),
    ADD COLUMN projects integer CONSTRAINT plan_targets_projects_check CHECK (projects >= 0);

ALTER TABLE plan_targets DROP CONSTRAINT plan_targets_check1;
ALTER TABLE plan_targets ADD CONSTRAINT plan_targets_some_target
    CHECK (hectares IS NOT NULL OR capital_usd IS NOT NULL OR investment_usd IS NOT NULL OR projects IS NOT NULL);
