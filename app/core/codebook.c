#include <stdio.h>

#include "buf.h"
#include "codebook.h"

void
item_vars(const struct item *it, var_cb cb, void *arg)
{
	const struct optset	*os;
	char			 var[VAR_MAX];
	size_t			 i;

	/* Contact details are never answers (sql/091). */
	if (it->contact != CONTACT_NONE)
		return;
	switch (it->type) {
	case ITEM_INFO:
		return;
	case ITEM_MULTI:
		for (i = 0; i < it->opts.n; i++) {
			snprintf(var, sizeof(var), "%s.%d", it->id,
			    it->opts.v[i].code);
			cb(it, var, arg);
		}
		break;
	case ITEM_GRID:
	case ITEM_SUM:
		for (i = 0; i < it->nrows; i++) {
			snprintf(var, sizeof(var), "%s.%s", it->id,
			    it->rows[i].key);
			cb(it, var, arg);
		}
		break;
	default:
		cb(it, it->id, arg);
		break;
	}
	os = item_options(it);
	if ((it->type == ITEM_SINGLE || it->type == ITEM_MULTI) &&
	    optset_other(os) != NULL) {
		snprintf(var, sizeof(var), "%s.other", it->id);
		cb(it, var, arg);
	}
}

void
survey_vars(const struct survey *s, var_cb cb, void *arg)
{
	size_t	 i;

	for (i = 0; i < s->nitems; i++)
		item_vars(&s->items[i], cb, arg);
}

/*
 * What back-coding an item's "Annet, noter" text into option `code`
 * changes in the item's own variables (sql/065 answer_override): a
 * single choice takes the code where it holds the "other" option's; a
 * multiple choice gets the option chosen and its "other" option no
 * longer. 0 when the item has no
 * "other" option or no such option (or it is the "other" one).
 */
int
item_backcode(const struct item *it, int code, struct backcode *out)
{
	const struct optset	*os = item_options(it);
	const struct option	*o, *other;

	out->n = 0;
	if ((it->type != ITEM_SINGLE && it->type != ITEM_MULTI) ||
	    (other = optset_other(os)) == NULL ||
	    (o = optset_find(os, code)) == NULL || o == other)
		return (0);
	if (it->type == ITEM_SINGLE) {
		snprintf(out->var[0], sizeof(out->var[0]), "%s", it->id);
		snprintf(out->val[0], sizeof(out->val[0]), "%d", code);
		/* A text typed beside another option leaves that choice. */
		snprintf(out->raw[0], sizeof(out->raw[0]), "%d", other->code);
		out->n = 1;
		return (1);
	}
	snprintf(out->var[0], sizeof(out->var[0]), "%s.%d", it->id, code);
	snprintf(out->val[0], sizeof(out->val[0]), "1");
	out->raw[0][0] = '\0';
	snprintf(out->var[1], sizeof(out->var[1]), "%s.%d", it->id,
	    other->code);
	snprintf(out->val[1], sizeof(out->val[1]), "0");
	out->raw[1][0] = '\0';
	out->n = 2;
	return (1);
}

/*
 * A condition as the definition writes it: who is asked (the results'
 * base, the codebook).
 */
void
cond_text(const struct cond *c, struct buf *b)
{
	static const char *const ops[] = { "=", "!=", "in", "any", "none",
	    "answered" };
	size_t	 i;

	if (c->op == COND_AND || c->op == COND_OR) {
		cond_text(c->l, b);
		buf_puts(b, c->op == COND_AND ? " and " : " or ");
		cond_text(c->r, b);
		return;
	}
	buf_printf(b, "%s %s", c->var, ops[c->op]);
	if (c->op == COND_ANSWERED)
		return;
	if (c->op == COND_EQ || c->op == COND_NE) {
		buf_printf(b, " %d", c->ncodes > 0 ? c->codes[0] : 0);
		return;
	}
	buf_puts(b, " (");
	for (i = 0; i < c->ncodes; i++)
		buf_printf(b, "%s%d", i > 0 ? ", " : "", c->codes[i]);
	buf_putc(b, ')');
}
