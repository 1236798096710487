/*
 * A worker's memory of the responses it saved last, so the page a save
 * redirects to, and the next save of that response on this worker, need
 * not read the response back from PostgreSQL (issue 14 §3: a read is a third of
 * the statements a respondent costs).
 *
 * Why it cannot show or save anything wrong:
 * - A save checks the revision it read (respond.save), and every change
 *   to a response that a page depends on bumps that revision (a save, a
 *   language change, a withdrawal) or ends it (completion). A save from
 *   a remembered state that another worker or tab has since changed
 *   fails its check and is done again from the database, holding the
 *   row, as any lost race is (h_respond.c).
 * - A page is shown from memory only when the request names the
 *   revision remembered (the ?v= a save's redirect carries), within
 *   FRESH_MS: the redirect right after the save. Each revision comes
 *   from one save, so memory at that revision is what that save left.
 *   Any other view reads the database: the same connection proves
 *   nothing (a load balancer shares its connections to an app server
 *   between browsers), and another worker or app server may have saved
 *   since. A page save from memory needs no such care, as its revision
 *   check catches that.
 * - An entry is written only after a save that succeeded, dropped when
 *   a save fails, at completion and withdrawal (on this worker; other
 *   workers' entries of it age out), and swept after KEEP_MS by a timer.
 *   The table is small and fixed: a slot taken by another response is
 *   simply a miss.
 *
 * Answers stay in a worker's memory up to KEEP_MS plus a sweep after the
 * last save, and are zeroed when dropped.
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
	size_t	 i;

	for (i = 0; i < e->a.n; i++)
		if (e->a.v[i].value != NULL)
			explicit_bzero(e->a.v[i].value,
			    strlen(e->a.v[i].value));
	answers_free(&e->a);
	explicit_bzero(e, sizeof(*e));
	answers_init(&e->a);
}

void
rcache_put(const char *sel, const struct resp *r, const struct answers *a)
{
	struct rc_entry	*e = rc_slot(sel);

	rc_clear(e);
	memcpy(e->sel, sel, KEY_SELECTOR_LEN);
	e->r = *r;
	answers_copy(&e->a, a);
	e->saved = kore_time_ms();
}

/*
 * 1 and a copy of the response as this worker last saved it; 0 when it
 * has none, or (rev >= 0, for a view) none at that revision saved within
 * FRESH_MS.
 */
int
rcache_get(const char *sel, int rev, struct resp *r, struct answers *a)
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
	if (rev >= 0 && (age > FRESH_MS || e->r.rev != rev))
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

/* Kore timer, every minute: forgets what is older than KEEP_MS. */
void
rcache_sweep(void *arg, u_int64_t now)
{
	size_t	 i;

	(void)arg;
	for (i = 0; i < RC_SLOTS; i++)
		if (rc[i].sel[0] != '\0' && now - rc[i].saved > KEEP_MS)
			rc_clear(&rc[i]);
}
