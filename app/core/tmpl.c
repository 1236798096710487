#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "tmpl.h"

#define TMPL_MAX_DEPTH		16	/* sections open at once */
#define TMPL_MAX_PARTIALS	8	/* partials inside partials */
#define TMPL_MAX_BYTES		(1024 * 1024)

enum seg_type {
	SEG_LIT,
	SEG_VAR,
	SEG_RAW,
	SEG_STR,
	SEG_IF,
	SEG_UNLESS,
	SEG_LIST
};

struct seg {
	enum seg_type	 type;
	char		*s;		/* literal text or name */
	size_t		 len;
	size_t		 end;		/* sections: index after the section */
	unsigned int	 up;		/* list scopes out to the key's own */
};

struct tmpl {
	struct seg	*v;
	size_t		 n;
};

/* A declared key; a list has the keys of its rows. */
struct tkeys {
	struct tkey	*v;
	size_t		 n;
};

struct tkey {
	char		*name;
	int		 raw;
	int		 list;
	struct tkeys	 rows;
};

struct tvar {
	const char	*k;
	const char	*v;
	char		*own;		/* v, when tvars_copy made it */
	int		 list;
	struct tvars	**rows;		/* pointers: a row stays where it is */
	size_t		 nrows;
};

/* While compiling: where we are in the key scopes and open sections. */
struct cstate {
	struct tmpl		*t;
	const char		*dir;
	struct buf		*err;
	const struct tkeys	*scope[TMPL_MAX_DEPTH + 1];
	size_t			 nscope;
	size_t			 open[TMPL_MAX_DEPTH];
	size_t			 nopen;
	int			 partials;
};

static int
name_char(char c)
{
	return ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9') || c == '_' || c == '-');
}

static void
keys_free(struct tkeys *ks)
{
	size_t	 i;

	for (i = 0; i < ks->n; i++) {
		free(ks->v[i].name);
		keys_free(&ks->v[i].rows);
	}
	free(ks->v);
	ks->v = NULL;
	ks->n = 0;
}

/* One level of a declaration; *pp ends after this level's '}'. */
static int
keys_parse(const char **pp, struct tkeys *ks, int depth, struct buf *err)
{
	const char	*p = *pp, *start;
	struct tkey	*k;
	int		 raw;

	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (*p == '\0' || *p == '}') {
			if ((*p == '}') != (depth > 0)) {
				buf_printf(err, "keys: unbalanced '{' or '}'");
				return (0);
			}
			*pp = *p == '}' ? p + 1 : p;
			return (1);
		}
		raw = *p == '!';
		if (raw)
			p++;
		for (start = p; name_char(*p); p++)
			;
		if (p == start) {
			buf_printf(err, "keys: bad character '%c'", *p);
			return (0);
		}
		ks->v = xrealloc(ks->v, (ks->n + 1) * sizeof(*ks->v));
		k = &ks->v[ks->n++];
		memset(k, 0, sizeof(*k));
		k->name = xstrndup(start, (size_t)(p - start));
		k->raw = raw;
		if (*p != '{')
			continue;
		if (raw || depth == TMPL_MAX_DEPTH) {
			buf_printf(err, "keys: list '%s' cannot be raw or nested "
			    "that deep", k->name);
			return (0);
		}
		k->list = 1;
		p++;
		if (!keys_parse(&p, &k->rows, depth + 1, err))
			return (0);
	}
}

/* The innermost declared key of that name, and how many lists out. */
static const struct tkey *
keys_find(const struct cstate *c, const char *name, size_t len,
    unsigned int *up)
{
	const struct tkeys	*ks;
	size_t			 d, i;

	for (d = c->nscope; d-- > 0; ) {
		ks = c->scope[d];
		for (i = 0; i < ks->n; i++) {
			if (strlen(ks->v[i].name) == len &&
			    memcmp(ks->v[i].name, name, len) == 0) {
				*up = (unsigned int)(c->nscope - 1 - d);
				return (&ks->v[i]);
			}
		}
	}
	return (NULL);
}

static struct seg *
seg_add(struct tmpl *t, enum seg_type type, const char *s, size_t len)
{
	struct seg	*g;

	t->v = xrealloc(t->v, (t->n + 1) * sizeof(*t->v));
	g = &t->v[t->n++];
	g->type = type;
	g->s = xstrndup(s, len);
	g->len = len;
	g->end = 0;
	g->up = 0;
	return (g);
}

static int	compile_src(struct cstate *, const char *, const char *,
		    size_t);

