#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "buf.h"
#include "db.h"
#include "db_int.h"

/* Every statement the web app runs; prepared on each new connection. */
/*
 * retry: safe to send again after a lost connection. A new response is
 * not (the first attempt may have committed); a page save is, since its
 * revision check turns a repeat into a conflict.
 */
static const struct {
	const char	*name;
	const char	*sql;
	int		 nparams;
	int		 retry;
} stmts[] = {
	{ "resp_load",
	  "SELECT r.id, r.version_id, r.verifier, r.csrf, r.lang, r.status,"
	  " r.page_no, r.rev, (r.unit_link_id IS NOT NULL)::int,"
	  " a.var, a.value, a.state"
	  " FROM response r LEFT JOIN answer a ON a.response_id = r.id"
	  " WHERE r.selector = $1", 1, 1 },
	/* The same, holding the response row: after a lost race (below). */
	{ "resp_load_locked",
	  "SELECT r.id, r.version_id, r.verifier, r.csrf, r.lang, r.status,"
	  " r.page_no, r.rev, (r.unit_link_id IS NOT NULL)::int,"
	  " a.var, a.value, a.state"
	  " FROM response r LEFT JOIN answer a ON a.response_id = r.id"
	  " WHERE r.selector = $1 FOR UPDATE OF r", 1, 0 },
	{ "version_closed",
	  "SELECT (w.closed OR coalesce(w.closes_at < now(), false) OR"
	  " coalesce(w.opens_at > now(), false))::int"
	  ", v.definition_id"
	  " FROM version v JOIN wave w ON w.id = v.wave_id WHERE v.id = $1",
	  1, 1 },
	{ "resp_opened",
	  "UPDATE response SET status = 'opened', opened_at = now()"
	  " WHERE id = $1 AND status = 'invited'", 1, 1 },
	{ "resp_lang",
	  "UPDATE response SET lang = $2 WHERE id = $1", 2, 1 },
	{ "resp_new",
	  "SELECT svar_response_new($1, $2, $3, $4, $5, $6, $7, $8)", 8, 0 },
	/*
	 * Saving a page: the page's rows, the not-asked marks, where the
	 * respondent goes next, in one statement. $2 is the revision the
	 * caller read: a save from another tab in between makes this return
	 * -1 and the caller reads again; a completed response returns -2,
	 * since completing happens once and nothing changes after it. One
	 * prepared statement rather than a PL/pgSQL function: make bench
	 * measured 40 us of interpreter per save.
	 */
	{ "page_save",
	  "WITH r AS ("
	  "  UPDATE response SET rev = rev + 1, page_no = $6,"
	  "   max_page_no = greatest(max_page_no, $6),"
	  "   status = CASE WHEN $8 THEN 'completed' WHEN $7 THEN 'started'"
	  "    ELSE status END,"
	  "   opened_at = coalesce(opened_at, now()),"
	  "   started_at = CASE WHEN started_at IS NULL AND ($7 OR $8)"
	  "    THEN now() ELSE started_at END,"
	  "   completed_at = CASE WHEN $8 THEN now() END,"
	  "   updated_at = now()"
	  "  WHERE id = $1 AND rev = $2 AND status <> 'completed'"
	  "  RETURNING rev, unit_link_id),"
	  " a AS ("
	  "  INSERT INTO answer AS a (response_id, var, value, state)"
	  "  SELECT $1, v, x, s FROM unnest($3::text[], $4::text[],"
	  "   $5::\"char\"[]) AS t(v, x, s) WHERE EXISTS (SELECT FROM r)"
	  "  ON CONFLICT (response_id, var) DO UPDATE"
	  "   SET value = excluded.value, state = excluded.state,"
	  "   updated_at = now()"
	  "  WHERE a.value IS DISTINCT FROM excluded.value"
	  "   OR a.state IS DISTINCT FROM excluded.state),"
	  " wu AS ("
	  "  UPDATE wave_unit SET stage = 'responding'"
	  "  WHERE $8 AND stage <> 'responding' AND id = (SELECT"
	  "   wave_unit_id FROM unit_link WHERE id = (SELECT unit_link_id"
	  "   FROM r))"
	  "  RETURNING id),"
	  " ev AS ("
	  "  INSERT INTO unit_event (wave_unit_id, stage, note)"
	  "  SELECT id, 'responding', 'first completed response' FROM wu)"
	  " SELECT coalesce((SELECT rev FROM r), CASE WHEN EXISTS (SELECT"
	  "  FROM response WHERE id = $1 AND status = 'completed') THEN -2"
	  "  ELSE -1 END)", 8, 1 },
	{ "link_get",
	  "SELECT l.id, l.version_id, l.verifier, v.hidden,"
	  " (w.closed OR coalesce(w.closes_at < now(), false) OR"
	  " coalesce(w.opens_at > now(), false))::int"
	  " FROM unit_link l JOIN version v ON v.id = l.version_id"
	  " JOIN wave w ON w.id = v.wave_id WHERE l.selector = $1", 1, 1 },
	{ "code_key",
	  "SELECT r.selector || r.verifier FROM invitation i"
	  " JOIN response r ON r.invitation_id = i.id WHERE i.code = $1", 1, 1 },
	{ "rate",
	  "SELECT svar_rate($1, $2, $3)", 3, 1 },
	{ "rate_take",
	  "SELECT svar_rate_take($1, $2, $3)::int", 3, 1 },
	{ "rate_give",
	  "SELECT svar_rate_give($1, $2)", 2, 1 },
	{ "ping", "SELECT 1", 0, 1 },
	{ "versions",
	  "SELECT v.id, d.id, d.source, v.hidden FROM version v"
	  " JOIN definition d ON d.id = v.definition_id ORDER BY v.id", 0, 1 },
};

