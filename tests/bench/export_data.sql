-- Bench data for the export benchmark (tests/bench/export_bench.sh):
-- responses :from to :to of the 2021 wave, with an answer to every
-- variable of the definition, drawn from its own values. The variables
-- and their values come in pg_temp.dom (var, kind, codes) from the
-- wave's JSON codebook: kind c picks one of codes, n a number 0-100, t
-- a text. About 5 % of the answers are not asked, 8 % skipped; 90 % of
-- the responses are completed, the rest stopped halfway. Not routing-
-- exact (a routed-away item can hold an answer), but every value is one
-- the definition allows, which is what the writers see. The answers go
-- into the table in the order the app writes them: respondents answer
-- at the same time (here 64 at once), each saving a page (here three
-- variables) in turn, so one response's rows lie in some twenty places
-- among others'. How they lie decides much of what reading them in
-- response order costs; without an order it followed the INSERT's
-- plan (all of one variable, then the next, in one run).
\set ON_ERROR_STOP 1
INSERT INTO response (version_id, unit_link_id, selector, verifier, csrf,
    lang, status, definition_id, page_id, furthest_page_id, created_at,
    opened_at, started_at, completed_at, updated_at, channel)
SELECT v.id, l.id, 'bench' || g, 'x', 'x',
       (ARRAY['nb', 'nb', 'nb', 'nn', 'en'])[1 + g % 5],
       CASE WHEN g % 10 = 0 THEN 'started' ELSE 'completed' END,
       v.definition_id, p.page_id, p.page_id, t, t, t,
       CASE WHEN g % 10 = 0 THEN NULL
	    ELSE t + (300 + g % 900) * interval '1 second' END,
       t + interval '20 minutes', 'link'
  FROM generate_series(:from::integer, :to::integer) AS g
  CROSS JOIN LATERAL (SELECT v.id, v.definition_id FROM version v
	 JOIN wave w ON w.id = v.wave_id JOIN survey s ON s.id = w.survey_id
	WHERE s.key = 'helsepersonell' AND w.year = 2021
	ORDER BY v.id OFFSET g % 3 LIMIT 1) v
  LEFT JOIN LATERAL (SELECT l.id FROM unit_link l
	WHERE l.version_id = v.id ORDER BY l.id LIMIT 1) l ON true
  CROSS JOIN LATERAL (SELECT pg.page_id FROM page pg
	WHERE pg.definition_id = v.definition_id
	ORDER BY CASE WHEN g % 10 = 0 THEN pg.position END,
		 pg.position DESC LIMIT 1) p
  CROSS JOIN LATERAL (SELECT timestamptz '2021-09-01 08:00+02'
	+ (g % 40000) * interval '1 minute' AS t) tt;

INSERT INTO answer (response_id, var, value, state)
SELECT r.id, d.var,
       CASE WHEN x.h < 0.13 THEN NULL
	    WHEN d.kind = 'c' THEN d.codes[1 + floor(random() *
		cardinality(d.codes))::integer]::text
	    WHEN d.kind = 'n' THEN floor(random() * 101)::integer::text
	    ELSE 'Fritekst fra svar ' || r.id || ': ' || repeat('æøå ', 5)
       END,
       CASE WHEN x.h < 0.05 THEN 'n' WHEN x.h < 0.13 THEN 's' ELSE 'a' END
  FROM response r CROSS JOIN pg_temp.dom d
  CROSS JOIN LATERAL (SELECT random() + 0 * r.id AS h) x
 WHERE r.selector LIKE 'bench%'
   AND substr(r.selector, 6)::integer BETWEEN :from::integer AND :to::integer
 ORDER BY r.id / 64, d.n / 3, r.id, d.n;
