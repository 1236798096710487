-- Opt-out for respondent mail and the contact person's language
-- (issue 12 §2).

-- A key in the alphabet of app/core/keys.c (lowercase base32 without
-- 0/o/1/l), five random bits a character from gen_random_uuid(), whose
-- first byte is wholly random (strong random, as the app's getrandom).
CREATE FUNCTION svar_random_key(n integer) RETURNS text
LANGUAGE sql VOLATILE SET search_path = public, pg_temp AS $$
	SELECT string_agg(substr('abcdefghijkmnpqrstuvwxyz23456789',
	    (get_byte(uuid_send(gen_random_uuid()), 0) & 31) + 1, 1), '')
	  FROM generate_series(1, n)
$$;

-- Every invitation has an opt-out key of its own (selector + verifier,
-- as links): the List-Unsubscribe URL of its mail. It is not the
-- response's key, so an opt-out link (which mail clients and scanners
-- may fetch) opens no answers. Existing invitations get theirs here.
ALTER TABLE invitation
    ADD COLUMN optout_selector text UNIQUE DEFAULT svar_random_key(8),
    ADD COLUMN optout_verifier text DEFAULT svar_random_key(26);
ALTER TABLE invitation ALTER COLUMN optout_selector SET NOT NULL,
    ALTER COLUMN optout_verifier SET NOT NULL;

-- The language the contact person used the portal in: their mail
-- comes in it.
ALTER TABLE contact ADD COLUMN lang text NOT NULL DEFAULT 'nb'
    CHECK (lang IN ('nb', 'nn', 'en'));

-- Stops all further mail to an invitation: marks it opted out and
-- takes back its mail not yet claimed by a sender (one in flight may
-- still arrive). True when it was not opted out before.
CREATE FUNCTION svar_invitation_opt_out(p_invitation integer)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
BEGIN
	UPDATE invitation SET opted_out_at = now()
	 WHERE id = p_invitation AND opted_out_at IS NULL;
	IF NOT FOUND THEN
		RETURN false;
	END IF;
	UPDATE outbox SET failed_at = now(), last_error = 'opted out',
	    body = '', unsubscribe_url = NULL
	 WHERE invitation_id = p_invitation AND sent_at IS NULL
	   AND failed_at IS NULL
	   AND (locked_until IS NULL OR locked_until < now());
	RETURN true;
END $$;
REVOKE ALL ON FUNCTION svar_invitation_opt_out(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_invitation_opt_out(integer) TO svar_admin;
CREATE INDEX outbox_invitation ON outbox (invitation_id)
    WHERE invitation_id IS NOT NULL;
