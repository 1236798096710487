/*
 * GET  /admin/results?wave=<id>&item=<ID>&by=<breakdown>&compare=<wave>
 * POST /admin/results                    the wave's population (admins)
 * Results of completed responses (test responses never count), on the
 * coded values (sql/065): per item a frequency table with n, shares and
 * 95 % margins of error (app/core/stats.c), for all and by a background
 * variable, with the base named; 0-10 items with mean and NPS; the same
 * item in another wave with the difference and a z-test, flagged where
 * the wording changed; an SVG chart beside each table; the methodology
 * box. Cells under 5 are suppressed for everyone: results travel.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "codebook.h"
#include "i18n.h"
#include "stats.h"
#include "wording.h"
#include "web.h"

#define MAXG	64

struct cnt {
	char	 g[64];
	char	 var[VAR_MAX];
	char	 state;
	char	 val[24];
	long	 n;
};

struct counts {
	struct cnt	*v;
	size_t		 n, cap;
	char		 g[MAXG][64];
	size_t		 ng;
};

struct meta {
	char	 key[64], title[200], year[8], opens[16], closes[16];
	char	 channels[200];
	long	 population, invited, noheadcount, completed;
	int	 survey_id, definition_id, found;
};

struct rctx {
	struct tvars		*tv;
	enum lang		 lang;
	const struct survey	*s;
	const struct item	*it;
	const char		*bykind;	/* '' version rhf var band */
	const char		*byvar;
	const struct optset	*byopts;	/* labels of a 'var' group */
	long			 frame;		/* population, for the FPC */
	int			 wave;
	int			 coded;		/* coded values, or raw */
	int			 cmp;		/* the wave compared with */
	struct counts		 c;
	int			 nchart;
};

static void
meta_row(int n, const char *const *v, void *arg)
{
	struct meta	*m = arg;

	if (n < 12)
		return;
	snprintf(m->key, sizeof(m->key), "%s", v[0]);
	snprintf(m->title, sizeof(m->title), "%s", v[1]);
	snprintf(m->year, sizeof(m->year), "%s", v[2]);
	snprintf(m->opens, sizeof(m->opens), "%s", v[3]);
	snprintf(m->closes, sizeof(m->closes), "%s", v[4]);
	m->population = strtol(v[5], NULL, 10);
	m->invited = strtol(v[6], NULL, 10);
	m->noheadcount = strtol(v[7], NULL, 10);
	m->completed = strtol(v[8], NULL, 10);
	snprintf(m->channels, sizeof(m->channels), "%s", v[9]);
	m->survey_id = atoi(v[10]);
	m->definition_id = atoi(v[11]);
	m->found = 1;
}

static void
count_row(int n, const char *const *v, void *arg)
{
	struct counts	*c = arg;
	struct cnt	*x;
	size_t		 i;

	if (n < 5)
		return;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	x = &c->v[c->n++];
	snprintf(x->g, sizeof(x->g), "%s", v[0]);
	snprintf(x->var, sizeof(x->var), "%s", v[1]);
	x->state = v[2][0];
	snprintf(x->val, sizeof(x->val), "%s", v[3]);
	x->n = strtol(v[4], NULL, 10);
	for (i = 0; i < c->ng; i++)
		if (strcmp(c->g[i], x->g) == 0)
			return;
	if (c->ng < MAXG)
		snprintf(c->g[c->ng++], sizeof(c->g[0]), "%s", x->g);
}

/* Codes sort as numbers, names as text; "" (not given) last. */
static int
group_cmp(const void *a, const void *b)
{
	const char	*x = a, *y = b;
	char		*ex, *ey;
	long		 nx, ny;

	if (*x == '\0' || *y == '\0')
		return ((*x == '\0') - (*y == '\0'));
	nx = strtol(x, &ex, 10);
	ny = strtol(y, &ey, 10);
	if (*ex == '\0' && *ey == '\0')
		return (nx < ny ? -1 : nx > ny);
	return (strcmp(x, y));
}

/* The sum of the counts that match; g NULL is every group. */
static long
sum(const struct counts *c, const char *g, const char *var, char state,
    const char *val)
{
	long	 t = 0;
	size_t	 i;

	for (i = 0; i < c->n; i++) {
		if (g != NULL && strcmp(c->v[i].g, g) != 0)
			continue;
		if (strcmp(c->v[i].var, var) != 0 || c->v[i].state != state)
			continue;
		if (val != NULL && strcmp(c->v[i].val, val) != 0)
			continue;
		t += c->v[i].n;
	}
	return (t);
}

