/*
 * Recontact consent (issue 13 §4):
 *   GET /admin/recontact.csv?wave=<id>   the wave's contacts as CSV
 * Admins only (web_route.c): names and addresses of people who agreed
 * to be asked again, kept apart from the answers and never in a raw
 * data export. Each download is an audit entry.
 */
#include <stdlib.h>

#include "csv.h"
#include "web.h"

static void
contact_row(int n, const char *const *v, void *arg)
{
	struct buf	*b = arg;
	int		 i;

	if (n < 4)
		return;
	for (i = 0; i < 4; i++)
		csv_field(b, v[i], i == 3);
}

int
admin_recontact_csv(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct form		 q;
	struct buf		 b;
	const char		*w;
	char			 obj[64], disp[96], rows[32];
	int			 wave = 0, n;

	if (web_query(req, &q)) {
		if ((w = form_get(&q, "wave")) != NULL)
			wave = atoi(w);
		form_free(&q);
	}
	if (wave <= 0) {
		admin_message(req, 404, ar, "admin.notfound.title",
		    "admin.notfound.text");
		return (KORE_RESULT_OK);
	}
	buf_init(&b);
	buf_puts(&b, "\xef\xbb\xbfname,email,phone,given_on\r\n");
	n = db_recontact_list(app.adb, wave, contact_row, &b);
	snprintf(obj, sizeof(obj), "recontact wave %d", wave);
	snprintf(rows, sizeof(rows), "%d contacts", n);
	if (n == DB_ERR || !admin_audit(ar, "export", obj, rows)) {
		buf_free(&b);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	snprintf(disp, sizeof(disp),
	    "attachment; filename=\"recontact-wave-%d.csv\"", wave);
	web_headers(req);
	http_response_header(req, "content-type", "text/csv; charset=utf-8");
	http_response_header(req, "content-disposition", disp);
	http_response(req, 200, b.data, b.len);
	buf_free(&b);
	return (KORE_RESULT_OK);
}
