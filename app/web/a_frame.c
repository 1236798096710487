/*
 * The frame of a wave, and the sample of kommuner:
 *   GET  /admin/frame?wave=<id>   counts by kind and stage; the forms
 *   POST /admin/frame             action=import  the lists in data/
 *                                 action=upload  a CSV pasted in
 *                                 action=plan    sample sizes per stratum
 *                                 action=draw    draw and record it
 * Every file is checked whole first: one error and nothing is stored.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frame.h"
#include "i18n.h"
#include "sample.h"
#include "web.h"

#define SAMPLE_MAX	1000

struct wave_opt {
	struct wave_pick pick;		/* first: admin_wave_row's */
	char		 params[256];
	char		 seed[32];
	char		 sampled[32];
};

/* The shared chooser's row, and the chosen wave's sampling. */
static void
wave_row(int n, const char *const *v, void *arg)
{
	struct wave_opt	*w = arg;
	int		 was = w->pick.found;

	if (n < 5)
		return;
	admin_wave_row(n, v, &w->pick);
	if (was || !w->pick.found)
		return;
	snprintf(w->params, sizeof(w->params), "%s", v[2]);
	snprintf(w->seed, sizeof(w->seed), "%s", v[3]);
	snprintf(w->sampled, sizeof(w->sampled), "%s", v[4]);
}

static void
count_row(int n, const char *const *v, void *arg)
{
	struct tvars	*row;

	if (n < 8)
		return;
	row = tvars_row(arg, "counts");
	tvars_copy(row, "kind", v[0]);
	tvars_copy(row, "frame", v[1]);
	tvars_copy(row, "eligible", v[2]);
	tvars_copy(row, "invited", v[3]);
	tvars_copy(row, "accepted", v[4]);
	tvars_copy(row, "declined", v[5]);
	tvars_copy(row, "distributed", v[6]);
	tvars_copy(row, "responding", v[7]);
}

/* The wave a request is about: ?wave= or the form's, else the newest. */
static int
wave_of(struct http_request *req, struct admin_req *ar)
{
	struct form	 q;
	const char	*w = NULL;
	int		 id = 0;

	if (req->method == HTTP_METHOD_POST)
		w = form_get(&ar->f, "wave");
	else if (web_query(req, &q)) {
		if ((w = form_get(&q, "wave")) != NULL)
			id = atoi(w);
		form_free(&q);
		return (id > 0 ? id : 0);
	}
	return (w != NULL && atoi(w) > 0 ? atoi(w) : 0);
}

static void
frame_page(struct http_request *req, struct admin_req *ar, int status,
    int wave, struct tvars *tv)
{
	struct wave_opt	 w;

	memset(&w, 0, sizeof(w));
	w.pick.tv = tv;
	w.pick.want = wave;
	if (db_waves(app.adb, wave_row, &w) == DB_ERR ||
	    (w.pick.found && db_frame_counts(app.adb, w.pick.want, count_row,
	    tv) == DB_ERR)) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return;
	}
	if (!w.pick.found) {
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return;
	}
	tvars_int(tv, "wave", w.pick.want);
	tvars_set(tv, "csrf", ar->s.csrf);
	tvars_copy(tv, "sample_params", w.params);
	tvars_copy(tv, "sample_seed", w.seed);
	tvars_copy(tv, "sampled_at", w.sampled);
	admin_page(req, status, ar, T_ADMIN_FRAME, tv,
	    i18n_get(ar->lang, "admin.frame.title"));
}

/* Messages for the page: each a row of "messages". */
static void
note(struct tvars *tv, const char *text)
{
	tvars_copy(tvars_row(tv, "messages"), "text", text);
}

/*
 * Stores checked units; `to_frame` adds them to the wave's frame (all
 * HF and offices; kommuner only when a list is the sample already).
 * In the caller's transaction. The number stored, or -1.
 */
static int
store_units(const struct frame *fr, int wave, int to_frame, const char *how,
    int *added)
{
	size_t	 i;
	int	 id, pass, rc;

	*added = 0;
	/* RHF first, so their HF can name them. */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < fr->n; i++) {
			if ((strcmp(fr->v[i].kind, "rhf") == 0) != (pass == 0))
				continue;
			if ((id = db_unit_upsert(app.adb, &fr->v[i])) == 0)
				return (-1);
			if (!to_frame || strcmp(fr->v[i].kind, "rhf") == 0)
				continue;
			if ((rc = db_frame_add(app.adb, wave, id, how)) ==
			    DB_ERR)
				return (-1);
			*added += rc;
		}
	return ((int)fr->n);
}

