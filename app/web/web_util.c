/* Responses, headers, cookies and request bodies for every handler. */
#include <arpa/inet.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "keys.h"
#include "web.h"

/* No inline script or style anywhere, so the policy can be strict. */
static const char *csp = "default-src 'none'; script-src 'self'; "
    "style-src 'self'; img-src 'self'; form-action 'self'; "
    "frame-ancestors 'none'; base-uri 'none'";

void
web_headers(struct http_request *req)
{
	http_response_header(req, "content-security-policy", csp);
	http_response_header(req, "referrer-policy", "no-referrer");
	http_response_header(req, "x-content-type-options", "nosniff");
	http_response_header(req, "x-frame-options", "DENY");
	http_response_header(req, "cache-control", "no-store");
	http_response_header(req, "permissions-policy",
	    "camera=(), microphone=(), geolocation=()");
}

/*
 * Sends `content` inside the layout, with the page's title and, in the
 * header, the owner of survey s (or, outside a questionnaire, of the
 * surveys open now), so a careful reader can tell this from phishing.
 */
void
web_survey_html(struct http_request *req, int status, enum lang l,
    const struct survey *s, const char *title, const char *content)
{
	struct tvars	 tv;
	struct buf	 out;

	tvars_init(&tv, l);
	tvars_set(&tv, "owner", s != NULL ? s->owner.s[LANG_NB] != NULL ?
	    text_get(&s->owner, l) : NULL : catalog_owner(l));
	tvars_set(&tv, "lang", lang_code(l));
	tvars_set(&tv, "title", title);
	tvars_set(&tv, "content", content);
	tvars_set(&tv, "nb_current", l == LANG_NB ? "true" : "");
	tvars_set(&tv, "nn_current", l == LANG_NN ? "true" : "");
	tvars_set(&tv, "en_current", l == LANG_EN ? "true" : "");
	tvars_set(&tv, "v", asset_version());
	buf_init(&out);
	tmpl_render(app.tmpl[T_LAYOUT], &tv, &out);
	tvars_free(&tv);
	web_headers(req);
	http_response_header(req, "content-type", "text/html; charset=utf-8");
	http_response(req, status, out.data, out.len);
	buf_free(&out);
}

void
web_html(struct http_request *req, int status, enum lang l, const char *title,
    const char *content)
{
	web_survey_html(req, status, l, NULL, title, content);
}

/* Renders a body template into the layout of survey s (or NULL). */
void
web_survey_page(struct http_request *req, int status, enum lang l,
    const struct survey *s, enum tmpl_id t, struct tvars *tv,
    const char *title)
{
	struct buf	 body;

	tv->lang = l;
	buf_init(&body);
	tmpl_render(app.tmpl[t], tv, &body);
	web_survey_html(req, status, l, s, title, buf_cstr(&body));
	buf_free(&body);
}

void
web_page(struct http_request *req, int status, enum lang l, enum tmpl_id t,
    struct tvars *tv, const char *title)
{
	web_survey_page(req, status, l, NULL, t, tv, title);
}

/* A page that says what happened and what to do; keys are i18n keys. */
void
web_message(struct http_request *req, int status, enum lang l,
    const char *title_key, const char *text_key, const char *link)
{
	struct tvars	 tv;

	tvars_init(&tv, l);
	tvars_set(&tv, "heading", i18n_get(l, title_key));
	tvars_set(&tv, "text", i18n_get(l, text_key));
	tvars_set(&tv, "link", link);
	web_page(req, status, l, T_MESSAGE, &tv, i18n_get(l, title_key));
	tvars_free(&tv);
}

void
web_redirect(struct http_request *req, const char *to)
{
	web_headers(req);
	http_response_header(req, "location", to);
	http_response(req, HTTP_STATUS_SEE_OTHER, NULL, 0);
}

/*
 * Reads and parses a urlencoded body. 0 means the body was not a form or
 * was malformed; Kore itself refuses bodies above http_body_max.
 */
