#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "survey.h"

static const char *lang_codes[LANG_MAX] = { "nb", "nn", "en" };

const char *
text_get(const struct text *t, enum lang l)
{
	if (l < LANG_MAX && t->s[l] != NULL)
		return (t->s[l]);
	return (t->s[LANG_NB] != NULL ? t->s[LANG_NB] : "");
}

enum lang
lang_parse(const char *s)
{
	int	 i;

	for (i = 0; s != NULL && i < LANG_MAX; i++)
		if (strcmp(s, lang_codes[i]) == 0)
			return ((enum lang)i);
	return (LANG_MAX);
}

const char *
lang_code(enum lang l)
{
	return (l < LANG_MAX ? lang_codes[l] : lang_codes[LANG_NB]);
}

const struct optset *
item_options(const struct item *it)
{
	if (it->scale != NULL)
		return (&it->scale->opts);
	return (&it->opts);
}

const struct option *
optset_find(const struct optset *os, int code)
{
	size_t	 i;

	for (i = 0; i < os->n; i++)
		if (os->v[i].code == code)
			return (&os->v[i]);
	return (NULL);
}

const struct option *
optset_other(const struct optset *os)
{
	size_t	 i;

	for (i = 0; i < os->n; i++)
		if (os->v[i].flags & OPT_OTHER)
			return (&os->v[i]);
	return (NULL);
}

const struct item *
survey_item(const struct survey *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->nitems; i++)
		if (strcmp(s->items[i].id, id) == 0)
			return (&s->items[i]);
	return (NULL);
}

/* The index of the page with this id; npages when there is none. */
size_t
survey_page(const struct survey *s, const char *id)
{
	size_t	 i;

	for (i = 0; id != NULL && i < s->npages; i++)
		if (strcmp(s->pages[i].id, id) == 0)
			return (i);
	return (s->npages);
}

const struct hidden *
survey_hidden(const struct survey *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->nhidden; i++)
		if (strcmp(s->hidden[i].id, id) == 0)
			return (&s->hidden[i]);
	return (NULL);
}

const struct scale *
survey_scale(const struct survey *s, const char *id)
{
	size_t	 i;

	for (i = 0; i < s->nscales; i++)
		if (strcmp(s->scales[i].id, id) == 0)
			return (&s->scales[i]);
	return (NULL);
}

const struct row *
item_row(const struct item *it, const char *key)
{
	size_t	 i;

	for (i = 0; i < it->nrows; i++)
		if (strcmp(it->rows[i].key, key) == 0)
			return (&it->rows[i]);
	return (NULL);
}

static void
text_free(struct text *t)
{
	int	 i;

	for (i = 0; i < LANG_MAX; i++)
		free(t->s[i]);
}

static void
optset_free(struct optset *os)
{
	size_t	 i;

	for (i = 0; i < os->n; i++) {
		free(os->v[i].key);
		text_free(&os->v[i].label);
	}
	free(os->v);
}

void
cond_free(struct cond *c)
{
	if (c == NULL)
		return;
	cond_free(c->l);
	cond_free(c->r);
	free(c->var);
	free(c->codes);
	free(c);
}

static void
item_free(struct item *it)
{
	size_t	 i;

	free(it->id);
	free(it->scale_id);
	for (i = 0; i < it->ntexts; i++)
		text_free(&it->texts[i]);
	free(it->texts);
	text_free(&it->help);
	optset_free(&it->opts);
	for (i = 0; i < it->nrows; i++) {
		free(it->rows[i].key);
		text_free(&it->rows[i].label);
	}
	free(it->rows);
	for (i = 0; i < it->nimages; i++) {
		free(it->images[i].file);
		text_free(&it->images[i].alt);
	}
	free(it->images);
	text_free(&it->low);
	text_free(&it->high);
	text_free(&it->unit);
	cond_free(it->cond);
}

void
survey_free(struct survey *s)
{
	size_t	 i;

	if (s == NULL)
		return;
	free(s->key);
	text_free(&s->title);
	text_free(&s->owner);
	for (i = 0; i < PRIV_MAX; i++)
		text_free(&s->privacy[i]);
	for (i = 0; i < s->nhidden; i++) {
		free(s->hidden[i].id);
		text_free(&s->hidden[i].label);
		optset_free(&s->hidden[i].values);
	}
	free(s->hidden);
	for (i = 0; i < s->nscales; i++) {
		free(s->scales[i].id);
		optset_free(&s->scales[i].opts);
	}
	free(s->scales);
	for (i = 0; i < s->npages; i++) {
		free(s->pages[i].id);
		text_free(&s->pages[i].title);
		cond_free(s->pages[i].cond);
	}
	free(s->pages);
	for (i = 0; i < s->nitems; i++)
		item_free(&s->items[i]);
	free(s->items);
	free(s);
}

static const char *const privacy_names[PRIV_MAX] = {
	[PRIV_CONTROLLER] = "controller",
	[PRIV_CONTACT] = "contact",
	[PRIV_BASIS] = "basis",
	[PRIV_RETENTION] = "retention",
	[PRIV_DPO] = "dpo",
};

/* The word after "privacy" in a definition; NULL past the end. */
const char *
privacy_name(enum privacy f)
{
	return (f < PRIV_MAX ? privacy_names[f] : NULL);
}

/*
 * The fields a privacy notice needs that the definition leaves out, and
 * the owner, as space-separated words in out ("" when none); returns
 * how many are missing.
 */
size_t
survey_privacy_missing(const struct survey *s, char *out, size_t len)
{
	size_t	 i, n = 0, off = 0;
	int	 w;

	if (len > 0)
		out[0] = '\0';
	/* The owner first, then the fields in the order of the notice. */
	for (i = 0; i <= PRIV_MAX; i++) {
		const struct text	*t = i == 0 ? &s->owner :
			    &s->privacy[i - 1];
		const char		*name = i == 0 ? "owner" :
			    privacy_names[i - 1];

		if (t->s[LANG_NB] != NULL && t->s[LANG_NB][0] != '\0')
			continue;
		n++;
		if (off >= len)
			continue;
		w = snprintf(out + off, len - off, "%s%s", off ? " " : "",
		    name);
		if (w < 0 || (size_t)w >= len - off)
			off = len;
		else
			off += (size_t)w;
	}
	return (n);
}