static void
fmt(char *b, size_t len, const char *f, double x)
{
	snprintf(b, len, f, x);
}

static const char *const bands[] = { "", "<30", "30–39", "40–49", "50–59",
    "60+" };

static const char *
group_label(struct rctx *x, const char *g)
{
	const struct option	*o;
	long			 k;

	if (*g == '\0')
		return (i18n_get(x->lang, "admin.results.notgiven"));
	if (strcmp(x->bykind, "band") == 0) {
		k = strtol(g, NULL, 10);
		return (k >= 1 && k <= 5 ? bands[k] : g);
	}
	if (strcmp(x->bykind, "var") == 0 && x->byopts != NULL &&
	    (o = optset_find(x->byopts, atoi(g))) != NULL)
		return (text_get(&o->label, x->lang));
	return (g);
}

/* n, share and margin of one cell, or "<5" and dashes. */
static void
cell_set(struct rctx *x, struct tvars *cell, long k, long base)
{
	struct stats_prop	 p;
	char			 b[32];

	if (!stats_shown(k) || !stats_shown(base)) {
		tvars_set(cell, "n", "<5");
		tvars_set(cell, "pct", "–");
		tvars_set(cell, "moe", "–");
		return;
	}
	tvars_int(cell, "n", k);
	if (!stats_prop(k, base, x->frame, &p)) {
		tvars_set(cell, "pct", "–");
		tvars_set(cell, "moe", "–");
		return;
	}
	fmt(b, sizeof(b), "%.1f", 100 * p.p);
	tvars_copy(cell, "pct", b);
	fmt(b, sizeof(b), "±%.1f", 100 * p.moe);
	tvars_copy(cell, "moe", b);
}

static void
count_set(struct tvars *tv, const char *key, long n)
{
	if (!stats_shown(n))
		tvars_set(tv, key, "<5");
	else
		tvars_int(tv, key, n);
}

/* Columns: all, then each group of the breakdown. */
static void
cols_set(struct rctx *x, struct tvars *tab, const char *basevar)
{
	struct tvars	*col;
	size_t		 i;

	col = tvars_row(tab, "cols");
	tvars_set(col, "name", i18n_get(x->lang, "admin.results.all"));
	count_set(col, "n", sum(&x->c, NULL, basevar, 'a', NULL));
	for (i = 0; i < x->c.ng && *x->bykind != '\0'; i++) {
		col = tvars_row(tab, "cols");
		tvars_copy(col, "name", group_label(x, x->c.g[i]));
		count_set(col, "n", sum(&x->c, x->c.g[i], basevar, 'a', NULL));
	}
}

struct chartrow {
	struct chart_bar	 bars[64];
	char			 labels[64][80];
	char			 shown[64][16];
	size_t			 n;
};

static void
chart_add(struct chartrow *ch, const char *label, long k, long base)
{
	struct chart_bar	*b;

	if (ch->n >= 64)
		return;
	b = &ch->bars[ch->n];
	snprintf(ch->labels[ch->n], sizeof(ch->labels[0]), "%s", label);
	b->label = ch->labels[ch->n];
	if (!stats_shown(k) || !stats_shown(base) || base <= 0) {
		/* The bar must not tell what the table hides. */
		snprintf(ch->shown[ch->n], sizeof(ch->shown[0]), "<5");
		b->value = base > 0 ? 1000 * STATS_SMALL / base : 0;
	} else {
		b->value = (long)(1000.0 * (double)k / (double)base + 0.5);
		snprintf(ch->shown[ch->n], sizeof(ch->shown[0]), "%.1f %%",
		    100.0 * (double)k / (double)base);
	}
	b->shown = ch->shown[ch->n];
	ch->n++;
}

static void
chart_put(struct rctx *x, struct tvars *tab, struct chartrow *ch,
    const char *title)
{
	struct buf	 b;
	char		 id[32];

	snprintf(id, sizeof(id), "chart-%d", ++x->nchart);
	buf_init(&b);
	if (chart_bars(&b, id, title, i18n_get(x->lang,
	    "admin.results.chart.desc"), ch->bars, ch->n))
		tvars_copy(tab, "chart", buf_cstr(&b));
	buf_free(&b);
}

/*
 * One table: the options of a categorical variable (single, a grid row,
 * a 0-10 item), k the answers with that code of those who answered.
 */