int
web_body_form(struct http_request *req, struct form *f)
{
	struct buf	 b;
	char		 chunk[8192];
	ssize_t		 n;
	const char	*ct;
	int		 ok;

	f->v = NULL;
	f->n = 0;
	if (!http_request_header(req, "content-type", &ct) ||
	    strncasecmp(ct, "application/x-www-form-urlencoded", 33) != 0)
		return (0);
	buf_init(&b);
	for (;;) {
		n = http_body_read(req, chunk, sizeof(chunk));
		if (n <= 0)
			break;
		buf_append(&b, chunk, (size_t)n);
		if (b.len > BODY_MAX) {
			buf_free(&b);
			return (0);
		}
	}
	if (n < 0) {
		buf_free(&b);
		return (0);
	}
	ok = form_parse(f, b.data ? b.data : "", b.len) == FORM_OK;
	buf_free(&b);
	return (ok);
}

int
web_query(struct http_request *req, struct form *f)
{
	const char	*q = req->query_string;

	f->v = NULL;
	f->n = 0;
	if (q == NULL)
		return (1);
	return (form_parse(f, q, strlen(q)) == FORM_OK);
}

/* SameSite=Lax: sent when a link in an e-mail is followed, not on POSTs
 * from other sites. Kore 4.1's cookie API has no SameSite, hence by hand. */
void
web_cookie(struct http_request *req, const char *name, const char *value,
    const char *path, int maxage)
{
	char	 hdr[512];

	snprintf(hdr, sizeof(hdr), "%s=%s; Path=%s; Max-Age=%d; HttpOnly; "
	    "SameSite=Lax%s", name, value, path, maxage,
	    app.secure_cookies ? "; Secure" : "");
	http_response_header(req, "set-cookie", hdr);
}

char *
web_cookie_get(struct http_request *req, const char *name)
{
	char	*v;

	/* Kore appends every cookie again on each populate: parse once. */
	if (TAILQ_EMPTY(&req->req_cookies))
		http_populate_cookies(req);
	if (!http_request_cookie(req, name, &v))
		return (NULL);
	return (v);
}

/*
 * Who is asking, for rate limits: the peer, or with SVAR_TRUSTED_PROXY=1
 * the address the proxy in front appended last to X-Forwarded-For. An
 * IPv6 client is its /64, since one host may hold a whole /64.
 */
void
web_client_ip(struct http_request *req, char *out, size_t len)
{
	struct connection	*c = req->owner;
	struct in6_addr		 a6;
	const char		*xff, *last;
	char			 tmp[128];

	snprintf(out, len, "unknown");
	if (app.trusted_proxy && http_request_header(req, "x-forwarded-for",
	    &xff)) {
		last = strrchr(xff, ',');
		last = last ? last + 1 : xff;
		while (*last == ' ')
			last++;
		snprintf(tmp, sizeof(tmp), "%s", last);
		tmp[strcspn(tmp, " ")] = '\0';
		if (inet_pton(AF_INET6, tmp, &a6) == 1) {
			memset(&a6.s6_addr[8], 0, 8);
			inet_ntop(AF_INET6, &a6, out, len);
		} else if (strspn(tmp, "0123456789.") == strlen(tmp) && *tmp)
			snprintf(out, len, "%s", tmp);
		return;
	}
	if (c->family == AF_INET)
		inet_ntop(AF_INET, &c->addr.ipv4.sin_addr, out, len);
	else if (c->family == AF_INET6) {
		a6 = c->addr.ipv6.sin6_addr;
		memset(&a6.s6_addr[8], 0, 8);
		inet_ntop(AF_INET6, &a6, out, len);
	}
}

/*
 * CSRF for forms shown before there is a response (code entry, the
 * start page): a random token in a cookie that the form must repeat.
 */
void
web_form_token(struct http_request *req, char *out, size_t len)
{
	char	*have;

	if ((have = web_cookie_get(req, "svar_csrf")) != NULL &&
	    strlen(have) == KEY_VERIFIER_LEN &&
	    strspn(have, "abcdefghijkmnpqrstuvwxyz23456789") == KEY_VERIFIER_LEN) {
		snprintf(out, len, "%s", have);
		return;
	}
	if (len <= KEY_VERIFIER_LEN || !keys_random(out, KEY_VERIFIER_LEN)) {
		out[0] = '\0';
		return;
	}
	web_cookie(req, "svar_csrf", out, "/", 86400);
}

int
web_form_token_ok(struct http_request *req, const struct form *f)
{
	const char	*posted = form_get(f, "csrf");
	char		*cookie = web_cookie_get(req, "svar_csrf");

	return (posted != NULL && cookie != NULL &&
	    strlen(cookie) == KEY_VERIFIER_LEN && keys_equal(posted, cookie));
}

