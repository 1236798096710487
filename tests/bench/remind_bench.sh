#!/bin/sh
# The time to evaluate every reminder rule of a wave (svar_remind_due, as
# the admin's preview and send run it) over a synthetic wave of its own:
# N personal invitations and U units spread over the recruitment stages,
# with contacts, links, responses and letters sent ten days ago, and one
# rule of each kind. Needs the owner's PG* variables and build/svarctl.
#   tests/bench/remind_bench.sh <invitations> <units>
# Prints one line for bench.sh's report.
set -eu
cd "$(dirname "$0")/../.."
NINV=$1
NUNITS=$2
build/svarctl load tests/defs/remind.svar >/dev/null
# Psql variables are read from standard input only, so the SQL goes there.
wave=$(psql -qAtX -v ninv="$NINV" -v nunits="$NUNITS" <<'EOF'
\set ON_ERROR_STOP 1
BEGIN;
CREATE TEMP TABLE w AS
WITH w AS (INSERT INTO wave (survey_id, year, closes_at)
	SELECT w.survey_id, (SELECT min(year) - 1 FROM wave
	    WHERE survey_id = w.survey_id), now() + interval '30 days'
	  FROM wave w JOIN survey s ON s.id = w.survey_id
	 WHERE s.key = 'testremind' AND w.year = 2019 RETURNING id)
SELECT id FROM w;
INSERT INTO version (wave_id, key, definition_id)
SELECT w.id, v.key, v.definition_id FROM w, version v JOIN wave x ON
    x.id = v.wave_id JOIN survey s ON s.id = x.survey_id
 WHERE s.key = 'testremind' AND x.year = 2019;
-- Units: stage by number, reached 3 to 20 days ago.
CREATE TEMP TABLE u AS
SELECT g, (ARRAY['invited', 'accepted', 'declined', 'distributed',
    'responding'])[1 + g % 5] AS stage, 3 + g % 18 AS days
  FROM generate_series(1, :'nunits') g;
WITH x AS (INSERT INTO unit (kind, code, name, postmottak)
	SELECT 'kommune', 'rb' || (SELECT id FROM w) || '-' || g,
	    'Benchkommune ' || g, 'post' || g || '@bench' || g % 40 ||
	    '.example' FROM u RETURNING id, code)
INSERT INTO wave_unit (wave_id, unit_id, stage, forwarded_count,
    forwarded_at, portal_selector, portal_verifier)
SELECT (SELECT id FROM w), x.id, u.stage, CASE WHEN u.stage IN
    ('distributed', 'responding') THEN 10 + u.g % 90 END, CASE WHEN
    u.stage IN ('distributed', 'responding') THEN now() - u.days *
    interval '1 day' END, svar_random_key(8), svar_random_key(26)
  FROM u JOIN x ON x.code = 'rb' || (SELECT id FROM w) || '-' || u.g;
INSERT INTO unit_event (wave_unit_id, from_stage, to_stage, actor, at)
SELECT wu.id, 'frame', wu.stage, 'bench', now() - (3 + wu.id % 18) *
    interval '1 day' FROM wave_unit wu WHERE wu.wave_id = (SELECT id FROM w);
INSERT INTO contact (wave_unit_id, name, email)
SELECT wu.id, 'Kontakt ' || wu.id, 'kontakt' || wu.id || '@bench.example'
  FROM wave_unit wu WHERE wu.wave_id = (SELECT id FROM w)
   AND wu.stage <> 'invited';
INSERT INTO unit_link (wave_unit_id, version_id, selector, verifier)
SELECT wu.id, v.id, svar_random_key(8), svar_random_key(26)
  FROM wave_unit wu JOIN version v ON v.wave_id = wu.wave_id AND
       v.key = 'rkommune'
 WHERE wu.wave_id = (SELECT id FROM w)
   AND wu.stage IN ('distributed', 'responding');
-- Up to 12 responses per link, a third of them completed.
INSERT INTO response (version_id, definition_id, unit_link_id, status,
    selector, verifier, csrf)
SELECT v.id, v.definition_id, l.id, CASE WHEN k % 3 = 0 THEN 'completed'
    ELSE 'opened' END, svar_random_key(8), svar_random_key(26), 'c'
  FROM unit_link l JOIN version v ON v.id = l.version_id
  JOIN wave_unit wu ON wu.id = l.wave_unit_id,
       generate_series(1, 12) k
 WHERE wu.wave_id = (SELECT id FROM w) AND k <= 1 + l.id % 12;
-- Personal invitations: a tenth completed, a few opted out or bounced,
-- letters sent ten days ago, nine in ten with an address.
CREATE TEMP TABLE i AS
WITH x AS (INSERT INTO invitation (version_id, code, email, letter_sent_at,
	opted_out_at, bounced_at)
	SELECT v.id, upper(svar_random_key(10)), CASE WHEN g % 10 <> 0 THEN
	    'lege' || g || '@bench' || g % 40 || '.example' END,
	    now() - interval '10 days', CASE WHEN g % 50 = 1 THEN now() END,
	    CASE WHEN g % 70 = 2 THEN now() END
	  FROM version v, generate_series(1, :'ninv') g
	 WHERE v.wave_id = (SELECT id FROM w) AND v.key = 'rlege'
	RETURNING id, version_id)
SELECT * FROM x;
INSERT INTO response (version_id, definition_id, invitation_id, status,
    selector, verifier, csrf, channel)
SELECT i.version_id, v.definition_id, i.id, CASE WHEN i.id % 10 = 3 THEN
    'completed' WHEN i.id % 10 = 4 THEN 'started' ELSE 'invited' END,
    svar_random_key(8), svar_random_key(26), 'c', 'personal'
  FROM i JOIN version v ON v.id = i.version_id;
INSERT INTO remind_rule (wave_id, kind, after_days, rate_below, gap_days,
    max_per_person, max_per_unit, created_by)
SELECT (SELECT id FROM w), k, 7, CASE WHEN k = 'low_rate' THEN 50 END, 7,
    2, 3, 'bench'
  FROM unnest(ARRAY['no_contact', 'not_distributed', 'low_rate',
       'personal', 'invite']) k;
COMMIT;
ANALYZE unit, wave_unit, unit_event, contact, unit_link, response,
    invitation, remind_sent;
SELECT id FROM w;
EOF
)
# Five passes over all the wave's rules in one session; each pass is
# timed inside PostgreSQL (wall time, so psql's start-up is not counted),
# and the backend's CPU time is read from /proc before and after, since
# wall time on a shared machine measures the neighbours too.
out=$(psql -qAtX -v wave="$wave" <<'EOF' 2>&1
SET bench.wave = :'wave';
SELECT pg_backend_pid() AS bpid \gset
\setenv BPID :bpid
\! awk '{ print "cpu0", $14 + $15 }' /proc/$BPID/stat
DO $$
DECLARE
	t	timestamptz;
	r	record;
	n	integer;
	tot	integer;
BEGIN
	FOR pass IN 1..5 LOOP
		t := clock_timestamp();
		tot := 0;
		FOR r IN SELECT id FROM remind_rule
		    WHERE wave_id = current_setting('bench.wave')::integer LOOP
			SELECT count(*) INTO n FROM svar_remind_due(r.id, now());
			tot := tot + n;
		END LOOP;
		RAISE NOTICE 'due % ms %', tot,
		    extract(epoch FROM clock_timestamp() - t) * 1000;
	END LOOP;
END $$;
\! awk '{ print "cpu1", $14 + $15 }' /proc/$BPID/stat
EOF
)
hz=$(getconf CLK_TCK)
echo "$out" | awk -v n="$NINV" -v u="$NUNITS" -v hz="$hz" '
	/^cpu0/ { c0 = $2 }
	/^cpu1/ { c1 = $2 }
	/due [0-9]+ ms/ {
		for (i = 1; i <= NF; i++) {
			if ($i == "due") due = $(i + 1)
			if ($i == "ms") ms[++k] = $(i + 1)
		}
	}
	END {
		if (k != 5 || c1 == "") exit 1
		# Sort the five wall times for the median.
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
			if (ms[j] < ms[i]) { t = ms[i]; ms[i] = ms[j]; ms[j] = t }
		printf "- reminders: all 5 rules evaluated over %d invitations" \
		    " and %d units (%d recipients due): %.0f ms of backend CPU" \
		    " per pass; wall median %.0f ms, fastest %.0f ms, slowest" \
		    " %.0f ms of 5 passes\n", n, u, due,
		    (c1 - c0) * 1000 / hz / k, ms[3], ms[1], ms[5] }'
