/*
 * Raw-data exports (issue 13 §1): the responses of a wave with their
 * paradata and answers, streamed from two server-side cursors in one
 * read-only REPEATABLE READ transaction (both see the same snapshot,
 * and so does the row count the .sav and .dta headers need). Both are
 * ordered by response id, so the caller gets one response at a time
 * with its answers and nothing is held for more than a batch. Answers
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
	S_STATS,
	S__MAX
};

/*
 * The responses an export takes. $1 wave, $2 completed|partial|all, $3
 * version id (0 any), $4 unit id (0 any), $5 test responses too. A
 * personal invitation never opened has no response to export; partial
 * is opened or started and not completed.
 */
#define FILTERED							\
	" FROM response r JOIN version v ON v.id = r.version_id"	\
	" LEFT JOIN unit_link l ON l.id = r.unit_link_id"		\
	" LEFT JOIN wave_unit wu ON wu.id = l.wave_unit_id"		\
	" LEFT JOIN invitation i ON i.id = r.invitation_id"		\
	" LEFT JOIN unit u ON u.id = coalesce(wu.unit_id, i.unit_id)"	\
	" WHERE v.wave_id = $1::integer AND r.status <> 'invited'"	\
	" AND ($2 = 'all' OR ($2 = 'completed' AND r.status ="		\
	"  'completed') OR ($2 = 'partial' AND r.status <> 'completed'))" \
	" AND ($3::integer = 0 OR v.id = $3::integer)"			\
	" AND ($4::integer = 0 OR u.id = $4::integer)"			\
	" AND ($5::boolean OR NOT r.test)"

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
	/* Per variable and state: how many, and the longest value. */
	[S_STATS] = { "export.stats",
	  "SELECT a.var, a.state, count(*),"
	  " coalesce(max(octet_length(a.value)), 0)"
	  " FROM (SELECT r.id" FILTERED ") f"
	  " JOIN answer a ON a.response_id = f.id"
	  " GROUP BY 1, 2", 5, 0 },
};

/* Not prepared: DECLARE and FETCH cannot be. */
enum {
	Q_COUNT,
	Q_RESP,
	Q_ANS,
	Q__MAX
};

static const char *const queries[Q__MAX] = {
	[Q_COUNT] = "SELECT count(*)" FILTERED,
	/* The paradata, and the version's hidden values as "B1=1;...". */
	[Q_RESP] = "DECLARE export_resp NO SCROLL CURSOR FOR"
	  " SELECT r.id, r.export_id, v.key, coalesce(u.code, ''),"
	  " coalesce(u.name, ''), coalesce((SELECT p.name FROM unit p"
	  "  WHERE p.id = u.parent_id AND p.kind = 'rhf'), ''),"
	  " coalesce(u.fylke, ''), r.status, coalesce(r.page_id, ''), r.lang,"
	  " coalesce(to_char(r.started_at AT TIME ZONE 'Europe/Oslo',"
	  "  'YYYY-MM-DD HH24:MI:SS'), ''),"
	  " coalesce(to_char(r.completed_at AT TIME ZONE 'Europe/Oslo',"
	  "  'YYYY-MM-DD HH24:MI:SS'), ''),"
	  " coalesce(round(extract(epoch FROM r.completed_at -"
	  "  r.started_at))::text, ''),"
	  " r.channel, CASE WHEN r.test THEN '1' ELSE '0' END,"
	  " coalesce((SELECT string_agg(h.var || '=' || h.value, ';')"
	  "  FROM version_hidden h WHERE h.version_id = v.id), ''),"
	  " coalesce(r.furthest_page_id, '')"
	  FILTERED " ORDER BY r.id",
	/*
	 * A nested loop over the responses in id order, so the answers
	 * come out in that order without sorting them all first.
	 */
	[Q_ANS] = "DECLARE export_ans NO SCROLL CURSOR FOR"
	  " SELECT f.id, a.var, a.state, a.value, a.raw_value,"
	  " a.option_code, a.frame_code"
	  " FROM (SELECT r.id" FILTERED " ORDER BY r.id) f"
	  " CROSS JOIN LATERAL (SELECT b.var, b.state, b.value, b.raw_value,"
	  "  c.option_code, c.frame_code FROM answer_coded b"
	  "  LEFT JOIN open_text_code c ON c.response_id = b.response_id"
	  "  AND c.var = b.var WHERE b.response_id = f.id) a"
	  " ORDER BY f.id",
};

