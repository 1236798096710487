/*
 * GET /admin/audit: who did what, newest first, 50 a page, filtered by
 * action (a prefix: "login" finds login, login.failed, ...) and actor.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "web.h"

#define AUDIT_PAGE	50

struct audit_ctx {
	struct tvars	*tv;
	int		 rows;
};

/* One row more than a page is asked for, to know there is a next. */
static void
audit_row(int n, const char *const *v, void *arg)
{
	struct audit_ctx	*c = arg;
	struct tvars		*row;

	if (n < 6 || c->rows++ >= AUDIT_PAGE)
		return;
	row = tvars_row(c->tv, "rows");
	tvars_copy(row, "at", v[0]);
	tvars_copy(row, "actor", v[1]);
	tvars_copy(row, "action", v[2]);
	tvars_copy(row, "object", v[3]);
	tvars_copy(row, "detail", v[4]);
	tvars_copy(row, "address", v[5]);
}

/* A filter value as typed, if it is a plain short word. */
static const char *
filter(const struct form *q, const char *name)
{
	const char	*v = form_get(q, name);

	if (v == NULL || strlen(v) > 64 ||
	    strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789._-") != strlen(v))
		return ("");
	return (v);
}

int
admin_audit_page(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct form		 q;
	struct tvars		 tv;
	struct audit_ctx	 c;
	struct buf		 link;
	const char		*action, *actor, *p;
	long			 page = 0;
	int			 n;

	if (!web_query(req, &q)) {
		admin_message(req, 400, ar, "msg.badform.title",
		    "msg.badform.text");
		return (KORE_RESULT_OK);
	}
	action = filter(&q, "action");
	actor = filter(&q, "actor");
	if ((p = form_get(&q, "page")) != NULL)
		page = strtol(p, NULL, 10);
	if (page < 0 || page > 100000)
		page = 0;
	tvars_init(&tv, ar->lang);
	c.tv = &tv;
	c.rows = 0;
	if ((n = db_audit_list(app.adb, action, actor, AUDIT_PAGE + 1,
	    (int)page * AUDIT_PAGE, audit_row, &c)) == DB_ERR) {
		tvars_free(&tv);
		form_free(&q);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	tvars_set(&tv, "action", action);
	tvars_set(&tv, "actor", actor);
	buf_init(&link);
	/* The filters are plain words (above): safe in a query string. */
	if (n > AUDIT_PAGE) {
		buf_printf(&link, "/admin/audit?action=%s&actor=%s&page=%ld",
		    action, actor, page + 1);
		tvars_copy(&tv, "next", buf_cstr(&link));
	}
	if (page > 0) {
		buf_reset(&link);
		buf_printf(&link, "/admin/audit?action=%s&actor=%s&page=%ld",
		    action, actor, page - 1);
		tvars_copy(&tv, "prev", buf_cstr(&link));
	}
	admin_page(req, 200, ar, T_ADMIN_AUDIT, &tv,
	    i18n_get(ar->lang, "admin.audit.title"));
	buf_free(&link);
	tvars_free(&tv);
	form_free(&q);
	return (KORE_RESULT_OK);
}
