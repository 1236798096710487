/*
 * Pages without a response behind them:
 *   GET /             what this is, and where to type a code
 *   GET|POST /kode    code entry for personal invitations (rate limited)
 *   GET /personvern   privacy notice and confidentiality statement
 *   GET /healthz      for load balancers: 200 when the database answers
 *   GET /assets/<name> CSS, JS and images from assets/
 */
#include <sys/stat.h>

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "i18n.h"
#include "keys.h"
#include "web.h"

/* Ten wrong codes per address per ten minutes; right ones are free. */
#define CODE_TRIES	10
#define CODE_WINDOW	600

/* A page that is only a template in the visitor's language. */
static int
text_page(struct http_request *req, enum tmpl_id t, const char *title_key)
{
	struct tvars	 tv;
	enum lang	 l = web_page_lang(req);

	tvars_init(&tv, l);
	web_page(req, 200, l, t, &tv, i18n_get(l, title_key));
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}

int
page_home(struct http_request *req)
{
	return (text_page(req, T_HOME, "home.title"));
}

/*
 * The privacy notice: what holds for every survey, then for each open
 * one who is responsible, whom to ask, the legal basis, how long answers
 * are kept and the data protection officer, from its definition (a wave
 * does not open without them).
 */
int
page_privacy(struct http_request *req)
{
	privacy_show(req, web_page_lang(req), NULL);
	return (KORE_RESULT_OK);
}

/*
 * The notice; reached from a response (/r/<key>/personvern) it also
 * links to that response's withdrawal.
 */
void
privacy_show(struct http_request *req, enum lang l, const char *key)
{
	const struct survey	*sv[CAT_OPEN_MAX];
	struct tvars		 tv, *row;
	char			 url[64];
	size_t			 i, f, n;

	tvars_init(&tv, l);
	if (key != NULL) {
		snprintf(url, sizeof(url), "/r/%s/trekk", key);
		tvars_copy(&tv, "withdraw_url", url);
	}
	n = catalog_open(sv, CAT_OPEN_MAX);
	for (i = 0; i < n; i++) {
		row = tvars_row(&tv, "surveys");
		tvars_set(row, "title", text_get(&sv[i]->title, l));
		tvars_set(row, "owner", text_get(&sv[i]->owner, l));
		for (f = 0; f < PRIV_MAX; f++)
			tvars_set(row, privacy_name(f),
			    text_get(&sv[i]->privacy[f], l));
	}
	web_page(req, 200, l, T_PRIVACY, &tv, i18n_get(l, "privacy.title"));
	tvars_free(&tv);
}

/* The accessibility statement (tilgjengelighetserklæring). */
int
page_accessibility(struct http_request *req)
{
	return (text_page(req, T_ACCESSIBILITY, "a11y.title"));
}

int
page_health(struct http_request *req)
{
	if (!db_ping(app.db)) {
		http_response(req, 503, "db down\n", 8);
		return (KORE_RESULT_OK);
	}
	http_response_header(req, "content-type", "text/plain");
	http_response(req, 200, "ok\n", 3);
	return (KORE_RESULT_OK);
}

/* The code form, with the typed code kept and a message if any. */
static void
code_form(struct http_request *req, int status, enum lang l,
    const char *typed, const char *error_key)
{
	struct tvars	 tv;
	char		 token[KEY_VERIFIER_LEN + 1];

	web_form_token(req, token, sizeof(token));
	tvars_init(&tv, l);
	tvars_set(&tv, "csrf", token);
	tvars_set(&tv, "code", typed);
	tvars_set(&tv, "error", error_key ? i18n_get(l, error_key) : NULL);
	web_page(req, status, l, T_CODE, &tv, i18n_get(l, "code.title"));
	tvars_free(&tv);
}

