/*
 * Opting out of respondent mail, /avmeld/<key>: the List-Unsubscribe
 * URL of every personal invitation and reminder. No login: the key
 * (the invitation's own opt-out selector and verifier, not its
 * response's) is the secret. GET shows a page with a button and changes
 * nothing, since mail scanners fetch links; POST, from that button or
 * from a mail client's one-click (RFC 8058, body
 * "List-Unsubscribe=One-Click"), stops all further mail for the
 * invitation. There is nothing to forge a request for (the key is the
 * only authority), so no CSRF token: a one-click client could not send
 * one. Wrong keys are rate limited per address as on the portal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

#define OPTOUT_TRIES	20	/* wrong keys per address per window */
#define OPTOUT_WINDOW	600

struct optout {
	int	 found;
	int	 id;
	int	 done;
	char	 verifier[40];
};

static void
optout_row(int n, const char *const *v, void *arg)
{
	struct optout	*o = arg;

	if (n < 3)
		return;
	o->found = 1;
	o->id = atoi(v[0]);
	snprintf(o->verifier, sizeof(o->verifier), "%s", v[1]);
	o->done = atoi(v[2]);
}

static int
optout_lookup(const char *sel, void *arg, char *ver, size_t len)
{
	struct optout	*o = arg;

	if (db_optout_get(app.adb, sel, optout_row, o) == DB_ERR)
		return (DB_ERR);
	snprintf(ver, len, "%s", o->found ? o->verifier : "");
	return (o->found);
}

/* Opts out in one transaction with its audit line; 1, or 0. */
static int
optout_do(const struct optout *o, const char *ip)
{
	struct audit_entry	 e;
	char			 obj[32];
	int			 rc;

	snprintf(obj, sizeof(obj), "invitation %d", o->id);
	memset(&e, 0, sizeof(e));
	e.actor = "respondent";
	e.action = "mail.optout";
	e.object = obj;
	e.detail = "";
	e.address = ip;
	if (!db_begin(app.adb))
		return (0);
	if ((rc = db_optout(app.adb, o->id)) == DB_ERR ||
	    (rc == 1 && !db_audit(app.adb, &e)) || !db_commit(app.adb)) {
		db_rollback(app.adb);
		return (0);
	}
	return (1);
}

int
page_optout(struct http_request *req)
{
	struct optout	 o;
	struct key_gate	 g;
	struct tvars	 tv;
	char		 ip[64], action[64];
	const char	*key = req->path + strlen("/avmeld/");
	enum lang	 l = web_page_lang(req);

	web_client_ip(req, ip, sizeof(ip));
	memset(&o, 0, sizeof(o));
	memset(&g, 0, sizeof(g));
	g.name = "optout";
	g.tries = OPTOUT_TRIES;
	g.window = OPTOUT_WINDOW;
	g.badlink = "optout.badlink";
	g.lookup = optout_lookup;
	g.arg = &o;
	if (!web_key_gate(req, l, &g, key))
		return (KORE_RESULT_OK);
	if (req->method == HTTP_METHOD_POST && !o.done) {
		if (!optout_do(&o, ip)) {
			web_unavailable(req, l, db_error(app.adb));
			return (KORE_RESULT_OK);
		}
		o.done = 1;
	}
	snprintf(action, sizeof(action), "/avmeld/%s", key);
	tvars_init(&tv, l);
	tvars_set(&tv, "action", action);
	tvars_set(&tv, "done", o.done ? "1" : NULL);
	web_page(req, 200, l, T_OPTOUT, &tv, i18n_get(l, "optout.title"));
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}
