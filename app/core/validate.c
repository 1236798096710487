#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "codebook.h"
#include "validate.h"

static void
verr_add(struct verrs *e, const struct item *it, enum verr_code code,
    long a, long b, const struct option *opt)
{
	e->v = xrealloc(e->v, (e->n + 1) * sizeof(*e->v));
	e->v[e->n].item = it;
	e->v[e->n].code = code;
	e->v[e->n].a = a;
	e->v[e->n].b = b;
	e->v[e->n].opt = opt;
	e->v[e->n].row = NULL;
	e->n++;
}

void
verrs_free(struct verrs *e)
{
	free(e->v);
	e->v = NULL;
	e->n = 0;
}

/* Leading and trailing blanks are not part of an answer. */
static char *
trimmed(const char *s)
{
	size_t	 n;

	if (s == NULL)
		return (xstrdup(""));
	while (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n')
		s++;
	n = strlen(s);
	while (n > 0 && strchr(" \t\r\n", s[n - 1]) != NULL)
		n--;
	return (xstrndup(s, n));
}

static int
parse_int(const char *s, long *out)
{
	char	*end;
	long	 v;

	if (*s == '\0')
		return (0);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return (0);
	*out = v;
	return (1);
}

static void
var_name(char *dst, size_t len, const char *id, const char *suffix)
{
	if (suffix == NULL)
		snprintf(dst, len, "%s", id);
	else
		snprintf(dst, len, "%s.%s", id, suffix);
}

/* A choice from an option set; returns 0 empty, 1 valid, -1 invalid. */
static int
choice(const struct optset *os, const char *raw, const struct option **o)
{
	/* Only plain digits: "+01" or " 7" would be stored as typed. */
	long	 v;

	if (raw == NULL || *raw == '\0')
		return (0);
	if (strspn(raw, "0123456789") != strlen(raw) || !parse_int(raw, &v) ||
	    v > 9999 || (*o = optset_find(os, (int)v)) == NULL)
		return (-1);
	return (1);
}

/* The canonical text of a code: what is stored and compared. */
static const char *
code_text(char *dst, size_t len, int code)
{
	snprintf(dst, len, "%d", code);
	return (dst);
}

static void
other_text(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	char	 var[VAR_MAX];
	char	*t;
	size_t	 n;

	if (optset_other(item_options(it)) == NULL)
		return;
	var_name(var, sizeof(var), it->id, "other");
	t = trimmed(form_get(f, var));
	if ((n = utf8_chars(t)) > TEXT_MAXLEN)
		verr_add(e, it, VERR_TOOLONG, (long)n, TEXT_MAXLEN, NULL);
	else
		answers_set(out, var, *t ? t : NULL,
		    *t ? ANS_ANSWERED : ANS_SKIPPED);
	free(t);
}

/*
 * Text in the "Annet, noter" field means that option: without
 * JavaScript nothing ticks it for the respondent.
 */
static const struct option *
other_typed(const struct item *it, const struct form *f)
{
	const struct option	*o;
	const char		*t;
	char			 var[VAR_MAX];

	if ((o = optset_other(item_options(it))) == NULL)
		return (NULL);
	var_name(var, sizeof(var), it->id, "other");
	if ((t = form_get(f, var)) == NULL)
		return (NULL);
	t += strspn(t, " \t\r\n");
	return (*t != '\0' ? o : NULL);
}

static int
v_single(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	const struct option	*o = NULL;
	char			 num[16];
	int			 r;

	r = choice(item_options(it), form_get(f, it->id), &o);
	if (r < 0) {
		verr_add(e, it, VERR_OPTION, 0, 0, NULL);
		return (0);
	}
	if (r == 0 && (o = other_typed(it, f)) != NULL)
		r = 1;
	answers_set(out, it->id, r ? code_text(num, sizeof(num), o->code) :
	    NULL, r ? ANS_ANSWERED : ANS_SKIPPED);
	other_text(it, f, out, e);
	return (r);
}

static int
v_multi(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	const struct option	*o, *excl = NULL;
	unsigned char		*chosen;
	size_t			 i, k, n, nchosen = 0;
	char			 var[VAR_MAX], code[16];

	chosen = xcalloc(it->opts.n, 1);
	n = form_count(f, it->id);
	for (k = 0; k < n; k++) {
		o = NULL;
		if (choice(&it->opts, form_get_nth(f, it->id, k), &o) < 0) {
			verr_add(e, it, VERR_OPTION, 0, 0, NULL);
			free(chosen);
			return (0);
		}
		if (o == NULL || chosen[o - it->opts.v])
			continue;
		chosen[o - it->opts.v] = 1;
		nchosen++;
		if (o->flags & OPT_EXCLUSIVE)
			excl = o;
	}
	if ((o = other_typed(it, f)) != NULL && !chosen[o - it->opts.v]) {
		chosen[o - it->opts.v] = 1;
		nchosen++;
	}
	if (excl != NULL && nchosen > 1) {
		verr_add(e, it, VERR_EXCLUSIVE, 0, 0, excl);
		free(chosen);
		return (0);
	}
	for (i = 0; i < it->opts.n; i++) {
		snprintf(code, sizeof(code), "%d", it->opts.v[i].code);
		var_name(var, sizeof(var), it->id, code);
		if (nchosen == 0)
			answers_set(out, var, NULL, ANS_SKIPPED);
		else
			answers_set(out, var, chosen[i] ? "1" : "0",
			    ANS_ANSWERED);
	}
	free(chosen);
	other_text(it, f, out, e);
	return (nchosen > 0);
}

static int
v_grid(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	const struct option	*o;
	const char		*raw;
	char			 var[VAR_MAX], num[16];
	size_t			 i;
	int			 r, any = 0, bad = 0;

	for (i = 0; i < it->nrows; i++) {
		var_name(var, sizeof(var), it->id, it->rows[i].key);
		raw = form_get(f, var);
		o = NULL;
		if ((r = choice(item_options(it), raw, &o)) < 0) {
			bad = 1;
			continue;
		}
		answers_set(out, var, r ? code_text(num, sizeof(num), o->code) :
		    NULL, r ? ANS_ANSWERED : ANS_SKIPPED);
		any |= r;
	}
	if (bad)
		verr_add(e, it, VERR_OPTION, 0, 0, NULL);
	return (any);
}

static int
v_nps(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	const char	*raw = form_get(f, it->id);
	char		 num[16];
	long		 v;

	if (raw == NULL || *raw == '\0') {
		answers_set(out, it->id, NULL, ANS_SKIPPED);
		return (0);
	}
	if (strspn(raw, "0123456789") != strlen(raw) || !parse_int(raw, &v) ||
	    (v > 10 && v != NPS_DONTKNOW)) {
		verr_add(e, it, VERR_OPTION, 0, 0, NULL);
		return (0);
	}
	answers_set(out, it->id, code_text(num, sizeof(num), (int)v),
	    ANS_ANSWERED);
	return (1);
}

static int
v_sum(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	long	*vals, total = 0;
	char	 var[VAR_MAX], num[32];
	char	*t;
	size_t	 i;
	int	 filled = 0, bad = 0;

	vals = xcalloc(it->nrows, sizeof(long));
	for (i = 0; i < it->nrows; i++) {
		var_name(var, sizeof(var), it->id, it->rows[i].key);
		t = trimmed(form_get(f, var));
		if (*t == '\0') {
			free(t);
			continue;
		}
		if (!parse_int(t, &vals[i]) || vals[i] < 0 ||
		    vals[i] > it->total) {
			/* Each wrong field its own message. */
			free(t);
			verr_add(e, it, VERR_SUM_NUMBER, it->total, 0, NULL);
			e->v[e->n - 1].row = &it->rows[i];
			bad = 1;
			continue;
		}
		free(t);
		filled = 1;
		total += vals[i];
	}
	if (bad) {
		free(vals);
		return (0);
	}
	if (filled && total != it->total) {
		free(vals);
		verr_add(e, it, VERR_SUM, it->total, total, NULL);
		return (0);
	}
	for (i = 0; i < it->nrows; i++) {
		var_name(var, sizeof(var), it->id, it->rows[i].key);
		snprintf(num, sizeof(num), "%ld", vals[i]);
		answers_set(out, var, filled ? num : NULL,
		    filled ? ANS_ANSWERED : ANS_SKIPPED);
	}
	free(vals);
	return (filled);
}

static int
v_number(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	char	*t, num[32];
	long	 v;

	t = trimmed(form_get(f, it->id));
	if (*t == '\0') {
		free(t);
		answers_set(out, it->id, NULL, ANS_SKIPPED);
		return (0);
	}
	if (!parse_int(t, &v) || v < it->min || v > it->max) {
		free(t);
		verr_add(e, it, VERR_NUMBER, it->min, it->max, NULL);
		return (0);
	}
	free(t);
	snprintf(num, sizeof(num), "%ld", v);
	answers_set(out, it->id, num, ANS_ANSWERED);
	return (1);
}

/*
 * An address someone could mean: one '@' with text before it and a dot
 * after it, no spaces. The mail server is the real judge.
 */
static int
email_plausible(const char *s)
{
	const char	*at = strchr(s, '@');

	if (at == NULL || at == s || strchr(at + 1, '@') != NULL ||
	    strpbrk(s, " \t\r\n<>,;\"") != NULL)
		return (0);
	return (strchr(at + 1, '.') != NULL && at[1] != '.' &&
	    s[strlen(s) - 1] != '.');
}

static int
v_text(const struct item *it, const struct form *f, struct answers *out,
    struct verrs *e)
{
	char	*t;
	size_t	 n;
	int	 r;

	t = trimmed(form_get(f, it->id));
	if ((n = utf8_chars(t)) > it->maxlen) {
		free(t);
		verr_add(e, it, VERR_TOOLONG, (long)n, (long)it->maxlen, NULL);
		return (0);
	}
	r = *t != '\0';
	if (r && it->contact == CONTACT_EMAIL && !email_plausible(t)) {
		free(t);
		verr_add(e, it, VERR_EMAIL, 0, 0, NULL);
		return (0);
	}
	answers_set(out, it->id, r ? t : NULL, r ? ANS_ANSWERED : ANS_SKIPPED);
	free(t);
	return (r);
}

/*
 * Validates the asked items of page p: rows to store go to `out`,
 * problems to `e`. Hidden items are the caller's (route_mark_notasked).
 */
void
validate_page(const struct survey *s, size_t p, const struct route *r,
    const struct form *f, struct answers *out, struct verrs *e)
{
	const struct page	*pg = &s->pages[p];
	const struct item	*it;
	size_t			 i, before;
	int			 answered = 0;

	for (i = pg->first; i < pg->first + pg->nitems; i++) {
		it = &s->items[i];
		if (!r->item_vis[i] || it->type == ITEM_INFO)
			continue;
		before = e->n;
		switch (it->type) {
		case ITEM_SINGLE:
			answered = v_single(it, f, out, e);
			break;
		case ITEM_MULTI:
			answered = v_multi(it, f, out, e);
			break;
		case ITEM_GRID:
			answered = v_grid(it, f, out, e);
			break;
		case ITEM_NPS:
			answered = v_nps(it, f, out, e);
			break;
		case ITEM_SUM:
			answered = v_sum(it, f, out, e);
			break;
		case ITEM_NUMBER:
			answered = v_number(it, f, out, e);
			break;
		case ITEM_TEXT:
			answered = v_text(it, f, out, e);
			break;
		default:
			break;
		}
		if (it->required && !answered && e->n == before)
			verr_add(e, it, VERR_REQUIRED, 0, 0, NULL);
	}
}

struct keep {
	const struct form	*f;
	struct answers		*out;
};

/* Is `code` among the values of a multi item's checkboxes? */
static int
form_has_code(const struct form *f, const char *name, const char *code)
{
	size_t	 i, n = form_count(f, name);

	for (i = 0; i < n; i++)
		if (strcmp(form_get_nth(f, name, i), code) == 0)
			return (1);
	return (0);
}

static void
keep_var(const struct item *it, const char *var, void *arg)
{
	struct keep	*k = arg;
	const char	*suffix = var + strlen(it->id);

	if (it->type == ITEM_MULTI && strcmp(suffix, ".other") != 0)
		answers_set(k->out, var, form_has_code(k->f, it->id,
		    suffix + 1) ? "1" : "0", ANS_INVALID);
	else
		answers_set(k->out, var, form_get(k->f, var), ANS_INVALID);
}

/*
 * What was typed wrong, as typed, for a page left by "Forrige" or
 * "Lagre": every field of an item in error becomes a row in state 'i'.
 * A tampered option code or an empty required item keeps nothing: the
 * first cannot be typed, the second has nothing to keep.
 */
void
validate_keep(const struct survey *s, const struct form *f,
    const struct verrs *e, struct answers *out)
{
	struct keep	 k = { f, out };
	size_t		 i;

	(void)s;
	for (i = 0; i < e->n; i++) {
		if (e->v[i].code == VERR_OPTION ||
		    e->v[i].code == VERR_REQUIRED)
			continue;
		item_vars(e->v[i].item, keep_var, &k);
	}
}

static void
form_add(struct form *f, const char *name, const char *value)
{
	f->v = xrealloc(f->v, (f->n + 1) * sizeof(*f->v));
	f->v[f->n].name = xstrdup(name);
	f->v[f->n].value = xstrdup(value);
	f->n++;
}

struct kept {
	const struct answers	*a;
	struct form		*f;
	int			 any;
};

static void
kept_var(const struct item *it, const char *var, void *arg)
{
	struct kept		*k = arg;
	const struct answer	*an;
	const char		*suffix = var + strlen(it->id);

	if ((an = answers_get(k->a, var)) == NULL || an->value == NULL)
		return;
	if (an->state == ANS_INVALID)
		k->any = 1;
	if (it->type == ITEM_MULTI && strcmp(suffix, ".other") != 0) {
		if (strcmp(an->value, "1") == 0)
			form_add(k->f, it->id, suffix + 1);
	} else
		form_add(k->f, var, an->value);
}

/*
 * The page as a form from its stored rows, when some of them were kept
 * as typed ('i'): the caller validates it again to show the messages.
 * Returns 0, with an empty form, when the page has no such row.
 */
int
validate_kept(const struct survey *s, size_t p, const struct route *r,
    const struct answers *a, struct form *f)
{
	const struct page	*pg = &s->pages[p];
	struct kept		 k;
	size_t			 i;

	f->v = NULL;
	f->n = 0;
	k.a = a;
	k.f = f;
	k.any = 0;
	for (i = pg->first; i < pg->first + pg->nitems; i++)
		if (r->item_vis[i])
			item_vars(&s->items[i], kept_var, &k);
	if (!k.any)
		form_free(f);
	return (k.any);
}
