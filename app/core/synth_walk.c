/*
 * One synthetic person through the questionnaire, the way the app takes
 * a respondent through it: on each page asked (route.c) a form is
 * filled in as a browser would post it, validate_page() turns it into
 * rows, routing marks what is no longer asked, and the next page is
 * route_next(). Some leave on the way (more on heavy pages), some pause
 * for hours; each saved page gets the time it was saved.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "form.h"
#include "route.h"
#include "sample.h"
#include "synth.h"
#include "synth_int.h"
#include "validate.h"

#define HOUR	3600L

/* Who this is: what the background questions will say. */
struct persona {
	uint64_t		 s;
	const struct synth	*sy;
	const struct synth_resp	*r;
	struct form		 f;
};

static void
field(struct persona *p, const char *name, const char *value)
{
	p->f.v = xrealloc(p->f.v, (p->f.n + 1) * sizeof(*p->f.v));
	p->f.v[p->f.n].name = xstrdup(name);
	p->f.v[p->f.n].value = xstrdup(value);
	p->f.n++;
}

/* Takes back the last n fields (a "Vet ikke" replaces them). */
static void
field_drop(struct persona *p, size_t n)
{
	while (n-- > 0 && p->f.n > 0) {
		p->f.n--;
		free(p->f.v[p->f.n].name);
		free(p->f.v[p->f.n].value);
	}
}

static void
field_int(struct persona *p, const char *name, long v)
{
	char	 b[24];

	snprintf(b, sizeof(b), "%ld", v);
	field(p, name, b);
}

/* A code by the shares of `var`, or evenly with "Vet ikke" less often. */
static const struct option *
draw(struct persona *p, const struct optset *os, const char *var)
{
	const struct synth_share	*sh;
	long				 tot = 0, x;
	size_t				 i;

	if ((sh = synth_share_find(var, p->sy->o.earlier)) != NULL) {
		for (i = 0; i < sh->n; i++)
			tot += sh->pairs[2 * i + 1];
		x = (long)rng_below(&p->s, (size_t)tot);
		for (i = 0; i < sh->n; i++)
			if ((x -= sh->pairs[2 * i + 1]) < 0)
				return (optset_find(os, sh->pairs[2 * i]));
	}
	for (i = 0; i < os->n; i++)
		tot += os->v[i].flags & (OPT_DONTKNOW | OPT_OTHER) ? 15 : 100;
	x = (long)rng_below(&p->s, (size_t)tot);
	for (i = 0; i < os->n; i++)
		if ((x -= os->v[i].flags & (OPT_DONTKNOW | OPT_OTHER) ? 15 :
		    100) < 0)
			return (&os->v[i]);
	return (&os->v[os->n - 1]);
}

/* The option whose label names this place (fylke, RHF), if any. */
static const struct option *
by_label(const struct optset *os, const char *name)
{
	size_t	 i;

	for (i = 0; name != NULL && i < os->n; i++)
		if (strstr(name, text_get(&os->v[i].label, LANG_NB)) != NULL)
			return (&os->v[i]);
	return (NULL);
}

/* Answers the background block can take from the unit and version. */
static const struct option *
known(struct persona *p, const struct item *it)
{
	const struct synth_unit	*u = p->r->unit >= 0 ?
				    &p->sy->u[p->r->unit] : NULL;
	static const int	 where[SYNTH_NVERSIONS] = { 1, 3, 2 };
	const struct optset	*os = item_options(it);

	if (strcmp(it->id, "B2") == 0 && synth_unif(&p->s) < 0.9)
		return (optset_find(os, where[p->r->version]));
	if (strcmp(it->id, "B3") == 0 && p->r->version == 2)
		return (optset_find(os, 10));		/* Lege */
	if (strcmp(it->id, "B8") == 0 && u != NULL && synth_unif(&p->s) < 0.95)
		return (by_label(os, u->fylke));
	if (strcmp(it->id, "B9") == 0 && u != NULL)
		return (by_label(os, u->parent));
	return (NULL);
}

static const char *const texts[] = {
	"Bedre tilgang til journal på tvers av virksomheter",
	"Digital kommunikasjon med pasienter og pårørende",
	"Prøvesvar og bilder tilgjengelig for pasienten",
	"Videokonsultasjon som fast tilbud",
	"Kunstig intelligens som beslutningsstøtte",
	"Velferdsteknologi og hjemmeoppfølging",
};

