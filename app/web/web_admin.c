/*
 * The admin area's plumbing: server-side sessions in a cookie, the
 * admin layout, and the audit helper. Which route needs which role is
 * decided in web_route.c, never here or in a handler.
 */
#include <stdio.h>
#include <string.h>

#include "digest.h"
#include "i18n.h"
#include "keys.h"
#include "web.h"

/* __Host- binds the cookie to this origin, path / and Secure (TLS). */
static const char *
cookie_name(void)
{
	return (app.secure_cookies ? "__Host-svar_admin" : "svar_admin");
}

static void
cookie_set(struct http_request *req, const char *value, int clear)
{
	char	 hdr[256];

	snprintf(hdr, sizeof(hdr), "%s=%s; Path=/; HttpOnly; SameSite=Strict%s%s",
	    cookie_name(), value, clear ? "; Max-Age=0" : "",
	    app.secure_cookies ? "; Secure" : "");
	http_response_header(req, "set-cookie", hdr);
}

struct admin_req *
admin_req(struct http_request *req)
{
	return (req->hdlr_extra);
}

/* 1 a live session (of either stage) in ar->s, 0 none, DB_ERR. */
int
admin_session_load(struct http_request *req, struct admin_req *ar)
{
	char	*id;

	ar->id_hash[0] = '\0';
	if ((id = web_cookie_get(req, cookie_name())) == NULL ||
	    strlen(id) != KEY_VERIFIER_LEN)
		return (0);
	digest_hex(id, ar->id_hash);
	return (db_session_get(app.adb, ar->id_hash, &ar->s));
}

/*
 * A new session at `stage` for a user: a fresh id every time (login
 * and the code step each get one), so an id from before is worthless.
 * The old session, if any, ends.
 */
int
admin_session_start(struct http_request *req, int user, const char *stage,
    struct admin_req *ar)
{
	char	 id[KEY_VERIFIER_LEN + 1], csrf[KEY_VERIFIER_LEN + 1];

	if (!keys_random(id, KEY_VERIFIER_LEN) ||
	    !keys_random(csrf, KEY_VERIFIER_LEN))
		return (0);
	if (ar->id_hash[0] != '\0' && !db_session_end(app.adb, ar->id_hash))
		return (0);
	digest_hex(id, ar->id_hash);
	if (!db_session_new(app.adb, ar->id_hash, user, stage, csrf))
		return (0);
	snprintf(ar->s.csrf, sizeof(ar->s.csrf), "%s", csrf);
	snprintf(ar->s.stage, sizeof(ar->s.stage), "%s", stage);
	ar->s.user_id = user;
	cookie_set(req, id, 0);
	return (1);
}

void
admin_session_drop(struct http_request *req, struct admin_req *ar)
{
	if (ar->id_hash[0] != '\0')
		db_session_end(app.adb, ar->id_hash);
	cookie_set(req, "", 1);
}

/* A body template inside the admin layout. */
void
admin_page(struct http_request *req, int status, struct admin_req *ar,
    enum tmpl_id t, struct tvars *tv, const char *title)
{
	struct tvars	 lt;
	struct buf	 body, out;
	int		 in = strcmp(ar->s.stage, "full") == 0;

	tv->lang = ar->lang;
	buf_init(&body);
	tmpl_render(app.tmpl[t], tv, &body);
	tvars_init(&lt, ar->lang);
	tvars_set(&lt, "lang", lang_code(ar->lang));
	tvars_set(&lt, "title", title);
	tvars_set(&lt, "content", buf_cstr(&body));
	tvars_set(&lt, "user", in ? ar->s.name : NULL);
	tvars_set(&lt, "role", in ? i18n_get(ar->lang, strcmp(ar->s.role,
	    "admin") == 0 ? "admin.role.admin" : "admin.role.analyst") : NULL);
	tvars_set(&lt, "is_admin", in && strcmp(ar->s.role, "admin") == 0 ?
	    "1" : NULL);
	tvars_set(&lt, "csrf", in ? ar->s.csrf : NULL);
	tvars_set(&lt, "v", asset_version());
	buf_init(&out);
	tmpl_render(app.tmpl[T_ADMIN_LAYOUT], &lt, &out);
	web_headers(req);
	http_response_header(req, "content-type", "text/html; charset=utf-8");
	http_response(req, status, out.data, out.len);
	buf_free(&out);
	buf_free(&body);
	tvars_free(&lt);
}

/* A message page in the admin layout; keys are i18n keys. */
void
admin_message(struct http_request *req, int status, struct admin_req *ar,
    const char *title_key, const char *text_key)
{
	struct tvars	 tv;

	tvars_init(&tv, ar->lang);
	tvars_set(&tv, "heading", i18n_get(ar->lang, title_key));
	tvars_set(&tv, "text", i18n_get(ar->lang, text_key));
	admin_page(req, status, ar, T_ADMIN_MESSAGE, &tv,
	    i18n_get(ar->lang, title_key));
	tvars_free(&tv);
}

/* An audit line by the logged-in user, in the caller's transaction. */
int
admin_audit(struct admin_req *ar, const char *action, const char *object,
    const char *detail)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.user_id = ar->s.user_id;
	e.actor = ar->s.name[0] != '\0' ? ar->s.name : "-";
	e.action = action;
	e.object = object;
	e.detail = detail;
	e.address = ar->ip;
	return (db_audit(app.adb, &e));
}

/* A row of db_waves for the chooser of a page about one wave. */
void
admin_wave_row(int n, const char *const *v, void *arg)
{
	struct wave_pick	*w = arg;
	struct tvars		*row;
	int			 id;

	if (n < 2)
		return;
	id = atoi(v[0]);
	if (w->want == 0)
		w->want = id;
	row = tvars_row(w->tv, "waves");
	tvars_int(row, "id", id);
	tvars_copy(row, "name", v[1]);
	if (id == w->want) {
		tvars_set(row, "selected", "1");
		w->found = 1;
	}
}
