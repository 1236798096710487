/*
 * A unit's open link, /u/<key>: one per unit and version, forwarded by
 * the unit's contact person to any number of colleagues.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "keys.h"
#include "web.h"

#define COOKIE_DAYS	60

/* Fresh responses per address per ten minutes: a hospital behind one
 * NAT can start many, a script cannot fill the table. */
#define START_LIMIT	300
#define START_WINDOW	600

static void
start_page(struct http_request *req, enum lang l, const struct link *lk,
    const char *key)
{
	const struct survey	*s;
	struct tvars		 tv;
	const char		*why;
	char			 token[KEY_VERIFIER_LEN + 1], action[64];
	int			 def;

	if (catalog_state(lk->version_id, &def) == DB_ERR) {
		web_unavailable(req, l, db_error(app.db));
		return;
	}
	if (catalog_def(def, &s, &why) != CAT_OK) {
		web_unavailable(req, l, why);
		return;
	}
	web_form_token(req, token, sizeof(token));
	snprintf(action, sizeof(action), "/u/%s", key);
	tvars_init(&tv, l);
	tvars_set(&tv, "survey", text_get(&s->title, l));
	tvars_set(&tv, "action", action);
	tvars_set(&tv, "csrf", token);
	web_survey_page(req, 200, l, s, T_START, &tv, text_get(&s->title, l));
	tvars_free(&tv);
}

/*
 * GET shows a start page and changes nothing, so that mail scanners and
 * link previews that fetch the link do not become respondents; the
 * "Start" button (POST) makes the response. The same browser goes
 * straight back to its own unfinished response.
 */
int
page_link(struct http_request *req)
{
	struct link	 l;
	struct resp	 r;
	struct answers	 a;
	struct form	 f;
	char		 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];
	char		 rsel[KEY_SELECTOR_LEN + 1], rver[KEY_VERIFIER_LEN + 1];
	char		 csrf[KEY_VERIFIER_LEN + 1], cookie[32], path[64];
	char		 rkey[KEY_LEN + 1], ip[64], bucket[96], *prev;
	const char	*key = req->path + 3;
	enum lang	 lang;
	int		 rc;

	lang = web_page_lang(req);
	if (!keys_split(key, sel, ver) ||
	    (rc = db_link_get(app.db, sel, &l)) == 0 ||
	    (rc == 1 && !keys_equal(ver, l.verifier))) {
		web_message(req, 404, lang, "msg.badlink.title",
		    "msg.badlink.text", "/kode");
		return (KORE_RESULT_OK);
	}
	if (rc == DB_ERR) {
		web_unavailable(req, lang, db_error(app.db));
		return (KORE_RESULT_OK);
	}
	if (l.closed) {
		web_message(req, 410, lang, "msg.closed.title",
		    "msg.closed.text", NULL);
		return (KORE_RESULT_OK);
	}
	snprintf(cookie, sizeof(cookie), "svar_%s", sel);
	if ((prev = web_cookie_get(req, cookie)) != NULL &&
	    keys_split(prev, rsel, rver)) {
		answers_init(&a);
		rc = db_resp_load(app.db, rsel, &r, &a);
		answers_free(&a);
		if (rc == 1 && keys_equal(rver, r.verifier) && r.unit_link == 1 &&
		    strcmp(r.status, "completed") != 0 &&
		    strcmp(r.status, "withdrawn") != 0) {
			snprintf(path, sizeof(path), "/r/%s", prev);
			web_redirect(req, path);
			return (KORE_RESULT_OK);
		}
	}
	if (req->method != HTTP_METHOD_POST) {
		/* A lost count is no reason to keep someone from the page. */
		if (!db_link_view(app.db, l.id))
			kore_log(LOG_WARNING, "link view: %s", db_error(app.db));
		start_page(req, lang, &l, key);
		return (KORE_RESULT_OK);
	}
	if (!web_body_form(req, &f)) {
		web_message(req, 400, lang, "msg.badform.title",
		    "msg.badform.text", NULL);
		return (KORE_RESULT_OK);
	}
	rc = web_form_token_ok(req, &f);
	form_free(&f);
	if (!rc) {
		web_message(req, 403, lang, "msg.csrf.title", "msg.csrf.text",
		    NULL);
		return (KORE_RESULT_OK);
	}
	web_client_ip(req, ip, sizeof(ip));
	snprintf(bucket, sizeof(bucket), "start:%s", ip);
	if ((rc = db_rate(app.db, bucket, START_WINDOW, 1)) == DB_ERR) {
		web_unavailable(req, lang, db_error(app.db));
		return (KORE_RESULT_OK);
	}
	if (rc > START_LIMIT) {
		web_message(req, 429, lang, "msg.toomany.title",
		    "msg.toomany.text", NULL);
		return (KORE_RESULT_OK);
	}
	if (!keys_random(rsel, KEY_SELECTOR_LEN) ||
	    !keys_random(rver, KEY_VERIFIER_LEN) ||
	    !keys_random(csrf, KEY_VERIFIER_LEN)) {
		web_unavailable(req, lang, "no random bytes for a new key");
		return (KORE_RESULT_OK);
	}
	if (db_resp_new(app.db, l.version_id, l.id, rsel, rver, csrf,
	    lang_code(lang)) < 0) {
		web_unavailable(req, lang, db_error(app.db));
		return (KORE_RESULT_OK);
	}
	snprintf(rkey, sizeof(rkey), "%s%s", rsel, rver);
	snprintf(path, sizeof(path), "/u/%s", key);
	web_cookie(req, cookie, rkey, path, COOKIE_DAYS * 86400);
	web_go_response(req, rkey, NULL);
	return (KORE_RESULT_OK);
}

