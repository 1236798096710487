/*
 * Every route Kore knows ends here: its methods are checked, its handler
 * runs, and afterwards the database connection is checked, so that a
 * handler that left a transaction open cannot hand it to the next
 * request. Access rules for the admin area belong here too, one table
 * for every route, never in each handler.
 */
#include <string.h>

#include "web.h"

enum {
	R_HOME,
	R_CODE,
	R_PRIVACY,
	R_HEALTH,
	R_LINK,
	R_RESPOND,
	R_RESPOND_PAGE,
	R_ASSET_REFUSED,
	R__MAX
};

static const struct web_route routes[R__MAX] = {
	[R_HOME] =	{ "home", M_GET, page_home },
	[R_CODE] =	{ "code", M_GET | M_POST, page_code },
	[R_PRIVACY] =	{ "privacy", M_GET, page_privacy },
	[R_HEALTH] =	{ "health", M_GET, page_health },
	[R_LINK] =	{ "link", M_GET | M_POST, page_link },
	/* Only a numbered page has a form to post. */
	[R_RESPOND] =	{ "respond", M_GET, page_respond },
	[R_RESPOND_PAGE] = { "respond_page", M_GET | M_POST, page_respond },
	[R_ASSET_REFUSED] = { "asset_refused", M_GET, page_asset_refused },
};

/* The Kore entry points named in conf/svar.conf.in. */
int	r_home(struct http_request *);
int	r_code(struct http_request *);
int	r_privacy(struct http_request *);
int	r_health(struct http_request *);
int	r_link(struct http_request *);
int	r_respond(struct http_request *);
int	r_respond_page(struct http_request *);
int	r_asset_refused(struct http_request *);

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

int
web_run(struct http_request *req, const struct web_route *rt)
{
	int	 rc;

	if (!method_allowed(req, rt->methods)) {
		not_allowed(req, rt->methods);
		return (KORE_RESULT_OK);
	}
	rc = rt->fn(req);
	if (!db_request_end(app.db))
		kore_log(LOG_WARNING, "route %s: %s; rolled back", rt->name,
		    db_error(app.db));
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
r_asset_refused(struct http_request *req)
{
	return (web_run(req, &routes[R_ASSET_REFUSED]));
}
