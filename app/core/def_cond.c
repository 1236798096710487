/*
 * Conditions in definitions: "if Q3_2 = 1", "Q3_18 in (2, 3)", any/none for
 * multi, and/or; parsed here and checked to look only backwards.
 */
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "def_int.h"

static struct cond *
cond_new(enum cond_op op, int line)
{
	struct cond	*c;

	c = xcalloc(1, sizeof(*c));
	c->op = op;
	c->line = line;
	return (c);
}

static struct cond *
parse_atom(struct parser *p, size_t *i)
{
	struct cond	*c;
	enum cond_op	 op;
	long		 v;
	const char	*id = def_cur_id(p);

	if (!def_is_word(p, *i, NULL)) {
		def_perr(p, id, "condition: expected a question id");
		return (NULL);
	}
	c = cond_new(COND_EQ, p->line);
	c->var = xstrdup(p->t[*i].s);
	(*i)++;
	if (*i < p->nt && p->t[*i].type == TOK_EQ)
		op = COND_EQ;
	else if (*i < p->nt && p->t[*i].type == TOK_NE)
		op = COND_NE;
	else if (def_is_word(p, *i, "in"))
		op = COND_IN;
	else if (def_is_word(p, *i, "any"))
		op = COND_ANY;
	else if (def_is_word(p, *i, "none"))
		op = COND_NONE;
	else if (def_is_word(p, *i, "answered"))
		op = COND_ANSWERED;
	else {
		def_perr(p, id, "condition on %s: expected =, !=, in, any, none "
		    "or answered", c->var);
		cond_free(c);
		return (NULL);
	}
	c->op = op;
	(*i)++;
	if (op == COND_ANSWERED)
		return (c);
	if (op == COND_EQ || op == COND_NE) {
		if (!def_is_word(p, *i, NULL) ||
		    !def_parse_long(p->t[*i].s, 0, 9999, &v)) {
			def_perr(p, id, "condition on %s: expected an option "
			    "code", c->var);
			cond_free(c);
			return (NULL);
		}
		c->codes = xmalloc(sizeof(int));
		c->codes[0] = (int)v;
		c->ncodes = 1;
		(*i)++;
		return (c);
	}
	if (*i >= p->nt || p->t[*i].type != TOK_LPAREN) {
		def_perr(p, id, "condition on %s: expected '(' and a list of "
		    "codes", c->var);
		cond_free(c);
		return (NULL);
	}
	for ((*i)++; ; (*i)++) {
		if (!def_is_word(p, *i, NULL) ||
		    !def_parse_long(p->t[*i].s, 0, 9999, &v)) {
			def_perr(p, id, "condition on %s: expected an option code "
			    "in the list", c->var);
			cond_free(c);
			return (NULL);
		}
		c->codes = xrealloc(c->codes, (c->ncodes + 1) * sizeof(int));
		c->codes[c->ncodes++] = (int)v;
		(*i)++;
		if (*i < p->nt && p->t[*i].type == TOK_RPAREN)
			break;
		if (*i >= p->nt || p->t[*i].type != TOK_COMMA) {
			def_perr(p, id, "condition on %s: expected ',' or ')'",
			    c->var);
			cond_free(c);
			return (NULL);
		}
	}
	(*i)++;
	return (c);
}

/*
 * A chain of parts joined by one word, folded to the left: level 0 is
 * "or" over level 1, level 1 is "and" over single comparisons, so "and"
 * binds tighter.
 */
static struct cond *
parse_level(struct parser *p, size_t *i, int level)
{
	static const char	*word[] = { "or", "and" };
	static const enum cond_op op[] = { COND_OR, COND_AND };
	struct cond		*l, *r, *c;

	l = level == 0 ? parse_level(p, i, 1) : parse_atom(p, i);
	if (l == NULL)
		return (NULL);
	while (def_is_word(p, *i, word[level])) {
		(*i)++;
		r = level == 0 ? parse_level(p, i, 1) : parse_atom(p, i);
		if (r == NULL) {
			cond_free(l);
			return (NULL);
		}
		c = cond_new(op[level], p->line);
		c->l = l;
		c->r = r;
		l = c;
	}
	return (l);
}

