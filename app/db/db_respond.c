/* The respondent path: load, create and save responses. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_LOAD,
	S_LOAD_LOCKED,
	S_OPENED,
	S_LANG,
	S_NEW,
	S_SAVE,
	S_SAVE_BATCHED,
	S_LINK_GET,
	S_CODE_KEY,
	S_PING,
	S_LINK_VIEW,
	S_WITHDRAW,
	S_SPENT,
	S_FOUND,
	S_RECONTACT_SET,
	S_RECONTACT_DROP,
	S__MAX
};

#define RESP_COLS \
	"SELECT r.id, r.version_id, r.definition_id, r.verifier, r.csrf," \
	" r.lang, r.status, coalesce(r.page_id, ''),"			\
	" coalesce(r.furthest_page_id, ''), r.rev,"			\
	" (r.unit_link_id IS NOT NULL)::int, a.var, a.value, a.state"	\
	" FROM response r LEFT JOIN answer a ON a.response_id = r.id"	\
	" WHERE r.selector = $1"

/*
 * Saving a page (S_SAVE): the page's rows, the not-asked marks, where
 * the respondent goes next, in one statement. $2 is the revision the
 * caller read: a save from another tab in between makes this return -1
 * and the caller reads again; a completed response returns -2, since
 * completing happens once and nothing changes after it. One prepared
 * statement rather than a PL/pgSQL function: make bench measured 40 us
 * of interpreter per save. The unit's stage moves on the first
 * completed response, in a trigger at completion (sql/095).
 */
#define SAVE_SET							\
	"  UPDATE response SET rev = rev + 1, page_id = $6,"		\
	"   furthest_page_id = $9,"					\
	"   status = CASE WHEN $8 THEN 'completed'"			\
	"    WHEN $7 THEN 'started' ELSE status END,"			\
	"   opened_at = coalesce(opened_at, now()),"			\
	"   started_at = CASE WHEN started_at IS NULL AND ($7 OR $8)"	\
	"    THEN now() ELSE started_at END,"				\
	"   completed_at = CASE WHEN $8 THEN now() END,"		\
	"   updated_at = now()"
#define SAVE_WHERE							\
	" AND rev = $2 AND status NOT IN ('completed', 'withdrawn')"	\
	" RETURNING rev"
#define SAVE_ROWS							\
	" a AS ("							\
	"  INSERT INTO answer AS a (response_id, var, value, state)"	\
	"  SELECT $1, v, x, s FROM unnest($3::text[], $4::text[],"	\
	"   $5::\"char\"[]) AS t(v, x, s) WHERE EXISTS (SELECT FROM r)"	\
	"  ON CONFLICT (response_id, var) DO UPDATE"			\
	"   SET value = excluded.value, state = excluded.state,"	\
	"   updated_at = now()"						\
	"  WHERE a.value IS DISTINCT FROM excluded.value"		\
	"   OR a.state IS DISTINCT FROM excluded.state)"
#define SAVE_GONE							\
	" WHEN EXISTS (SELECT FROM response WHERE id = $1"		\
	"  AND status IN ('completed', 'withdrawn')) THEN -2 ELSE -1 END)"

/*
 * retry: safe to send again after a lost connection. A new response is
 * not (the first attempt may have committed); a page save is, since its
 * revision check turns a repeat into a conflict.
 */
