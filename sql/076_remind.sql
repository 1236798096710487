-- Reminder rules per wave, their evaluation, runs and what each sent
-- (issue 12 §2). A rule names who it mails:
--   no_contact       units invited (request to postmottak) and still
--                    without a contact person after_days after the
--                    request: the request again, to postmottak
--   not_distributed  units with a contact person who has not reported
--                    forwarding after_days after accepting: to the
--                    contact person
--   low_rate         units that forwarded (with a headcount) at least
--                    after_days ago and whose completed responses are
--                    under rate_below % of it: to the contact person,
--                    with the unit's counts
--   personal         personal invitations with an e-mail address,
--                    invited (letter or e-mail) at least after_days ago
--                    and not completed: their own link again
--   invite           personal invitations with an e-mail address never
--                    e-mailed: the invitation with link and code (once)
-- Never to a completed response, an opted-out or bounced address, a
-- declined unit (or an office that declined), or in a closed wave.
-- gap_days apart at least, at most max_per_person reminders to one
-- address and max_per_unit to one unit (the unit rules together).
CREATE TABLE remind_rule (
	id		serial PRIMARY KEY,
	wave_id		integer NOT NULL REFERENCES wave(id),
	kind		text NOT NULL CHECK (kind IN ('no_contact',
			    'not_distributed', 'low_rate', 'personal',
			    'invite')),
	version_id	integer REFERENCES version(id),
	after_days	integer NOT NULL CHECK (after_days BETWEEN 0 AND 365),
	rate_below	integer CHECK (rate_below BETWEEN 1 AND 100),
	gap_days	integer NOT NULL DEFAULT 7
			    CHECK (gap_days BETWEEN 0 AND 365),
	max_per_person	integer NOT NULL DEFAULT 2
			    CHECK (max_per_person BETWEEN 1 AND 20),
	max_per_unit	integer NOT NULL DEFAULT 3
			    CHECK (max_per_unit BETWEEN 1 AND 50),
	active		boolean NOT NULL DEFAULT true,
	created_by	text NOT NULL,
	created_at	timestamptz NOT NULL DEFAULT now(),
	CHECK ((kind = 'low_rate') = (rate_below IS NOT NULL))
);

-- Every send: which rule, when, who pressed, how many mails.
CREATE TABLE remind_run (
	id		serial PRIMARY KEY,
	rule_id		integer NOT NULL REFERENCES remind_rule(id),
	at		timestamptz NOT NULL DEFAULT now(),
	actor		text NOT NULL,
	sent		integer NOT NULL
);