/* ?lang= wins, then the lang cookie, then bokmål. */
enum lang
web_lang(struct http_request *req, const struct form *q)
{
	enum lang	 l;
	char		*c;

	if (q != NULL && (l = lang_parse(form_get(q, "lang"))) != LANG_MAX)
		return (l);
	if ((c = web_cookie_get(req, "lang")) != NULL &&
	    (l = lang_parse(c)) != LANG_MAX)
		return (l);
	return (LANG_NB);
}

/* ?lang= on a page without a response is remembered in a cookie. */
enum lang
web_page_lang(struct http_request *req)
{
	struct form	 q;
	enum lang	 l;

	if (!web_query(req, &q))
		return (LANG_NB);
	l = web_lang(req, &q);
	if (form_get(&q, "lang") != NULL && lang_parse(form_get(&q,
	    "lang")) != LANG_MAX)
		web_cookie(req, "lang", lang_code(l), "/", 365 * 86400);
	form_free(&q);
	return (l);
}

/*
 * Links that are shown or mailed start with the configured address
 * (SVAR_BASE_URL), never the Host header a client sent: a forged Host
 * would otherwise put an attacker's address in a resume link.
 */
void
web_base_url(struct buf *b)
{
	buf_puts(b, app.base_url);
}

/* A 503 page; `why` goes to the log, never to the visitor. */
void
web_unavailable(struct http_request *req, enum lang l, const char *why)
{
	kore_log(LOG_ERR, "unavailable: %s", why ? why : "?");
	web_message(req, 503, l, "msg.unavailable.title",
	    "msg.unavailable.text", NULL);
}

/* To a response: /r/<key>, or /r/<key>/<tail>. */
void
web_go_response(struct http_request *req, const char *key, const char *tail)
{
	char	 url[128];

	snprintf(url, sizeof(url), "/r/%s%s%s", key, tail ? "/" : "",
	    tail ? tail : "");
	web_redirect(req, url);
}

/*
 * The number after prefix in a path (/admin/units/<n>, /admin/versions/
 * <n>/preview), or 0 when there is none; Kore's route has checked the
 * digits, this checks the range.
 */
int
web_path_id(const char *path, const char *prefix)
{
	const char	*p;
	char		*end;
	long		 n;

	if (strncmp(path, prefix, strlen(prefix)) != 0)
		return (0);
	p = path + strlen(prefix);
	n = strtol(p, &end, 10);
	if (end == p || n <= 0 || n > 1000000000 || (*end != '\0' &&
	    *end != '/'))
		return (0);
	return ((int)n);
}

/*
 * A bearer key from a URL (portal, opt-out), rate limited per address:
 * a try is taken before the key is looked at and a right key gives it
 * back, so parallel guesses cannot overshoot the limit. lookup finds
 * the selector's row (DB_ERR on failure) and gives its verifier, empty
 * when there is none. 1 when the key is right;
 * otherwise the answer (429, 404 with badlink, 503) is sent and 0.
 */
int
web_key_gate(struct http_request *req, enum lang l, struct key_gate *g,
    const char *key)
{
	char	 sel[KEY_SELECTOR_LEN + 1], ver[KEY_VERIFIER_LEN + 1];
	char	 ip[64], bucket[96], want[64];
	int	 hits;

	web_client_ip(req, ip, sizeof(ip));
	snprintf(bucket, sizeof(bucket), "%s:%s", g->name, ip);
	if ((hits = db_rate_take(app.adb, bucket, g->window, g->tries)) ==
	    DB_ERR) {
		web_unavailable(req, l, db_error(app.adb));
		return (0);
	}
	if (hits == 0) {
		web_message(req, 429, l, "msg.toomany.title", "msg.toomany.text",
		    NULL);
		return (0);
	}
	want[0] = '\0';
	if (keys_split(key, sel, ver) && g->lookup(sel, g->arg, want,
	    sizeof(want)) == DB_ERR) {
		web_unavailable(req, l, db_error(app.adb));
		return (0);
	}
	if (want[0] == '\0' || !keys_equal(ver, want)) {
		web_message(req, 404, l, "msg.badlink.title", g->badlink, NULL);
		return (0);
	}
	db_rate_give(app.adb, bucket, g->window);
	return (1);
}
