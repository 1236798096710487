#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tmpl.h"

#define TMPL_MAX_DEPTH	16

enum seg_type {
	SEG_LIT,
	SEG_VAR,
	SEG_RAW,
	SEG_STR,
	SEG_IF,
	SEG_UNLESS
};

struct seg {
	enum seg_type	 type;
	char		*s;		/* literal text or name */
	size_t		 len;
	size_t		 end;		/* IF/UNLESS: index after the section */
};

struct tmpl {
	struct seg	*v;
	size_t		 n;
};

static void
seg_add(struct tmpl *t, enum seg_type type, const char *s, size_t len)
{
	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	t->v[t->n].type = type;
	t->v[t->n].s = xstrndup(s, len);
	t->v[t->n].len = len;
	t->v[t->n].end = 0;
	t->n++;
}

struct tmpl *
tmpl_compile(const char *name, const char *src, size_t len, struct buf *err)
{
	struct tmpl	*t;
	const char	*p, *end, *open, *close;
	size_t		 stack[TMPL_MAX_DEPTH], depth = 0, n;
	int		 raw;

	t = xcalloc(1, sizeof(*t));
	p = src;
	end = src + len;
	while (p < end) {
		open = strstr(p, "{{");
		if (open == NULL || open >= end) {
			seg_add(t, SEG_LIT, p, (size_t)(end - p));
			break;
		}
		if (open > p)
			seg_add(t, SEG_LIT, p, (size_t)(open - p));
		raw = open + 2 < end && open[2] == '{';
		if ((close = strstr(open, raw ? "}}}" : "}}")) == NULL) {
			buf_printf(err, "%s: '{{' without '}}'", name);
			goto fail;
		}
		p = open + (raw ? 3 : 2);
		n = (size_t)(close - p);
		if (n == 0) {
			buf_printf(err, "%s: empty '{{}}'", name);
			goto fail;
		}
		if (raw)
			seg_add(t, SEG_RAW, p, n);
		else if (*p == '#' || *p == '^') {
			if (depth == TMPL_MAX_DEPTH) {
				buf_printf(err, "%s: sections nested too deep",
				    name);
				goto fail;
			}
			stack[depth++] = t->n;
			seg_add(t, *p == '#' ? SEG_IF : SEG_UNLESS, p + 1,
			    n - 1);
		} else if (*p == '/') {
			if (depth == 0 || strncmp(t->v[stack[depth - 1]].s,
			    p + 1, n - 1) != 0 ||
			    t->v[stack[depth - 1]].len != n - 1) {
				buf_printf(err, "%s: '{{/%.*s}}' does not close "
				    "the open section", name, (int)(n - 1),
				    p + 1);
				goto fail;
			}
			t->v[stack[--depth]].end = t->n;
		} else if (n > 2 && p[0] == 't' && p[1] == '.')
			seg_add(t, SEG_STR, p + 2, n - 2);
		else
			seg_add(t, SEG_VAR, p, n);
		p = close + (raw ? 3 : 2);
	}
	if (depth != 0) {
		buf_printf(err, "%s: section '%s' is not closed", name,
		    t->v[stack[depth - 1]].s);
		goto fail;
	}
	return (t);
fail:
	tmpl_free(t);
	return (NULL);
}

struct tmpl *
tmpl_load(const char *path, struct buf *err)
{
	FILE		*f;
	struct buf	 b;
	char		 chunk[8192];
	size_t		 n;
	struct tmpl	*t;

	if ((f = fopen(path, "r")) == NULL) {
		buf_printf(err, "%s: %s", path, strerror(errno));
		return (NULL);
	}
	buf_init(&b);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&b, chunk, n);
	fclose(f);
	t = tmpl_compile(path, buf_cstr(&b), b.len, err);
	buf_free(&b);
	return (t);
}

void
tmpl_free(struct tmpl *t)
{
	size_t	 i;

	if (t == NULL)
		return;
	for (i = 0; i < t->n; i++)
		free(t->v[i].s);
	free(t->v);
	free(t);
}

void
tvars_set(struct tvars *tv, const char *k, const char *v)
{
	size_t	 i;

	for (i = 0; i < tv->n; i++) {
		if (strcmp(tv->k[i], k) == 0) {
			tv->v[i] = v;
			return;
		}
	}
	if (tv->n == TVARS_MAX)
		abort();
	tv->k[tv->n] = k;
	tv->v[tv->n] = v;
	tv->n++;
}

static const char *
tvars_get(const struct tvars *tv, const char *k)
{
	size_t	 i;

	for (i = 0; i < tv->n; i++)
		if (strcmp(tv->k[i], k) == 0)
			return (tv->v[i] ? tv->v[i] : "");
	return ("");
}

void
tmpl_render(const struct tmpl *t, const struct tvars *tv, struct buf *out)
{
	size_t		 i;
	const struct seg *s;
	const char	*v;

	for (i = 0; i < t->n; ) {
		s = &t->v[i];
		switch (s->type) {
		case SEG_LIT:
			buf_append(out, s->s, s->len);
			break;
		case SEG_VAR:
			buf_html(out, tvars_get(tv, s->s));
			break;
		case SEG_RAW:
			buf_puts(out, tvars_get(tv, s->s));
			break;
		case SEG_STR:
			buf_html(out, i18n_get(tv->lang, s->s));
			break;
		case SEG_IF:
		case SEG_UNLESS:
			v = tvars_get(tv, s->s);
			if ((*v != '\0') != (s->type == SEG_IF)) {
				i = s->end;
				continue;
			}
			break;
		}
		i++;
	}
}