static void
table_codes(struct rctx *x, const char *title, const char *var,
    const struct optset *os, int nps)
{
	struct tvars	*tab, *row, *cell;
	struct chartrow	*ch;
	char		 code[16], label[16];
	long		 base;
	size_t		 i, g, nrows;
	int		 v;

	ch = xcalloc(1, sizeof(*ch));
	tab = tvars_row(x->tv, "tables");
	tvars_copy(tab, "title", title);
	cols_set(x, tab, var);
	nrows = nps ? 12 : os->n;
	base = sum(&x->c, NULL, var, 'a', NULL);
	for (i = 0; i < nrows; i++) {
		const char	*lab;

		if (nps) {
			v = i == 11 ? NPS_DONTKNOW : (int)i;
			snprintf(label, sizeof(label), "%d", v);
			lab = i == 11 ? i18n_get(x->lang, "q.dontknow") :
			    label;
		} else {
			v = os->v[i].code;
			lab = text_get(&os->v[i].label, x->lang);
		}
		snprintf(code, sizeof(code), "%d", v);
		row = tvars_row(tab, "rows");
		tvars_copy(row, "label", lab);
		cell = tvars_row(row, "cells");
		cell_set(x, cell, sum(&x->c, NULL, var, 'a', code), base);
		chart_add(ch, lab, sum(&x->c, NULL, var, 'a', code), base);
		for (g = 0; g < x->c.ng && *x->bykind != '\0'; g++) {
			cell = tvars_row(row, "cells");
			cell_set(x, cell, sum(&x->c, x->c.g[g], var, 'a', code),
			    sum(&x->c, x->c.g[g], var, 'a', NULL));
		}
	}
	count_set(tab, "skipped", sum(&x->c, NULL, var, 's', NULL));
	chart_put(x, tab, ch, title);
	free(ch);
}

/* A multiple choice: each option's share of those who answered. */
static void
table_multi(struct rctx *x, const char *title)
{
	const struct item	*it = x->it;
	struct tvars		*tab, *row, *cell;
	struct chartrow		*ch;
	char			 var[VAR_MAX], first[VAR_MAX];
	long			 base;
	size_t			 i, g;

	if (it->opts.n == 0)
		return;
	ch = xcalloc(1, sizeof(*ch));
	snprintf(first, sizeof(first), "%s.%d", it->id, it->opts.v[0].code);
	tab = tvars_row(x->tv, "tables");
	tvars_copy(tab, "title", title);
	tvars_set(tab, "multi", "1");
	cols_set(x, tab, first);
	base = sum(&x->c, NULL, first, 'a', NULL);
	for (i = 0; i < it->opts.n; i++) {
		snprintf(var, sizeof(var), "%s.%d", it->id, it->opts.v[i].code);
		row = tvars_row(tab, "rows");
		tvars_copy(row, "label", text_get(&it->opts.v[i].label,
		    x->lang));
		cell = tvars_row(row, "cells");
		cell_set(x, cell, sum(&x->c, NULL, var, 'a', "1"), base);
		chart_add(ch, text_get(&it->opts.v[i].label, x->lang),
		    sum(&x->c, NULL, var, 'a', "1"), base);
		for (g = 0; g < x->c.ng && *x->bykind != '\0'; g++) {
			cell = tvars_row(row, "cells");
			cell_set(x, cell, sum(&x->c, x->c.g[g], var, 'a', "1"),
			    sum(&x->c, x->c.g[g], var, 'a', NULL));
		}
	}
	count_set(tab, "skipped", sum(&x->c, NULL, first, 's', NULL));
	chart_put(x, tab, ch, title);
	free(ch);
}

/* Counts of the values 0..nv-1 of a variable in group g (NULL all). */
static void
histogram(const struct counts *c, const char *g, const char *var, long *h,
    int nv)
{
	char	*end;
	long	 k;
	size_t	 i;

	memset(h, 0, sizeof(*h) * (size_t)nv);
	for (i = 0; i < c->n; i++) {
		if ((g != NULL && strcmp(c->v[i].g, g) != 0) ||
		    strcmp(c->v[i].var, var) != 0 || c->v[i].state != 'a')
			continue;
		k = strtol(c->v[i].val, &end, 10);
		if (*end == '\0' && k >= 0 && k < nv)
			h[k] += c->v[i].n;
	}
}

