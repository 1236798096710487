/*
 * The contact person's portal, /k/<key>: a secret link per unit and
 * wave, no password. GET shows the unit; POST does one thing:
 *   action=accept|decline   take part or not
 *   action=contact          name, e-mail, phone of the contact person
 *   action=forwarded        the invitation went to this many people
 * The key is a bearer secret: compared in constant time, wrong keys
 * rate limited per address, a replaced key answers like an unknown one.
 * Every change is an event in the unit's history and an audit line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "frame.h"
#include "i18n.h"
#include "keys.h"
#include "qr.h"
#include "web.h"

#define PORTAL_TRIES	20	/* wrong keys per address per window */
#define PORTAL_WINDOW	600
#define FORWARDED_MAX	100000
/* Counts under this are shown as "fewer than": a small unit's few
 * respondents must not be told apart (SPEC §6). */
#define PORTAL_MIN_COUNT	5

struct portal {
	int		 found;
	int		 id;
	char		 verifier[40];
	char		 name[256];
	char		 kind[24];
	char		 stage[16];
	char		 forwarded[16];
	char		 cname[256];
	char		 cemail[256];
	char		 cphone[64];
	char		 wave[256];
	int		 closed;
};

static void
portal_row(int n, const char *const *v, void *arg)
{
	struct portal	*p = arg;

	if (n < 11)
		return;
	p->found = 1;
	p->id = atoi(v[0]);
	snprintf(p->verifier, sizeof(p->verifier), "%s", v[1]);
	snprintf(p->name, sizeof(p->name), "%s", v[2]);
	snprintf(p->kind, sizeof(p->kind), "%s", v[3]);
	snprintf(p->stage, sizeof(p->stage), "%s", v[4]);
	snprintf(p->forwarded, sizeof(p->forwarded), "%s", v[5]);
	snprintf(p->cname, sizeof(p->cname), "%s", v[6]);
	snprintf(p->cemail, sizeof(p->cemail), "%s", v[7]);
	snprintf(p->cphone, sizeof(p->cphone), "%s", v[8]);
	snprintf(p->wave, sizeof(p->wave), "%s", v[9]);
	p->closed = atoi(v[10]);
}

struct links_ctx {
	struct tvars	*tv;
	enum lang	 lang;
	const char	*unit;
};

/* A count for the portal: hidden while under the threshold. */
static void
count_set(struct tvars *tv, enum lang l, const char *key, long n)
{
	if (n < PORTAL_MIN_COUNT)
		tvars_set(tv, key, i18n_get(l, "portal.fewer"));
	else
		tvars_int(tv, key, n);
}

static void
link_row(int n, const char *const *v, void *arg)
{
	struct links_ctx	*c = arg;
	struct tvars		*row;
	struct buf		 url, qr, text;
	static const char	*const langs[] = { "nb", "nn", "en" };
	size_t			 i;

	if (n < 3)
		return;
	buf_init(&url);
	buf_init(&qr);
	web_base_url(&url);
	buf_printf(&url, "/u/%s", v[2]);
	row = tvars_row(c->tv, "links");
	tvars_copy(row, "version", v[1]);
	tvars_copy(row, "url", buf_cstr(&url));
	qr_svg(buf_cstr(&url), i18n_get(c->lang, "portal.qr"), &qr);
	tvars_copy(row, "qr", buf_cstr(&qr));
	for (i = 0; i < 3; i++) {
		struct tvars	*t = tvars_row(row, "texts");

		buf_init(&text);
		i18n_plain(&text, lang_parse(langs[i]), "portal.invitation",
		    c->unit, buf_cstr(&url));
		tvars_set(t, "lang", langs[i]);
		tvars_set(t, "lang_name", i18n_get(c->lang, i == 0 ?
		    "portal.lang.nb" : i == 1 ? "portal.lang.nn" :
		    "portal.lang.en"));
		tvars_copy(t, "text", buf_cstr(&text));
		buf_free(&text);
	}
	buf_free(&url);
	buf_free(&qr);
}

