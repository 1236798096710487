/*
 * Reads a survey definition (surveys/FORMAT.md) into a struct survey.
 * Errors do not stop the reading: every problem found is reported with
 * file, line and item, and a definition with any error is refused whole.
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "def_int.h"
#include "form.h"

/*
 * Ids and row keys become variable names ("Q3_1.video") in the answer
 * table, the codebook and every export, so they are short (ID_MAX, in
 * survey.h) and plain.
 */
static int
valid_id(const char *s)
{
	if (!isalpha((unsigned char)*s) || strlen(s) > ID_MAX)
		return (0);
	for (; *s != '\0'; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return (0);
	return (1);
}

static int
valid_key(const char *s)
{
	if (*s == '\0' || strlen(s) > ID_MAX)
		return (0);
	for (; *s != '\0'; s++)
		if (!islower((unsigned char)*s) && !isdigit((unsigned char)*s) &&
		    *s != '_')
			return (0);
	return (1);
}

/* A file in assets/: no directories, no escapes, one extension. */
static int
valid_file(const char *s)
{
	size_t	 n = 0, dots = 0;

	for (; *s != '\0'; s++, n++) {
		if (*s == '.' && n > 0)
			dots++;
		else if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_')
			return (0);
	}
	return (n > 0 && n <= 64 && dots <= 1);
}

const char *
def_cur_id(struct parser *p)
{
	struct survey	*s = p->s;

	switch (p->ctx) {
	case CTX_ITEM:
		return (s->items[s->nitems - 1].id);
	case CTX_SCALE:
		return (s->scales[s->nscales - 1].id);
	case CTX_HIDDEN:
		return (s->hidden[s->nhidden - 1].id);
	case CTX_PAGE:
		return (s->pages[s->npages - 1].id);
	default:
		return (NULL);
	}
}

static struct item *
cur_item(struct parser *p)
{
	return (p->ctx == CTX_ITEM ? &p->s->items[p->s->nitems - 1] : NULL);
}

/* Expects exactly one string at token i and nothing after it. */
static int
want_string(struct parser *p, size_t i, const char *what, struct text *t)
{
	if (i >= p->nt || p->t[i].type != TOK_STRING) {
		def_perr(p, def_cur_id(p), "%s needs a quoted text", what);
		return (0);
	}
	if (p->nt > i + 1) {
		def_perr(p, def_cur_id(p), "unexpected '%s' after the text of %s",
		    p->t[i + 1].s ? p->t[i + 1].s : "(", what);
		return (0);
	}
	free(t->s[LANG_NB]);
	t->s[LANG_NB] = p->t[i].s;
	p->t[i].s = NULL;
	p->last = t;
	return (1);
}

static void
do_translation(struct parser *p)
{
	enum lang	 l;
	const char	*code = p->t[0].s + 1;

	l = lang_parse(code);
	if (l == LANG_MAX || l == LANG_NB) {
		def_perr(p, def_cur_id(p), "unknown language '@%s': use @nn or @en",
		    code);
		return;
	}
	if (p->last == NULL) {
		def_perr(p, def_cur_id(p), "@%s must follow a line with a text", code);
		return;
	}
	if (p->nt != 2 || p->t[1].type != TOK_STRING) {
		def_perr(p, def_cur_id(p), "@%s needs exactly one quoted text", code);
		return;
	}
	if (p->last->s[l] != NULL) {
		def_perr(p, def_cur_id(p), "a second @%s for the same text", code);
		return;
	}
	p->last->s[l] = p->t[1].s;
	p->t[1].s = NULL;
}

/* option <code> ["key"] "<label>" [flags] -- the key only for hidden values. */
static void
do_option(struct parser *p, struct optset *os, int with_key)
{
	struct option	*o;
	long		 code;
	size_t		 i = 1;
	const char	*id = def_cur_id(p);

	if (!def_is_word(p, i, NULL) || !def_parse_long(p->t[i].s, 0, 9999, &code)) {
		def_perr(p, id, "option code must be a whole number 0-9999, not "
		    "'%s'", i < p->nt && p->t[i].s ? p->t[i].s : "");
		return;
	}
	i++;
	if (optset_find(os, (int)code) != NULL) {
		def_perr(p, id, "option code %ld used twice", code);
		return;
	}
	os->v = xrealloc(os->v, (os->n + 1) * sizeof(*os->v));
	o = &os->v[os->n++];
	memset(o, 0, sizeof(*o));
	o->code = (int)code;
	if (with_key) {
		if (!def_is_word(p, i, NULL) || !valid_key(p->t[i].s)) {
			def_perr(p, id, "value %ld needs a key of lowercase "
			    "letters and digits", code);
			return;
		}
		o->key = xstrdup(p->t[i].s);
		i++;
	}
	if (i >= p->nt || p->t[i].type != TOK_STRING) {
		def_perr(p, id, "option %ld needs a quoted label", code);
		return;
	}
	o->label.s[LANG_NB] = p->t[i].s;
	p->t[i].s = NULL;
	p->last = &o->label;
	for (i++; i < p->nt; i++) {
		if (def_is_word(p, i, "dontknow"))
			o->flags |= OPT_DONTKNOW;
		else if (def_is_word(p, i, "other") && !with_key)
			o->flags |= OPT_OTHER;
		else if (def_is_word(p, i, "exclusive") && !with_key)
			o->flags |= OPT_EXCLUSIVE;
		else
			def_perr(p, id, "option %ld: unknown flag '%s' (use "
			    "dontknow, other or exclusive)", code,
			    p->t[i].s ? p->t[i].s : "?");
	}
}

static const struct {
	const char	*word;
	enum item_type	 type;
} item_words[] = {
	{ "info",	ITEM_INFO },
	{ "single",	ITEM_SINGLE },
	{ "multi",	ITEM_MULTI },
	{ "grid",	ITEM_GRID },
	{ "nps",	ITEM_NPS },
	{ "sum",	ITEM_SUM },
	{ "number",	ITEM_NUMBER },
	{ "text",	ITEM_TEXT },
};

static int
id_taken(struct parser *p, const char *id)
{
	struct survey	*s = p->s;
	size_t		 i;

	for (i = 0; i < s->nitems; i++)
		if (strcmp(s->items[i].id, id) == 0)
			return (1);
	for (i = 0; i < s->npages; i++)
		if (strcmp(s->pages[i].id, id) == 0)
			return (1);
	for (i = 0; i < s->nscales; i++)
		if (strcmp(s->scales[i].id, id) == 0)
			return (1);
	for (i = 0; i < s->nhidden; i++)
		if (strcmp(s->hidden[i].id, id) == 0)
			return (1);
	return (0);
}

static int
take_id(struct parser *p, const char *what)
{
	if (!def_is_word(p, 1, NULL) || !valid_id(p->t[1].s)) {
		def_perr(p, NULL, "%s needs an id of at most %d letters, digits, "
		    "'_' or '-' that starts with a letter", what, ID_MAX);
		return (0);
	}
	if (id_taken(p, p->t[1].s)) {
		def_perr(p, p->t[1].s, "duplicate id");
		return (0);
	}
	return (1);
}

/* Item attributes written on the item line: scale S, min N, total N ... */
static void
item_attrs(struct parser *p, struct item *it)
{
	size_t	 i;
	long	 v;

	for (i = 2; i < p->nt; i++) {
		const char	*w = p->t[i].s;

		if (p->t[i].type != TOK_WORD) {
			def_perr(p, it->id, "unexpected text on the item line");
			return;
		}
		if (strcmp(w, "scale") == 0 && def_is_word(p, i + 1, NULL) &&
		    (it->type == ITEM_SINGLE || it->type == ITEM_GRID)) {
			free(it->scale_id);
			it->scale_id = xstrdup(p->t[++i].s);
		} else if ((strcmp(w, "low") == 0 || strcmp(w, "high") == 0) &&
		    it->type == ITEM_NPS && i + 1 < p->nt &&
		    p->t[i + 1].type == TOK_STRING) {
			struct text *t = w[0] == 'l' ? &it->low : &it->high;

			free(t->s[LANG_NB]);
			t->s[LANG_NB] = p->t[++i].s;
			p->t[i].s = NULL;
			p->last = t;
		} else if (strcmp(w, "unit") == 0 && it->type == ITEM_NUMBER &&
		    i + 1 < p->nt && p->t[i + 1].type == TOK_STRING) {
			free(it->unit.s[LANG_NB]);
			it->unit.s[LANG_NB] = p->t[++i].s;
			p->t[i].s = NULL;
			p->last = &it->unit;
		} else if ((strcmp(w, "min") == 0 || strcmp(w, "max") == 0) &&
		    it->type == ITEM_NUMBER && def_is_word(p, i + 1, NULL)) {
			if (!def_parse_long(p->t[++i].s, -1000000000L,
			    1000000000L, &v))
				def_perr(p, it->id, "%s must be a whole number", w);
			else if (w[1] == 'i')
				it->min = v;
			else
				it->max = v;
		} else if (strcmp(w, "total") == 0 && it->type == ITEM_SUM &&
		    def_is_word(p, i + 1, NULL)) {
			if (!def_parse_long(p->t[++i].s, 1, 1000000L, &it->total))
				def_perr(p, it->id, "total must be a whole number "
				    "from 1 to 1000000");
		} else if (strcmp(w, "contact") == 0 && it->type == ITEM_TEXT &&
		    def_is_word(p, i + 1, NULL)) {
			w = p->t[++i].s;
			if (strcmp(w, "name") == 0)
				it->contact = CONTACT_NAME;
			else if (strcmp(w, "email") == 0)
				it->contact = CONTACT_EMAIL;
			else if (strcmp(w, "phone") == 0)
				it->contact = CONTACT_PHONE;
			else
				def_perr(p, it->id, "contact must be name, email "
				    "or phone");
		} else if (strcmp(w, "maxlen") == 0 && it->type == ITEM_TEXT &&
		    def_is_word(p, i + 1, NULL)) {
			if (!def_parse_long(p->t[++i].s, 1, 100000L, &v))
				def_perr(p, it->id, "maxlen must be 1-100000");
			else
				it->maxlen = (size_t)v;
		} else {
			def_perr(p, it->id, "unknown or misplaced attribute '%s'",
			    w);
			return;
		}
	}
}

static void
do_item(struct parser *p, enum item_type type)
{
	struct survey	*s = p->s;
	struct item	*it;

	if (s->npages == 0) {
		def_perr(p, NULL, "'%s' before the first 'page'", p->t[0].s);
		return;
	}
	if (!take_id(p, p->t[0].s))
		return;
	s->items = xrealloc(s->items, (s->nitems + 1) * sizeof(*s->items));
	it = &s->items[s->nitems];
	memset(it, 0, sizeof(*it));
	it->id = xstrdup(p->t[1].s);
	it->type = type;
	it->line = p->line;
	it->page = s->npages - 1;
	it->index = s->nitems;
	it->maxlen = TEXT_MAXLEN;
	it->min = 0;
	it->max = 0;
	s->nitems++;
	s->pages[s->npages - 1].nitems++;
	p->ctx = CTX_ITEM;
	p->last = NULL;
	item_attrs(p, it);
	if (type == ITEM_NUMBER && it->min > it->max)
		def_perr(p, it->id, "min %ld is above max %ld", it->min, it->max);
}

static void
do_item_line(struct parser *p)
{
	struct item	*it = cur_item(p);
	const char	*w = p->t[0].s;
	struct text	*t;

	if (strcmp(w, "text") == 0) {
		it->texts = xrealloc(it->texts,
		    (it->ntexts + 1) * sizeof(*it->texts));
		t = &it->texts[it->ntexts++];
		memset(t, 0, sizeof(*t));
		want_string(p, 1, "text", t);
	} else if (strcmp(w, "help") == 0) {
		want_string(p, 1, "help", &it->help);
	} else if ((strcmp(w, "low") == 0 || strcmp(w, "high") == 0) &&
	    it->type == ITEM_NPS) {
		want_string(p, 1, w, w[0] == 'l' ? &it->low : &it->high);
	} else if (strcmp(w, "option") == 0) {
		if (it->type != ITEM_SINGLE && it->type != ITEM_MULTI) {
			def_perr(p, it->id, "only single and multi have options");
			return;
		}
		do_option(p, &it->opts, 0);
	} else if (strcmp(w, "row") == 0) {
		struct row	*r;

		if (it->type != ITEM_GRID && it->type != ITEM_SUM) {
			def_perr(p, it->id, "only grid and sum have rows");
			return;
		}
		if (!def_is_word(p, 1, NULL) || !valid_key(p->t[1].s)) {
			def_perr(p, it->id, "row needs a key of lowercase letters, "
			    "digits or '_'");
			return;
		}
		if (item_row(it, p->t[1].s) != NULL) {
			def_perr(p, it->id, "row key '%s' used twice", p->t[1].s);
			return;
		}
		it->rows = xrealloc(it->rows, (it->nrows + 1) *
		    sizeof(*it->rows));
		r = &it->rows[it->nrows++];
		memset(r, 0, sizeof(*r));
		r->key = xstrdup(p->t[1].s);
		want_string(p, 2, "row", &r->label);
	} else if (strcmp(w, "image") == 0) {
		struct image	*im;

		if (it->type != ITEM_INFO) {
			def_perr(p, it->id, "only info screens have images");
			return;
		}
		if (!def_is_word(p, 1, NULL) || !valid_file(p->t[1].s)) {
			def_perr(p, it->id, "image needs a plain file name in assets/ "
			    "(letters, digits, '-', '_' and one '.')");
			return;
		}
		it->images = xrealloc(it->images, (it->nimages + 1) *
		    sizeof(*it->images));
		im = &it->images[it->nimages++];
		memset(im, 0, sizeof(*im));
		im->file = xstrdup(p->t[1].s);
		if (!want_string(p, 2, "image (its alt text)", &im->alt))
			return;
	} else if (strcmp(w, "if") == 0) {
		if (it->cond != NULL) {
			def_perr(p, it->id, "a second 'if': join the conditions "
			    "with 'and' on one line");
			return;
		}
		it->cond = def_parse_cond(p, 1);
	} else if (strcmp(w, "required") == 0 && p->nt == 1) {
		it->required = 1;
	} else
		def_perr(p, it->id, "unknown directive '%s'", w);
}

/*
 * "owner" and "privacy <field>" describe the whole survey: they come
 * before the first page, once each.
 */
static void
do_privacy(struct parser *p)
{
	struct survey	*s = p->s;
	struct text	*t = NULL;
	const char	*what = p->t[0].s;
	size_t		 first = 1, i;

	if (s->npages > 0 || p->ctx == CTX_ITEM) {
		def_perr(p, NULL, "'%s' belongs before the first page", what);
		return;
	}
	if (strcmp(what, "owner") == 0)
		t = &s->owner;
	else {
		first = 2;
		for (i = 0; i < PRIV_MAX && p->nt > 1 &&
		    p->t[1].type == TOK_WORD; i++)
			if (strcmp(p->t[1].s, privacy_name(i)) == 0)
				t = &s->privacy[i];
		if (t == NULL) {
			def_perr(p, NULL, "privacy needs one of controller, "
			    "contact, basis, retention, dpo and a quoted text");
			return;
		}
		what = p->t[1].s;
	}
	if (t->s[LANG_NB] != NULL) {
		def_perr(p, NULL, "a second '%s' line", what);
		return;
	}
	p->ctx = CTX_TOP;
	want_string(p, first, what, t);
}

static void
do_line(struct parser *p)
{
	struct survey	*s = p->s;
	const char	*w;
	size_t		 i;

	if (p->t[0].type != TOK_WORD) {
		def_perr(p, NULL, "a line must start with a directive");
		return;
	}
	w = p->t[0].s;
	if (w[0] == '@') {
		do_translation(p);
		return;
	}
	p->last = NULL;
	for (i = 0; i < sizeof(item_words) / sizeof(item_words[0]); i++) {
		if (strcmp(w, item_words[i].word) != 0)
			continue;
		/* "text" is both an item type and a line inside an item. */
		if (item_words[i].type == ITEM_TEXT && p->nt >= 2 &&
		    p->t[1].type == TOK_STRING)
			break;
		do_item(p, item_words[i].type);
		return;
	}
	if (strcmp(w, "survey") == 0) {
		if (!def_is_word(p, 1, NULL) || !valid_id(p->t[1].s) || p->nt != 2)
			def_perr(p, NULL, "survey needs one id");
		else if (s->key != NULL)
			def_perr(p, NULL, "a second 'survey' line");
		else
			s->key = xstrdup(p->t[1].s);
	} else if (strcmp(w, "wave") == 0) {
		long	 v;

		if (p->nt != 2 || !def_is_word(p, 1, NULL) ||
		    !def_parse_long(p->t[1].s, 1900, 9999, &v))
			def_perr(p, NULL, "wave needs a year");
		else
			s->wave = (int)v;
	} else if (strcmp(w, "title") == 0 && p->ctx == CTX_TOP) {
		want_string(p, 1, "title", &s->title);
	} else if (strcmp(w, "owner") == 0 || strcmp(w, "privacy") == 0) {
		do_privacy(p);
	} else if (strcmp(w, "hidden") == 0) {
		struct hidden	*h;

		if (!take_id(p, "hidden"))
			return;
		s->hidden = xrealloc(s->hidden, (s->nhidden + 1) *
		    sizeof(*s->hidden));
		h = &s->hidden[s->nhidden++];
		memset(h, 0, sizeof(*h));
		h->id = xstrdup(p->t[1].s);
		p->ctx = CTX_HIDDEN;
		want_string(p, 2, "hidden", &h->label);
	} else if (strcmp(w, "value") == 0 && p->ctx == CTX_HIDDEN) {
		do_option(p, &s->hidden[s->nhidden - 1].values, 1);
	} else if (strcmp(w, "scale") == 0) {
		struct scale	*sc;

		if (!take_id(p, "scale"))
			return;
		s->scales = xrealloc(s->scales, (s->nscales + 1) *
		    sizeof(*s->scales));
		sc = &s->scales[s->nscales++];
		memset(sc, 0, sizeof(*sc));
		sc->id = xstrdup(p->t[1].s);
		sc->line = p->line;
		p->ctx = CTX_SCALE;
		if (p->nt > 2)
			def_perr(p, sc->id, "unexpected words after the scale id");
	} else if (strcmp(w, "option") == 0 && p->ctx == CTX_SCALE) {
		do_option(p, &s->scales[s->nscales - 1].opts, 0);
	} else if (strcmp(w, "page") == 0) {
		struct page	*pg;

		if (!take_id(p, "page"))
			return;
		s->pages = xrealloc(s->pages, (s->npages + 1) *
		    sizeof(*s->pages));
		pg = &s->pages[s->npages++];
		memset(pg, 0, sizeof(*pg));
		pg->id = xstrdup(p->t[1].s);
		pg->line = p->line;
		pg->first = s->nitems;
		p->ctx = CTX_PAGE;
		want_string(p, 2, "page", &pg->title);
	} else if (strcmp(w, "if") == 0 && p->ctx == CTX_PAGE) {
		struct page	*pg = &s->pages[s->npages - 1];

		if (pg->cond != NULL)
			def_perr(p, pg->id, "a second 'if' on the page");
		else
			pg->cond = def_parse_cond(p, 1);
	} else if (p->ctx == CTX_ITEM) {
		do_item_line(p);
	} else
		def_perr(p, def_cur_id(p), "unknown or misplaced directive '%s'", w);
}

struct survey *
def_parse(const char *file, const char *src, size_t len,
    struct def_errors *err)
{
	struct parser	 p;
	const char	*l, *nl, *end;

	memset(&p, 0, sizeof(p));
	err->msg = NULL;
	err->n = 0;
	p.file = file;
	p.err = err;
	p.s = xcalloc(1, sizeof(*p.s));
	p.ctx = CTX_TOP;
	if (len > DEF_MAX_BYTES) {
		p.line = 1;
		def_perr(&p, NULL, "file is larger than %d bytes", DEF_MAX_BYTES);
		survey_free(p.s);
		return (NULL);
	}
	if (!utf8_valid(src, len)) {
		p.line = 1;
		def_perr(&p, NULL, "file is not UTF-8 text");
		survey_free(p.s);
		return (NULL);
	}
	end = src + len;
	for (l = src; l < end; l = nl + 1) {
		if ((nl = memchr(l, '\n', (size_t)(end - l))) == NULL)
			nl = end;
		p.line++;
		p.nt = 0;
		if (def_lex_line(&p, l, (size_t)(nl - l)) && p.nt > 0)
			do_line(&p);
		def_toks_free(&p);
		if (nl == end)
			break;
	}
	def_check(&p);
	if (err->n > 0) {
		survey_free(p.s);
		return (NULL);
	}
	return (p.s);
}

struct survey *
def_parse_file(const char *path, struct def_errors *err)
{
	FILE		*f;
	struct buf	 b;
	char		 chunk[8192];
	size_t		 n;
	struct survey	*s;

	err->msg = NULL;
	err->n = 0;
	if ((f = fopen(path, "r")) == NULL) {
		err->msg = xmalloc(sizeof(char *));
		buf_init(&b);
		buf_printf(&b, "%s: cannot open: %s", path, strerror(errno));
		err->msg[0] = buf_steal(&b);
		err->n = 1;
		return (NULL);
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	s = def_parse(path, buf_cstr(&b), b.len, err);
	buf_free(&b);
	return (s);
}