-- Every mail a run sent: what the caps and gaps count.
CREATE TABLE remind_sent (
	id		bigserial PRIMARY KEY,
	run_id		integer NOT NULL REFERENCES remind_run(id),
	kind		text NOT NULL,
	wave_unit_id	integer REFERENCES wave_unit(id),
	invitation_id	integer REFERENCES invitation(id),
	to_addr		text NOT NULL,
	outbox_id	bigint NOT NULL REFERENCES outbox(id),
	at		timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX remind_sent_unit ON remind_sent (wave_unit_id)
    WHERE wave_unit_id IS NOT NULL;
CREATE INDEX remind_sent_invitation ON remind_sent (invitation_id)
    WHERE invitation_id IS NOT NULL;
CREATE INDEX invitation_version ON invitation (version_id);

-- Who a rule would mail at p_now, one row each, ordered; the preview
-- shows these rows and the send mails exactly these (it compares a
-- digest of them with the preview's). Set-based: one query per kind.
-- days: since the request, acceptance, forwarding or invitation;
-- n_before: reminders this address had; next_at: the earliest another
-- reminder could follow (NULL when a cap will have been reached).
CREATE FUNCTION svar_remind_due(p_rule integer, p_now timestamptz)
RETURNS TABLE (wave_unit_id integer, invitation_id integer, to_addr text,
    lang text, days integer, n_before integer, next_at date,
    unit text, link_key text, code text, contact text,
    forwarded integer, opened integer, started integer, completed integer,
    optout_key text)
LANGUAGE plpgsql STABLE SET search_path = public, pg_temp AS $$
DECLARE
	r	remind_rule;
	w	wave;
	before	timestamptz;
	gap	timestamptz;
BEGIN
	SELECT * INTO r FROM remind_rule WHERE id = p_rule AND active;
	SELECT * INTO w FROM wave WHERE id = r.wave_id;
	IF NOT FOUND OR w.closed OR w.closes_at <= p_now THEN
		RETURN;
	END IF;
	before := p_now - r.after_days * interval '1 day';
	gap := p_now - r.gap_days * interval '1 day';
	IF r.kind IN ('no_contact', 'not_distributed', 'low_rate') THEN
		RETURN QUERY
		WITH wu AS (
			SELECT x.id, x.stage, x.forwarded_count, x.forwarded_at,
			    x.portal_selector || x.portal_verifier AS pkey,
			    u.name, u.postmottak, u.postmottak_bounced_at
			  FROM wave_unit x JOIN unit u ON u.id = x.unit_id
			 WHERE x.wave_id = r.wave_id AND x.eligible
			   AND x.portal_selector IS NOT NULL
			   AND x.stage = CASE r.kind WHEN 'no_contact'
				THEN 'invited' WHEN 'not_distributed'
				THEN 'accepted' ELSE x.stage END
			   AND (r.kind <> 'low_rate' OR x.stage IN
				('distributed', 'responding'))),
		-- When the unit reached the stage it is in.
		reached AS (
			SELECT e.wave_unit_id AS id, max(e.at) AS at
			  FROM unit_event e JOIN wu ON wu.id = e.wave_unit_id
			 WHERE e.to_stage = wu.stage
			   AND e.from_stage IS DISTINCT FROM e.to_stage
			 GROUP BY 1),
		to_whom AS (
			SELECT wu.*, CASE WHEN r.kind = 'no_contact'
			    THEN wu.postmottak ELSE c.email END AS addr,
			    CASE WHEN r.kind = 'no_contact' THEN 'nb'
			    ELSE c.lang END AS lang, c.name AS cname,
			    CASE WHEN r.kind = 'low_rate' THEN
				coalesce(wu.forwarded_at, rc.at)
			    ELSE rc.at END AS since
			  FROM wu LEFT JOIN reached rc ON rc.id = wu.id
			  LEFT JOIN contact c ON c.wave_unit_id = wu.id
			 WHERE CASE WHEN r.kind = 'no_contact' THEN
				wu.postmottak IS NOT NULL AND
				wu.postmottak_bounced_at IS NULL
			    ELSE c.email IS NOT NULL AND c.bounced_at IS NULL
			    END),
		counts AS (
			SELECT l.wave_unit_id AS id, count(*)::integer AS o,
			    count(*) FILTER (WHERE p.status IN ('started',
				'completed'))::integer AS s,
			    count(*) FILTER (WHERE p.status =
				'completed')::integer AS c
			  FROM response p JOIN unit_link l ON l.id =
			    p.unit_link_id JOIN wu ON wu.id = l.wave_unit_id
			 WHERE NOT p.test GROUP BY 1),
		-- The unit rules' reminders so far, per unit and address.
		per_unit AS (
			SELECT s.wave_unit_id AS id, count(*)::integer AS n,
			    max(s.at) AS last FROM remind_sent s
			  JOIN wu ON wu.id = s.wave_unit_id
			 WHERE s.invitation_id IS NULL GROUP BY 1),
		per_addr AS (
			SELECT s.wave_unit_id AS id, lower(s.to_addr) AS a,
			    count(*)::integer AS n FROM remind_sent s
			  JOIN wu ON wu.id = s.wave_unit_id
			 WHERE s.invitation_id IS NULL GROUP BY 1, 2)
		SELECT t.id, NULL::integer, t.addr, t.lang,
		    floor(extract(epoch FROM p_now - t.since) /
			86400)::integer,
		    coalesce(pa.n, 0),
		    CASE WHEN coalesce(pa.n, 0) + 1 < r.max_per_person AND
			coalesce(pu.n, 0) + 1 < r.max_per_unit
			THEN (p_now + r.gap_days * interval '1 day')::date END,
		    t.name, t.pkey, NULL::text, t.cname, t.forwarded_count,
		    coalesce(k.o, 0), coalesce(k.s, 0), coalesce(k.c, 0),
		    NULL::text
		  FROM to_whom t LEFT JOIN counts k ON k.id = t.id
		  LEFT JOIN per_unit pu ON pu.id = t.id
		  LEFT JOIN per_addr pa ON pa.id = t.id
		   AND pa.a = lower(t.addr)
		 WHERE t.since IS NOT NULL AND t.since <= before
		   AND coalesce(pu.last, '-infinity') <= gap
		   AND coalesce(pu.n, 0) < r.max_per_unit
		   AND coalesce(pa.n, 0) < r.max_per_person
		   AND (r.kind <> 'low_rate' OR (t.forwarded_count > 0 AND
			coalesce(k.c, 0) * 100 < r.rate_below *
			t.forwarded_count))
		 ORDER BY t.id;
		RETURN;
	END IF;
	RETURN QUERY
	WITH inv AS (
		SELECT i.id, i.email, i.code, i.email_sent_at,
		    i.optout_selector || i.optout_verifier AS okey,
		    p.selector || p.verifier AS rkey, p.lang,
		    CASE WHEN r.kind = 'invite' THEN i.created_at
			ELSE least(i.email_sent_at, i.letter_sent_at) END
			AS since,
		    greatest(i.email_sent_at, i.letter_sent_at) AS last_mail
		  FROM invitation i JOIN version v ON v.id = i.version_id
		  JOIN response p ON p.invitation_id = i.id
		 WHERE v.wave_id = r.wave_id
		   AND (r.version_id IS NULL OR v.id = r.version_id)
		   AND i.email IS NOT NULL AND i.opted_out_at IS NULL
		   AND i.bounced_at IS NULL AND p.status <> 'completed'
		   AND NOT p.test
		   AND (r.kind <> 'invite' OR i.email_sent_at IS NULL)
		   AND NOT EXISTS (SELECT FROM wave_unit o
			WHERE o.unit_id = i.unit_id AND o.wave_id = r.wave_id
			  AND o.stage = 'declined')),
	-- Personal reminders so far (the invitation itself not counted).
	per_inv AS (
		SELECT s.invitation_id AS id, count(*)::integer AS n,
		    max(s.at) AS last FROM remind_sent s
		  JOIN inv ON inv.id = s.invitation_id
		 WHERE s.kind = 'personal' GROUP BY 1)
	SELECT NULL::integer, inv.id, inv.email, inv.lang,
	    floor(extract(epoch FROM p_now - inv.since) / 86400)::integer,
	    coalesce(pi.n, 0),
	    CASE WHEN r.kind = 'personal' AND coalesce(pi.n, 0) + 1 <
		r.max_per_person THEN (p_now + r.gap_days *
		interval '1 day')::date END,
	    NULL::text, inv.rkey, inv.code, NULL::text, NULL::integer,
	    NULL::integer, NULL::integer, NULL::integer, inv.okey
	  FROM inv LEFT JOIN per_inv pi ON pi.id = inv.id
	 WHERE inv.since IS NOT NULL AND inv.since <= before
	   AND (r.kind = 'invite' OR (coalesce(pi.n, 0) < r.max_per_person
		AND greatest(pi.last, inv.last_mail) <= gap))
	 ORDER BY inv.id;
END $$;

-- A unit reminder is a line in the unit's history.
CREATE FUNCTION svar_remind_notes(p_run integer)
RETURNS void LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp AS $$
	INSERT INTO unit_event (wave_unit_id, from_stage, to_stage, actor, note)
	SELECT wu.id, wu.stage, wu.stage, 'system', 'reminder (' || s.kind ||
	    ') to ' || s.to_addr
	  FROM remind_sent s JOIN wave_unit wu ON wu.id = s.wave_unit_id
	 WHERE s.run_id = p_run;
$$;

REVOKE ALL ON FUNCTION svar_remind_due(integer, timestamptz),
    svar_remind_notes(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION svar_remind_due(integer, timestamptz),
    svar_remind_notes(integer) TO svar_admin;
GRANT SELECT, INSERT ON remind_rule, remind_run, remind_sent TO svar_admin;
GRANT UPDATE (active) ON remind_rule TO svar_admin;
GRANT USAGE ON SEQUENCE remind_rule_id_seq, remind_run_id_seq,
    remind_sent_id_seq TO svar_admin;
