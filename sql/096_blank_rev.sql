-- An admin blanking a text (svar_text_blank, sql/065) changes a response
-- that may still be in progress: a new revision, so an app worker that
-- remembers the response (app/web/web_rcache.c) can neither show the text
-- again nor save it back. Every other change to a response that a page
-- depends on already bumps the revision (a save, a language change, a
-- withdrawal) or ends the response (completion).
CREATE FUNCTION svar_response_touch() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	UPDATE response SET rev = rev + 1 WHERE id = NEW.response_id;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION svar_response_touch() FROM PUBLIC;

CREATE TRIGGER text_blanked_touch AFTER INSERT OR UPDATE ON text_blanked
    FOR EACH ROW EXECUTE FUNCTION svar_response_touch();
