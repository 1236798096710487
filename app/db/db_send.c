/*
 * A statement sent now and its result read later, so that a caller with
 * other work (a Kore worker serving other people) need not wait for the
 * database: db_send, then db_poll whenever the socket is readable until
 * it says the result is in, then db_take. One statement at a time per
 * connection, never inside a transaction: each is its own.
 *
 * Or a batch: one statement sent several times with different
 * parameters (db_send_batch, db_take_at for each), in one pipeline with
 * one Sync, so PostgreSQL runs them as one transaction and flushes its
 * log once for all of them. Several people's page saves then cost one
 * commit (README, "Cheaper per respondent"). A batch is all or nothing,
 * so when one of them fails the others must not fail with it: they are
 * sent again one at a time (only statements marked retry are batched).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>
#include <openssl/ssl.h>

#include "buf.h"
#include "db.h"
#include "db_int.h"

static void
results_clear(struct db *db)
{
	int	 i;

	for (i = 0; i < db->sent_k; i++) {
		if (db->pending[i] != NULL)
			PQclear(db->pending[i]);
		db->pending[i] = NULL;
	}
	db->sent_got = 0;
}

void
db_sent_clear(struct db *db)
{
	int	 i;

	if (db->sent_st != NULL)
		for (i = 0; i < db->sent_k * db->sent_st->nparams; i++)
			free(db->sent_params[i]);
	if (db->pending != NULL)
		results_clear(db);
	free(db->sent_params);
	free(db->pending);
	db->sent_params = NULL;
	db->pending = NULL;
	db->sent_st = NULL;
	db->sent_k = 0;
	db->sent_failed = 0;
	db->sent_done = 0;
	db->sent_solo = -1;
}

static int
batched(struct db *db)
{
	return (db->sent_k > 1 && db->sent_solo == -1);
}

static int
send_one(struct db *db, int i)
{
	const struct db_stmt	*st = db->sent_st;

	return (PQsendQueryPrepared(db->conn, st->name, st->nparams,
	    (const char *const *)db->sent_params + i * st->nparams, NULL,
	    NULL, 0));
}

/*
 * Sends what db->sent_st and db->sent_params hold: the statement, the
 * batch in a pipeline, or after a batch failed the one out alone; 0 on
 * failure.
 */
