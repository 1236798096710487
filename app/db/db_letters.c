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
	S_PENDING,
	S__MAX
};

/* Still to post: not posted, not completed, not opted out; up to an id
 * ($2, 0 for all), so a batch printed is exactly the batch marked. */
#define TO_POST \
	" FROM invitation i JOIN response r ON r.invitation_id = i.id"	\
	" LEFT JOIN unit u ON u.id = i.unit_id"				\
	" WHERE i.version_id = $1::integer AND i.letter_sent_at IS NULL"	\
	" AND i.opted_out_at IS NULL AND r.status <> 'completed'"		\
	" AND ($2::integer = 0 OR i.id <= $2::integer)"

static struct db_stmt stmts[S__MAX] = {
	[S_TO_POST] = { "letters.to_post",
	  "SELECT i.id, i.code, r.selector || r.verifier, coalesce(u.name, ''),"
	  " coalesce(u.address, '')" TO_POST " ORDER BY i.id", 2, 1 },
	[S_POSTED] = { "letters.posted",
	  "UPDATE invitation SET letter_sent_at = now()"
	  " WHERE id = ANY($1::integer[]) AND letter_sent_at IS NULL", 1, 0 },
	[S_PENDING] = { "letters.pending",
	  "SELECT count(*), coalesce(max(i.id), 0)" TO_POST, 2, 1 },
};

static int
by_version(struct db *db, int st, const char *version, int upto,
    db_row_cb cb, void *arg)
{
	const char	*p[2];
	char		*vid, su[16];
	int		 n;

	if ((vid = db_version_by_key(db, version)) == NULL)
		return (DB_ERR);
	snprintf(su, sizeof(su), "%d", upto);
	p[0] = vid;
	p[1] = su;
	n = db_each(db, &stmts[st], p, cb, arg);
	free(vid);
	return (n);
}

/* The letters of a version still to post, up to invitation id upto. */
int
db_letters(struct db *db, const char *version, int upto, db_row_cb cb,
    void *arg)
{
	return (by_version(db, S_TO_POST, version, upto, cb, arg));
}

/* One row: how many to post, and the highest invitation id of them. */
int
db_letters_pending(struct db *db, const char *version, db_row_cb cb,
    void *arg)
{
	return (by_version(db, S_PENDING, version, 0, cb, arg));
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
