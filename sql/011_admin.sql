-- The admin area (issue 9): people who run surveys, their sessions, and
-- an append-only audit log of who did what.

-- An admin or analyst. password_hash is argon2id (app/core/password.h);
-- totp_secret the RFC 6238 key in base32, needed to check codes, so it
-- is readable by svar_admin only. totp_last_step makes a code work
-- once. Until enrolled both are NULL and enrol_hash (SHA-256 of the
-- one-time enrolment link's key) lets the person in to set them.
CREATE TABLE admin_user (
	id		serial PRIMARY KEY,
	name		text NOT NULL UNIQUE
			    CHECK (name ~ '^[a-z0-9][a-z0-9._-]{1,63}$'),
	role		text NOT NULL CHECK (role IN ('admin', 'analyst')),
	password_hash	text,
	totp_secret	text,
	totp_last_step	bigint NOT NULL DEFAULT -1,
	enrol_hash	text UNIQUE,
	enrol_expires_at timestamptz,
	disabled_at	timestamptz,
	created_at	timestamptz NOT NULL DEFAULT now(),
	updated_at	timestamptz NOT NULL DEFAULT now()
);

-- Sessions live here, not in a cookie: the cookie holds a random id of
-- 130 bits and the table its SHA-256, so a copy of the table logs no one
-- in. stage 'password' has passed the password and waits for the TOTP
-- code (five minutes); 'full' is logged in. A new id is made at each
-- stage, so an id seen before login is worth nothing after it.
CREATE TABLE admin_session (
	id_hash		text PRIMARY KEY,
	user_id		integer NOT NULL REFERENCES admin_user(id),
	stage		text NOT NULL CHECK (stage IN ('password', 'full')),
	csrf		text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	seen_at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX admin_session_user ON admin_session (user_id);

-- Who did what, to which object, when, from where: written in the same
-- transaction as the change it records. Nobody but the owner can change
-- or remove a row, and the trigger stops the owner by mistake too.
CREATE TABLE audit (
	id		bigserial PRIMARY KEY,
	at		timestamptz NOT NULL DEFAULT now(),
	user_id		integer REFERENCES admin_user(id),
	actor		text NOT NULL,
	action		text NOT NULL,
	object		text,
	detail		text,
	address		text
);
CREATE INDEX audit_at ON audit (at);
CREATE INDEX audit_action ON audit (action, at);

CREATE FUNCTION svar_audit_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'the audit log is append-only';
END $$;
CREATE TRIGGER audit_frozen BEFORE UPDATE OR DELETE ON audit
    FOR EACH ROW EXECUTE FUNCTION svar_audit_frozen();
CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
    FOR EACH STATEMENT EXECUTE FUNCTION svar_audit_frozen();

-- Test responses (a preview of a version) are marked, and left out of
-- every count and export unless asked for.
ALTER TABLE response ADD COLUMN test boolean NOT NULL DEFAULT false;

-- A test response for the admin's preview: like a unit link's, with the
-- version's hidden values, but no unit and marked test.
CREATE FUNCTION svar_test_response_new(p_version integer, p_selector text,
    p_verifier text, p_csrf text, p_lang text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
	rid	bigint;
BEGIN
	INSERT INTO response (version_id, definition_id, selector, verifier,
	    csrf, lang, status, opened_at, test)
	SELECT p_version, v.definition_id, p_selector, p_verifier, p_csrf,
	    p_lang, 'opened', now(), true
	  FROM version v WHERE v.id = p_version
	RETURNING id INTO rid;
	IF rid IS NULL THEN
		RAISE EXCEPTION 'no version %', p_version;
	END IF;
	INSERT INTO answer (response_id, var, value, state)
	SELECT rid, h.var, h.value, 'a' FROM version_hidden h
	 WHERE h.version_id = p_version;
	RETURN rid;
END $$;
REVOKE ALL ON FUNCTION svar_test_response_new FROM PUBLIC;

GRANT SELECT, INSERT, UPDATE ON admin_user TO svar_admin;
GRANT SELECT, INSERT, UPDATE, DELETE ON admin_session TO svar_admin;
GRANT SELECT, INSERT ON audit TO svar_admin;
GRANT USAGE ON SEQUENCE audit_id_seq TO svar_admin;
GRANT EXECUTE ON FUNCTION svar_test_response_new(integer, text, text, text,
    text) TO svar_admin;
-- Loading a definition from the admin: the same rows svarctl load writes.
GRANT INSERT, UPDATE ON survey, wave, version TO svar_admin;
GRANT INSERT ON definition, page, variable TO svar_admin;
GRANT INSERT, DELETE ON version_hidden TO svar_admin;
GRANT USAGE ON SEQUENCE survey_id_seq, wave_id_seq, definition_id_seq,
    version_id_seq TO svar_admin;