static void
portal_page(struct http_request *req, enum lang l, int status,
    const struct portal *p, const char *key, struct tvars *tv)
{
	struct links_ctx	 c;
	char			 token[KEY_VERIFIER_LEN + 1], action[64];
	long			 opened = 0, started = 0, completed = 0;
	int			 in = strcmp(p->stage, "accepted") == 0 ||
				    strcmp(p->stage, "distributed") == 0 ||
				    strcmp(p->stage, "responding") == 0;

	web_form_token(req, token, sizeof(token));
	snprintf(action, sizeof(action), "/k/%s", key);
	c.tv = tv;
	c.lang = l;
	c.unit = p->name;
	if ((in && db_unit_links(app.adb, p->id, link_row, &c) == DB_ERR) ||
	    !db_unit_counts(app.adb, p->id, &opened, &started, &completed)) {
		web_unavailable(req, l, db_error(app.adb));
		return;
	}
	tvars_set(tv, "csrf", token);
	tvars_set(tv, "action", action);
	tvars_set(tv, "unit", p->name);
	tvars_set(tv, "wave", p->wave);
	tvars_set(tv, "taking_part", in ? "1" : NULL);
	tvars_set(tv, "declined", strcmp(p->stage, "declined") == 0 ? "1" :
	    NULL);
	tvars_set(tv, "closed", p->closed ? "1" : NULL);
	if (!tvars_has(tv, "name"))
		tvars_set(tv, "name", p->cname);
	if (!tvars_has(tv, "email"))
		tvars_set(tv, "email", p->cemail);
	if (!tvars_has(tv, "phone"))
		tvars_set(tv, "phone", p->cphone);
	if (!tvars_has(tv, "forwarded"))
		tvars_set(tv, "forwarded", p->forwarded);
	count_set(tv, l, "opened", opened);
	count_set(tv, l, "started", started);
	count_set(tv, l, "completed", completed);
	tvars_int(tv, "threshold", PORTAL_MIN_COUNT);
	web_page(req, status, l, T_PORTAL, tv, p->name);
}

static int
field_error(struct tvars *tv, enum lang l, const char *key, const char *msg)
{
	struct tvars	*row = tvars_row(tv, "errors");

	tvars_set(row, "field", key);
	tvars_set(row, "text", i18n_get(l, msg));
	tvars_set(tv, key[0] == 'n' ? "name_error" : key[0] == 'e' ?
	    "email_error" : key[0] == 'p' ? "phone_error" : "forwarded_error",
	    i18n_get(l, msg));
	return (0);
}

/* One action, in the caller's transaction: 1 done, 0 bad input, -1. */
static int
portal_action(const struct form *f, const struct portal *p, enum lang l,
    struct tvars *tv, char *what, size_t len)
{
	const char	*action = form_get(f, "action");
	const char	*name, *email, *phone, *fw;
	char		*end;
	long		 n;
	int		 rc;

	if (action == NULL)
		action = "";
	snprintf(what, len, "%s", action);
	if (strcmp(action, "accept") == 0 || strcmp(action, "decline") == 0) {
		rc = db_unit_move(app.adb, p->id, action[0] == 'a' ?
		    "accepted" : "declined", "contact person", "in the portal");
		if (rc == DB_ERR && strstr(db_error(app.adb), "cannot move")) {
			tvars_set(tv, "notice", i18n_get(l, "portal.already"));
			return (0);
		}
		if (rc == DB_ERR)
			return (-1);
		if (action[0] == 'a' && !admin_links_make(p->id))
			return (-1);
		return (1);
	}
	if (strcmp(action, "contact") == 0) {
		name = form_get(f, "name");
		email = form_get(f, "email");
		phone = form_get(f, "phone");
		tvars_copy(tv, "name", name);
		tvars_copy(tv, "email", email);
		tvars_copy(tv, "phone", phone);
		rc = 1;
		if (name == NULL || *name == '\0')
			rc = field_error(tv, l, "name", "portal.err.name");
		else if (strlen(name) > 200)
			rc = field_error(tv, l, "name", "portal.err.long");
		if (email == NULL || !frame_email_ok(email))
			rc = field_error(tv, l, "email", "portal.err.email");
		if (phone != NULL && (strlen(phone) > 30 || strspn(phone,
		    "+0123456789 -") != strlen(phone)))
			rc = field_error(tv, l, "phone", "portal.err.phone");
		if (rc == 0)
			return (0);
		if (!db_contact_set(app.adb, p->id, name, email, phone,
		    lang_code(l)) || !db_unit_note(app.adb, p->id,
		    "contact person", "contact details changed"))
			return (-1);
		/* A new contact person (or address) gets the portal link in
		 * their own inbox: the request went to the postmottak. */
		if (strcasecmp(email, p->cemail) != 0 &&
		    !web_contact_invite(p->id))
			return (-1);
		return (1);
	}
	if (strcmp(action, "forwarded") == 0) {
		fw = form_get(f, "forwarded");
		tvars_copy(tv, "forwarded", fw);
		n = fw != NULL ? strtol(fw, &end, 10) : -1;
		if (fw == NULL || *fw == '\0' || *end != '\0' || n < 1 ||
		    n > FORWARDED_MAX)
			return (field_error(tv, l, "forwarded",
			    "portal.err.forwarded"));
		snprintf(what, len, "forwarded to %ld", n);
		if (!db_forwarded(app.adb, p->id, n) ||
		    !db_unit_note(app.adb, p->id, "contact person", what))
			return (-1);
		/* Forwarding is stage S3, if the unit is not past it. */
		if (strcmp(p->stage, "accepted") == 0 && db_unit_move(app.adb,
		    p->id, "distributed", "contact person",
		    "invitation forwarded") == DB_ERR)
			return (-1);
		return (1);
	}
	tvars_set(tv, "notice", i18n_get(l, "portal.badaction"));
	return (0);
}