static void
fill_single(struct persona *p, const struct item *it)
{
	const struct option	*o;
	char			 var[VAR_MAX];

	if ((o = known(p, it)) == NULL)
		o = draw(p, item_options(it), it->id);
	if (o == NULL)
		return;
	field_int(p, it->id, o->code);
	if (o->flags & OPT_OTHER) {
		snprintf(var, sizeof(var), "%s.other", it->id);
		field(p, var, "Annet (syntetisk svar)");
	}
}

/* Each option by its own chance (its share, per mille), or 30 %. */
static void
fill_multi(struct persona *p, const struct item *it)
{
	const struct synth_share	*sh;
	const struct option		*o, *best = NULL;
	char				 var[VAR_MAX];
	size_t				 i, k, any = 0;
	long				 w, bw = -1;

	sh = synth_share_find(it->id, p->sy->o.earlier);
	for (i = 0; i < it->opts.n; i++) {
		o = &it->opts.v[i];
		w = o->flags & (OPT_OTHER | OPT_DONTKNOW) ? 50 : 300;
		for (k = 0; sh != NULL && k < sh->n; k++)
			if (sh->pairs[2 * k] == o->code)
				w = sh->pairs[2 * k + 1];
		if (w > bw && !(o->flags & OPT_OTHER)) {
			best = o;
			bw = w;
		}
		if ((long)rng_below(&p->s, 1000) >= w)
			continue;
		if (o->flags & OPT_EXCLUSIVE) {
			/* "Vet ikke" alone, as the page insists. */
			field_drop(p, any);
			field_int(p, it->id, o->code);
			return;
		}
		field_int(p, it->id, o->code);
		any++;
		if (o->flags & OPT_OTHER) {
			snprintf(var, sizeof(var), "%s.other", it->id);
			field(p, var, "Annet (syntetisk svar)");
			any++;
		}
	}
	/* Who answers at all ticks something: the likeliest one. */
	if (any == 0 && best != NULL)
		field_int(p, it->id, best->code);
}

static void
fill_grid(struct persona *p, const struct item *it)
{
	const struct option	*o;
	char			 var[VAR_MAX];
	size_t			 i;

	for (i = 0; i < it->nrows; i++) {
		snprintf(var, sizeof(var), "%s.%s", it->id, it->rows[i].key);
		if (synth_unif(&p->s) < 0.02)
			continue;
		if ((o = draw(p, item_options(it), var)) != NULL)
			field_int(p, var, o->code);
	}
}

/* 0-10 by the item's shares; codes are the scores, 99 "Vet ikke". */
static void
fill_nps(struct persona *p, const struct item *it)
{
	const struct synth_share	*sh;
	long				 tot = 0, x;
	size_t				 i;

	if ((sh = synth_share_find(it->id, p->sy->o.earlier)) == NULL) {
		field_int(p, it->id, (long)rng_below(&p->s, 11));
		return;
	}
	for (i = 0; i < sh->n; i++)
		tot += sh->pairs[2 * i + 1];
	x = (long)rng_below(&p->s, (size_t)tot);
	for (i = 0; i < sh->n; i++)
		if ((x -= sh->pairs[2 * i + 1]) < 0)
			break;
	field_int(p, it->id, sh->pairs[2 * (i < sh->n ? i : sh->n - 1)]);
}

/*
 * Shares that add up to the total: the first row (in 2021 "fysisk")
 * takes about two thirds, the rest split the remainder by 5, 2, 2.
 */
static void
fill_sum(struct persona *p, const struct item *it)
{
	char	 var[VAR_MAX];
	long	 first, left, v;
	size_t	 i;

	first = 65 + (long)(20.0 * (synth_unif(&p->s) + synth_unif(&p->s) -
	    1.0) * 1.5);
	first = first < 0 ? 0 : first > it->total ? it->total : first;
	first -= first % 5;
	left = it->total - first;
	for (i = 0; i < it->nrows; i++) {
		snprintf(var, sizeof(var), "%s.%s", it->id, it->rows[i].key);
		if (i == 0)
			v = first;
		else if (i + 1 == it->nrows)
			v = left;
		else {
			v = (long)((double)left * (i == 1 ? 0.55 : 0.5) *
			    (0.5 + synth_unif(&p->s)));
			v = v > left ? left : v;
		}
		if (i > 0 && i + 1 < it->nrows)
			left -= v;
		field_int(p, var, v);
	}
}

