/*
 * A query streamed as binary COPY on a connection of its own that sees
 * the snapshot of the caller's transaction (pg_export_snapshot). The
 * raw-data export reads its responses and their answers this way: the
 * server keeps sending while the client writes (COPY needs no FETCH
 * round trip per batch), and several such streams run in as many
 * backends, so on more than one core the database's work and the
 * writer's overlap.
 * A row is one CopyData message (PostgreSQL never splits or joins
 * rows); the binary file header comes with the first.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "db.h"
#include "db_int.h"

static const char copy_sig[11] = "PGCOPY\n\377\r\n";	/* and a NUL */

static int
stream_cmd(struct db *db, PGconn *conn, const char *sql, int n,
    const char *const *params, ExecStatusType want)
{
	PGresult	*res;
	int		 ok;

	res = PQexecParams(conn, sql, n, NULL, params, NULL, NULL, 0);
	ok = PQresultStatus(res) == want;
	if (!ok)
		snprintf(db->err, sizeof(db->err), "export stream: %s",
		    PQresultErrorMessage(res));
	PQclear(res);
	return (ok);
}

/*
 * Opens the stream: a new connection with db's connection string, a
 * read-only transaction on the exported snapshot snap, setup (with its
 * parameters; e.g. set_config of what the query reads), and then sends
 * COPY (sql) TO STDOUT in binary. It does not wait for the COPY to
 * begin (the first db_stream_next does): the server says so only with
 * its first 8 kB of rows, after any sort, so streams opened one after
 * another start their queries at once. NULL with db->err.
 */
struct db_stream *
db_stream_open(struct db *db, const char *snap, const char *setup, int n,
    const char *const *params, const char *sql)
{
	struct db_stream	*s;
	struct buf		 b;
	char			*lit;
	int			 ok;

	s = xcalloc(1, sizeof(*s));
	s->conn = PQconnectdb(db->conninfo);
	if (PQstatus(s->conn) != CONNECTION_OK) {
		snprintf(db->err, sizeof(db->err), "export stream: connect: "
		    "%s", PQerrorMessage(s->conn));
		db_stream_close(s);
		return (NULL);
	}
	if ((lit = PQescapeLiteral(s->conn, snap, strlen(snap))) == NULL) {
		snprintf(db->err, sizeof(db->err), "export stream: %s",
		    PQerrorMessage(s->conn));
		db_stream_close(s);
		return (NULL);
	}
	buf_init(&b);
	buf_printf(&b, "SET TRANSACTION SNAPSHOT %s", lit);
	PQfreemem(lit);
	/* The snapshot must come before any query of the transaction. */
	ok = stream_cmd(db, s->conn, "BEGIN ISOLATION LEVEL REPEATABLE READ,"
	    " READ ONLY", 0, NULL, PGRES_COMMAND_OK) &&
	    stream_cmd(db, s->conn, buf_cstr(&b), 0, NULL,
	    PGRES_COMMAND_OK) &&
	    stream_cmd(db, s->conn, "SET LOCAL statement_timeout = '10min'",
	    0, NULL, PGRES_COMMAND_OK) &&
	    stream_cmd(db, s->conn, setup, n, params, PGRES_TUPLES_OK);
	buf_reset(&b);
	buf_printf(&b, "COPY (%s) TO STDOUT (FORMAT binary)", sql);
	if (ok && !PQsendQuery(s->conn, buf_cstr(&b))) {
		snprintf(db->err, sizeof(db->err), "export stream: %s",
		    PQerrorMessage(s->conn));
		ok = 0;
	}
	buf_free(&b);
	if (!ok) {
		db_stream_close(s);
		return (NULL);
	}
	return (s);
}

/* Closing the connection also ends a COPY still under way. */
void
db_stream_close(struct db_stream *s)
{
	if (s == NULL)
		return;
	if (s->msg != NULL)
		PQfreemem(s->msg);
	if (s->conn != NULL)
		PQfinish(s->conn);
	free(s);
}

