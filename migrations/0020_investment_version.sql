-- The data version of the investment statistics (GET /stats/investment,
-- issue 16): one counter that every statement writing what those figures
-- read moves, in the writing transaction, so that it becomes visible with
-- the write and not before. package stats keys its cache of answers by
-- it (postgis.InvestmentVersion); the change log (changes) does not cover
-- the investment records, which are not in the index.
--
-- Writers of enterprises, projects and enterprise reports already take the
-- change-log lock (zg_write_lock) before any row, so the counter's row lock
-- adds no wait there; the others (adjustments, plan targets, boards, zones)
-- are rare writes.
CREATE TABLE investment_version (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    version bigint NOT NULL
);
INSERT INTO investment_version VALUES (true, 0);

CREATE FUNCTION zg_bump_investment_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE investment_version SET version = version + 1;
    RETURN NULL;
END $$;

CREATE TRIGGER enterprises_investment_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON enterprises
    FOR EACH STATEMENT EXECUTE FUNCTION zg_bump_investment_version();
CREATE TRIGGER projects_investment_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON projects
    FOR EACH STATEMENT EXECUTE FUNCTION zg_bump_investment_version();
CREATE TRIGGER project_adjustments_investment_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON project_adjustments
    FOR EACH STATEMENT EXECUTE FUNCTION zg_bump_investment_version();
CREATE TRIGGER enterprise_reports_investment_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON enterprise_reports
    FOR EACH STATEMENT EXECUTE FUNCTION zg_bump_investment_version();
CREATE TRIGGER plan_targets_investment_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON plan_targets
    FOR EACH STATEMENT EXECUTE FUNCTION zg_bump_investment_version();
CREATE TRIGGER boards_investment_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON boards
    FOR EACH STATEMENT EXECUTE FUNCTION zg_bump_investment_version();
CREATE TRIGGER zones_investment_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON zones
    FOR EACH STATEMENT EXECUTE FUNCTION zg_bump_investment_version();
