/*
 * Printed letters for personal invitations, for svarctl as the owner:
 * the invitations of a version still to be posted (not completed, not
 * opted out), and the batch marked posted.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "db.h"
#include "db_int.h"

enum {
	S_TO_POST,
	S_POSTED,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	[S_TO_POST] = { "letters.to_post",
	  "SELECT i.id, i.code, r.selector || r.verifier, coalesce(u.name, ''),"
	  " coalesce(u.address, '') FROM invitation i"
	  " JOIN response r ON r.invitation_id = i.id"
	  " LEFT JOIN unit u ON u.id = i.unit_id"
	  " WHERE i.version_id = $1::integer AND i.letter_sent_at IS NULL"
	  " AND i.opted_out_at IS NULL AND r.status <> 'completed'"
	  " ORDER BY i.id", 1, 1 },
	[S_POSTED] = { "letters.posted",
	  "UPDATE invitation SET letter_sent_at = now()"
	  " WHERE id = ANY($1::integer[]) AND letter_sent_at IS NULL", 1, 0 },
};

int
db_letters(struct db *db, const char *version, db_row_cb cb, void *arg)
{
	const char	*p[1];
	char		*vid;
	int		 n;

	if ((vid = db_version_by_key(db, version)) == NULL)
		return (DB_ERR);
	p[0] = vid;
	n = db_each(db, &stmts[S_TO_POST], p, cb, arg);
	free(vid);
	return (n);
}

/* Marks the invitations (ids as text) posted; how many, or DB_ERR. */
int
db_letters_posted(struct db *db, const char *const *ids, size_t n)
{
	struct buf	 b;
	const char	*p[1];
	int		 rc;

	buf_init(&b);
	db_array(&b, ids, n);
	p[0] = buf_cstr(&b);
	rc = db_count(db, &stmts[S_POSTED], p);
	buf_free(&b);
	return (rc);
}
