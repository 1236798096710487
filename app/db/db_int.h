/*
 * Inside the database layer only. Each module owns its statements: an
 * enum names them and a table of struct db_stmt holds their text. A
 * statement is prepared on first use on each connection; a process may
 * hold more than one (the app's and the admin area's), so each
 * connection keeps its own list.
 */
#ifndef SVAR_DB_INT_H
#define SVAR_DB_INT_H

#include <libpq-fe.h>

#include "buf.h"
#include "db.h"

struct db_stmt {
	const char	*name;		/* unique across modules: "mod.what" */
	const char	*sql;
	int		 nparams;
	int		 retry;		/* safe to resend on a new connection */
};

struct db {
	PGconn		*conn;
	char		*conninfo;
	const struct db_stmt **prepared;	/* on this connection */
	size_t		 nprepared;
	int		 in_tx;
	int		 committed;	/* the last COMMIT really did */
	unsigned long	 gen;		/* connections made: one per PGconn */
	char		 err[512];
	/*
	 * db_send.c: a statement sent, or a batch of one statement sent
	 * sent_k times, whose results are not yet all taken.
	 */
	struct db_stmt	*sent_st;
	char		**sent_params;	/* sent_k rows of sent_st->nparams */
	int		 sent_k;
	int		 sent_attempt;
	int		 sent_done;
	int		 sent_failed;	/* the connection failed */
	int		 sent_solo;	/* after a batch failed: the one out */
	int		 sent_got;	/* results read */
	int		 sent_null;	/* the last result read was NULL */
	int		 sent_late;	/* an error after the batch's last */
	PGresult	**pending;	/* sent_k results */
};

int		 db_prepare(struct db *, struct db_stmt *);
PGresult	*db_exec(struct db *, struct db_stmt *, const char *const *,
		    ExecStatusType);
int		 db_do(struct db *, struct db_stmt *, const char *const *);
int		 db_count(struct db *, struct db_stmt *, const char *const *);
int		 db_each(struct db *, struct db_stmt *, const char *const *,
		    db_row_cb, void *);
char		*db_val(struct db *, struct db_stmt *, const char *const *);
void		 db_array(struct buf *, const char *const *, size_t);
void		 db_copy(char *, size_t, const char *);
void		 db_row_call(PGresult *, int, db_row_cb, void *);

/* db_send.c */
int		 db_send(struct db *, struct db_stmt *, const char *const *);
int		 db_send_batch(struct db *, struct db_stmt *,
		    const char *const *, int);
PGresult	*db_take(struct db *, ExecStatusType);
PGresult	*db_take_at(struct db *, int, ExecStatusType);
void		 db_sent_clear(struct db *);

/* db_stream.c: a query as binary COPY on a connection of its own. */
#define DB_STREAM_MAX	32
struct db_stream {
	PGconn		*conn;
	char		*msg;		/* the current row's message */
	char		*v[DB_STREAM_MAX];	/* its fields; NULL for NULL */
	int		 len[DB_STREAM_MAX];
	int		 n;
	int		 begun;	/* the COPY began */
	int		 header;	/* the file header was read */
	int		 done;
};
struct db_stream *db_stream_open(struct db *, const char *, const char *, int,
		    const char *const *, const char *);
int		 db_stream_next(struct db *, struct db_stream *);
long long	 db_stream_int8(const struct db_stream *, int);
void		 db_stream_close(struct db_stream *);

/* db_invite.c, for db_demo.c */
char		*db_version_by_key(struct db *, const char *);
int		 db_token_new(struct db *, const char *, const char *,
		    const char *, char *, char *);

#endif
