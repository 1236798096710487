/*
 * GET /admin/funnel?wave=<id>&by=kind|rhf|fylke&version=<key>
 * The dropout funnel of a wave (SPEC §3): units by the stage they
 * reached, with Trinn 1 and 2; respondents per version, with Trinn 3 and
 * the response rate where the headcount is known; break-off by page.
 * Every rate shows its count and denominator; to analysts, counts
 * under 5 show as "<5".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chart.h"
#include "csv.h"
#include "i18n.h"
#include "web.h"

#define SMALL	5
/* Counts may be this many seconds old (sql/081, the summary). */
#define FUNNEL_MAX_AGE	10

/* Median seconds per page, by page id (db_funnel_page_time). */
struct ptimes {
	char		 id[64][49];
	long		 n[64];
	char		 med[64][16];
	size_t		 np;
};

static void
ptime_row(int n, const char *const *v, void *arg)
{
	struct ptimes	*t = arg;

	if (n < 3 || t->np >= 64)
		return;
	snprintf(t->id[t->np], sizeof(t->id[0]), "%s", v[0]);
	t->n[t->np] = strtol(v[1], NULL, 10);
	snprintf(t->med[t->np], sizeof(t->med[0]), "%s", v[2]);
	t->np++;
}

/* The median as shown: "–" untimed, "<5" when fewer timed it. */
static const char *
ptime_get(const struct ptimes *t, const char *page, int exact)
{
	size_t	 i;

	for (i = 0; i < t->np; i++)
		if (strcmp(t->id[i], page) == 0) {
			if (!exact && t->n[i] < 5)
				return ("<5");
			return (t->med[i]);
		}
	return ("–");
}

struct fctx {
	struct ptimes	 pt;
	struct tvars	*tv;
	enum lang	 lang;
	int		 exact;		/* admins see every count */
	int		 wave;
	const char	*by;
	long		 u[6];		/* overall unit counts */
	struct chart_bar bars[64];
	char		 labels[64][64];
	char		 shown[64][8];
	size_t		 nbars;
};

static void
count_set(struct fctx *c, struct tvars *tv, const char *k, long n)
{
	if (!c->exact && n > 0 && n < SMALL)
		tvars_set(tv, k, "<5");
	else
		tvars_int(tv, k, n);
}

/* "12 av 40 (30 %)": a rate never without its count and denominator. */
static void
rate_set(struct fctx *c, struct tvars *tv, const char *k, long n, long of)
{
	char	 b[96];

	if (of <= 0) {
		tvars_set(tv, k, "–");
		return;
	}
	if (!c->exact && ((n > 0 && n < SMALL) || of < SMALL)) {
		tvars_set(tv, k, "<5");
		return;
	}
	snprintf(b, sizeof(b), "%ld %s %ld (%.0f %%)", n, i18n_get(c->lang,
	    "admin.funnel.of"), of, 100.0 * (double)n / (double)of);
	tvars_copy(tv, k, b);
}

static const char *const unit_stages[] = {
	"frame", "invited", "accepted", "declined", "distributed", "responding"
};

static void
bar_add(struct fctx *c, const char *label, long v)
{
	size_t	 i = c->nbars;

	if (i >= 64)
		return;
	snprintf(c->labels[i], sizeof(c->labels[i]), "%s", label);
	c->bars[i].label = c->labels[i];
	c->bars[i].value = v;
	c->bars[i].shown = NULL;
	if (!c->exact && v > 0 && v < SMALL) {
		snprintf(c->shown[i], sizeof(c->shown[i]), "<5");
		c->bars[i].shown = c->shown[i];
		/* The bar must not tell what the text hides. */
		c->bars[i].value = SMALL;
	}
	c->nbars++;
}

static void
units_overall(int n, const char *const *v, void *arg)
{
	struct fctx	*c = arg;
	struct tvars	*row;
	char		 key[48];
	size_t		 i;

	if (n < 7)
		return;
	for (i = 0; i < 6; i++)
		c->u[i] = strtol(v[1 + i], NULL, 10);
	for (i = 0; i < 6; i++) {
		row = tvars_row(c->tv, "stages");
		snprintf(key, sizeof(key), "admin.stage.%s", unit_stages[i]);
		tvars_set(row, "label", i18n_get(c->lang, key));
		tvars_set(row, "stage", unit_stages[i]);
		count_set(c, row, "n", c->u[i]);
		rate_set(c, row, "rate", c->u[i], i == 0 ? 0 : i == 1 ?
		    c->u[0] : i == 2 || i == 3 ? c->u[1] : i == 4 ? c->u[2] :
		    c->u[4]);
		if (i != 3)
			bar_add(c, i18n_get(c->lang, key), c->u[i]);
	}
	/* Trinn 1: invited, no contact person; Trinn 2: no participation. */
	rate_set(c, c->tv, "trinn1", c->u[1] - c->u[2], c->u[1]);
	rate_set(c, c->tv, "trinn2", c->u[2] - c->u[5], c->u[2]);
}

