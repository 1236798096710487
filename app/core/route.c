#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codebook.h"
#include "route.h"

/* The item a stored variable belongs to: "Q3_1.video" -> Q3_1. */
const struct item *
var_item(const struct survey *s, const char *var)
{
	const char	*dot;
	size_t		 i, n;

	dot = strchr(var, '.');
	n = dot ? (size_t)(dot - var) : strlen(var);
	for (i = 0; i < s->nitems; i++)
		if (strncmp(s->items[i].id, var, n) == 0 &&
		    s->items[i].id[n] == '\0')
			return (&s->items[i]);
	return (NULL);
}

static int
has_code(const struct cond *c, long v)
{
	size_t	 i;

	for (i = 0; i < c->ncodes; i++)
		if (c->codes[i] == v)
			return (1);
	return (0);
}

static int
item_answered(const struct answers *a, const struct item *it)
{
	size_t	 i, n = strlen(it->id);

	for (i = 0; i < a->n; i++)
		if (a->v[i].state == ANS_ANSWERED &&
		    strncmp(a->v[i].var, it->id, n) == 0 &&
		    (a->v[i].var[n] == '\0' || a->v[i].var[n] == '.'))
			return (1);
	return (0);
}

static int
multi_chosen(const struct answers *a, const struct item *it, int code)
{
	char		 var[VAR_MAX];
	const char	*v;

	snprintf(var, sizeof(var), "%s.%d", it->id, code);
	v = answers_value(a, var);
	return (v != NULL && strcmp(v, "1") == 0);
}

int
route_cond(const struct survey *s, const struct answers *a,
    const struct route *r, const struct cond *c)
{
	const char	*v;
	char		*end;
	long		 n;
	size_t		 i;

	if (c == NULL)
		return (1);
	if (c->op == COND_AND)
		return (route_cond(s, a, r, c->l) && route_cond(s, a, r, c->r));
	if (c->op == COND_OR)
		return (route_cond(s, a, r, c->l) || route_cond(s, a, r, c->r));
	/* An answer to an item that is not asked does not count. */
	if (c->item != NULL && !r->item_vis[c->item->index])
		return (0);
	if (c->op == COND_ANSWERED)
		return (c->item ? item_answered(a, c->item) :
		    answers_value(a, c->var) != NULL);
	if (c->op == COND_ANY || c->op == COND_NONE) {
		for (i = 0; i < c->ncodes; i++)
			if (multi_chosen(a, c->item, c->codes[i]))
				return (c->op == COND_ANY);
		return (c->op == COND_NONE);
	}
	if ((v = answers_value(a, c->var)) == NULL)
		return (0);
	n = strtol(v, &end, 10);
	if (*v == '\0' || *end != '\0')
		return (0);
	switch (c->op) {
	case COND_EQ:
	case COND_IN:
		return (has_code(c, n));
	case COND_NE:
		return (!has_code(c, n));
	default:
		return (0);
	}
}

void
route_eval(const struct survey *s, const struct answers *a, struct route *r)
{
	size_t			 p, i;
	const struct page	*pg;
	int			 any;

	r->item_vis = xcalloc(s->nitems, 1);
	r->page_vis = xcalloc(s->npages, 1);
	for (p = 0; p < s->npages; p++) {
		pg = &s->pages[p];
		if (!route_cond(s, a, r, pg->cond))
			continue;
		any = 0;
		for (i = pg->first; i < pg->first + pg->nitems; i++) {
			r->item_vis[i] = route_cond(s, a, r, s->items[i].cond);
			any |= r->item_vis[i];
		}
		r->page_vis[p] = any;
	}
}

void
route_free(struct route *r)
{
	free(r->item_vis);
	free(r->page_vis);
	r->item_vis = NULL;
	r->page_vis = NULL;
}

/* The next page that is asked after page p; npages means "done". */
size_t
route_next(const struct survey *s, const struct route *r, size_t p)
{
	for (p = p + 1; p < s->npages; p++)
		if (r->page_vis[p])
			break;
	return (p);
}

/* The asked page before p, or p itself when there is none. */
size_t
route_prev(const struct survey *s, const struct route *r, size_t p)
{
	size_t	 q;

	(void)s;
	for (q = p; q > 0; q--)
		if (r->page_vis[q - 1])
			return (q - 1);
	return (p);
}

size_t
route_first(const struct survey *s, const struct route *r)
{
	size_t	 p;

	for (p = 0; p < s->npages; p++)
		if (r->page_vis[p])
			break;
	return (p);
}

/* 1-based position of page p among asked pages; *total gets their count. */
size_t
route_position(const struct survey *s, const struct route *r, size_t p,
    size_t *total)
{
	size_t	 i, pos = 0, n = 0;

	for (i = 0; i < s->npages; i++) {
		if (!r->page_vis[i])
			continue;
		n++;
		if (i <= p)
			pos = n;
	}
	*total = n;
	return (pos);
}

/*
 * Adds to `out` a not-asked mark for every counted answer whose item is
 * no longer asked: its value stays, it just stops counting.
 */
int
route_mark_notasked(const struct survey *s, const struct route *r,
    const struct answers *a, struct answers *out)
{
	const struct item	*it;
	size_t			 i;
	int			 n = 0;

	for (i = 0; i < a->n; i++) {
		if (a->v[i].state == ANS_NOTASKED)
			continue;
		if ((it = var_item(s, a->v[i].var)) == NULL)
			continue;
		if (r->item_vis[it->index])
			continue;
		answers_set(out, a->v[i].var, a->v[i].value, ANS_NOTASKED);
		n++;
	}
	return (n);
}

struct seen {
	const struct answers	*a;
	int			 any;
};

static void
var_seen(const struct item *it, const char *var, void *arg)
{
	struct seen		*sn = arg;
	const struct answer	*an;

	(void)it;
	if ((an = answers_get(sn->a, var)) != NULL &&
	    an->state != ANS_NOTASKED)
		sn->any = 1;
}

/*
 * The first asked page the respondent has not answered or skipped yet:
 * one whose questions have no rows, or only not-asked ones. A second tab
 * can open such a page behind the respondent's back; completing must
 * wait for it. npages when there is none.
 */
size_t
route_unvisited(const struct survey *s, const struct route *r,
    const struct answers *a)
{
	const struct item	*it;
	struct seen		 sn;
	size_t			 p, i;

	for (p = 0; p < s->npages; p++) {
		if (!r->page_vis[p])
			continue;
		for (i = s->pages[p].first; i < s->pages[p].first +
		    s->pages[p].nitems; i++) {
			it = &s->items[i];
			/* Contact details leave no rows (sql/090): optional. */
			if (!r->item_vis[i] || it->type == ITEM_INFO ||
			    it->contact != CONTACT_NONE)
				continue;
			sn.a = a;
			sn.any = 0;
			item_vars(it, var_seen, &sn);
			if (!sn.any)
				return (p);
		}
	}
	return (s->npages);
}

/* Does a save start the response: a question answered, not a hidden? */
int
route_any_answered(const struct survey *s, const struct answers *rows)
{
	size_t	 i;

	for (i = 0; i < rows->n; i++)
		if (rows->v[i].state == ANS_ANSWERED &&
		    survey_hidden(s, rows->v[i].var) == NULL)
			return (1);
	return (0);
}