/* Age: the 2021 bands (questionnaire-2021.md, B5) from a normal-ish draw. */
static void
fill_number(struct persona *p, const struct item *it)
{
	double	 u = synth_unif(&p->s) + synth_unif(&p->s) +
		    synth_unif(&p->s) - 1.5;
	long	 v = (long)(44.0 + 22.0 * u);

	if (strcmp(it->id, "B5") == 0 && synth_unif(&p->s) < 0.05)
		return;		/* 6 % gave no age in 2021 */
	v = v < it->min ? it->min : v > it->max ? it->max : v;
	field_int(p, it->id, v);
}

static void
fill_text(struct persona *p, const struct item *it)
{
	if (synth_unif(&p->s) < 0.4)
		field(p, it->id, texts[rng_below(&p->s, sizeof(texts) /
		    sizeof(texts[0]))]);
}

/* How long a page takes: a few seconds per question, skewed. */
static long
page_seconds(struct persona *p, const struct survey *s, size_t pg)
{
	const struct item	*it;
	double			 t = 6.0;
	size_t			 i;

	for (i = s->pages[pg].first; i < s->pages[pg].first +
	    s->pages[pg].nitems; i++) {
		it = &s->items[i];
		switch (it->type) {
		case ITEM_INFO:
			t += 12.0;
			break;
		case ITEM_GRID:
			t += 5.0 + 6.0 * (double)it->nrows;
			break;
		case ITEM_SUM:
			t += 30.0;
			break;
		case ITEM_TEXT:
			t += 25.0;
			break;
		default:
			t += 8.0;
			break;
		}
	}
	t *= synth_lognorm(&p->s, 0.5);
	/* Now and then someone leaves it open and comes back. */
	if (synth_unif(&p->s) < 0.02)
		t += (double)HOUR * (1.0 + 30.0 * synth_unif(&p->s));
	return ((long)t + 1);
}

/* The chance to leave on a page before saving it, per mille. */
static int
page_hazard(const struct survey *s, size_t pg, size_t first)
{
	const struct item	*it;
	size_t			 i;
	int			 h = 5;

	if (pg == first)
		return (50);
	for (i = s->pages[pg].first; i < s->pages[pg].first +
	    s->pages[pg].nitems; i++) {
		it = &s->items[i];
		if (it->type == ITEM_SUM)
			h += 30;
		else if (it->type == ITEM_GRID)
			h += 2 * (int)it->nrows;
		else if (it->type == ITEM_TEXT)
			h += 8;
	}
	return (h);
}

static void
fill_page(struct persona *p, const struct survey *s, const struct route *rt,
    size_t pg)
{
	const struct item	*it;
	size_t			 i;

	for (i = s->pages[pg].first; i < s->pages[pg].first +
	    s->pages[pg].nitems; i++) {
		it = &s->items[i];
		if (!rt->item_vis[i])
			continue;
		/* Nothing is required; a few skip a question. */
		if (it->type != ITEM_INFO && it->type != ITEM_GRID &&
		    synth_unif(&p->s) < 0.025)
			continue;
		switch (it->type) {
		case ITEM_SINGLE:
			fill_single(p, it);
			break;
		case ITEM_MULTI:
			fill_multi(p, it);
			break;
		case ITEM_GRID:
			fill_grid(p, it);
			break;
		case ITEM_NPS:
			fill_nps(p, it);
			break;
		case ITEM_SUM:
			fill_sum(p, it);
			break;
		case ITEM_NUMBER:
			fill_number(p, it);
			break;
		case ITEM_TEXT:
			fill_text(p, it);
			break;
		default:
			break;
		}
	}
}

static void
rows_set(struct synth_rows *out, const struct answers *rows, time_t t)
{
	const struct answer	*an;
	size_t			 i, k, cap;

	if (out == NULL)
		return;
	for (i = 0; i < rows->n; i++) {
		cap = out->a.n;
		answers_set(&out->a, rows->v[i].var, rows->v[i].value,
		    rows->v[i].state);
		if (out->a.n != cap)
			out->at = xrealloc(out->at, out->a.n *
			    sizeof(*out->at));
		an = answers_get(&out->a, rows->v[i].var);
		k = (size_t)(an - out->a.v);
		out->at[k] = t;
	}
}