static void
units_by(int n, const char *const *v, void *arg)
{
	struct fctx	*c = arg;
	struct tvars	*row;
	long		 x[6];
	size_t		 i;

	if (n < 7)
		return;
	row = tvars_row(c->tv, "groups");
	tvars_copy(row, "group", v[0]);
	tvars_set(row, "is_kind", strcmp(c->by, "kind") == 0 ? "1" : NULL);
	for (i = 0; i < 6; i++)
		x[i] = strtol(v[1 + i], NULL, 10);
	count_set(c, row, "frame", x[0]);
	count_set(c, row, "invited", x[1]);
	count_set(c, row, "accepted", x[2]);
	count_set(c, row, "declined", x[3]);
	count_set(c, row, "distributed", x[4]);
	count_set(c, row, "responding", x[5]);
	rate_set(c, row, "trinn1", x[1] - x[2], x[1]);
	rate_set(c, row, "trinn2", x[2] - x[5], x[2]);
}

static void
people_row(int n, const char *const *v, void *arg)
{
	struct fctx	*c = arg;
	struct tvars	*row;
	long		 inv, op, st, co, unknown;

	if (n < 7)
		return;
	inv = strtol(v[1], NULL, 10);
	op = strtol(v[2], NULL, 10);
	st = strtol(v[3], NULL, 10);
	co = strtol(v[4], NULL, 10);
	unknown = strtol(v[5], NULL, 10);
	row = tvars_row(c->tv, "people");
	tvars_copy(row, "version", v[0]);
	count_set(c, row, "invited", inv);
	count_set(c, row, "opened", op);
	count_set(c, row, "started", st);
	count_set(c, row, "completed", co);
	count_set(c, row, "views", strtol(v[6], NULL, 10));
	rate_set(c, row, "rate", co, inv);
	rate_set(c, row, "trinn3", inv > co ? inv - co : 0, inv);
	if (unknown > 0)
		tvars_int(row, "unknown", unknown);
}

static void
breakoff_row(int n, const char *const *v, void *arg)
{
	struct fctx	*c = arg;
	struct tvars	*row;
	long		 stopped, reached;

	if (n < 4)
		return;
	stopped = strtol(v[2], NULL, 10);
	reached = strtol(v[3], NULL, 10);
	row = tvars_row(c->tv, "pages");
	tvars_copy(row, "page", v[0]);
	count_set(c, row, "reached", reached);
	count_set(c, row, "stopped", stopped);
	rate_set(c, row, "share", stopped, reached);
	tvars_copy(row, "median", ptime_get(&c->pt, v[0], c->exact));
	bar_add(c, v[0], stopped);
}

static void
newest_wave(int n, const char *const *v, void *arg)
{
	int	*w = arg;

	if (n > 0 && *w == 0)
		*w = atoi(v[0]);
}

/*
 * AAPOR Standard Definitions' rates from the dispositions: eligible or
 * unknown = I + P + R + NC + UH (NE left out).
 */
static void
aapor_row(int n, const char *const *v, void *arg)
{
	struct fctx	*c = arg;
	struct tvars	*row;
	long		 i, p, r, ne, nc, uh, all;

	if (n < 7)
		return;
	i = strtol(v[1], NULL, 10);
	p = strtol(v[2], NULL, 10);
	r = strtol(v[3], NULL, 10);
	ne = strtol(v[4], NULL, 10);
	nc = strtol(v[5], NULL, 10);
	uh = strtol(v[6], NULL, 10);
	all = i + p + r + nc + uh;
	row = tvars_row(c->tv, "aapor");
	tvars_copy(row, "version", v[0]);
	count_set(c, row, "i", i);
	count_set(c, row, "p", p);
	count_set(c, row, "r", r);
	count_set(c, row, "ne", ne);
	count_set(c, row, "nc", nc);
	count_set(c, row, "uh", uh);
	rate_set(c, row, "rr1", i, all);
	rate_set(c, row, "rr2", i + p, all);
	rate_set(c, row, "coop1", i, i + p + r);
	rate_set(c, row, "ref1", r, all);
}

