-- Issue 14 §3: a leaner page save. The save statement (respond.save in
-- app/db/db_respond.c) carried a CTE that moved a unit link's unit to
-- "responding" on its first completed response; PostgreSQL set up its
-- join nodes on every one of a respondent's 20 saves to use it on one.
-- The move now happens in the trigger that already runs once per
-- response, at completion, in the same statement and transaction.
-- Runs as its owner (SECURITY DEFINER), as before.
CREATE OR REPLACE FUNCTION svar_response_done() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	anon	boolean;
BEGIN
	SELECT w.anonymous INTO anon FROM version v JOIN wave w
	    ON w.id = v.wave_id WHERE v.id = NEW.version_id;
	anon := anon AND NOT NEW.test;
	-- A unit link's first completed response moves its unit on (this
	-- was part of every page save's statement before; see above).
	IF NEW.unit_link_id IS NOT NULL THEN
		PERFORM svar_unit_move(w.id, 'responding', 'respondent',
		    'first completed response', false)
		    FROM unit_link l JOIN wave_unit w ON w.id = l.wave_unit_id
		    WHERE l.id = NEW.unit_link_id AND w.stage <> 'responding';
	END IF;
	IF NEW.invitation_id IS NOT NULL THEN
		UPDATE invitation SET completed_at = CASE WHEN anon
		    THEN date_trunc('day', now()) ELSE now() END,
		    done_key = CASE WHEN anon THEN
		    svar_key_digest(NEW.selector || NEW.verifier) END
		    WHERE id = NEW.invitation_id;
	END IF;
	IF NOT anon THEN
		RETURN NULL;
	END IF;
	UPDATE answer SET updated_at = date_trunc('day', updated_at)
	    WHERE response_id = NEW.id;
	-- Whoever agreed to be contacted stays on the list, not with the
	-- answers.
	UPDATE recontact SET response_id = NULL WHERE response_id = NEW.id;
	-- Keys that match no link (a selector is 8 characters), so the
	-- response cannot be opened again by anyone.
	UPDATE response SET id = nextval('response_id_seq'),
	    invitation_id = NULL,
	    selector = 'anon-' || gen_random_uuid(),
	    verifier = gen_random_uuid()::text,
	    csrf = gen_random_uuid()::text,
	    created_at = date_trunc('day', created_at),
	    opened_at = date_trunc('day', opened_at),
	    started_at = date_trunc('day', started_at),
	    completed_at = date_trunc('day', completed_at),
	    updated_at = date_trunc('day', updated_at)
	    WHERE id = NEW.id;
	RETURN NULL;
END
$$;
