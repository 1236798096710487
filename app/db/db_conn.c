/*
 * The connection: opened lazily, re-opened after a loss, statements
 * prepared on first use, and transactions that never span a reconnect.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "buf.h"
#include "db.h"
#include "db_int.h"

struct db *
db_open(const char *conninfo)
{
	struct db	*db;
	struct buf	 b;

	db = xcalloc(1, sizeof(*db));
	/*
	 * A worker waits on every query, so a database that hangs must not
	 * hang it: give up connecting after 2 s, notice a dead peer within
	 * a minute, stop any statement at 5 s. No JIT: the admin's home
	 * page, whose estimate passes jit_above_cost at a million answer
	 * rows, spent 358 of its 490 ms compiling and ran in 40 ms without
	 * (make bench). No GSSAPI: over TCP libpq would first try Kerberos
	 * encryption, and reading /etc/gss/mech.d is not in a worker's
	 * sandbox (seccomp killed every worker not chrooted away from it);
	 * Svar authenticates with passwords and TLS. Keywords the caller
	 * gives later in the string win.
	 */
	buf_init(&b);
	buf_puts(&b, "connect_timeout=2 keepalives=1 keepalives_idle=10 "
	    "keepalives_interval=5 keepalives_count=3 gssencmode=disable "
	    "options='-c statement_timeout=5000 -c jit=off' ");
	buf_puts(&b, conninfo ? conninfo : "");
	db->conninfo = buf_steal(&b);
	return (db);
}

void
db_close(struct db *db)
{
	if (db == NULL)
		return;
	if (db->conn != NULL)
		PQfinish(db->conn);
	free(db->prepared);
	free(db->conninfo);
	db_sent_clear(db);
	free(db);
}

const char *
db_error(struct db *db)
{
	return (db->err);
}

/*
 * Connects (again) when needed; 0 when the database cannot be reached.
 * Inside a transaction a lost connection stays lost: the transaction
 * went with it, and carrying on in autocommit would commit half of it.
 */
int
db_ready(struct db *db)
{
	if (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK)
		return (1);
	if (db->in_tx) {
		snprintf(db->err, sizeof(db->err), "connection lost inside a "
		    "transaction");
		return (0);
	}
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
	db->nprepared = 0;
	db->gen++;
	return (1);
}

int
db_prepare(struct db *db, struct db_stmt *st)
{
	PGresult	*res;
	size_t		 i;

	for (i = 0; i < db->nprepared; i++)
		if (db->prepared[i] == st)
			return (1);
	res = PQprepare(db->conn, st->name, st->sql, st->nparams, NULL);
	if (PQresultStatus(res) != PGRES_COMMAND_OK) {
		snprintf(db->err, sizeof(db->err), "prepare %s: %s",
		    st->name, PQresultErrorMessage(res));
		PQclear(res);
		return (0);
	}
	PQclear(res);
	db->prepared = xrealloc(db->prepared, (db->nprepared + 1) *
	    sizeof(*db->prepared));
	db->prepared[db->nprepared++] = st;
	return (1);
}

/*
 * Runs a statement. Outside a transaction, one marked retry is sent
 * once more after a lost connection: each is its own transaction, and
 * those marked are harmless to repeat.
 */
PGresult *
db_exec(struct db *db, struct db_stmt *st, const char *const *params,
    ExecStatusType want)
{
	PGresult	*res;
	int		 attempt, attempts;

	attempts = st->retry && !db->in_tx ? 2 : 1;
	for (attempt = 0; attempt < attempts; attempt++) {
		if (!db_ready(db))
			return (NULL);
		if (!db_prepare(db, st)) {
			if (PQstatus(db->conn) == CONNECTION_OK)
				return (NULL);
			continue;
		}
		res = PQexecPrepared(db->conn, st->name, st->nparams, params,
		    NULL, NULL, 0);
		if (PQresultStatus(res) == want)
			return (res);
		snprintf(db->err, sizeof(db->err), "%s: %s", st->name,
		    PQresultErrorMessage(res));
		PQclear(res);
		if (PQstatus(db->conn) == CONNECTION_OK)
			return (NULL);
	}
	return (NULL);
}

/* A statement whose result is only success or failure. */
int
db_do(struct db *db, struct db_stmt *st, const char *const *params)
{
	PGresult	*res;

	if ((res = db_exec(db, st, params, PGRES_COMMAND_OK)) == NULL)
		return (0);
	PQclear(res);
	return (1);
}

