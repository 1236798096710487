/*
 * Every route Kore knows ends here: its methods are checked, its handler
 * runs, and afterwards the database connection is checked, so that a
 * handler that left a transaction open cannot hand it to the next
 * request. Access rules for the admin area belong here too, one table
 * for every route, never in each handler.
 */
#include <string.h>

#include "keys.h"
#include "web.h"

enum {
	R_HOME,
	R_CODE,
	R_PRIVACY,
	R_ACCESSIBILITY,
	R_HEALTH,
	R_LINK,
	R_RESPOND,
	R_PORTAL,
	R_RESPOND_PAGE,
	R_RESUME_MAIL,
	R_WITHDRAW,
	R_ASSET,
	R_FAVICON,
	R_NOTFOUND,
	R_ADMIN_LOGIN,
	R_ADMIN_TOTP,
	R_ADMIN_ENROL,
	R_ADMIN_LOGOUT,
	R_ADMIN_HOME,
	R_ADMIN_WAVE,
	R_ADMIN_DEFS,
	R_ADMIN_PREVIEW,
	R_ADMIN_AUDIT,
	R_ADMIN_FRAME,
	R_ADMIN_UNITS,
	R_ADMIN_UNIT,
	R_ADMIN_RECRUIT,
	R_ADMIN_OUTBOX,
	R_ADMIN_LETTERS,
	R_ADMIN_FUNNEL,
	R_ADMIN_FUNNEL_CSV,
	R_ADMIN_RESULTS,
	R_ADMIN_OPEN,
	R_ADMIN_RECONTACT,
	R_ADMIN_EXPORT,
	R_OPTOUT,
	R_ADMIN_REMIND,
	R_ADMIN_MAILTMPL,
	R__MAX
};

#define GP	(M_GET | M_POST)

