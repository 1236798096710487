/*
 * A statement sent now and its result read later, so that a caller with
 * other work (a Kore worker serving other people) need not wait for the
 * database: db_send, then db_poll whenever the socket is readable until
 * it says the result is in, then db_take. One statement at a time per
 * connection, never inside a transaction: each is its own.
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
sent_clear(struct db *db)
{
	int	 i;

	for (i = 0; i < db->sent_n; i++)
		free(db->sent_params[i]);
	db->sent_n = 0;
	db->sent_st = NULL;
	if (db->pending != NULL)
		PQclear(db->pending);
	db->pending = NULL;
	db->sent_failed = 0;
	db->sent_done = 0;
}

/* Sends what db->sent_st and db->sent_params hold; 0 on failure. */
static int
sent_go(struct db *db)
{
	db->pending = NULL;
	db->sent_failed = db->sent_done = 0;
	if (!db_ready(db) || !db_prepare(db, db->sent_st))
		return (0);
	if (!PQsendQueryPrepared(db->conn, db->sent_st->name, db->sent_n,
	    (const char *const *)db->sent_params, NULL, NULL, 0)) {
		snprintf(db->err, sizeof(db->err), "send %s: %s",
		    db->sent_st->name, PQerrorMessage(db->conn));
		return (0);
	}
	return (1);
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
	if (db->pending != NULL)
		PQclear(db->pending);
	db->pending = NULL;
	return (sent_go(db));
}

/*
 * Sends a statement; 1 when it went. The parameters are copied: a
 * statement marked retry is sent once more if the connection is lost
 * before its answer (db_poll), or found lost while sending it (a pooled
 * connection idle through a restart of PostgreSQL), as db_exec does.
 */
int
db_send(struct db *db, struct db_stmt *st, const char *const *params)
{
	int	 i, was_up;

	if (db->in_tx || db->sent_st != NULL) {
		snprintf(db->err, sizeof(db->err), "send %s: connection busy",
		    st->name);
		return (0);
	}
	if (st->nparams > DB_SEND_PARAMS) {
		snprintf(db->err, sizeof(db->err), "send %s: %d parameters",
		    st->name, st->nparams);
		return (0);
	}
	db->sent_st = st;
	for (i = 0; i < st->nparams; i++)
		db->sent_params[i] = params[i] ? xstrdup(params[i]) : NULL;
	db->sent_n = st->nparams;
	db->sent_attempt = 0;
	/* Not again when it could not connect at all: that waited 2 s. */
	was_up = conn_up(db);
	if (sent_go(db) || (was_up && sent_again(db)))
		return (1);
	sent_clear(db);
	return (0);
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

/*
 * The answer is in, or the connection failed. A statement marked retry
 * that failed with its connection goes once more on a new one, as
 * db_exec does: DB_POLL_RESENT then.
 */
static int
poll_done(struct db *db)
{
	ExecStatusType	 st;
	int		 ok;

	st = db->pending != NULL ? PQresultStatus(db->pending) :
	    PGRES_FATAL_ERROR;
	ok = !db->sent_failed && (st == PGRES_TUPLES_OK ||
	    st == PGRES_COMMAND_OK);
	if (!ok && sent_again(db))
		return (DB_POLL_RESENT);
	db->sent_done = 1;
	return (DB_POLL_DONE);
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
 * Reads what has arrived. DB_POLL_DONE when the result (or the failure)
 * is in, DB_POLL_WAIT while it is not, DB_POLL_RESENT when the
 * connection was lost and the statement went again on a new one (its
 * socket is another: wait on db_socket again).
 */
int
db_poll(struct db *db)
{
	PGresult	*res;

	if (db->sent_st == NULL || db->sent_done)
		return (DB_POLL_DONE);
	do {
		if (!PQconsumeInput(db->conn)) {
			snprintf(db->err, sizeof(db->err), "%s: %s",
			    db->sent_st->name, PQerrorMessage(db->conn));
			db->sent_failed = 1;
			return (poll_done(db));
		}
		while (!PQisBusy(db->conn)) {
			if ((res = PQgetResult(db->conn)) == NULL)
				return (poll_done(db));
			if (db->pending == NULL)
				db->pending = res;
			else
				PQclear(res);
		}
	} while (tls_pending(db->conn));
	return (DB_POLL_WAIT);
}

/*
 * The result of the statement sent, when db_poll said it is in and it
 * has the status wanted; NULL (and db_error) otherwise. The connection
 * is free for the next statement either way.
 */
PGresult *
db_take(struct db *db, ExecStatusType want)
{
	PGresult	*res = db->pending;

	db->pending = NULL;
	if (db->sent_st == NULL) {
		snprintf(db->err, sizeof(db->err), "take: nothing was sent");
		return (NULL);
	}
	if (!db->sent_done || db->sent_failed || res == NULL ||
	    PQresultStatus(res) != want) {
		/* A lost connection's message is in err already. */
		if (res != NULL && !db->sent_failed)
			snprintf(db->err, sizeof(db->err), "%s: %s",
			    db->sent_st->name, PQresultErrorMessage(res));
		else if (!db->sent_failed)
			snprintf(db->err, sizeof(db->err), "%s: no result",
			    db->sent_st->name);
		if (res != NULL)
			PQclear(res);
		res = NULL;
	}
	sent_clear(db);
	return (res);
}

/* Reads and drops a result nobody takes (its requester went away). */
void
db_discard(struct db *db)
{
	PGresult	*res;

	if (db->sent_st == NULL)
		return;
	if ((res = db_take(db, PGRES_TUPLES_OK)) != NULL)
		PQclear(res);
}
