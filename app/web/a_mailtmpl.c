/*
 * GET /admin/mail?wave=: every mail template (templates/mail) in every
 * language, rendered with a real unit of the wave (its name, portal
 * link, contact person and counts) and the wave's title and last day.
 * Personal mails show an example link and code instead of a real
 * person's. Admins only: the portal link is a secret.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "web.h"
#include "web_remind.h"

/* One kind in one language as a row of "mails". */
static void
show(struct tvars *page, enum mail_kind k, enum lang l,
    const struct unit_mail *u, const struct due_row *r,
    const struct wave_mail *w)
{
	struct tvars	 tv, *row;
	struct buf	 subject, body, optout;

	buf_init(&subject);
	buf_init(&body);
	buf_init(&optout);
	tvars_init(&tv, l);
	if (k == MK_RECRUIT || k == MK_CONTACT_INVITE)
		web_unit_mail_vars(&tv, u);
	else if (k == MK_RESUME) {
		tvars_copy(&tv, "survey", w->title);
		web_mail_link(&optout, "/r/", r->key);
		tvars_copy(&tv, "link", buf_cstr(&optout));
	} else
		remind_vars(&tv, k == MK_CONTACT_REMIND ? "low_rate" :
		    "no_contact", r, w, &optout);
	mail_tmpl_render(k, l, &tv, &subject, &body);
	row = tvars_row(page, "mails");
	tvars_set(row, "kind", mail_kind_name(k));
	tvars_set(row, "lang", lang_code(l));
	tvars_copy(row, "subject", buf_cstr(&subject));
	tvars_copy(row, "body", buf_cstr(&body));
	tvars_free(&tv);
	buf_free(&subject);
	buf_free(&body);
	buf_free(&optout);
}

static int
fill(struct tvars *tv, int wave, int unit)
{
	struct unit_mail	 u;
	struct wave_mail	 w;
	struct due_row		 unit_r, person_r;
	long			 o = 0, s = 0, c = 0;
	int			 k, l;

	if (!web_unit_mail(unit, &u) || !remind_wave(wave, &w) ||
	    (unit > 0 && !db_unit_counts(app.adb, unit, &o, &s, &c)))
		return (0);
	tvars_copy(tv, "unit", u.unit);
	memset(&unit_r, 0, sizeof(unit_r));
	unit_r.wave_unit = unit;
	unit_r.unit = u.unit;
	unit_r.key = u.pkey;
	unit_r.contact = u.cname;
	unit_r.code = unit_r.optout = unit_r.next = "";
	unit_r.days = 14;
	unit_r.opened = o;
	unit_r.started = s;
	unit_r.completed = c;
	memset(&person_r, 0, sizeof(person_r));
	person_r.invitation = 1;
	person_r.key = "eksempel";
	person_r.code = "ABCDE23456";
	person_r.optout = "eksempel";
	person_r.next = person_r.unit = person_r.contact = "";
	for (k = 0; k < MK_MAX; k++)
		for (l = 0; l < LANG_MAX; l++)
			show(tv, k, l, &u, mail_kind_respondent(k) ||
			    k == MK_RESUME ? &person_r : &unit_r, &w);
	return (1);
}

int
admin_mail_templates(struct http_request *req)
{
	struct admin_req	*ar = admin_req(req);
	struct wave_pick	 w;
	struct tvars		 tv;
	struct form		 q;
	int			 unit = 0;

	memset(&w, 0, sizeof(w));
	tvars_init(&tv, ar->lang);
	w.tv = &tv;
	if (web_query(req, &q)) {
		if (form_get(&q, "wave") != NULL)
			w.want = atoi(form_get(&q, "wave"));
		form_free(&q);
	}
	if (db_waves(app.adb, admin_wave_row, &w) == DB_ERR ||
	    (w.found && ((unit = db_example_unit(app.adb, w.want)) ==
	    DB_ERR || !fill(&tv, w.want, unit)))) {
		tvars_free(&tv);
		web_unavailable(req, ar->lang, db_error(app.adb));
		return (KORE_RESULT_OK);
	}
	tvars_int(&tv, "wave", w.want);
	admin_page(req, 200, ar, T_ADMIN_MAILTMPL, &tv,
	    i18n_get(ar->lang, "admin.mailtmpl.title"));
	tvars_free(&tv);
	return (KORE_RESULT_OK);
}
