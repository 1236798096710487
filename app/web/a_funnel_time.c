/*
 * Progress over time on /admin/funnel (issue 11 §4): completions per
 * day and in all, per version, with the days invitations, reminders,
 * letters and e-mails went out; and the units' stage moves per day.
 * Each as a line chart (chart.c) with the table it draws below it, and
 * as CSV (funnel.csv?table=days|moves). Days are Oslo days; to
 * analysts, counts under 5 show as "<5", in the charts too, and their
 * running totals leave those days out (stats_running_shown), so no
 * difference of two totals tells a hidden count.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "chart.h"
#include "csv.h"
#include "html.h"
#include "i18n.h"
#include "stats.h"
#include "web.h"

#define T_DAYS	400		/* a field period is weeks, not years */
#define T_VERS	8
#define T_MOVES	5

static const char *const move_stages[T_MOVES] = {
	"invited", "accepted", "declined", "distributed", "responding"
};

static const char *const mark_kinds[] = {
	"invitation", "reminder", "letter", "email"
};
#define T_MARKS	(sizeof(mark_kinds) / sizeof(mark_kinds[0]))

struct trow {
	char	 day[11];
	char	 key[49];
	long	 n;
};

struct tctx {
	struct trow	*raw[3];
	size_t		 nraw[3];
	char		 day[T_DAYS][11];
	size_t		 nd;
	char		 vers[T_VERS][49];
	size_t		 nv;
	long		 done[T_DAYS][T_VERS];
	long		 cum[T_VERS][T_DAYS];
	long		 moves[T_DAYS][T_MOVES];
	long		 mcum[T_MOVES][T_DAYS];
	long		 marks[T_DAYS][T_MARKS];
	int		 which;
};

static void
raw_row(int n, const char *const *v, void *arg)
{
	struct tctx	*c = arg;
	struct trow	*r;

	if (n < 3 || strlen(v[0]) != 10)
		return;
	c->raw[c->which] = xrealloc(c->raw[c->which], (c->nraw[c->which] + 1) *
	    sizeof(struct trow));
	r = &c->raw[c->which][c->nraw[c->which]++];
	snprintf(r->day, sizeof(r->day), "%s", v[0]);
	snprintf(r->key, sizeof(r->key), "%s", v[1]);
	r->n = strtol(v[2], NULL, 10);
}

static time_t
day_time(const char *d)
{
	struct tm	 tm;

	memset(&tm, 0, sizeof(tm));
	if (strptime(d, "%Y-%m-%d", &tm) == NULL)
		return (0);
	tm.tm_hour = 12;
	return (timegm(&tm));
}

static size_t
day_index(const struct tctx *c, const char *d)
{
	time_t	 t = day_time(d), t0 = day_time(c->day[0]);

	if (c->nd == 0 || t < t0)
		return (T_DAYS);
	return ((size_t)((t - t0) / 86400));
}

static size_t
kind_index(const char *const *names, size_t n, const char *k)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		if (strcmp(names[i], k) == 0)
			return (i);
	return (n);
}