static int
db_prepare(struct db *db)
{
	PGresult	*res;
	size_t		 i;

	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++) {
		res = PQprepare(db->conn, stmts[i].name, stmts[i].sql,
		    stmts[i].nparams, NULL);
		if (PQresultStatus(res) != PGRES_COMMAND_OK) {
			snprintf(db->err, sizeof(db->err), "prepare %s: %s",
			    stmts[i].name, PQerrorMessage(db->conn));
			PQclear(res);
			return (0);
		}
		PQclear(res);
	}
	return (1);
}

struct db *
db_open(const char *conninfo)
{
	struct db	*db;

	struct buf	 b;

	db = xcalloc(1, sizeof(*db));
	/*
	 * A worker waits on every query, so a database that hangs must not
	 * hang it: give up connecting after 2 s, notice a dead peer within
	 * a minute, stop any statement at 5 s. Keywords the caller gives
	 * later in the string win.
	 */
	buf_init(&b);
	buf_puts(&b, "connect_timeout=2 keepalives=1 keepalives_idle=10 "
	    "keepalives_interval=5 keepalives_count=3 "
	    "options='-c statement_timeout=5000' ");
	buf_puts(&b, conninfo ? conninfo : "");
	db->conninfo = buf_steal(&b);
	db->prepare = 1;
	return (db);
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->conninfo);
	free(db);
}

const char *
db_error(struct db *db)
{
	return (db->err);
}

/* Connects (again) when needed; 0 when the database cannot be reached. */
int
db_ready(struct db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return (1);
	if (db->conn != NULL) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	db->conn = PQconnectdb(db->conninfo);
	if (PQstatus(db->conn) != CONNECTION_OK) {
		snprintf(db->err, sizeof(db->err), "connect: %s",
		    PQerrorMessage(db->conn));
		PQfinish(db->conn);
		db->conn = NULL;
		return (0);
	}
	if (db->prepare && !db_prepare(db)) {
		PQfinish(db->conn);
		db->conn = NULL;
		return (0);
	}
	return (1);
}

/*
 * Runs a prepared statement. On a broken connection it reconnects and
 * tries once more, which is safe: each statement is its own transaction.
 */
static int
stmt_retry(const char *name)
{
	size_t	 i;

	for (i = 0; i < sizeof(stmts) / sizeof(stmts[0]); i++)
		if (strcmp(stmts[i].name, name) == 0)
			return (stmts[i].retry);
	return (0);
}

PGresult *
db_exec(struct db *db, const char *name, int n, const char *const *params,
    ExecStatusType want)
{
	PGresult	*res;
	int		 attempt, attempts;

	attempts = stmt_retry(name) ? 2 : 1;
	for (attempt = 0; attempt < attempts; attempt++) {
		if (!db_ready(db))
			return (NULL);
		res = PQexecPrepared(db->conn, name, n, params, NULL, NULL, 0);
		if (PQresultStatus(res) == want)
			return (res);
		snprintf(db->err, sizeof(db->err), "%s: %s", name,
		    PQresultErrorMessage(res));
		PQclear(res);
		if (PQstatus(db->conn) == CONNECTION_OK)
			return (NULL);
	}
	return (NULL);
}

/*
 * BEGIN, COMMIT or ROLLBACK on the current connection. Never retried on
 * a new one: a transaction does not survive its connection.
 */
int
db_tx(struct db *db, const char *cmd)
{
	PGresult	*res;
	int		 ok;

	if (db->conn == NULL)
		return (0);
	res = PQexec(db->conn, cmd);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	if (!ok)
		snprintf(db->err, sizeof(db->err), "%s: %s", cmd,
		    PQerrorMessage(db->conn));
	PQclear(res);
	return (ok);
}

/* A PostgreSQL array literal; NULL elements stay NULL. */
void
db_array(struct buf *b, const char *const *v, size_t n)
{
	const char	*p;
	size_t		 i;

	buf_putc(b, '{');
	for (i = 0; i < n; i++) {
		if (i > 0)
			buf_putc(b, ',');
		if (v[i] == NULL) {
			buf_puts(b, "NULL");
			continue;
		}
		buf_putc(b, '"');
		for (p = v[i]; *p != '\0'; p++) {
			if (*p == '"' || *p == '\\')
				buf_putc(b, '\\');
			buf_putc(b, *p);
		}
		buf_putc(b, '"');
	}
	buf_putc(b, '}');
}