static struct db_stmt stmts[S__MAX] = {
	[S_LOAD] = { "respond.load", RESP_COLS, 1, 1 },
	/* The same, holding the response row: after a lost race. */
	[S_LOAD_LOCKED] = { "respond.load_locked",
	  RESP_COLS " FOR UPDATE OF r", 1, 0 },
	/*
	 * A personal invitation opened for the first time has nothing
	 * saved yet, so it takes the version's definition as it is now.
	 */
	[S_OPENED] = { "respond.opened",
	  "UPDATE response r SET status = 'opened', opened_at = now(),"
	  " definition_id = v.definition_id FROM version v"
	  " WHERE r.id = $1 AND r.status = 'invited' AND v.id = r.version_id"
	  " RETURNING r.definition_id", 1, 1 },
	/*
	 * A new language is a new revision: a worker that remembers the
	 * response (web_rcache.c) must not show or save it in the old one.
	 */
	[S_LANG] = { "respond.lang",
	  "UPDATE response SET lang = $2, rev = rev + 1 WHERE id = $1"
	  " RETURNING rev", 2, 1 },
	[S_NEW] = { "respond.new",
	  "SELECT svar_response_new($1, $2, $3, $4, $5, $6)", 6, 0 },
	[S_SAVE] = { "respond.save",
	  "WITH r AS (" SAVE_SET " WHERE id = $1" SAVE_WHERE "),"
	  SAVE_ROWS " SELECT coalesce((SELECT rev FROM r), CASE" SAVE_GONE,
	  9, 1 },
	/*
	 * The same, for a save in a batch (db_page_save_send_batch): one
	 * whose response another transaction holds (another tab, a
	 * withdrawal) does not wait for it, holding up the others of its
	 * batch, but returns DB_LOCKED, to go again on its own. The lock
	 * is the one the UPDATE takes anyway, so rows that only refer to
	 * the response are not held up. (A batch can still wait: for a
	 * unit's row when a save completes its first response, sql/095;
	 * two batches crossing there end in a deadlock, and the one
	 * PostgreSQL ends after a second goes again one save at a time.)
	 */
	[S_SAVE_BATCHED] = { "respond.save_batched",
	  "WITH l AS (SELECT id FROM response WHERE id = $1"
	  "  FOR NO KEY UPDATE SKIP LOCKED),"
	  " r AS (" SAVE_SET " WHERE id = (SELECT id FROM l)" SAVE_WHERE "),"
	  SAVE_ROWS " SELECT coalesce((SELECT rev FROM r), CASE"
	  " WHEN NOT EXISTS (SELECT FROM l) THEN -5" SAVE_GONE, 9, 1 },
	[S_LINK_GET] = { "respond.link_get",
	  "SELECT l.id, l.version_id, l.verifier,"
	  " (w.closed OR coalesce(w.closes_at < now(), false) OR"
	  " coalesce(w.opens_at > now(), false))::int"
	  " FROM unit_link l JOIN version v ON v.id = l.version_id"
	  " JOIN wave w ON w.id = v.wave_id WHERE l.selector = $1"
	  " AND l.revoked_at IS NULL", 1, 1 },
	/*
	 * '' for an invitation an anonymous wave has cut its response from
	 * (sql/098: it has the digest of a key but no response any more).
	 */
	[S_CODE_KEY] = { "respond.code_key",
	  "SELECT coalesce(r.selector || r.verifier, '') FROM invitation i"
	  " LEFT JOIN response r ON r.invitation_id = i.id WHERE i.code = $1"
	  " AND (r.id IS NOT NULL OR i.key_digest IS NOT NULL)", 1, 1 },
	[S_PING] = { "respond.ping", "SELECT 1", 0, 1 },
	/* Not retried: a view counted twice is a wrong number. */
	[S_LINK_VIEW] = { "respond.link_view",
	  "UPDATE unit_link SET views = views + 1 WHERE id = $1", 1, 0 },
	/* Not retried: the first try may have deleted the answers. */
	[S_WITHDRAW] = { "respond.withdraw",
	  "SELECT svar_response_withdraw($1)", 1, 0 },
	[S_SPENT] = { "respond.spent",
	  "SELECT count(*) FROM invitation i WHERE i.key_digest = $1"
	  " AND NOT EXISTS (SELECT FROM response r WHERE r.invitation_id ="
	  " i.id)", 1, 1 },
	[S_FOUND] = { "respond.found",
	  "SELECT count(*) FROM response WHERE selector = $1", 1, 1 },
	/* Both state what is so: safe to send again. */
	[S_RECONTACT_SET] = { "respond.recontact_set",
	  "SELECT svar_recontact_set($1, $2, $3, $4)", 4, 1 },
	[S_RECONTACT_DROP] = { "respond.recontact_drop",
	  "SELECT svar_recontact_drop($1)", 1, 1 },
};