int
page_code(struct http_request *req)
{
	struct form	 f;
	enum lang	 l = web_page_lang(req);
	char		 ip[64], bucket[96], code[CODE_LEN + 1], key[64];
	char		 url[96];
	const char	*typed;
	int		 rc;

	if (req->method != HTTP_METHOD_POST) {
		code_form(req, 200, l, NULL, NULL);
		return (KORE_RESULT_OK);
	}
	if (!web_body_form(req, &f)) {
		code_form(req, 400, l, NULL, "code.err.form");
		return (KORE_RESULT_OK);
	}
	typed = form_get(&f, "code");
	if (!web_form_token_ok(req, &f)) {
		code_form(req, 403, l, typed, "code.err.csrf");
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	if (typed == NULL || *typed == '\0') {
		code_form(req, 422, l, typed, "code.err.empty");
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	/*
	 * A try is taken before the code is looked at, so that parallel
	 * requests cannot look at more than CODE_TRIES; a right code gives
	 * it back. Once the window is full every code is refused, the right
	 * one too: looking at it would tell a guesser when it was right.
	 */
	web_client_ip(req, ip, sizeof(ip));
	snprintf(bucket, sizeof(bucket), "code:%s", ip);
	if ((rc = db_rate_take(app.db, bucket, CODE_WINDOW, CODE_TRIES)) !=
	    1) {
		if (rc == DB_ERR)
			web_unavailable(req, l, db_error(app.db));
		else
			code_form(req, 429, l, typed, "code.err.rate");
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	if (strlen(typed) > 64 || !keys_code_normalize(typed, code)) {
		code_form(req, 422, l, typed, "code.err.format");
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	if ((rc = db_code_key(app.db, code, key, sizeof(key))) != 1) {
		if (rc == DB_ERR) {
			web_unavailable(req, l, db_error(app.db));
			/* Not the visitor's fault: the try is theirs again. */
			db_rate_give(app.db, bucket, CODE_WINDOW);
		} else
			code_form(req, 422, l, typed, "code.err.unknown");
		form_free(&f);
		return (KORE_RESULT_OK);
	}
	if (!db_rate_give(app.db, bucket, CODE_WINDOW))
		kore_log(LOG_WARNING, "rate give: %s", db_error(app.db));
	form_free(&f);
	if (key[0] == '\0') {
		/* Completed in an anonymous wave: nothing to open (sql/090). */
		web_message(req, 200, l, "msg.spent.title", "msg.spent.text",
		    NULL);
		return (KORE_RESULT_OK);
	}
	snprintf(url, sizeof(url), "/r/%s", key);
	web_redirect(req, url);
	return (KORE_RESULT_OK);
}

static int
asset_missing(struct http_request *req)
{
	http_response_header(req, "content-type", "text/plain");
	http_response(req, HTTP_STATUS_NOT_FOUND, "not found\n", 10);
	return (KORE_RESULT_OK);
}

/*
 * One plain file name: letters, digits, '-', '_' and dots between them.
 * Nothing a client sends reaches the file system as a path.
 */
static int
asset_name_ok(const char *n)
{
	static const char	 ok[] = "abcdefghijklmnopqrstuvwxyz"
	    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.";
	size_t			 len = strlen(n);

	return (len > 0 && len <= 64 && strspn(n, ok) == len &&
	    n[0] != '.' && n[len - 1] != '.' && strstr(n, "..") == NULL);
}

static int	asset_serve(struct http_request *, const char *);

/*
 * /assets/<name>, served here rather than by Kore's file map: the map
 * hands whatever path a client typed to realpath(), which is where a
 * worker died on "/assets/" and "/assets/svar.css/" (svar.c), and Kore
 * answers other methods on it with a 405 that names none. Kore's file
 * cache still keeps each file open and checks its mtime on every use.
 */
int
page_asset(struct http_request *req)
{
	return (asset_serve(req, req->path + sizeof("/assets/") - 1));
}

/* /favicon.ico, which browsers and crawlers ask for on their own. */
int
page_favicon(struct http_request *req)
{
	return (asset_serve(req, "favicon.svg"));
}

/* Any path no route knows: a page in the layout, in the visitor's language. */
int
page_notfound(struct http_request *req)
{
	web_message(req, 404, web_page_lang(req), "msg.notfound.title",
	    "msg.notfound.text", "/");
	return (KORE_RESULT_OK);
}

/* text/css or application/javascript for the files worth gzipping. */
static const char *
gzip_type(const char *name)
{
	size_t	 n = strlen(name);

	if (n > 4 && strcmp(name + n - 4, ".css") == 0)
		return ("text/css; charset=utf-8");
	if (n > 3 && strcmp(name + n - 3, ".js") == 0)
		return ("application/javascript; charset=utf-8");
	if (n > 4 && strcmp(name + n - 4, ".svg") == 0)
		return ("image/svg+xml");
	return (NULL);
}

/*
 * A URL with the current version (?v=, as the layouts write it) names
 * these exact bytes, so it may be kept a year; any other is revalidated.
 */
static void
asset_cache(struct http_request *req)
{
	struct form	 q;
	const char	*v;
	int		 current = 0;

	if (web_query(req, &q)) {
		v = form_get(&q, "v");
		current = v != NULL && strcmp(v, asset_version()) == 0;
		form_free(&q);
	}
	http_response_header(req, "cache-control", current ?
	    "public, max-age=31536000, immutable" : "no-cache");
}

static int
asset_serve(struct http_request *req, const char *name)
{
	struct kore_server	*srv = req->owner->owner->server;
	struct kore_fileref	*ref;
	struct stat		 st;
	const unsigned char	*gz;
	const char		*type;
	char			 path[96];
	size_t			 gzlen;
	int			 fd;

	if (!asset_name_ok(name))
		return (asset_missing(req));
	snprintf(path, sizeof(path), "assets/%s", name);
	if ((type = gzip_type(name)) != NULL) {
		http_response_header(req, "vary", "Accept-Encoding");
		if (asset_accepts_gzip(req) &&
		    asset_gzip(path, name, &gz, &gzlen)) {
			asset_cache(req);
			http_response_header(req, "x-content-type-options",
			    "nosniff");
			http_response_header(req, "content-type", type);
			http_response_header(req, "content-encoding", "gzip");
			http_response(req, HTTP_STATUS_OK, gz, gzlen);
			return (KORE_RESULT_OK);
		}
	}
	if ((ref = kore_fileref_get(path, srv->tls)) == NULL) {
		if ((fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)) == -1)
			return (asset_missing(req));
		if (fstat(fd, &st) == -1 || !S_ISREG(st.st_mode) ||
		    st.st_size <= 0) {
			close(fd);
			return (asset_missing(req));
		}
		/* It keeps the descriptor (or maps the file and closes it). */
		ref = kore_fileref_create(srv, path, fd, st.st_size,
		    &st.st_mtim);
		if (ref == NULL) {
			close(fd);
			http_response(req, HTTP_STATUS_INTERNAL_ERROR, NULL, 0);
			return (KORE_RESULT_OK);
		}
	}
	asset_cache(req);
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_fileref(req, HTTP_STATUS_OK, ref);
	return (KORE_RESULT_OK);
}