/* Mean (and for a 0-10 item NPS) of a variable, one row per group. */
static void
stats_group(struct rctx *x, struct tvars *st, const char *name,
    const char *g, const char *var, int nv, int nps)
{
	struct tvars		*row;
	struct stats_mean	 m;
	struct stats_nps	 s;
	long			*h;
	char			 b[48];

	h = xcalloc((size_t)nv, sizeof(*h));
	histogram(&x->c, g, var, h, nv);
	row = tvars_row(st, "groups");
	tvars_copy(row, "name", name);
	if (!stats_mean(h, nv, x->frame, &m) || !stats_shown(m.n)) {
		count_set(row, "n", m.n);
		free(h);
		return;
	}
	tvars_int(row, "n", m.n);
	fmt(b, sizeof(b), "%.2f", m.mean);
	tvars_copy(row, "mean", b);
	fmt(b, sizeof(b), "±%.2f", m.moe);
	tvars_copy(row, "mean_moe", b);
	if (nps && stats_nps(h, x->frame, &s)) {
		fmt(b, sizeof(b), "%.1f", s.nps);
		tvars_copy(row, "nps", b);
		fmt(b, sizeof(b), "±%.1f", s.moe);
		tvars_copy(row, "nps_moe", b);
		count_set(row, "promoters", s.promoters);
		count_set(row, "passives", s.passives);
		count_set(row, "detractors", s.detractors);
	}
	free(h);
}

static void
stats_table(struct rctx *x, const char *title, const char *var, int nv,
    int nps)
{
	struct tvars	*st;
	size_t		 g;

	st = tvars_row(x->tv, "stats");
	tvars_copy(st, "title", title);
	tvars_set(st, "nps", nps ? "1" : NULL);
	stats_group(x, st, i18n_get(x->lang, "admin.results.all"), NULL, var,
	    nv, nps);
	for (g = 0; g < x->c.ng && *x->bykind != '\0'; g++)
		stats_group(x, st, group_label(x, x->c.g[g]), x->c.g[g], var,
		    nv, nps);
}

static void
vars_collect(const struct item *it, const char *var, void *arg)
{
	struct buf	*b = arg;

	buf_puts(b, var);
	buf_putc(b, '\n');
}

/* The item's variables, split on the newlines vars_collect wrote. */
static size_t
item_var_list(const struct item *it, struct buf *b, const char **v,
    size_t max)
{
	char	*p;
	size_t	 n = 0;

	buf_init(b);
	item_vars(it, vars_collect, b);
	for (p = (char *)buf_cstr(b); *p != '\0' && n < max; ) {
		v[n++] = p;
		if ((p = strchr(p, '\n')) == NULL)
			break;
		*p++ = '\0';
	}
	return (n);
}

static void
base_text(struct rctx *x, struct buf *b)
{
	const struct page	*pg = &x->s->pages[x->it->page];

	buf_puts(b, i18n_get(x->lang, "admin.results.base.all"));
	if (pg->cond != NULL) {
		buf_puts(b, "; ");
		buf_puts(b, i18n_get(x->lang, "admin.results.base.page"));
		buf_putc(b, ' ');
		cond_text(pg->cond, b);
	}
	if (x->it->cond != NULL) {
		buf_puts(b, "; ");
		buf_puts(b, i18n_get(x->lang, "admin.results.base.item"));
		buf_putc(b, ' ');
		cond_text(x->it->cond, b);
	}
}

/* The coded open texts of a variable: option or frame code, count. */
static void
code_row(int n, const char *const *v, void *arg)
{
	struct rctx		*x = arg;
	struct tvars		*row;
	const struct option	*o;
	char			 b[240];

	if (n < 4)
		return;
	row = tvars_row(x->tv, "codes");
	if (*v[0] != '\0') {
		o = optset_find(item_options(x->it), atoi(v[0]));
		snprintf(b, sizeof(b), "%s %s (%s)", i18n_get(x->lang,
		    "admin.open.backcoded"), o != NULL ? text_get(&o->label,
		    x->lang) : v[0], v[0]);
	} else
		snprintf(b, sizeof(b), "%s: %s", v[1], v[2]);
	tvars_copy(row, "label", b);
	count_set(row, "n", strtol(v[3], NULL, 10));
}