static void
filter_params(const struct db_export_filter *f, char p[5][16],
    const char *v[5])
{
	snprintf(p[0], 16, "%d", f->wave);
	snprintf(p[2], 16, "%d", f->version);
	snprintf(p[3], 16, "%d", f->unit);
	snprintf(p[4], 16, "%s", f->test ? "true" : "false");
	v[0] = p[0];
	v[1] = f->status;
	v[2] = p[2];
	v[3] = p[3];
	v[4] = p[4];
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

/*
 * Per variable and state, the count and the longest value, of the
 * responses the filter takes: the codebook's n and the string widths
 * of .sav and .dta. Inside db_export_rows's transaction (from its
 * begin callback) it sees the rows the export writes.
 */
int
db_export_stats(struct db *db, const struct db_export_filter *f,
    db_row_cb cb, void *arg)
{
	char		 p[5][16];
	const char	*v[5];

	filter_params(f, p, v);
	return (db_each(db, &stmts[S_STATS], v, cb, arg));
}

struct cursor {
	PGresult	*res;
	int		 i, n;
	int		 done;
	const char	*fetch;
};

static int
cursor_next(struct db *db, struct cursor *c)
{
	if (c->res != NULL && ++c->i < c->n)
		return (1);
	if (c->done)
		return (0);
	PQclear(c->res);
	c->res = NULL;
	if ((c->res = query(db, c->fetch, 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return (-1);
	c->n = PQntuples(c->res);
	c->i = 0;
	if (c->n == 0) {
		c->done = 1;
		return (0);
	}
	return (1);
}

static const char *
val(const struct cursor *c, int col)
{
	return (PQgetisnull(c->res, c->i, col) ? NULL :
	    PQgetvalue(c->res, c->i, col));
}

/*
 * Streams the responses the filter takes: cb->begin with their number,
 * then per response cb->resp with its paradata (EX__PARA values, the
 * hidden "B1=1;..." and the furthest page's id), cb->ans per answer (var, state, coded value, raw
 * value, option code, frame code; NULL where none) and cb->end, which
 * returns 0 to stop. The number of responses, or DB_ERR.
 */
long
db_export_rows(struct db *db, const struct db_export_filter *f,
    const struct db_export_cb *cb, void *arg)
{
	struct cursor	 r = { NULL, 0, 0, 0, "FETCH 500 FROM export_resp" };
	struct cursor	 a = { NULL, 0, 0, 0, "FETCH 20000 FROM export_ans" };
	PGresult	*res;
	const char	*v[5], *pv[32], *av[6];
	char		 p[5][16];
	long		 rows = 0, total;
	int		 k, ka = 0, c, ok = 0;

	filter_params(f, p, v);
	if (!db_begin(db))
		return (DB_ERR);
	if ((res = query(db, "SET TRANSACTION ISOLATION LEVEL REPEATABLE"
	    " READ, READ ONLY", 0, NULL, PGRES_COMMAND_OK)) == NULL)
		goto out;
	PQclear(res);
	/*
	 * An export reads every answer of a wave: a statement (the codebook
	 * counts, the first FETCH) may take longer than the 5 s a request
	 * gets. Only this read-only transaction.
	 */
	if ((res = query(db, "SET LOCAL statement_timeout = '10min'", 0,
	    NULL, PGRES_COMMAND_OK)) == NULL)
		goto out;
	PQclear(res);
	if ((res = query(db, queries[Q_COUNT], 5, v, PGRES_TUPLES_OK)) ==
	    NULL)
		goto out;
	total = atol(PQgetvalue(res, 0, 0));
	PQclear(res);
	if (!cb->begin(db, total, arg))
		goto out;
	if (!f->rows) {
		ok = 1;
		goto out;
	}
	if ((res = query(db, queries[Q_RESP], 5, v, PGRES_COMMAND_OK)) ==
	    NULL)
		goto out;
	PQclear(res);
	if ((res = query(db, queries[Q_ANS], 5, v, PGRES_COMMAND_OK)) ==
	    NULL)
		goto out;
	PQclear(res);
	if ((ka = cursor_next(db, &a)) < 0)
		goto out;
	while ((k = cursor_next(db, &r)) == 1) {
		for (c = 0; c < PQnfields(r.res) && c < 32; c++)
			pv[c] = PQgetvalue(r.res, r.i, c);
		cb->resp(pv + 1, arg);
		while (ka == 1 && strcmp(PQgetvalue(a.res, a.i, 0), pv[0]) ==
		    0) {
			for (c = 0; c < 6; c++)
				av[c] = val(&a, c + 1);
			cb->ans(av, arg);
			if ((ka = cursor_next(db, &a)) < 0)
				goto out;
		}
		rows++;
		if (!cb->end(arg))
			goto out;
	}
	if (k < 0)
		goto out;
	ok = 1;
out:
	PQclear(r.res);
	PQclear(a.res);
	if (!ok) {
		db_rollback(db);
		return (DB_ERR);
	}
	/* Read only: nothing to keep, so end it the cheap way. */
	db_rollback(db);
	return (rows);
}
