/*
 * Raw-data exports (issue 13 §1): the responses of a wave with their
 * paradata and answers, streamed as three binary COPYs (db_stream.c:
 * the responses, the answers of responses without coding, those with)
 * on connections of their own that import the snapshot of one
 * read-only REPEATABLE READ transaction (so all, and the row count the
 * .sav and .dta headers need, see the same data). All are ordered by
 * response id, so the caller gets one response at a time with its
 * answers and nothing is held for more than a row. Answers
 * are the coded ones (answer_coded, sql/065) with the raw value and
 * the code each open text got. As svar_admin (web) or the owner.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_WAVE,
	S_WAVES,
	S_DEF,
	S_FRAME,
	S_PARA_WIDTHS,
	S_TEXT_WIDTHS,
	S_EARLIER,
	S__MAX
};

/*
 * The responses an export takes: wave w, status st completed|partial|
 * all, version id ver (0 any), unit id unit (0 any), test responses
 * too. A personal invitation never opened has no response to export;
 * partial is opened or started and not completed. As parameters
 * ($1-$5, FILTERED), or for a COPY, which takes none, from settings
 * of the transaction that Q_SET made from the same parameters
 * (FILTER_SET; each is then an InitPlan, evaluated once).
 */
#define FILTER_FROM							\
	" FROM response r JOIN version v ON v.id = r.version_id"	\
	" LEFT JOIN unit_link l ON l.id = r.unit_link_id"		\
	" LEFT JOIN wave_unit wu ON wu.id = l.wave_unit_id"		\
	" LEFT JOIN invitation i ON i.id = r.invitation_id"		\
	" LEFT JOIN unit u ON u.id = coalesce(wu.unit_id, i.unit_id)"
#define FILTER_WHERE(w, st, ver, unit, test)				\
	" WHERE v.wave_id = " w "::integer AND r.status <> 'invited'"	\
	" AND (" st " = 'all' OR (" st " = 'completed' AND"		\
	"  r.status = 'completed') OR (" st " = 'partial' AND"		\
	"  r.status <> 'completed'))"					\
	" AND (" ver "::integer = 0 OR v.id = " ver "::integer)"	\
	" AND (" unit "::integer = 0 OR u.id = " unit "::integer)"	\
	" AND (" test "::boolean OR NOT r.test)"
#define FILTERED							\
	FILTER_FROM FILTER_WHERE("$1", "$2", "$3", "$4", "$5")
#define SETTING(x)	"(SELECT current_setting('svar.export_" x "'))"
#define FILTER_SET_WHERE						\
	FILTER_WHERE(SETTING("wave"), SETTING("status"),		\
	    SETTING("version"), SETTING("unit"), SETTING("test"))
#define FILTER_SET	FILTER_FROM FILTER_SET_WHERE
#define CODED								\
	"(EXISTS (SELECT 1 FROM answer_override o"			\
	"  WHERE o.response_id = r.id) OR EXISTS (SELECT 1"		\
	"  FROM open_code c WHERE c.response_id = r.id))"

/*
 * The paradata of a response as the export writes them (EX__PARA
 * fields in export.h's order), then the version's hidden values as
 * "B1=1;..." and the furthest page's id: the rows (Q_RESP) and their
 * widths (S_PARA_WIDTHS) read the same expressions. Joins rather than
 * a subquery per response (half the time).
 */
#define RESP_FIELDS							\
	" r.export_id, v.key, coalesce(u.code, ''),"			\
	" coalesce(u.name, ''), coalesce(p.name, ''),"			\
	" coalesce(u.fylke, ''), r.status, coalesce(r.page_id, ''), r.lang," \
	" coalesce(to_char(r.started_at AT TIME ZONE 'Europe/Oslo',"	\
	"  'YYYY-MM-DD HH24:MI:SS'), ''),"				\
	" coalesce(to_char(r.completed_at AT TIME ZONE 'Europe/Oslo',"	\
	"  'YYYY-MM-DD HH24:MI:SS'), ''),"				\
	" coalesce(round(extract(epoch FROM r.completed_at -"		\
	"  r.started_at))::text, ''),"					\
	" r.channel, CASE WHEN r.test THEN '1' ELSE '0' END,"		\
	" coalesce(h.hidden, ''), coalesce(r.furthest_page_id, '')"