/* name, methods, access for GET, access for POST, handler */
static const struct web_route routes[R__MAX] = {
	[R_HOME] = { "home", M_GET, ACC_PUBLIC, ACC_PUBLIC, page_home },
	[R_CODE] = { "code", GP, ACC_PUBLIC, ACC_PUBLIC, page_code },
	[R_PRIVACY] = { "privacy", M_GET, ACC_PUBLIC, ACC_PUBLIC,
	    page_privacy },
	[R_ACCESSIBILITY] = { "accessibility", M_GET, ACC_PUBLIC, ACC_PUBLIC,
	    page_accessibility },
	[R_HEALTH] = { "health", M_GET, ACC_PUBLIC, ACC_PUBLIC, page_health },
	[R_LINK] = { "link", GP, ACC_PUBLIC, ACC_PUBLIC, page_link },
	/* Only a numbered page has a form to post. */
	[R_RESPOND] = { "respond", M_GET, ACC_PUBLIC, ACC_PUBLIC,
	    page_respond },
	[R_RESPOND_PAGE] = { "respond_page", GP, ACC_PUBLIC, ACC_PUBLIC,
	    page_respond },
	[R_RESUME_MAIL] = { "resume_mail", M_POST, ACC_PUBLIC, ACC_PUBLIC,
	    page_resume_mail },
	[R_WITHDRAW] = { "withdraw", GP, ACC_PUBLIC, ACC_PUBLIC,
	    page_respond },
	[R_ASSET] = { "asset", M_GET, ACC_PUBLIC, ACC_PUBLIC, page_asset },
	[R_FAVICON] = { "favicon", M_GET, ACC_PUBLIC, ACC_PUBLIC,
	    page_favicon },
	/* Last in the configuration: any path no other route takes. */
	[R_NOTFOUND] = { "notfound", GP, ACC_PUBLIC, ACC_PUBLIC,
	    page_notfound },
	[R_PORTAL] = { "portal", GP, ACC_PUBLIC, ACC_PUBLIC, page_portal },
	[R_ADMIN_LOGIN] = { "admin/login", GP, ACC_LOGIN, ACC_LOGIN,
	    admin_login },
	[R_ADMIN_TOTP] = { "admin/login/kode", GP, ACC_LOGIN, ACC_LOGIN,
	    admin_totp },
	[R_ADMIN_ENROL] = { "admin/enrol", GP, ACC_LOGIN, ACC_LOGIN,
	    admin_enrol },
	[R_ADMIN_LOGOUT] = { "admin/logout", M_POST, ACC_ANALYST, ACC_ANALYST,
	    admin_logout },
	[R_ADMIN_HOME] = { "admin", M_GET, ACC_ANALYST, ACC_ANALYST,
	    admin_home },
	[R_ADMIN_WAVE] = { "admin/waves", M_POST, ACC_ADMIN, ACC_ADMIN,
	    admin_wave },
	[R_ADMIN_DEFS] = { "admin/definitions", GP, ACC_ADMIN, ACC_ADMIN,
	    admin_defs },
	[R_ADMIN_PREVIEW] = { "admin/preview", M_POST, ACC_ANALYST,
	    ACC_ANALYST, admin_preview },
	[R_ADMIN_AUDIT] = { "admin/audit", M_GET, ACC_ADMIN, ACC_ADMIN,
	    admin_audit_page },
	[R_ADMIN_FRAME] = { "admin/frame", GP, ACC_ANALYST, ACC_ADMIN,
	    admin_frame },
	[R_ADMIN_UNITS] = { "admin/units", M_GET, ACC_ANALYST, ACC_ANALYST,
	    admin_units },
	[R_ADMIN_UNIT] = { "admin/unit", GP, ACC_ANALYST, ACC_ADMIN,
	    admin_unit },
	[R_ADMIN_RECRUIT] = { "admin/recruit", M_POST, ACC_ADMIN, ACC_ADMIN,
	    admin_recruit },
	[R_ADMIN_OUTBOX] = { "admin/outbox", M_GET, ACC_ADMIN, ACC_ADMIN,
	    admin_outbox },
	[R_ADMIN_LETTERS] = { "admin/letters", GP, ACC_ADMIN, ACC_ADMIN,
	    admin_letters },
	[R_ADMIN_FUNNEL] = { "admin/funnel", M_GET, ACC_ANALYST, ACC_ANALYST,
	    admin_funnel },
	[R_ADMIN_FUNNEL_CSV] = { "admin/funnel.csv", M_GET, ACC_ANALYST,
	    ACC_ANALYST, admin_funnel_csv },
	/* Results are counts; the population is the admins' to set. */
	[R_ADMIN_RESULTS] = { "admin/results", GP, ACC_ANALYST, ACC_ADMIN,
	    admin_results },
	/* Open texts may hold names or health information: admins only. */
	[R_ADMIN_OPEN] = { "admin/open", GP, ACC_ADMIN, ACC_ADMIN,
	    admin_open },
	/* Names and addresses of people who may be asked again. */
	[R_ADMIN_RECONTACT] = { "admin/recontact.csv", M_GET, ACC_ADMIN,
	    ACC_ADMIN, admin_recontact_csv },
	/*
	 * Raw data: analysts too (SPEC §2), without the free texts
	 * (a_export.c leaves them out for anyone but an admin).
	 */
	[R_ADMIN_EXPORT] = { "admin/export", GP, ACC_ANALYST, ACC_ANALYST,
	    admin_export },
	/* The key is the only authority; a one-click client posts it. */
	[R_OPTOUT] = { "optout", GP, ACC_PUBLIC, ACC_PUBLIC, page_optout },
	/* Reminder rules and mail texts name people and secret links. */
	[R_ADMIN_REMIND] = { "admin/remind", GP, ACC_ADMIN, ACC_ADMIN,
	    admin_remind },
	[R_ADMIN_MAILTMPL] = { "admin/mail", M_GET, ACC_ADMIN, ACC_ADMIN,
	    admin_mail_templates },
};

