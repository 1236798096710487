/* Rate limits, counted in PostgreSQL so every app server shares them. */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "db_int.h"

enum {
	S_RATE,
	S_TAKE,
	S_GIVE,
	S__MAX
};

/*
 * Sent again after a lost connection, a try that had committed counts
 * twice: one try fewer for that address, for one window. Not sending it
 * again turns every first request after a database restart into an
 * error page (the admin browser test met that), which is worse.
 */
static struct db_stmt stmts[S__MAX] = {
	[S_RATE] = { "rate.hit", "SELECT svar_rate($1, $2, $3)", 3, 1 },
	[S_TAKE] = { "rate.take", "SELECT svar_rate_take($1, $2, $3)::int",
	    3, 1 },
	[S_GIVE] = { "rate.give", "SELECT 0 FROM svar_rate_give($1, $2)",
	    2, 1 },
};

/* A bucket and two numbers in, one number out; DB_ERR on error. */
static int
rate_exec(struct db *db, int stmt, const char *bucket, int x, int y)
{
	PGresult	*res;
	char		 s[16], t[16];
	const char	*p[3] = { bucket, s, t };
	int		 n;

	snprintf(s, sizeof(s), "%d", x);
	snprintf(t, sizeof(t), "%d", y);
	if ((res = db_exec(db, &stmts[stmt], p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (n);
}

/* Adds `add` to a rate-limit bucket (0: just look); the count so far. */
int
db_rate(struct db *db, const char *bucket, int seconds, int add)
{
	return (rate_exec(db, S_RATE, bucket, seconds, add));
}

/*
 * Takes one of `limit` tries in the bucket's window, counting and
 * comparing in one statement so that parallel requests cannot overshoot:
 * 1 taken, 0 the window is full, DB_ERR.
 */
int
db_rate_take(struct db *db, const char *bucket, int seconds, int limit)
{
	return (rate_exec(db, S_TAKE, bucket, seconds, limit));
}

/* Gives back a try taken with db_rate_take; 0 on a database error. */
int
db_rate_give(struct db *db, const char *bucket, int seconds)
{
	/* The statement takes two parameters: the third is not sent. */
	return (rate_exec(db, S_GIVE, bucket, seconds, 0) != DB_ERR);
}
