-- How a response came in (SPEC §3: a paradata variable of every
-- response): a unit's open link, a practice's office link (the e-mails
-- to fastlegekontor), a network's link (SKIL), a personal invitation,
-- or an admin's test.
ALTER TABLE response ADD COLUMN channel text NOT NULL DEFAULT 'link'
    CHECK (channel IN ('link', 'office', 'network', 'personal', 'test'));
UPDATE response SET channel = CASE WHEN test THEN 'test'
    WHEN invitation_id IS NOT NULL THEN 'personal' ELSE 'link' END;

-- The channel of a unit link follows from the unit's kind.
CREATE FUNCTION svar_link_channel(p_unit_link integer) RETURNS text
LANGUAGE sql STABLE AS $$
	SELECT CASE u.kind WHEN 'fastlegekontor' THEN 'office'
	    WHEN 'network' THEN 'network' ELSE 'link' END
	  FROM unit_link l JOIN wave_unit w ON w.id = l.wave_unit_id
	  JOIN unit u ON u.id = w.unit_id WHERE l.id = p_unit_link;
$$;
REVOKE ALL ON FUNCTION svar_link_channel FROM PUBLIC;
ALTER FUNCTION svar_link_channel(integer) SECURITY DEFINER;
ALTER FUNCTION svar_link_channel(integer) SET search_path = public, pg_temp;

CREATE OR REPLACE FUNCTION svar_response_new(p_version integer,
    p_unit_link integer, p_selector text, p_verifier text, p_csrf text,
    p_lang text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	rid	bigint;
	wu	integer;
BEGIN
	INSERT INTO response (version_id, definition_id, unit_link_id,
	    selector, verifier, csrf, lang, status, opened_at, channel)
	SELECT p_version, v.definition_id, p_unit_link, p_selector,
	    p_verifier, p_csrf, p_lang, 'opened', now(),
	    coalesce(svar_link_channel(p_unit_link), 'link')
	  FROM version v WHERE v.id = p_version
	RETURNING id INTO rid;
	IF rid IS NULL THEN
		RAISE EXCEPTION 'no version %', p_version;
	END IF;
	INSERT INTO answer (response_id, var, value, state)
	SELECT rid, h.var, h.value, 'a' FROM version_hidden h
	 WHERE h.version_id = p_version;
	IF p_unit_link IS NOT NULL THEN
		SELECT l.wave_unit_id INTO wu FROM unit_link l
		  JOIN wave_unit w ON w.id = l.wave_unit_id
		 WHERE l.id = p_unit_link AND w.stage NOT IN ('distributed',
		    'responding');
		IF wu IS NOT NULL THEN
			PERFORM svar_unit_move(wu, 'distributed', 'respondent',
			    'first respondent arrived', false);
		END IF;
	END IF;
	RETURN rid;
END $$;

CREATE OR REPLACE FUNCTION svar_test_response_new(p_version integer,
    p_selector text, p_verifier text, p_csrf text, p_lang text)
RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
	rid	bigint;
BEGIN
	INSERT INTO response (version_id, definition_id, selector, verifier,
	    csrf, lang, status, opened_at, test, channel)
	SELECT p_version, v.definition_id, p_selector, p_verifier, p_csrf,
	    p_lang, 'opened', now(), true, 'test'
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
GRANT EXECUTE ON FUNCTION svar_link_channel(integer) TO svar_app;
