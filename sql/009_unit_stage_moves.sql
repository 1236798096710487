-- Recruitment stages (SPEC §3) move through one function, with a table
-- of the moves allowed, and every move is an event: from, to, who, when.

CREATE TABLE stage_move (
	from_stage	text NOT NULL,
	to_stage	text NOT NULL,
	why		text NOT NULL,
	PRIMARY KEY (from_stage, to_stage)
);
INSERT INTO stage_move (from_stage, to_stage, why) VALUES
    ('frame', 'invited', 'request sent to postmottak'),
    ('frame', 'accepted', 'contact person named without a request (phone)'),
    ('frame', 'declined', 'declined without a request'),
    ('invited', 'accepted', 'contact person named'),
    ('invited', 'declined', 'unit declined'),
    ('accepted', 'declined', 'unit withdrew'),
    ('declined', 'accepted', 'unit changed its mind'),
    ('invited', 'frame', 'correction: request not sent after all'),
    ('accepted', 'invited', 'correction: no contact person after all'),
    ('declined', 'invited', 'correction: did not decline'),
    ('distributed', 'accepted', 'correction: not forwarded after all'),
    -- Respondents arrive through a link whatever the unit said: a link
    -- forwarded before a refusal still counts, and the funnel counts
    -- what happened.
    ('frame', 'distributed', 'first respondent arrived'),
    ('invited', 'distributed', 'first respondent arrived'),
    ('accepted', 'distributed', 'forwarded, or first respondent arrived'),
    ('declined', 'distributed', 'first respondent arrived'),
    ('frame', 'responding', 'first completed response'),
    ('invited', 'responding', 'first completed response'),
    ('accepted', 'responding', 'first completed response'),
    ('declined', 'responding', 'first completed response'),
    ('distributed', 'responding', 'first completed response');

ALTER TABLE unit_event RENAME COLUMN stage TO to_stage;
ALTER TABLE unit_event ADD COLUMN from_stage text,
    ADD COLUMN actor text NOT NULL DEFAULT 'system';
CREATE INDEX unit_event_wave_unit ON unit_event (wave_unit_id, at);

-- Moves a unit in a wave to p_to. Returns true when it moved, false when
-- it was there already. A move the table does not allow raises an error
-- when p_strict (the admin asked for it), and is skipped otherwise (the
-- respondent path: a first respondent never moves a unit backwards).
-- Runs as its owner, so the app roles need no UPDATE on wave_unit.
CREATE FUNCTION svar_unit_move(p_wave_unit integer, p_to text,
    p_actor text, p_note text, p_strict boolean)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
	cur	text;
BEGIN
	SELECT stage INTO cur FROM wave_unit WHERE id = p_wave_unit
	   FOR UPDATE;
	IF NOT FOUND THEN
		RAISE EXCEPTION 'no unit % in any wave', p_wave_unit;
	END IF;
	IF cur = p_to THEN
		RETURN false;
	END IF;
	IF NOT EXISTS (SELECT FROM stage_move WHERE from_stage = cur
	                AND to_stage = p_to) THEN
		IF p_strict THEN
			RAISE EXCEPTION 'a unit cannot move from % to %',
			    cur, p_to USING ERRCODE = 'check_violation';
		END IF;
		RETURN false;
	END IF;
	-- Respondents only ever move a unit forward to these two.
	IF p_actor = 'respondent' AND p_to NOT IN ('distributed',
	    'responding') THEN
		RAISE EXCEPTION 'a respondent cannot move a unit to %', p_to;
	END IF;
	UPDATE wave_unit SET stage = p_to WHERE id = p_wave_unit;
	INSERT INTO unit_event (wave_unit_id, from_stage, to_stage, actor,
	    note)
	VALUES (p_wave_unit, cur, p_to, p_actor, p_note);
	RETURN true;
END $$;
REVOKE ALL ON FUNCTION svar_unit_move FROM PUBLIC;

-- A new response through a link or for a personal invitation: hidden
-- values from the version, the version's current definition, and the
-- unit's first respondent as "distributed" (S3).
DROP FUNCTION svar_response_new(integer, integer, text, text, text, text,
    text[], text[]);
CREATE FUNCTION svar_response_new(p_version integer, p_unit_link integer,
    p_selector text, p_verifier text, p_csrf text, p_lang text)
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	rid	bigint;
	wu	integer;
BEGIN
	INSERT INTO response (version_id, definition_id, unit_link_id,
	    selector, verifier, csrf, lang, status, opened_at)
	SELECT p_version, v.definition_id, p_unit_link, p_selector,
	    p_verifier, p_csrf, p_lang, 'opened', now()
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
