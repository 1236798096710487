-- An admin blanking a text bumped the response's revision from a trigger
-- on text_blanked (sql/096), after svar_text_blank had locked the answer
-- row: the answer first, then the response. A page save (respond.save)
-- locks the response first, then its answers, so the two could deadlock
-- and PostgreSQL would abort one of them. The function now takes the
-- response row first, as the save does, and bumps the revision itself.
DROP TRIGGER text_blanked_touch ON text_blanked;
DROP FUNCTION svar_response_touch();

CREATE OR REPLACE FUNCTION svar_text_blank(p_resp bigint, p_var text,
    p_user integer)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM FROM response WHERE id = p_resp FOR UPDATE;
	UPDATE answer SET value = NULL, updated_at = now()
	 WHERE response_id = p_resp AND var = p_var AND value IS NOT NULL;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	INSERT INTO text_blanked (response_id, var, blanked_by)
	VALUES (p_resp, p_var, p_user)
	ON CONFLICT (response_id, var) DO UPDATE
	   SET blanked_by = EXCLUDED.blanked_by, blanked_at = now();
	-- A new revision: a worker that remembers the response
	-- (app/web/web_rcache.c) can neither show the text nor save it back.
	UPDATE response SET rev = rev + 1 WHERE id = p_resp;
	RETURN true;
END $$;
