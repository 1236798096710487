-- Rate limits count what the caller says (failures, new responses), and
-- a check costs no write: svar_rate(bucket, window, 0) only reads.
DROP FUNCTION svar_rate_hit(text, integer);

CREATE FUNCTION svar_rate(p_bucket text, p_seconds integer, p_add integer)
RETURNS integer LANGUAGE plpgsql AS $$
DECLARE
	b	text := encode(sha256(convert_to(p_bucket, 'UTF8')), 'hex');
	w	timestamptz := to_timestamp(floor(extract(epoch FROM now()) /
		    p_seconds) * p_seconds);
	n	integer;
BEGIN
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

GRANT EXECUTE ON FUNCTION svar_rate TO svar_app;
