/*
 * Mailing a respondent the link to resume, and whether a mail sender is
 * alive to send it: the sender says so on every pass (db_mail_seen, as
 * svar_mail), the app asks (db_mail_alive, as svar_app).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_SEEN,
	S_ALIVE,
	S_QUEUE,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	[S_SEEN] = { "resume.seen", "SELECT svar_mail_seen($1)", 1, 1 },
	[S_ALIVE] = { "resume.alive", "SELECT svar_mail_alive()::int", 0, 1 },
	[S_QUEUE] = { "resume.queue",
	  "SELECT svar_resume_mail($1, $2, $3, $4)", 4, 0 },
};

int
db_mail_seen(struct db *db, const char *sender)
{
	const char	*p[1] = { sender };

	return (db_do(db, &stmts[S_SEEN], p));
}

/* 1 when a sender has been seen lately, 0 when not, DB_ERR. */
int
db_mail_alive(struct db *db)
{
	char	*v;
	int	 alive;

	if ((v = db_val(db, &stmts[S_ALIVE], NULL)) == NULL)
		return (DB_ERR);
	alive = strcmp(v, "1") == 0;
	free(v);
	return (alive);
}

/*
 * Queues the mail; the outcome ("queued", "gone", "limit", "busy") in
 * out. 0 when the database failed.
 */
int
db_resume_mail(struct db *db, long long response, const char *to,
    const char *subject, const char *body, char *out, size_t len)
{
	char		 id[24], *v;
	const char	*p[4] = { id, to, subject, body };

	snprintf(id, sizeof(id), "%lld", response);
	if ((v = db_val(db, &stmts[S_QUEUE], p)) == NULL)
		return (0);
	db_copy(out, len, v);
	free(v);
	return (1);
}
