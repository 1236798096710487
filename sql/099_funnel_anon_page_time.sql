-- The median time per page (sql/081) in an anonymous wave: a completed
-- response there keeps only days (sql/090), so its page times came out
-- as 0, and since sql/098 gives it an id above every other, the "500
-- newest" each version's medians are taken from were those. Now only
-- responses still under way count there; the rest of the function is
-- as sql/081 wrote it.

CREATE OR REPLACE FUNCTION svar_funnel_refresh(p_wave integer,
    p_max_age interval)
RETURNS timestamptz LANGUAGE plpgsql SECURITY DEFINER
SET search_path = public, pg_temp SET work_mem = '64MB' AS $$
DECLARE
	made	timestamptz;
	anon	boolean;
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
	-- the save before it (or the opening). An anonymous wave's
	-- completed responses keep only days, so only the others count.
	SELECT anonymous INTO anon FROM wave WHERE id = p_wave;
	INSERT INTO funnel_page_time
	WITH r AS (SELECT x.* FROM version v, LATERAL (SELECT r.id,
	    r.version_id, r.definition_id, r.opened_at FROM response r
	    WHERE r.version_id = v.id AND NOT r.test AND r.status = ANY
	    (CASE WHEN anon THEN '{started}'::text[] ELSE
	    '{started,completed}'::text[] END)
	    ORDER BY r.id DESC LIMIT 500) x
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