static int
chart(struct fctx *c, const char *key, const char *id, const char *title,
    const char *desc)
{
	struct buf	 b;
	int		 ok;

	buf_init(&b);
	ok = chart_bars(&b, id, title, desc, c->bars, c->nbars);
	if (ok)
		tvars_copy(c->tv, key, buf_cstr(&b));
	buf_free(&b);
	c->nbars = 0;
	return (ok);
}

int
admin_funnel(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct fctx		 c;
	struct tvars		 tv;
	struct form		 q;
	const char		*by, *version, *w;
	int			 rc;

	if (!web_query(req, &q)) {
		admin_message(req, 400, ar, "msg.badform.title",
		    "msg.badform.text");
		return (KORE_RESULT_OK);
	}
	memset(&c, 0, sizeof(c));
	c.wave = (w = form_get(&q, "wave")) != NULL ? atoi(w) : 0;
	by = form_get(&q, "by");
	if (by == NULL || (strcmp(by, "kind") != 0 && strcmp(by, "rhf") != 0 &&
	    strcmp(by, "fylke") != 0))
		by = "kind";
	version = form_get(&q, "version");
	if (version == NULL || strlen(version) > 48 || strspn(version,
	    "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(version))
		version = "";
	tvars_init(&tv, ar->lang);
	c.tv = &tv;
	c.lang = ar->lang;
	c.by = by;
	c.exact = strcmp(ar->s.role, "admin") == 0;
	rc = c.wave > 0 ? 0 : db_waves(app.adb, newest_wave, &c.wave);
	if (rc != DB_ERR)
		rc = db_funnel_refresh(app.adb, c.wave, FUNNEL_MAX_AGE);
	if (rc != DB_ERR)
		rc = db_funnel_units(app.adb, c.wave, "", units_overall, &c);
	if (rc != DB_ERR)
		chart(&c, "units_chart", "chart-units", i18n_get(ar->lang,
		    "admin.funnel.units"), i18n_get(ar->lang,
		    "admin.funnel.units.desc"));
	if (rc != DB_ERR)
		rc = db_funnel_units(app.adb, c.wave, by, units_by, &c);
	if (rc != DB_ERR)
		rc = db_funnel_people(app.adb, c.wave, people_row, &c);
	if (rc != DB_ERR)
		rc = db_funnel_page_time(app.adb, c.wave, version, ptime_row,
		    &c.pt);
	if (rc != DB_ERR)
		rc = db_funnel_breakoff(app.adb, c.wave, version, breakoff_row,
		    &c);
	if (rc != DB_ERR)
		rc = db_funnel_aapor(app.adb, c.wave, aapor_row, &c);
	if (rc != DB_ERR)
		rc = funnel_time(&tv, ar->lang, c.wave, c.exact);
	if (rc == DB_ERR) {
		tvars_free(&tv);
		form_free(&q);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	chart(&c, "pages_chart", "chart-pages", i18n_get(ar->lang,
	    "admin.funnel.breakoff"), i18n_get(ar->lang,
	    "admin.funnel.breakoff.desc"));
	tvars_int(&tv, "wave", c.wave);
	tvars_set(&tv, "by", by);
	tvars_set(&tv, "by_kind", strcmp(by, "kind") == 0 ? "1" : NULL);
	tvars_set(&tv, "by_rhf", strcmp(by, "rhf") == 0 ? "1" : NULL);
	tvars_set(&tv, "by_fylke", strcmp(by, "fylke") == 0 ? "1" : NULL);
	tvars_set(&tv, "version", version);
	tvars_set(&tv, "suppressed", c.exact ? NULL : "1");
	admin_page(req, 200, ar, T_ADMIN_FUNNEL, &tv,
	    i18n_get(ar->lang, "admin.funnel.title"));
	tvars_free(&tv);
	form_free(&q);
	return (KORE_RESULT_OK);
}

/*
 * GET /admin/funnel.csv?wave=&table=units|groups|people|pages|days|moves
 *     &by=&version=
 * The tables of the funnel page as CSV (UTF-8 with a BOM, so Excel
 * reads the letters right), with the same suppression; logged.
 */
struct csvctx {
	struct ptimes	 pt;
	struct buf	*b;
	int		 exact;
	const char	*table;
};

static void
csv_count(struct csvctx *c, const char *v, int last)
{
	long	 n = strtol(v, NULL, 10);

	csv_field(c->b, !c->exact && n > 0 && n < SMALL ? "<5" : v, last);
}

static void
csv_row(int n, const char *const *v, void *arg)
{
	struct csvctx	*c = arg;
	int		 i;

	if (strcmp(c->table, "pages") == 0) {
		if (n < 4)
			return;
		csv_field(c->b, v[0], 0);
		csv_count(c, v[3], 0);
		csv_count(c, v[2], 0);
		csv_field(c->b, ptime_get(&c->pt, v[0], c->exact), 1);
		return;
	}
	if (strcmp(c->table, "people") == 0) {
		if (n < 7)
			return;
		csv_field(c->b, v[0], 0);
		csv_count(c, v[1], 0);
		csv_count(c, v[6], 0);
		for (i = 2; i <= 4; i++)
			csv_count(c, v[i], 0);
		csv_field(c->b, v[5], 1);
		return;
	}
	if (n < 7)
		return;
	csv_field(c->b, v[0][0] != '\0' ? v[0] : "all", 0);
	for (i = 1; i <= 6; i++)
		csv_count(c, v[i], i == 6);
}

/* One table of the funnel as CSV rows after its header line. */
static int
funnel_csv_table(struct csvctx *c, struct buf *b, const char *t, int wave,
    const char *by, const char *version)
{
	int	 rc;

	if (strcmp(t, "days") == 0 || strcmp(t, "moves") == 0)
		rc = funnel_time_csv(b, wave, c->exact, strcmp(t, "moves") == 0);
	else if (strcmp(t, "pages") == 0) {
		buf_puts(b, "page,reached,stopped,median_seconds\r\n");
		rc = db_funnel_page_time(app.adb, wave, version, ptime_row,
		    &c->pt);
		if (rc != DB_ERR)
			rc = db_funnel_breakoff(app.adb, wave, version, csv_row,
			    c);
	} else if (strcmp(t, "people") == 0) {
		buf_puts(b, "version,invited,link_views,opened,started,"
		    "completed,units_without_headcount\r\n");
		rc = db_funnel_people(app.adb, wave, csv_row, c);
	} else {
		buf_printf(b, "%s,frame,invited,accepted,declined,distributed,"
		    "responding\r\n", strcmp(t, "units") == 0 ? "group" : by);
		rc = db_funnel_units(app.adb, wave, strcmp(t, "units") == 0 ?
		    "" : by, csv_row, c);
	}
	return (rc);
}

int
admin_funnel_csv(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct csvctx		 c;
	struct form		 q;
	struct buf		 b;
	const char		*t, *by, *version, *w;
	char			 obj[64], disp[96];
	int			 wave, rc;

	if (!web_query(req, &q)) {
		admin_message(req, 400, ar, "msg.badform.title",
		    "msg.badform.text");
		return (KORE_RESULT_OK);
	}
	wave = (w = form_get(&q, "wave")) != NULL ? atoi(w) : 0;
	t = form_get(&q, "table");
	by = form_get(&q, "by");
	version = form_get(&q, "version");
	if (t == NULL || (strcmp(t, "units") != 0 && strcmp(t, "groups") != 0 &&
	    strcmp(t, "people") != 0 && strcmp(t, "pages") != 0 &&
	    strcmp(t, "days") != 0 && strcmp(t, "moves") != 0)) {
		form_free(&q);
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return (KORE_RESULT_OK);
	}
	if (by == NULL || (strcmp(by, "kind") != 0 && strcmp(by, "rhf") != 0 &&
	    strcmp(by, "fylke") != 0))
		by = "kind";
	if (version == NULL || strlen(version) > 48 || strspn(version,
	    "abcdefghijklmnopqrstuvwxyz0123456789_-") != strlen(version))
		version = "";
	buf_init(&b);
	buf_puts(&b, "\xef\xbb\xbf");
	memset(&c, 0, sizeof(c));
	c.b = &b;
	c.exact = strcmp(ar->s.role, "admin") == 0;
	c.table = t;
	if ((rc = db_funnel_refresh(app.adb, wave, FUNNEL_MAX_AGE)) != DB_ERR)
		rc = funnel_csv_table(&c, &b, t, wave, by, version);
	snprintf(obj, sizeof(obj), "funnel %s wave %d", t, wave);
	if (rc == DB_ERR || !admin_audit(ar, "export", obj, c.exact ?
	    "exact counts" : "counts under 5 suppressed")) {
		buf_free(&b);
		form_free(&q);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	snprintf(disp, sizeof(disp), "attachment; filename=\"funnel-%s-%d.csv\"",
	    t, wave);
	web_headers(req);
	http_response_header(req, "content-type", "text/csv; charset=utf-8");
	http_response_header(req, "content-disposition", disp);
	http_response(req, 200, b.data, b.len);
	buf_free(&b);
	form_free(&q);
	return (KORE_RESULT_OK);
}