/* The same variable in another wave: share, difference, z-test. */
static void
compare_row(struct rctx *x, struct counts *o, const char *label,
    const char *var, const char *val, long base1, long base2)
{
	struct tvars	*row;
	struct stats_z	 z;
	long		 k1 = sum(&x->c, NULL, var, 'a', val);
	long		 k2 = sum(o, NULL, var, 'a', val);
	char		 b[32];

	row = tvars_row(x->tv, "compare");
	tvars_copy(row, "label", label);
	if (!stats_shown(k1) || !stats_shown(k2) || !stats_shown(base1) ||
	    !stats_shown(base2) || !stats_ztest(k1, base1, k2, base2, &z)) {
		tvars_set(row, "p1", "<5");
		tvars_set(row, "p2", "<5");
		return;
	}
	fmt(b, sizeof(b), "%.1f", 100.0 * (double)k1 / (double)base1);
	tvars_copy(row, "p1", b);
	fmt(b, sizeof(b), "%.1f", 100.0 * (double)k2 / (double)base2);
	tvars_copy(row, "p2", b);
	fmt(b, sizeof(b), "%+.1f", 100 * z.diff);
	tvars_copy(row, "diff", b);
	fmt(b, sizeof(b), "%.2f", z.z);
	tvars_copy(row, "z", b);
	fmt(b, sizeof(b), "%.3f", z.pvalue);
	tvars_copy(row, "pvalue", b);
	tvars_set(row, "sig", i18n_get(x->lang, z.significant ?
	    "admin.results.sig.yes" : "admin.results.sig.no"));
}

/*
 * Compares the item's first categorical variable (a grid: each row) of
 * this wave with the same variable name in wave `other`.
 */
static int
compare(struct rctx *x, int other, const char *const *vars, size_t nvars)
{
	const struct survey	*s2;
	const struct item	*it2;
	const struct optset	*os = item_options(x->it);
	struct counts		 o;
	char			 code[16], label[200];
	const char		*why;
	int			 def, year = 0, rc;
	size_t			 i, j, n;

	if ((def = db_results_wave_def(app.adb, other, &year)) == DB_ERR)
		return (DB_ERR);
	tvars_int(x->tv, "other_year", year);
	if (def == 0 || catalog_def(def, &s2, &why) != CAT_OK ||
	    (it2 = survey_item(s2, x->it->id)) == NULL) {
		tvars_set(x->tv, "compare_missing", "1");
		return (0);
	}
	if (item_wording_changed(x->it, it2))
		tvars_set(x->tv, "wording_changed", "1");
	memset(&o, 0, sizeof(o));
	if ((rc = db_results_counts(app.adb, other, vars, nvars, "", "",
	    x->coded, count_row, &o)) == DB_ERR) {
		free(o.v);
		return (DB_ERR);
	}
	tvars_set(x->tv, "compared", "1");
	for (j = 0; j < nvars; j++) {
		if (strstr(vars[j], ".other") != NULL)
			continue;
		if (x->it->type == ITEM_MULTI) {
			if (j > 0)
				break;
			for (i = 0; i < x->it->opts.n; i++) {
				char	 var[VAR_MAX];

				snprintf(var, sizeof(var), "%s.%d", x->it->id,
				    x->it->opts.v[i].code);
				compare_row(x, &o, text_get(
				    &x->it->opts.v[i].label, x->lang), var,
				    "1", sum(&x->c, NULL, vars[0], 'a', NULL),
				    sum(&o, NULL, vars[0], 'a', NULL));
			}
			break;
		}
		n = x->it->type == ITEM_NPS ? 12 : os != NULL ? os->n : 0;
		for (i = 0; i < n; i++) {
			int	 v = x->it->type == ITEM_NPS ? (i == 11 ?
			    NPS_DONTKNOW : (int)i) : os->v[i].code;

			snprintf(code, sizeof(code), "%d", v);
			if (x->it->type == ITEM_NPS)
				snprintf(label, sizeof(label), "%s%s", code,
				    "");
			else
				snprintf(label, sizeof(label), "%s%s%s",
				    x->it->type == ITEM_GRID ? vars[j] : "",
				    x->it->type == ITEM_GRID ? ": " : "",
				    text_get(&os->v[i].label, x->lang));
			compare_row(x, &o, label, vars[j], code,
			    sum(&x->c, NULL, vars[j], 'a', NULL),
			    sum(&o, NULL, vars[j], 'a', NULL));
		}
	}
	free(o.v);
	return (0);
}