#define RESP_JOINS							\
	" LEFT JOIN unit p ON p.id = u.parent_id AND p.kind = 'rhf'"	\
	" LEFT JOIN (SELECT version_id, string_agg(var || '=' || value,"	\
	"  ';') AS hidden FROM version_hidden GROUP BY version_id) h"	\
	"  ON h.version_id = v.id"
/* The longest of field i of RESP_FIELDS, as an array a. */
#define WIDTH(i)	" coalesce(max(octet_length(a[" #i "])), 0)"

static struct db_stmt stmts[S__MAX] = {
	/* A wave by id or by year: by id first. */
	[S_WAVE] = { "export.wave",
	  "SELECT w.id, s.key || ' ' || w.year, (w.id::text = $1)"
	  " FROM wave w JOIN survey s ON s.id = w.survey_id"
	  " WHERE w.id::text = $1 OR w.year::text = $1"
	  " ORDER BY 3 DESC, w.id", 1, 1 },
	[S_WAVES] = { "export.waves",
	  "SELECT w.id, s.key || ' ' || w.year FROM wave w JOIN survey s"
	  " ON s.id = w.survey_id ORDER BY s.key, w.year DESC", 0, 1 },
	/*
	 * The definition whose columns the export has: the version's, or
	 * the wave's first version's (every version of a wave points at
	 * the definition loaded last). 0 as the version id when no key.
	 */
	[S_DEF] = { "export.def",
	  "SELECT v.definition_id, CASE WHEN $2 = '' THEN 0 ELSE v.id END,"
	  " w.year FROM version v JOIN wave w ON w.id = v.wave_id"
	  " WHERE v.wave_id = $1 AND ($2 = '' OR v.key = $2)"
	  " ORDER BY v.id LIMIT 1", 2, 1 },
	/* The coding frames of the wave's survey. */
	[S_FRAME] = { "export.frame",
	  "SELECT f.item_id, f.code, f.label FROM code_frame f"
	  " JOIN wave w ON w.survey_id = f.survey_id WHERE w.id = $1"
	  " ORDER BY f.item_id, f.code", 1, 1 },
	/*
	 * The widths .sav and .dta declare: of each paradata field, and
	 * of each variable's value where the export writes one (answered:
	 * a kept value of a question no longer asked, 'n', or one typed
	 * wrong, 'i', is written empty), as coded (answer_coded, as the
	 * rows; the bulk's rows, without coding, are the same there).
	 */
	/*
	 * OFFSET 0 keeps the subquery whole: pulled up, the array would be
	 * built again in each of the 14 aggregates (1.9-2.5 s of CPU at
	 * 100,000 responses instead of 0.26).
	 */
	[S_PARA_WIDTHS] = { "export.para_widths",
	  "SELECT" WIDTH(1) "," WIDTH(2) "," WIDTH(3) "," WIDTH(4) ","
	  WIDTH(5) "," WIDTH(6) "," WIDTH(7) "," WIDTH(8) "," WIDTH(9) ","
	  WIDTH(10) "," WIDTH(11) "," WIDTH(12) "," WIDTH(13) "," WIDTH(14)
	  " FROM (SELECT ARRAY[" RESP_FIELDS "] AS a" FILTER_FROM RESP_JOINS
	  FILTER_WHERE("$1", "$2", "$3", "$4", "$5") " OFFSET 0) x", 5, 0 },
	[S_TEXT_WIDTHS] = { "export.text_widths",
	  "SELECT a.var, coalesce(max(octet_length(a.value)), 0)"
	  " FROM (SELECT r.id" FILTERED ") f"
	  " JOIN answer_coded a ON a.response_id = f.id"
	  " WHERE a.state = 'a' GROUP BY 1", 5, 0 },
	/*
	 * The earlier waves of the wave's survey, latest first, each with
	 * its first version's definition (as the results compare them).
	 */
	[S_EARLIER] = { "export.earlier",
	  "SELECT w.year, d.id FROM wave c JOIN wave w"
	  " ON w.survey_id = c.survey_id AND w.year < c.year"
	  " CROSS JOIN LATERAL (SELECT v.definition_id AS id FROM version v"
	  "  WHERE v.wave_id = w.id ORDER BY v.id LIMIT 1) d"
	  " WHERE c.id = $1 ORDER BY w.year DESC, w.id", 1, 1 },
};

/* Not prepared: run once per export, or as COPY (which cannot be). */
enum {
	Q_SET,
	Q_COUNT,
	Q_RESP,
	Q_ANS,
	Q_CODED,
	Q__MAX
};

