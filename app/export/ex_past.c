/*
 * The codebook's earlier wording (issue 13 §1: the question text "per
 * wave if the wording changed"): for each column of an item that an
 * earlier wave of the same survey worded differently, as the results'
 * wave comparison decides (item_wording_changed: question, option and
 * row labels in bokmål), that wave's question in every language, the
 * column's label then and its value labels then. Copied, so the
 * earlier definition can be freed at once.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "export.h"
#include "wording.h"

static void
past_add(struct ex_col *c, const struct ex_table *o, long k,
    const struct item *it, int year)
{
	struct ex_past		*p;
	const struct ex_labels	*l;
	struct buf		 q;
	enum lang		 lg;
	size_t			 j;

	c->past = xrealloc(c->past, (c->npast + 1) * sizeof(*c->past));
	p = &c->past[c->npast++];
	memset(p, 0, sizeof(*p));
	p->year = year;
	buf_init(&q);
	for (lg = 0; lg < LANG_MAX; lg++) {
		buf_reset(&q);
		item_question(it, lg, &q);
		p->question[lg] = xstrdup(buf_cstr(&q));
	}
	buf_free(&q);
	if (k < 0)
		return;
	p->label = xstrdup(o->cols[k].label);
	if (o->cols[k].labels < 0)
		return;
	l = &o->labels[o->cols[k].labels];
	p->values = xcalloc(l->n > 0 ? l->n : 1, sizeof(*p->values));
	for (j = 0; j < l->n; j++) {
		p->values[j].code = l->v[j].code;
		p->values[j].text = xstrdup(l->v[j].text);
	}
	p->nvalues = l->n;
}

/*
 * Adds to t's columns the wording of the earlier definition old (of
 * wave year) where it differs; fc and nfc are the survey's coding
 * frames, as for t.
 */
void
ex_table_past(struct ex_table *t, const struct survey *old, int year,
    const struct ex_frame_code *fc, size_t nfc)
{
	struct ex_table		 o;
	const struct item	*it;
	struct ex_col		*c;
	size_t			 i;

	memset(&o, 0, sizeof(o));
	ex_table_build(&o, old, t->lang, fc, nfc, t->texts);
	for (i = 0; i < t->ncols; i++) {
		c = &t->cols[i];
		if (c->item == NULL || c->var == NULL ||
		    (it = survey_item(old, c->item->id)) == NULL ||
		    !item_wording_changed(c->item, it))
			continue;
		past_add(c, &o, ex_find(&o, c->var, c->part), it, year);
	}
	ex_table_free(&o);
}

void
ex_past_free(struct ex_col *c)
{
	struct ex_past	*p;
	size_t		 i, j;
	int		 lg;

	for (i = 0; i < c->npast; i++) {
		p = &c->past[i];
		for (lg = 0; lg < LANG_MAX; lg++)
			free(p->question[lg]);
		free(p->label);
		for (j = 0; j < p->nvalues; j++)
			free(p->values[j].text);
		free(p->values);
	}
	free(c->past);
	c->past = NULL;
	c->npast = 0;
}
