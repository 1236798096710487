-- Raw-data exports (issue 13 §1).

-- The response id an export shows: random, stable, and not the database
-- key, which is a sequence and would tell the order (and so roughly the
-- time) responses came in, and could be joined to anything else keyed
-- on it. 60 bits (15 hex digits of the MD5 of a random UUID) after an
-- R. Unique: at 100,000 responses a clash (that insert fails and the
-- respondent presses again) has a chance of about 1 in 200 million.
ALTER TABLE response ADD COLUMN export_id text NOT NULL
    DEFAULT 'R' || upper(substr(md5(gen_random_uuid()::text), 1, 15));
CREATE UNIQUE INDEX response_export_id ON response (export_id);