/* The Kore entry points named in conf/svar.conf.in. */
int	r_home(struct http_request *);
int	r_code(struct http_request *);
int	r_privacy(struct http_request *);
int	r_accessibility(struct http_request *);
int	r_health(struct http_request *);
int	r_link(struct http_request *);
int	r_respond(struct http_request *);
int	r_resume_mail(struct http_request *);
int	r_withdraw(struct http_request *);
int	r_respond_page(struct http_request *);
int	r_asset(struct http_request *);
int	r_favicon(struct http_request *);
int	r_notfound(struct http_request *);
int	r_admin_login(struct http_request *);
int	r_admin_totp(struct http_request *);
int	r_admin_enrol(struct http_request *);
int	r_admin_logout(struct http_request *);
int	r_admin_home(struct http_request *);
int	r_admin_wave(struct http_request *);
int	r_admin_defs(struct http_request *);
int	r_admin_preview(struct http_request *);
int	r_admin_audit(struct http_request *);
int	r_admin_frame(struct http_request *);
int	r_admin_units(struct http_request *);
int	r_admin_unit(struct http_request *);
int	r_admin_recruit(struct http_request *);
int	r_admin_outbox(struct http_request *);
int	r_admin_letters(struct http_request *);
int	r_portal(struct http_request *);
int	r_admin_funnel(struct http_request *);
int	r_admin_funnel_csv(struct http_request *);
int	r_admin_results(struct http_request *);
int	r_admin_open(struct http_request *);
int	r_admin_recontact(struct http_request *);
int	r_admin_export(struct http_request *);
int	r_optout(struct http_request *);
int	r_admin_remind(struct http_request *);
int	r_admin_mail(struct http_request *);

static int
method_allowed(const struct http_request *req, int methods)
{
	switch (req->method) {
	case HTTP_METHOD_GET:
	case HTTP_METHOD_HEAD:
		return (methods & M_GET);
	case HTTP_METHOD_POST:
		return (methods & M_POST);
	default:
		return (0);
	}
}

static void
not_allowed(struct http_request *req, int methods)
{
	const char	*allow;

	allow = (methods & M_POST) ? ((methods & M_GET) ?
	    "GET, HEAD, POST" : "POST") : "GET, HEAD";
	http_response_header(req, "allow", allow);
	http_response_header(req, "content-type", "text/plain");
	http_response(req, HTTP_STATUS_METHOD_NOT_ALLOWED,
	    "method not allowed\n", 19);
}

/*
 * The admin area's door, for every admin route alike: a session of the
 * right stage and role, and for a POST a form that carries the
 * session's CSRF token (before login: the form-token cookie's). A
 * handler only runs when all of that holds.
 */
static void
run_admin(struct http_request *req, const struct web_route *rt)
{
	struct admin_req	 ar;
	const char		*posted;
	enum access		 need;
	int			 rc, ok;

	memset(&ar, 0, sizeof(ar));
	ar.lang = web_page_lang(req);
	web_client_ip(req, ar.ip, sizeof(ar.ip));
	if ((rc = admin_session_load(req, &ar)) == DB_ERR) {
		web_unavailable(req, ar.lang, db_error(app.adb));
		return;
	}
	if (rc == 0)
		memset(&ar.s, 0, sizeof(ar.s));
	need = req->method == HTTP_METHOD_POST ? rt->post : rt->access;
	if (need >= ACC_ANALYST) {
		if (rc == 0 || strcmp(ar.s.stage, "full") != 0) {
			web_redirect(req, "/admin/login");
			return;
		}
		if (need == ACC_ADMIN && strcmp(ar.s.role, "admin") != 0) {
			admin_message(req, 403, &ar, "admin.forbidden.title",
			    "admin.forbidden.text");
			return;
		}
	}
	if (req->method == HTTP_METHOD_POST) {
		if (!web_body_form(req, &ar.f)) {
			admin_message(req, 400, &ar, "msg.badform.title",
			    "msg.badform.text");
			return;
		}
		posted = form_get(&ar.f, "csrf");
		ok = rc == 1 ? posted != NULL && keys_equal(posted, ar.s.csrf) :
		    web_form_token_ok(req, &ar.f);
		if (!ok) {
			form_free(&ar.f);
			admin_message(req, 403, &ar, "msg.csrf.title",
			    "msg.csrf.text");
			return;
		}
	}
	req->hdlr_extra = &ar;
	rt->fn(req);
	/* Kore frees hdlr_extra with the request; this one is ours. */
	req->hdlr_extra = NULL;
	form_free(&ar.f);
}

