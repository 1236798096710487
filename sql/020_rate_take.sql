-- The wrong-code limit read the count in one statement and added to it
-- in another, so parallel requests all passed the check before any was
-- counted (40 at once: 12-16 evaluated, not 10). svar_rate_take counts
-- and compares in one upsert: a request that finds the row locked waits,
-- then sees the new count. A try is taken before a code is looked at; a
-- right code gives it back with svar_rate_give.
--
-- Old windows are deleted on every hit (svar_rate, svar_rate_take): an
-- index on window_start makes that read only the rows it deletes, not
-- the whole table.
CREATE INDEX rate_limit_window_start ON rate_limit (window_start);

-- The salted hash of a bucket, and the start of its current window.
CREATE FUNCTION svar_rate_key(p_bucket text) RETURNS text
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
	SELECT encode(sha256(convert_to(value || p_bucket, 'UTF8')), 'hex')
	  FROM secret WHERE name = 'rate_salt'
$$;

CREATE FUNCTION svar_rate_window(p_seconds integer) RETURNS timestamptz
LANGUAGE sql STABLE AS $$
	SELECT to_timestamp(floor(extract(epoch FROM now()) / p_seconds) *
	    p_seconds)
$$;

-- True when the bucket had fewer than p_limit hits in this window, and
-- then it has one more; false (and nothing counted) when it was full.
CREATE FUNCTION svar_rate_take(p_bucket text, p_seconds integer,
    p_limit integer)
RETURNS boolean LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
	n	integer;
BEGIN
	DELETE FROM rate_limit WHERE window_start < now() - interval '1 day';
	INSERT INTO rate_limit AS r (bucket, window_start, hits)
	VALUES (svar_rate_key(p_bucket), svar_rate_window(p_seconds), 1)
	ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
	 WHERE r.hits < p_limit
	RETURNING hits INTO n;
	RETURN n IS NOT NULL;
END $$;

-- Gives back a try taken in this window (a right code is free). A try
-- taken just before the window turned is not given back: one try less.
CREATE FUNCTION svar_rate_give(p_bucket text, p_seconds integer)
RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
	UPDATE rate_limit SET hits = hits - 1
	 WHERE bucket = svar_rate_key(p_bucket)
	   AND window_start = svar_rate_window(p_seconds) AND hits > 0
$$;

REVOKE ALL ON FUNCTION svar_rate_key(text), svar_rate_window(integer),
    svar_rate_take(text, integer, integer),
    svar_rate_give(text, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_rate_take(text, integer, integer),
    svar_rate_give(text, integer) TO svar_app;