/* Every day from the first to the last with anything, then the counts. */
static void
time_fill(struct tctx *c)
{
	const char	*lo = NULL, *hi = NULL;
	struct tm	 tm;
	time_t		 t, end;
	size_t		 w, i, d, k;

	for (w = 0; w < 3; w++)
		for (i = 0; i < c->nraw[w]; i++) {
			if (lo == NULL || strcmp(c->raw[w][i].day, lo) < 0)
				lo = c->raw[w][i].day;
			if (hi == NULL || strcmp(c->raw[w][i].day, hi) > 0)
				hi = c->raw[w][i].day;
		}
	if (lo == NULL)
		return;
	end = day_time(hi);
	for (t = day_time(lo); t <= end && c->nd < T_DAYS; t += 86400) {
		gmtime_r(&t, &tm);
		strftime(c->day[c->nd++], sizeof(c->day[0]), "%Y-%m-%d", &tm);
	}
	for (i = 0; i < c->nraw[0]; i++) {
		for (k = 0; k < c->nv; k++)
			if (strcmp(c->vers[k], c->raw[0][i].key) == 0)
				break;
		if (k == c->nv && c->nv < T_VERS)
			snprintf(c->vers[c->nv++], sizeof(c->vers[0]), "%s",
			    c->raw[0][i].key);
		if (k < c->nv && (d = day_index(c, c->raw[0][i].day)) < c->nd)
			c->done[d][k] += c->raw[0][i].n;
	}
	for (i = 0; i < c->nraw[1]; i++)
		if ((k = kind_index(mark_kinds, T_MARKS, c->raw[1][i].key)) <
		    T_MARKS && (d = day_index(c, c->raw[1][i].day)) < c->nd)
			c->marks[d][k] += c->raw[1][i].n;
	for (i = 0; i < c->nraw[2]; i++)
		if ((k = kind_index(move_stages, T_MOVES, c->raw[2][i].key)) <
		    T_MOVES && (d = day_index(c, c->raw[2][i].day)) < c->nd)
			c->moves[d][k] += c->raw[2][i].n;
	for (d = 0; d < c->nd; d++) {
		for (k = 0; k < c->nv; k++)
			c->cum[k][d] = (d ? c->cum[k][d - 1] : 0) + c->done[d][k];
		for (k = 0; k < T_MOVES; k++)
			c->mcum[k][d] = (d ? c->mcum[k][d - 1] : 0) +
			    c->moves[d][k];
	}
}

/*
 * For a viewer who sees counts under 5 as "<5": running totals of the
 * shown counts only, for the tables, the CSV and the charts alike.
 */
static void
time_hide(struct tctx *c)
{
	long	 x[T_DAYS];
	size_t	 d, k;

	for (k = 0; k < c->nv; k++) {
		for (d = 0; d < c->nd; d++)
			x[d] = c->done[d][k];
		stats_running_shown(x, c->nd, c->cum[k]);
	}
	for (k = 0; k < T_MOVES; k++) {
		for (d = 0; d < c->nd; d++)
			x[d] = c->moves[d][k];
		stats_running_shown(x, c->nd, c->mcum[k]);
	}
}

static struct tctx *
time_load(int wave, int exact)
{
	struct tctx	*c = xcalloc(1, sizeof(*c));
	size_t		 w;

	for (w = 0; w < 3; w++) {
		c->which = (int)w;
		if (db_funnel_time(app.adb, wave, (enum db_funnel_series)w,
		    raw_row, c) == DB_ERR) {
			for (w = 0; w < 3; w++)
				free(c->raw[w]);
			free(c);
			return (NULL);
		}
	}
	time_fill(c);
	if (!exact)
		time_hide(c);
	return (c);
}

static void
time_free(struct tctx *c)
{
	size_t	 w;

	for (w = 0; c != NULL && w < 3; w++)
		free(c->raw[w]);
	free(c);
}

static const char *
shown(char *b, size_t len, long n, int exact)
{
	if (!exact && !stats_shown(n))
		snprintf(b, len, "<%d", STATS_SMALL);
	else
		snprintf(b, len, "%ld", n);
	return (b);
}

/* "påminnelse 12, brev 2000": what went out that day, in words. */
static void
marks_text(const struct tctx *c, size_t d, enum lang lang, int exact,
    char *b, size_t len)
{
	char	 key[48], n[16];
	size_t	 k, o = 0;

	b[0] = '\0';
	for (k = 0; k < T_MARKS && o < len; k++) {
		if (c->marks[d][k] == 0)
			continue;
		snprintf(key, sizeof(key), "admin.funnel.mark.%s",
		    mark_kinds[k]);
		o += (size_t)snprintf(b + o, len - o, "%s%s %s", o ? ", " : "",
		    i18n_get(lang, key), shown(n, sizeof(n), c->marks[d][k],
		    exact));
	}
}