/*
 * A public handler may return KORE_RESULT_RETRY, asleep until the
 * database answers (web_async.c); Kore runs this again then.
 */
int
web_run(struct http_request *req, const struct web_route *rt)
{
	int	 rc = KORE_RESULT_OK;

	if (!method_allowed(req, rt->methods)) {
		not_allowed(req, rt->methods);
		return (KORE_RESULT_OK);
	}
	if (rt->access == ACC_PUBLIC)
		rc = rt->fn(req);
	else
		run_admin(req, rt);
	if (!db_request_end(app.db))
		kore_log(LOG_WARNING, "route %s: %s; rolled back", rt->name,
		    db_error(app.db));
	if (!db_request_end(app.adb))
		kore_log(LOG_WARNING, "route %s: %s; rolled back", rt->name,
		    db_error(app.adb));
	return (rc);
}

int
r_home(struct http_request *req)
{
	return (web_run(req, &routes[R_HOME]));
}

int
r_code(struct http_request *req)
{
	return (web_run(req, &routes[R_CODE]));
}

int
r_privacy(struct http_request *req)
{
	return (web_run(req, &routes[R_PRIVACY]));
}

int
r_health(struct http_request *req)
{
	return (web_run(req, &routes[R_HEALTH]));
}

int
r_link(struct http_request *req)
{
	return (web_run(req, &routes[R_LINK]));
}

int
r_respond(struct http_request *req)
{
	return (web_run(req, &routes[R_RESPOND]));
}

int
r_respond_page(struct http_request *req)
{
	return (web_run(req, &routes[R_RESPOND_PAGE]));
}

int
r_resume_mail(struct http_request *req)
{
	return (web_run(req, &routes[R_RESUME_MAIL]));
}

int
r_withdraw(struct http_request *req)
{
	return (web_run(req, &routes[R_WITHDRAW]));
}

int
r_asset(struct http_request *req)
{
	return (web_run(req, &routes[R_ASSET]));
}

int
r_accessibility(struct http_request *req)
{
	return (web_run(req, &routes[R_ACCESSIBILITY]));
}

int
r_favicon(struct http_request *req)
{
	return (web_run(req, &routes[R_FAVICON]));
}

int
r_notfound(struct http_request *req)
{
	return (web_run(req, &routes[R_NOTFOUND]));
}

int
r_admin_login(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_LOGIN]));
}

int
r_admin_totp(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_TOTP]));
}

int
r_admin_enrol(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_ENROL]));
}

int
r_admin_logout(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_LOGOUT]));
}

int
r_admin_home(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_HOME]));
}

int
r_admin_wave(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_WAVE]));
}

int
r_admin_defs(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_DEFS]));
}

int
r_admin_preview(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_PREVIEW]));
}

int
r_admin_audit(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_AUDIT]));
}

int
r_admin_frame(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_FRAME]));
}

int
r_admin_units(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_UNITS]));
}

int
r_admin_unit(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_UNIT]));
}

int
r_admin_recruit(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_RECRUIT]));
}

int
r_admin_outbox(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_OUTBOX]));
}

int
r_admin_letters(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_LETTERS]));
}

int
r_portal(struct http_request *req)
{
	return (web_run(req, &routes[R_PORTAL]));
}

int
r_admin_funnel(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_FUNNEL]));
}

int
r_admin_funnel_csv(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_FUNNEL_CSV]));
}

int
r_admin_results(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_RESULTS]));
}

int
r_admin_open(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_OPEN]));
}

int
r_admin_recontact(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_RECONTACT]));
}

int
r_admin_export(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_EXPORT]));
}

int
r_optout(struct http_request *req)
{
	return (web_run(req, &routes[R_OPTOUT]));
}

int
r_admin_remind(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_REMIND]));
}

int
r_admin_mail(struct http_request *req)
{
	return (web_run(req, &routes[R_ADMIN_MAILTMPL]));
}
