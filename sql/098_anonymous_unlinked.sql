-- Anonymous waves, mended after the review at the end of stop 20. At
-- completion sql/090 cut the response loose but wrote the day on the
-- invitation (completed_at) and the spent key (done_key) in the same
-- transaction, so in a small wave the invitation could be joined to
-- its answers: by the day (the one invitation done on Tuesday, the one
-- response done on Tuesday), by PostgreSQL's transaction id of the two
-- rows (xmin, the same for both), and by order (the new response id
-- came from the sequence, in the order of completion). The contact
-- details for recontact had the same: their row was written in that
-- transaction, and its given_on was the day.
--
-- Now the completing transaction of an anonymous wave writes nothing
-- that names a person: not the invitation, not the contact details.
-- - The invitation keeps the digest of its response's key from the
--   start (key_digest, written when the response is made). That its
--   response has gone is what says it completed: the response leaving
--   it is the only way an invitation loses its response. No day.
-- - The response gets an id drawn at random (above 2^52, where the
--   sequence never comes), a new export id (an export of partial
--   responses taken before completion showed the old one with the
--   unit and the times), and created_at its own first day (a personal
--   invitation's response was made with the invitation, so its
--   creation day was the invitation's).
-- - Contact details know their response by a digest of its key
--   ('recontact ' before it, so it is not the invitation's digest);
--   the key is replaced at completion, so the row points at nothing
--   without being written. In an anonymous wave they get no day and
--   an id drawn at random, and whenever details are given all of the
--   wave's rows are written again in random order, so neither their
--   ids, their order in the table nor their transaction ids tell
--   which came when.

-- The invitation's key digest, from the start. done_key was the same
-- digest, written at completion; an invitation done before this keeps
-- it, the others get theirs from their response.
ALTER TABLE invitation RENAME COLUMN done_key TO key_digest;
UPDATE invitation i SET key_digest = svar_key_digest(r.selector ||
    r.verifier) FROM response r WHERE r.invitation_id = i.id
    AND i.key_digest IS NULL;

CREATE FUNCTION svar_invitation_key() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
BEGIN
	UPDATE invitation SET key_digest = svar_key_digest(NEW.selector ||
	    NEW.verifier) WHERE id = NEW.invitation_id;
	RETURN NULL;
END
$$;
REVOKE ALL ON FUNCTION svar_invitation_key() FROM PUBLIC;
CREATE TRIGGER response_invitation_key AFTER INSERT ON response
    FOR EACH ROW WHEN (NEW.invitation_id IS NOT NULL)
    EXECUTE FUNCTION svar_invitation_key();

-- Contact details by their response's key, not its id.
CREATE FUNCTION svar_recontact_owner(p_response bigint) RETURNS text
LANGUAGE sql STABLE SET search_path = public AS $$
	SELECT svar_key_digest('recontact ' || selector || verifier)
	  FROM response WHERE id = p_response
$$;
REVOKE ALL ON FUNCTION svar_recontact_owner(bigint) FROM PUBLIC;

ALTER TABLE recontact ADD COLUMN owner text UNIQUE,
    ALTER COLUMN given_on DROP NOT NULL;
UPDATE recontact SET owner = svar_recontact_owner(response_id)
 WHERE response_id IS NOT NULL;
ALTER TABLE recontact DROP COLUMN response_id;

-- What anonymous waves completed before this keeps the same (in one
-- transaction, so these rows share its id): no day on the invitation,
-- the responses under ids drawn at random (in random order, apart by
-- construction) with new export ids and their own first day, and the
-- contact details without a day under ids drawn the same way.
UPDATE invitation i SET completed_at = NULL
  FROM version v JOIN wave w ON w.id = v.wave_id
 WHERE v.id = i.version_id AND w.anonymous AND i.completed_at IS NOT NULL
   AND NOT EXISTS (SELECT FROM response r WHERE r.invitation_id = i.id);
UPDATE response r SET id = 4503599627370496 + s.n * 1048576 +
    floor(random() * 1048576)::bigint,
    export_id = 'R' || upper(substr(md5(gen_random_uuid()::text), 1, 15)),
    created_at = date_trunc('day', coalesce(r.opened_at, r.completed_at))
  FROM (SELECT x.id, row_number() OVER (ORDER BY random()) AS n
	  FROM response x JOIN version v ON v.id = x.version_id
	  JOIN wave w ON w.id = v.wave_id
	 WHERE w.anonymous AND x.status = 'completed' AND NOT x.test
	   AND x.invitation_id IS NULL AND x.selector LIKE 'anon-%') s
 WHERE r.id = s.id;
UPDATE recontact c SET given_on = NULL, id = 1073741824 + s.n * 1024 +
    floor(random() * 1024)::integer
  FROM (SELECT x.id, row_number() OVER (ORDER BY random()) AS n
	  FROM recontact x JOIN wave w ON w.id = x.wave_id
	 WHERE w.anonymous) s
 WHERE c.id = s.id;

-- Runs once per response, when it completes (the page save's UPDATE).
CREATE OR REPLACE FUNCTION svar_response_done() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	anon	boolean;
	nid	bigint;
BEGIN
	SELECT w.anonymous INTO anon FROM version v JOIN wave w
	    ON w.id = v.wave_id WHERE v.id = NEW.version_id;
	IF NOT coalesce(anon, false) OR NEW.test THEN
		UPDATE invitation SET completed_at = now()
		    WHERE id = NEW.invitation_id;
		RETURN NULL;
	END IF;
	UPDATE answer SET updated_at = date_trunc('day', updated_at)
	    WHERE response_id = NEW.id;
	LOOP
		nid := 4503599627370496 + floor(random() *
		    4503599627370496)::bigint;
		EXIT WHEN NOT EXISTS (SELECT FROM response WHERE id = nid);
	END LOOP;
	-- Keys that match no link (a selector is 8 characters), so the
	-- response cannot be opened again by anyone, and its contact
	-- details (by the old key's digest) no longer find it.
	UPDATE response SET id = nid, invitation_id = NULL,
	    selector = 'anon-' || gen_random_uuid(),
	    verifier = gen_random_uuid()::text,
	    csrf = gen_random_uuid()::text,
	    export_id = 'R' || upper(substr(md5(gen_random_uuid()::text),
	    1, 15)),
	    created_at = date_trunc('day', coalesce(opened_at, completed_at)),
	    opened_at = date_trunc('day', opened_at),
	    started_at = date_trunc('day', started_at),
	    completed_at = date_trunc('day', completed_at),
	    updated_at = date_trunc('day', updated_at)
	    WHERE id = NEW.id;
	RETURN NULL;
END
$$;

-- What the respondent typed; an empty field keeps what was given
-- before (the page does not show it again). Not for test responses or
-- finished ones.
CREATE OR REPLACE FUNCTION svar_recontact_set(p_response bigint,
    p_name text, p_email text, p_phone text) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
	w	integer;
	anon	boolean;
	rid	integer;
BEGIN
	IF coalesce(p_name, p_email, p_phone, '') = '' THEN
		RETURN;
	END IF;
	SELECT v.wave_id, x.anonymous INTO w, anon FROM response r
	  JOIN version v ON v.id = r.version_id JOIN wave x ON x.id = v.wave_id
	 WHERE r.id = p_response AND NOT r.test
	   AND r.status NOT IN ('completed', 'withdrawn');
	IF NOT FOUND THEN
		RETURN;
	END IF;
	IF anon THEN
		-- One writer per wave at a time: the rewrite below takes
		-- every row of the wave, in random order.
		PERFORM pg_advisory_xact_lock(98, w);
		LOOP
			rid := 1073741824 + floor(random() * 1073741823)::integer;
			EXIT WHEN NOT EXISTS (SELECT FROM recontact WHERE id = rid);
		END LOOP;
	ELSE
		rid := nextval('recontact_id_seq');
	END IF;
	INSERT INTO recontact AS k (id, wave_id, owner, name, email, phone,
	    given_on)
	VALUES (rid, w, svar_recontact_owner(p_response), nullif(p_name, ''),
	    nullif(p_email, ''), nullif(p_phone, ''),
	    CASE WHEN NOT anon THEN current_date END)
	ON CONFLICT (owner) DO UPDATE SET
	    name = coalesce(excluded.name, k.name),
	    email = coalesce(excluded.email, k.email),
	    phone = coalesce(excluded.phone, k.phone),
	    given_on = excluded.given_on;
	IF anon THEN
		-- Every row of the wave again, in random order: each a new row
		-- version with this transaction's id, placed anew in the
		-- table (one statement: a row at a time took 0.4 s at 1,000).
		WITH gone AS (DELETE FROM recontact WHERE wave_id = w
		    RETURNING *)
		INSERT INTO recontact SELECT * FROM gone ORDER BY random();
	END IF;
END
$$;

-- The consent was taken back (routing no longer asks for contact).
CREATE OR REPLACE FUNCTION svar_recontact_drop(p_response bigint)
RETURNS void LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$
	DELETE FROM recontact WHERE owner = svar_recontact_owner(p_response)
$$;

-- Withdrawal as in sql/090; the contact details found by their owner.
CREATE OR REPLACE FUNCTION svar_response_withdraw(p_id bigint)
RETURNS integer
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
	PERFORM svar_recontact_drop(p_id);
	DELETE FROM open_code WHERE response_id = p_id;
	DELETE FROM open_code_log WHERE response_id = p_id;
	DELETE FROM text_blanked WHERE response_id = p_id;
	DELETE FROM answer WHERE response_id = p_id;
	UPDATE invitation SET opted_out_at = coalesce(opted_out_at, now())
	    WHERE id = inv;
	RETURN 1;
END
$$;
