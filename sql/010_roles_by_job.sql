-- Database roles by job, least privilege. The owner (svar) runs the
-- migrations and svarctl's loading; the processes that face people get
-- only what their job needs:
--   svar_app    respondent pages: read the questionnaire and its links,
--               write responses and answers. No e-mail address, no
--               contact, no outbox; unit stages only through
--               svar_unit_move, rate limits only through svar_rate.
--   svar_admin  the admin area and the contact-person portal: the frame,
--               recruitment, invitations, contacts, mail to send;
--               answers read only.
--   svar_mail   the mail sender: the outbox and nothing else.
-- Each is tested in tests/integration/test_roles.py.
DO $$
DECLARE
	r	text;
BEGIN
	FOREACH r IN ARRAY ARRAY['svar_app', 'svar_admin', 'svar_mail'] LOOP
		IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) THEN
			EXECUTE format('CREATE ROLE %I LOGIN', r);
		END IF;
	END LOOP;
END $$;

-- Start from nothing: 003 gave the app more than it needs.
REVOKE ALL ON ALL TABLES IN SCHEMA public FROM svar_app, svar_admin,
    svar_mail;
REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM svar_app, svar_admin,
    svar_mail;
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO svar_app, svar_admin, svar_mail;

-- svar_app
GRANT SELECT ON survey, wave, definition, version, version_hidden, page,
    variable TO svar_app;
GRANT SELECT (id, wave_unit_id, version_id, selector, verifier)
    ON unit_link TO svar_app;
GRANT SELECT (id, wave_id, unit_id, stage) ON wave_unit TO svar_app;
GRANT SELECT (id, version_id, code) ON invitation TO svar_app;
GRANT SELECT, INSERT, UPDATE ON response, answer TO svar_app;
GRANT USAGE ON SEQUENCE response_id_seq TO svar_app;
GRANT EXECUTE ON FUNCTION svar_response_new(integer, integer, text, text,
    text, text), svar_unit_move(integer, text, text, text, boolean),
    svar_rate(text, integer, integer) TO svar_app;

-- svar_admin
GRANT SELECT ON survey, wave, definition, version, version_hidden, page,
    variable, stage_move, unit_event TO svar_admin;
GRANT SELECT, INSERT, UPDATE ON unit, unit_link, contact, invitation
    TO svar_admin;
-- A unit's stage moves only through svar_unit_move, with its event.
GRANT SELECT, INSERT ON wave_unit TO svar_admin;
GRANT UPDATE (invited_count) ON wave_unit TO svar_admin;
GRANT UPDATE (opens_at, closes_at, closed) ON wave TO svar_admin;
GRANT SELECT ON response, answer TO svar_admin;
GRANT SELECT, INSERT ON outbox TO svar_admin;
GRANT USAGE ON SEQUENCE unit_id_seq, wave_unit_id_seq, unit_link_id_seq,
    contact_id_seq, invitation_id_seq, outbox_id_seq TO svar_admin;
GRANT EXECUTE ON FUNCTION svar_unit_move(integer, text, text, text, boolean),
    svar_rate(text, integer, integer) TO svar_admin;

-- svar_mail
GRANT SELECT, UPDATE ON outbox TO svar_mail;

-- Tables made by later migrations are granted there, by name.