static int32_t
get32(const unsigned char *p)
{
	return ((int32_t)((uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | (uint32_t)p[3]));
}

/* After the trailer: the end of the COPY and the command's result. */
static int
stream_finish(struct db *db, struct db_stream *s)
{
	PGresult	*res;
	char		*m = NULL;
	int		 ok = 1;

	s->done = 1;
	if (PQgetCopyData(s->conn, &m, 0) != -1) {
		if (m != NULL)
			PQfreemem(m);
		snprintf(db->err, sizeof(db->err), "export stream: data "
		    "after the end");
		return (-1);
	}
	while ((res = PQgetResult(s->conn)) != NULL) {
		if (PQresultStatus(res) != PGRES_COMMAND_OK && ok) {
			snprintf(db->err, sizeof(db->err), "export stream: "
			    "%s", PQresultErrorMessage(res));
			ok = 0;
		}
		PQclear(res);
	}
	return (ok ? 0 : -1);
}

static int
stream_bad(struct db *db, const char *what)
{
	snprintf(db->err, sizeof(db->err), "export stream: %s", what);
	return (-1);
}

/*
 * The next row: 1 with its fields in s->v (NUL-terminated; NULL for
 * SQL NULL) and s->len, 0 at the end, -1 with db->err.
 */
int
db_stream_next(struct db *db, struct db_stream *s)
{
	PGresult		*res;
	const unsigned char	*p, *end;
	int			 len, i, nf;
	int32_t			 l;

	if (s->done)
		return (0);
	if (!s->begun) {
		res = PQgetResult(s->conn);
		if (PQresultStatus(res) != PGRES_COPY_OUT) {
			snprintf(db->err, sizeof(db->err), "export stream: "
			    "%s", PQresultErrorMessage(res));
			PQclear(res);
			s->done = 1;
			return (-1);
		}
		PQclear(res);
		s->begun = 1;
	}
	if (s->msg != NULL)
		PQfreemem(s->msg);
	s->msg = NULL;
	s->n = 0;
	if ((len = PQgetCopyData(s->conn, &s->msg, 0)) < 0) {
		/* The end without a trailer: the server stopped. */
		res = PQgetResult(s->conn);
		snprintf(db->err, sizeof(db->err), "export stream: %s",
		    res != NULL ? PQresultErrorMessage(res) :
		    PQerrorMessage(s->conn));
		PQclear(res);
		s->done = 1;
		return (-1);
	}
	p = (const unsigned char *)s->msg;
	end = p + len;
	if (!s->header) {
		if (len < 19 || memcmp(p, copy_sig, sizeof(copy_sig)) != 0)
			return (stream_bad(db, "no COPY header"));
		l = get32(p + 15);
		if (l < 0 || l > len - 19)
			return (stream_bad(db, "bad COPY header"));
		p += 19 + l;
		s->header = 1;
	}
	if (end - p < 2)
		return (stream_bad(db, "short row"));
	nf = (int16_t)((uint16_t)p[0] << 8 | p[1]);
	p += 2;
	if (nf == -1)
		return (stream_finish(db, s));
	if (nf < 0 || nf > DB_STREAM_MAX)
		return (stream_bad(db, "too many fields"));
	for (i = 0; i < nf; i++) {
		if (end - p < 4)
			return (stream_bad(db, "short row"));
		l = get32(p);
		p += 4;
		if (l < 0) {
			s->v[i] = NULL;
			s->len[i] = 0;
			continue;
		}
		if (end - p < l)
			return (stream_bad(db, "short field"));
		s->v[i] = (char *)p;
		s->len[i] = l;
		p += l;
	}
	if (p != end)
		return (stream_bad(db, "more than one row in a message"));
	/*
	 * Each field ends where the next one's length (read above) or
	 * the message (libpq adds a NUL) begins: terminate in place.
	 */
	for (i = 0; i < nf; i++)
		if (s->v[i] != NULL)
			s->v[i][s->len[i]] = '\0';
	s->n = nf;
	return (1);
}

/* Field i as a bigint (binary int8); -1 when it is not one. */
long long
db_stream_int8(const struct db_stream *s, int i)
{
	const unsigned char	*p;
	uint64_t		 u = 0;
	int			 k;

	if (i >= s->n || s->v[i] == NULL || s->len[i] != 8)
		return (-1);
	p = (const unsigned char *)s->v[i];
	for (k = 0; k < 8; k++)
		u = u << 8 | p[k];
	return ((long long)u);
}
