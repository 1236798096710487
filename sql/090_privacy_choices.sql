-- Issue 13 §4: a respondent can withdraw, a wave can be anonymous, and a
-- definition can ask for consent to be contacted again.
--
-- Withdrawal deletes the answers and keeps the response row as the
-- record that it happened (status 'withdrawn', when; no content). The
-- invitation, if any, is opted out too, so no reminder follows.
--
-- An anonymous wave still tracks participation on the invitation (for
-- reminders and the AAPOR dispositions: invitation.completed_at, to the
-- day), but at completion the response is cut loose: it leaves its
-- invitation, gets a new id (response ids of personal invitations are
-- made in the invitations' order, so the old id would join them again)
-- and new random keys nobody holds, and its times are cut to the day.
-- The personal link then finds only the invitation's done_key (a
-- SHA-256 of the old key), enough to say "already answered".

ALTER TABLE wave ADD COLUMN anonymous boolean NOT NULL DEFAULT false;

ALTER TABLE invitation ADD COLUMN completed_at timestamptz,
    ADD COLUMN done_key text UNIQUE;

ALTER TABLE response DROP CONSTRAINT response_status_check;
ALTER TABLE response ADD CONSTRAINT response_status_check CHECK (status IN
    ('invited', 'opened', 'started', 'completed', 'withdrawn'));
ALTER TABLE response ADD COLUMN withdrawn_at timestamptz;