/*
 * 1 found, 0 no such response, DB_ERR when the database failed. With
 * `lock` (inside db_begin) the response row stays locked until the
 * transaction ends.
 */
/* A response's row and answers from S_LOAD's result: 1, or 0 for none. */
static int
resp_parse(PGresult *res, struct resp *r, struct answers *a)
{
	int	 i, n;

	if ((n = PQntuples(res)) == 0)
		return (0);
	r->id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	r->version_id = atoi(PQgetvalue(res, 0, 1));
	r->definition_id = atoi(PQgetvalue(res, 0, 2));
	db_copy(r->verifier, sizeof(r->verifier), PQgetvalue(res, 0, 3));
	db_copy(r->csrf, sizeof(r->csrf), PQgetvalue(res, 0, 4));
	db_copy(r->lang, sizeof(r->lang), PQgetvalue(res, 0, 5));
	db_copy(r->status, sizeof(r->status), PQgetvalue(res, 0, 6));
	db_copy(r->page_id, sizeof(r->page_id), PQgetvalue(res, 0, 7));
	db_copy(r->furthest_page_id, sizeof(r->furthest_page_id),
	    PQgetvalue(res, 0, 8));
	r->rev = atoi(PQgetvalue(res, 0, 9));
	r->unit_link = atoi(PQgetvalue(res, 0, 10));
	for (i = 0; i < n; i++) {
		if (PQgetisnull(res, i, 11))
			continue;
		answers_set(a, PQgetvalue(res, i, 11),
		    PQgetisnull(res, i, 12) ? NULL : PQgetvalue(res, i, 12),
		    PQgetvalue(res, i, 13)[0]);
	}
	return (1);
}

/*
 * 1 found, 0 no such response, DB_ERR when the database failed. With
 * `lock` (inside db_begin) the response row stays locked until the
 * transaction ends.
 */
static int
resp_load(struct db *db, const char *selector, struct resp *r,
    struct answers *a, int lock)
{
	PGresult	*res;
	const char	*p[1] = { selector };
	int		 rc;