/* The item's tables, by its type. */
static int
item_results(struct rctx *x, int other)
{
	const struct item	*it = x->it;
	const char		*vars[256];
	const struct row	*rw;
	struct buf		 vb, q;
	char			 title[400];
	size_t			 nvars, i;
	int			 rc;

	nvars = item_var_list(it, &vb, vars, 256);
	if ((rc = db_results_counts(app.adb, x->wave, vars, nvars, x->bykind,
	    x->byvar, x->coded, count_row, &x->c)) == DB_ERR) {
		buf_free(&vb);
		return (DB_ERR);
	}
	qsort(x->c.g, x->c.ng, sizeof(x->c.g[0]), group_cmp);
	buf_init(&q);
	item_question(it, x->lang, &q);
	for (i = 0; i < nvars; i++) {
		const char	*dot = strchr(vars[i], '.');

		if (dot != NULL && strcmp(dot, ".other") == 0) {
			tvars_copy(x->tv, "other_var", vars[i]);
			count_set(x->tv, "other_n", sum(&x->c, NULL, vars[i],
			    'a', NULL));
			if ((rc = db_results_codes(app.adb, x->wave, vars[i],
			    code_row, x)) == DB_ERR)
				break;
			continue;
		}
		rw = dot != NULL ? item_row(it, dot + 1) : NULL;
		snprintf(title, sizeof(title), "%s%s%s", rw != NULL ?
		    text_get(&rw->label, x->lang) : buf_cstr(&q),
		    rw != NULL ? " – " : "", rw != NULL ? vars[i] : "");
		switch (it->type) {
		case ITEM_SINGLE:
		case ITEM_GRID:
			table_codes(x, title, vars[i], item_options(it), 0);
			break;
		case ITEM_NPS:
			table_codes(x, title, vars[i], NULL, 1);
			stats_table(x, title, vars[i], 11, 1);
			break;
		case ITEM_MULTI:
			if (i == 0)
				table_multi(x, buf_cstr(&q));
			break;
		case ITEM_NUMBER:
		case ITEM_SUM:
			stats_table(x, title, vars[i], it->type == ITEM_NUMBER ?
			    (int)(it->max < 10000 ? it->max + 1 : 10000) :
			    (int)(it->total < 10000 ? it->total + 1 : 10000), 0);
			break;
		case ITEM_TEXT:
			tvars_copy(x->tv, "other_var", vars[i]);
			count_set(x->tv, "other_n", sum(&x->c, NULL, vars[i],
			    'a', NULL));
			rc = db_results_codes(app.adb, x->wave, vars[i],
			    code_row, x);
			break;
		default:
			break;
		}
		if (rc == DB_ERR)
			break;
	}
	if (rc != DB_ERR && other > 0 && other != x->wave)
		rc = compare(x, other, vars, nvars);
	buf_free(&q);
	buf_free(&vb);
	return (rc == DB_ERR ? DB_ERR : 0);
}

static void
wave_row(int n, const char *const *v, void *arg)
{
	struct rctx	*x = arg;
	struct tvars	*row;

	if (n < 3)
		return;
	row = tvars_row(x->tv, "waves");
	tvars_copy(row, "id", v[0]);
	tvars_copy(row, "name", v[1]);
	if (atoi(v[0]) == x->wave)
		tvars_set(row, "selected", "1");
	if (x->s != NULL)
		tvars_set(row, "cmp", atoi(v[0]) != x->wave ? "1" : NULL);
	if (atoi(v[0]) == x->cmp)
		tvars_set(row, "cmpsel", "1");
}

static void
newest_wave(int n, const char *const *v, void *arg)
{
	int	*w = arg;

	if (n > 0 && *w == 0)
		*w = atoi(v[0]);
}

/* Breakdowns: version, RHF, hidden variables, single and number items. */
static void
by_options(struct rctx *x, const char *by)
{
	struct tvars		*row;
	const struct item	*it;
	struct buf		 q;
	size_t			 i;

	row = tvars_row(x->tv, "bys");
	tvars_set(row, "value", "");
	tvars_set(row, "label", i18n_get(x->lang, "admin.results.by.none"));
	row = tvars_row(x->tv, "bys");
	tvars_set(row, "value", "version");
	tvars_set(row, "label", i18n_get(x->lang, "admin.version"));
	tvars_set(row, "selected", strcmp(by, "version") == 0 ? "1" : NULL);
	row = tvars_row(x->tv, "bys");
	tvars_set(row, "value", "rhf");
	tvars_set(row, "label", "RHF");
	tvars_set(row, "selected", strcmp(by, "rhf") == 0 ? "1" : NULL);
	for (i = 0; i < x->s->nhidden; i++) {
		row = tvars_row(x->tv, "bys");
		tvars_set(row, "value", x->s->hidden[i].id);
		buf_init(&q);
		buf_printf(&q, "%s: %s", x->s->hidden[i].id,
		    text_get(&x->s->hidden[i].label, x->lang));
		tvars_copy(row, "label", buf_cstr(&q));
		buf_free(&q);
		tvars_set(row, "selected", strcmp(by, x->s->hidden[i].id) ==
		    0 ? "1" : NULL);
	}
	for (i = 0; i < x->s->nitems; i++) {
		it = &x->s->items[i];
		if (it->type != ITEM_SINGLE && it->type != ITEM_NUMBER)
			continue;
		row = tvars_row(x->tv, "bys");
		tvars_set(row, "value", it->id);
		buf_init(&q);
		buf_printf(&q, "%s%s%s: ", it->id, it->type == ITEM_NUMBER ?
		    " " : "", it->type == ITEM_NUMBER ? i18n_get(x->lang,
		    "admin.results.by.band") : "");
		item_question(it, x->lang, &q);
		tvars_copy(row, "label", buf_cstr(&q));
		buf_free(&q);
		tvars_set(row, "selected", strcmp(by, it->id) == 0 ? "1" :
		    NULL);
	}
}

