/*
 * GET  /admin/open?wave=<id>[&var=<VAR>]   the open texts of a wave
 * POST /admin/open                         code, blank, add a frame code
 * Every free text and "Annet, noter" text per variable, for admins only
 * (web_route.c: they can hold names or health information). A text is
 * coded into an option of its item (back-coding: the results count it
 * there) or a code of the item's coding frame; the raw text stays.
 * Viewing, coding and blanking are audit entries.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codebook.h"
#include "i18n.h"
#include "web.h"

struct octx {
	struct tvars		*tv;
	enum lang		 lang;
	const struct item	*it;
	int			 wave;
	const char		*var;
	int			 fid[200];	/* the item's frame codes */
	char			 fname[200][224];
	size_t			 nf;
};

/* The item a text variable belongs to: Q for Q.other or a text item Q. */
static const struct item *
text_item(const struct survey *s, const char *var)
{
	const struct item	*it;
	char			 id[VAR_MAX];
	const char		*dot = strchr(var, '.');

	if (dot == NULL) {
		it = survey_item(s, var);
		return (it != NULL && it->type == ITEM_TEXT ? it : NULL);
	}
	if (strcmp(dot, ".other") != 0 || (size_t)(dot - var) >= sizeof(id))
		return (NULL);
	snprintf(id, sizeof(id), "%.*s", (int)(dot - var), var);
	it = survey_item(s, id);
	return (it != NULL && optset_other(item_options(it)) != NULL ? it :
	    NULL);
}

static void
collect_text_var(const struct item *it, const char *var, void *arg)
{
	struct buf	*b = arg;
	const char	*dot = strchr(var, '.');

	if (it->type == ITEM_TEXT || (dot != NULL && strcmp(dot, ".other") ==
	    0)) {
		buf_puts(b, var);
		buf_putc(b, '\n');
	}
}

static void
count_row(int n, const char *const *v, void *arg)
{
	struct octx	*c = arg;
	struct tvars	*row;

	if (n < 4)
		return;
	row = tvars_row(c->tv, "vars");
	tvars_copy(row, "var", v[0]);
	tvars_copy(row, "texts", v[1]);
	tvars_copy(row, "coded", v[2]);
	tvars_copy(row, "blanked", v[3]);
}

static void
frame_row(int n, const char *const *v, void *arg)
{
	struct octx	*c = arg;
	struct tvars	*row;

	if (n < 3)
		return;
	row = tvars_row(c->tv, "frame");
	tvars_copy(row, "id", v[0]);
	tvars_copy(row, "code", v[1]);
	tvars_copy(row, "label", v[2]);
	if (c->nf < 200) {
		c->fid[c->nf] = atoi(v[0]);
		snprintf(c->fname[c->nf], sizeof(c->fname[0]), "%s %s", v[1],
		    v[2]);
		c->nf++;
	}
}

/* One text with its code choices, the current one selected. */
static void
text_row(int n, const char *const *v, void *arg)
{
	struct octx		*c = arg;
	const struct optset	*os = item_options(c->it);
	const struct option	*other = optset_other(os);
	struct tvars		*row, *ch;
	char			 b[240];
	size_t			 i;

	if (n < 11)
		return;
	row = tvars_row(c->tv, "texts");
	tvars_copy(row, "resp", v[0]);
	tvars_copy(row, "text", v[1]);
	if (*v[2] != '\0') {
		snprintf(b, sizeof(b), "%s %s", v[2], v[3]);
		tvars_copy(row, "blanked", b);
	}
	if (*v[8] != '\0') {
		snprintf(b, sizeof(b), "%s, %s", v[8], v[9]);
		tvars_copy(row, "coder", b);
	}
	for (i = 0; other != NULL && i < os->n; i++) {
		if (&os->v[i] == other)
			continue;
		ch = tvars_row(row, "choices");
		snprintf(b, sizeof(b), "o%d", os->v[i].code);
		tvars_copy(ch, "value", b);
		snprintf(b, sizeof(b), "%s: %s (%d)", i18n_get(c->lang,
		    "admin.open.backcoded"), text_get(&os->v[i].label,
		    c->lang), os->v[i].code);
		tvars_copy(ch, "label", b);
		if (*v[4] != '\0' && atoi(v[4]) == os->v[i].code)
			tvars_set(ch, "selected", "1");
	}
	for (i = 0; i < c->nf; i++) {
		ch = tvars_row(row, "choices");
		snprintf(b, sizeof(b), "f%d", c->fid[i]);
		tvars_copy(ch, "value", b);
		tvars_copy(ch, "label", c->fname[i]);
		if (*v[5] != '\0' && atoi(v[5]) == c->fid[i])
			tvars_set(ch, "selected", "1");
	}
}

