/*
 * Surveys, waves and versions:
 *   GET  /admin                        surveys, waves (field period,
 *                                      open or closed) and versions
 *                                      (definition, hidden values, counts)
 *   POST /admin/waves/<id>             open or close a wave
 *   GET|POST /admin/definitions        load a definition (the checks and
 *                                      messages of svarctl check)
 *   POST /admin/versions/<id>/preview  a test response, in a language
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"
#include "web.h"

struct list_ctx {
	struct tvars	*tv;
	struct tvars	*survey;
	struct tvars	*wave;
	char		 last_survey[128];
	int		 last_wave;
	enum lang	 lang;
};

static const char *
state_key(const char *state)
{
	if (strcmp(state, "open") == 0)
		return ("admin.wave.open");
	if (strcmp(state, "scheduled") == 0)
		return ("admin.wave.scheduled");
	return ("admin.wave.closed");
}

/* Rows come ordered by survey, wave, version: nest them as they come. */
static void
list_row(int n, const char *const *v, void *arg)
{
	struct list_ctx	*c = arg;
	struct tvars	*ver;
	int		 wave = atoi(v[2]);

	if (n < 16)
		return;
	if (c->survey == NULL || strcmp(c->last_survey, v[0]) != 0) {
		c->survey = tvars_row(c->tv, "surveys");
		tvars_copy(c->survey, "key", v[0]);
		tvars_copy(c->survey, "title", v[1]);
		snprintf(c->last_survey, sizeof(c->last_survey), "%s", v[0]);
		c->wave = NULL;
	}
	if (c->wave == NULL || c->last_wave != wave) {
		c->wave = tvars_row(c->survey, "waves");
		tvars_int(c->wave, "id", wave);
		tvars_copy(c->wave, "year", v[3]);
		tvars_copy(c->wave, "opens", v[4]);
		tvars_copy(c->wave, "closes", v[5]);
		tvars_set(c->wave, "state", i18n_get(c->lang,
		    state_key(v[6])));
		tvars_set(c->wave, "is_open", strcmp(v[6], "open") == 0 ?
		    "1" : NULL);
		tvars_copy(c->wave, "missing", v[14]);
		tvars_set(c->wave, "anonymous", strcmp(v[15], "1") == 0 ?
		    "1" : NULL);
		c->last_wave = wave;
	}
	ver = tvars_row(c->wave, "versions");
	tvars_copy(ver, "id", v[7]);
	tvars_copy(ver, "key", v[8]);
	tvars_copy(ver, "definition", v[9]);
	tvars_copy(ver, "loaded", v[10]);
	tvars_copy(ver, "hidden", v[11]);
	tvars_copy(ver, "responses", v[12]);
	tvars_copy(ver, "completed", v[13]);
}

static void
home_page(struct http_request *req, struct admin_req *ar, int status,
    const char *notice)
{
	struct list_ctx	 c;
	struct tvars	 tv;

	tvars_init(&tv, ar->lang);
	memset(&c, 0, sizeof(c));
	c.tv = &tv;
	c.lang = ar->lang;
	if (db_survey_list(app.adb, list_row, &c) == DB_ERR) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return;
	}
	tvars_set(&tv, "csrf", ar->s.csrf);
	tvars_set(&tv, "is_admin", strcmp(ar->s.role, "admin") == 0 ? "1" :
	    NULL);
	tvars_set(&tv, "notice", notice);
	admin_page(req, status, ar, T_ADMIN_HOME, &tv,
	    i18n_get(ar->lang, "admin.home.title"));
	tvars_free(&tv);
}

int
admin_home(struct http_request *req)
{
	home_page(req, admin_req(req), 200, NULL);
	return (KORE_RESULT_OK);
}

/*
 * Anonymous or confidential (sql/090): only before the wave's first
 * completed response, and audited.
 */
static void
wave_anonymity(struct http_request *req, struct admin_req *ar, int id,
    int anonymous)
{
	char	 name[128];

	if (!db_begin(app.adb)) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return;
	}
	if (id == 0 || !db_wave_anonymity(app.adb, id, anonymous, name,
	    sizeof(name))) {
		db_rollback(app.adb);
		home_page(req, ar, 409, i18n_get(ar->lang,
		    "admin.wave.anon_late"));
		return;
	}
	if (!admin_audit(ar, anonymous ? "wave.anonymous" :
	    "wave.confidential", name, NULL) || !db_commit(app.adb)) {
		db_rollback(app.adb);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return;
	}
	web_redirect(req, "/admin");
}

