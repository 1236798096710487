/*
 * Printed letters from the admin (issue 12 §3), for the fastlege
 * version's personal invitations:
 *   GET  /admin/letters          how many are still to post
 *   POST /admin/letters          action=pdf: the batch as one PDF;
 *                                action=posted: that batch marked posted
 * Both take `upto`, the highest invitation id the page showed, so the
 * batch marked is the batch printed even if invitations were added in
 * between. Each is in the audit log.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "letter.h"
#include "web.h"

#define LETTER_VERSION	"fastlege"

static void
pending_row(int n, const char *const *v, void *arg)
{
	struct tvars	*tv = arg;

	if (n < 2)
		return;
	tvars_copy(tv, "count", v[0]);
	/* Empty when there is nothing to post: the page then has no form. */
	tvars_copy(tv, "upto", strcmp(v[0], "0") != 0 ? v[1] : "");
}

static int
letters_get(struct http_request *req, struct admin_req *ar)
{
	struct tvars	 tv;

	tvars_init(&tv, ar->lang);
	if (db_letters_pending(app.adb, LETTER_VERSION, pending_row, &tv) ==
	    DB_ERR) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	tvars_set(&tv, "csrf", ar->s.csrf);
	admin_page(req, 200, ar, T_ADMIN_LETTERS, &tv,
	    i18n_get(ar->lang, "admin.letters.title"));
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}

static int
letters_pdf_send(struct http_request *req, struct admin_req *ar, int upto)
{
	struct letters	 b;
	struct buf	 base, pdf;
	const char	*font, *why;
	char		 err[128], detail[64];

	buf_init(&base);
	web_base_url(&base);
	letters_init(&b, buf_cstr(&base));
	buf_init(&pdf);
	if ((font = getenv("SVAR_LETTER_FONT")) == NULL)
		font = LETTER_FONT;
	snprintf(detail, sizeof(detail), "up to invitation %d", upto);
	/*
	 * Each way this can fail says so: before, all of them came back as
	 * the same quiet redirect, and a font missing from the chroot
	 * looked like "nothing happened".
	 */
	why = NULL;
	if (db_letters(app.adb, LETTER_VERSION, upto, letters_row, &b) ==
	    DB_ERR)
		why = db_error(app.adb);
	else if (b.n > 0 && !letters_pdf(&b, font, NULL, &pdf, err,
	    sizeof(err)))
		why = err;
	else if (b.n > 0 && !admin_audit(ar, "letters.pdf", "letters",
	    detail))
		why = db_error(app.adb);
	if (why != NULL || b.n == 0) {
		letters_free(&b);
		buf_free(&base);
		buf_free(&pdf);
		if (why != NULL)
			web_unavailable(req, ar->lang, why);
		else
			web_redirect(req, "/admin/letters");
		return (KORE_RESULT_OK);
	}
	web_headers(req);
	http_response_header(req, "content-type", "application/pdf");
	http_response_header(req, "content-disposition",
	    "attachment; filename=\"svar-brev.pdf\"");
	http_response(req, 200, pdf.data, pdf.len);
	letters_free(&b);
	buf_free(&base);
	buf_free(&pdf);
	return (KORE_RESULT_OK);
}

/* The batch up to upto marked posted, with its audit line, at once. */
static int
letters_posted(struct http_request *req, struct admin_req *ar, int upto)
{
	struct letters	 b;
	char		 detail[64];
	int		 n = 0;

	letters_init(&b, "");
	if (!db_begin(app.adb) || db_letters(app.adb, LETTER_VERSION, upto,
	    letters_row, &b) == DB_ERR || (b.n > 0 && (n =
	    db_letters_posted(app.adb, (const char *const *)b.ids, b.n)) ==
	    DB_ERR)) {
		db_rollback(app.adb);
		letters_free(&b);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	snprintf(detail, sizeof(detail), "%d letters up to invitation %d", n,
	    upto);
	if (!admin_audit(ar, "letters.posted", "letters", detail) ||
	    !db_commit(app.adb)) {
		db_rollback(app.adb);
		letters_free(&b);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	letters_free(&b);
	web_redirect(req, "/admin/letters");
	return (KORE_RESULT_OK);
}

int
admin_letters(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	const char		*action, *u;
	int			 upto;

	if (req->method == HTTP_METHOD_GET)
		return (letters_get(req, ar));
	action = form_get(&ar->f, "action");
	u = form_get(&ar->f, "upto");
	upto = u != NULL ? atoi(u) : 0;
	/* 0 would mean "all", which the page never shows. */
	if (action == NULL || upto < 1) {
		admin_message(req, 400, ar, "msg.badform.title",
		    "msg.badform.text");
		return (KORE_RESULT_OK);
	}
	if (strcmp(action, "pdf") == 0)
		return (letters_pdf_send(req, ar, upto));
	if (strcmp(action, "posted") == 0)
		return (letters_posted(req, ar, upto));
	admin_message(req, 400, ar, "msg.badform.title", "msg.badform.text");
	return (KORE_RESULT_OK);
}