static void
first_wave(int n, const char *const *v, void *arg)
{
	int	*w = arg;

	if (n > 0 && *w == 0)
		*w = atoi(v[0]);
}

static void
wave_row(int n, const char *const *v, void *arg)
{
	struct octx	*c = arg;
	struct tvars	*row;

	if (n < 3)
		return;
	row = tvars_row(c->tv, "waves");
	tvars_copy(row, "id", v[0]);
	tvars_copy(row, "name", v[1]);
	if (atoi(v[0]) == c->wave)
		tvars_set(row, "selected", "1");
}

static int
open_post(struct http_request *req, struct admin_req *ar,
    const struct survey *s, int wave)
{
	const struct item	*it;
	struct backcode		 bc;
	const char		*act, *var, *code, *label, *resp;
	const char		*ov[2], *ox[2], *ow[2];
	char			 obj[VAR_MAX + 48], detail[240], opt[16], fr[16];
	char			*end;
	long long		 rid;
	long			 k;
	size_t			 i;
	int			 rc;

	act = form_get(&ar->f, "action");
	var = form_get(&ar->f, "var");
	if (act == NULL || var == NULL || (it = text_item(s, var)) == NULL)
		return (0);
	if (strcmp(act, "frame") == 0) {
		code = form_get(&ar->f, "code");
		label = form_get(&ar->f, "label");
		k = code != NULL ? strtol(code, &end, 10) : 0;
		if (code == NULL || *end != '\0' || k < 1 || k > 99999 ||
		    label == NULL || *label == '\0' || strlen(label) > 200)
			return (0);
		snprintf(obj, sizeof(obj), "frame %s wave %d", it->id, wave);
		snprintf(detail, sizeof(detail), "%ld %s", k, label);
		if (!db_begin(app.adb))
			return (DB_ERR);
		if ((rc = db_open_frame_add(app.adb, wave, it->id, (int)k,
		    label, ar->s.user_id)) == 1 &&
		    admin_audit(ar, "open.frame", obj, detail) &&
		    db_commit(app.adb))
			return (1);
		db_rollback(app.adb);
		return (rc == 0 ? 0 : DB_ERR);
	}
	resp = form_get(&ar->f, "resp");
	rid = resp != NULL ? strtoll(resp, &end, 10) : 0;
	if (resp == NULL || *end != '\0' || rid <= 0)
		return (0);
	snprintf(obj, sizeof(obj), "response %lld %s", rid, var);
	if (!db_begin(app.adb))
		return (DB_ERR);
	if (strcmp(act, "blank") == 0) {
		rc = db_open_blank(app.adb, wave, rid, var, ar->s.user_id);
		snprintf(detail, sizeof(detail), "text blanked");
	} else if (strcmp(act, "code") == 0 &&
	    (code = form_get(&ar->f, "code")) != NULL) {
		opt[0] = fr[0] = '\0';
		bc.n = 0;
		if (code[0] == 'o' && item_backcode(it, atoi(code + 1), &bc))
			snprintf(opt, sizeof(opt), "%d", atoi(code + 1));
		else if (code[0] == 'f' && atoi(code + 1) > 0)
			snprintf(fr, sizeof(fr), "%d", atoi(code + 1));
		else if (*code != '\0') {
			db_rollback(app.adb);
			return (0);
		}
		for (i = 0; i < bc.n; i++) {
			ov[i] = bc.var[i];
			ox[i] = bc.val[i];
			ow[i] = bc.raw[i];
		}
		rc = db_open_code(app.adb, wave, rid, var, opt, fr, ov, ox, ow,
		    bc.n, ar->s.user_id);
		snprintf(detail, sizeof(detail), "%s%s%s", *opt ? "option " :
		    *fr ? "frame code id " : "code removed", opt, fr);
	} else {
		db_rollback(app.adb);
		return (0);
	}
	if (rc == 1 && admin_audit(ar, strcmp(act, "blank") == 0 ?
	    "open.blank" : "open.code", obj, detail) && db_commit(app.adb))
		return (1);
	db_rollback(app.adb);
	return (rc == 0 ? 0 : DB_ERR);
}