struct cond *
def_parse_cond(struct parser *p, size_t i)
{
	struct cond	*c;

	if ((c = parse_level(p, &i, 0)) == NULL)
		return (NULL);
	if (i < p->nt) {
		def_perr(p, def_cur_id(p), "condition: unexpected '%s' (use "
		    "'and' or 'or' between parts)", p->t[i].s ? p->t[i].s : ")");
		cond_free(c);
		return (NULL);
	}
	return (c);
}

static int
code_known(const struct optset *os, int code)
{
	return (optset_find(os, code) != NULL);
}

/* Resolves a condition's variables and checks that they are asked earlier. */
void
def_check_cond(struct parser *p, struct cond *c, size_t page, const char *owner)
{
	struct survey		*s = p->s;
	const struct hidden	*h;
	const struct item	*it;
	const struct optset	*os = NULL;
	char			*dot, *base;
	size_t			 i;

	if (c == NULL)
		return;
	if (c->op == COND_AND || c->op == COND_OR) {
		def_check_cond(p, c->l, page, owner);
		def_check_cond(p, c->r, page, owner);
		return;
	}
	base = xstrdup(c->var);
	if ((dot = strchr(base, '.')) != NULL)
		*dot++ = '\0';
	if (dot == NULL && (h = survey_hidden(s, base)) != NULL) {
		os = &h->values;
		if (c->op == COND_ANY || c->op == COND_NONE)
			def_perr_line(p, c->line, owner, "'any'/'none' are for "
			    "multi questions; %s is a hidden variable", base);
		goto codes;
	}
	if ((it = survey_item(s, base)) == NULL) {
		def_perr_line(p, c->line, owner, "condition refers to '%s', "
		    "which is not defined", c->var);
		free(base);
		return;
	}
	c->item = it;
	if (it->page >= page) {
		def_perr_line(p, c->line, owner, "condition refers to %s, which "
		    "is not on an earlier page", base);
		free(base);
		return;
	}
	if (dot != NULL) {
		if (it->type != ITEM_GRID || item_row(it, dot) == NULL) {
			def_perr_line(p, c->line, owner, "condition refers to "
			    "'%s': %s has no row '%s'", c->var, base, dot);
			free(base);
			return;
		}
		os = it->scale ? &it->scale->opts : NULL;
	} else {
		switch (it->type) {
		case ITEM_SINGLE:
			os = item_options(it);
			break;
		case ITEM_MULTI:
			os = &it->opts;
			if (c->op != COND_ANY && c->op != COND_NONE &&
			    c->op != COND_ANSWERED)
				def_perr_line(p, c->line, owner, "%s is a multi "
				    "question: use 'any (...)' or "
				    "'none (...)'", base);
			break;
		case ITEM_INFO:
			def_perr_line(p, c->line, owner, "condition on %s, an "
			    "info screen", base);
			break;
		case ITEM_GRID:
		case ITEM_SUM:
			if (c->op != COND_ANSWERED)
				def_perr_line(p, c->line, owner, "condition on "
				    "%s needs a row: %s.<row>", base, base);
			break;
		default:
			break;
		}
		if (it->type != ITEM_MULTI && (c->op == COND_ANY ||
		    c->op == COND_NONE))
			def_perr_line(p, c->line, owner, "'any'/'none' are for "
			    "multi questions; %s is not one", base);
	}
codes:
	if (os != NULL) {
		for (i = 0; i < c->ncodes; i++)
			if (!code_known(os, c->codes[i]))
				def_perr_line(p, c->line, owner, "condition uses "
				    "code %d, which is not an option of %s",
				    c->codes[i], c->var);
	}
	free(base);
}