/* Reads <dir>/<name>.html and compiles it where the tag stands. */
static int
compile_partial(struct cstate *c, const char *from, const char *name,
    size_t len)
{
	FILE		*f;
	struct buf	 path, src;
	char		 chunk[8192];
	size_t		 n, i, nopen;
	int		 ok;

	for (i = 0; i < len; i++)
		if (!name_char(name[i]))
			break;
	if (len == 0 || i < len) {
		buf_printf(c->err, "%s: partial '%.*s' needs a plain name",
		    from, (int)len, name);
		return (0);
	}
	if (c->dir == NULL) {
		buf_printf(c->err, "%s: partial '%.*s' without a template "
		    "directory", from, (int)len, name);
		return (0);
	}
	if (c->partials == TMPL_MAX_PARTIALS) {
		buf_printf(c->err, "%s: partials nested too deep (a loop?)",
		    from);
		return (0);
	}
	buf_init(&path);
	buf_printf(&path, "%s/%.*s.html", c->dir, (int)len, name);
	if ((f = fopen(buf_cstr(&path), "r")) == NULL) {
		buf_printf(c->err, "%s: partial %s: %s", from, buf_cstr(&path),
		    strerror(errno));
		buf_free(&path);
		return (0);
	}
	buf_init(&src);
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_append(&src, chunk, n);
	fclose(f);
	nopen = c->nopen;
	c->partials++;
	ok = compile_src(c, buf_cstr(&path), buf_cstr(&src), src.len);
	c->partials--;
	if (ok && c->nopen != nopen) {
		buf_printf(c->err, "%s: a section opened in it is not closed "
		    "in it", buf_cstr(&path));
		ok = 0;
	}
	buf_free(&src);
	buf_free(&path);
	return (ok);
}

/* One {{...}} tag: p..p+n is what stands between the braces. */
static int
compile_tag(struct cstate *c, const char *name, const char *p, size_t n,
    int raw)
{
	const struct tkey	*k;
	struct seg		*g;
	struct tmpl		*t = c->t;
	enum seg_type		 type;
	unsigned int		 up;
	size_t			 i, o;
	char			 sigil = raw ? '{' : p[0];

	if (sigil == '>')
		return (compile_partial(c, name, p + 1, n - 1));
	if (sigil == '#' || sigil == '^' || sigil == '*' || sigil == '/') {
		p++;
		n--;
	}
	for (i = 0; i < n; i++)
		if (!name_char(p[i]) && p[i] != '.')
			break;
	if (n == 0 || i < n) {
		buf_printf(c->err, "%s: '{{%.*s}}' is not a name", name,
		    (int)n, p);
		return (0);
	}
	if (sigil == '/') {
		if (c->nopen == 0 || t->v[o = c->open[c->nopen - 1]].len != n ||
		    memcmp(t->v[o].s, p, n) != 0) {
			buf_printf(c->err, "%s: '{{/%.*s}}' does not close the "
			    "open section", name, (int)n, p);
			return (0);
		}
		c->nopen--;
		t->v[o].end = t->n;
		if (t->v[o].type == SEG_LIST)
			c->nscope--;
		return (1);
	}
	if (!raw && sigil != '#' && sigil != '^' && sigil != '*' && n > 2 &&
	    p[0] == 't' && p[1] == '.') {
		g = seg_add(t, SEG_STR, p + 2, n - 2);
		if (i18n_loaded() && !i18n_has(g->s)) {
			buf_printf(c->err, "%s: '{{t.%s}}' is not in the string "
			    "catalogue", name, g->s);
			return (0);
		}
		return (1);
	}
	if ((k = keys_find(c, p, n, &up)) == NULL) {
		buf_printf(c->err, "%s: '{{%.*s}}' is not a declared key",
		    name, (int)n, p);
		return (0);
	}
	switch (sigil) {
	case '#':
	case '^':
	case '*':
		if (c->nopen == TMPL_MAX_DEPTH) {
			buf_printf(c->err, "%s: sections nested too deep", name);
			return (0);
		}
		if (sigil == '*' && !k->list) {
			buf_printf(c->err, "%s: '{{*%s}}' is not a list", name,
			    k->name);
			return (0);
		}
		type = sigil == '#' ? SEG_IF : sigil == '^' ? SEG_UNLESS :
		    SEG_LIST;
		c->open[c->nopen++] = t->n;
		g = seg_add(t, type, p, n);
		g->up = up;
		if (type == SEG_LIST)
			c->scope[c->nscope++] = &k->rows;
		return (1);
	default:
		if (k->list || k->raw != raw) {
			buf_printf(c->err, "%s: '{{%s}}' %s", name, k->name,
			    k->list ? "is a list: use {{*name}}" : raw ?
			    "is escaped: declare it '!name' to use it raw" :
			    "is raw HTML: use {{{name}}}");
			return (0);
		}
		g = seg_add(t, raw ? SEG_RAW : SEG_VAR, p, n);
		g->up = up;
		return (1);
	}
}