/* Which breakdown `by` names; unknown ones are none. */
static void
by_resolve(struct rctx *x, const char *by)
{
	const struct hidden	*h;
	const struct item	*it;

	x->bykind = "";
	x->byvar = "";
	if (strcmp(by, "version") == 0 || strcmp(by, "rhf") == 0) {
		x->bykind = by;
		return;
	}
	if ((h = survey_hidden(x->s, by)) != NULL) {
		x->bykind = "var";
		x->byvar = h->id;
		x->byopts = &h->values;
		return;
	}
	if ((it = survey_item(x->s, by)) == NULL)
		return;
	if (it->type == ITEM_SINGLE) {
		x->bykind = "var";
		x->byvar = it->id;
		x->byopts = item_options(it);
	} else if (it->type == ITEM_NUMBER) {
		x->bykind = "band";
		x->byvar = it->id;
	}
}

/*
 * "link 60, personal 3" from the query, with each channel's name in the
 * page's language: "unit link 60, personal invitation 3".
 */
static void
channels_text(enum lang l, const char *in, struct buf *b)
{
	char		 key[64];
	const char	*sp, *end;

	while (*in != '\0') {
		if ((sp = strchr(in, ' ')) == NULL)
			break;
		if ((end = strstr(sp, ", ")) == NULL)
			end = sp + strlen(sp);
		snprintf(key, sizeof(key), "admin.results.channel.%.*s",
		    (int)(sp - in), in);
		buf_puts(b, i18n_get(l, key));
		buf_printf(b, "%.*s", (int)(end - sp), sp);
		if (*end == '\0')
			break;
		buf_puts(b, ", ");
		in = end + 2;
	}
}

static void
methodology(struct rctx *x, const struct meta *m)
{
	struct buf		 cb;
	struct stats_prop	 p;
	char			 b[96];

	tvars_copy(x->tv, "survey", m->title);
	tvars_copy(x->tv, "year", m->year);
	tvars_copy(x->tv, "opens", m->opens);
	tvars_copy(x->tv, "closes", m->closes);
	tvars_int(x->tv, "invited", m->invited);
	tvars_int(x->tv, "completed", m->completed);
	if (m->noheadcount > 0)
		tvars_int(x->tv, "noheadcount", m->noheadcount);
	if (m->invited > 0 && stats_prop(m->completed > m->invited ?
	    m->invited : m->completed, m->invited, 0, &p)) {
		snprintf(b, sizeof(b), "%.1f %%", 100 * p.p);
		tvars_copy(x->tv, "rate", b);
	}
	buf_init(&cb);
	channels_text(x->lang, m->channels, &cb);
	tvars_copy(x->tv, "channels", buf_cstr(&cb));
	buf_free(&cb);
	if (m->population > 0)
		tvars_int(x->tv, "population", m->population);
}

/* The list of the items, with how many answered each. */
static void
item_list(struct rctx *x)
{
	struct tvars		*row;
	const struct item	*it;
	struct buf		 q;
	size_t			 i;

	for (i = 0; i < x->s->nitems; i++) {
		it = &x->s->items[i];
		if (it->type == ITEM_INFO)
			continue;
		row = tvars_row(x->tv, "items");
		tvars_set(row, "id", it->id);
		buf_init(&q);
		item_question(it, x->lang, &q);
		tvars_copy(row, "text", buf_cstr(&q));
		buf_free(&q);
	}
}

