-- A wave opens only when its definitions name what the privacy notice
-- must say (controller, contact, legal basis, retention, data protection
-- officer) and the survey's owner, shown in every page's header. The
-- loader, which parses the text, records what a definition leaves out;
-- the database refuses an open wave with such a definition, however it
-- is asked (the admin's button, a load into an open wave, plain SQL).

-- Texts loaded before this migration cannot hold these directives (the
-- parser refused unknown ones), so they lack all of them.
ALTER TABLE definition ADD COLUMN privacy_missing text NOT NULL
    DEFAULT 'owner controller contact basis retention dpo';

-- What the current definitions of a wave's versions leave out, as
-- space-separated words in the loader's order; '' when nothing.
CREATE FUNCTION svar_wave_privacy_missing(p_wave integer) RETURNS text
    LANGUAGE sql STABLE AS $$
	SELECT coalesce(string_agg(f, ' ' ORDER BY n), '')
	  FROM (SELECT f, min(n) AS n
		  FROM version v
		  JOIN definition d ON d.id = v.definition_id
		 CROSS JOIN regexp_split_to_table(d.privacy_missing, ' ')
		       WITH ORDINALITY AS x (f, n)
		 WHERE v.wave_id = p_wave AND f <> ''
		 GROUP BY f) m
$$;
REVOKE ALL ON FUNCTION svar_wave_privacy_missing FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_wave_privacy_missing(integer) TO svar_admin;

CREATE FUNCTION svar_wave_open_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
	m	text;
BEGIN
	IF NEW.closed THEN
		RETURN NEW;
	END IF;
	m := svar_wave_privacy_missing(NEW.id);
	IF m <> '' THEN
		RAISE EXCEPTION 'wave % cannot open: its definition does not '
		    'name: %', NEW.year, m USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER wave_open_check BEFORE UPDATE OF closed ON wave
    FOR EACH ROW WHEN (OLD.closed AND NOT NEW.closed)
    EXECUTE FUNCTION svar_wave_open_check();

CREATE FUNCTION svar_version_open_check() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
	m	text;
BEGIN
	SELECT d.privacy_missing INTO m
	  FROM definition d JOIN wave w ON w.id = NEW.wave_id
	 WHERE d.id = NEW.definition_id AND NOT w.closed;
	IF coalesce(m, '') <> '' THEN
		RAISE EXCEPTION 'wave is open and the definition does not '
		    'name: %', m USING ERRCODE = 'check_violation';
	END IF;
	RETURN NEW;
END $$;

CREATE TRIGGER version_open_check
    BEFORE INSERT OR UPDATE OF definition_id ON version
    FOR EACH ROW EXECUTE FUNCTION svar_version_open_check();