static int
compile_src(struct cstate *c, const char *name, const char *src, size_t len)
{
	const char	*p, *end, *open, *close;
	size_t		 n;
	int		 raw;

	p = src;
	end = src + len;
	while (p < end) {
		/* Explicit lengths: src need not end in a NUL. */
		open = memmem(p, (size_t)(end - p), "{{", 2);
		if (open == NULL) {
			seg_add(c->t, SEG_LIT, p, (size_t)(end - p));
			break;
		}
		if (open > p)
			seg_add(c->t, SEG_LIT, p, (size_t)(open - p));
		raw = open + 2 < end && open[2] == '{';
		p = open + (raw ? 3 : 2);
		if ((close = memmem(p, (size_t)(end - p), raw ? "}}}" : "}}",
		    raw ? 3 : 2)) == NULL) {
			buf_printf(c->err, "%s: '{{' without '}}'", name);
			return (0);
		}
		if ((n = (size_t)(close - p)) == 0) {
			buf_printf(c->err, "%s: empty '{{}}'", name);
			return (0);
		}
		if (!compile_tag(c, name, p, n, raw))
			return (0);
		p = close + (raw ? 3 : 2);
	}
	return (1);
}

struct tmpl *
tmpl_compile(const char *name, const char *src, size_t len, const char *keys,
    const char *dir, struct buf *err)
{
	struct cstate	 c;
	struct tkeys	 ks;
	const char	*kp = keys ? keys : "";

	memset(&ks, 0, sizeof(ks));
	memset(&c, 0, sizeof(c));
	if (!keys_parse(&kp, &ks, 0, err)) {
		keys_free(&ks);
		return (NULL);
	}
	c.t = xcalloc(1, sizeof(*c.t));
	c.dir = dir;
	c.err = err;
	c.scope[c.nscope++] = &ks;
	if (len > TMPL_MAX_BYTES) {
		buf_printf(err, "%s: larger than %d bytes", name,
		    TMPL_MAX_BYTES);
		goto fail;
	}
	if (!compile_src(&c, name, src, len))
		goto fail;
	if (c.nopen != 0) {
		buf_printf(err, "%s: section '%s' is not closed", name,
		    c.t->v[c.open[c.nopen - 1]].s);
		goto fail;
	}
	keys_free(&ks);
	return (c.t);
fail:
	keys_free(&ks);
	tmpl_free(c.t);
	return (NULL);
}

