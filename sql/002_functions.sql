-- The respondent path in one round trip each: a new response, and the
-- save of a page. Both run as the caller (the app role).

-- Creates a response for an open link and records the unit's first
-- respondent as "distributed" (SPEC §3, S3).
CREATE FUNCTION svar_response_new(p_version integer, p_unit_link integer,
    p_selector text, p_verifier text, p_csrf text, p_lang text,
    p_vars text[], p_values text[])
RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
	rid	bigint;
	wu	integer;
BEGIN
	INSERT INTO response (version_id, unit_link_id, selector, verifier,
	    csrf, lang, status, opened_at)
	VALUES (p_version, p_unit_link, p_selector, p_verifier, p_csrf,
	    p_lang, 'opened', now())
	RETURNING id INTO rid;
	INSERT INTO answer (response_id, var, value, state)
	SELECT rid, v, x, 'a' FROM unnest(p_vars, p_values) AS t(v, x);
	IF p_unit_link IS NOT NULL THEN
		UPDATE wave_unit SET stage = 'distributed'
		 WHERE id = (SELECT wave_unit_id FROM unit_link
		              WHERE id = p_unit_link)
		   AND stage IN ('frame', 'invited', 'accepted')
		RETURNING id INTO wu;
		IF wu IS NOT NULL THEN
			INSERT INTO unit_event (wave_unit_id, stage, note)
			VALUES (wu, 'distributed', 'first respondent arrived');
		END IF;
	END IF;
	RETURN rid;
END $$;

-- Saves one page: the rows of the page, the not-asked marks routing
-- made, and where the respondent goes next. p_rev is the revision the
-- caller read; a concurrent save (a second tab) makes this return -1 and
-- the caller reads again. A completed response returns -2: completing
-- happens once, and after it nothing changes.
CREATE FUNCTION svar_page_save(p_response bigint, p_rev integer,
    p_vars text[], p_values text[], p_states "char"[],
    p_page integer, p_started boolean, p_complete boolean)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	r	integer;
	ul	integer;
	wu	integer;
BEGIN
	UPDATE response SET
	    rev = rev + 1,
	    page_no = p_page,
	    max_page_no = greatest(max_page_no, p_page),
	    status = CASE WHEN p_complete THEN 'completed'
			  WHEN p_started THEN 'started' ELSE status END,
	    opened_at = coalesce(opened_at, now()),
	    started_at = CASE WHEN started_at IS NULL AND
			    (p_started OR p_complete) THEN now()
			    ELSE started_at END,
	    completed_at = CASE WHEN p_complete THEN now() ELSE NULL END,
	    updated_at = now()
	 WHERE id = p_response AND rev = p_rev AND status <> 'completed'
	RETURNING rev, unit_link_id INTO r, ul;
	IF NOT FOUND THEN
		IF EXISTS (SELECT 1 FROM response WHERE id = p_response
		            AND status = 'completed') THEN
			RETURN -2;
		END IF;
		RETURN -1;
	END IF;
	INSERT INTO answer AS a (response_id, var, value, state)
	SELECT p_response, v, x, s
	  FROM unnest(p_vars, p_values, p_states) AS t(v, x, s)
	ON CONFLICT (response_id, var) DO UPDATE
	   SET value = excluded.value, state = excluded.state,
	       updated_at = now()
	 WHERE a.value IS DISTINCT FROM excluded.value
	    OR a.state IS DISTINCT FROM excluded.state;
	IF p_complete AND ul IS NOT NULL THEN
		UPDATE wave_unit SET stage = 'responding'
		 WHERE id = (SELECT wave_unit_id FROM unit_link WHERE id = ul)
		   AND stage <> 'responding'
		RETURNING id INTO wu;
		IF wu IS NOT NULL THEN
			INSERT INTO unit_event (wave_unit_id, stage, note)
			VALUES (wu, 'responding', 'first completed response');
		END IF;
	END IF;
	RETURN r;
END $$;

-- Counts a hit in a fixed window and returns the count so far.
CREATE FUNCTION svar_rate_hit(p_bucket text, p_seconds integer)
RETURNS integer LANGUAGE sql AS $$
	INSERT INTO rate_limit AS r (bucket, window_start, hits)
	VALUES (p_bucket, to_timestamp(floor(extract(epoch FROM now()) /
	    p_seconds) * p_seconds), 1)
	ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
	RETURNING hits;
$$;