int
admin_wave(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	const char		*action = form_get(&ar->f, "action");
	char			 name[128];
	int			 id, closed;

	id = web_path_id(req->path, "/admin/waves/");
	if (action != NULL && (strcmp(action, "anonymous") == 0 ||
	    strcmp(action, "confidential") == 0)) {
		wave_anonymity(req, ar, id, strcmp(action, "anonymous") == 0);
		return (KORE_RESULT_OK);
	}
	if (action == NULL || (strcmp(action, "open") != 0 &&
	    strcmp(action, "close") != 0)) {
		home_page(req, ar, 422, i18n_get(ar->lang,
		    "admin.wave.badaction"));
		return (KORE_RESULT_OK);
	}
	closed = strcmp(action, "close") == 0;
	if (!closed && id != 0) {
		char	 missing[96], msg[256];

		if (!db_wave_privacy_missing(app.adb, id, missing,
		    sizeof(missing))) {
			web_unavailable(req, ar->lang, db_error(app.adb));
			return (KORE_RESULT_OK);
		}
		if (missing[0] != '\0') {
			snprintf(msg, sizeof(msg), "%s %s", i18n_get(ar->lang,
			    "admin.wave.privacy"), missing);
			home_page(req, ar, 422, msg);
			return (KORE_RESULT_OK);
		}
	}
	if (!db_begin(app.adb)) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (id == 0 || !db_wave_set(app.adb, id, closed, name,
	    sizeof(name))) {
		db_rollback(app.adb);
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return (KORE_RESULT_OK);
	}
	if (!admin_audit(ar, closed ? "wave.close" : "wave.open", name,
	    NULL) || !db_commit(app.adb)) {
		db_rollback(app.adb);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	web_redirect(req, "/admin");
	return (KORE_RESULT_OK);
}

/* The definition form, with the text kept and every problem listed. */
static void
defs_page(struct http_request *req, struct admin_req *ar, int status,
    const char *source, const struct def_errors *err, const char *error,
    const char *loaded)
{
	struct tvars	 tv, *row;
	size_t		 i;

	tvars_init(&tv, ar->lang);
	tvars_set(&tv, "csrf", ar->s.csrf);
	tvars_set(&tv, "source", source);
	tvars_set(&tv, "loaded", loaded);
	if (error != NULL) {
		row = tvars_row(&tv, "errors");
		tvars_set(row, "text", error);
	}
	for (i = 0; err != NULL && i < err->n; i++) {
		row = tvars_row(&tv, "errors");
		tvars_set(row, "text", err->msg[i]);
	}
	admin_page(req, status, ar, T_ADMIN_DEFS, &tv,
	    i18n_get(ar->lang, "admin.defs.title"));
	tvars_free(&tv);
}

int
admin_defs(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct def_errors	 err;
	struct def_loaded	 dl;
	struct survey		*s;
	const char		*src;
	char			 what[160], msg[256];

	if (req->method != HTTP_METHOD_POST) {
		defs_page(req, ar, 200, NULL, NULL, NULL, NULL);
		return (KORE_RESULT_OK);
	}
	src = form_get(&ar->f, "source");
	if (src == NULL || *src == '\0') {
		defs_page(req, ar, 422, src, NULL, i18n_get(ar->lang,
		    "admin.defs.empty"), NULL);
		return (KORE_RESULT_OK);
	}
	if ((s = def_parse("definisjon", src, strlen(src), &err)) == NULL) {
		defs_page(req, ar, 422, src, &err, NULL, NULL);
		def_errors_free(&err);
		return (KORE_RESULT_OK);
	}
	snprintf(what, sizeof(what), "%s %d", s->key, s->wave);
	if (!db_begin(app.adb) || !db_def_store(app.adb, s, src, &dl)) {
		db_rollback(app.adb);
		survey_free(s);
		if (dl.refused) {
			snprintf(msg, sizeof(msg), "%s %s", i18n_get(ar->lang,
			    "admin.defs.privacy"), dl.missing);
			defs_page(req, ar, 422, src, NULL, msg, NULL);
			return (KORE_RESULT_OK);
		}
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	snprintf(msg, sizeof(msg), "definition %d%s", dl.definition_id,
	    dl.is_new ? "" : " (unchanged)");
	if (!admin_audit(ar, "definition.load", what, msg) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		survey_free(s);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	snprintf(msg, sizeof(msg), "%s: %s %d, %zu, %d%s%s", i18n_get(ar->lang,
	    dl.is_new ? "admin.defs.loaded" : "admin.defs.unchanged"),
	    s->key, s->wave, s->npages, dl.definition_id,
	    dl.missing[0] != '\0' ? ". " : "", dl.missing[0] != '\0' ?
	    i18n_get(ar->lang, "admin.wave.privacy") : "");
	if (dl.missing[0] != '\0')
		snprintf(msg + strlen(msg), sizeof(msg) - strlen(msg), " %s",
		    dl.missing);
	survey_free(s);
	defs_page(req, ar, 200, NULL, NULL, NULL, msg);
	return (KORE_RESULT_OK);
}

int
admin_preview(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	char			 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];
	char			 csrf[KEY_VERIFIER_LEN + 1], obj[32], url[64];
	enum lang		 l;
	int			 id;

	id = web_path_id(req->path, "/admin/versions/");
	if ((l = lang_parse(form_get(&ar->f, "lang"))) == LANG_MAX)
		l = ar->lang;
	if (!keys_random(sel, KEY_SELECTOR_LEN) ||
	    !keys_random(ver, KEY_VERIFIER_LEN) ||
	    !keys_random(csrf, KEY_VERIFIER_LEN)) {
		web_unavailable(req, ar->lang, "no random bytes for a new key");
		return (KORE_RESULT_OK);
	}
	if (!db_begin(app.adb)) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (id == 0 || !db_test_response(app.adb, id, sel, ver, csrf,
	    lang_code(l))) {
		db_rollback(app.adb);
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return (KORE_RESULT_OK);
	}
	snprintf(obj, sizeof(obj), "version %d", id);
	if (!admin_audit(ar, "preview", obj, lang_code(l)) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	snprintf(url, sizeof(url), "/r/%s%s", sel, ver);
	web_redirect(req, url);
	return (KORE_RESULT_OK);
}
