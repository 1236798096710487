-- The funnel's counts, pre-aggregated per wave (issue 11 "Speed"). The
-- plain queries grouped every response of a wave on each page view, and
-- break-off joined each response to each page: at 100,000 responses
-- several seconds a view. Indexing response.page_id instead would end
-- HOT updates on every page save, which the respondent path relies on
-- (sql/005, fillfactor 80). So the funnel reads a summary of a few
-- hundred rows per wave, made again by svar_funnel_refresh() when it is
-- older than the caller allows (the page: 10 s); svarctl synth drops
-- the wave's summary when it writes the wave.

-- Responses grouped by everything the funnel counts by.
CREATE TABLE funnel_summary (
	wave_id		integer NOT NULL REFERENCES wave(id),
	version_id	integer NOT NULL REFERENCES version(id),
	definition_id	integer NOT NULL,
	status		text NOT NULL,
	page_id		text,
	furthest_page_id text,
	day		text,		-- completed, Oslo day, YYYY-MM-DD
	personal	boolean NOT NULL,	-- has an invitation
	opted_out	boolean NOT NULL,
	bounced		boolean NOT NULL,
	sent		boolean NOT NULL,	-- letter or e-mail went out
	n		bigint NOT NULL
);
CREATE INDEX funnel_summary_wave ON funnel_summary (wave_id);

-- Median seconds per page, per version and for all (README, The
-- funnel), from the 500 newest responses of each version that started:
-- enough for a median, and the refresh stays well inside the app's 5 s.
CREATE TABLE funnel_page_time (
	wave_id		integer NOT NULL REFERENCES wave(id),
	version_id	integer REFERENCES version(id),	-- NULL: all versions
	page_id		text NOT NULL,
	n		bigint NOT NULL,
	median		numeric NOT NULL
);
CREATE INDEX funnel_page_time_wave ON funnel_page_time (wave_id);

-- What went out and how units moved, per Oslo day: what 'sent' (key:
-- invitation, reminder, letter, email) or 'move' (key: the stage).
CREATE TABLE funnel_event_day (
	wave_id		integer NOT NULL REFERENCES wave(id),
	what		text NOT NULL CHECK (what IN ('sent', 'move')),
	key		text NOT NULL,
	day		text NOT NULL,
	n		bigint NOT NULL
);
CREATE INDEX funnel_event_day_wave ON funnel_event_day (wave_id);

-- Personal invitations of a version, counted on every funnel view, use
-- invitation_version (sql/076 makes it).

CREATE TABLE funnel_summary_state (
	wave_id		integer PRIMARY KEY REFERENCES wave(id),
	refreshed_at	timestamptz NOT NULL
);

-- Makes the wave's summary again unless it is younger than p_max_age;
-- returns when it was made. Two callers at once: the second waits for
-- the first and then finds it fresh.
CREATE FUNCTION svar_funnel_refresh(p_wave integer, p_max_age interval)
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp SET work_mem = '64MB' AS $$
DECLARE
	made	timestamptz;