static int
import_text(struct admin_req *ar, struct tvars *tv, int wave,
    enum frame_kind kind, const char *src, int to_frame, const char *how,
    const char *what)
{
	struct frame	 fr;
	char		 msg[256];
	size_t		 i;
	int		 n, added;

	if (!frame_read(kind, src, strlen(src), &fr)) {
		snprintf(msg, sizeof(msg), "%s: %s", what, i18n_get(ar->lang,
		    "admin.frame.refused"));
		note(tv, msg);
		for (i = 0; i < fr.nerr; i++)
			tvars_copy(tvars_row(tv, "errors"), "text", fr.err[i]);
		frame_free(&fr);
		return (0);
	}
	n = store_units(&fr, wave, to_frame, how, &added);
	frame_free(&fr);
	if (n < 0)
		return (-1);
	snprintf(msg, sizeof(msg), "%s: %d %s, %d %s", what, n,
	    i18n_get(ar->lang, "admin.frame.units"), added,
	    i18n_get(ar->lang, "admin.frame.added"));
	note(tv, msg);
	snprintf(msg, sizeof(msg), "%s: %d units, %d added", what, n, added);
	return (admin_audit(ar, "frame.import", what, msg) ? 1 : -1);
}

static int
frame_import(struct admin_req *ar, struct tvars *tv, int wave)
{
	char	*hf, *km;
	int	 rc;

	hf = buf_file("data/helseforetak.csv");
	km = buf_file("data/kommuner-2020.csv");
	if (hf == NULL || km == NULL) {
		note(tv, i18n_get(ar->lang, "admin.frame.nodata"));
		free(hf);
		free(km);
		return (0);
	}
	rc = import_text(ar, tv, wave, FRAME_HF, hf, 1, "frame",
	    "data/helseforetak.csv");
	if (rc == 1)
		rc = import_text(ar, tv, wave, FRAME_KOMMUNE, km, 0, "frame",
		    "data/kommuner-2020.csv");
	free(hf);
	free(km);
	return (rc);
}

struct pool {
	char	**keys;
	char	**codes;
	int	 *ids;
	size_t	  n;
	int	  by_fylke;
	int	  by_size;
};

static void
pool_row(int n, const char *const *v, void *arg)
{
	struct pool	*p = arg;
	struct buf	 k;

	if (n < 4)
		return;
	buf_init(&k);
	if (p->by_fylke)
		buf_puts(&k, v[2]);
	if (p->by_fylke && p->by_size)
		buf_puts(&k, " / ");
	if (p->by_size)
		buf_puts(&k, sample_size_band(strtol(v[3], NULL, 10)));
	p->keys = xrealloc(p->keys, (p->n + 1) * sizeof(char *));
	p->codes = xrealloc(p->codes, (p->n + 1) * sizeof(char *));
	p->ids = xrealloc(p->ids, (p->n + 1) * sizeof(int));
	p->keys[p->n] = buf_steal(&k);
	p->codes[p->n] = xstrdup(v[1]);
	p->ids[p->n] = atoi(v[0]);
	p->n++;
}

static void
pool_free(struct pool *p)
{
	size_t	 i;

	for (i = 0; i < p->n; i++) {
		free(p->keys[i]);
		free(p->codes[i]);
	}
	free(p->keys);
	free(p->codes);
	free(p->ids);
}

/*
 * action=plan shows the sizes per stratum; action=draw draws them and
 * records seed and parameters with the wave. 0 when the input is wrong
 * (the message is on the page), -1 on a database failure.
 */