static const char *const queries[Q__MAX] = {
	/* The filter, for this transaction only. */
	[Q_SET] = "SELECT set_config('svar.export_wave', $1, true),"
	  " set_config('svar.export_status', $2, true),"
	  " set_config('svar.export_version', $3, true),"
	  " set_config('svar.export_unit', $4, true),"
	  " set_config('svar.export_test', $5, true)",
	[Q_COUNT] = "SELECT count(*)" FILTERED,
	/* The response id and its paradata (RESP_FIELDS). */
	[Q_RESP] = "SELECT r.id," RESP_FIELDS FILTER_FROM RESP_JOINS
	  FILTER_SET_WHERE " ORDER BY r.id",
	/*
	 * The answers, in two streams by whether a response has coding
	 * (an override or a coded text; CODED). Each is a nested loop
	 * over its responses in id order, so the answers come out in that
	 * order without sorting them all first. Those without coding, the
	 * bulk, read answer alone: answer_coded and open_text_code would
	 * give the same rows there, at a fifth more of the time, and the
	 * raw value and codes would be three more fields per row.
	 */
	[Q_ANS] = "SELECT f.id, b.var, b.state, b.value"
	  " FROM (SELECT r.id" FILTER_SET " AND NOT " CODED " ORDER BY r.id) f"
	  " CROSS JOIN LATERAL (SELECT b.var, b.state, b.value FROM answer b"
	  "  WHERE b.response_id = f.id) b ORDER BY f.id",
	[Q_CODED] = "SELECT f.id, b.var, b.state, b.value, b.raw_value,"
	  " b.option_code::text, b.frame_code::text"
	  " FROM (SELECT r.id" FILTER_SET " AND " CODED " ORDER BY r.id) f"
	  " CROSS JOIN LATERAL (SELECT b.var, b.state, b.value, b.raw_value,"
	  "  c.option_code, c.frame_code FROM answer_coded b"
	  "  LEFT JOIN open_text_code c ON c.response_id = b.response_id"
	  "  AND c.var = b.var WHERE b.response_id = f.id) b"
	  " ORDER BY f.id",
};

/* The paradata's fields and the response id (Q_RESP). */
#define EX_RESP_FIELDS	17

/* Q_SET's parameters: the filter. */
#define EX_SET_PARAMS	5

static void
filter_params(const struct db_export_filter *f, char p[EX_SET_PARAMS][16],
    const char *v[EX_SET_PARAMS])
{
	int	 i;

	snprintf(p[0], 16, "%d", f->wave);
	snprintf(p[1], 16, "%s", f->status);
	snprintf(p[2], 16, "%d", f->version);
	snprintf(p[3], 16, "%d", f->unit);
	snprintf(p[4], 16, "%s", f->test ? "true" : "false");
	for (i = 0; i < EX_SET_PARAMS; i++)
		v[i] = p[i];
}

static PGresult *
query(struct db *db, const char *sql, int n, const char *const *v,
    ExecStatusType want)
{
	PGresult	*res;

	res = PQexecParams(db->conn, sql, n, NULL, v, NULL, NULL, 0);
	if (PQresultStatus(res) == want)
		return (res);
	snprintf(db->err, sizeof(db->err), "export: %s",
	    PQresultErrorMessage(res));
	PQclear(res);
	return (NULL);
}

/*
 * The wave an export names, by id or year; 0 when none, -1 when a year
 * names several (which go to cb), DB_ERR.
 */