BEGIN
	SELECT refreshed_at INTO made FROM funnel_summary_state
	 WHERE wave_id = p_wave;
	IF made IS NOT NULL AND made > now() - p_max_age THEN
		RETURN made;
	END IF;
	PERFORM pg_advisory_xact_lock(81, p_wave);
	SELECT refreshed_at INTO made FROM funnel_summary_state
	 WHERE wave_id = p_wave;
	IF made IS NOT NULL AND made > clock_timestamp() - p_max_age THEN
		RETURN made;
	END IF;
	DELETE FROM funnel_summary WHERE wave_id = p_wave;
	DELETE FROM funnel_page_time WHERE wave_id = p_wave;
	DELETE FROM funnel_event_day WHERE wave_id = p_wave;
	INSERT INTO funnel_event_day
	SELECT p_wave, 'sent', k, to_char((t AT TIME ZONE 'Europe/Oslo')::date,
	    'YYYY-MM-DD'), count(*) FROM (
	    SELECT o.kind AS k, o.sent_at AS t FROM outbox o JOIN wave_unit wu
	     ON wu.id = o.wave_unit_id WHERE wu.wave_id = p_wave AND
	     o.kind IN ('invitation', 'reminder') AND o.sent_at IS NOT NULL
	    UNION ALL SELECT 'letter', i.letter_sent_at FROM invitation i
	     JOIN version v ON v.id = i.version_id WHERE v.wave_id = p_wave
	     AND i.letter_sent_at IS NOT NULL
	    UNION ALL SELECT 'email', i.email_sent_at FROM invitation i
	     JOIN version v ON v.id = i.version_id WHERE v.wave_id = p_wave
	     AND i.email_sent_at IS NOT NULL) x
	 GROUP BY 3, 4;
	INSERT INTO funnel_event_day
	SELECT p_wave, 'move', e.to_stage, to_char((e.at AT TIME ZONE
	    'Europe/Oslo')::date, 'YYYY-MM-DD'), count(*)
	  FROM unit_event e JOIN wave_unit wu ON wu.id = e.wave_unit_id
	 WHERE wu.wave_id = p_wave AND wu.eligible AND e.from_stage IS
	    DISTINCT FROM e.to_stage
	 GROUP BY 3, 4;
	INSERT INTO funnel_summary
	SELECT p_wave, r.version_id, r.definition_id, r.status, r.page_id,
	    r.furthest_page_id, to_char((r.completed_at AT TIME ZONE
	    'Europe/Oslo')::date, 'YYYY-MM-DD'), r.invitation_id IS NOT NULL,
	    i.opted_out_at IS NOT NULL, i.bounced_at IS NOT NULL,
	    i.letter_sent_at IS NOT NULL OR i.email_sent_at IS NOT NULL,
	    count(*)
	  FROM response r JOIN version v ON v.id = r.version_id
	  LEFT JOIN invitation i ON i.id = r.invitation_id
	 WHERE v.wave_id = p_wave AND NOT r.test
	 GROUP BY 2, 3, 4, 5, 6, 7, 8, 9, 10, 11;
	-- A page is saved when its rows last changed; its time runs from
	-- the save before it (or the opening).
	INSERT INTO funnel_page_time
	WITH r AS (SELECT x.* FROM version v, LATERAL (SELECT r.id,
	    r.version_id, r.definition_id, r.opened_at FROM response r
	    WHERE r.version_id = v.id AND NOT r.test AND r.status IN
	    ('started', 'completed') ORDER BY r.id DESC LIMIT 500) x
	    WHERE v.wave_id = p_wave),
	s AS (SELECT r.id, r.version_id, r.opened_at, p.page_id,
	    max(a.updated_at) AS at FROM r JOIN answer a ON a.response_id =
	    r.id JOIN variable p ON p.definition_id = r.definition_id AND
	    p.var = a.var GROUP BY 1, 2, 3, 4),
	d AS (SELECT version_id, page_id, extract(epoch FROM at -
	    coalesce(lag(at) OVER (PARTITION BY id ORDER BY at), opened_at))
	    AS sec FROM s)
	SELECT p_wave, version_id, page_id, count(sec),
	    percentile_cont(0.5) WITHIN GROUP (ORDER BY sec)
	  FROM d WHERE sec IS NOT NULL
	 GROUP BY GROUPING SETS ((version_id, page_id), (page_id));
	INSERT INTO funnel_summary_state VALUES (p_wave, clock_timestamp())
	    ON CONFLICT (wave_id) DO UPDATE SET refreshed_at =
	    excluded.refreshed_at;
	RETURN clock_timestamp();
END $$;
REVOKE ALL ON FUNCTION svar_funnel_refresh(integer, interval) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_funnel_refresh(integer, interval)
    TO svar_admin;
GRANT SELECT ON funnel_summary, funnel_page_time, funnel_event_day,
    funnel_summary_state TO svar_admin;
