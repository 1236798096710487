-- Rate-limit buckets were an unsalted hash of the address, and every
-- IPv4 address can be hashed in minutes. Salt them with a secret that
-- the app role cannot read: svar_rate runs as its owner.
CREATE TABLE secret (
	name	text PRIMARY KEY,
	value	text NOT NULL
);
INSERT INTO secret (name, value)
VALUES ('rate_salt', replace(gen_random_uuid()::text || gen_random_uuid()::text,
    '-', ''));
REVOKE ALL ON secret FROM PUBLIC;

CREATE OR REPLACE FUNCTION svar_rate(p_bucket text, p_seconds integer,
    p_add integer)
RETURNS integer LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
DECLARE
	b	text;
	w	timestamptz := to_timestamp(floor(extract(epoch FROM now()) /
		    p_seconds) * p_seconds);
	n	integer;
BEGIN
	SELECT encode(sha256(convert_to(value || p_bucket, 'UTF8')), 'hex')
	  INTO b FROM secret WHERE name = 'rate_salt';
	IF p_add = 0 THEN
		SELECT hits INTO n FROM rate_limit
		 WHERE bucket = b AND window_start = w;
		RETURN coalesce(n, 0);
	END IF;
	DELETE FROM rate_limit WHERE window_start < now() - interval '1 day';
	INSERT INTO rate_limit AS r (bucket, window_start, hits)
	VALUES (b, w, p_add)
	ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + p_add
	RETURNING hits INTO n;
	RETURN n;
END $$;

-- The app reaches rate_limit only through svar_rate now.
REVOKE ALL ON rate_limit FROM svar_app;
REVOKE ALL ON FUNCTION svar_rate(text, integer, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_rate(text, integer, integer) TO svar_app;