int
admin_open(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	const struct survey	*s;
	struct octx		*c;
	struct tvars		 tv;
	struct form		 q;
	struct buf		 b, vars;
	const char		*w, *var, *why, *list[256];
	char			 obj[VAR_MAX + 32], *p;
	size_t			 n = 0;
	int			 wave, def, year, rc;
	const struct form	*f;

	f = req->method == HTTP_METHOD_POST ? &ar->f : NULL;
	memset(&q, 0, sizeof(q));
	if (f == NULL && !web_query(req, &q)) {
		admin_message(req, 400, ar, "msg.badform.title",
		    "msg.badform.text");
		return (KORE_RESULT_OK);
	}
	w = form_get(f != NULL ? f : &q, "wave");
	wave = w != NULL ? atoi(w) : 0;
	var = form_get(f != NULL ? f : &q, "var");
	/* Without a wave, the one the results page would show first. */
	rc = f == NULL && wave == 0 ? db_waves(app.adb, first_wave, &wave) : 0;
	if (rc == DB_ERR ||
	    (def = db_results_wave_def(app.adb, wave, &year)) == DB_ERR) {
		form_free(&q);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (def == 0 || catalog_def(def, &s, &why) != CAT_OK ||
	    (var != NULL && text_item(s, var) == NULL)) {
		form_free(&q);
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return (KORE_RESULT_OK);
	}
	if (f != NULL) {
		if ((rc = open_post(req, ar, s, wave)) == DB_ERR) {
			web_unavailable(req, ar->lang, db_error(app.adb));
		} else if (rc == 0) {
			admin_message(req, 422, ar, "msg.badform.title",
			    strcmp(form_get(f, "action") ? form_get(f,
			    "action") : "", "frame") == 0 ?
			    "admin.open.frame.bad" : "admin.open.bad");
		} else {
			buf_init(&b);
			buf_printf(&b, "/admin/open?wave=%d&var=", wave);
			buf_puts(&b, var);
			web_redirect(req, buf_cstr(&b));
			buf_free(&b);
		}
		return (KORE_RESULT_OK);
	}
	c = xcalloc(1, sizeof(*c));
	tvars_init(&tv, ar->lang);
	c->tv = &tv;
	c->lang = ar->lang;
	c->wave = wave;
	c->var = var;
	tvars_int(&tv, "wave", wave);
	tvars_set(&tv, "csrf", ar->s.csrf);
	rc = db_results_waves(app.adb, wave_row, c);
	if (rc != DB_ERR && var == NULL) {
		buf_init(&vars);
		survey_vars(s, collect_text_var, &vars);
		for (p = (char *)buf_cstr(&vars); *p != '\0' && n < 256; ) {
			list[n++] = p;
			if ((p = strchr(p, '\n')) == NULL)
				break;
			*p++ = '\0';
		}
		rc = db_open_counts(app.adb, wave, list, n, count_row, c);
		buf_free(&vars);
		snprintf(obj, sizeof(obj), "open texts wave %d", wave);
	} else if (rc != DB_ERR) {
		c->it = text_item(s, var);
		tvars_set(&tv, "var", var);
		tvars_set(&tv, "item", c->it->id);
		rc = db_open_frame(app.adb, wave, c->it->id, frame_row, c);
		if (rc != DB_ERR)
			rc = db_open_texts(app.adb, wave, var, text_row, c);
		snprintf(obj, sizeof(obj), "open texts wave %d %s", wave, var);
	}
	if (rc == DB_ERR || !admin_audit(ar, "open.view", obj, NULL)) {
		free(c);
		tvars_free(&tv);
		form_free(&q);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	admin_page(req, 200, ar, T_ADMIN_OPEN, &tv,
	    i18n_get(ar->lang, "admin.open.title"));
	free(c);
	tvars_free(&tv);
	form_free(&q);
	return (KORE_RESULT_OK);
}