/* A statement that changes rows: how many, or DB_ERR. */
int
db_count(struct db *db, struct db_stmt *st, const char *const *params)
{
	PGresult	*res;
	int		 n;

	if ((res = db_exec(db, st, params, PGRES_COMMAND_OK)) == NULL)
		return (DB_ERR);
	n = atoi(PQcmdTuples(res));
	PQclear(res);
	return (n);
}

/* Every row of a query to cb; the number of rows, or DB_ERR. */
int
db_each(struct db *db, struct db_stmt *st, const char *const *params,
    db_row_cb cb, void *arg)
{
	PGresult	*res;
	int		 i, n;

	if ((res = db_exec(db, st, params, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	n = PQntuples(res);
	for (i = 0; i < n; i++)
		db_row_call(res, i, cb, arg);
	PQclear(res);
	return (n);
}

/* The first column of the first row, copied; NULL when there is none. */
char *
db_val(struct db *db, struct db_stmt *st, const char *const *params)
{
	PGresult	*res;
	char		*v = NULL;

	if ((res = db_exec(db, st, params, PGRES_TUPLES_OK)) == NULL)
		return (NULL);
	if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
		v = xstrdup(PQgetvalue(res, 0, 0));
	else
		snprintf(db->err, sizeof(db->err), "%s: no row", st->name);
	PQclear(res);
	return (v);
}

static int
tx_cmd(struct db *db, const char *cmd)
{
	PGresult	*res;
	int		 ok;

	res = PQexec(db->conn, cmd);
	ok = PQresultStatus(res) == PGRES_COMMAND_OK;
	db->committed = ok && strcmp(PQcmdStatus(res), "COMMIT") == 0;
	if (!ok)
		snprintf(db->err, sizeof(db->err), "%s: %s", cmd,
		    PQresultErrorMessage(res));
	PQclear(res);
	return (ok);
}

int
db_begin(struct db *db)
{
	if (db->in_tx) {
		snprintf(db->err, sizeof(db->err), "BEGIN inside a "
		    "transaction");
		return (0);
	}
	if (!db_ready(db) || !tx_cmd(db, "BEGIN"))
		return (0);
	db->in_tx = 1;
	return (1);
}

/* 0 when the transaction did not commit (nothing of it is kept). */
int
db_commit(struct db *db)
{
	int	 ok;

	if (!db->in_tx) {
		snprintf(db->err, sizeof(db->err), "COMMIT outside a "
		    "transaction");
		return (0);
	}
	db->in_tx = 0;
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK) {
		snprintf(db->err, sizeof(db->err), "connection lost before "
		    "COMMIT");
		return (0);
	}
	ok = tx_cmd(db, "COMMIT");
	/* A COMMIT in a failed transaction succeeds as a ROLLBACK. */
	if (ok && db->committed == 0) {
		snprintf(db->err, sizeof(db->err), "COMMIT rolled back: a "
		    "statement in the transaction had failed");
		ok = 0;
	}
	return (ok);
}

void
db_rollback(struct db *db)
{
	db->in_tx = 0;
	if (db->conn == NULL || PQstatus(db->conn) != CONNECTION_OK)
		return;
	if (PQtransactionStatus(db->conn) != PQTRANS_IDLE)
		tx_cmd(db, "ROLLBACK");
}

/*
 * After every request: a connection left in a transaction (a handler
 * that returned early) is rolled back before the next request uses it.
 * Returns 0 when it had to, so the caller can log which request did.
 */
int
db_request_end(struct db *db)
{
	PGTransactionStatusType	 ts;
	int			 clean;

	if (db->conn == NULL) {
		clean = !db->in_tx;
		db->in_tx = 0;
		return (clean);
	}
	ts = PQtransactionStatus(db->conn);
	clean = !db->in_tx && (ts == PQTRANS_IDLE || ts == PQTRANS_UNKNOWN);
	if (!clean) {
		snprintf(db->err, sizeof(db->err), "connection left %s",
		    ts == PQTRANS_INERROR ? "in a failed transaction" :
		    "in a transaction");
		db_rollback(db);
	}
	return (clean);
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

void
db_copy(char *dst, size_t len, const char *src)
{
	snprintf(dst, len, "%s", src ? src : "");
}

/* Calls cb with row i of res as strings (NULL as ""). */
void
db_row_call(PGresult *res, int i, db_row_cb cb, void *arg)
{
	const char	*v[32];
	int		 c, n = PQnfields(res);

	if (n > 32)
		n = 32;
	for (c = 0; c < n; c++)
		v[c] = PQgetisnull(res, i, c) ? "" : PQgetvalue(res, i, c);
	cb(n, v, arg);
}
