/* What a worker needs to serve questionnaires: versions and definitions. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_VERSION_STATE,
	S_DEFINITION,
	S_OPEN,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	[S_VERSION_STATE] = { "catalog.version_state",
	  "SELECT (w.closed OR coalesce(w.closes_at < now(), false) OR"
	  " coalesce(w.opens_at > now(), false))::int, v.definition_id"
	  " FROM version v JOIN wave w ON w.id = v.wave_id WHERE v.id = $1",
	  1, 1 },
	[S_DEFINITION] = { "catalog.definition",
	  "SELECT source FROM definition WHERE id = $1", 1, 1 },
	/* The definitions new responses of open waves get. */
	[S_OPEN] = { "catalog.open",
	  "SELECT DISTINCT v.definition_id FROM version v"
	  " JOIN wave w ON w.id = v.wave_id WHERE NOT w.closed"
	  " AND coalesce(w.closes_at > now(), true)"
	  " AND coalesce(w.opens_at <= now(), true) ORDER BY 1", 0, 1 },
};

/*
 * 1 when the version's wave is closed or not open yet, 0 when open,
 * DB_ERR on failure; *def gets the definition new responses get, 0 for
 * a version that does not exist.
 */
int
db_version_state(struct db *db, int version, int *def)
{
	PGresult	*res;
	char		 sv[16];
	const char	*p[1] = { sv };
	int		 closed;

	snprintf(sv, sizeof(sv), "%d", version);
	if ((res = db_exec(db, &stmts[S_VERSION_STATE], p,
	    PGRES_TUPLES_OK)) == NULL)
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

/* A definition's text, to free; NULL when missing or on failure. */
char *
db_definition(struct db *db, int id)
{
	char		 sid[16];
	const char	*p[1] = { sid };

	snprintf(sid, sizeof(sid), "%d", id);
	return (db_val(db, &stmts[S_DEFINITION], p));
}

/* Calls cb with each definition id of an open wave; 0 on failure. */
int
db_open_definitions(struct db *db, db_row_cb cb, void *arg)
{
	return (db_each(db, &stmts[S_OPEN], NULL, cb, arg) != DB_ERR);
}
