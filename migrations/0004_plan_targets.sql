-- Plan targets for the leasing statistics: how many hectares a board, a
-- province or the whole country plans to lease in a year, and how much
-- investment capital (US dollars) it plans to attract. The over-time
-- statistics (GET /stats/leasing) report the percentage of plan only where
-- a target exists. Nothing is seeded: targets are the boards' own figures.
--
-- scope 'all' has scope_id ''; scope 'board' has a board id; scope
-- 'province' has a province name as the zones spell it (e.g. 'Hải Phòng').
-- Either target may be NULL when a board plans only the other.
CREATE TABLE plan_targets (
    scope        text NOT NULL CHECK (scope IN ('all', 'board', 'province')),
    scope_id     text NOT NULL DEFAULT '',
    year         integer NOT NULL CHECK (year BETWEEN 1980 AND 2200),
    hectares     numeric(14,4) CHECK (hectares >= 0),
    capital_usd  numeric(18,2) CHECK (capital_usd >= 0),
    note         text NOT NULL DEFAULT '',
    PRIMARY KEY (scope, scope_id, year),
    CHECK ((scope = 'all') = (scope_id = '')),
    CHECK (hectares IS NOT NULL OR capital_usd IS NOT NULL)
);
