/*
 * Recontact consent, for the admin (sql/090): the contacts of a wave,
 * kept apart from the answers and read only by the admin role. The
 * respondent path writes them (db_recontact in db_respond.c).
 */
#include <stdio.h>

#include "db.h"
#include "db_int.h"

enum {
	S_LIST,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	/*
	 * No response id: the list travels without a way to the answers.
	 * An anonymous wave keeps no day (sql/098).
	 */
	[S_LIST] = { "recontact.list",
	  "SELECT coalesce(c.name, ''), coalesce(c.email, ''),"
	  " coalesce(c.phone, ''),"
	  " coalesce(to_char(c.given_on, 'YYYY-MM-DD'), '')"
	  " FROM recontact c WHERE c.wave_id = $1"
	  " ORDER BY c.name NULLS LAST, c.email, c.id", 1, 1 },
};

/* Every contact of a wave to cb; how many, or DB_ERR. */
int
db_recontact_list(struct db *db, int wave, db_row_cb cb, void *arg)
{
	char		 sw[16];
	const char	*p[1] = { sw };

	snprintf(sw, sizeof(sw), "%d", wave);
	return (db_each(db, &stmts[S_LIST], p, cb, arg));
}
