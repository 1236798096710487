/*
 * Mail from the web module: a template (app/mail/mail_tmpl.c) rendered
 * with a unit's or a wave's facts and queued in the caller's
 * transaction, so the mail goes out exactly when the change that
 * caused it commits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "mail_tmpl.h"
#include "web.h"

static void
unit_mail_row(int n, const char *const *v, void *arg)
{
	struct unit_mail	*u = arg;

	if (n < 8)
		return;
	u->found = 1;
	snprintf(u->unit, sizeof(u->unit), "%s", v[0]);
	snprintf(u->wave, sizeof(u->wave), "%s", v[1]);
	snprintf(u->deadline, sizeof(u->deadline), "%s", v[2]);
	snprintf(u->pkey, sizeof(u->pkey), "%s", v[3]);
	snprintf(u->cname, sizeof(u->cname), "%s", v[4]);
	snprintf(u->cemail, sizeof(u->cemail), "%s", v[5]);
	snprintf(u->lang, sizeof(u->lang), "%s", v[6]);
	u->wave_id = atoi(v[7]);
}

/* What a mail about this unit names; 0 when the database failed. */
int
web_unit_mail(int wave_unit, struct unit_mail *u)
{
	memset(u, 0, sizeof(*u));
	return (db_unit_mail(app.adb, wave_unit, unit_mail_row, u) != DB_ERR);
}

/* base + path + key, for a mail. */
void
web_mail_link(struct buf *b, const char *path, const char *key)
{
	web_base_url(b);
	buf_printf(b, "%s%s", path, key);
}

/* A day in the mail's language, or nothing for an empty one. */
void
web_mail_day(struct tvars *tv, const char *k, enum lang l, const char *iso)
{
	struct buf	 b;

	if (iso == NULL || *iso == '\0')
		return;
	buf_init(&b);
	mail_day(&b, l, iso);
	tvars_copy(tv, k, buf_cstr(&b));
	buf_free(&b);
}

/* The keys every unit mail has: unit, wave, portal link, deadline,
 * contact person. */
void
web_unit_mail_vars(struct tvars *tv, const struct unit_mail *u)
{
	struct buf	 link;

	buf_init(&link);
	web_mail_link(&link, "/k/", u->pkey);
	tvars_copy(tv, "unit", u->unit);
	tvars_copy(tv, "wave", u->wave);
	tvars_copy(tv, "link", buf_cstr(&link));
	tvars_copy(tv, "contact", u->cname);
	web_mail_day(tv, "deadline", tv->lang, u->deadline);
	buf_free(&link);
}

/* Renders kind in tv's language into the outbox; m names the rest. */
int
web_mail_queue(enum mail_kind k, const struct tvars *tv,
    struct outbox_msg *m)
{
	struct buf	 subject, body;
	int		 ok;

	buf_init(&subject);
	buf_init(&body);
	m->kind = mail_kind_name(k);
	m->lang = lang_code(tv->lang);
	if ((ok = mail_tmpl_render(k, tv->lang, tv, &subject, &body))) {
		m->subject = buf_cstr(&subject);
		m->body = buf_cstr(&body);
		ok = db_outbox_add(app.adb, m);
	}
	buf_free(&subject);
	buf_free(&body);
	return (ok);
}

/*
 * The contact person's invitation with the portal link, when a contact
 * person was named or their address changed; 1, or 0 on a database
 * error. In the caller's transaction.
 */
int
web_contact_invite(int wave_unit)
{
	struct unit_mail	 u;
	struct outbox_msg	 m;
	struct tvars		 tv;
	int			 ok;

	if (!web_unit_mail(wave_unit, &u))
		return (0);
	if (!u.found || u.cemail[0] == '\0' || u.pkey[0] == '\0')
		return (1);
	tvars_init(&tv, lang_parse(u.lang));
	web_unit_mail_vars(&tv, &u);
	memset(&m, 0, sizeof(m));
	m.to = u.cemail;
	m.wave_unit = wave_unit;
	ok = web_mail_queue(MK_CONTACT_INVITE, &tv, &m);
	tvars_free(&tv);
	return (ok);
}
