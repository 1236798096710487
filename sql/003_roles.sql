-- Least privilege: the web app connects as svar_app and may read the
-- survey and frame, write responses and answers, and nothing else.
-- Migrations and svarctl run as the owner.
DO $$
BEGIN
	IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'svar_app') THEN
		CREATE ROLE svar_app LOGIN;
	END IF;
END $$;

GRANT USAGE ON SCHEMA public TO svar_app;
GRANT SELECT ON survey, wave, definition, version, variable, unit,
    unit_link, invitation TO svar_app;
GRANT SELECT, UPDATE ON wave_unit TO svar_app;
GRANT SELECT, INSERT ON unit_event TO svar_app;
GRANT SELECT, INSERT, UPDATE ON response, answer TO svar_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON rate_limit TO svar_app;
GRANT INSERT ON outbox TO svar_app;
GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO svar_app;
GRANT EXECUTE ON FUNCTION svar_response_new, svar_page_save, svar_rate_hit
    TO svar_app;