-- A new id must carry the answers and their coding with it.
ALTER TABLE answer DROP CONSTRAINT answer_response_id_fkey,
    ADD CONSTRAINT answer_response_id_fkey FOREIGN KEY (response_id)
    REFERENCES response(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE answer_override
    DROP CONSTRAINT answer_override_response_id_text_var_fkey,
    ADD CONSTRAINT answer_override_response_id_text_var_fkey
    FOREIGN KEY (response_id, text_var) REFERENCES open_code
    (response_id, var) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE open_code DROP CONSTRAINT open_code_response_id_fkey,
    ADD CONSTRAINT open_code_response_id_fkey FOREIGN KEY (response_id)
    REFERENCES response(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE open_code_log DROP CONSTRAINT open_code_log_response_id_fkey,
    ADD CONSTRAINT open_code_log_response_id_fkey FOREIGN KEY (response_id)
    REFERENCES response(id) ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE text_blanked DROP CONSTRAINT text_blanked_response_id_fkey,
    ADD CONSTRAINT text_blanked_response_id_fkey FOREIGN KEY (response_id)
    REFERENCES response(id) ON DELETE CASCADE ON UPDATE CASCADE;

-- The key of a personal link as the invitation remembers it once spent.
CREATE FUNCTION svar_key_digest(p_key text) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
	SELECT encode(sha256(convert_to(p_key, 'UTF8')), 'hex')
$$;

-- Runs once per response, when it completes (the page save's UPDATE).
CREATE FUNCTION svar_response_done() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	anon	boolean;
BEGIN
	SELECT w.anonymous INTO anon FROM version v JOIN wave w
	    ON w.id = v.wave_id WHERE v.id = NEW.version_id;
	anon := anon AND NOT NEW.test;
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

CREATE TRIGGER response_done AFTER UPDATE OF status ON response
    FOR EACH ROW WHEN (NEW.status = 'completed' AND
    OLD.status IS DISTINCT FROM 'completed')
    EXECUTE FUNCTION svar_response_done();

-- Withdrawal, from the respondent's own link (the app checked the key
-- and the CSRF token). The answers and their coding go; what stays is
-- that a response was withdrawn, and when. 1 done, 0 nothing to do.
CREATE FUNCTION svar_response_withdraw(p_id bigint) RETURNS integer
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	inv	integer;
BEGIN
	UPDATE response SET status = 'withdrawn', withdrawn_at = now(),
	    page_id = NULL, furthest_page_id = NULL, rev = rev + 1,
	    updated_at = now()
	    WHERE id = p_id AND status <> 'withdrawn' AND NOT test
	    RETURNING invitation_id INTO inv;
	IF NOT FOUND THEN
		RETURN 0;
	END IF;
	DELETE FROM open_code WHERE response_id = p_id;
	DELETE FROM open_code_log WHERE response_id = p_id;
	DELETE FROM text_blanked WHERE response_id = p_id;
	DELETE FROM answer WHERE response_id = p_id;
	DELETE FROM recontact WHERE response_id = p_id;
	IF inv IS NOT NULL THEN
		UPDATE invitation SET opted_out_at = coalesce(opted_out_at,
		    now()) WHERE id = inv;
	END IF;
	RETURN 1;
END
$$;
REVOKE ALL ON FUNCTION svar_response_withdraw(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_response_withdraw(bigint) TO svar_app;

-- The app tells a spent personal link from an unknown one.
GRANT SELECT (done_key) ON invitation TO svar_app;
-- Admins set a wave's anonymity (before its first completed response).
GRANT UPDATE (anonymous) ON wave TO svar_admin;

-- Whether a wave has a completed response (test ones aside).
CREATE FUNCTION svar_wave_has_completed(p_wave integer) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public AS $$
	SELECT EXISTS (SELECT FROM response r JOIN version v
	    ON v.id = r.version_id WHERE v.wave_id = p_wave
	    AND r.status = 'completed' AND NOT r.test)
$$;

-- Anonymity is fixed once a wave has a completed response: turning it
-- on later would leave those linked, turning it off would promise
-- nothing for the ones already cut loose. Even from plain SQL.
CREATE FUNCTION svar_wave_anon_check() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
	IF NEW.anonymous IS DISTINCT FROM OLD.anonymous AND
	    svar_wave_has_completed(NEW.id) THEN
		RAISE EXCEPTION 'wave %: anonymity is fixed once a response has completed', NEW.id;
	END IF;
	RETURN NEW;
END
$$;
CREATE TRIGGER wave_anon_check BEFORE UPDATE OF anonymous ON wave
    FOR EACH ROW EXECUTE FUNCTION svar_wave_anon_check();

-- Recontact consent: contact details given in a definition's contact
-- items (text items marked "contact name|email|phone"), kept apart from
-- the answers. Only the admin role reads them; the app only writes,
-- through the two functions below, for the response whose key it
-- checked. Dates only, like everything an anonymous wave keeps.
CREATE TABLE recontact (
	id		serial PRIMARY KEY,
	wave_id		integer NOT NULL REFERENCES wave(id),
	response_id	bigint UNIQUE REFERENCES response(id)
			    ON DELETE SET NULL,
	name		text,
	email		text,
	phone		text,
	given_on	date NOT NULL DEFAULT current_date,
	CHECK (name IS NOT NULL OR email IS NOT NULL OR phone IS NOT NULL)
);
GRANT SELECT ON recontact TO svar_admin;

-- What the respondent typed; an empty field keeps what was given
-- before (the page does not show it again). Not for test responses or
-- finished ones.
CREATE FUNCTION svar_recontact_set(p_response bigint, p_name text,
    p_email text, p_phone text) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	INSERT INTO recontact AS c (wave_id, response_id, name, email, phone)
	SELECT v.wave_id, r.id, nullif(p_name, ''), nullif(p_email, ''),
	    nullif(p_phone, '')
	FROM response r JOIN version v ON v.id = r.version_id
	WHERE r.id = p_response AND NOT r.test
	    AND r.status NOT IN ('completed', 'withdrawn')
	    AND coalesce(p_name, p_email, p_phone, '') <> ''
	ON CONFLICT (response_id) DO UPDATE SET
	    name = coalesce(excluded.name, c.name),
	    email = coalesce(excluded.email, c.email),
	    phone = coalesce(excluded.phone, c.phone),
	    given_on = current_date
$$;

-- The consent was taken back (routing no longer asks for contact).
CREATE FUNCTION svar_recontact_drop(p_response bigint) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	DELETE FROM recontact WHERE response_id = p_response
$$;
REVOKE ALL ON FUNCTION svar_recontact_set(bigint, text, text, text),
    svar_recontact_drop(bigint) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_recontact_set(bigint, text, text, text),
    svar_recontact_drop(bigint) TO svar_app;
