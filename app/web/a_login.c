/*
 * The admin area's way in:
 *   GET|POST /admin/login          user name and password
 *   GET|POST /admin/login/kode     the TOTP code (RFC 6238)
 *   POST     /admin/logout
 *   GET|POST /admin/enrol/<key>    first password and authenticator,
 *                                  from the link svarctl user add printed
 * A wrong password or code never tells whether the account exists; both
 * count against the account and the address (LOGIN_* below).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "digest.h"
#include "i18n.h"
#include "keys.h"
#include "password.h"
#include "qr.h"
#include "totp.h"
#include "web.h"

/* Failures per 15 minutes: per account, and per address (a NAT). */
#define LOGIN_WINDOW		900
#define LOGIN_USER_TRIES	10
#define LOGIN_ADDR_TRIES	50

/*
 * Verified against when the account does not exist or has no password
 * yet, so that a wrong name takes as long as a wrong password. Made
 * once per worker from a password nobody knows.
 */
static const char *
dummy_hash(void)
{
	static char	 h[PW_ENCODED_MAX];
	char		 pw[KEY_VERIFIER_LEN + 1];

	if (h[0] == '\0' && keys_random(pw, KEY_VERIFIER_LEN))
		pw_hash(pw, h, sizeof(h));
	return (h);
}

static void
form_token(struct http_request *req, struct admin_req *ar, char *out,
    size_t len)
{
	if (ar->s.csrf[0] != '\0')
		snprintf(out, len, "%s", ar->s.csrf);
	else
		web_form_token(req, out, len);
}

static void
login_form(struct http_request *req, struct admin_req *ar, int status,
    const char *name, const char *error_key)
{
	struct tvars	 tv;
	char		 token[40];

	form_token(req, ar, token, sizeof(token));
	tvars_init(&tv, ar->lang);
	tvars_set(&tv, "csrf", token);
	tvars_set(&tv, "name", name);
	tvars_set(&tv, "error", error_key ? i18n_get(ar->lang, error_key) :
	    NULL);
	admin_page(req, status, ar, T_ADMIN_LOGIN, &tv,
	    i18n_get(ar->lang, "admin.login.title"));
	tvars_free(&tv);
}

static void
bucket(char *out, size_t len, const char *kind, const char *who)
{
	snprintf(out, len, "login-%s:%.64s", kind, who);
}

/*
 * Takes a try from the address and one from the account before the
 * password or code is looked at, each counted and compared in one
 * statement, so parallel guesses cannot overshoot the limits: 0 taken,
 * 1 limited (nothing taken), DB_ERR. A success gives both back.
 */
static int
login_take(struct admin_req *ar, const char *name)
{
	char	 a[128], u[128];
	int	 rc;

	bucket(a, sizeof(a), "addr", ar->ip);
	bucket(u, sizeof(u), "user", name);
	if ((rc = db_rate_take(app.adb, a, LOGIN_WINDOW, LOGIN_ADDR_TRIES)) !=
	    1)
		return (rc == DB_ERR ? DB_ERR : 1);
	if ((rc = db_rate_take(app.adb, u, LOGIN_WINDOW, LOGIN_USER_TRIES)) !=
	    1) {
		db_rate_give(app.adb, a, LOGIN_WINDOW);
		return (rc == DB_ERR ? DB_ERR : 1);
	}
	return (0);
}

static void
login_give(struct admin_req *ar, const char *name)
{
	char	 b[128];

	bucket(b, sizeof(b), "addr", ar->ip);
	db_rate_give(app.adb, b, LOGIN_WINDOW);
	bucket(b, sizeof(b), "user", name);
	db_rate_give(app.adb, b, LOGIN_WINDOW);
}

/* A failure keeps its tries, and is in the audit log. */
static void
login_failed(struct admin_req *ar, const char *name, const char *step)
{
	struct audit_entry	 e;

	memset(&e, 0, sizeof(e));
	e.actor = name;
	e.action = "login.failed";
	e.detail = step;
	e.address = ar->ip;
	if (!db_audit(app.adb, &e))
		kore_log(LOG_ERR, "audit: %s", db_error(app.adb));
}