/* Partials are looked up next to the template itself. */
struct tmpl *
tmpl_load(const char *path, const char *keys, struct buf *err)
{
	FILE		*f;
	struct buf	 b;
	char		 chunk[8192], *dir, *slash;
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
	dir = xstrdup(path);
	if ((slash = strrchr(dir, '/')) != NULL)
		*slash = '\0';
	else
		dir[0] = '.', dir[1] = '\0';
	t = tmpl_compile(path, buf_cstr(&b), b.len, keys, dir, err);
	free(dir);
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
tvars_init(struct tvars *tv, enum lang l)
{
	memset(tv, 0, sizeof(*tv));
	tv->lang = l;
}

static void
tvar_clear(struct tvar *v)
{
	size_t	 i;

	for (i = 0; i < v->nrows; i++) {
		tvars_free(v->rows[i]);
		free(v->rows[i]);
	}
	free(v->rows);
	free(v->own);
	v->rows = NULL;
	v->nrows = 0;
	v->own = NULL;
	v->v = NULL;
	v->list = 0;
}

void
tvars_free(struct tvars *tv)
{
	size_t	 i;

	for (i = 0; i < tv->n; i++)
		tvar_clear(&tv->v[i]);
	free(tv->v);
	tv->v = NULL;
	tv->n = tv->cap = 0;
}

/* The entry for k, emptied when it was there already. */
static struct tvar *
tvars_slot(struct tvars *tv, const char *k)
{
	struct tvar	*v;
	size_t		 i;

	for (i = 0; i < tv->n; i++) {
		if (strcmp(tv->v[i].k, k) == 0) {
			tvar_clear(&tv->v[i]);
			return (&tv->v[i]);
		}
	}
	if (tv->n == tv->cap) {
		tv->cap = tv->cap ? tv->cap * 2 : 16;
		tv->v = xrealloc(tv->v, tv->cap * sizeof(*tv->v));
	}
	v = &tv->v[tv->n++];
	memset(v, 0, sizeof(*v));
	v->k = k;
	return (v);
}

void
tvars_set(struct tvars *tv, const char *k, const char *v)
{
	tvars_slot(tv, k)->v = v;
}

void
tvars_copy(struct tvars *tv, const char *k, const char *v)
{
	struct tvar	*e = tvars_slot(tv, k);

	if (v != NULL)
		e->v = e->own = xstrdup(v);
}

void
tvars_int(struct tvars *tv, const char *k, long n)
{
	struct tvar	*e = tvars_slot(tv, k);
	struct buf	 b;

	buf_init(&b);
	buf_int(&b, n);
	e->v = e->own = buf_steal(&b);
}

/* Whether k was set (even to NULL), so a handler can fill in defaults. */
int
tvars_has(const struct tvars *tv, const char *k)
{
	size_t	 i;

	for (i = 0; i < tv->n; i++)
		if (strcmp(tv->v[i].k, k) == 0)
			return (1);
	return (0);
}

struct tvars *
tvars_row(struct tvars *tv, const char *list)
{
	struct tvar	*e;
	struct tvars	*row;
	size_t		 i;

	e = NULL;
	for (i = 0; i < tv->n; i++)
		if (strcmp(tv->v[i].k, list) == 0 && tv->v[i].list)
			e = &tv->v[i];
	if (e == NULL) {
		e = tvars_slot(tv, list);
		e->list = 1;
	}
	e->rows = xrealloc(e->rows, (e->nrows + 1) * sizeof(*e->rows));
	row = xcalloc(1, sizeof(*row));
	row->lang = tv->lang;
	e->rows[e->nrows++] = row;
	return (row);
}

/* The values a segment sees: its list rows inside out, then the top. */
struct scope {
	const struct tvars	*tv;
	const struct scope	*up;
};

static const struct tvar *
scope_get(const struct scope *sc, const struct seg *g)
{
	const struct tvars	*tv;
	unsigned int		 up;
	size_t			 i;

	for (up = g->up; up > 0 && sc->up != NULL; up--)
		sc = sc->up;
	tv = sc->tv;
	for (i = 0; i < tv->n; i++)
		if (strcmp(tv->v[i].k, g->s) == 0)
			return (&tv->v[i]);
	return (NULL);
}

/* text: plain text for mail, values as they are (no HTML to escape). */
static void
render_range(const struct tmpl *t, size_t from, size_t to,
    const struct scope *sc, enum lang l, int text, struct buf *out)
{
	const struct seg	*g;
	const struct tvar	*v;
	struct scope		 in;
	size_t			 i, r;
	int			 on;

	for (i = from; i < to; ) {
		g = &t->v[i];
		switch (g->type) {
		case SEG_LIT:
			buf_append(out, g->s, g->len);
			break;
		case SEG_VAR:
			if ((v = scope_get(sc, g)) == NULL || v->v == NULL)
				break;
			if (text)
				buf_puts(out, v->v);
			else
				buf_html(out, v->v);
			break;
		case SEG_RAW:
			if ((v = scope_get(sc, g)) != NULL && v->v != NULL)
				buf_puts(out, v->v);
			break;
		case SEG_STR:
			if (text)
				buf_puts(out, i18n_get(l, g->s));
			else
				buf_html(out, i18n_get(l, g->s));
			break;
		case SEG_IF:
		case SEG_UNLESS:
			v = scope_get(sc, g);
			on = v != NULL && (v->list ? v->nrows > 0 :
			    v->v != NULL && *v->v != '\0');
			if (on != (g->type == SEG_IF)) {
				i = g->end;
				continue;
			}
			break;
		case SEG_LIST:
			if ((v = scope_get(sc, g)) != NULL && v->list) {
				in.up = sc;
				for (r = 0; r < v->nrows; r++) {
					in.tv = v->rows[r];
					render_range(t, i + 1, g->end, &in, l,
					    text, out);
				}
			}
			i = g->end;
			continue;
		}
		i++;
	}
}

void
tmpl_render(const struct tmpl *t, const struct tvars *tv, struct buf *out)
{
	struct scope	 top;

	top.tv = tv;
	top.up = NULL;
	render_range(t, 0, t->n, &top, tv->lang, 0, out);
}

/* The same for a plain-text template (mail): nothing is escaped. */
void
tmpl_render_text(const struct tmpl *t, const struct tvars *tv,
    struct buf *out)
{
	struct scope	 top;

	top.tv = tv;
	top.up = NULL;
	render_range(t, 0, t->n, &top, tv->lang, 1, out);
}
