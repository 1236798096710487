/*
 * The mail sender's side of the outbox, as svar_mail: claim a batch
 * with a lease, then mark each message sent, to retry, bounced or
 * failed. The order is claim, send, mark; the marks only touch a
 * message while this claim still holds it (its attempt number), except
 * "sent", which always wins: a message that went must never be sent
 * again because a lease ran out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "db_int.h"

enum {
	S_CLAIM,
	S_SENT,
	S_RETRY,
	S_BOUNCE,
	S_FAIL,
	S_RELEASE,
	S__MAX
};

static struct db_stmt stmts[S__MAX] = {
	[S_CLAIM] = { "outbox.claim",
	  "SELECT id, kind, to_addr, subject, body, message_id, attempts,"
	  " coalesce(unsubscribe_url, '')"
	  " FROM svar_mail_claim($1, $2::integer, $3)", 3, 0 },
	/* The secrets go with delivery; subject, recipient, kind and
	 * times stay for the admin's view. Repeating it is harmless. */
	[S_SENT] = { "outbox.sent",
	  "UPDATE outbox SET sent_at = now(), locked_until = NULL,"
	  " last_error = NULL, body = '', unsubscribe_url = NULL"
	  " WHERE id = $1 AND sent_at IS NULL", 1, 1 },
	[S_RETRY] = { "outbox.retry",
	  "SELECT svar_mail_retry($1, $2::integer, $3, $4::boolean)", 4, 0 },
	[S_BOUNCE] = { "outbox.bounce",
	  "SELECT svar_mail_bounce($1, $2::integer, $3)", 3, 0 },
	[S_FAIL] = { "outbox.fail",
	  "UPDATE outbox SET failed_at = now(), locked_until = NULL,"
	  " last_error = $3, body = '', unsubscribe_url = NULL"
	  " WHERE id = $1 AND attempts = $2::integer AND sent_at IS NULL",
	  3, 0 },
	/* Claimed but not tried: due again at once, the claim uncounted. */
	[S_RELEASE] = { "outbox.release",
	  "UPDATE outbox SET send_after = now(), locked_until = NULL,"
	  " attempts = attempts - 1 WHERE id = $1 AND attempts = $2::integer"
	  " AND sent_at IS NULL", 2, 0 },
};

struct claims {
	struct outbox_claim	*v;
	int			 n;
};

static void
claim_row(int n, const char *const *v, void *arg)
{
	struct claims		*c = arg;
	struct outbox_claim	*m;

	if (n < 8)
		return;
	c->v = xrealloc(c->v, (c->n + 1) * sizeof(*c->v));
	m = &c->v[c->n++];
	m->id = strtoll(v[0], NULL, 10);
	db_copy(m->kind, sizeof(m->kind), v[1]);
	m->to = xstrdup(v[2]);
	m->subject = xstrdup(v[3]);
	m->body = xstrdup(v[4]);
	m->message_id = xstrdup(v[5]);
	m->attempts = atoi(v[6]);
	m->unsubscribe = v[7][0] != '\0' ? xstrdup(v[7]) : NULL;
}

/* Up to max messages for this sender; their number, or DB_ERR. */
int
db_outbox_claim(struct db *db, const char *sender, int max, const char *host,
    struct outbox_claim **out)
{
	struct claims	 c;
	char		 sm[16];
	const char	*p[3] = { sender, sm, host };

	memset(&c, 0, sizeof(c));
	snprintf(sm, sizeof(sm), "%d", max);
	if (db_each(db, &stmts[S_CLAIM], p, claim_row, &c) == DB_ERR) {
		db_outbox_claims_free(c.v, c.n);
		*out = NULL;
		return (DB_ERR);
	}
	*out = c.v;
	return (c.n);
}

void
db_outbox_claims_free(struct outbox_claim *v, int n)
{
	int	 i;

	for (i = 0; i < n; i++) {
		free(v[i].to);
		free(v[i].subject);
		free(v[i].body);
		free(v[i].message_id);
		free(v[i].unsubscribe);
	}
	free(v);
}

int
db_outbox_sent(struct db *db, long long id)
{
	char		 si[24];
	const char	*p[1] = { si };

	snprintf(si, sizeof(si), "%lld", id);
	return (db_count(db, &stmts[S_SENT], p) != DB_ERR);
}

/*
 * A temporary failure. OUTBOX_RETRY, OUTBOX_FAILED (given up),
 * OUTBOX_LOST (another claim holds it now) or DB_ERR.
 */
int
db_outbox_retry(struct db *db, const struct outbox_claim *m, const char *err,
    int may_give_up)
{
	char		 si[24], sa[16], *v;
	const char	*p[4] = { si, sa, err, may_give_up ? "t" : "f" };
	int		 rc;

	snprintf(si, sizeof(si), "%lld", m->id);
	snprintf(sa, sizeof(sa), "%d", m->attempts);
	if ((v = db_val(db, &stmts[S_RETRY], p)) == NULL)
		return (DB_ERR);
	rc = strcmp(v, "retry") == 0 ? OUTBOX_RETRY :
	    strcmp(v, "failed") == 0 ? OUTBOX_FAILED : OUTBOX_LOST;
	free(v);
	return (rc);
}

/* A permanent failure: the address is marked where it came from. */
int
db_outbox_bounce(struct db *db, const struct outbox_claim *m, const char *err)
{
	char		 si[24], sa[16], *v;
	const char	*p[3] = { si, sa, err };
	int		 rc;

	snprintf(si, sizeof(si), "%lld", m->id);
	snprintf(sa, sizeof(sa), "%d", m->attempts);
	if ((v = db_val(db, &stmts[S_BOUNCE], p)) == NULL)
		return (DB_ERR);
	rc = strcmp(v, "t") == 0 ? OUTBOX_BOUNCED : OUTBOX_LOST;
	free(v);
	return (rc);
}

/* A message that cannot be made safely: failed, the address not marked. */
int
db_outbox_fail(struct db *db, const struct outbox_claim *m, const char *err)
{
	char		 si[24], sa[16];
	const char	*p[3] = { si, sa, err };
	int		 n;

	snprintf(si, sizeof(si), "%lld", m->id);
	snprintf(sa, sizeof(sa), "%d", m->attempts);
	if ((n = db_count(db, &stmts[S_FAIL], p)) == DB_ERR)
		return (DB_ERR);
	return (n == 1 ? OUTBOX_FAILED : OUTBOX_LOST);
}

int
db_outbox_release(struct db *db, const struct outbox_claim *m)
{
	char		 si[24], sa[16];
	const char	*p[2] = { si, sa };

	snprintf(si, sizeof(si), "%lld", m->id);
	snprintf(sa, sizeof(sa), "%d", m->attempts);
	return (db_count(db, &stmts[S_RELEASE], p) != DB_ERR);
}
