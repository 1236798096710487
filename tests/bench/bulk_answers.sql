-- make bench: grow `answer` to :target rows (psql -v target=1000000) with
-- copies of the completed respondents the benchmark made over HTTP, as
-- completed personal responses of their own (`svarctl synth` is not
-- built). The copies are inserted, never updated: the churn of real saves
-- on top of them is what the benchmark's later runs add. Selectors start
-- with '0', which keys never use (app/core/keys.c), so no copy can take a
-- key a respondent holds. Run as the owner role.
\set ON_ERROR_STOP 1
BEGIN;
CREATE TEMP TABLE tmpl ON COMMIT DROP AS
    SELECT r.id, row_number() OVER (ORDER BY r.id) - 1 AS k
    FROM response r
    WHERE r.status = 'completed' AND NOT r.test
        AND r.selector NOT LIKE '0%';
SELECT count(*) AS ntmpl FROM tmpl \gset
SELECT count(*) AS have FROM answer \gset
SELECT ceil(greatest(:target - :have, 0)::numeric
    / (SELECT count(*) FROM answer a JOIN tmpl t ON t.id = a.response_id)
    * :ntmpl)::bigint AS nnew \gset
\echo bulk: :have answer rows, :nnew new responses copied from :ntmpl
CREATE TEMP TABLE copy ON COMMIT DROP AS
    SELECT g AS n, (SELECT id FROM tmpl WHERE k = g % :ntmpl) AS src,
        nextval('response_id_seq') AS id
    FROM generate_series(1, :nnew) AS g;
INSERT INTO response (id, version_id, selector, verifier, csrf, lang,
    status, rev, created_at, opened_at, started_at, completed_at,
    updated_at, definition_id, page_id, furthest_page_id, channel)
SELECT c.id, r.version_id, '0' || lpad(c.id::text, 7, '0'),
    md5(c.id::text || 'v'), md5(c.id::text || 'c'), r.lang,
    'completed', r.rev, r.created_at, r.opened_at, r.started_at,
    r.completed_at, r.updated_at, r.definition_id, r.page_id,
    r.furthest_page_id, r.channel
FROM copy c JOIN response r ON r.id = c.src;
INSERT INTO answer (response_id, var, value, state, updated_at)
SELECT c.id, a.var, a.value, a.state, a.updated_at
FROM copy c JOIN answer a ON a.response_id = c.src;
COMMIT;
SELECT count(*) AS answer_rows FROM answer;