static int
sent_go(struct db *db)
{
	int	 i, ok;

	db->sent_failed = db->sent_done = db->sent_null = db->sent_late = 0;
	if (db->sent_solo == -1)
		results_clear(db);
	if (!db_ready(db) || !db_prepare(db, db->sent_st))
		return (0);
	if (!batched(db))
		ok = send_one(db, db->sent_solo == -1 ? 0 : db->sent_solo);
	else {
		ok = PQenterPipelineMode(db->conn);
		for (i = 0; ok && i < db->sent_k; i++)
			ok = send_one(db, i);
		ok = ok && PQpipelineSync(db->conn);
	}
	if (ok)
		return (1);
	snprintf(db->err, sizeof(db->err), "send %s: %s", db->sent_st->name,
	    PQerrorMessage(db->conn));
	/* Half a pipeline cannot be taken back: start afresh next time. */
	if (PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	return (0);
}

static int
conn_up(struct db *db)
{
	return (db->conn != NULL && PQstatus(db->conn) == CONNECTION_OK);
}

/*
 * A statement marked retry whose connection was lost goes once more, on
 * a new one (as db_exec does); 1 when it went.
 */
static int
sent_again(struct db *db)
{
	if (!db->sent_st->retry || db->sent_attempt != 0 || conn_up(db))
		return (0);
	db->sent_attempt = 1;
	if (db->sent_solo != -1 && db->pending[db->sent_solo] != NULL) {
		PQclear(db->pending[db->sent_solo]);
		db->pending[db->sent_solo] = NULL;
	}
	if (sent_go(db))
		return (1);
	db->sent_failed = 1;
	return (0);
}

/*
 * Sends a statement k times, row i of params (k rows of st->nparams)
 * the parameters of the i-th; 1 when it went. The parameters are
 * copied: a statement marked retry is sent once more if the connection
 * is lost before its answer (db_poll), or found lost while sending it
 * (a pooled connection idle through a restart of PostgreSQL), as
 * db_exec does.
 */
int
db_send_batch(struct db *db, struct db_stmt *st, const char *const *params,
    int k)
{
	int	 i, n, was_up;

	if (db->in_tx || db->sent_st != NULL) {
		snprintf(db->err, sizeof(db->err), "send %s: connection busy",
		    st->name);
		return (0);
	}
	if (k < 1 || (k > 1 && !st->retry)) {
		snprintf(db->err, sizeof(db->err), "send %s: a batch of %d",
		    st->name, k);
		return (0);
	}
	n = k * st->nparams;
	db->sent_st = st;
	db->sent_k = k;
	db->sent_solo = -1;
	db->sent_params = xcalloc(n > 0 ? n : 1, sizeof(char *));
	db->pending = xcalloc(k, sizeof(PGresult *));
	for (i = 0; i < n; i++)
		db->sent_params[i] = params[i] ? xstrdup(params[i]) : NULL;
	db->sent_attempt = 0;
	/* Not again when it could not connect at all: that waited 2 s. */
	was_up = conn_up(db);
	if (sent_go(db) || (was_up && sent_again(db)))
		return (1);
	db_sent_clear(db);
	return (0);
}

int
db_send(struct db *db, struct db_stmt *st, const char *const *params)
{
	return (db_send_batch(db, st, params, 1));
}

/* The connection's socket, to wait on; -1 when there is none. */
int
db_socket(struct db *db)
{
	return (db->conn != NULL ? PQsocket(db->conn) : -1);
}

/*
 * Which connection the socket belongs to: a new one often gets the
 * number of the one just closed, which the event loop forgot with it.
 */
unsigned long
db_generation(struct db *db)
{
	return (db->gen);
}

/* Was a statement sent whose result was not taken yet? */
int
db_sent(struct db *db)
{
	return (db->sent_st != NULL);
}

static int
result_ok(PGresult *res)
{
	ExecStatusType	 st;

	if (res == NULL)
		return (0);
	st = PQresultStatus(res);
	return (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK);
}

/* Did every statement out (the batch, or the one alone) succeed? */
static int
sent_ok(struct db *db)
{
	int	 i;

	if (db->sent_failed || db->sent_late)
		return (0);
	if (db->sent_solo != -1)
		return (result_ok(db->pending[db->sent_solo]));
	for (i = 0; i < db->sent_k; i++)
		if (!result_ok(db->pending[i]))
			return (0);
	return (1);
}

/*
 * After a batch: the next of its statements alone, after the one that
 * just finished, or the first when the batch as a whole failed (rolled
 * back, so none of it happened). 1 when one went, on this connection
 * or, lost, once on a new one.
 */
static int
solo_next(struct db *db)
{
	if (db->sent_solo == -1) {
		results_clear(db);
		db->sent_late = 0;
	}
	if (++db->sent_solo >= db->sent_k)
		return (0);
	if (send_one(db, db->sent_solo))
		return (1);
	snprintf(db->err, sizeof(db->err), "send %s: %s", db->sent_st->name,
	    PQerrorMessage(db->conn));
	db->sent_failed = 1;
	return (sent_again(db));
}

static int
poll_end(struct db *db)
{
	db->sent_done = 1;
	return (DB_POLL_DONE);
}

/*
 * The answer is in, or the connection failed. A statement marked retry
 * that failed with its connection goes once more on a new one, as
 * db_exec does: DB_POLL_RESENT then; so does the next of a batch sent
 * one at a time.
 */
static int
poll_done(struct db *db)
{
	if (!conn_up(db))
		db->sent_failed = 1;
	if (!db->sent_failed && PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF &&
	    !PQexitPipelineMode(db->conn)) {
		snprintf(db->err, sizeof(db->err), "%s: %s",
		    db->sent_st->name, PQerrorMessage(db->conn));
		db->sent_failed = 1;
	}
	/* A pipeline left half read cannot serve the next statement. */
	if (db->sent_failed && db->conn != NULL &&
	    PQpipelineStatus(db->conn) != PQ_PIPELINE_OFF) {
		PQfinish(db->conn);
		db->conn = NULL;
	}
	if (!sent_ok(db) && db->sent_failed)
		return (sent_again(db) ? DB_POLL_RESENT : poll_end(db));
	if ((!sent_ok(db) && batched(db)) || (db->sent_solo != -1 &&
	    db->sent_solo + 1 < db->sent_k))
		return (solo_next(db) ? DB_POLL_RESENT : poll_end(db));
	return (poll_end(db));
}

/*
 * Over TLS, OpenSSL may hold bytes it decrypted that libpq did not take
 * (libpq reads into what room its buffer has): the socket has nothing
 * more to say, so the loop would wait for an event that never comes.
 */
static int
tls_pending(PGconn *conn)
{
	SSL	*ssl;

	if ((ssl = PQsslStruct(conn, "OpenSSL")) == NULL)
		return (0);
	return (SSL_pending(ssl) > 0);
}

/*
 * One result read: kept as its statement's first, or dropped. 1 when
 * all that was sent is in.
 */
static int
poll_got(struct db *db, PGresult *res)
{
	int	 slot;

	if (!batched(db)) {
		if (res == NULL)
			return (1);
		slot = db->sent_solo == -1 ? 0 : db->sent_solo;
		/* An error after the result (a failed commit) wins. */
		if (db->pending[slot] == NULL || !result_ok(res)) {
			if (db->pending[slot] != NULL)
				PQclear(db->pending[slot]);
			db->pending[slot] = res;
		} else
			PQclear(res);
		return (0);
	}
	/*
	 * A pipeline: NULL ends each statement's results, a Sync all. Two
	 * NULLs in a row mean libpq expects nothing more: the connection
	 * broke, and waiting would spin for good.
	 */
	if (res == NULL) {
		if (!db->sent_null && conn_up(db)) {
			db->sent_null = 1;
			return (0);
		}
		snprintf(db->err, sizeof(db->err), "%s: the batch ended "
		    "early: %s", db->sent_st->name, PQerrorMessage(db->conn));
		db->sent_failed = 1;
		return (1);
	}
	db->sent_null = 0;
	if (PQresultStatus(res) == PGRES_PIPELINE_SYNC) {
		PQclear(res);
		return (1);
	}
	if (db->sent_got < db->sent_k)
		db->pending[db->sent_got++] = res;
	else {
		/* After the last statement: the commit at Sync failed. */
		snprintf(db->err, sizeof(db->err), "%s: %s", db->sent_st->name,
		    PQresultErrorMessage(res));
		db->sent_late = 1;
		PQclear(res);
	}
	return (0);
}

/*
 * Reads what has arrived. DB_POLL_DONE when the result (or the failure)
 * is in, DB_POLL_WAIT while it is not, DB_POLL_RESENT when it went
 * again (on a new connection after a lost one, whose socket is another:
 * wait on db_socket again).
 */
int
db_poll(struct db *db)
{
	if (db->sent_st == NULL || db->sent_done)
		return (DB_POLL_DONE);
	do {
		if (!PQconsumeInput(db->conn)) {
			snprintf(db->err, sizeof(db->err), "%s: %s",
			    db->sent_st->name, PQerrorMessage(db->conn));
			db->sent_failed = 1;
			return (poll_done(db));
		}
		while (!PQisBusy(db->conn))
			if (poll_got(db, PQgetResult(db->conn)))
				return (poll_done(db));
	} while (tls_pending(db->conn));
	return (DB_POLL_WAIT);
}

/*
 * The result of the i-th statement sent, when db_poll said all are in
 * and it has the status wanted; NULL (and db_error) otherwise. The
 * results stay until db_sent_clear (db_discard).
 */
PGresult *
db_take_at(struct db *db, int i, ExecStatusType want)
{
	PGresult	*res;

	if (db->sent_st == NULL || i < 0 || i >= db->sent_k) {
		snprintf(db->err, sizeof(db->err), "take: nothing was sent");
		return (NULL);
	}
	res = db->pending[i];
	db->pending[i] = NULL;
	if (db->sent_done && res != NULL && PQresultStatus(res) == want)
		return (res);
	/* A lost connection's message is in err already. */
	if (res != NULL && !db->sent_failed)
		snprintf(db->err, sizeof(db->err), "%s: %s",
		    db->sent_st->name, PQresultErrorMessage(res));
	else if (!db->sent_failed)
		snprintf(db->err, sizeof(db->err), "%s: no result",
		    db->sent_st->name);
	if (res != NULL)
		PQclear(res);
	return (NULL);
}

/*
 * The result of the statement sent, as db_take_at; the connection is
 * free for the next statement either way.
 */
PGresult *
db_take(struct db *db, ExecStatusType want)
{
	PGresult	*res;

	res = db_take_at(db, 0, want);
	db_sent_clear(db);
	return (res);
}

/* Drops what was sent and its results (nobody takes them). */
void
db_discard(struct db *db)
{
	db_sent_clear(db);
}