int
admin_results(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct rctx		 x;
	struct meta		 m;
	struct tvars		 tv;
	struct form		 q;
	struct buf		 b;
	const char		*w, *item, *by, *cmp, *pop, *why;
	char			 obj[64], detail[96], *end;
	long			 population;
	int			 rc;

	if (req->method == HTTP_METHOD_POST) {
		w = form_get(&ar->f, "wave");
		pop = form_get(&ar->f, "population");
		population = pop != NULL ? strtol(pop, &end, 10) : -1;
		if (w == NULL || pop == NULL || (*pop != '\0' && *end != '\0') ||
		    population < 0 || population > 100000000) {
			admin_message(req, 400, ar, "msg.badform.title",
			    "admin.results.population.bad");
			return (KORE_RESULT_OK);
		}
		snprintf(obj, sizeof(obj), "wave %d", atoi(w));
		snprintf(detail, sizeof(detail), "population %ld", population);
		if (!db_begin(app.adb) || db_results_population(app.adb,
		    atoi(w), population) != 1 || !admin_audit(ar,
		    "results.population", obj, detail) ||
		    !db_commit(app.adb)) {
			db_rollback(app.adb);
			web_unavailable(req, ar->lang, db_error(app.adb));
			return (KORE_RESULT_OK);
		}
		buf_init(&b);
		buf_printf(&b, "/admin/results?wave=%d", atoi(w));
		web_redirect(req, buf_cstr(&b));
		buf_free(&b);
		return (KORE_RESULT_OK);
	}
	if (!web_query(req, &q)) {
		admin_message(req, 400, ar, "msg.badform.title",
		    "msg.badform.text");
		return (KORE_RESULT_OK);
	}
	memset(&x, 0, sizeof(x));
	memset(&m, 0, sizeof(m));
	tvars_init(&tv, ar->lang);
	x.tv = &tv;
	x.lang = ar->lang;
	x.wave = (w = form_get(&q, "wave")) != NULL ? atoi(w) : 0;
	if ((item = form_get(&q, "item")) == NULL)
		item = "";
	if ((by = form_get(&q, "by")) == NULL)
		by = "";
	cmp = form_get(&q, "compare");
	/* Coded values unless the analyst asks for the raw ones. */
	x.coded = (w = form_get(&q, "coded")) == NULL || strcmp(w, "0") != 0;
	rc = x.wave > 0 ? 0 : db_waves(app.adb, newest_wave, &x.wave);
	if (rc != DB_ERR)
		rc = db_results_meta(app.adb, x.wave, meta_row, &m);
	if (rc != DB_ERR && m.found && m.definition_id > 0 &&
	    catalog_def(m.definition_id, &x.s, &why) == CAT_OK) {
		x.frame = m.population;
		methodology(&x, &m);
		by_options(&x, by);
		by_resolve(&x, by);
		if ((x.it = survey_item(x.s, item)) != NULL &&
		    x.it->type != ITEM_INFO) {
			struct buf	 base;

			tvars_set(&tv, "item", x.it->id);
			buf_init(&base);
			item_question(x.it, x.lang, &base);
			tvars_copy(&tv, "question", buf_cstr(&base));
			buf_reset(&base);
			base_text(&x, &base);
			tvars_copy(&tv, "base", buf_cstr(&base));
			buf_free(&base);
			tvars_set(&tv, "by", by);
			if (*x.bykind != '\0')
				tvars_set(&tv, "broken", "1");
			x.cmp = cmp != NULL ? atoi(cmp) : 0;
			rc = item_results(&x, x.cmp);
		} else
			item_list(&x);
	}
	if (rc != DB_ERR)
		rc = db_results_waves(app.adb, wave_row, &x);
	if (rc != DB_ERR) {
		snprintf(obj, sizeof(obj), "results wave %d", x.wave);
		snprintf(detail, sizeof(detail), "%.24s by %.16s compare %d%s",
		    item, by, cmp != NULL ? atoi(cmp) : 0, x.coded ? "" :
		    " raw");
		if (!admin_audit(ar, "results.view", obj, detail))
			rc = DB_ERR;
	}
	if (rc == DB_ERR) {
		free(x.c.v);
		tvars_free(&tv);
		form_free(&q);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	tvars_int(&tv, "wave", x.wave);
	tvars_set(&tv, "coded", x.coded ? "1" : NULL);
	tvars_set(&tv, "csrf", ar->s.csrf);
	tvars_set(&tv, "is_admin", strcmp(ar->s.role, "admin") == 0 ? "1" :
	    NULL);
	admin_page(req, 200, ar, T_ADMIN_RESULTS, &tv,
	    i18n_get(ar->lang, "admin.results.title"));
	free(x.c.v);
	tvars_free(&tv);
	form_free(&q);
	return (KORE_RESULT_OK);
}
