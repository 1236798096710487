-- "Send me the link by e-mail" on the saved page (issue 8): offered only
-- while a mail sender is alive, so nobody is promised a mail that no
-- process will send. Each sender says it is alive (svar_mail_seen) on
-- every pass of its loop; the app asks svar_mail_alive().

CREATE TABLE mail_sender (
	name		text PRIMARY KEY,
	seen_at		timestamptz NOT NULL
);
GRANT SELECT, INSERT, UPDATE ON mail_sender TO svar_mail;

CREATE FUNCTION svar_mail_seen(p_sender text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
	INSERT INTO mail_sender (name, seen_at) VALUES (p_sender, now())
	ON CONFLICT (name) DO UPDATE SET seen_at = now()
$$;

-- A sender polls at least every 30 s (its longest backoff), so ten
-- minutes of silence means none is running.
CREATE FUNCTION svar_mail_alive() RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
	SELECT EXISTS (SELECT FROM mail_sender
			WHERE seen_at > now() - interval '10 minutes')
$$;

-- Queues the resume link of an unfinished response to an address the
-- respondent typed: 'queued', or why not: 'gone' (no such response, or
-- completed), 'limit' (three a day per response), 'busy' (500 an hour
-- in all, so a flood of requests cannot make Svar a spam relay). The
-- outbox row names no response: the address is not joined to answers.
CREATE FUNCTION svar_resume_mail(p_response bigint, p_to text,
    p_subject text, p_body text)
RETURNS text LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
	PERFORM FROM response WHERE id = p_response AND status <> 'completed';
	IF NOT FOUND THEN
		RETURN 'gone';
	END IF;
	IF (SELECT count(*) FROM outbox WHERE kind = 'resume_link'
	    AND created_at > now() - interval '1 hour') >= 500 THEN
		RETURN 'busy';
	END IF;
	IF NOT svar_rate_take('resume:' || p_response, 86400, 3) THEN
		RETURN 'limit';
	END IF;
	INSERT INTO outbox (kind, to_addr, subject, body)
	VALUES ('resume_link', p_to, p_subject, p_body);
	RETURN 'queued';
END $$;

-- Once such a mail has gone (or failed for good), the typed address is
-- not kept either: the outbox keeps only that a link was mailed.
CREATE FUNCTION svar_resume_mail_purge() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	NEW.to_addr := 'slettet@svar.invalid';
	NEW.body := '';
	RETURN NEW;
END $$;

CREATE TRIGGER outbox_resume_purge BEFORE UPDATE ON outbox
    FOR EACH ROW WHEN (NEW.kind = 'resume_link' AND
	(NEW.sent_at IS NOT NULL OR NEW.failed_at IS NOT NULL))
    EXECUTE FUNCTION svar_resume_mail_purge();

CREATE INDEX outbox_resume_recent ON outbox (created_at)
    WHERE kind = 'resume_link';

REVOKE ALL ON FUNCTION svar_mail_seen(text), svar_mail_alive(),
    svar_resume_mail(bigint, text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_mail_seen(text) TO svar_mail;
GRANT EXECUTE ON FUNCTION svar_mail_alive(),
    svar_resume_mail(bigint, text, text, text) TO svar_app;
