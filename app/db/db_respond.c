/* The respondent path: load, create and save responses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

static void
copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/*
 * 1 found, 0 no such response, DB_ERR when the database failed. With
 * `lock` (inside db_tx BEGIN) the response row stays locked until the
 * transaction ends.
 */
static int
resp_load(struct db *db, const char *selector, struct resp *r,
    struct answers *a, int lock)
{
	PGresult	*res;
	const char	*p[1] = { selector };
	int		 i, n;

	if ((res = db_exec(db, lock ? "resp_load_locked" : "resp_load", 1, p,
	    PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if ((n = PQntuples(res)) == 0) {
		PQclear(res);
		return (0);
	}
	r->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	r->version_id = atoi(PQgetvalue(res, 0, 1));
	copy(r->verifier, sizeof(r->verifier), PQgetvalue(res, 0, 2));
	copy(r->csrf, sizeof(r->csrf), PQgetvalue(res, 0, 3));
	copy(r->lang, sizeof(r->lang), PQgetvalue(res, 0, 4));
	copy(r->status, sizeof(r->status), PQgetvalue(res, 0, 5));
	r->page_no = atoi(PQgetvalue(res, 0, 6));
	r->rev = atoi(PQgetvalue(res, 0, 7));
	r->unit_link = atoi(PQgetvalue(res, 0, 8));
	for (i = 0; i < n; i++) {
		if (PQgetisnull(res, i, 9))
			continue;
		answers_set(a, PQgetvalue(res, i, 9),
		    PQgetisnull(res, i, 10) ? NULL : PQgetvalue(res, i, 10),
		    PQgetvalue(res, i, 11)[0]);
	}
	PQclear(res);
	return (1);
}

/*
 * 1 when the version's wave is closed or not open yet, 0 when open,
 * DB_ERR on failure; *def gets the definition the version uses now.
 */
int
db_version_state(struct db *db, int version, int *def)
{
	PGresult	*res;
	char		 sv[16];
	const char	*p[1] = { sv };
	int		 closed;

	snprintf(sv, sizeof(sv), "%d", version);
	if ((res = db_exec(db, "version_closed", 1, p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		*def = 0;
		return (1);
	}
	closed = atoi(PQgetvalue(res, 0, 0));
	*def = atoi(PQgetvalue(res, 0, 1));
	PQclear(res);
	return (closed);
}

/* Is the database there? A real round trip, for /healthz. */
int
db_ping(struct db *db)
{
	PGresult	*res;

	if ((res = db_exec(db, "ping", 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}

int
db_resp_load(struct db *db, const char *selector, struct resp *r,
    struct answers *a)
{
	return (resp_load(db, selector, r, a, 0));
}

int
db_resp_load_locked(struct db *db, const char *selector, struct resp *r,
    struct answers *a)
{
	return (resp_load(db, selector, r, a, 1));
}

int
db_resp_opened(struct db *db, long long id)
{
	PGresult	*res;
	char		 sid[32];
	const char	*p[1] = { sid };

	snprintf(sid, sizeof(sid), "%lld", id);
	if ((res = db_exec(db, "resp_opened", 1, p, PGRES_COMMAND_OK)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}

int
db_resp_lang(struct db *db, long long id, const char *lang)
{
	PGresult	*res;
	char		 sid[32];
	const char	*p[2] = { sid, lang };

	snprintf(sid, sizeof(sid), "%lld", id);
	if ((res = db_exec(db, "resp_lang", 2, p, PGRES_COMMAND_OK)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}

static void
answers_arrays(const struct answers *a, struct buf *vars, struct buf *vals,
    struct buf *states)
{
	const char	**v;
	size_t		  i;
	char		  st[2] = { 0, 0 };

	v = xcalloc(a->n ? a->n : 1, sizeof(char *));
	for (i = 0; i < a->n; i++)
		v[i] = a->v[i].var;
	db_array(vars, v, a->n);
	for (i = 0; i < a->n; i++)
		v[i] = a->v[i].value;
	db_array(vals, v, a->n);
	if (states != NULL) {
		buf_putc(states, '{');
		for (i = 0; i < a->n; i++) {
			st[0] = a->v[i].state;
			if (i > 0)
				buf_putc(states, ',');
			buf_puts(states, st);
		}
		buf_putc(states, '}');
	}
	free(v);
}

long long
db_resp_new(struct db *db, int version, int link, const char *sel,
    const char *ver, const char *csrf, const char *lang,
    const struct answers *hidden)
{
	PGresult	*res;
	struct buf	 vars, vals;
	char		 sv[16], sl[16];
	const char	*p[8];
	long long	 id;

	buf_init(&vars);
	buf_init(&vals);
	answers_arrays(hidden, &vars, &vals, NULL);
	snprintf(sv, sizeof(sv), "%d", version);
	snprintf(sl, sizeof(sl), "%d", link);
	p[0] = sv;
	p[1] = link > 0 ? sl : NULL;
	p[2] = sel;
	p[3] = ver;
	p[4] = csrf;
	p[5] = lang;
	p[6] = buf_cstr(&vars);
	p[7] = buf_cstr(&vals);
	res = db_exec(db, "resp_new", 8, p, PGRES_TUPLES_OK);
	buf_free(&vars);
	buf_free(&vals);
	if (res == NULL)
		return (-1);
	id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return (id);
}

/* The new revision, or DB_CONFLICT, DB_COMPLETED or DB_ERR. */
int
db_page_save(struct db *db, long long id, int rev, const struct answers *rows,
    int page, int started, int complete)
{
	PGresult	*res;
	struct buf	 vars, vals, states;
	char		 sid[32], srev[16], spage[16];
	const char	*p[8];
	int		 r;

	buf_init(&vars);
	buf_init(&vals);
	buf_init(&states);
	answers_arrays(rows, &vars, &vals, &states);
	snprintf(sid, sizeof(sid), "%lld", id);
	snprintf(srev, sizeof(srev), "%d", rev);
	snprintf(spage, sizeof(spage), "%d", page);
	p[0] = sid;
	p[1] = srev;
	p[2] = buf_cstr(&vars);
	p[3] = buf_cstr(&vals);
	p[4] = buf_cstr(&states);
	p[5] = spage;
	p[6] = started ? "t" : "f";
	p[7] = complete ? "t" : "f";
	res = db_exec(db, "page_save", 8, p, PGRES_TUPLES_OK);
	buf_free(&vars);
	buf_free(&vals);
	buf_free(&states);
	if (res == NULL)
		return (DB_ERR);
	r = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (r);
}

int
db_link_get(struct db *db, const char *selector, struct link *l)
{
	PGresult	*res;
	const char	*p[1] = { selector };

	if ((res = db_exec(db, "link_get", 1, p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (0);
	}
	l->id = atoi(PQgetvalue(res, 0, 0));
	l->version_id = atoi(PQgetvalue(res, 0, 1));
	copy(l->verifier, sizeof(l->verifier), PQgetvalue(res, 0, 2));
	copy(l->hidden, sizeof(l->hidden), PQgetvalue(res, 0, 3));
	l->closed = atoi(PQgetvalue(res, 0, 4));
	PQclear(res);
	return (1);
}

/* The response key for a typed invitation code. */
int
db_code_key(struct db *db, const char *code, char *key, size_t len)
{
	PGresult	*res;
	const char	*p[1] = { code };

	if ((res = db_exec(db, "code_key", 1, p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (0);
	}
	copy(key, len, PQgetvalue(res, 0, 0));
	PQclear(res);
	return (1);
}

/* A rate-limit statement whose one value is a number; DB_ERR on error. */
static int
rate_exec(struct db *db, const char *stmt, int nparams, const char **p)
{
	PGresult	*res;
	int		 n;

	if ((res = db_exec(db, stmt, nparams, p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (n);
}

/* The same with a bucket and two numbers. */
static int
rate_exec2(struct db *db, const char *stmt, const char *bucket, int x, int y)
{
	char		 s[16], t[16];
	const char	*p[3] = { bucket, s, t };

	snprintf(s, sizeof(s), "%d", x);
	snprintf(t, sizeof(t), "%d", y);
	return (rate_exec(db, stmt, 3, p));
}

/* Adds `add` to a rate-limit bucket (0: just look); the count so far. */
int
db_rate(struct db *db, const char *bucket, int seconds, int add)
{
	return (rate_exec2(db, "rate", bucket, seconds, add));
}

/*
 * Takes one of `limit` tries in the bucket's window, counting and
 * comparing in one statement so that parallel requests cannot overshoot:
 * 1 taken, 0 the window is full, DB_ERR.
 */
int
db_rate_take(struct db *db, const char *bucket, int seconds, int limit)
{
	return (rate_exec2(db, "rate_take", bucket, seconds, limit));
}

/* Gives back a try taken with db_rate_take; 0 on a database error. */
int
db_rate_give(struct db *db, const char *bucket, int seconds)
{
	char		 s[16];
	const char	*p[2] = { bucket, s };

	snprintf(s, sizeof(s), "%d", seconds);
	return (rate_exec(db, "rate_give", 2, p) != DB_ERR);
}

int
db_versions(struct db *db, db_version_cb cb, void *arg)
{
	PGresult	*res;
	int		 i, ok = 1;

	if ((res = db_exec(db, "versions", 0, NULL, PGRES_TUPLES_OK)) == NULL)
		return (0);
	for (i = 0; i < PQntuples(res) && ok; i++)
		ok = cb(atoi(PQgetvalue(res, i, 0)), atoi(PQgetvalue(res, i, 1)),
		    PQgetvalue(res, i, 2), PQgetvalue(res, i, 3), arg);
	PQclear(res);
	return (ok);
}