	if ((res = db_exec(db, &stmts[lock ? S_LOAD_LOCKED : S_LOAD], p,
	    PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	rc = resp_parse(res, r, a);
	PQclear(res);
	return (rc);
}

/* The same as db_resp_load, sent now (db_send.c) and read later. */
int
db_resp_load_send(struct db *db, const char *selector)
{
	const char	*p[1] = { selector };

	return (db_send(db, &stmts[S_LOAD], p));
}

int
db_resp_load_recv(struct db *db, struct resp *r, struct answers *a)
{
	PGresult	*res;
	int		 rc;

	if ((res = db_take(db, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	rc = resp_parse(res, r, a);
	PQclear(res);
	return (rc);
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

/* Is the database there? A real round trip, for /healthz. */
int
db_ping(struct db *db)
{
	PGresult	*res;

	if ((res = db_exec(db, &stmts[S_PING], NULL, PGRES_TUPLES_OK)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}

/*
 * Marks a personal invitation's response opened. *def gets the
 * definition it now uses, or stays as it was when it was opened before.
 */
int
db_resp_opened(struct db *db, long long id, int *def)
{
	PGresult	*res;
	char		 sid[32];
	const char	*p[1] = { sid };

	snprintf(sid, sizeof(sid), "%lld", id);
	if ((res = db_exec(db, &stmts[S_OPENED], p, PGRES_TUPLES_OK)) == NULL)
		return (0);
	if (PQntuples(res) == 1)
		*def = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (1);
}

/* The response's new revision, 0 when there is no such response, or DB_ERR. */
int
db_resp_lang(struct db *db, long long id, const char *lang)
{
	PGresult	*res;
	char		 sid[32];
	const char	*p[2] = { sid, lang };
	int		 rev = 0;

	snprintf(sid, sizeof(sid), "%lld", id);
	if ((res = db_exec(db, &stmts[S_LANG], p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 1)
		rev = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (rev);
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
	buf_putc(states, '{');
	for (i = 0; i < a->n; i++) {
		st[0] = a->v[i].state;
		if (i > 0)
			buf_putc(states, ',');
		buf_puts(states, st);
	}
	buf_putc(states, '}');
	free(v);
}

/* A response through a unit link (link > 0) or none; its id or -1. */
long long
db_resp_new(struct db *db, int version, int link, const char *sel,
    const char *ver, const char *csrf, const char *lang)
{
	PGresult	*res;
	char		 sv[16], sl[16];
	const char	*p[6];
	long long	 id;

	snprintf(sv, sizeof(sv), "%d", version);
	snprintf(sl, sizeof(sl), "%d", link);
	p[0] = sv;
	p[1] = link > 0 ? sl : NULL;
	p[2] = sel;
	p[3] = ver;
	p[4] = csrf;
	p[5] = lang;
	if ((res = db_exec(db, &stmts[S_NEW], p, PGRES_TUPLES_OK)) == NULL)
		return (-1);
	id = strtoll(PQgetvalue(res, 0, 0), NULL, 10);
	PQclear(res);
	return (id);
}

/* S_SAVE's parameters for one save: p[9] points into this. */
struct save_p {
	struct buf	 vars, vals, states;
	char		 sid[32], srev[16];
};

static void
save_p_init(struct save_p *sp, const struct save *sv, const char **p)
{
	buf_init(&sp->vars);
	buf_init(&sp->vals);
	buf_init(&sp->states);
	answers_arrays(sv->rows, &sp->vars, &sp->vals, &sp->states);
	snprintf(sp->sid, sizeof(sp->sid), "%lld", sv->id);
	snprintf(sp->srev, sizeof(sp->srev), "%d", sv->rev);
	p[0] = sp->sid;
	p[1] = sp->srev;
	p[2] = buf_cstr(&sp->vars);
	p[3] = buf_cstr(&sp->vals);
	p[4] = buf_cstr(&sp->states);
	p[5] = sv->page_id;
	p[6] = sv->started ? "t" : "f";
	p[7] = sv->complete ? "t" : "f";
	p[8] = sv->furthest_page_id;
}

static void
save_p_free(struct save_p *sp)
{
	buf_free(&sp->vars);
	buf_free(&sp->vals);
	buf_free(&sp->states);
}

static int
save_result(PGresult *res)
{
	int	 r;

	if (res == NULL)
		return (DB_ERR);
	r = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (r);
}

/*
 * Saves a page: the response's new revision, DB_CONFLICT when the
 * revision read is no longer the response's, DB_COMPLETED when it was
 * finished or withdrawn meanwhile, DB_ERR when the database failed.
 */
int
db_page_save(struct db *db, const struct save *sv)
{
	struct save_p	 sp;
	const char	*p[9];
	PGresult	*res;

	save_p_init(&sp, sv, p);
	res = db_exec(db, &stmts[S_SAVE], p, PGRES_TUPLES_OK);
	save_p_free(&sp);
	return (save_result(res));
}

/*
 * The same for k saves, sent now (db_send.c), in one transaction when
 * more than one, so that they share one flush of PostgreSQL's log; each
 * one's answer is db_page_save_recv_at(db, i) once db_poll says they
 * are in, and db_discard ends the batch. One that fails does not take
 * the others with it (db_send.c). 0 when they could not be sent.
 */
int
db_page_save_send_batch(struct db *db, const struct save *const *svs,
    int k)
{
	struct save_p	*sp;
	const char	**p;
	int		 i, ok;

	sp = xcalloc(k, sizeof(*sp));
	p = xcalloc(9 * k, sizeof(*p));
	for (i = 0; i < k; i++)
		save_p_init(&sp[i], svs[i], p + 9 * i);
	ok = db_send_batch(db, &stmts[k > 1 ? S_SAVE_BATCHED : S_SAVE], p,
	    k);
	for (i = 0; i < k; i++)
		save_p_free(&sp[i]);
	free(sp);
	free(p);
	return (ok);
}

int
db_page_save_recv_at(struct db *db, int i)
{
	return (save_result(db_take_at(db, i, PGRES_TUPLES_OK)));
}

int
db_link_get(struct db *db, const char *selector, struct link *l)
{
	PGresult	*res;
	const char	*p[1] = { selector };

	if ((res = db_exec(db, &stmts[S_LINK_GET], p,
	    PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (0);
	}
	l->id = atoi(PQgetvalue(res, 0, 0));
	l->version_id = atoi(PQgetvalue(res, 0, 1));
	db_copy(l->verifier, sizeof(l->verifier), PQgetvalue(res, 0, 2));
	l->closed = atoi(PQgetvalue(res, 0, 3));
	PQclear(res);
	return (1);
}

/* The response key for a typed invitation code. */
int
db_code_key(struct db *db, const char *code, char *key, size_t len)
{
	PGresult	*res;
	const char	*p[1] = { code };

	if ((res = db_exec(db, &stmts[S_CODE_KEY], p,
	    PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	if (PQntuples(res) == 0) {
		PQclear(res);
		return (0);
	}
	db_copy(key, len, PQgetvalue(res, 0, 0));
	PQclear(res);
	return (1);
}

/* The start page of a unit link was shown once more. */
int
db_link_view(struct db *db, int link)
{
	char		 sl[16];
	const char	*p[1] = { sl };

	snprintf(sl, sizeof(sl), "%d", link);
	return (db_do(db, &stmts[S_LINK_VIEW], p));
}

/* A count the statement returns; DB_ERR when the database failed. */
static int
resp_count(struct db *db, struct db_stmt *st, const char *arg)
{
	const char	*p[1] = { arg };
	char		*v;
	int		 n;

	if ((v = db_val(db, st, p)) == NULL)
		return (DB_ERR);
	n = atoi(v);
	free(v);
	return (n);
}

/* Deletes a response's answers and records the withdrawal: 1, or 0. */
int
db_resp_withdraw(struct db *db, long long id)
{
	char	 sid[32];

	snprintf(sid, sizeof(sid), "%lld", id);
	return (resp_count(db, &stmts[S_WITHDRAW], sid));
}

/*
 * 1 when a personal link's key (as its SHA-256 in hex) belongs to an
 * invitation that completed in an anonymous wave.
 */
int
db_resp_spent(struct db *db, const char *digest)
{
	return (resp_count(db, &stmts[S_SPENT], digest));
}

/* 1 when a response still answers to this selector. */
int
db_resp_found(struct db *db, const char *selector)
{
	return (resp_count(db, &stmts[S_FOUND], selector));
}

/*
 * Contact details for a later interview (sql/090): kept apart from the
 * answers; a NULL or empty field keeps what was given before. With all
 * three NULL the consent is gone and so are the details.
 */
int
db_recontact(struct db *db, long long id, const char *name,
    const char *email, const char *phone)
{
	char		 sid[32];
	const char	*p[4] = { sid, name, email, phone };
	PGresult	*res;

	snprintf(sid, sizeof(sid), "%lld", id);
	res = db_exec(db, &stmts[name == NULL && email == NULL &&
	    phone == NULL ? S_RECONTACT_DROP : S_RECONTACT_SET], p,
	    PGRES_TUPLES_OK);
	if (res == NULL)
		return (0);
	PQclear(res);
	return (1);
}