static int
portal_lookup(const char *sel, void *arg, char *ver, size_t len)
{
	struct portal	*p = arg;

	if (db_portal_get(app.adb, sel, portal_row, p) == DB_ERR)
		return (DB_ERR);
	snprintf(ver, len, "%s", p->found ? p->verifier : "");
	return (p->found);
}

int
page_portal(struct http_request *req)
{
	struct portal		 p;
	struct tvars		 tv;
	struct form		 f;
	struct audit_entry	 e;
	struct key_gate		 g;
	char			 ip[64], what[128], obj[32];
	const char		*key = req->path + 3;
	enum lang		 l = web_page_lang(req);
	int			 rc;

	web_client_ip(req, ip, sizeof(ip));
	memset(&p, 0, sizeof(p));
	memset(&g, 0, sizeof(g));
	g.name = "portal";
	g.tries = PORTAL_TRIES;
	g.window = PORTAL_WINDOW;
	g.badlink = "portal.badlink";
	g.lookup = portal_lookup;
	g.arg = &p;
	if (!web_key_gate(req, l, &g, key))
		return (KORE_RESULT_OK);
	tvars_init(&tv, l);
	if (req->method != HTTP_METHOD_POST) {
		portal_page(req, l, 200, &p, key, &tv);
		tvars_free(&tv);
		return (KORE_RESULT_OK);
	}
	if (!web_body_form(req, &f)) {
		tvars_free(&tv);
		web_message(req, 400, l, "msg.badform.title", "msg.badform.text",
		    NULL);
		return (KORE_RESULT_OK);
	}
	if (!web_form_token_ok(req, &f)) {
		form_free(&f);
		tvars_free(&tv);
		web_message(req, 403, l, "msg.csrf.title", "msg.csrf.text",
		    NULL);
		return (KORE_RESULT_OK);
	}
	if (!db_begin(app.adb)) {
		form_free(&f);
		tvars_free(&tv);
		web_unavailable(req, l, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	rc = portal_action(&f, &p, l, &tv, what, sizeof(what));
	form_free(&f);
	snprintf(obj, sizeof(obj), "wave_unit %d", p.id);
	memset(&e, 0, sizeof(e));
	e.actor = "contact person";
	e.action = "portal.change";
	e.object = obj;
	e.detail = what;
	e.address = ip;
	if (rc == 1 && (!db_audit(app.adb, &e) || !db_commit(app.adb)))
		rc = -1;
	if (rc != 1)
		db_rollback(app.adb);
	if (rc < 0) {
		tvars_free(&tv);
		web_unavailable(req, l, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	if (rc == 0) {
		portal_page(req, l, 422, &p, key, &tv);
		tvars_free(&tv);
		return (KORE_RESULT_OK);
	}
	tvars_free(&tv);
	snprintf(what, sizeof(what), "/k/%s", key);
	web_redirect(req, what);
	return (KORE_RESULT_OK);
}
