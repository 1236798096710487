-- Rate-limit buckets hold an address; keep only a hash of it, and drop
-- windows older than a day as new hits come in.
CREATE OR REPLACE FUNCTION svar_rate_hit(p_bucket text, p_seconds integer)
RETURNS integer LANGUAGE sql AS $$
	DELETE FROM rate_limit WHERE window_start < now() - interval '1 day';
	INSERT INTO rate_limit AS r (bucket, window_start, hits)
	VALUES (encode(sha256(convert_to(p_bucket, 'UTF8')), 'hex'),
	    to_timestamp(floor(extract(epoch FROM now()) / p_seconds) *
	    p_seconds), 1)
	ON CONFLICT (bucket, window_start) DO UPDATE SET hits = r.hits + 1
	RETURNING hits;
$$;
