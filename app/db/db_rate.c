/* Rate limits, counted in PostgreSQL so every app server shares them. */
#include <stdio.h>
#include <stdlib.h>

#include "db.h"
#include "db_int.h"

enum {
	S_RATE,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	[S_RATE] = { "rate.hit", "SELECT svar_rate($1, $2, $3)", 3, 1 },
};

/* Adds `add` to a rate-limit bucket (0: just look); the count so far. */
int
db_rate(struct db *db, const char *bucket, int seconds, int add)
{
	PGresult	*res;
	char		 s[16], a[16];
	const char	*p[3] = { bucket, s, a };
	int		 n;

	snprintf(s, sizeof(s), "%d", seconds);
	snprintf(a, sizeof(a), "%d", add);
	if ((res = db_exec(db, &stmts[S_RATE], p, PGRES_TUPLES_OK)) == NULL)
		return (DB_ERR);
	n = atoi(PQgetvalue(res, 0, 0));
	PQclear(res);
	return (n);
}