static void
th(struct html *h, const char *text)
{
	html_elem(h, "th", text, "scope", "col", "class", "num", NULL);
}

static void
td(struct html *h, long n, int exact)
{
	char	 b[16];

	html_elem(h, "td", shown(b, sizeof(b), n, exact), "class", "num",
	    NULL);
}

static void
table_open(struct html *h, const char *label, const char *caption)
{
	html_open(h, "div", "class", "table-wrap", "tabindex", "0", "role",
	    "region", "aria-label", label, NULL);
	html_open(h, "table", NULL);
	html_elem(h, "caption", caption, NULL);
	html_open(h, "thead", NULL);
	html_open(h, "tr", NULL);
}

static void
table_close(struct html *h)
{
	html_close(h, "tbody");
	html_close(h, "table");
	html_close(h, "div");
}

/* Completions: a day's count and the running total per version. */
static void
days_table(struct html *h, const struct tctx *c, enum lang lang, int exact)
{
	char	 b[160];
	size_t	 d, k;

	table_open(h, i18n_get(lang, "admin.funnel.time"), i18n_get(lang,
	    "admin.funnel.time.caption"));
	html_elem(h, "th", i18n_get(lang, "admin.funnel.day"), "scope", "col",
	    NULL);
	for (k = 0; k < c->nv; k++) {
		th(h, c->vers[k]);
		snprintf(b, sizeof(b), "%s %s", c->vers[k], i18n_get(lang,
		    "admin.funnel.cum"));
		th(h, b);
	}
	html_elem(h, "th", i18n_get(lang, "admin.funnel.sent"), "scope",
	    "col", NULL);
	html_close(h, "tr");
	html_close(h, "thead");
	html_open(h, "tbody", NULL);
	for (d = 0; d < c->nd; d++) {
		html_open(h, "tr", NULL);
		html_elem(h, "th", c->day[d], "scope", "row", NULL);
		for (k = 0; k < c->nv; k++) {
			td(h, c->done[d][k], exact);
			td(h, c->cum[k][d], exact);
		}
		marks_text(c, d, lang, exact, b, sizeof(b));
		html_elem(h, "td", b, NULL);
		html_close(h, "tr");
	}
	table_close(h);
}

/* Stage moves: only the days with any. */
static void
moves_table(struct html *h, const struct tctx *c, enum lang lang, int exact)
{
	char	 key[48];
	size_t	 d, k;
	long	 any;

	table_open(h, i18n_get(lang, "admin.funnel.moves"), i18n_get(lang,
	    "admin.funnel.moves.caption"));
	html_elem(h, "th", i18n_get(lang, "admin.funnel.day"), "scope", "col",
	    NULL);
	for (k = 0; k < T_MOVES; k++) {
		snprintf(key, sizeof(key), "admin.stage.%s", move_stages[k]);
		th(h, i18n_get(lang, key));
	}
	html_close(h, "tr");
	html_close(h, "thead");
	html_open(h, "tbody", NULL);
	for (d = 0; d < c->nd; d++) {
		for (k = 0, any = 0; k < T_MOVES; k++)
			any += c->moves[d][k];
		if (any == 0)
			continue;
		html_open(h, "tr", NULL);
		html_elem(h, "th", c->day[d], "scope", "row", NULL);
		for (k = 0; k < T_MOVES; k++)
			td(h, c->moves[d][k], exact);
		html_close(h, "tr");
	}
	table_close(h);
}