int
admin_login(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct admin_user	 u;
	const char		*name, *pw;
	int			 rc, ok;

	if (strcmp(ar->s.stage, "full") == 0) {
		web_redirect(req, "/admin");
		return (KORE_RESULT_OK);
	}
	if (req->method != HTTP_METHOD_POST) {
		login_form(req, ar, 200, NULL, NULL);
		return (KORE_RESULT_OK);
	}
	name = form_get(&ar->f, "name");
	pw = form_get(&ar->f, "password");
	if (name == NULL || *name == '\0' || pw == NULL || *pw == '\0') {
		login_form(req, ar, 422, name, "admin.login.empty");
		return (KORE_RESULT_OK);
	}
	if (strlen(name) > 64 || strlen(pw) > PW_MAX_LEN) {
		login_form(req, ar, 422, NULL, "admin.login.wrong");
		return (KORE_RESULT_OK);
	}
	if ((rc = login_take(ar, name)) != 0) {
		if (rc == DB_ERR)
			web_unavailable(req, ar->lang, db_error(app.adb));
		else
			login_form(req, ar, 429, name, "admin.login.rate");
		return (KORE_RESULT_OK);
	}
	if ((rc = db_user_by_name(app.adb, name, &u)) == DB_ERR) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	/* The same work whether the account exists or is enrolled. */
	ok = pw_verify(rc == 1 && u.password_hash[0] != '\0' ?
	    u.password_hash : dummy_hash(), pw);
	if (rc != 1 || u.password_hash[0] == '\0' || !ok) {
		login_failed(ar, name, "password");
		login_form(req, ar, 422, name, "admin.login.wrong");
		return (KORE_RESULT_OK);
	}
	/* The right password is free: the tries go back. */
	login_give(ar, name);
	snprintf(ar->s.name, sizeof(ar->s.name), "%s", u.name);
	if (!db_begin(app.adb) ||
	    !admin_session_start(req, u.id, "password", ar) ||
	    !admin_audit(ar, "login.password", u.name, NULL) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	web_redirect(req, "/admin/login/kode");
	return (KORE_RESULT_OK);
}

static void
totp_form(struct http_request *req, struct admin_req *ar, int status,
    const char *error_key)
{
	struct tvars	 tv;

	tvars_init(&tv, ar->lang);
	tvars_set(&tv, "csrf", ar->s.csrf);
	tvars_set(&tv, "error", error_key ? i18n_get(ar->lang, error_key) :
	    NULL);
	admin_page(req, status, ar, T_ADMIN_TOTP, &tv,
	    i18n_get(ar->lang, "admin.totp.title"));
	tvars_free(&tv);
}

/* The code typed, without the spaces apps show in the middle. */
static void
code_clean(const char *in, char *out, size_t len)
{
	size_t	 n = 0;

	for (; in != NULL && *in != '\0' && n + 1 < len; in++)
		if (*in != ' ' && *in != '-')
			out[n++] = *in;
	out[n] = '\0';
}

/* The step a typed code matches for this secret, or -1. */
static long long
code_step(const char *secret_b32, const char *typed, long long last)
{
	unsigned char	 key[64];
	char		 code[16];
	size_t		 keylen;

	code_clean(typed, code, sizeof(code));
	if (!base32_decode(secret_b32, key, sizeof(key), &keylen) ||
	    keylen == 0)
		return (-1);
	return (totp_verify(key, keylen, (uint64_t)time(NULL), code, last));
}

int
admin_totp(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct admin_user	 u;
	long long		 step;
	int			 rc;

	if (strcmp(ar->s.stage, "password") != 0) {
		web_redirect(req, strcmp(ar->s.stage, "full") == 0 ?
		    "/admin" : "/admin/login");
		return (KORE_RESULT_OK);
	}
	if (req->method != HTTP_METHOD_POST) {
		totp_form(req, ar, 200, NULL);
		return (KORE_RESULT_OK);
	}
	if ((rc = login_take(ar, ar->s.name)) != 0) {
		if (rc == DB_ERR)
			web_unavailable(req, ar->lang, db_error(app.adb));
		else
			totp_form(req, ar, 429, "admin.login.rate");
		return (KORE_RESULT_OK);
	}
	if ((rc = db_user_by_name(app.adb, ar->s.name, &u)) != 1) {
		if (rc == DB_ERR)
			web_unavailable(req, ar->lang, db_error(app.adb));
		else
			web_redirect(req, "/admin/login");
		return (KORE_RESULT_OK);
	}
	step = code_step(u.totp_secret, form_get(&ar->f, "code"),
	    u.totp_last_step);
	/* Spent atomically: two tabs racing with one code, one wins. */
	if (step < 0 || (rc = db_user_step(app.adb, u.id, step)) == 0) {
		login_failed(ar, u.name, "code");
		totp_form(req, ar, 422, "admin.totp.wrong");
		return (KORE_RESULT_OK);
	}
	if (rc != DB_ERR)
		login_give(ar, u.name);
	if (rc == DB_ERR || !db_begin(app.adb) ||
	    !admin_session_start(req, u.id, "full", ar) ||
	    !admin_audit(ar, "login", u.name, NULL) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	web_redirect(req, "/admin");
	return (KORE_RESULT_OK);
}

int
admin_logout(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);

	if (!db_begin(app.adb) || !admin_audit(ar, "logout", ar->s.name,
	    NULL) || !db_session_end(app.adb, ar->id_hash) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	ar->id_hash[0] = '\0';
	admin_session_drop(req, ar);
	web_redirect(req, "/admin/login");
	return (KORE_RESULT_OK);
}

struct enrol_errs {
	const char	*pw;
	const char	*pw2;
	const char	*code;
};

static void
enrol_form(struct http_request *req, struct admin_req *ar, int status,
    const struct admin_user *u, const char *secret,
    const struct enrol_errs *e)
{
	struct tvars	 tv, *row;
	struct buf	 uri, qr;
	char		 token[40];

	form_token(req, ar, token, sizeof(token));
	buf_init(&uri);
	buf_init(&qr);
	buf_printf(&uri, "otpauth://totp/Svar:%s?secret=%s&issuer=Svar"
	    "&algorithm=SHA1&digits=6&period=30", u->name, secret);
	qr_svg(buf_cstr(&uri), i18n_get(ar->lang, "admin.enrol.qr"), &qr);
	tvars_init(&tv, ar->lang);
	tvars_set(&tv, "action", req->path);
	tvars_set(&tv, "csrf", token);
	tvars_set(&tv, "name", u->name);
	tvars_set(&tv, "secret", secret);
	tvars_set(&tv, "qr", buf_cstr(&qr));
	if (e != NULL) {
		tvars_set(&tv, "pw_error", e->pw ? i18n_get(ar->lang, e->pw) :
		    NULL);
		tvars_set(&tv, "pw2_error", e->pw2 ? i18n_get(ar->lang,
		    e->pw2) : NULL);
		tvars_set(&tv, "code_error", e->code ? i18n_get(ar->lang,
		    e->code) : NULL);
		if (e->pw != NULL) {
			row = tvars_row(&tv, "errors");
			tvars_set(row, "field", "password");
			tvars_set(row, "text", i18n_get(ar->lang, e->pw));
		}
		if (e->pw2 != NULL) {
			row = tvars_row(&tv, "errors");
			tvars_set(row, "field", "password2");
			tvars_set(row, "text", i18n_get(ar->lang, e->pw2));
		}
		if (e->code != NULL) {
			row = tvars_row(&tv, "errors");
			tvars_set(row, "field", "code");
			tvars_set(row, "text", i18n_get(ar->lang, e->code));
		}
	}
	admin_page(req, status, ar, T_ADMIN_ENROL, &tv,
	    i18n_get(ar->lang, "admin.enrol.title"));
	tvars_free(&tv);
	buf_free(&uri);
	buf_free(&qr);
}

int
admin_enrol(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct admin_user	 u;
	struct enrol_errs	 e;
	unsigned char		 raw[TOTP_SECRET_LEN];
	char			 hash[DIGEST_HEX_LEN + 1], fresh[TOTP_B32_LEN + 1];
	char			 secret[40], pwhash[PW_ENCODED_MAX];
	const char		*key = req->path + strlen("/admin/enrol/");
	const char		*pw, *pw2;
	long long		 step;
	int			 rc;

	if (strlen(key) != KEY_VERIFIER_LEN) {
		admin_message(req, 404, ar, "admin.enrol.bad.title",
		    "admin.enrol.bad.text");
		return (KORE_RESULT_OK);
	}
	digest_hex(key, hash);
	if ((rc = db_user_by_enrol(app.adb, hash, &u)) != 1) {
		if (rc == DB_ERR)
			web_unavailable(req, ar->lang, db_error(app.adb));
		else
			admin_message(req, 404, ar, "admin.enrol.bad.title",
			    "admin.enrol.bad.text");
		return (KORE_RESULT_OK);
	}
	/* The secret is made once and kept until enrolment is done. */
	if (!keys_bytes(raw, sizeof(raw)) ||
	    base32_encode(raw, sizeof(raw), fresh, sizeof(fresh)) == 0 ||
	    !db_user_secret(app.adb, u.id, fresh, secret, sizeof(secret))) {
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (req->method != HTTP_METHOD_POST) {
		enrol_form(req, ar, 200, &u, secret, NULL);
		return (KORE_RESULT_OK);
	}
	memset(&e, 0, sizeof(e));
	pw = form_get(&ar->f, "password");
	pw2 = form_get(&ar->f, "password2");
	e.pw = pw_weak(pw, u.name);
	if (e.pw == NULL && (pw2 == NULL || strcmp(pw, pw2) != 0))
		e.pw2 = "admin.pw.nomatch";
	step = code_step(secret, form_get(&ar->f, "code"), u.totp_last_step);
	if (step < 0)
		e.code = "admin.totp.wrong";
	if (e.pw != NULL || e.pw2 != NULL || e.code != NULL) {
		enrol_form(req, ar, 422, &u, secret, &e);
		return (KORE_RESULT_OK);
	}
	if (!pw_hash(pw, pwhash, sizeof(pwhash))) {
		web_unavailable(req, ar->lang, "argon2id failed");
		return (KORE_RESULT_OK);
	}
	snprintf(ar->s.name, sizeof(ar->s.name), "%s", u.name);
	ar->s.user_id = u.id;
	if (!db_begin(app.adb) ||
	    db_user_enrol(app.adb, u.id, pwhash, step) != 1 ||
	    !admin_audit(ar, "user.enrolled", u.name, NULL) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	memset(&ar->s, 0, sizeof(ar->s));
	admin_message(req, 200, ar, "admin.enrol.done.title",
	    "admin.enrol.done.text");
	return (KORE_RESULT_OK);
}