int
db_export_wave(struct db *db, const char *arg, db_row_cb cb, void *cbarg)
{
	PGresult	*res;
	const char	*p[1] = { arg };
	int		 n, id;

	if (arg == NULL)
		return (db_each(db, &stmts[S_WAVES], NULL, cb, cbarg) ==
		    DB_ERR ? DB_ERR : 0);
	if ((res = db_exec(db, &stmts[S_WAVE], p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	n = PQntuples(res);
	if (n == 0 || (n > 1 && strcmp(PQgetvalue(res, 0, 2), "t") != 0)) {
		for (id = 0; id < n; id++)
			db_row_call(res, id, cb, cbarg);
		PQclear(res);
		return (n == 0 ? 0 : -1);
	}
	id = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (id);
}

/* The definition and version id of an export; 0 unknown version. */
int
db_export_def(struct db *db, int wave, const char *version, int *def,
    int *version_id, int *year)
{
	PGresult	*res;
	char		 w[16];
	const char	*p[2] = { w, version != NULL ? version : "" };

	snprintf(w, sizeof(w), "%d", wave);
	if ((res = db_exec(db, &stmts[S_DEF], p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (0);
	}
	*def = atoi(PQgetvalue(res, 0, 0));
	*version_id = atoi(PQgetvalue(res, 0, 1));
	*year = atoi(PQgetvalue(res, 0, 2));
	PQclear(res);
	return (1);
}

int
db_export_frame(struct db *db, int wave, db_row_cb cb, void *arg)
{
	char		 w[16];
	const char	*p[1] = { w };

	snprintf(w, sizeof(w), "%d", wave);
	return (db_each(db, &stmts[S_FRAME], p, cb, arg));
}

/* The earlier waves of wave's survey: year, definition id. */
int
db_export_earlier(struct db *db, int wave, db_row_cb cb, void *arg)
{
	char		 w[16];
	const char	*p[1] = { w };

	snprintf(w, sizeof(w), "%d", wave);
	return (db_each(db, &stmts[S_EARLIER], p, cb, arg));
}

static int
widths(struct db *db, int st, const struct db_export_filter *f,
    db_row_cb cb, void *arg)
{
	char		 p[EX_SET_PARAMS][16];
	const char	*v[EX_SET_PARAMS];

	filter_params(f, p, v);
	return (db_each(db, &stmts[st], v, cb, arg));
}

/*
 * The longest value in bytes of each paradata field (one row, in the
 * order db_export_rows hands them to cb->resp) of the responses the
 * filter takes: what .sav and .dta declare. Inside db_export_rows's
 * transaction (from its begin callback) it sees the rows the export
 * writes.
 */
int
db_export_para_widths(struct db *db, const struct db_export_filter *f,
    db_row_cb cb, void *arg)
{
	return (widths(db, S_PARA_WIDTHS, f, cb, arg));
}

/*
 * Per variable, the longest value in bytes the export writes (an
 * answered one, as coded), as db_export_para_widths.
 */
int
db_export_text_widths(struct db *db, const struct db_export_filter *f,
    db_row_cb cb, void *arg)
{
	return (widths(db, S_TEXT_WIDTHS, f, cb, arg));
}

static int
tx_set(struct db *db, const char *sql)
{
	PGresult	*res;

	if ((res = query(db, sql, 0, NULL, PGRES_COMMAND_OK)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}

/*
 * Hands the answers of response id in stream s to cb->ans: var, state,
 * coded value, raw value, option code, frame code (NULL where none). A
 * stream of responses without coding has only the first three: there
 * the raw value is the value. *k is the stream's state (1 a row
 * waiting); 0 with db->err on a wrong row.
 */
static int
ans_drain(struct db *db, struct db_stream *s, int *k, long long id,
    const struct db_export_cb *cb, void *arg)
{
	const char	*av[6];

	/* All three streams come in response order: anything else is lost. */
	if (*k == 1 && db_stream_int8(s, 0) < id) {
		snprintf(db->err, sizeof(db->err), "export: answers of "
		    "response %lld out of order", db_stream_int8(s, 0));
		return (0);
	}
	while (*k == 1 && db_stream_int8(s, 0) == id) {
		if (s->n == 4) {
			av[0] = s->v[1];
			av[1] = s->v[2];
			av[2] = av[3] = s->v[3];
			av[4] = av[5] = NULL;
		} else if (s->n == 7) {
			memcpy(av, s->v + 1, sizeof(av));
		} else {
			snprintf(db->err, sizeof(db->err), "export: an answer"
			    " row of %d fields", s->n);
			return (0);
		}
		cb->ans(av, arg);
		if ((*k = db_stream_next(db, s)) < 0)
			return (0);
	}
	return (1);
}

/*
 * Two exports at once (db_export_rows): slots 1 and 2 of this advisory
 * lock key ("SVEX"). CASE tries them in turn and stops at the first
 * taken, so an export never holds both.
 */
#define EXPORT_SLOT \
	"SELECT CASE WHEN pg_try_advisory_xact_lock(1398166101, 1) THEN 1" \
	" WHEN pg_try_advisory_xact_lock(1398166101, 2) THEN 2 ELSE 0 END"

/*
 * Streams the responses the filter takes: cb->begin with their number,
 * then per response cb->resp with its paradata (EX__PARA values, the
 * hidden "B1=1;..." and the furthest page's id), cb->ans per answer
 * (ans_drain) and cb->end, which returns 0 to stop. The responses and
 * their answers (with coding and without) come as three COPY streams
 * (db_stream.c) on connections of their own that share this
 * transaction's snapshot, merged here by response id: the server sends
 * while the writer writes, in other processes. The number of
 * responses, or DB_ERR.
 */
long
db_export_rows(struct db *db, const struct db_export_filter *f,
    const struct db_export_cb *cb, void *arg)
{
	struct db_stream	*s[3] = { NULL, NULL, NULL };
	static const int	 q[3] = { Q_RESP, Q_ANS, Q_CODED };
	/* The answers, the longest, start first. */
	static const int	 order[3] = { 1, 0, 2 };
	PGresult		*res;
	const char		*v[EX_SET_PARAMS], *pv[DB_STREAM_MAX];
	char			 p[EX_SET_PARAMS][16], *snap = NULL;
	long			 rows = 0, total;
	long long		 id;
	int			 k[3] = { 0, 0, 0 }, c, i, ok = 0, busy = 0;

	filter_params(f, p, v);
	if (!db_begin(db))
		return (DB_ERR);
	/*
	 * An export reads every answer of a wave: a statement (the codebook
	 * counts) may take longer than the 5 s a request gets. Only this
	 * read-only transaction. (No JIT: db_open turns it off for every
	 * connection, the streams' too.)
	 */
	if (!tx_set(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ,"
	    " READ ONLY") ||
	    !tx_set(db, "SET LOCAL statement_timeout = '10min'"))
		goto out;
	/*
	 * Each export holds an admin's worker and four connections for its
	 * seconds: at most two run, on every app server alike.
	 * A slot is a transaction advisory lock, so it goes with the
	 * transaction, also when the worker dies.
	 */
	if ((res = query(db, EXPORT_SLOT, 0, NULL, PGRES_TUPLES_OK)) == NULL)
		goto out;
	if (atoi(PQgetvalue(res, 0, 0)) == 0) {
		PQclear(res);
		busy = 1;
		goto out;
	}
	PQclear(res);
	if ((res = query(db, queries[Q_SET], EX_SET_PARAMS, v,
	    PGRES_TUPLES_OK)) == NULL)
		goto out;
	PQclear(res);
	/* The streams first, so they run while the count and begin do. */
	if ((res = query(db, "SELECT pg_export_snapshot()", 0, NULL,
	    PGRES_TUPLES_OK)) == NULL)
		goto out;
	snap = xstrdup(PQgetvalue(res, 0, 0));
	PQclear(res);
	for (c = 0; c < 3; c++) {
		i = order[c];
		if ((s[i] = db_stream_open(db, snap, queries[Q_SET],
		    EX_SET_PARAMS, v, queries[q[i]])) == NULL)
			goto out;
	}
	if ((res = query(db, queries[Q_COUNT], EX_SET_PARAMS, v,
	    PGRES_TUPLES_OK)) == NULL)
		goto out;
	total = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (!cb->begin(db, total, arg))
		goto out;
	for (i = 1; i < 3; i++)
		if ((k[i] = db_stream_next(db, s[i])) < 0)
			goto out;
	while ((k[0] = db_stream_next(db, s[0])) == 1) {
		if (s[0]->n != EX_RESP_FIELDS ||
		    (id = db_stream_int8(s[0], 0)) < 0) {
			snprintf(db->err, sizeof(db->err), "export: a response "
			    "row of %d fields", s[0]->n);
			goto out;
		}
		for (c = 1; c < s[0]->n; c++)
			pv[c - 1] = s[0]->v[c] != NULL ? s[0]->v[c] : "";
		cb->resp(pv, arg);
		if (!ans_drain(db, s[1], &k[1], id, cb, arg) ||
		    !ans_drain(db, s[2], &k[2], id, cb, arg))
			goto out;
		rows++;
		if (!cb->end(arg))
			goto out;
	}
	if (k[0] < 0)
		goto out;
	/* Answers of no response sent: the merge lost track. */
	if (k[1] != 0 || k[2] != 0) {
		snprintf(db->err, sizeof(db->err), "export: answers left "
		    "after the last response");
		goto out;
	}
	ok = 1;
out:
	for (i = 0; i < 3; i++)
		db_stream_close(s[i]);
	free(snap);
	/* Read only: nothing to keep, so end it the cheap way. */
	db_rollback(db);
	if (busy)
		return (DB_BUSY);
	return (ok ? rows : DB_ERR);
}
