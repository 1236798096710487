/*
 * A worker's memory of the responses it saved last, so the page a save
 * redirects to, and the next save on the same connection, need not read
 * the response back from PostgreSQL (issue 14 §3: a read is a third of
 * the statements a respondent costs).
 *
 * Why it cannot show or save anything wrong:
 * - A save checks the revision it read (respond.save), and every change
 *   to a response that a page depends on bumps that revision (a save, a
 *   language change, a withdrawal) or ends it (completion). A save from
 *   a remembered state that another worker or tab has since changed
 *   fails its check and is done again from the database, holding the
 *   row, as any lost race is (h_respond.c).
 * - A page is shown from memory only on the connection that saved it,
 *   within FRESH_MS: the redirect right after the save, which a browser
 *   follows on the same connection. Any other view reads the database,
 *   since another connection may have reached another worker (or app
 *   server) and saved there; a page save from memory needs no such
 *   care, as its revision check catches that.
 * - An entry is written only after a save that succeeded, dropped when
 *   a save fails, at completion and withdrawal, and forgotten after
 *   KEEP_MS. The table is small and fixed: a slot taken by another
 *   response is simply a miss.
 *
 * Holding answers in a worker's memory for minutes is no new exposure:
 * the worker held them while it served the page.
 */
#include <string.h>

#include "keys.h"
#include "web.h"

#define RC_SLOTS	512
#define FRESH_MS	3000
#define KEEP_MS		(15 * 60 * 1000)

struct rc_entry {
	char		 sel[KEY_SELECTOR_LEN + 1];
	struct resp	 r;
	struct answers	 a;
	uint64_t	 saved;		/* kore_time_ms() of the save */
	/* The connection that saved it, as far as it can be told apart. */
	const struct connection	*conn;
	int		 fd;
	struct sockaddr_storage	 peer;
};

static struct rc_entry	 rc[RC_SLOTS];

/* Selectors are random, so a few of their bytes spread evenly. */
static struct rc_entry *
rc_slot(const char *sel)
{
	uint32_t	 h = 2166136261u;
	size_t		 i;

	for (i = 0; i < KEY_SELECTOR_LEN && sel[i] != '\0'; i++)
		h = (h ^ (unsigned char)sel[i]) * 16777619u;
	return (&rc[h % RC_SLOTS]);
}

static void
rc_clear(struct rc_entry *e)
{
	answers_free(&e->a);
	explicit_bzero(e, sizeof(*e));
	answers_init(&e->a);
}

static int
rc_same_conn(const struct rc_entry *e, const struct connection *c)
{
	return (e->conn == c && e->fd == c->fd &&
	    memcmp(&e->peer, &c->addr, sizeof(c->addr)) == 0);
}

void
rcache_put(const char *sel, const struct connection *c,
    const struct resp *r, const struct answers *a)
{
	struct rc_entry	*e = rc_slot(sel);

	rc_clear(e);
	memcpy(e->sel, sel, KEY_SELECTOR_LEN);
	e->r = *r;
	answers_copy(&e->a, a);
	e->saved = kore_time_ms();
	e->conn = c;
	e->fd = c->fd;
	memcpy(&e->peer, &c->addr, sizeof(c->addr));
}

/*
 * 1 and a copy of the response as this worker last saved it; 0 when it
 * has none, or (with `fresh`, a connection) none that this connection
 * saved within FRESH_MS.
 */
int
rcache_get(const char *sel, const struct connection *fresh,
    struct resp *r, struct answers *a)
{
	struct rc_entry	*e = rc_slot(sel);
	uint64_t	 age;

	if (e->sel[0] == '\0' || strcmp(e->sel, sel) != 0)
		return (0);
	age = kore_time_ms() - e->saved;
	if (age > KEEP_MS) {
		rc_clear(e);
		return (0);
	}
	if (fresh != NULL && (age > FRESH_MS || !rc_same_conn(e, fresh)))
		return (0);
	*r = e->r;
	answers_copy(a, &e->a);
	return (1);
}

void
rcache_drop(const char *sel)
{
	struct rc_entry	*e = rc_slot(sel);

	if (e->sel[0] != '\0' && strcmp(e->sel, sel) == 0)
		rc_clear(e);
}