/* One page saved as the app saves it (h_respond.c, merge_rows). */
static int
save(struct persona *p, const struct survey *s, struct answers *all,
    size_t pg, struct synth_rows *out, time_t t)
{
	struct answers	 rows;
	struct verrs	 errs;
	struct route	 rt;
	size_t		 i;
	int		 started;

	answers_init(&rows);
	memset(&errs, 0, sizeof(errs));
	route_eval(s, all, &rt);
	p->f.v = NULL;
	p->f.n = 0;
	fill_page(p, s, &rt, pg);
	validate_page(s, pg, &rt, &p->f, &rows, &errs);
	route_free(&rt);
	form_free(&p->f);
	for (i = 0; i < rows.n; i++)
		answers_set(all, rows.v[i].var, rows.v[i].value,
		    rows.v[i].state);
	route_eval(s, all, &rt);
	route_mark_notasked(s, &rt, all, &rows);
	route_free(&rt);
	for (i = 0; i < rows.n; i++)
		answers_set(all, rows.v[i].var, rows.v[i].value,
		    rows.v[i].state);
	rows_set(out, &rows, t);
	started = route_any_answered(s, &rows);
	/* The generator only posts what is valid: a mistake is a bug. */
	if (errs.n > 0)
		fprintf(stderr, "synth: page %s: %zu invalid fields\n",
		    s->pages[pg].id, errs.n);
	verrs_free(&errs);
	answers_free(&rows);
	return (started);
}

void
synth_walk(const struct synth *sy, size_t i, struct synth_resp *r,
    struct synth_rows *out)
{
	const struct survey	*s = sy->s;
	const struct hidden	*h = &s->hidden[0];
	struct persona		 p;
	struct answers		 all;
	struct route		 rt;
	char			 code[16];
	size_t			 pg, first, next;
	time_t			 t;

	memset(&p, 0, sizeof(p));
	p.s = synth_stream(sy->o.seed, 7, i);
	p.sy = sy;
	p.r = r;
	answers_init(&all);
	snprintf(code, sizeof(code), "%d", h->values.v[r->version].code);
	answers_set(&all, h->id, code, ANS_ANSWERED);
	if (out != NULL) {
		answers_init(&out->a);
		out->at = NULL;
		rows_set(out, &all, r->t_created);
	}
	r->status = 'o';
	r->page = r->furthest = s->npages;
	r->t_started = r->t_completed = 0;
	t = r->t_updated = r->t_opened;
	route_eval(s, &all, &rt);
	pg = first = route_first(s, &rt);
	route_free(&rt);
	while (pg < s->npages) {
		if ((int)rng_below(&p.s, 1000) < page_hazard(s, pg, first))
			break;
		t += page_seconds(&p, s, pg);
		if (save(&p, s, &all, pg, out, t) && r->status == 'o') {
			r->status = 's';
			r->t_started = t;
		}
		r->t_updated = t;
		route_eval(s, &all, &rt);
		next = route_next(s, &rt, pg);
		route_free(&rt);
		if (next >= s->npages) {
			r->status = 'c';
			r->t_completed = t;
			r->page = r->furthest = pg;
			break;
		}
		r->page = r->furthest = pg = next;
	}
	answers_free(&all);
}

void
synth_answers(const struct synth *sy, size_t i, struct synth_rows *out)
{
	struct synth_resp	 r = sy->r[i];

	if (r.status == 'i') {
		/* An unopened invitation holds its hidden value only. */
		const struct hidden	*h = &sy->s->hidden[0];
		char			 code[16];
		struct answers		 one;

		answers_init(&out->a);
		out->at = NULL;
		answers_init(&one);
		snprintf(code, sizeof(code), "%d", h->values.v[2].code);
		answers_set(&one, h->id, code, ANS_ANSWERED);
		rows_set(out, &one, r.t_created);
		answers_free(&one);
		return;
	}
	synth_walk(sy, i, &r, out);
}

void
synth_rows_free(struct synth_rows *rr)
{
	answers_free(&rr->a);
	free(rr->at);
	rr->at = NULL;
}