/* The lines are the tables' running totals, the marks say what they do. */
static void
charts(struct buf *out, const struct tctx *c, enum lang lang, int exact)
{
	struct chart_series	 s[T_VERS > T_MOVES ? T_VERS : T_MOVES];
	struct chart_mark	*mk;
	const char		*x[T_DAYS];
	char			 key[T_MOVES][48], lab[T_DAYS][160];
	size_t			 d, k, nm = 0;

	mk = xcalloc(c->nd ? c->nd : 1, sizeof(*mk));
	for (d = 0; d < c->nd; d++) {
		x[d] = c->day[d] + 5;		/* "10-18" */
		marks_text(c, d, lang, exact, lab[d], sizeof(lab[d]));
		if (lab[d][0] != '\0') {
			mk[nm].at = d;
			mk[nm++].label = lab[d];
		}
	}
	for (k = 0; k < c->nv; k++) {
		s[k].label = c->vers[k];
		s[k].v = c->cum[k];
	}
	chart_lines(out, "chart-days", i18n_get(lang, "admin.funnel.time"),
	    i18n_get(lang, "admin.funnel.time.desc"), x, c->nd, s, c->nv, mk,
	    nm);
	for (k = 0; k < T_MOVES; k++) {
		snprintf(key[k], sizeof(key[k]), "admin.stage.%s",
		    move_stages[k]);
		s[k].label = i18n_get(lang, key[k]);
		s[k].v = c->mcum[k];
	}
	chart_lines(out, "chart-moves", i18n_get(lang, "admin.funnel.moves"),
	    i18n_get(lang, "admin.funnel.moves.desc"), x, c->nd, s, T_MOVES,
	    NULL, 0);
	free(mk);
}

/* Sets days_chart, days_table, moves_chart, moves_table; DB_ERR or 0. */
int
funnel_time(struct tvars *tv, enum lang lang, int wave, int exact)
{
	struct tctx	*c;
	struct buf	 b;
	struct html	 h;

	if ((c = time_load(wave, exact)) == NULL)
		return (DB_ERR);
	if (c->nd > 0) {
		buf_init(&b);
		charts(&b, c, lang, exact);
		tvars_copy(tv, "time_charts", buf_cstr(&b));
		buf_reset(&b);
		html_init(&h, &b);
		days_table(&h, c, lang, exact);
		moves_table(&h, c, lang, exact);
		html_close_all(&h);
		if (html_end(&h))
			tvars_copy(tv, "time_tables", buf_cstr(&b));
		buf_free(&b);
		tvars_set(tv, "has_time", "1");
	}
	time_free(c);
	return (0);
}

static void
csv_n(struct buf *b, long n, int exact, int last)
{
	char	 s[16];

	csv_field(b, shown(s, sizeof(s), n, exact), last);
}

/* table=days: date, per version the day and the total, what was sent. */
int
funnel_time_csv(struct buf *b, int wave, int exact, int moves)
{
	struct tctx	*c;
	char		 m[160];
	size_t		 d, k;

	if ((c = time_load(wave, exact)) == NULL)
		return (DB_ERR);
	csv_field(b, "date", 0);
	for (k = 0; !moves && k < c->nv; k++) {
		csv_field(b, c->vers[k], 0);
		snprintf(m, sizeof(m), "%s_cumulative", c->vers[k]);
		csv_field(b, m, 0);
	}
	for (k = 0; moves && k < T_MOVES; k++)
		csv_field(b, move_stages[k], k + 1 == T_MOVES);
	if (!moves)
		csv_field(b, "sent", 1);
	for (d = 0; d < c->nd; d++) {
		csv_field(b, c->day[d], 0);
		for (k = 0; !moves && k < c->nv; k++) {
			csv_n(b, c->done[d][k], exact, 0);
			csv_n(b, c->cum[k][d], exact, 0);
		}
		for (k = 0; moves && k < T_MOVES; k++)
			csv_n(b, c->moves[d][k], exact, k + 1 == T_MOVES);
		if (!moves) {
			marks_text(c, d, LANG_EN, exact, m, sizeof(m));
			csv_field(b, m, 1);
		}
	}
	time_free(c);
	return (0);
}