static int
frame_sample(struct admin_req *ar, struct tvars *tv, int wave, int draw)
{
	struct sample_plan	 plan;
	struct pool		 pool;
	const char		*ns = form_get(&ar->f, "n");
	const char		*strat = form_get(&ar->f, "strata");
	const char		*ss = form_get(&ar->f, "seed");
	struct tvars		*row;
	char			*end, params[128], msg[320];
	unsigned long long	 seed;
	long			 n;
	int			*chosen, rc, added = 0;
	size_t			 i;

	n = ns != NULL ? strtol(ns, &end, 10) : 0;
	if (ns == NULL || *ns == '\0' || *end != '\0' || n < 1 ||
	    n > SAMPLE_MAX) {
		tvars_set(tv, "n_error", i18n_get(ar->lang,
		    "admin.sample.n"));
		return (0);
	}
	/* Digits only: strtoull would take "-1" as the largest seed. */
	if (ss == NULL || *ss == '\0' || strlen(ss) > 18 ||
	    strspn(ss, "0123456789") != strlen(ss)) {
		tvars_set(tv, "seed_error", i18n_get(ar->lang,
		    "admin.sample.seed"));
		return (0);
	}
	seed = strtoull(ss, NULL, 10);
	if (strat == NULL || (strcmp(strat, "none") != 0 &&
	    strcmp(strat, "fylke") != 0 && strcmp(strat, "size") != 0 &&
	    strcmp(strat, "both") != 0))
		strat = "none";
	memset(&pool, 0, sizeof(pool));
	pool.by_fylke = strcmp(strat, "fylke") == 0 ||
	    strcmp(strat, "both") == 0;
	pool.by_size = strcmp(strat, "size") == 0 ||
	    strcmp(strat, "both") == 0;
	if (db_sample_units(app.adb, wave, pool_row, &pool) == DB_ERR) {
		pool_free(&pool);
		return (-1);
	}
	tvars_int(tv, "plan_n", n);
	tvars_copy(tv, "plan_seed", ss);
	tvars_copy(tv, "plan_strata", strat);
	if (!sample_plan((const char *const *)pool.keys, pool.n, (size_t)n,
	    &plan)) {
		tvars_set(tv, "n_error", i18n_get(ar->lang,
		    pool.n == 0 ? "admin.sample.none" : "admin.sample.toomany"));
		pool_free(&pool);
		return (0);
	}
	for (i = 0; i < plan.n; i++) {
		row = tvars_row(tv, "strata");
		tvars_copy(row, "key", plan.v[i].key[0] ? plan.v[i].key :
		    i18n_get(ar->lang, "admin.sample.all"));
		tvars_int(row, "size", (long)plan.v[i].size);
		tvars_int(row, "take", (long)plan.v[i].take);
	}
	tvars_int(tv, "pool", (long)pool.n);
	rc = 1;
	if (draw) {
		snprintf(params, sizeof(params), "n=%ld strata=%s pool=%zu", n,
		    strat, pool.n);
		if ((rc = db_sample_record(app.adb, wave, seed, params)) == 1) {
			chosen = xcalloc(pool.n, sizeof(int));
			sample_draw(&plan, (const char *const *)pool.keys,
			    (const char *const *)pool.codes, pool.n, seed,
			    chosen);
			for (i = 0; i < pool.n && rc == 1; i++)
				if (chosen[i]) {
					if (db_frame_add(app.adb, wave,
					    pool.ids[i], "sample") == DB_ERR)
						rc = -1;
					else
						added++;
				}
			free(chosen);
			snprintf(msg, sizeof(msg), "%s seed=%llu, %d kommuner",
			    params, seed, added);
			if (rc == 1 && !admin_audit(ar, "frame.sample",
			    "kommuner", msg))
				rc = -1;
			if (rc == 1) {
				snprintf(msg, sizeof(msg), "%s: %d", i18n_get(
				    ar->lang, "admin.sample.drawn"), added);
				note(tv, msg);
			}
		} else if (rc == 0)
			note(tv, i18n_get(ar->lang, "admin.sample.again"));
	}
	sample_plan_free(&plan);
	pool_free(&pool);
	return (rc);
}

int
admin_frame(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct tvars		 tv;
	enum frame_kind		 kind;
	const char		*action, *src;
	int			 wave = wave_of(req, ar), rc = 1, status = 200;

	tvars_init(&tv, ar->lang);
	if (req->method != HTTP_METHOD_POST) {
		frame_page(req, ar, 200, wave, &tv);
		tvars_free(&tv);
		return (KORE_RESULT_OK);
	}
	if (wave == 0) {
		tvars_free(&tv);
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return (KORE_RESULT_OK);
	}
	action = form_get(&ar->f, "action");
	if (action == NULL)
		action = "";
	if (!db_begin(app.adb)) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (strcmp(action, "import") == 0)
		rc = frame_import(ar, &tv, wave);
	else if (strcmp(action, "upload") == 0) {
		src = form_get(&ar->f, "csv");
		if (!frame_kind_parse(form_get(&ar->f, "kind"), &kind))
			kind = FRAME_KOMMUNE;
		if (src == NULL || *src == '\0') {
			tvars_set(&tv, "csv_error", i18n_get(ar->lang,
			    "admin.frame.empty"));
			rc = 0;
		} else
			rc = import_text(ar, &tv, wave, kind, src,
			    form_get(&ar->f, "to_frame") != NULL ||
			    kind != FRAME_KOMMUNE, "upload",
			    i18n_get(ar->lang, "admin.frame.upload"));
		if (rc == 0)
			tvars_copy(&tv, "csv", src);
	} else if (strcmp(action, "plan") == 0 || strcmp(action, "draw") == 0)
		rc = frame_sample(ar, &tv, wave, strcmp(action, "draw") == 0);
	else {
		note(&tv, i18n_get(ar->lang, "admin.frame.badaction"));
		rc = 0;
	}
	if (rc < 0 || (rc == 1 && !db_commit(app.adb))) {
		db_rollback(app.adb);
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (rc == 0) {
		db_rollback(app.adb);
		status = 422;
	}
	frame_page(req, ar, status, wave, &tv);
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}
